// The starter kit's CloudFormation template (examples/cloudformation/blue-green.yaml): the contract the
// action relies on (names, tags, capacity 0, health check, and the traffic topology: TrafficSwitch weights,
// the default, gives each color its own target group and weights both in the listener's forward action;
// standby puts both colors on one target group), the deploy role (its actions are the ones the code calls
// the listener/rule actions of the weighted topology among them; the trust policy takes
// the example workflows' jobs and nobody else, in the name form or, with the repository's ids, the
// immutable form), one port end to end (AppPort), the instance role (the boot script's calls, ECR only
// for an ECR registry, Session Manager only when asked), and a deploy cycle on a simulated AWS built from the
// template's resources (its load balancer and listener included), with requests flowing through the
// listener and a stack update replayed after the deploy that must not undo it: on the default stack
// (weights: cutover and rollback are weight writes, the old instances stay InService at weight 0) and on
// a standby stack (the old instances wait in Standby).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { afterEach, describe, expect, it } from '@jest/globals'
import { CreateOrUpdateTagsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling'
import { runAction } from '../../test-support/harness.js'
import { simClients, type SimClients } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { BOOT_SCRIPT } from '../../test-support/starter/boot.js'
import { TEMPLATE, applyStackUpdate, buildWorld, loadTemplate, props, resourcesOfType, stackOf, type BuiltStack, type Json, type Stack, type Template } from '../../test-support/starter/cfn.js'
import {
  actionsCalledByCode,
  allowedActions,
  bootScriptActions,
  policyInMarkdown,
  resourceMatches,
  statementFor,
  trustAccepts,
  type PolicyDocument
} from '../../test-support/starter/iam.js'
import { newWorld } from '../../test-support/worlds.js'

const template = loadTemplate()
/** The defaults: TrafficSwitch weights. */
const stack = stackOf(template)
const standby = stackOf(template, { TrafficSwitch: 'standby' })
const groupIds = resourcesOfType(stack, 'AWS::AutoScaling::AutoScalingGroup').map(([id]) => id)
const targetGroupRefs = (s: Stack): string[] => resourcesOfType(s, 'AWS::ElasticLoadBalancingV2::TargetGroup').map(([id]) => s.refs[id] as string)
const groupTargetGroups = (s: Stack, id: string): string[] => props(s, id).TargetGroupARNs as string[]
const defaultActions = (s: Stack): Json[] => props(s, 'Listener').DefaultActions as Json[]

function role(id: string, s: Stack = stack): { trust: PolicyDocument; policy: PolicyDocument } {
  const p = props(s, id)
  const policies = p.Policies as unknown as { PolicyDocument: PolicyDocument }[]
  return {
    trust: p.AssumeRolePolicyDocument as unknown as PolicyDocument,
    policy: { Statement: policies.flatMap((x) => x.PolicyDocument.Statement) }
  }
}

/** cfn-lint (AWS's CloudFormation linter: resource schemas, intrinsic functions where CloudFormation allows them), if installed. */
const cfnLint = ((): string | undefined => {
  try {
    return execFileSync('bash', ['-c', 'command -v cfn-lint'], { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
})()
if (!cfnLint) console.warn('cfn-lint not found: the template lint test is skipped (pip install cfn-lint)')

describe('the template gives the action the pair it needs', () => {
  ;(cfnLint ? it : it.skip)('passes cfn-lint: every property, intrinsic function (the Fn::Select and Fn::Split of its conditions among them) and rule where CloudFormation accepts it', () => {
    const out = ((): string => {
      try {
        return execFileSync(cfnLint as string, [TEMPLATE], { encoding: 'utf8', timeout: 120_000 })
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? e)
      }
    })()
    expect(out).toBe('')
  }, 120_000)

  it('declares exactly two groups, <Prefix><ServiceName>-blue and -green', () => {
    for (const s of [stack, standby]) {
      const ids = resourcesOfType(s, 'AWS::AutoScaling::AutoScalingGroup').map(([id]) => id)
      expect(ids).toEqual(groupIds)
      // The example workflows' inputs: prefix prod-, image-name web.
      expect(ids.map((id) => props(s, id).AutoScalingGroupName).sort()).toEqual(['prod-web-blue', 'prod-web-green'])
      expect(resourcesOfType(s, 'AWS::ElasticLoadBalancingV2::Listener')).toHaveLength(1)
    }
  })

  it('offers the two traffic topologies, weights by default', () => {
    expect(template.Parameters.TrafficSwitch).toMatchObject({ Type: 'String', Default: 'weights', AllowedValues: ['weights', 'standby'] })
    expect(template.Parameters.WeightsLiveColor).toMatchObject({ Type: 'String', Default: 'blue', AllowedValues: ['blue', 'green'] })
  })

  it('standby: both colors behind the one target group, which the listener forwards to', () => {
    expect(targetGroupRefs(standby)).toEqual(['prod-web'])
    for (const id of groupIds) expect(groupTargetGroups(standby, id)).toEqual(['prod-web'])
    expect(defaultActions(standby)).toEqual([{ Type: 'forward', TargetGroupArn: 'prod-web' }])
  })

  it('weights: each color behind its own target group, the listener forwarding to both, blue at 1 and green at 0 on a new stack', () => {
    // Blue keeps the standby stack's target group (a stack switched to weights keeps the one that serves).
    expect(targetGroupRefs(stack).sort()).toEqual(['prod-web', 'prod-web-green'])
    expect(groupTargetGroups(stack, 'BlueGroup')).toEqual(['prod-web'])
    expect(groupTargetGroups(stack, 'GreenGroup')).toEqual(['prod-web-green'])
    // Every color target group in the forward, nothing else (the action refuses a third target group, and
    // a color target group in no rule), within the 5 target groups a forward action takes, weights 0-999.
    const forward = { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'prod-web', Weight: 1 }, { TargetGroupArn: 'prod-web-green', Weight: 0 }] } }
    expect(defaultActions(stack)).toEqual([forward])
    // Before an update that rewrites the listener while green serves, WeightsLiveColor=green keeps green's weight.
    expect(defaultActions(stackOf(template, { WeightsLiveColor: 'green' }))).toEqual([
      { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'prod-web', Weight: 0 }, { TargetGroupArn: 'prod-web-green', Weight: 1 }] } }
    ])
    // WeightsLiveColor means nothing to a standby stack.
    expect(defaultActions(stackOf(template, { TrafficSwitch: 'standby', WeightsLiveColor: 'green' }))).toEqual(defaultActions(standby))
  })

  it('weights: the two target groups are the same but for the name (health check, drain, port)', () => {
    const { Name: blueName, ...blue } = props(stack, 'TargetGroup')
    const { Name: greenName, ...green } = props(stack, 'GreenTargetGroup')
    expect([blueName, greenName]).toEqual(['prod-web', 'prod-web-green'])
    expect(green).toEqual(blue)
    expect(props(standby, 'TargetGroup')).toEqual(props(stack, 'TargetGroup'))
  })

  it('outputs the listener and each target group', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(expect.arrayContaining(['TargetGroupArn', 'GreenTargetGroupArn', 'ListenerArn']))
    expect(template.Outputs?.GreenTargetGroupArn).toMatchObject({ Condition: 'Weights' })
  })

  it('tags both colors with the image name (propagated at launch) and leaves the tags the action writes undeclared', () => {
    for (const id of groupIds) {
      const tags = props(stack, id).Tags as { Key: string; Value: string; PropagateAtLaunch: boolean }[]
      expect(tags).toContainEqual({ Key: 'docker:image:name', Value: 'web', PropagateAtLaunch: true })
      expect(tags.map((t) => t.Key).filter((k) => k === 'docker:image:version' || k.startsWith('blue-green'))).toEqual([])
    }
  })

  it('starts both colors at capacity 0, declares no DesiredCapacity, and keeps CloudFormation off the group sizes on update', () => {
    for (const id of groupIds) {
      const p = props(stack, id)
      expect(p.MinSize).toBe('0')
      expect(p.DesiredCapacity).toBeUndefined()
      expect(Number(p.MaxSize)).toBeGreaterThan(0)
      const policy = template.Resources[id]?.UpdatePolicy ?? {}
      expect(policy.AutoScalingScheduledAction).toEqual({ IgnoreUnmodifiedGroupSizeProperties: true })
      // CloudFormation must never replace or roll instances itself: deploys do that.
      expect(Object.keys(policy).filter((k) => k === 'AutoScalingRollingUpdate' || k === 'AutoScalingReplacingUpdate')).toEqual([])
    }
    // Nothing in the stack that a deploy moves between colors.
    for (const type of ['AWS::AutoScaling::ScalingPolicy', 'AWS::AutoScaling::ScheduledAction', 'AWS::AutoScaling::WarmPool', 'AWS::AutoScaling::LifecycleHook']) {
      expect(resourcesOfType(stack, type)).toEqual([])
    }
  })

  it('health-checks the app on its own path, and lets the ELB health check replace broken instances', () => {
    for (const s of [stack, standby]) {
      for (const [tgId] of resourcesOfType(s, 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
        const tg = props(s, tgId)
        expect(tg.HealthCheckPath).toBe('/health')
        expect(Number(tg.HealthCheckIntervalSeconds) * Number(tg.HealthyThresholdCount)).toBeLessThanOrEqual(60)
        expect(Number(tg.HealthCheckTimeoutSeconds)).toBeLessThan(Number(tg.HealthCheckIntervalSeconds))
      }
      for (const id of groupIds) expect(props(s, id)).toMatchObject({ HealthCheckType: 'ELB', HealthCheckGracePeriod: 300 })
    }
  })

  it('launches instances that require IMDSv2 and boot with the stack\'s two settings, then examples/user-data/boot.sh verbatim', () => {
    const ltId = resourcesOfType(stack, 'AWS::EC2::LaunchTemplate')[0]?.[0] as string
    const data = props(stack, ltId).LaunchTemplateData as Record<string, Json>
    expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required' })
    const settings = "#!/bin/bash\nREGISTRY='123456789012.dkr.ecr.us-east-1.amazonaws.com/'\nAPP_PORT='80'\n"
    expect(data.UserData).toBe(settings + fs.readFileSync(BOOT_SCRIPT, 'utf8'))
    // The settings the script reads are exactly the two the stack writes.
    const script = fs.readFileSync(BOOT_SCRIPT, 'utf8')
    expect(script).toMatch(/^REGISTRY="\$\{REGISTRY-\}"$/m)
    expect(script).toMatch(/^APP_PORT="\$\{APP_PORT:-80\}"$/m)
    for (const id of groupIds) expect(props(stack, id).LaunchTemplate).toEqual({ LaunchTemplateId: 'LaunchTemplate', Version: '<LaunchTemplate.LatestVersionNumber>' })
  })

  it("gives instances exactly the AWS calls the boot script makes through its two AWS functions: the Auto Scaling reads, and for an ECR registry the login and the pull", () => {
    const script = fs.readFileSync(BOOT_SCRIPT, 'utf8')
    const awsLines = script.split('\n').filter((l) => /(^|[\s(])aws\s/.test(l) && !l.trim().startsWith('#'))
    expect(awsLines).toEqual(['  aws autoscaling "$@" --region "$REGION" ${AWS_ENDPOINT_ARGS[@]+"${AWS_ENDPOINT_ARGS[@]}"}', '  aws ecr "$@" ${ECR_ENDPOINT_ARGS[@]+"${ECR_ENDPOINT_ARGS[@]}"}'])
    expect(bootScriptActions(script)).toEqual(['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances'])
    expect(bootScriptActions(script, { ecr: true })).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'ecr:BatchGetImage',
      'ecr:GetAuthorizationToken',
      'ecr:GetDownloadUrlForLayer'
    ])
    // The default stack's registry is ECR (docs/GETTING-STARTED.md); another registry gets no ECR rights.
    expect(allowedActions(role('InstanceRole').policy)).toEqual(bootScriptActions(script, { ecr: true }))
    expect(allowedActions(role('InstanceRole', stackOf(template, { ImageRegistry: 'ghcr.io/owner/' })).policy)).toEqual(bootScriptActions(script))
    expect(allowedActions(role('InstanceRole', stackOf(template, { ImageRegistry: 'registry.example.com:5000/a.dkr.ecr/' })).policy)).toEqual(bootScriptActions(script))
  })

  it('uses one port, AppPort, end to end: the instances\' security group, both target groups and their health checks, and the boot script\'s docker run -p', () => {
    for (const s of [stackOf(template, { AppPort: '8081' }), stackOf(template, { AppPort: '8081', TrafficSwitch: 'standby' })]) {
      const ingress = props(s, 'InstanceSecurityGroup').SecurityGroupIngress as Record<string, Json>[]
      expect(ingress).toEqual([{ IpProtocol: 'tcp', FromPort: '8081', ToPort: '8081', SourceSecurityGroupId: 'LoadBalancerSecurityGroup' }])
      for (const [tgId] of resourcesOfType(s, 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
        expect(props(s, tgId)).toMatchObject({ Port: '8081', HealthCheckPort: 'traffic-port', HealthCheckProtocol: 'HTTP' })
      }
      const data = props(s, 'LaunchTemplate').LaunchTemplateData as Record<string, Json>
      expect(String(data.UserData).split('\n').slice(0, 3)).toEqual(['#!/bin/bash', "REGISTRY='123456789012.dkr.ecr.us-east-1.amazonaws.com/'", "APP_PORT='8081'"])
    }
    // The boot script publishes APP_PORT (user-data.test.ts runs it: docker run -p 8081:8080).
    expect(fs.readFileSync(BOOT_SCRIPT, 'utf8')).toContain('-p "$APP_PORT:$CONTAINER_PORT"')
    expect(template.Parameters.AppPort).toMatchObject({ Type: 'Number', Default: 80, MinValue: 1, MaxValue: 65535 })
  })

  it('gives instances Session Manager only when asked (EnableSessionManager=true)', () => {
    expect(props(stack, 'InstanceRole').ManagedPolicyArns).toBeUndefined()
    expect(props(stackOf(template, { EnableSessionManager: 'true' }), 'InstanceRole').ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'])
  })
})

describe('the deploy role', () => {
  const { actions: called } = actionsCalledByCode('src')
  // sts:AssumeRoleWithWebIdentity is the one call the trust policy grants, not the permissions policy.
  const needed = called.filter((a) => a !== 'sts:AssumeRoleWithWebIdentity')

  it('allows exactly the AWS calls the code makes, as the README lists them (docs/github-setup.md links there)', () => {
    expect(called).toContain('sts:AssumeRoleWithWebIdentity')
    expect(needed.length).toBeGreaterThan(20)
    // The same role in both topologies: the action detects the topology per pair.
    expect(allowedActions(role('DeployRole').policy)).toEqual(needed)
    expect(role('DeployRole', standby).policy).toEqual(role('DeployRole').policy)
    expect(allowedActions(policyInMarkdown('README.md', '## IAM permissions'))).toEqual(needed)
    // docs/github-setup.md links to the README's copy instead of keeping its own.
    const setup = fs.readFileSync('docs/github-setup.md', 'utf8')
    expect(setup).toContain('](../README.md#iam-permissions)')
    expect(setup).not.toContain('"autoscaling:DescribeAutoScalingGroups"')
  })

  it('reads listeners and rules on any resource, and rewrites the weights of this stack\'s load balancer\'s listeners and rules only', () => {
    const { policy } = role('DeployRole')
    for (const a of ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules']) expect(statementFor(policy, a)?.Resource).toBe('*')
    const modify = statementFor(policy, 'elasticloadbalancing:ModifyListener')
    expect(modify).toBe(statementFor(policy, 'elasticloadbalancing:ModifyRule'))
    expect(modify?.Action).toEqual(['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule'])
    expect(modify?.Condition).toBeUndefined()
    // What CloudFormation gives for the load balancer's LoadBalancerFullName, e.g. app/my-load-balancer/50dc6c495c0c9188.
    const resources = (modify?.Resource as string[]).map((r) => r.replace('<LoadBalancer.LoadBalancerFullName>', 'app/prod-web-alb/50dc6c495c0c9188'))
    const may = (arn: string): boolean => resources.some((r) => resourceMatches(r, arn))
    // ARN formats: service authorization reference, Elastic Load Balancing V2, resource types listener/app and listener-rule/app.
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012'
    expect(may(`${arn}:listener/app/prod-web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`)).toBe(true)
    expect(may(`${arn}:listener-rule/app/prod-web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`)).toBe(true)
    expect(may(`${arn}:listener/app/other-alb/0123456789abcdef/f2f7dc8efc522ab2`)).toBe(false)
    expect(may(`${arn}:listener-rule/app/other-alb/0123456789abcdef/f2f7dc8efc522ab2/9683b2d02a6cabee`)).toBe(false)
    expect(may(`${arn}:loadbalancer/app/prod-web-alb/50dc6c495c0c9188`)).toBe(false)
    expect(may(`${arn}:targetgroup/prod-web/0123456789abcdef`)).toBe(false)
    expect(may(`arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/prod-web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`)).toBe(false)
    // Nothing the code does not call.
    expect(allowedActions(policy).filter((a) => !needed.includes(a))).toEqual([])
  })

  it("lets it terminate only instances tagged with this service's image name", () => {
    const terminate = statementFor(role('DeployRole').policy, 'ec2:TerminateInstances')
    expect(terminate?.Action).toBe('ec2:TerminateInstances')
    expect(terminate?.Resource).toBe('arn:aws:ec2:*:123456789012:instance/*')
    expect(terminate?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/docker:image:name': 'web' } })
  })

  it("is assumed by the example workflows' jobs (release tags, the release branch, the two approval environments) and nobody else", () => {
    const { trust } = role('DeployRole')
    const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    const ok = (sub: string, aud = 'sts.amazonaws.com'): boolean => trustAccepts(trust, provider, { sub, aud })
    expect(ok('repo:OWNER/REPO:ref:refs/tags/v1.4.0')).toBe(true) // release.yml deploy
    expect(ok('repo:OWNER/REPO:environment:production-finalize')).toBe(true) // release.yml finalize
    expect(ok('repo:OWNER/REPO:environment:production-rollback')).toBe(true) // release.yml rollback
    expect(ok('repo:OWNER/REPO:ref:refs/heads/main')).toBe(true) // rollback.yml from the default branch
    expect(ok('repo:OWNER/REPO:ref:refs/heads/feature')).toBe(false)
    expect(ok('repo:OWNER/REPO:pull_request')).toBe(false)
    expect(ok('repo:OWNER/REPO:environment:staging')).toBe(false)
    expect(ok('repo:OTHER/REPO:ref:refs/tags/v1.4.0')).toBe(false)
    expect(ok('repo:OWNER/REPO:ref:refs/tags/v1.4.0', 'sts.amazonaws.com.cn')).toBe(false)
    expect(trustAccepts(trust, 'arn:aws:iam::123456789012:oidc-provider/other.example', { sub: 'repo:OWNER/REPO:ref:refs/heads/main', aud: 'sts.amazonaws.com' })).toBe(false)
    // Without the ids, the immutable form of the same repository is not in (docs/github-setup.md says to set them).
    expect(ok('repo:OWNER@111111/REPO@222222222:ref:refs/tags/v1.4.0')).toBe(false)
    // The environments' names are the example workflows' (release.yml).
    const release = fs.readFileSync('examples/workflows/release.yml', 'utf8')
    for (const env of ['production-finalize', 'production-rollback']) expect(release).toContain(`environment: ${env}`)
  })

  it('with GitHubOwnerId and GitHubRepositoryId, is assumed by the same jobs presenting immutable subjects (repo:OWNER@<id>/REPO@<id>:...), and refuses the name form, other ids and other repositories', () => {
    const { trust } = role('DeployRole', stackOf(template, { GitHubOwnerId: '111111', GitHubRepositoryId: '222222222' }))
    const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    const ok = (sub: string): boolean => trustAccepts(trust, provider, { sub, aud: 'sts.amazonaws.com' })
    const me = 'repo:OWNER@111111/REPO@222222222'
    expect(ok(`${me}:ref:refs/tags/v1.4.0`)).toBe(true)
    expect(ok(`${me}:environment:production-finalize`)).toBe(true)
    expect(ok(`${me}:environment:production-rollback`)).toBe(true)
    expect(ok(`${me}:ref:refs/heads/main`)).toBe(true)
    expect(ok(`${me}:ref:refs/heads/feature`)).toBe(false)
    expect(ok(`${me}:pull_request`)).toBe(false)
    expect(ok(`${me}:environment:staging`)).toBe(false)
    // The name form, once the ids are set: a renamed or recreated repository, or a new owner of the name, presents other ids.
    expect(ok('repo:OWNER/REPO:ref:refs/tags/v1.4.0')).toBe(false)
    expect(ok('repo:OWNER/REPO:environment:production-finalize')).toBe(false)
    expect(ok('repo:OWNER@111111/REPO@333333333:ref:refs/tags/v1.4.0')).toBe(false) // REPO recreated
    expect(ok('repo:OWNER@999999/REPO@222222222:ref:refs/tags/v1.4.0')).toBe(false) // the owner name taken over
    expect(ok('repo:OTHER@111111/REPO@222222222:environment:production-finalize')).toBe(false)
    expect(ok('repo:OWNER@111111/OTHER@444444444:environment:production-rollback')).toBe(false)
    expect(ok('repo:OWNER@111111/REPO@2222222220:ref:refs/tags/v1.4.0')).toBe(false)
    // No wildcard anywhere but the release tag pattern.
    const subjects = trust.Statement.flatMap((st) => Object.values(st.Condition ?? {}).flatMap((c) => [c['token.actions.githubusercontent.com:sub'] ?? []].flat()))
    expect(subjects.filter((x) => /[*?]/.test(x.replace(/:ref:refs\/tags\/v\*$/, '')))).toEqual([])
    // Both ids or neither (a stack with one is refused at create/update).
    expect(JSON.stringify(template.Rules?.GitHubIdsTogether)).toContain('GitHubOwnerId')
    for (const k of ['GitHubOwnerId', 'GitHubRepositoryId'] as const) expect(template.Parameters[k]).toMatchObject({ Default: '', AllowedPattern: '[0-9]*' })
  })

  it('creates the GitHub OIDC provider unless the account already has it', () => {
    expect(resourcesOfType(stack, 'AWS::IAM::OIDCProvider').map(([id]) => props(stack, id))).toEqual([
      { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] }
    ])
    expect(resourcesOfType(stackOf(template, { CreateOidcProvider: 'false' }), 'AWS::IAM::OIDCProvider')).toEqual([])
  })
})

// ---- A deploy cycle on a world built from the template ----

let world: SimWorld
let clients: SimClients | undefined
afterEach(() => {
  clients?.destroy()
  clients = undefined
})

/** The one-time start of the first version on blue (docs/GETTING-STARTED.md, step 2; start-first-version.sh). */
async function startFirstVersion(s: Stack, version: string, capacity: number): Promise<{ blue: string; green: string; built: BuiltStack }> {
  const built = buildWorld(world, s)
  const blue = built.groups.BlueGroup as string
  const green = built.groups.GreenGroup as string
  clients = simClients(world)
  await clients.autoScaling.send(
    new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: blue, ResourceType: 'auto-scaling-group', Key: 'docker:image:version', Value: version, PropagateAtLaunch: true }] })
  )
  await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: blue, MinSize: capacity, DesiredCapacity: capacity }))
  world.advance(5 * 60_000)
  world.setBaseline()
  return { blue, green, built }
}

/**
 * What a user sees of the pair, and what rollback/finalize read back from the tags. `withMin: false` leaves
 * MinSize out: a stack update that ignores the update policy (worst case) sets the template's MinSize 0,
 * which changes no capacity and no instance.
 */
function pairState(names: string[], withMin = true): unknown {
  return names.map((n) => {
    const g = world.group(n)
    return {
      name: n,
      ...(withMin ? { min: g.min } : {}),
      desired: g.desired,
      max: g.max,
      suspended: [...g.suspendedProcesses].sort(),
      instances: g.instances.map((i) => `${i.id} ${i.lifecycle}`).sort(),
      tags: Object.fromEntries(Object.entries(g.tags).filter(([k]) => k === 'docker:image:version' || k.startsWith('blue-green')))
    }
  })
}

const STATUS_KEYS = ['live-color', 'standby-color', 'live-group', 'standby-group', 'version', 'previous-version', 'standby-instance-ids'] as const
const statusOf = (o: Record<string, string>): Record<string, string | undefined> => Object.fromEntries(STATUS_KEYS.map((k) => [k, o[k]]))
const instanceIds = (group: string): string[] => world.group(group).instances.map((i) => i.id).sort()
const inService = (group: string): string[] => world.group(group).instances.filter((i) => i.lifecycle === 'InService').map((i) => i.id).sort()

/** When the first accepted weight write at or after `since` was made. */
function firstWeightWrite(since: number): number {
  const c = world.calls.find((x) => x.time >= since && x.ok && (x.operation === 'ModifyListener' || x.operation === 'ModifyRule'))
  if (!c) throw new Error('no weight write')
  return c.time
}
/** Requests follow a weight write within 1.5 s (the simulator's propagation); look a little later. */
const APPLIED_MS = 2_000

describe('a deploy on the default stack (TrafficSwitch weights)', () => {
  it('deploys v2 next to v1 by weights: no request reaches v2 before the cutover, v1 stays InService at weight 0; a stack update meanwhile changes nothing the action owns; finalize and the next deploy work after it', async () => {
    world = newWorld()
    const { blue, green, built } = await startFirstVersion(stack, 'v1', 2)
    const listener = built.listeners.Listener as string
    const [blueTg, greenTg] = [built.targetGroups.TargetGroup as string, built.targetGroups.GreenTargetGroup as string]
    expect(world.forwardWeights(listener)).toEqual({ [blueTg]: 1, [greenTg]: 0 })
    expect(world.healthyCount(blueTg)).toBe(2)
    expect(world.group(green)).toMatchObject({ desired: 0 })
    world.startRequests({ perSecond: 10 })
    const v1 = instanceIds(blue)

    const start = world.now()
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, 'standby-group': blue, version: 'v2', 'previous-version': 'v1', 'drain-ends-at': '' })
    expect(JSON.parse(deploy.outputs.pairs ?? '[]')[0]).toMatchObject({ traffic: 'weights' })
    expect(JSON.parse(deploy.outputs['standby-instance-ids'] ?? '[]').sort()).toEqual(v1)
    expect(deploy.summary).toContain('v1 stays in service on prod-web-blue at weight 0')
    const cutover = firstWeightWrite(start)
    expect(world.servedBy({ version: 'v1', since: start, until: cutover })).toBeGreaterThan(0)
    expect(world.servedBy({ version: 'v2', until: cutover })).toBe(0)
    world.advance(APPLIED_MS)
    expect(world.forwardWeights(listener)).toEqual({ [blueTg]: 0, [greenTg]: 1 })
    expect(world.servedBy({ version: 'v1', since: world.now() - 500 })).toBe(0)
    // The old instances: the same ones, InService and healthy in blue's target group, with no request.
    expect(inService(blue)).toEqual(v1)
    expect(world.healthyCount(blueTg)).toBe(2)
    expect(world.calls.some((c) => c.operation === 'EnterStandby')).toBe(false)
    // CloudFormation updates the stack (e.g. a new launch template version) while the release awaits finalize.
    await expectStackUpdatesChangeNothing(stack, [blue, green])
    expect(world.forwardWeights(listener)).toEqual({ [blueTg]: 0, [greenTg]: 1 })

    // Finalize: the weights stay, blue scales to idle and Auto Scaling terminates its instances.
    const finalize = await runAction(world, { mode: 'finalize' })
    expect(finalize.outputs).toMatchObject({ state: 'finalized', 'live-group': green, version: 'v2' })
    expect(world.forwardWeights(listener)).toEqual({ [blueTg]: 0, [greenTg]: 1 })
    expect(world.group(blue)).toMatchObject({ min: 0, desired: 0, suspendedProcesses: [] })
    world.advance(5 * 60_000)
    expect(world.group(blue).instances).toEqual([])
    expect(world.lostInstances()).toEqual([])

    await applyStackUpdate(clients as SimClients, stack)
    world.advance(60_000)
    world.setBaseline()
    const nextStart = world.now()
    const next = await runAction(world, { mode: 'deploy', version: 'v3' })
    expect(next.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': blue, version: 'v3', 'previous-version': 'v2' })
    expect(world.servedBy({ version: 'v3', until: firstWeightWrite(nextStart) })).toBe(0)
    world.advance(APPLIED_MS)
    expect(world.forwardWeights(listener)).toEqual({ [blueTg]: 1, [greenTg]: 0 })
    expect(world.healthyCount(blueTg)).toBe(2)
    expect(world.healthyCount(greenTg)).toBe(2)
    // No request failed in the whole cycle.
    expect(world.servedBy({ status: 503 })).toBe(0)
  })

  it('rolls back by weights after a stack update: blue has the weight again and its v1 instances, never out of service, take every request', async () => {
    world = newWorld()
    const { blue, green, built } = await startFirstVersion(stack, 'v1', 3)
    const listener = built.listeners.Listener as string
    const [blueTg, greenTg] = [built.targetGroups.TargetGroup as string, built.targetGroups.GreenTargetGroup as string]
    world.startRequests({ perSecond: 10 })
    const v1 = instanceIds(blue)
    expect((await runAction(world, { mode: 'deploy', version: 'v2' })).outputs.state).toBe('awaiting-finalize')
    await applyStackUpdate(clients as SimClients, stack, { worstCase: true })
    world.advance(60_000)
    expect(world.servedBy({ version: 'v1', since: world.now() - 30_000 })).toBe(0)
    world.setBaseline()
    const start = world.now()
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.failed).toBe(false)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-group': blue, version: 'v1' })
    const back = firstWeightWrite(start)
    world.advance(APPLIED_MS)
    expect(world.forwardWeights(listener)).toEqual({ [blueTg]: 1, [greenTg]: 0 })
    expect(world.servedBy({ version: 'v2', since: back + APPLIED_MS })).toBe(0)
    expect(world.servedBy({ version: 'v1', since: back + APPLIED_MS })).toBeGreaterThan(0)
    expect(inService(blue)).toEqual(v1)
    expect(world.calls.some((c) => c.operation === 'ExitStandby')).toBe(false)
    // Blue has its sizes back (the worst-case update had set its MinSize to 0), green goes idle.
    expect(world.group(blue)).toMatchObject({ min: 3, desired: 3, suspendedProcesses: [] })
    expect(world.group(green)).toMatchObject({ min: 0, desired: 0 })
    expect(world.healthyCount(blueTg)).toBe(3)
    expect(world.servedBy({ status: 503 })).toBe(0)
  })

  it('would be undone by a template that declared the version tag (what the checks above guard against)', async () => {
    world = newWorld()
    const naive = structuredClone(template) as Template
    const blueProps = (naive.Resources.BlueGroup as { Properties: Record<string, Json> }).Properties
    ;(blueProps.Tags as Json[]).push({ Key: 'docker:image:version', Value: 'v1', PropagateAtLaunch: true })
    const naiveStack = stackOf(naive)
    const { blue, green } = await startFirstVersion(naiveStack, 'v1', 2)
    for (const version of ['v2', 'v3']) {
      world.setBaseline()
      expect((await runAction(world, { mode: 'deploy', version })).outputs.state).toBe('awaiting-finalize')
      expect((await runAction(world, { mode: 'finalize' })).outputs.state).toBe('finalized')
      world.advance(5 * 60_000)
    }
    expect(world.group(blue).tags['docker:image:version']).toBe('v3')
    const before = pairState([blue, green])
    await applyStackUpdate(clients as SimClients, naiveStack)
    // The live blue color is tagged v1 again: every instance it launches from now on (scale-out,
    // replacement) would run v1 next to v3.
    expect(pairState([blue, green])).not.toEqual(before)
    expect(world.group(blue).tags['docker:image:version']).toBe('v1')
  })
})

describe('a deploy on a standby stack (TrafficSwitch=standby)', () => {
  it('deploys v2 next to v1, and a stack update while v1 waits in standby changes nothing the action owns; finalize and the next deploy work after it', async () => {
    world = newWorld()
    const { blue, green, built } = await startFirstVersion(standby, 'v1', 2)
    const tg = built.targetGroups.TargetGroup as string
    expect(built.targetGroups).toEqual({ TargetGroup: 'prod-web' })
    expect(world.forwardWeights(built.listeners.Listener as string)).toEqual({ [tg]: 1 })
    expect(world.healthyCount(tg)).toBe(2)
    expect(world.group(green)).toMatchObject({ desired: 0 })
    world.startRequests({ perSecond: 10 })

    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, 'standby-group': blue, version: 'v2', 'previous-version': 'v1' })
    expect(JSON.parse(deploy.outputs.pairs ?? '[]')[0]).toMatchObject({ traffic: 'standby' })
    // The deploy ended when traffic moved: let the old instances finish draining (drain-ends-at) into Standby.
    world.advance(Math.max(0, Date.parse(deploy.outputs['drain-ends-at'] ?? '') - world.now()) + 1_000)
    expect(world.group(blue).instances.map((i) => i.lifecycle)).toEqual(['Standby', 'Standby'])
    // CloudFormation updates the stack (e.g. a new launch template version) while the old instances wait in Standby.
    await expectStackUpdatesChangeNothing(standby, [blue, green])

    const finalize = await runAction(world, { mode: 'finalize' })
    expect(finalize.outputs).toMatchObject({ state: 'finalized', 'live-group': green, version: 'v2' })
    expect(world.lostInstances()).toEqual([])

    await applyStackUpdate(clients as SimClients, standby)
    world.advance(60_000)
    world.setBaseline()
    const next = await runAction(world, { mode: 'deploy', version: 'v3' })
    expect(next.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': blue, version: 'v3', 'previous-version': 'v2' })
    expect(world.healthyCount(tg)).toBe(2)
    expect(world.servedBy({ status: 503 })).toBe(0)
  })

  it('rolls back to the standby instances after a stack update', async () => {
    world = newWorld()
    const { blue, green, built } = await startFirstVersion(standby, 'v1', 3)
    const tg = built.targetGroups.TargetGroup as string
    world.startRequests({ perSecond: 10 })
    const v1 = instanceIds(blue)
    await runAction(world, { mode: 'deploy', version: 'v2' })
    await applyStackUpdate(clients as SimClients, standby, { worstCase: true })
    world.setBaseline()
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-group': blue, version: 'v1' })
    expect(inService(blue)).toEqual(v1)
    expect(world.group(green)).toMatchObject({ desired: 0 })
    expect(world.healthyCount(tg)).toBe(3)
    expect(world.servedBy({ status: 503 })).toBe(0)
  })
})

/**
 * CloudFormation updates the stack while a release awaits its decision, then again in the worst case (the
 * declared sizes re-applied, no update policy: only MinSize may move): nothing the action owns changes, and
 * status reads the same before and after.
 */
async function expectStackUpdatesChangeNothing(stack: Parameters<typeof applyStackUpdate>[1], groups: [string, string]): Promise<void> {
  const before = pairState(groups)
  const beforeSizes = pairState(groups, false)
  const statusBefore = await runAction(world, { mode: 'status' })
  await applyStackUpdate(clients as SimClients, stack)
  world.advance(60_000)
  expect(pairState(groups)).toEqual(before)
  await applyStackUpdate(clients as SimClients, stack, { worstCase: true })
  world.advance(60_000)
  expect(pairState(groups, false)).toEqual(beforeSizes)
  const statusAfter = await runAction(world, { mode: 'status' })
  expect(statusAfter.outputs.state).toBe('awaiting-finalize')
  expect(statusOf(statusAfter.outputs)).toEqual(statusOf(statusBefore.outputs))
}
