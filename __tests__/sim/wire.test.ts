// Wire-level round trips: every field a deploy tool reads comes back through the real SDK clients.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  AutoScalingClient,
  CreateOrUpdateTagsCommand,
  DeletePolicyCommand,
  DeleteScheduledActionCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribePoliciesCommand,
  DescribeScalingActivitiesCommand,
  DescribeScheduledActionsCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  PutScalingPolicyCommand,
  PutScheduledUpdateGroupActionCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
  paginateDescribeAutoScalingGroups
} from '@aws-sdk/client-auto-scaling'
import { DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, ModifyInstanceAttributeCommand, TerminateInstancesCommand, paginateDescribeInstances } from '@aws-sdk/client-ec2'
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { type SimClients, dispatch, simClients, startSimServer } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { START, pairWorld } from './fixture.js'

let clients: SimClients | undefined
const connect = (world: SimWorld): SimClients => (clients = simClients(world))
afterEach(() => clients?.destroy())

const jwt = (claims: Record<string, unknown>): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`

describe('Auto Scaling wire format', () => {
  it('DescribeAutoScalingGroups returns groups, instances, tags, processes, warm pool and launch template', async () => {
    const world = pairWorld()
    world.addGroup({
      name: 'prod-api-blue',
      min: 1,
      max: 4,
      desired: 1,
      tags: { 'docker:image:name': 'api', team: { value: 'core', propagateAtLaunch: false } },
      running: true,
      warmPool: { MinSize: 1, PoolState: 'Stopped', size: 1 },
      launchTemplate: { LaunchTemplateId: 'lt-0abc', LaunchTemplateName: 'api', Version: '7' },
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 120,
      newInstancesProtectedFromScaleIn: true,
      suspendedProcesses: ['AZRebalance']
    })
    const c = connect(world)
    const out = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-api-blue'] }))
    const g = out.AutoScalingGroups?.[0]
    expect(g).toMatchObject({
      AutoScalingGroupName: 'prod-api-blue',
      MinSize: 1,
      MaxSize: 4,
      DesiredCapacity: 1,
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 120,
      NewInstancesProtectedFromScaleIn: true,
      WarmPoolConfiguration: { MinSize: 1, PoolState: 'Stopped' },
      WarmPoolSize: 1,
      LaunchTemplate: { LaunchTemplateId: 'lt-0abc', LaunchTemplateName: 'api', Version: '7' },
      SuspendedProcesses: [{ ProcessName: 'AZRebalance', SuspensionReason: 'User suspended at 2026-11-28T10:00:00Z' }],
      Tags: [
        { ResourceId: 'prod-api-blue', ResourceType: 'auto-scaling-group', Key: 'docker:image:name', Value: 'api', PropagateAtLaunch: true },
        { ResourceId: 'prod-api-blue', ResourceType: 'auto-scaling-group', Key: 'team', Value: 'core', PropagateAtLaunch: false }
      ],
      TargetGroupARNs: [],
      LoadBalancerNames: [],
      AvailabilityZones: ['us-east-1a', 'us-east-1b']
    })
    expect(g?.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/prod-api-blue$/)
    expect(g?.CreatedTime).toEqual(new Date(START))
    const inst = g?.Instances?.[0]
    expect(inst).toMatchObject({ LifecycleState: 'InService', HealthStatus: 'Healthy', ProtectedFromScaleIn: true, AvailabilityZone: 'us-east-1a', LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '7' } })
    expect(inst?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/)
    // only propagated tags reach the instance
    expect(world.instance(inst?.InstanceId ?? '').tags).toEqual({ 'docker:image:name': 'api', 'aws:autoscaling:groupName': 'prod-api-blue' })
  })

  it('ids are deterministic across worlds', () => {
    const a = pairWorld().group('prod-web-blue').instances.map((i) => i.id)
    const b = pairWorld().group('prod-web-blue').instances.map((i) => i.id)
    expect(a).toEqual(b)
  })

  it('filters by tag (AND across filters, OR across values) and pages with NextToken', async () => {
    const world = new SimWorld({ start: START, realism: false })
    for (let n = 0; n < 120; n++) {
      world.addGroup({ name: `svc-${String(n).padStart(3, '0')}-blue`, min: 0, max: 1, desired: 0, tags: { 'docker:image:name': n % 2 === 0 ? 'even' : 'odd', shard: String(n % 3) } })
    }
    const c = connect(world)
    const first = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))
    expect(first.AutoScalingGroups).toHaveLength(50)
    expect(first.NextToken).toBeDefined()
    const names: string[] = []
    for await (const page of paginateDescribeAutoScalingGroups({ client: c.autoScaling, pageSize: 100 }, {})) {
      names.push(...(page.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName ?? ''))
    }
    expect(names).toHaveLength(120)
    expect(new Set(names).size).toBe(120)
    const filtered = await c.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({
        Filters: [
          { Name: 'tag:docker:image:name', Values: ['even'] },
          { Name: 'tag:shard', Values: ['0', '1'] }
        ],
        MaxRecords: 100
      })
    )
    // even and shard 0/1: n ≡ 0 mod 2 and n mod 3 ∈ {0,1}
    const expected = Array.from({ length: 120 }, (_, n) => n).filter((n) => n % 2 === 0 && n % 3 !== 2)
    expect(filtered.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(expected.map((n) => `svc-${String(n).padStart(3, '0')}-blue`))
    const byKey = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['nope'] }] }))
    expect(byKey.AutoScalingGroups).toEqual([])
    await expect(c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 }))).rejects.toMatchObject({ name: 'ValidationError' })
  })

  it('UpdateAutoScalingGroup and SetDesiredCapacity validate bounds with AWS messages', async () => {
    const world = pairWorld()
    const c = connect(world)
    await expect(
      c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-green', MinSize: 0, MaxSize: 10, DesiredCapacity: 15 }))
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'Desired capacity:15 must be between the specified min size:0 and max size:10', $metadata: { httpStatusCode: 400 } })
    await expect(c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-green', MinSize: 5, MaxSize: 1 }))).rejects.toMatchObject({
      name: 'ValidationError'
    })
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-green', MaxSize: 1 }))
    await expect(c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'New SetDesiredCapacity value 2 is above max value 1 for the AutoScalingGroup.'
    })
    await expect(c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-blue', DesiredCapacity: 0 }))).rejects.toMatchObject({
      message: 'New SetDesiredCapacity value 0 is below min value 2 for the AutoScalingGroup.'
    })
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-green', MinSize: 1, MaxSize: 3, DesiredCapacity: 2, NewInstancesProtectedFromScaleIn: true }))
    const g = (await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-green'] }))).AutoScalingGroups?.[0]
    expect(g).toMatchObject({ MinSize: 1, MaxSize: 3, DesiredCapacity: 2, NewInstancesProtectedFromScaleIn: true })
    expect(g?.Instances?.map((i) => [i.LifecycleState, i.ProtectedFromScaleIn])).toEqual([
      ['Pending', true],
      ['Pending', true]
    ])
  })

  it('tags: overwrite, delete, 256-character limit, 50-tag limit', async () => {
    const world = pairWorld()
    const c = connect(world)
    const tag = (Key: string, Value: string): { ResourceId: string; ResourceType: string; Key: string; Value: string; PropagateAtLaunch: boolean } => ({
      ResourceId: 'prod-web-green',
      ResourceType: 'auto-scaling-group',
      Key,
      Value,
      PropagateAtLaunch: true
    })
    await c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: [tag('docker:image:version', 'v2'), tag('deploy:lock', 'run-1')] }))
    await c.autoScaling.send(new DeleteTagsCommand({ Tags: [{ ResourceId: 'prod-web-green', ResourceType: 'auto-scaling-group', Key: 'deploy:lock' }] }))
    expect(world.group('prod-web-green').tags).toEqual({ 'docker:image:name': 'web', 'docker:image:version': 'v2' })
    await expect(c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: [tag('v', 'x'.repeat(257))] }))).rejects.toMatchObject({ name: 'ValidationError' })
    await c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: [tag('v', 'x'.repeat(256))] }))
    // 3 tags + 24 + 24 > 50 (each call within the 25 a call may carry).
    await c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: Array.from({ length: 24 }, (_, n) => tag(`k${n}`, 'x')) }))
    const many = Array.from({ length: 24 }, (_, n) => tag(`k${n + 24}`, 'x'))
    await expect(c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: many }))).rejects.toMatchObject({ name: 'LimitExceededFault' })
    expect(world.writes().map((w) => [w.operation, w.ok])).toEqual([
      ['CreateOrUpdateTags', true],
      ['DeleteTags', true],
      ['CreateOrUpdateTags', false],
      ['CreateOrUpdateTags', true],
      ['CreateOrUpdateTags', true],
      ['CreateOrUpdateTags', false]
    ])
  })

  it('tags: a CreateOrUpdateTags or DeleteTags call carries at most 25 tags, counted over all its groups; more is refused whole', async () => {
    const world = pairWorld()
    const c = connect(world)
    const tags = (n: number, key = 'k'): { ResourceId: string; ResourceType: string; Key: string; Value: string }[] =>
      Array.from({ length: n }, (_, i) => ({ ResourceId: i % 2 === 0 ? 'prod-web-blue' : 'prod-web-green', ResourceType: 'auto-scaling-group', Key: `${key}${i}`, Value: 'x' }))
    const keys = (group: string): string[] => Object.keys(world.group(group).tags).filter((k) => /^[kd]\d/.test(k))
    await expect(c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: tags(26) }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/CreateOrUpdateTags request \(26\) exceeds the maximum of 25 tags per call/)
    })
    expect([...keys('prod-web-blue'), ...keys('prod-web-green')]).toEqual([])
    await c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: tags(25) }))
    await c.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: tags(2, 'd') }))
    expect(keys('prod-web-blue')).toHaveLength(14)
    expect(keys('prod-web-green')).toHaveLength(13)
    const keysOf = (n: number): { ResourceId: string; ResourceType: string; Key: string }[] => tags(n).map(({ ResourceId, ResourceType, Key }) => ({ ResourceId, ResourceType, Key }))
    await expect(c.autoScaling.send(new DeleteTagsCommand({ Tags: [...keysOf(25), { ResourceId: 'prod-web-blue', ResourceType: 'auto-scaling-group', Key: 'd0' }] }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/DeleteTags request \(26\) exceeds the maximum of 25 tags per call/)
    })
    expect(keys('prod-web-blue')).toHaveLength(14)
    await c.autoScaling.send(new DeleteTagsCommand({ Tags: keysOf(25) }))
    expect([...keys('prod-web-blue'), ...keys('prod-web-green')]).toEqual(['d0', 'd1'])
  })

  it('scaling policies round-trip every field; target tracking manages its alarms', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.addAlarm({ AlarmName: 'web-cpu-high', MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'Average', Period: 60, EvaluationPeriods: 2, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold', Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'prod-web-blue' }] })
    const step = await c.autoScaling.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'prod-web-blue',
        PolicyName: 'scale-out',
        PolicyType: 'StepScaling',
        AdjustmentType: 'ChangeInCapacity',
        MetricAggregationType: 'Average',
        EstimatedInstanceWarmup: 90,
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10.5, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 10.5, ScalingAdjustment: 2 }
        ],
        Enabled: false
      })
    )
    expect(step.PolicyARN).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/prod-web-blue:policyName\/scale-out$/)
    await c.cloudWatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'web-cpu-high', AlarmActions: [step.PolicyARN ?? ''], MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'Average', Period: 60, EvaluationPeriods: 2, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold' })
    )
    const tt = await c.autoScaling.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'prod-web-blue',
        PolicyName: 'cpu50',
        PolicyType: 'TargetTrackingScaling',
        EstimatedInstanceWarmup: 120,
        TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50, DisableScaleIn: true }
      })
    )
    expect(tt.Alarms?.map((a) => a.AlarmName)).toEqual([expect.stringMatching(/^TargetTracking-prod-web-blue-AlarmHigh-[0-9a-f-]{36}$/), expect.stringMatching(/^TargetTracking-prod-web-blue-AlarmLow-[0-9a-f-]{36}$/)])
    const simple = await c.autoScaling.send(
      new PutScalingPolicyCommand({ AutoScalingGroupName: 'prod-web-blue', PolicyName: 'simple', AdjustmentType: 'ExactCapacity', ScalingAdjustment: 4, Cooldown: 300, MinAdjustmentMagnitude: 1 })
    )
    const pol = await c.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'prod-web-blue' }))
    const byName = Object.fromEntries((pol.ScalingPolicies ?? []).map((p) => [p.PolicyName, p]))
    expect(byName['scale-out']).toEqual({
      AutoScalingGroupName: 'prod-web-blue',
      PolicyName: 'scale-out',
      PolicyARN: step.PolicyARN,
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      MetricAggregationType: 'Average',
      EstimatedInstanceWarmup: 90,
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10.5, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 10.5, ScalingAdjustment: 2 }
      ],
      Alarms: [{ AlarmName: 'web-cpu-high', AlarmARN: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-cpu-high' }],
      Enabled: false
    })
    expect(byName['cpu50']).toMatchObject({
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: 120,
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50, DisableScaleIn: true },
      Alarms: tt.Alarms,
      Enabled: true
    })
    expect(byName['simple']).toMatchObject({ PolicyType: 'SimpleScaling', AdjustmentType: 'ExactCapacity', ScalingAdjustment: 4, Cooldown: 300, MinAdjustmentMagnitude: 1, PolicyARN: simple.PolicyARN, Alarms: [] })

    // managed alarms are visible in CloudWatch and go away with the policy; user alarms stay (minus the action)
    const managed = await c.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'TargetTracking-prod-web-blue-' }))
    expect(managed.MetricAlarms?.map((a) => a.AlarmActions)).toEqual([[tt.PolicyARN], [tt.PolicyARN]])
    await c.autoScaling.send(new DeletePolicyCommand({ AutoScalingGroupName: 'prod-web-blue', PolicyName: 'cpu50' }))
    await c.autoScaling.send(new DeletePolicyCommand({ AutoScalingGroupName: 'prod-web-blue', PolicyName: 'scale-out' }))
    const left = await c.cloudWatch.send(new DescribeAlarmsCommand({}))
    expect(left.MetricAlarms?.map((a) => [a.AlarmName, a.AlarmActions])).toEqual([['web-cpu-high', []]])
    expect(world.group('prod-web-blue').policies.map((p) => p.name)).toEqual(['simple'])
  })

  it('scheduled actions keep TimeZone/Recurrence/EndTime and refuse a start time in the past', async () => {
    const world = pairWorld()
    const c = connect(world)
    await expect(
      c.autoScaling.send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: 'prod-web-blue', ScheduledActionName: 'old', StartTime: new Date(START - 1000), DesiredCapacity: 2 }))
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'Given start time is in the past' })
    await c.autoScaling.send(
      new PutScheduledUpdateGroupActionCommand({
        AutoScalingGroupName: 'prod-web-blue',
        ScheduledActionName: 'nightly',
        StartTime: new Date(START + 3_600_000),
        EndTime: new Date(START + 30 * 86_400_000),
        Recurrence: '0 22 * * *',
        TimeZone: 'Europe/Berlin',
        MinSize: 1,
        MaxSize: 5,
        DesiredCapacity: 2
      })
    )
    const out = await c.autoScaling.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: 'prod-web-blue' }))
    expect(out.ScheduledUpdateGroupActions).toEqual([
      {
        AutoScalingGroupName: 'prod-web-blue',
        ScheduledActionName: 'nightly',
        ScheduledActionARN: expect.stringMatching(/^arn:aws:autoscaling:us-east-1:123456789012:scheduledUpdateGroupAction:[0-9a-f-]{36}:autoScalingGroupName\/prod-web-blue:scheduledActionName\/nightly$/),
        StartTime: new Date(START + 3_600_000),
        Time: new Date(START + 3_600_000),
        EndTime: new Date(START + 30 * 86_400_000),
        Recurrence: '0 22 * * *',
        TimeZone: 'Europe/Berlin',
        MinSize: 1,
        MaxSize: 5,
        DesiredCapacity: 2
      }
    ])
    await c.autoScaling.send(new DeleteScheduledActionCommand({ AutoScalingGroupName: 'prod-web-blue', ScheduledActionName: 'nightly' }))
    expect(world.group('prod-web-blue').scheduledActions).toEqual([])
  })

  it('suspend/resume processes, activities newest first, instance refreshes', async () => {
    const world = pairWorld()
    const c = connect(world)
    await c.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'prod-web-green' }))
    expect(world.group('prod-web-green').suspendedProcesses).toHaveLength(9)
    await c.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'prod-web-green', ScalingProcesses: ['Launch', 'Terminate'] }))
    const g = (await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-green'] }))).AutoScalingGroups?.[0]
    expect(g?.SuspendedProcesses?.map((p) => p.ProcessName).sort()).toEqual(['AZRebalance', 'AddToLoadBalancer', 'AlarmNotification', 'HealthCheck', 'InstanceRefresh', 'ReplaceUnhealthy', 'ScheduledActions'])
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))
    world.advance(1000)
    const acts = await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green', MaxRecords: 2 }))
    expect(acts.Activities).toHaveLength(2)
    expect(acts.NextToken).toBeDefined()
    expect(acts.Activities?.[0]).toMatchObject({ StatusCode: 'InProgress', Description: expect.stringMatching(/^Launching a new EC2 instance: i-[0-9a-f]{17}$/), AutoScalingGroupName: 'prod-web-green', StartTime: new Date(START) })
    const rest = await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green', MaxRecords: 2, NextToken: acts.NextToken }))
    expect(rest.Activities?.[0]?.Description).toBe('Set desired capacity from 0 to 2')
    world.advance(60_000)
    const done = await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green' }))
    expect(done.Activities?.slice(0, 2).map((a) => [a.StatusCode, a.Progress, a.EndTime])).toEqual([
      ['Successful', 100, new Date(START + 60_000)],
      ['Successful', 100, new Date(START + 60_000)]
    ])
    world.startInstanceRefresh('prod-web-blue')
    const r1 = await c.autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'prod-web-blue' }))
    expect(r1.InstanceRefreshes?.[0]).toMatchObject({ Status: 'InProgress', AutoScalingGroupName: 'prod-web-blue' })
    world.finishInstanceRefresh('prod-web-blue')
    const r2 = await c.autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'prod-web-blue' }))
    expect(r2.InstanceRefreshes?.[0]).toMatchObject({ Status: 'Successful', PercentageComplete: 100 })
  })

  it('EnterStandby limits: 20 ids, InService only, min size, required flag', async () => {
    const world = pairWorld({ blueDesired: 2, blueMin: 2 })
    const c = connect(world)
    const ids = world.group('prod-web-blue').instances.map((i) => i.id)
    await expect(
      c.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: ids.slice(0, 1), ShouldDecrementDesiredCapacity: true }))
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'AutoScalingGroup prod-web-blue has min-size=2, max-size=6, and desired-size=2. To place into standby 1 instances, please update the AutoScalingGroup sizes appropriately.'
    })
    const many = Array.from({ length: 21 }, () => ids[0] ?? '')
    await expect(c.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: many, ShouldDecrementDesiredCapacity: false }))).rejects.toMatchObject({ name: 'ValidationError' })
    await expect(c.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: ids.slice(0, 1) } as never))).rejects.toMatchObject({ name: 'ValidationError' })
  })
})

describe('ELBv2, EC2, CloudWatch and STS wire format', () => {
  it('DescribeTargetHealth with and without Targets; TargetGroupNotFound; DescribeTargetGroups', async () => {
    const world = pairWorld()
    const c = connect(world)
    const tgArn = world.targetGroupByName('prod-web').arn
    expect(tgArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/prod-web\/[0-9a-f]{16}$/)
    const all = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))
    expect(all.TargetHealthDescriptions).toHaveLength(3)
    expect(all.TargetHealthDescriptions?.[0]).toEqual({ Target: { Id: expect.stringMatching(/^i-/), Port: 80 }, HealthCheckPort: '80', TargetHealth: { State: 'healthy' } })
    world.addGroup({ name: 'other', min: 1, max: 1, desired: 1, running: true })
    const otherId = world.group('other').instances[0]?.id ?? ''
    const some = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: otherId }] }))
    expect(some.TargetHealthDescriptions).toEqual([
      { Target: { Id: otherId, Port: 80 }, HealthCheckPort: '80', TargetHealth: { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' } }
    ])
    await expect(c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn.replace(/[0-9a-f]{16}$/, '0000000000000000') }))).rejects.toMatchObject({
      name: 'TargetGroupNotFoundException'
    })
    await expect(c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: 'i-00000000000000000' }] }))).rejects.toMatchObject({ name: 'InvalidTargetException' })
    const tgs = await c.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['prod-web'] }))
    expect(tgs.TargetGroups?.[0]).toMatchObject({ TargetGroupArn: tgArn, TargetGroupName: 'prod-web', Port: 80, HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 2, TargetType: 'instance' })
  })

  it('EC2 TerminateInstances: all-or-nothing on unknown ids; DescribeInstances shows state and tags', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.addGroup({ name: 'loose', min: 0, max: 1, desired: 1, running: true, tags: { role: 'x' } })
    const id = world.group('loose').instances[0]?.id ?? ''
    await expect(c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id, 'i-0123456789abcdef0'] }))).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-0123456789abcdef0' does not exist"
    })
    expect(world.instance(id).ec2State).toBe('running')
    const out = await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }))
    expect(out.TerminatingInstances).toEqual([{ InstanceId: id, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } }])
    const d = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))
    const inst = d.Reservations?.[0]?.Instances?.[0]
    expect(inst?.State).toEqual({ Code: 32, Name: 'shutting-down' })
    expect(inst?.Tags).toEqual(expect.arrayContaining([{ Key: 'role', Value: 'x' }, { Key: 'aws:autoscaling:groupName', Value: 'loose' }]))
    expect(inst?.LaunchTime).toEqual(new Date(START))
  })

  it('CloudWatch PutMetricAlarm overwrites config, keeps state; DescribeAlarms by names/prefix/action prefix', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.addAlarm({ AlarmName: 'a1', AlarmActions: ['arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:autoScalingGroupName/prod-web-blue:policyName/p'], OKActions: ['arn:aws:sns:us-east-1:123456789012:ops'], MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'Average', Period: 60, EvaluationPeriods: 3, Threshold: 80, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'prod-web-blue' }] })
    world.addAlarm({ AlarmName: 'b1', MetricName: 'Latency', Namespace: 'AWS/ELB', Statistic: 'Maximum', Period: 300, EvaluationPeriods: 1, Threshold: 1.5, ComparisonOperator: 'GreaterThanThreshold' })
    world.fireAlarm('b1')
    const byAction = await c.cloudWatch.send(new DescribeAlarmsCommand({ ActionPrefix: 'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:' }))
    expect(byAction.MetricAlarms).toHaveLength(1)
    expect(byAction.MetricAlarms?.[0]).toMatchObject({
      AlarmName: 'a1',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:a1',
      ActionsEnabled: true,
      OKActions: ['arn:aws:sns:us-east-1:123456789012:ops'],
      InsufficientDataActions: [],
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'prod-web-blue' }],
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      StateValue: 'INSUFFICIENT_DATA',
      AlarmConfigurationUpdatedTimestamp: new Date(START)
    })
    await c.cloudWatch.send(new PutMetricAlarmCommand({ AlarmName: 'b1', MetricName: 'Latency', Namespace: 'AWS/ELB', Statistic: 'Average', Period: 60, EvaluationPeriods: 2, Threshold: 2, ComparisonOperator: 'GreaterThanThreshold', ActionsEnabled: false }))
    const b = await c.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['b1'] }))
    expect(b.MetricAlarms?.[0]).toMatchObject({ Statistic: 'Average', Period: 60, Threshold: 2, ActionsEnabled: false, StateValue: 'ALARM' })
    const prefix = await c.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'a' }))
    expect(prefix.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['a1'])
    world.faults.inject({ operation: 'DescribeAlarms', error: { code: 'ResourceNotFound', status: 404, message: 'nope' } })
    await expect(c.cloudWatch.send(new DescribeAlarmsCommand({}))).rejects.toMatchObject({ name: 'ResourceNotFound', message: 'nope' })
  })

  it('STS AssumeRoleWithWebIdentity returns credentials, records calls, refuses untrusted subjects', async () => {
    const world = pairWorld()
    const c = connect(world)
    const token = jwt({ iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme/web:environment:production' })
    const out = await c.sts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::123456789012:role/deploy', RoleSessionName: 'GitHubActions', WebIdentityToken: token, DurationSeconds: 3600 })
    )
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40)
    expect(out.Credentials?.SessionToken).toBeTruthy()
    expect(out.Credentials?.Expiration).toEqual(new Date(START + 3_600_000))
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/deploy/GitHubActions')
    expect(out.SubjectFromWebIdentityToken).toBe('repo:acme/web:environment:production')
    expect(out.Audience).toBe('sts.amazonaws.com')
    world.sts.trust = (claims) => claims['sub'] === 'repo:acme/web:ref:refs/heads/main'
    await expect(
      c.sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::123456789012:role/deploy', RoleSessionName: 'GitHubActions', WebIdentityToken: token }))
    ).rejects.toMatchObject({ name: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity', $metadata: { httpStatusCode: 403 } })
    expect(world.sts.calls.map((x) => [x.claims?.['sub'], x.granted])).toEqual([
      ['repo:acme/web:environment:production', true],
      ['repo:acme/web:environment:production', false]
    ])
    expect(world.writes()).toEqual([])
  })
})

describe('faults', () => {
  it('Throttling is retried by the SDK ($metadata.attempts), modelled faults keep SDK names', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.faults.inject({ operation: 'DescribeAutoScalingGroups', error: 'Throttling', times: 2 })
    const out = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))
    expect(out.$metadata.attempts).toBe(3)
    expect(world.calls.filter((x) => x.operation === 'DescribeAutoScalingGroups').map((x) => x.error ?? 'ok')).toEqual(['Throttling', 'Throttling', 'ok'])

    world.faults.inject({ operation: 'SetDesiredCapacity', error: 'ScalingActivityInProgress' })
    await expect(c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 1 }))).rejects.toMatchObject({
      name: 'ScalingActivityInProgressFault',
      $metadata: { attempts: 1 }
    })
    expect(world.group('prod-web-green').desired).toBe(0)

    world.faults.inject({ operation: 'EnterStandby', error: 'ResourceContention', times: 1 })
    world.faults.inject({ operation: 'SetDesiredCapacity', error: 'ResourceContention', times: 1 })
    const ok = await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 1 }))
    expect(ok.$metadata.attempts).toBe(2)

    world.faults.inject({ operation: 'DescribeTargetHealth', error: 'Throttling', times: 10 })
    await expect(c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: world.targetGroupByName('prod-web').arn }))).rejects.toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
      $metadata: { attempts: 5 }
    })
    world.faults.clear()

    world.faults.inject({ operation: 'DescribeInstances', error: 'Throttling' })
    const ec2 = await c.ec2.send(new DescribeInstancesCommand({}))
    expect(ec2.$metadata.attempts).toBe(2)
    expect(world.calls.find((x) => x.service === 'ec2')?.error).toBe('RequestLimitExceeded')
  })

  it('beforeWrite sees every write with its number and can kill the call', async () => {
    const world = pairWorld()
    const c = connect(world)
    const seen: string[] = []
    world.faults.beforeWrite = (op, _params, n) => {
      seen.push(`${n}:${op}`)
      if (n === 2) throw new Error('runner killed')
    }
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 1 }))
    await expect(c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))).rejects.toThrow('runner killed')
    expect(seen).toEqual(['1:SetDesiredCapacity', '2:SetDesiredCapacity'])
    expect(world.group('prod-web-green').desired).toBe(1)
    expect(world.faults.writeCount).toBe(2)
  })

  it('unknown operations answer InvalidAction', async () => {
    const world = pairWorld()
    const { DescribeWarmPoolCommand } = await import('@aws-sdk/client-auto-scaling')
    const c = connect(world)
    await expect(c.autoScaling.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'prod-web-blue' }))).rejects.toMatchObject({ name: 'InvalidAction' })
  })
})

describe('harsher AWS on the wire: paging, termination protection, full alarms, late writes', () => {
  it('pageSize caps every paged Describe even when more was asked for; only NextToken followers see everything', async () => {
    const world = pairWorld({ world: { pageSize: 2 } })
    world.addGroup({ name: 'prod-api-blue', min: 0, max: 2, desired: 0 })
    world.addTargetGroup({ name: 'prod-api' })
    world.addTargetGroup({ name: 'prod-admin' })
    for (const n of ['a', 'b', 'c']) world.addAlarm({ AlarmName: `alarm-${n}` })
    for (const n of ['a', 'b', 'c']) {
      world.putScalingPolicy({ AutoScalingGroupName: 'prod-web-blue', PolicyName: `p-${n}`, PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 })
      world.putScheduledAction({ AutoScalingGroupName: 'prod-web-blue', ScheduledActionName: `s-${n}`, StartTime: START + 3_600_000, DesiredCapacity: 3 })
      world.startInstanceRefresh('prod-web-blue')
    }
    world.setDesiredCapacity('prod-web-green', 1)
    world.setDesiredCapacity('prod-web-green', 2)
    const c = connect(world)
    const asg = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue', 'prod-web-green', 'prod-api-blue'], MaxRecords: 100 }))
    expect(asg.AutoScalingGroups).toHaveLength(2)
    expect(asg.NextToken).toBeDefined()
    const rest = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue', 'prod-web-green', 'prod-api-blue'], NextToken: asg.NextToken }))
    expect(rest.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['prod-web-green'])
    const pages = [
      (await c.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'prod-web-blue', MaxRecords: 100 }))).ScalingPolicies,
      (await c.autoScaling.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: 'prod-web-blue', MaxRecords: 100 }))).ScheduledUpdateGroupActions,
      (await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green', MaxRecords: 100 }))).Activities,
      (await c.autoScaling.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'prod-web-blue', MaxRecords: 100 }))).InstanceRefreshes,
      (await c.elbv2.send(new DescribeTargetGroupsCommand({ PageSize: 400 }))).TargetGroups,
      (await c.cloudWatch.send(new DescribeAlarmsCommand({ MaxRecords: 100 }))).MetricAlarms,
      (await c.ec2.send(new DescribeInstancesCommand({ MaxResults: 1000 }))).Reservations
    ]
    expect(pages.map((p) => p?.length)).toEqual([2, 2, 2, 2, 2, 2, 2])
    const all: string[] = []
    for await (const p of paginateDescribeInstances({ client: c.ec2 }, {})) all.push(...(p.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? ''))
    expect(all).toHaveLength(world.instances.size)
    world.setPageSize(undefined)
    expect((await c.cloudWatch.send(new DescribeAlarmsCommand({}))).MetricAlarms).toHaveLength(3)
  })

  it('termination protection: TerminateInstances fails whole with OperationNotPermitted; attribute round-trips; detach and scale-in unaffected', async () => {
    const world = pairWorld({ blueMin: 0 })
    const c = connect(world)
    const [a = '', b = '', d = ''] = world.group('prod-web-blue').instances.map((i) => i.id)
    await c.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: a, DisableApiTermination: { Value: true } }))
    const attr = await c.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: a, Attribute: 'disableApiTermination' }))
    expect(attr.DisableApiTermination).toEqual({ Value: true })
    expect((await c.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: b, Attribute: 'disableApiTermination' }))).DisableApiTermination).toEqual({ Value: false })
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-blue', DesiredCapacity: 2 }))
    expect(world.instance(a).lifecycle).toBe('Terminating') // Auto Scaling ignores DisableApiTermination
    world.advance(300_000)
    await c.autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: [d], ShouldDecrementDesiredCapacity: true }))
    world.protectFromTermination(d)
    world.advance(300_000)
    expect(world.instance(d).group).toBeUndefined()
    await expect(c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [b, d] }))).rejects.toMatchObject({
      name: 'OperationNotPermitted',
      message: `The instance '${d}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
      $metadata: { httpStatusCode: 400 }
    })
    expect([world.instance(b).ec2State, world.instance(d).ec2State]).toEqual(['running', 'running'])
    world.protectFromTermination(d, false)
    await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [d] }))
    expect(world.instance(d).ec2State).toBe('shutting-down')
    await expect(c.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: 'i-00000000000000000', Attribute: 'disableApiTermination' }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' })
  })

  it('PutMetricAlarm replaces the whole alarm; DescribeAlarms returns every stored field (newer ones too) but never Tags', async () => {
    const world = pairWorld()
    const c = connect(world)
    const full = {
      AlarmName: 'latency',
      AlarmDescription: 'p99 latency',
      ActionsEnabled: false,
      OKActions: ['arn:aws:sns:us-east-1:123456789012:ok'],
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:page'],
      InsufficientDataActions: ['arn:aws:sns:us-east-1:123456789012:nodata'],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 0.5,
      ComparisonOperator: 'GreaterThanThreshold' as const,
      TreatMissingData: 'notBreaching',
      Metrics: [
        { Id: 'm1', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/x/1' }] }, Period: 60, Stat: 'p99' }, ReturnData: false },
        { Id: 'e1', Expression: 'm1 * 1', Label: 'scaled', ReturnData: true }
      ],
      EvaluationInterval: 60,
      Tags: [{ Key: 'team', Value: 'web' }]
    }
    await c.cloudWatch.send(new PutMetricAlarmCommand(full))
    const got = (await c.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['latency'] }))).MetricAlarms?.[0]
    const { Tags: _tags, ...sent } = full
    expect(got).toMatchObject(sent)
    // the SDK would drop an unknown member: read the wire document itself
    const raw = dispatch(world, { method: 'POST', path: '/', headers: { 'X-Amz-Target': 'GraniteServiceVersion20100801.DescribeAlarms' }, body: JSON.stringify({ AlarmNames: ['latency'] }) })
    expect((JSON.parse(raw.body) as { MetricAlarms: Record<string, unknown>[] }).MetricAlarms[0]).not.toHaveProperty('Tags')
    expect(got).toMatchObject({ AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:latency', StateValue: 'INSUFFICIENT_DATA', StateReason: expect.any(String) })
    for (const k of ['AlarmConfigurationUpdatedTimestamp', 'StateUpdatedTimestamp', 'StateTransitionedTimestamp'] as const) expect(got?.[k]).toBeInstanceOf(Date)
    world.advance(60_000)
    await c.cloudWatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'latency', EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', MetricName: 'TargetResponseTime', Namespace: 'AWS/ApplicationELB', Statistic: 'Average', Period: 60, EvaluationCriteria: { PromQLCriteria: { Query: 'up == 0', PendingPeriod: 60 } } })
    )
    const after = (await c.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['latency'] }))).MetricAlarms?.[0]
    expect(after).toMatchObject({ ActionsEnabled: true, AlarmActions: [], OKActions: [], Threshold: 1, EvaluationCriteria: { PromQLCriteria: { Query: 'up == 0', PendingPeriod: 60 } } })
    for (const gone of ['AlarmDescription', 'Metrics', 'DatapointsToAlarm', 'TreatMissingData', 'EvaluationInterval']) expect(after).not.toHaveProperty(gone)
    expect(after?.AlarmConfigurationUpdatedTimestamp).toEqual(new Date(START + 60_000))
    expect(world.alarms.get('latency')?.tags).toEqual([{ Key: 'team', Value: 'web' }])
  })

  it('world.handler({ writeDelayMs }): that client’s writes land seconds late (varied, seeded); reads are not delayed', async () => {
    const world = pairWorld()
    const c = connect(world)
    const slow = simClients({ requestHandler: world.handler({ writeDelayMs: 5_000 }) } as unknown as SimWorld)
    try {
      const write = slow.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))
      const readSlow = await slow.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-green'] }))
      expect(readSlow.AutoScalingGroups?.[0]?.DesiredCapacity).toBe(0)
      expect(world.now()).toBe(START) // the read was not held
      await world.clock.sleep(1_000)
      expect(world.group('prod-web-green').desired).toBe(0) // not applied yet
      await write
      const call = world.calls.find((x) => x.operation === 'SetDesiredCapacity')
      expect(call?.time).toBeGreaterThanOrEqual(START + 3_500)
      expect(call?.time).toBeLessThanOrEqual(START + 6_500)
      expect(world.group('prod-web-green').desired).toBe(2)
      // the ordinary client's writes are immediate
      await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 3 }))
      expect(world.calls.at(-1)?.time).toBe(call?.time)
    } finally {
      slow.destroy()
    }
  })

  it('faults.delayWritesOf(accessKeyId, ms) delays the writes signed with that key, in-process and over the loopback server', async () => {
    const world = pairWorld()
    // in-process: simClients sign with AKIDEXAMPLE
    const c = connect(world)
    world.faults.delayWritesOf('AKIDEXAMPLE', 2_000)
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 1 }))
    expect((world.calls.at(-1)?.time ?? 0) - START).toBeGreaterThanOrEqual(1_400)
    world.faults.delayWritesOf('AKIDEXAMPLE', 0)
    world.faults.delayWritesOf('AKIDSLOWRUN', 4_000)
    const server = await startSimServer(world, { speed: 10 })
    const config = { region: 'us-east-1', endpoint: server.url, retryStrategy: new ConfiguredRetryStrategy(1, () => 0) }
    const slow = new AutoScalingClient({ ...config, credentials: { accessKeyId: 'AKIDSLOWRUN', secretAccessKey: 's' } })
    const fast = new AutoScalingClient({ ...config, credentials: { accessKeyId: 'AKIDFASTRUN', secretAccessKey: 's' } })
    try {
      const t0 = world.now()
      await fast.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 1 }))
      const fastAt = world.calls.at(-1)?.time ?? 0
      await slow.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))
      const slowAt = world.calls.at(-1)?.time ?? 0
      expect(fastAt - t0).toBeLessThan(1_500)
      expect(slowAt - fastAt).toBeGreaterThanOrEqual(2_800)
      await slow.send(new DescribeAutoScalingGroupsCommand({}))
      expect((world.calls.at(-1)?.time ?? 0) - slowAt).toBeLessThan(1_500) // reads are not held
    } finally {
      slow.destroy()
      fast.destroy()
      await server.close()
    }
  })
})
