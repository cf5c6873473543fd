// The starter kit's Terraform example (examples/terraform/), parsed with HashiCorp's HCL parser: the pair
// contract (as for the CloudFormation template), the deploy role (actions = what the code calls; trust =
// the example workflows' jobs), and no drift fight: lifecycle.ignore_changes covers every group attribute
// the action writes (derived from the code's SDK calls), and no resource the action rewrites (scaling
// policies, scheduled actions, alarms) is managed by Terraform. Not checked here: `terraform validate`/plan
// (no Terraform binary on this machine).
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { BOOT_SCRIPT } from '../../test-support/starter/boot.js'
import { loadTemplate, props, stackOf } from '../../test-support/starter/cfn.js'
import { actionsCalledByCode, allowedActions, bootScriptActions, statementFor, trustAccepts } from '../../test-support/starter/iam.js'
import { TERRAFORM_DIR, forEachKeys, interpolate, loadTerraform, policyDocument, writtenByCode, type TerraformConfig } from '../../test-support/starter/terraform.js'

let tf: TerraformConfig
beforeAll(async () => {
  tf = await loadTerraform()
})

type Block = Record<string, unknown>
const groups = (): { key: string | undefined; block: Block }[] =>
  Object.values(tf.resource.aws_autoscaling_group ?? {}).flatMap(([block]) => forEachKeys(block).map((key) => ({ key, block: interpolate(tf, block, { eachKey: key }) as Block })))
const ignored = (block: Block): string[] => (((block.lifecycle as Block[] | undefined)?.[0]?.ignore_changes ?? []) as string[]).map((e) => e.replace(/^\$\{(.*)\}$/, '$1'))

describe('terraform example: no drift fight with the action', () => {
  it('ignores every group attribute the action writes, and manages nothing the action moves between colors', () => {
    const written = writtenByCode('src')
    expect(written.attributes).toEqual(expect.arrayContaining(['desired_capacity', 'min_size', 'tag', 'suspended_processes']))
    expect(groups()).toHaveLength(2)
    for (const g of groups()) expect(ignored(g.block)).toEqual(expect.arrayContaining(written.attributes))
    for (const type of written.resourceTypes) expect(Object.keys(tf.resource[type] ?? {})).toEqual([])
  })
})

describe('terraform example: the pair', () => {
  it('declares <prefix><service>-blue and -green, identical, behind the same target group, at capacity 0', () => {
    const gs = groups()
    expect(gs.map((g) => g.block.name).sort()).toEqual(['prod-web-blue', 'prod-web-green'])
    const [a, b] = gs.map(({ block }) => {
      const { name: _, ...rest } = block
      return rest
    })
    expect(a).toEqual(b)
    for (const { block } of gs) {
      expect(block.target_group_arns).toEqual(['${aws_lb_target_group.app.arn}'])
      expect(block.min_size).toBe(0)
      expect(block.desired_capacity).toBeUndefined()
      expect(block.tag).toEqual([{ key: 'docker:image:name', value: 'web', propagate_at_launch: true }])
      expect(block).toMatchObject({ health_check_type: 'ELB', health_check_grace_period: 300 })
    }
  })

  it('matches the CloudFormation template: health check, drain, sizes, IMDSv2, the boot script', () => {
    const stack = stackOf(loadTemplate())
    const cfnTg = props(stack, 'TargetGroup')
    const tg = interpolate(tf, tf.resource.aws_lb_target_group?.app?.[0]) as Block
    const hc = (tg.health_check as Block[])[0] as Block
    expect(hc).toMatchObject({
      path: cfnTg.HealthCheckPath,
      interval: Number(cfnTg.HealthCheckIntervalSeconds),
      timeout: Number(cfnTg.HealthCheckTimeoutSeconds),
      healthy_threshold: Number(cfnTg.HealthyThresholdCount),
      unhealthy_threshold: Number(cfnTg.UnhealthyThresholdCount)
    })
    expect(String(tg.deregistration_delay)).toBe((cfnTg.TargetGroupAttributes as { Value: string }[])[0]?.Value)
    expect(String(groups()[0]?.block.max_size)).toBe(String(props(stack, 'BlueGroup').MaxSize))

    const lt = tf.resource.aws_launch_template?.app?.[0] as Block
    expect((lt.metadata_options as Block[])[0]).toMatchObject({ http_tokens: 'required' })
    const file = String(lt.user_data).match(/^\$\{filebase64\("\$\{path\.module\}\/(.+)"\)\}$/)?.[1]
    expect(file).toBeDefined()
    expect(path.resolve(TERRAFORM_DIR, file as string)).toBe(BOOT_SCRIPT)
  })

  it('gives instances exactly the Auto Scaling reads the boot script makes', () => {
    expect(allowedActions(policyDocument(tf, 'instance'))).toEqual(bootScriptActions(fs.readFileSync(BOOT_SCRIPT, 'utf8')))
  })
})

describe('terraform example: the deploy role', () => {
  it('allows exactly the AWS calls the code makes, and terminates only this service’s instances', () => {
    const needed = actionsCalledByCode('src').actions.filter((a) => a !== 'sts:AssumeRoleWithWebIdentity')
    const policy = policyDocument(tf, 'deploy')
    expect(allowedActions(policy)).toEqual(needed)
    const terminate = statementFor(policy, 'ec2:TerminateInstances')
    expect(terminate?.Action).toEqual(['ec2:TerminateInstances'])
    expect(terminate?.Resource).toEqual(['arn:aws:ec2:*:123456789012:instance/*'])
    expect(terminate?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/docker:image:name': ['web'] } })
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
    expect(tf.resource.aws_iam_openid_connect_provider?.github?.[0]).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] })
  })
})
