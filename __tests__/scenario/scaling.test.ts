// Scaling follows the traffic and comes back on rollback; a standby group launches nothing; restored
// means restored (capacity, processes, policies with their alarms, scheduled actions with time zones).
import { afterEach, describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand, PutScheduledUpdateGroupActionCommand } from '@aws-sdk/client-auto-scaling'
import { type ActionRun, runAction } from '../../test-support/harness.js'
import { addService, cpuTargetPolicy, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

async function withScaling(group: string): Promise<void> {
  const aws = simClients(world)
  const step = await aws.autoScaling.send(
    new PutScalingPolicyCommand({
      AutoScalingGroupName: group,
      PolicyName: 'scale-out-on-cpu',
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      MetricAggregationType: 'Average'
    })
  )
  world.addAlarm({
    AlarmName: 'web-cpu-high',
    AlarmActions: [step.PolicyARN as string],
    MetricName: 'CPUUtilization',
    Namespace: 'AWS/EC2',
    Statistic: 'Average',
    Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }],
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 70,
    ComparisonOperator: 'GreaterThanThreshold'
  })
  await aws.autoScaling.send(new PutScalingPolicyCommand(cpuTargetPolicy(group)))
  await aws.autoScaling.send(
    new PutScheduledUpdateGroupActionCommand({
      AutoScalingGroupName: group,
      ScheduledActionName: 'business-hours',
      Recurrence: '0 8 * * 1-5',
      TimeZone: 'Europe/Berlin',
      MinSize: 3,
      MaxSize: 6,
      DesiredCapacity: 4
    })
  )
  aws.destroy()
}

/** What must be identical after a rollback: everything but ids and ARNs AWS assigns anew. */
function config(name: string) {
  const g = world.group(name)
  return {
    capacity: [g.min, g.desired, g.max],
    suspended: [...g.suspendedProcesses].sort(),
    policies: g.policies.map((p) => ({ name: p.name, type: p.type, fields: p.fields })).sort((a, b) => a.name.localeCompare(b.name)),
    scheduled: g.scheduledActions.map((a) => ({ name: a.ScheduledActionName, recurrence: a.Recurrence, tz: a.TimeZone, sizes: [a.MinSize, a.DesiredCapacity, a.MaxSize] })),
    deploymentTags: Object.keys(g.tags).filter((k) => k.startsWith('blue-green:'))
  }
}

/** How long each of a run's waits until traffic had left a group took (virtual ms). */
function trafficWaits(r: ActionRun): number[] {
  return (r.result?.timeline ?? []).filter((t) => t.step.startsWith('wait until traffic has left')).map((t) => t.durationMs)
}

function alarm(name: string) {
  return world.alarms.get(name)?.config as { AlarmActions: string[]; Dimensions: { Name: string; Value: string }[] }
}

describe('scaling follows the traffic', () => {
  it('moves policies (alarms re-pointed) and scheduled actions (time zone kept) at cutover, and back on rollback', async () => {
    world = newWorld()
    const { blue, green } = addService(world)
    world.suspendProcesses(blue, ['AZRebalance']) // the owner's own choice, which must survive
    await withScaling(blue)
    const blueBefore = config(blue)
    const greenBefore = config(green)
    world.setBaseline()

    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    expect(config(green).policies.map((p) => p.name)).toEqual(['cpu-target-50', 'scale-out-on-cpu'])
    expect(config(green).scheduled).toEqual([{ name: 'business-hours', recurrence: '0 8 * * 1-5', tz: 'Europe/Berlin', sizes: [3, 4, 6] }])
    expect(config(blue).policies).toEqual([])
    expect(config(blue).scheduled).toEqual([])
    const greenStep = world.group(green).policies.find((p) => p.name === 'scale-out-on-cpu')
    expect(alarm('web-cpu-high').AlarmActions).toEqual([greenStep?.arn])
    expect(alarm('web-cpu-high').Dimensions).toEqual([{ Name: 'AutoScalingGroupName', Value: green }])
    // The policies moved during this round: the wait until traffic has moved (light polls, which do not
    // re-read policies) still ends within seconds, not after the 30 s allowed for reads to catch up.
    expect(trafficWaits(deploy)).toEqual([expect.any(Number)])
    expect(Math.max(...trafficWaits(deploy))).toBeLessThan(10_000)

    // While the decision is pending the alarm scales the group that serves, never the standby one.
    const fired = world.fireAlarm('web-cpu-high')
    expect(fired).toEqual([expect.objectContaining({ outcome: 'executed', group: green, from: 3, to: 4 })])
    world.advance(5 * 60_000)
    expect(world.group(blue).instances.every((i) => i.lifecycle === 'Standby')).toBe(true)
    world.setBaseline()

    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.failed).toBe(false)
    expect(rollback.outputs.state).toBe('rolled-back')
    // Min, max, processes, policies and schedules are exactly as before; desired is the 4 that the
    // alarm asked for while green served (restoring 3 would drop serving capacity below what served).
    expect(config(blue)).toEqual({ ...blueBefore, capacity: [3, 4, 6] })
    expect(config(green)).toEqual(greenBefore)
    const blueStep = world.group(blue).policies.find((p) => p.name === 'scale-out-on-cpu')
    expect(alarm('web-cpu-high').AlarmActions).toEqual([blueStep?.arn])
    expect(alarm('web-cpu-high').Dimensions).toEqual([{ Name: 'AutoScalingGroupName', Value: blue }])
    expect(world.fireAlarm('web-cpu-high')).toEqual([expect.objectContaining({ outcome: 'executed', group: blue })])
    expect(Math.max(...trafficWaits(rollback))).toBeLessThan(10_000)
  })

  it('a standby group launches nothing, whatever its old alarms or schedules do', async () => {
    world = newWorld()
    const { blue } = addService(world)
    const aws = simClients(world)
    const old = await aws.autoScaling.send(
      new PutScalingPolicyCommand({ AutoScalingGroupName: blue, PolicyName: 'exact-5', PolicyType: 'SimpleScaling', AdjustmentType: 'ExactCapacity', ScalingAdjustment: 5 })
    )
    aws.destroy()
    // An alarm the action cannot know about (it points at the policy by a stale copy of the ARN).
    world.addAlarm({ AlarmName: 'stray', AlarmActions: [old.PolicyARN as string] })
    await runAction(world, { mode: 'deploy', version: 'v2' })
    world.fireAlarm('stray')
    world.advance(30 * 60_000)
    expect(world.group(blue).instances.map((i) => i.lifecycle)).toEqual(['Standby', 'Standby', 'Standby'])
    expect(world.group(blue).suspendedProcesses).toEqual(expect.arrayContaining(['Launch', 'AlarmNotification', 'ScheduledActions', 'AZRebalance']))
  })
})

describe('capacity', () => {
  it('more than 20 instances: standby moves in batches of at most 20', async () => {
    world = newWorld()
    const { blue, green, tg } = addService(world, { instances: 45, max: 60 })
    world.setBaseline()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    const batches = world.calls.filter((c) => c.operation === 'EnterStandby').map((c) => (c.params as { InstanceIds: string[] }).InstanceIds.length)
    // The batches go out together, so they reach AWS in any order.
    expect([...batches].sort((a, b) => b - a)).toEqual([20, 20, 5])
    expect(world.healthyCount(tg)).toBe(45)
    const f = await runAction(world, { mode: 'finalize' })
    expect(f.outputs.state).toBe('finalized')
    const detach = world.calls.filter((c) => c.operation === 'DetachInstances').map((c) => (c.params as { InstanceIds: string[] }).InstanceIds.length)
    expect(Math.max(...detach)).toBeLessThanOrEqual(20)
    expect(detach.reduce((a, b) => a + b, 0)).toBe(45)
    expect(world.group(blue).instances).toEqual([])
    expect(world.group(green)).toMatchObject({ desired: 45 })
    expect(world.lostInstances()).toEqual([])
  })

  it('the live group scales out while the new one warms up: the new group matches it before cutover', async () => {
    world = newWorld()
    const { blue, green, tg } = addService(world, { instances: 3 })
    world.faults.beforeWrite = (op, params) => {
      const p = params as { AutoScalingGroupName?: string; DesiredCapacity?: string }
      // Traffic grows just as the deploy scales the new group: the live group goes 3 → 5.
      if (op === 'UpdateAutoScalingGroup' && p.AutoScalingGroupName === green && Number(p.DesiredCapacity) === 3) {
        setTimeout(() => world.setDesiredCapacity(blue, 5), 0)
      }
    }
    world.setBaseline()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    world.faults.beforeWrite = undefined
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(world.group(green)).toMatchObject({ desired: 5 })
    expect(world.group(blue).instances.filter((i) => ['EnteringStandby', 'Standby'].includes(i.lifecycle))).toHaveLength(5)
    expect(world.healthyCount(tg)).toBe(5)
  })

  it('several services in one run, in parallel', async () => {
    world = newWorld()
    addService(world, { base: 'prod-api-web', instances: 4 })
    addService(world, { base: 'prod-api-worker', instances: 2 })
    world.setBaseline()
    const started = world.now()
    const r = await runAction(world, { mode: 'deploy', version: 'v2', prefix: 'prod-api-' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(JSON.parse(r.outputs.pairs ?? '[]').map((p: { base: string; liveGroup: string }) => [p.base, p.liveGroup])).toEqual([
      ['prod-api-web', 'prod-api-web-green'],
      ['prod-api-worker', 'prod-api-worker-green']
    ])
    expect(r.outputs['live-group']).toBe('prod-api-web-green,prod-api-worker-green')
    expect(JSON.parse(r.outputs['standby-instance-ids'] ?? '[]')).toHaveLength(6)
    // In parallel: both pairs waited through the same launch and drain, not one after the other.
    const tookMs = world.now() - started
    expect(tookMs).toBeLessThan(2 * 7 * 60_000)
    const greenScaled = world.calls.filter((c) => c.operation === 'UpdateAutoScalingGroup' && /green/.test((c.params as { AutoScalingGroupName: string }).AutoScalingGroupName))
    // Both pairs scaled up together (within API latency), not one after the other's health wait.
    expect(Math.abs((greenScaled[1]?.time ?? 0) - (greenScaled[0]?.time ?? 0))).toBeLessThan(1000)
  })
})
