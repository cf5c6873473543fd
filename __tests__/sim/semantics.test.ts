// World semantics through the real SDK: launches, health, standby, detach, termination, processes,
// alarms, scheduled actions and the invariant checker.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  PutScalingPolicyCommand,
  ResumeProcessesCommand,
  PutScheduledUpdateGroupActionCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand
} from '@aws-sdk/client-auto-scaling'
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2'
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { REALISM_BY_DEFAULT, type SimClients, simClients } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { START, pairWorld } from './fixture.js'

let clients: SimClients | undefined
const connect = (world: SimWorld): SimClients => (clients = simClients(world))
afterEach(() => clients?.destroy())

const ids = (world: SimWorld, group: string, state?: string): string[] =>
  world
    .group(group)
    .instances.filter((i) => state === undefined || i.lifecycle === state)
    .map((i) => i.id)

describe('launch and health', () => {
  it('Pending → InService after launchSeconds → initial → healthy after interval × checks', async () => {
    const world = pairWorld()
    const c = connect(world)
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 3 }))
    const green = ids(world, 'prod-web-green')
    expect(green).toHaveLength(3)
    expect(world.group('prod-web-green').instances.every((i) => i.lifecycle === 'Pending')).toBe(true)
    world.advance(59_000)
    expect(ids(world, 'prod-web-green', 'InService')).toEqual([])
    world.advance(1_000)
    expect(ids(world, 'prod-web-green', 'InService')).toEqual(green)
    const th = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: world.targetGroupByName('prod-web').arn, Targets: green.map((Id) => ({ Id })) }))
    expect(th.TargetHealthDescriptions?.map((d) => d.TargetHealth)).toEqual(
      green.map(() => ({ State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' }))
    )
    world.advance(20_000)
    expect(world.healthyCount('prod-web')).toBe(6)
    expect(world.instance(green[0] ?? '').tags['docker:image:version']).toBe('v1')
  })

  it('a bad version turns unhealthy with ResponseCodeMismatch; stuck-initial never leaves initial; per-instance override', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.setVersionHealth('v-bad', 'unhealthy')
    world.setVersionHealth('v-stuck', 'stuck-initial')
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 1 }))
    world.mustGroup('prod-web-green').tags.set('docker:image:version', { key: 'docker:image:version', value: 'v-stuck', propagateAtLaunch: true })
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))
    world.mustGroup('prod-web-green').tags.set('docker:image:version', { key: 'docker:image:version', value: 'v-bad', propagateAtLaunch: true })
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 3 }))
    world.advance(10 * 60_000)
    const [v1, stuck, bad] = ids(world, 'prod-web-green')
    const states = Object.fromEntries(world.targetStates('prod-web').map((t) => [t.id, t]))
    expect(states[v1 ?? '']).toEqual({ id: v1, state: 'healthy' })
    expect(states[stuck ?? '']).toEqual({ id: stuck, state: 'initial', reason: 'Elb.InitialHealthChecking' })
    expect(states[bad ?? '']).toEqual({ id: bad, state: 'unhealthy', reason: 'Target.ResponseCodeMismatch' })
    const th = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: world.targetGroupByName('prod-web').arn, Targets: [{ Id: bad ?? '' }] }))
    expect(th.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({ State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [502]' })
    world.makeUnhealthy(v1 ?? '', 'Target.Timeout', 'Request timed out')
    expect(world.targetStates('prod-web').find((t) => t.id === v1)).toEqual({ id: v1, state: 'unhealthy', reason: 'Target.Timeout' })
    // EC2 health checks only: the ASG keeps the unhealthy targets
    expect(world.group('prod-web-green').instances.map((i) => i.health)).toEqual(['Healthy', 'Healthy', 'Healthy'])
  })

  it('ELB health checks replace unhealthy instances (unless ReplaceUnhealthy is suspended)', () => {
    const world = pairWorld()
    world.addGroup({ name: 'elb', min: 0, max: 2, desired: 1, targetGroups: ['prod-web'], healthCheckType: 'ELB', healthCheckGracePeriod: 30, tags: { 'docker:image:version': 'v-bad' } })
    world.setVersionHealth('v-bad', 'unhealthy')
    world.advance(60_000 + 30_000)
    const first = ids(world, 'elb')[0] ?? ''
    expect(world.instance(first).lifecycle).toBe('Terminating')
    expect(ids(world, 'elb', 'Pending')).toHaveLength(1)
  })

  it('launch failures record Failed activities every ~10 s and create nothing until cleared', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.failLaunches('prod-web-green', 'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (us-east-1a).')
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))
    world.advance(25_000)
    const acts = await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green' }))
    const failed = acts.Activities?.filter((a) => a.StatusCode === 'Failed') ?? []
    expect(failed).toHaveLength(3) // t = 0, 10, 20 s
    expect(failed[0]?.StatusMessage).toBe('We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (us-east-1a).')
    expect(world.group('prod-web-green').instances).toEqual([])
    world.clearLaunchFailures('prod-web-green')
    expect(ids(world, 'prod-web-green')).toHaveLength(2)
  })
})

describe('traffic sources (AttachTrafficSources)', () => {
  it('are reported in TrafficSources only, not in TargetGroupARNs; an elbv2 one takes traffic like any target group', async () => {
    const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false })
    world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    world.addTargetGroup({ name: 'legacy', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    world.addGroup({
      name: 'prod-web-blue',
      min: 2,
      max: 6,
      desired: 2,
      running: true,
      targetGroups: ['legacy'],
      trafficSources: [
        { type: 'elbv2', name: 'prod-web' },
        { type: 'vpc-lattice', name: 'web' }
      ]
    })
    const c = connect(world)
    const g = (await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue'] }))).AutoScalingGroups?.[0]
    const tg = [...world.targetGroups.values()].find((t) => t.name === 'prod-web')?.arn
    const legacy = [...world.targetGroups.values()].find((t) => t.name === 'legacy')?.arn
    expect(g?.TargetGroupARNs).toEqual([legacy])
    expect(g?.TrafficSources).toEqual([
      { Identifier: legacy, Type: 'elbv2' },
      { Identifier: tg, Type: 'elbv2' },
      { Identifier: 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-web', Type: 'vpc-lattice' }
    ])
    expect(world.healthyCount('prod-web')).toBe(2)
    expect(world.healthyCount('legacy')).toBe(2)
  })
})

describe('standby, detach, terminate', () => {
  async function cutover(world: SimWorld, c: SimClients): Promise<{ blue: string[]; green: string[] }> {
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 3 }))
    world.advance(2 * 60_000)
    const blue = ids(world, 'prod-web-blue')
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-blue', MinSize: 0 }))
    await c.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'prod-web-blue', ScalingProcesses: ['Launch', 'AZRebalance', 'AlarmNotification', 'ScheduledActions'] }))
    const out = await c.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue, ShouldDecrementDesiredCapacity: true }))
    expect(out.Activities?.map((a) => [a.StatusCode, a.Progress, a.Description])).toEqual(blue.map((id) => ['InProgress', 50, `Moving EC2 instance to Standby: ${id}`]))
    expect(out.Activities?.[0]?.Cause).toMatch(/moved to standby in response to a user request, shrinking the capacity from 3 to 0\.$/)
    return { blue, green: ids(world, 'prod-web-green') }
  }

  it('EnterStandby drains for the deregistration delay, then Standby; ExitStandby re-registers', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.setBaseline()
    const { blue } = await cutover(world, c)
    expect(world.group('prod-web-blue')).toMatchObject({ desired: 0, instances: blue.map((id) => expect.objectContaining({ id, lifecycle: 'EnteringStandby' })) })
    expect(world.targetStates('prod-web').filter((t) => blue.includes(t.id)).map((t) => [t.state, t.reason])).toEqual(blue.map(() => ['draining', 'Target.DeregistrationInProgress']))
    world.advance(299_000)
    expect(ids(world, 'prod-web-blue', 'EnteringStandby')).toHaveLength(3)
    world.advance(1_000)
    expect(ids(world, 'prod-web-blue', 'Standby')).toEqual(blue)
    expect(world.targetStates('prod-web').map((t) => t.id).filter((id) => blue.includes(id))).toEqual([])
    world.assertNoViolations()

    // rollback: resume Launch (ExitStandby needs it), exit standby → Pending → InService → initial → healthy
    await c.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'prod-web-blue', ScalingProcesses: ['Launch'] }))
    const exit = await c.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue }))
    expect(exit.Activities?.[0]).toMatchObject({ StatusCode: 'PreInService', Progress: 30 })
    expect(world.group('prod-web-blue').desired).toBe(3)
    expect(ids(world, 'prod-web-blue', 'Pending')).toEqual(blue)
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-blue', MinSize: 2 }))
    world.advance(10_000)
    expect(world.targetStates('prod-web').filter((t) => blue.includes(t.id)).map((t) => t.state)).toEqual(['initial', 'initial', 'initial'])
    world.advance(20_000)
    expect(world.healthyCount('prod-web')).toBe(6)
    world.assertNoViolations()
  })

  it('ExitStandby past MaxSize is refused (assumption); only Standby instances may exit', async () => {
    const world = pairWorld()
    const c = connect(world)
    const { blue, green } = await cutover(world, c)
    await expect(c.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: `The instance ${blue[0] ?? ''} is not in Standby.`
    })
    world.advance(300_000)
    await c.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'prod-web-blue', ScalingProcesses: ['Launch'] }))
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-blue', MaxSize: 2 }))
    await expect(c.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue }))).rejects.toMatchObject({ name: 'ValidationError' })
    await expect(c.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-web-green', InstanceIds: green.slice(0, 1).map((x) => x), ShouldDecrementDesiredCapacity: true }))).resolves.toBeDefined()
  })

  it('ExitStandby is refused while Launch is suspended, and nothing moves; it works once Launch is resumed', async () => {
    // User guide, "Suspend and resume a process for an Auto Scaling group": "you can't return an instance in a
    // standby state to service if the Launch process is suspended, because the group can't scale".
    const world = pairWorld()
    const c = connect(world)
    const { blue } = await cutover(world, c)
    world.advance(300_000)
    await expect(c.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Cannot move instances out of Standby for AutoScalingGroup prod-web-blue while the Launch process is suspended'
    })
    expect(world.group('prod-web-blue')).toMatchObject({ desired: 0, instances: blue.map((id) => expect.objectContaining({ id, lifecycle: 'Standby' })) })
    await c.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'prod-web-blue', ScalingProcesses: ['Launch'] }))
    await c.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue }))
    expect(ids(world, 'prod-web-blue', 'Pending')).toEqual(blue)
  })

  it('EnterStandby without decrement launches replacements (invariant 4 violation)', async () => {
    const world = pairWorld()
    const c = connect(world)
    const blue = ids(world, 'prod-web-blue')
    await c.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue.slice(0, 1), ShouldDecrementDesiredCapacity: false }))
    expect(ids(world, 'prod-web-blue', 'Pending')).toHaveLength(1)
    expect(world.violations.some((v) => v.includes('invariant 4'))).toBe(true)
    expect(world.violations.some((v) => v.includes('invariant 2'))).toBe(true) // nothing else serves the target group
    expect(() => world.assertNoViolations()).toThrow(/invariant 4/)
  })

  it('DetachInstances: InService/Standby only, min size, instance keeps running until EC2 terminates it', async () => {
    const world = pairWorld()
    const c = connect(world)
    const { blue } = await cutover(world, c)
    await expect(c.autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue, ShouldDecrementDesiredCapacity: false }))).rejects.toMatchObject({
      message: `The instance ${blue[0] ?? ''} is not in InService or Standby.`
    })
    world.advance(300_000)
    await c.autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue, ShouldDecrementDesiredCapacity: false }))
    world.advance(1_000)
    expect(world.group('prod-web-blue').instances).toEqual([])
    expect(world.lostInstances().map((i) => i.id)).toEqual(blue)
    expect(world.instance(blue[0] ?? '').tags['aws:autoscaling:groupName']).toBeUndefined()
    await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: blue }))
    expect(world.lostInstances()).toEqual([])
    world.advance(10_000)
    expect(world.instance(blue[0] ?? '').ec2State).toBe('terminated')
    world.assertNoViolations()
  })

  it('EC2-terminating a Standby instance leaves a Healthy ghost; exiting it gets it replaced', async () => {
    const world = pairWorld()
    const c = connect(world)
    const { blue } = await cutover(world, c)
    world.advance(300_000)
    await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: blue.slice(0, 1) }))
    world.advance(60_000)
    expect(world.group('prod-web-blue').instances[0]).toMatchObject({ id: blue[0], lifecycle: 'Standby', health: 'Healthy', ec2State: 'terminated' })
    await c.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'prod-web-blue', ScalingProcesses: [] }))
    await c.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'prod-web-blue' }))
    await c.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: blue.slice(0, 1) }))
    world.advance(10_000)
    expect(world.instance(blue[0] ?? '').lifecycle).toMatch(/^Terminat(ing|ed)$/)
    expect(ids(world, 'prod-web-blue', 'Pending')).toHaveLength(1)
  })

  it('terminating a serving instance is an invariant-3 violation; in-group EC2 termination gets replaced', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.clearBaseline() // this scene drops healthy capacity on purpose
    const blue = ids(world, 'prod-web-blue')
    await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: blue.slice(0, 1) }))
    expect(world.violations).toEqual([expect.stringMatching(/invariant 3: EC2 TerminateInstances terminated i-[0-9a-f]{17} while it is healthy in target group prod-web/)])
    expect(world.instance(blue[0] ?? '').lifecycle).toMatch(/^Terminat(ing|ed)$/)
    expect(ids(world, 'prod-web-blue', 'Pending')).toHaveLength(1)
    const act = await c.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: blue[1], ShouldDecrementDesiredCapacity: false }))
    expect(act.Activity).toMatchObject({ Description: `Terminating EC2 instance: ${blue[1] ?? ''}`, StatusCode: 'InProgress' })
    expect(world.violations).toHaveLength(2)
    await expect(c.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: blue[2], ShouldDecrementDesiredCapacity: true }))).resolves.toBeDefined()
    await expect(c.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: ids(world, 'prod-web-blue', 'Pending')[0], ShouldDecrementDesiredCapacity: true }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/^Currently, desiredSize equals minSize \(2\)/)
    })
    world.advance(301_000)
    expect(world.group('prod-web-blue').instances.filter((i) => i.lifecycle === 'Terminated')).toHaveLength(3)
    world.advance(10_000)
    expect(ids(world, 'prod-web-blue')).toHaveLength(2)
  })
})

describe('processes, alarms, scheduled actions, scale-in', () => {
  it('scale-in terminates oldest unprotected instances; protected ones stay', () => {
    const world = pairWorld()
    const blue = ids(world, 'prod-web-blue')
    world.setInstanceProtection('prod-web-blue', blue.slice(0, 1), true)
    world.setDesiredCapacity('prod-web-blue', 2)
    world.settle()
    expect(world.instance(blue[1] ?? '').lifecycle).toBe('Terminating')
    world.updateGroup('prod-web-blue', { MinSize: 0, DesiredCapacity: 0 })
    world.settle()
    expect(world.instance(blue[0] ?? '').lifecycle).toBe('InService')
    expect(world.instance(blue[2] ?? '').lifecycle).toBe('Terminating')
  })

  it('suspended Launch/Terminate/AddToLoadBalancer change behaviour', () => {
    const world = pairWorld()
    world.suspendProcesses('prod-web-green', ['Launch'])
    world.setDesiredCapacity('prod-web-green', 2)
    world.advance(60_000)
    expect(ids(world, 'prod-web-green')).toEqual([])
    world.resumeProcesses('prod-web-green', ['Launch'])
    world.suspendProcesses('prod-web-green', ['AddToLoadBalancer'])
    world.settle()
    world.advance(120_000)
    expect(ids(world, 'prod-web-green', 'InService')).toHaveLength(2)
    expect(world.targetStates('prod-web')).toHaveLength(3) // green never registered
    world.suspendProcesses('prod-web-blue', ['Terminate'])
    world.updateGroup('prod-web-blue', { MinSize: 0, DesiredCapacity: 0 })
    world.advance(60_000)
    expect(ids(world, 'prod-web-blue', 'InService')).toHaveLength(3)
  })

  it('alarms fire existing policies unless AlarmNotification is suspended; deleted policies are skipped', async () => {
    const world = pairWorld()
    const c = connect(world)
    const pol = await c.autoScaling.send(
      new PutScalingPolicyCommand({ AutoScalingGroupName: 'prod-web-blue', PolicyName: 'out', PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 2 })
    )
    await c.cloudWatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'cpu', AlarmActions: [pol.PolicyARN ?? ''], MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold' })
    )
    expect(world.fireAlarm('cpu')).toEqual([expect.objectContaining({ outcome: 'executed', from: 3, to: 5, group: 'prod-web-blue' })])
    world.fireAlarm('cpu')
    expect(world.group('prod-web-blue').desired).toBe(6) // capped at MaxSize
    world.suspendProcesses('prod-web-blue', ['AlarmNotification'])
    expect(world.fireAlarm('cpu')).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'AlarmNotification suspended' })])
    world.resumeProcesses('prod-web-blue', undefined)
    world.addAlarm({ AlarmName: 'stale', AlarmActions: [pol.PolicyARN ?? ''] })
    world.deletePolicy('prod-web-blue', 'out')
    expect(world.alarms.get('stale')?.config['AlarmActions']).toEqual([]) // DeletePolicy removes the action, keeps the alarm
    world.addAlarm({ AlarmName: 'stale2', AlarmActions: [pol.PolicyARN ?? ''] })
    expect(world.fireAlarm('stale2')).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'policy does not exist' })])
    expect(world.scalingEvents.map((e) => e.outcome)).toEqual(['executed', 'executed', 'skipped', 'skipped'])
  })

  it('scheduled actions run at StartTime unless ScheduledActions is suspended; recurring ones move +24 h', async () => {
    const world = pairWorld()
    const c = connect(world)
    await c.autoScaling.send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: 'prod-web-blue', ScheduledActionName: 'peak', StartTime: new Date(START + 3_600_000), Recurrence: '0 11 * * *', DesiredCapacity: 5 }))
    await c.autoScaling.send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: 'prod-web-green', ScheduledActionName: 'once', StartTime: new Date(START + 3_600_000), DesiredCapacity: 2 }))
    await c.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'prod-web-green', ScalingProcesses: ['ScheduledActions'] }))
    world.advance(3_600_000)
    expect(world.group('prod-web-blue').desired).toBe(5)
    expect(world.group('prod-web-blue').scheduledActions[0]?.StartTime).toBe(START + 3_600_000 + 86_400_000)
    expect(world.group('prod-web-green').desired).toBe(0)
    expect(world.group('prod-web-green').scheduledActions).toEqual([])
    expect(world.scalingEvents.map((e) => [e.name, e.outcome])).toEqual([
      ['peak', 'executed'],
      ['once', 'skipped']
    ])
  })

  it('AZRebalance launches into a group with standby instances unless suspended', () => {
    const world = pairWorld({ blueDesired: 4, blueMin: 0 })
    const azA = world.group('prod-web-blue').instances.filter((i) => i.az === 'us-east-1a').map((i) => i.id)
    world.enterStandby('prod-web-blue', azA, true)
    world.settle()
    expect(world.violations.some((v) => v.includes('invariant 4'))).toBe(true)
  })

  it('invariant 1: healthy count below the baseline is recorded once per new low', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.setBaseline()
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-blue', MinSize: 0, DesiredCapacity: 1 }))
    world.advance(600_000)
    expect(world.violations).toEqual([expect.stringContaining('invariant 1: target group prod-web has 1 healthy targets, below the baseline of 3')])
    const d = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue'] }))
    expect(d.AutoScalingGroups?.[0]?.Instances).toHaveLength(1)
  })
})

describe('harsher AWS: forgotten instances, slow boots, transient launch failures', () => {
  it('EC2 forgets a terminated instance after ec2ForgetMs; a Standby ghost stays Standby/Healthy in the group', async () => {
    const world = pairWorld({ blueMin: 0, world: { ec2ForgetMs: 120_000 } })
    const c = connect(world)
    const tgArn = world.targetGroupByName('prod-web').arn
    const [ghost = '', other = ''] = ids(world, 'prod-web-blue')
    world.enterStandby('prod-web-blue', [ghost], true)
    world.violations.length = 0 // scene setup: nothing else serves while it drains
    world.advance(300_000)
    expect(world.instance(ghost).lifecycle).toBe('Standby')
    const before = world.calls.length
    world.terminateBehindOurBack(ghost)
    expect(world.calls).toHaveLength(before) // not a request of the code under test
    world.advance(5_000)
    expect(world.instance(ghost).ec2State).toBe('terminated')
    // Still known to EC2: "unused"/InvalidState, visible by id
    const th = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: ghost }, { Id: other }] }))
    expect(th.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({ State: 'unused', Reason: 'Target.InvalidState' })
    const seen = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ghost] }))
    expect(seen.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('terminated')
    world.advance(119_000)
    await expect(c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ghost] }))).resolves.toBeDefined()
    world.advance(1_000)
    // Forgotten: the whole DescribeTargetHealth call fails, EC2 answers NotFound by id and omits it from filters
    await expect(c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: ghost }, { Id: other }] }))).rejects.toMatchObject({
      name: 'InvalidTargetException', // wire code InvalidTarget
      $metadata: { httpStatusCode: 400 }
    })
    await expect(c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [ghost] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' })
    await expect(c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [ghost] }))).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' })
    const filtered = await c.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [ghost, other] }] }))
    expect(filtered.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([other])
    // Auto Scaling does not health-check Standby instances: listed forever as Standby/Healthy
    world.advance(24 * 3_600_000)
    const g = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue'] }))
    expect(g.AutoScalingGroups?.[0]?.Instances?.find((i) => i.InstanceId === ghost)).toMatchObject({ LifecycleState: 'Standby', HealthStatus: 'Healthy' })
    world.assertNoViolations()
  })

  it('terminateBehindOurBack is not the action’s write and not an invariant-3 violation; the group replaces the instance', () => {
    const world = pairWorld()
    const [victim = ''] = ids(world, 'prod-web-blue')
    world.terminateBehindOurBack(victim)
    expect(world.writes()).toEqual([])
    expect(world.violations).toEqual([])
    expect(world.instance(victim).lifecycle).toMatch(/^Terminat(ing|ed)$/)
    expect(ids(world, 'prod-web-blue', 'Pending')).toHaveLength(1)
  })

  it('a slow-booting version goes initial → unhealthy (FailedHealthChecks) → healthy, each instance at its own time', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.setVersionHealth('v2', { unhealthyForSeconds: 90 })
    world.mustGroup('prod-web-green').tags.set('docker:image:version', { key: 'docker:image:version', value: 'v2', propagateAtLaunch: true })
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 4 }))
    const green = ids(world, 'prod-web-green')
    const state = (id: string): string | undefined => world.targetStates('prod-web').find((t) => t.id === id)?.state
    world.advance(60_000) // InService, registered
    expect(green.map(state)).toEqual(['initial', 'initial', 'initial', 'initial'])
    world.advance(20_000) // unhealthy threshold 2 × interval 10 s
    expect(green.map(state)).toEqual(['unhealthy', 'unhealthy', 'unhealthy', 'unhealthy'])
    const th = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: world.targetGroupByName('prod-web').arn, Targets: [{ Id: green[0] ?? '' }] }))
    expect(th.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({ State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' })
    // healthy after N (72..108 s) + healthy threshold 2 × 10 s from registration
    const healthyAt = new Map<string, number>()
    for (let s = 20; s <= 130; s++) {
      world.advance(1_000)
      for (const id of green) if (state(id) === 'healthy' && !healthyAt.has(id)) healthyAt.set(id, s)
    }
    expect([...healthyAt.keys()].sort()).toEqual([...green].sort())
    for (const s of healthyAt.values()) expect(s).toBeGreaterThanOrEqual(72 + 20)
    expect(new Set(healthyAt.values()).size).toBeGreaterThan(1) // varied per instance
    // the ASG itself (EC2 health checks) never saw a problem
    expect(world.group('prod-web-green').instances.every((i) => i.health === 'Healthy' && i.lifecycle === 'InService')).toBe(true)
  })

  it('an app that boots within the unhealthy threshold goes straight from initial to healthy', () => {
    const world = pairWorld()
    world.setVersionHealth('v1', { unhealthyForSeconds: 5 })
    world.setDesiredCapacity('prod-web-green', 1)
    world.settle()
    world.advance(60_000)
    const [id = ''] = ids(world, 'prod-web-green')
    const seen = new Set<string>()
    for (let s = 0; s < 60; s++) {
      world.advance(1_000)
      seen.add(world.targetStates('prod-web').find((t) => t.id === id)?.state ?? '')
    }
    expect([...seen]).toEqual(['initial', 'healthy'])
  })

  it('failLaunches with times: the next N attempts fail, then Auto Scaling’s retry succeeds', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.failLaunches('prod-web-green', 'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested (us-east-1a).', { times: 2 })
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))
    world.advance(19_000)
    expect(ids(world, 'prod-web-green')).toEqual([])
    world.advance(1_000)
    expect(ids(world, 'prod-web-green', 'Pending')).toHaveLength(2)
    const acts = await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green' }))
    expect(acts.Activities?.map((a) => a.StatusCode)).toEqual(['InProgress', 'InProgress', 'Failed', 'Failed', 'Successful'])
    world.advance(120_000)
    expect(world.healthyCount('prod-web')).toBe(5)
  })

  it('DescribeScalingActivities pages: MaxRecords default 100, max 100; the newest 20 miss older failures', async () => {
    const world = pairWorld()
    const c = connect(world)
    world.failLaunches('prod-web-green', 'Your requested instance type (t3.micro) is not supported in your requested Availability Zone (us-east-1e).')
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 1 }))
    world.advance(1_200_000) // 121 failed attempts
    world.clearLaunchFailures('prod-web-green')
    world.advance(60_000)
    for (let n = 0; n < 25; n++) world.setDesiredCapacity('prod-web-green', n % 2 === 0 ? 2 : 1)
    const newest = await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green', MaxRecords: 20 }))
    expect(newest.Activities).toHaveLength(20)
    expect(newest.Activities?.some((a) => a.StatusCode === 'Failed')).toBe(false)
    expect(newest.NextToken).toBeDefined()
    const dflt = await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green' }))
    expect(dflt.Activities).toHaveLength(100)
    const rest = await c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green', NextToken: dflt.NextToken }))
    expect((rest.Activities?.length ?? 0) + 100).toBe(world.mustGroup('prod-web-green').activities.length)
    await expect(c.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-web-green', MaxRecords: 101 }))).rejects.toMatchObject({ name: 'ValidationError' })
  })
})

describe('realism (latency, reads lagging writes, health jitter, small pages)', () => {
  const calm = { latencyMs: [0, 0] as [number, number], readLagMs: [0, 0] as [number, number], healthJitter: false, pageSize: undefined }

  it('follows REALISM_BY_DEFAULT unless a world says; true gives the harsh defaults, false none', () => {
    expect(new SimWorld().realism === undefined).toBe(!REALISM_BY_DEFAULT)
    expect(new SimWorld({ realism: false }).realism).toBeUndefined()
    expect(new SimWorld({ realism: true }).realism).toMatchObject({ latencyMs: [10, 80], readLagMs: [0, 3_000], healthJitter: true })
    expect(new SimWorld({ realism: { latencyMs: [1, 2] } }).realism).toMatchObject({ latencyMs: [1, 2], readLagMs: [0, 3_000] })
  })

  it('every request takes a varying, seeded amount of virtual time', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const world = pairWorld({ world: { seed, realism: { ...calm, latencyMs: [100, 400] } } })
      const c = simClients(world)
      const times: number[] = []
      for (let n = 0; n < 5; n++) {
        const t0 = world.now()
        await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))
        times.push(world.now() - t0)
      }
      c.destroy()
      return times
    }
    const a = await run(7)
    for (const t of a) expect(t).toBeGreaterThanOrEqual(100)
    for (const t of a) expect(t).toBeLessThanOrEqual(400)
    expect(new Set(a).size).toBeGreaterThan(1)
    expect(await run(7)).toEqual(a)
  })

  it('after a write, Describe calls return the resource’s previous value for a moment (groups, targets, EC2 state)', async () => {
    const world = pairWorld({ blueMin: 0, world: { realism: { ...calm, readLagMs: [2_000, 3_000] } } })
    const c = connect(world)
    const tgArn = world.targetGroupByName('prod-web').arn
    const desired = async (): Promise<number | undefined> =>
      (await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-green'] }))).AutoScalingGroups?.[0]?.DesiredCapacity
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 2 }))
    expect(world.group('prod-web-green').desired).toBe(2)
    expect(await desired()).toBe(0)
    world.advance(1_999)
    expect(await desired()).toBe(0)
    world.advance(1_001)
    expect(await desired()).toBe(2)

    const [a = '', b = ''] = ids(world, 'prod-web-blue')
    await c.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: [a], ShouldDecrementDesiredCapacity: true }))
    const th = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }))
    expect(th.TargetHealthDescriptions?.[0]?.TargetHealth?.State).toBe('healthy') // really draining
    const asg = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue'] }))
    expect(asg.AutoScalingGroups?.[0]?.Instances?.find((i) => i.InstanceId === a)?.LifecycleState).toBe('InService')
    world.advance(3_000)
    const later = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: [{ Id: a }] }))
    expect(later.TargetHealthDescriptions?.[0]?.TargetHealth?.State).toBe('draining')

    await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [b] }))
    const ec2 = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [b] }))
    expect(ec2.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running')
    world.advance(3_000)
    const ec2Later = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [b] }))
    expect(ec2Later.Reservations?.[0]?.Instances?.[0]?.State?.Name).toMatch(/^(shutting-down|terminated)$/)
    world.violations.length = 0 // the scene itself breaks invariants on purpose
  })

  it('targets of one batch turn healthy a few seconds apart with healthJitter', () => {
    const world = pairWorld({ world: { realism: { ...calm, healthJitter: true } } })
    world.setDesiredCapacity('prod-web-green', 4)
    world.settle()
    world.advance(80_000) // InService at 60 s, healthy from 80 s + 0–3 s
    const green = ids(world, 'prod-web-green')
    const seen = new Map<string, number>()
    for (let ms = 0; ms <= 3_000; ms += 100) {
      for (const t of world.targetStates('prod-web')) if (green.includes(t.id) && t.state === 'healthy' && !seen.has(t.id)) seen.set(t.id, ms)
      world.advance(100)
    }
    expect(seen.size).toBe(4)
    expect(new Set(seen.values()).size).toBeGreaterThan(1)
  })

  it('pageSize "random": 2–5 items per page in some worlds, AWS defaults in others, fixed per seed', () => {
    const sizes = Array.from({ length: 20 }, (_, seed) => new SimWorld({ seed, realism: { ...calm, pageSize: 'random' } }).pageSize)
    expect(sizes.some((s) => s === undefined)).toBe(true)
    const set = sizes.filter((s): s is number => s !== undefined)
    expect(set.length).toBeGreaterThan(0)
    for (const s of set) expect(s).toBeGreaterThanOrEqual(2)
    for (const s of set) expect(s).toBeLessThanOrEqual(5)
    expect(Array.from({ length: 20 }, (_, seed) => new SimWorld({ seed, realism: { ...calm, pageSize: 'random' } }).pageSize)).toEqual(sizes)
  })
})

describe('invariant checks on by default', () => {
  it('invariant 1: the baseline is taken at the first request unless set or cleared', async () => {
    const world = pairWorld()
    world.setDesiredCapacity('prod-web-green', 0) // semantic calls before any request take no baseline
    expect(world.baseline.size).toBe(0)
    const c = connect(world)
    await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))
    expect([...world.baseline.values()]).toEqual([3])
    await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-blue', MinSize: 0, DesiredCapacity: 2 }))
    world.advance(600_000)
    expect(world.violations).toEqual([expect.stringContaining('invariant 1: target group prod-web has 2 healthy targets, below the baseline of 3')])

    const off = pairWorld()
    off.clearBaseline()
    const c2 = simClients(off)
    await c2.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-blue', MinSize: 0, DesiredCapacity: 2 }))
    off.advance(600_000)
    c2.destroy()
    expect(off.baseline.size).toBe(0)
    expect(off.violations).toEqual([])
  })

  it('lostInstances: instances the code under test detached and never terminated; not those a test detached', async () => {
    const world = pairWorld({ blueDesired: 4, blueMin: 0 })
    world.clearBaseline()
    const c = connect(world)
    const [a = '', b = '', d = ''] = ids(world, 'prod-web-blue')
    await c.autoScaling.send(new DetachInstancesCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: [a, b], ShouldDecrementDesiredCapacity: true }))
    world.detachInstances('prod-web-blue', [d], true)
    world.advance(300_000)
    expect(world.lostInstances().map((i) => i.id).sort()).toEqual([a, b].sort())
    await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [a] }))
    expect(world.lostInstances().map((i) => i.id)).toEqual([b])
  })

  it('two versions healthy in one target group without a deploy marker is a violation; with the marker it is not', () => {
    const run = (marker: boolean): string[] => {
      const world = pairWorld()
      const green = world.mustGroup('prod-web-green')
      green.tags.set('docker:image:version', { key: 'docker:image:version', value: 'v2', propagateAtLaunch: true })
      if (marker) green.tags.set('blue-green:idle-capacity', { key: 'blue-green:idle-capacity', value: '{}', propagateAtLaunch: false })
      world.setDesiredCapacity('prod-web-green', 1)
      world.advance(120_000)
      world.advance(120_000)
      return world.violations
    }
    expect(run(true)).toEqual([])
    expect(run(false)).toEqual([
      expect.stringContaining('two versions serving outside a deploy: target group prod-web has healthy targets of versions v1, v2 and neither of prod-web-blue, prod-web-green carries blue-green:idle-capacity')
    ])
  })

  it('invariant 9: neither group of a pair able to scale out for more than 120 s is a violation', () => {
    const scene = (pauseMs: number, policies = true): string[] => {
      const world = pairWorld()
      if (policies) world.putScalingPolicy({ AutoScalingGroupName: 'prod-web-blue', PolicyName: 'out', PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 })
      world.settle()
      world.suspendProcesses('prod-web-blue', ['AlarmNotification'])
      world.settle() // as after a write through the API
      world.advance(pauseMs)
      world.resumeProcesses('prod-web-blue', ['AlarmNotification'])
      world.advance(300_000)
      return world.violations
    }
    expect(scene(120_000)).toEqual([])
    expect(scene(600_000, false)).toEqual([]) // a pair that never had scaling is not checked
    expect(scene(121_000)).toEqual([expect.stringContaining('invariant 9: neither of prod-web-blue + prod-web-green could scale out for more than 120 s')])
  })
})
