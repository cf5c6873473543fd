// The starter kit's Terraform example (examples/terraform/), parsed with HashiCorp's HCL parser and its
// expressions evaluated for both values of traffic_switch: the pair contract (as for the CloudFormation
// template: "weights", the default, gives each color its own target group and weights both in the
// listener's forward action; "standby" puts both colors on one target group), the deploy role (actions =
// what the code calls plus the listener/rule actions granted ahead of it; trust = the example workflows'
// jobs), and no drift fight: lifecycle.ignore_changes covers every group attribute the action writes
// (derived from the code's SDK calls) and the listener's default_action (the weights), and no resource the
// action rewrites (scaling policies, scheduled actions, alarms) is managed by Terraform. Not checked here:
// `terraform validate`/plan (no Terraform binary on this machine).
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { BOOT_SCRIPT } from '../../test-support/starter/boot.js'
import { loadTemplate, props, stackOf } from '../../test-support/starter/cfn.js'
import { actionsCalledByCode, allowedActions, bootScriptActions, resourceMatches, statementFor, trustAccepts, type PolicyDocument } from '../../test-support/starter/iam.js'
import { TERRAFORM_DIR, instancesOf, interpolate, loadTerraform, policyDocument, writtenByCode, type TerraformConfig } from '../../test-support/starter/terraform.js'

let tf: TerraformConfig
beforeAll(async () => {
  tf = await loadTerraform()
})

type Block = Record<string, unknown>
const MODES = ['weights', 'standby'] as const
type Mode = (typeof MODES)[number]
const vars = (mode: Mode): Record<string, string> => ({ traffic_switch: mode })
/** The groups' evaluated blocks, by color. */
const groups = (mode: Mode = 'weights'): Record<string, Block> =>
  Object.fromEntries(Object.entries(instancesOf(tf, 'aws_autoscaling_group', vars(mode))).map(([address, block]) => [address.match(/\["(\w+)"\]$/)?.[1] as string, block]))
const ignored = (block: Block): string[] => (((block.lifecycle as Block[] | undefined)?.[0]?.ignore_changes ?? []) as string[]).map((e) => e.replace(/^\$\{(.*)\}$/, '$1'))
const listener = (mode: Mode): Block => instancesOf(tf, 'aws_lb_listener', vars(mode))['aws_lb_listener.http'] as Block
const forwardTargets = (mode: Mode): unknown => ((((listener(mode).default_action as Block[])[0] as Block).forward as Block[])[0] as Block).target_group

describe('terraform example: no drift fight with the action', () => {
  it('ignores every group attribute the action writes, and manages nothing the action moves between colors', () => {
    const written = writtenByCode('src')
    expect(written.attributes).toEqual(expect.arrayContaining(['desired_capacity', 'min_size', 'tag', 'suspended_processes']))
    for (const mode of MODES) {
      expect(Object.keys(groups(mode)).sort()).toEqual(['blue', 'green'])
      for (const g of Object.values(groups(mode))) expect(ignored(g)).toEqual(expect.arrayContaining(written.attributes))
    }
    for (const type of written.resourceTypes) expect(Object.keys(tf.resource[type] ?? {})).toEqual([])
  })

  it('ignores the listener\'s default_action, whose weights are the action\'s after the first deploy, and every other attribute the code writes outside the groups', () => {
    expect(ignored(tf.resource.aws_lb_listener?.http?.[0] as Block)).toEqual(['default_action'])
    // Derived from the code: ModifyListener → the listener's default_action, ModifyRule → a rule's action.
    for (const [type, attributes] of Object.entries(writtenByCode('src').resourceAttributes)) {
      for (const [, [block]] of Object.entries(tf.resource[type] ?? {})) expect(ignored(block)).toEqual(expect.arrayContaining(attributes))
    }
  })
})

describe('terraform example: the pair', () => {
  it('declares <prefix><service>-blue and -green, identical but for the name and the target group, at capacity 0', () => {
    for (const mode of MODES) {
      const gs = groups(mode)
      expect([gs.blue?.name, gs.green?.name]).toEqual(['prod-web-blue', 'prod-web-green'])
      const [a, b] = [gs.blue, gs.green].map((block) => {
        const { name: _, target_group_arns: _tg, ...rest } = block as Block
        return rest
      })
      expect(a).toEqual(b)
      for (const block of Object.values(gs)) {
        expect(block.min_size).toBe(0)
        expect(block.desired_capacity).toBeUndefined()
        expect(block.tag).toEqual([{ key: 'docker:image:name', value: 'web', propagate_at_launch: true }])
        expect(block).toMatchObject({ health_check_type: 'ELB', health_check_grace_period: 300 })
      }
    }
  })

  it('offers the two traffic topologies, weights by default', () => {
    const v = tf.variable.traffic_switch?.[0] as Block
    expect(v).toMatchObject({ type: '${string}', default: 'weights' })
    expect((v.validation as Block[])[0]?.condition).toBe('${contains(["weights", "standby"], var.traffic_switch)}')
    for (const mode of MODES) expect(interpolate(tf, (v.validation as Block[])[0]?.condition, { vars: vars(mode) })).toBe(true)
    expect(interpolate(tf, (v.validation as Block[])[0]?.condition, { vars: { traffic_switch: 'weight' } })).toBe(false)
  })

  it('standby: both colors behind the one target group, which the listener forwards to', () => {
    expect(Object.keys(instancesOf(tf, 'aws_lb_target_group', vars('standby')))).toEqual(['aws_lb_target_group.app'])
    for (const g of Object.values(groups('standby'))) expect(g.target_group_arns).toEqual(['${aws_lb_target_group.app.arn}'])
    expect(forwardTargets('standby')).toEqual([{ arn: '${aws_lb_target_group.app.arn}', weight: 1 }])
  })

  it('weights: each color behind its own target group, the listener forwarding to both, blue at 1 and green at 0', () => {
    const tgs = instancesOf(tf, 'aws_lb_target_group', vars('weights'))
    expect(Object.keys(tgs)).toEqual(['aws_lb_target_group.app', 'aws_lb_target_group.green[0]'])
    const gs = groups('weights')
    expect(gs.blue?.target_group_arns).toEqual(['${aws_lb_target_group.app.arn}'])
    expect(gs.green?.target_group_arns).toEqual(['${aws_lb_target_group.green[0].arn}'])
    expect(forwardTargets('weights')).toEqual([
      { arn: '${aws_lb_target_group.app.arn}', weight: 1 },
      { arn: '${aws_lb_target_group.green[0].arn}', weight: 0 }
    ])
    // The two target groups are the same but for the name; blue's keeps the standby stack's.
    const { name: blueName, ...blue } = tgs['aws_lb_target_group.app'] as Block
    const { name: greenName, ...green } = tgs['aws_lb_target_group.green[0]'] as Block
    expect([blueName, greenName]).toEqual(['prod-web', 'prod-web-green'])
    expect(green).toEqual(blue)
    expect(instancesOf(tf, 'aws_lb_target_group', vars('standby'))['aws_lb_target_group.app']).toEqual(tgs['aws_lb_target_group.app'])
  })

  it('matches the CloudFormation template: target group names, health check, drain, sizes, IMDSv2, the boot script', () => {
    const stack = stackOf(loadTemplate())
    const cfnTg = props(stack, 'TargetGroup')
    const tg = interpolate(tf, tf.resource.aws_lb_target_group?.app?.[0]) as Block
    expect(tg.name).toBe(cfnTg.Name)
    expect(instancesOf(tf, 'aws_lb_target_group')['aws_lb_target_group.green[0]']?.name).toBe(props(stack, 'GreenTargetGroup').Name)
    const hc = (tg.health_check as Block[])[0] as Block
    expect(hc).toMatchObject({
      path: cfnTg.HealthCheckPath,
      interval: Number(cfnTg.HealthCheckIntervalSeconds),
      timeout: Number(cfnTg.HealthCheckTimeoutSeconds),
      healthy_threshold: Number(cfnTg.HealthyThresholdCount),
      unhealthy_threshold: Number(cfnTg.UnhealthyThresholdCount)
    })
    expect(String(tg.deregistration_delay)).toBe((cfnTg.TargetGroupAttributes as { Value: string }[])[0]?.Value)
    expect(String(groups().blue?.max_size)).toBe(String(props(stack, 'BlueGroup').MaxSize))

    const lt = tf.resource.aws_launch_template?.app?.[0] as Block
    expect((lt.metadata_options as Block[])[0]).toMatchObject({ http_tokens: 'required' })
    // The settings lines, then the boot script (user-data.test.ts boots the result).
    const file = String(lt.user_data).match(/^\$\{base64encode\("\$\{local\.boot_settings\}\$\{file\("\$\{path\.module\}\/(.+)"\)\}"\)\}$/)?.[1]
    expect(file).toBeDefined()
    expect(path.resolve(TERRAFORM_DIR, file as string)).toBe(BOOT_SCRIPT)
    const settings = interpolate(tf, '${local.boot_settings}', { vars: { image_registry: 'ghcr.io/owner/', app_port: '8081' } })
    expect(settings).toBe("#!/bin/bash\nREGISTRY='ghcr.io/owner/'\nAPP_PORT='8081'\n")
  })

  it('requires the registry (no default, a registry host ending in /), and uses one port, app_port, for the security group, the target groups and their health checks', () => {
    const registry = tf.variable.image_registry?.[0] as Block
    expect(registry.default).toBeUndefined()
    const check = (registry.validation as Block[])[0]?.condition
    for (const ok of ['123456789012.dkr.ecr.us-east-1.amazonaws.com/', 'ghcr.io/owner/', 'registry.example.com:5000/team/']) expect(interpolate(tf, check, { vars: { image_registry: ok } })).toBe(true)
    for (const bad of ['', 'web', 'docker.io', "x.io/'; reboot; '/"]) expect(interpolate(tf, check, { vars: { image_registry: bad } })).toBe(false)
    // The same pattern as the CloudFormation parameter's.
    expect(String(check)).toContain(`"^${String(loadTemplate().Parameters.ImageRegistry?.AllowedPattern)}$"`)

    const port = { app_port: '8081' }
    const sg = instancesOf(tf, 'aws_security_group', port)['aws_security_group.instances'] as Block
    expect((sg.ingress as Block[])[0]).toMatchObject({ from_port: '8081', to_port: '8081', security_groups: ['${aws_security_group.lb.id}'] })
    for (const mode of MODES) {
      for (const tg of Object.values(instancesOf(tf, 'aws_lb_target_group', { ...port, ...vars(mode) }))) {
        expect(tg.port).toBe('8081')
        expect((tg.health_check as Block[])[0]).toMatchObject({ port: 'traffic-port', protocol: 'HTTP' })
      }
    }
    expect(interpolate(tf, '${local.boot_settings}', { vars: { image_registry: 'ghcr.io/owner/', ...port } })).toContain("APP_PORT='8081'")
  })

  it('gives instances exactly the AWS calls the boot script makes: the Auto Scaling reads, and for an ECR registry the login and the pull of the one repository', () => {
    const script = fs.readFileSync(BOOT_SCRIPT, 'utf8')
    expect(allowedActions(policyDocument(tf, 'instance'))).toEqual(bootScriptActions(script))
    const ecrVars = { image_registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/' }
    const policies = (v: Record<string, string>): string[] => Object.keys(instancesOf(tf, 'aws_iam_role_policy', v)).filter((k) => k.startsWith('aws_iam_role_policy.instance'))
    expect(policies(ecrVars)).toEqual(['aws_iam_role_policy.instance', 'aws_iam_role_policy.instance_ecr[0]'])
    expect(policies({ image_registry: 'ghcr.io/owner/' })).toEqual(['aws_iam_role_policy.instance'])
    const ecr = policyDocument(tf, 'instance_ecr', ecrVars)
    expect([...allowedActions(policyDocument(tf, 'instance')), ...allowedActions(ecr)].sort()).toEqual(bootScriptActions(script, { ecr: true }))
    expect(statementFor(ecr, 'ecr:BatchGetImage')?.Resource).toEqual(['arn:aws:ecr:eu-west-1:123456789012:repository/team/web'])
    // The same grant as the CloudFormation template's for that registry.
    const cfn = (props(stackOf(loadTemplate(), { ImageRegistry: ecrVars.image_registry }), 'InstanceRole').Policies as unknown as { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } }[])[1]
    expect(cfn?.PolicyDocument.Statement.map((st) => [[st.Action].flat(), [st.Resource].flat()])).toEqual(ecr.Statement.map((st) => [st.Action, st.Resource]))
    // Session Manager only when asked.
    expect(Object.keys(instancesOf(tf, 'aws_iam_role_policy_attachment', {}))).toEqual([])
    expect(instancesOf(tf, 'aws_iam_role_policy_attachment', { enable_session_manager: true as unknown as string })['aws_iam_role_policy_attachment.session_manager[0]']).toMatchObject({
      policy_arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'
    })
  })
})

describe('terraform example: the deploy role', () => {
  it('with github_owner_id and github_repository_id, trusts the same jobs in the immutable subject form only, and the same subjects as the CloudFormation template', () => {
    const ids = { github_owner_id: '111111', github_repository_id: '222222222' }
    const trust = policyDocument(tf, 'deploy_trust', ids)
    const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    const ok = (sub: string): boolean => trustAccepts(trust, provider, { sub, aud: 'sts.amazonaws.com' })
    const me = 'repo:OWNER@111111/REPO@222222222'
    for (const sub of [':ref:refs/tags/v1.4.0', ':ref:refs/heads/main', ':environment:production-finalize', ':environment:production-rollback']) expect(ok(me + sub)).toBe(true)
    expect(ok(`${me}:ref:refs/heads/feature`)).toBe(false)
    expect(ok(`${me}:pull_request`)).toBe(false)
    expect(ok('repo:OWNER/REPO:ref:refs/tags/v1.4.0')).toBe(false)
    expect(ok('repo:OWNER@111111/REPO@333333333:ref:refs/tags/v1.4.0')).toBe(false)
    expect(ok('repo:OWNER@999999/REPO@222222222:environment:production-finalize')).toBe(false)
    expect(ok('repo:OTHER@111111/REPO@222222222:environment:production-finalize')).toBe(false)
    // The same subjects as a CloudFormation stack with the same ids (and without).
    const cfnSubjects = (params: Record<string, string>): unknown =>
      ((props(stackOf(loadTemplate(), params), 'DeployRole').AssumeRolePolicyDocument as unknown as PolicyDocument).Statement.map((st) => st.Condition))
    const subjects = (doc: PolicyDocument): unknown => doc.Statement.map((st) => Object.fromEntries(Object.entries(st.Condition ?? {}).map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, [v].flat().length === 1 ? [v].flat()[0] : v]))])))
    expect(subjects(trust)).toEqual(cfnSubjects({ GitHubOwnerId: ids.github_owner_id, GitHubRepositoryId: ids.github_repository_id }))
    expect(subjects(policyDocument(tf, 'deploy_trust'))).toEqual(cfnSubjects({}))
    // Both ids or neither.
    const pre = ((tf.resource.aws_iam_role?.deploy?.[0]?.lifecycle as Block[])[0]?.precondition as Block[])[0]?.condition
    expect(interpolate(tf, pre, { vars: ids })).toBe(true)
    expect(interpolate(tf, pre, { vars: {} })).toBe(true)
    expect(interpolate(tf, pre, { vars: { github_owner_id: '111111' } })).toBe(false)
  })

  it('allows exactly the AWS calls the code makes, and terminates only this service’s instances', () => {
    const needed = actionsCalledByCode('src').actions.filter((a) => a !== 'sts:AssumeRoleWithWebIdentity')
    const policy = policyDocument(tf, 'deploy')
    expect(allowedActions(policy)).toEqual(needed)
    const terminate = statementFor(policy, 'ec2:TerminateInstances')
    expect(terminate?.Action).toEqual(['ec2:TerminateInstances'])
    expect(terminate?.Resource).toEqual(['arn:aws:ec2:*:123456789012:instance/*'])
    expect(terminate?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/docker:image:name': ['web'] } })
  })

  it("reads listeners and rules on any resource, and rewrites the weights of this load balancer's listeners and rules only", () => {
    const policy = policyDocument(tf, 'deploy')
    for (const a of ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules']) expect(statementFor(policy, a)?.Resource).toEqual(['*'])
    const modify = statementFor(policy, 'elasticloadbalancing:ModifyListener')
    expect(modify).toBe(statementFor(policy, 'elasticloadbalancing:ModifyRule'))
    expect(modify?.Action).toEqual(['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'])
    expect(modify?.Condition).toBeUndefined()
    // aws_lb's arn_suffix: the load balancer ARN after "loadbalancer/", e.g. app/my-load-balancer/50dc6c495c0c9188.
    const resources = (modify?.Resource as string[]).map((r) => r.replace('${aws_lb.app.arn_suffix}', 'app/prod-web/50dc6c495c0c9188'))
    const may = (arn: string): boolean => resources.some((r) => resourceMatches(r, arn))
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
    expect(may(`${arn}:listener/app/prod-web/50dc6c495c0c9188/f2f7dc8efc522ab2`)).toBe(true)
    expect(may(`${arn}:listener-rule/app/prod-web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`)).toBe(true)
    expect(may(`${arn}:listener/app/other/0123456789abcdef/f2f7dc8efc522ab2`)).toBe(false)
    expect(may(`${arn}:listener-rule/app/other/0123456789abcdef/f2f7dc8efc522ab2/9683b2d02a6cabee`)).toBe(false)
    expect(may(`${arn}:loadbalancer/app/prod-web/50dc6c495c0c9188`)).toBe(false)
    expect(may(`${arn}:targetgroup/prod-web/0123456789abcdef`)).toBe(false)
    // The same grant as the CloudFormation template's.
    const cfn = (props(stackOf(loadTemplate()), 'DeployRole').Policies as unknown as { PolicyDocument: { Statement: { Sid?: string; Resource?: unknown }[] } }[])[0]?.PolicyDocument.Statement.find(
      (st) => st.Sid === 'SwitchWeightsOnThisLoadBalancer'
    )
    expect(modify?.Sid).toBe(cfn?.Sid)
    expect((cfn?.Resource as string[]).map((r) => r.replace('<LoadBalancer.LoadBalancerFullName>', '${aws_lb.app.arn_suffix}'))).toEqual(modify?.Resource)
  })

  it("is assumed by the example workflows' jobs and nobody else", () => {
    const trust = policyDocument(tf, 'deploy_trust')
    const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    const ok = (sub: string, aud = 'sts.amazonaws.com'): boolean => trustAccepts(trust, provider, { sub, aud })
    expect(ok('repo:OWNER/REPO:ref:refs/tags/v1.4.0')).toBe(true)
    expect(ok('repo:OWNER/REPO:environment:production-finalize')).toBe(true)
    expect(ok('repo:OWNER/REPO:environment:production-rollback')).toBe(true)
    expect(ok('repo:OWNER/REPO:ref:refs/heads/main')).toBe(true)
    expect(ok('repo:OWNER/REPO:ref:refs/heads/feature')).toBe(false)
    expect(ok('repo:OWNER/REPO:pull_request')).toBe(false)
    expect(ok('repo:OWNER/REPO:environment:staging')).toBe(false)
    expect(ok('repo:OWNER/REPO:ref:refs/tags/v1.4.0', 'sts.amazonaws.com.cn')).toBe(false)
    expect(ok('repo:OTHER/REPO:ref:refs/tags/v1.4.0')).toBe(false)
    expect(ok('repo:OWNER@111111/REPO@222222222:ref:refs/tags/v1.4.0')).toBe(false)
    expect(tf.resource.aws_iam_openid_connect_provider?.github?.[0]).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] })
  })
})
