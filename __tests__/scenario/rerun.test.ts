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

describe('Launch suspended by the owner on the live group (Auto Scaling refuses ExitStandby while Launch is suspended)', () => {
  /** Blue serves v1 × 3 with Launch (and AZRebalance) suspended by its owner. */
  function launchSuspended(): SimWorld {
    const world = newWorld()
    addService(world, { instances: 3 })
    world.suspendProcesses(BLUE, ['AZRebalance', 'Launch'])
    return world
  }

  function inService(world: SimWorld, name: string): string[] {
    return world
      .group(name)
      .instances.filter((i) => i.lifecycle === 'InService')
      .map((i) => i.id)
      .sort()
  }

  function expectBack(world: SimWorld, v1: string[]): void {
    expect(inService(world, BLUE)).toEqual(v1)
    expect(world.group(BLUE)).toMatchObject({ min: 3, desired: 3, max: 6 })
    expect([...world.group(BLUE).suspendedProcesses].sort()).toEqual(['AZRebalance', 'Launch'])
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(world.healthyCount('prod-web')).toBe(3)
    expect(Object.keys(world.group(BLUE).tags).filter((k) => k.startsWith('blue-green:'))).toEqual([])
    world.assertNoViolations()
  }

  it('mode: rollback lifts Launch for the ExitStandby and the restore, then suspends it again', async () => {
    const world = launchSuspended()
    const v1 = inService(world, BLUE)
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    expect(world.group(BLUE).tags['blue-green:live-suspended']).toBe('AZRebalance,Launch')
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.errors).toEqual([])
    expect(r.outputs.state).toBe('rolled-back')
    expect(r.log).toMatch(/Launch.*suspended by the owner.*ExitStandby/)
    expectBack(world, v1)
  })

  it('a rollback killed right after its ExitStandby (Launch resumed), run again, still ends with Launch suspended', async () => {
    const world = launchSuspended()
    const v1 = inService(world, BLUE)
    await runAction(world, { mode: 'deploy', version: 'v2' })
    let exited = false
    world.faults.beforeWrite = (op, params) => {
      if (isLockWrite(op, params)) return
      if (exited) throw new RunnerKilled()
      exited = op === 'ExitStandby'
    }
    const killed = await runAction(world, { mode: 'rollback' })
    world.faults.beforeWrite = undefined
    expect(killed.failed).toBe(true)
    expect(world.group(BLUE).suspendedProcesses).not.toContain('Launch')
    const again = await runAction(world, { mode: 'rollback' })
    expect(again.outputs.state).toBe('rolled-back')
    expectBack(world, v1)
  })

  it("the bake's automatic rollback does the same", async () => {
    const world = launchSuspended()
    const v1 = inService(world, BLUE)
    world.addAlarm({ AlarmName: 'web-5xx', MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Threshold: 10 })
    world.setAlarmState('web-5xx', 'OK')
    world.setBaseline()
    let armed = true
    world.faults.beforeWrite = (op) => {
      if (op !== 'EnterStandby' || !armed) return
      armed = false
      void world.clock.sleep(7 * 60_000).then(() => world.setAlarmState('web-5xx', 'ALARM', 'errors after cutover'))
    }
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', 'bake-time': '10m', 'alarm-names': 'web-5xx' })
    world.faults.beforeWrite = undefined
    expect(deploy.outputs).toMatchObject({ state: 'rolled-back', 'bake-result': 'rolled-back' })
    expect(deploy.errors.join('\n')).toContain('rolled back automatically')
    expectBack(world, v1)
  })
})
