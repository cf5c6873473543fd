// Invariant 6, checked against the whole end state: a deploy killed at any write and run again ends in
// exactly the state an uninterrupted deploy reaches (capacity, lifecycles, versions, quarantined
// processes, policies, scheduled actions, alarms, marker tags), not merely "serving the new version".
import { describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand, PutScheduledUpdateGroupActionCommand } from '@aws-sdk/client-auto-scaling'
import { runAction } from '../../test-support/harness.js'
import { RunnerKilled, isLockWrite, killSnapshots } from '../../test-support/kill.js'
import { sampleNote, sweep, upTo } from '../../test-support/suite.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
/** Tags whose values differ from run to run (run identity, times): compared by presence only. */
const VOLATILE_TAGS = /^blue-green:(lock|release)$/

/** Blue serves v1 × 3 with a step policy + alarm, a scheduled action with a time zone, and AZRebalance suspended by its owner. */
async function scene(): Promise<SimWorld> {
  const world = newWorld()
  addService(world, { instances: 3 })
  const aws = simClients(world)
  const p = await aws.autoScaling.send(
    new PutScalingPolicyCommand({ AutoScalingGroupName: BLUE, PolicyName: 'step-out', PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] })
  )
  world.addAlarm({ AlarmName: 'cpu-high', AlarmActions: [p.PolicyARN as string], Dimensions: [{ Name: 'AutoScalingGroupName', Value: BLUE }] })
  await aws.autoScaling.send(
    new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: BLUE, ScheduledActionName: 'nightly', Recurrence: '0 2 * * *', TimeZone: 'America/New_York', DesiredCapacity: 3 })
  )
  world.suspendProcesses(BLUE, ['AZRebalance'])
  aws.destroy()
  return world
}

/** Everything a user could inspect about the pair, instance ids aside. */
function endState(world: SimWorld) {
  const alarm = world.alarms.get('cpu-high')?.config as { AlarmActions: string[]; Dimensions: { Name: string; Value: string }[] }
  return {
    groups: [BLUE, GREEN].map((name) => {
      const g = world.group(name)
      return {
        name,
        capacity: [g.min, g.desired, g.max],
        instances: g.instances.map((i) => `${i.lifecycle}:${i.version ?? '-'}:${i.protected ? 'protected' : 'unprotected'}`).sort(),
        suspended: [...g.suspendedProcesses].sort(),
        policies: g.policies.map((p) => [p.name, p.type, JSON.stringify(p.fields)]),
        scheduled: g.scheduledActions.map((a) => [a.ScheduledActionName, a.Recurrence, a.TimeZone, a.DesiredCapacity]),
        tags: Object.entries(g.tags)
          .map(([k, v]) => (VOLATILE_TAGS.test(k) ? k : `${k}=${v}`))
          .sort()
      }
    }),
    alarmFires: [BLUE, GREEN].filter((name) => world.group(name).policies.some((p) => alarm.AlarmActions.includes(p.arn))),
    alarmDimension: alarm.Dimensions.map((d) => d.Value),
    healthy: world.healthyCount('prod-web')
  }
}

describe('a deploy killed at any write, run again', () => {
  it('ends in exactly the state an uninterrupted deploy reaches', async () => {
    const clean = await scene()
    const kills = await killSnapshots(clean, 'deploy', () => runAction(clean, { mode: 'deploy', version: 'v2' }))
    const expected = endState(clean)
    // The standby group is quarantined, the owner's suspension recorded, scaling moved to the new group.
    expect(expected.groups[0]?.suspended).toEqual(['AZRebalance', 'AlarmNotification', 'HealthCheck', 'InstanceRefresh', 'Launch', 'ReplaceUnhealthy', 'ScheduledActions', 'Terminate'])
    expect(expected.alarmFires).toEqual([GREEN])
    expect(expected.groups[1]?.scheduled).toEqual([['nightly', '0 2 * * *', 'America/New_York', 3]])

    const sample = sampleNote()
    for (const k of sweep(upTo(kills.total), 'rerun: deploy')) {
      const world = kills.killedAfter(k)
      const again = await runAction(world, { mode: 'deploy', version: 'v2' })
      expect({ k, sample, state: again.outputs.state }).toEqual({ k, sample, state: 'awaiting-finalize' })
      expect({ k, sample, end: endState(world) }).toEqual({ k, sample, end: expected })
    }
  })

  it('killed just after the first cutover write (the live capacity recorded): the re-run still quarantines the standby group', async () => {
    const world = await scene()
    // Let every write through up to the one recording the live group's capacity (the first cutover write), kill the next.
    let recorded = false
    world.faults.beforeWrite = (op, params) => {
      if (isLockWrite(op, params)) return
      if (recorded) throw new RunnerKilled()
      recorded = op === 'CreateOrUpdateTags' && ((params as { Tags?: { Key?: string }[] }).Tags ?? []).some((t) => t.Key === 'blue-green:live-capacity')
    }
    const killed = await runAction(world, { mode: 'deploy', version: 'v2' })
    world.faults.beforeWrite = undefined
    expect(killed.failed).toBe(true)
    expect(Object.keys(world.group(BLUE).tags)).toContain('blue-green:live-capacity')
    expect(world.group(BLUE).suspendedProcesses).toEqual(['AZRebalance'])
    const again = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(again.outputs.state).toBe('awaiting-finalize')
    expect(world.group(BLUE).suspendedProcesses).toEqual(['AZRebalance', 'AlarmNotification', 'HealthCheck', 'InstanceRefresh', 'Launch', 'ReplaceUnhealthy', 'ScheduledActions', 'Terminate'])
    expect(world.group(BLUE).tags['blue-green:live-suspended']).toBe('AZRebalance')
  })
})

describe("the owner's own suspended processes", () => {
  it('rollback restores exactly what the owner had suspended (AZRebalance stays suspended, the quarantine is lifted)', async () => {
    const world = await scene()
    await runAction(world, { mode: 'deploy', version: 'v2' })
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.outputs.state).toBe('rolled-back')
    expect(world.group(BLUE).suspendedProcesses).toEqual(['AZRebalance'])
  })

  it('finalize leaves the retired group with what the owner had suspended', async () => {
    const world = await scene()
    await runAction(world, { mode: 'deploy', version: 'v2' })
    const r = await runAction(world, { mode: 'finalize' })
    expect(r.outputs.state).toBe('finalized')
    expect(world.group(BLUE).suspendedProcesses).toEqual(['AZRebalance'])
  })
})
