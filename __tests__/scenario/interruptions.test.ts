// Invariant 6: a run interrupted at any write (runner killed) converges when run again, and a
// rollback from any of those points restores the old version. Invariant 8: restored means restored.
import { describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand, PutScheduledUpdateGroupActionCommand } from '@aws-sdk/client-auto-scaling'
import { runAction } from '../../test-support/harness.js'
import { killSnapshots } from '../../test-support/kill.js'
import { sampleNote, sweep, upTo } from '../../test-support/suite.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'

/** Each of these re-runs the mode from every kill point in the exhaustive suite: a minute of CPU on a busy 2-core runner. */
const EXHAUSTIVE_KILL_TIMEOUT_MS = 240_000

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

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
  aws.destroy()
  world.setBaseline()
  return world
}

/** Everything SPEC invariant 8 says must come back after a rollback. */
function restorable(world: SimWorld) {
  return [BLUE, GREEN].map((name) => {
    const g = world.group(name)
    return {
      name,
      capacity: [g.min, g.desired, g.max],
      suspended: [...g.suspendedProcesses].sort(),
      policies: g.policies.map((p) => [p.name, p.type, JSON.stringify(p.fields)]),
      scheduled: g.scheduledActions.map((a) => [a.ScheduledActionName, a.Recurrence, a.TimeZone, a.DesiredCapacity]),
      markers: Object.keys(g.tags).filter((k) => k.startsWith('blue-green:') && k !== 'blue-green:lock')
    }
  })
}

function alarmTargetsGroupOf(world: SimWorld, groupName: string): boolean {
  const alarm = world.alarms.get('cpu-high')?.config as { AlarmActions: string[] }
  const policy = world.group(groupName).policies.find((p) => p.name === 'step-out')
  return policy !== undefined && alarm.AlarmActions.includes(policy.arn)
}

function expectServing(world: SimWorld, live: string, version: string): void {
  const g = world.group(live)
  expect(g.instances.filter((i) => i.lifecycle === 'InService' && i.version === version)).toHaveLength(g.desired)
  expect(world.lostInstances()).toEqual([])
  world.assertNoViolations()
}

describe('a deploy killed at every write', () => {
  it('converges when deploy runs again, and rolls back from any point', async () => {
    const clean = await scene()
    const kills = await killSnapshots(clean, 'deploy', () => runAction(clean, { mode: 'deploy', version: 'v2' }))
    expect(kills.total).toBeGreaterThanOrEqual(10)
    const original = restorable(await scene())
    const sample = sampleNote()

    for (const k of sweep(upTo(kills.total), 'interruptions: deploy')) {
      // (a) the same deploy, run again in a fresh run, picks up where it stopped
      const a = kills.killedAfter(k)
      const again = await runAction(a, { mode: 'deploy', version: 'v2' })
      expect({ k, sample, state: again.outputs.state }).toEqual({ k, sample, state: 'awaiting-finalize' })
      expectServing(a, GREEN, 'v2')
      expect(alarmTargetsGroupOf(a, GREEN)).toBe(true)

      // (b) a rollback from the same point restores the old version and the old configuration
      const b = kills.killedAfter(k)
      const untouched = JSON.stringify(restorable(b)) === JSON.stringify(original)
      const rollback = await runAction(b, { mode: 'rollback' })
      // Killed before it changed the pair (its lock and attempt record at most): v1 still serves.
      expect({ k, sample, state: rollback.outputs.state }).toEqual({ k, sample, state: untouched ? 'unchanged' : 'rolled-back' })
      expectServing(b, BLUE, 'v1')
      expect(restorable(b)).toEqual(original)
      expect(alarmTargetsGroupOf(b, BLUE)).toBe(true)
    }
  }, EXHAUSTIVE_KILL_TIMEOUT_MS)
})

describe('finalize and rollback killed at every write', () => {
  it('finalize converges and never loses an instance', async () => {
    const clean = await scene()
    await runAction(clean, { mode: 'deploy', version: 'v2' })
    const oldIds = clean.group(BLUE).instances.map((i) => i.id)
    const kills = await killSnapshots(clean, 'finalize', () => runAction(clean, { mode: 'finalize' }))
    expect(kills.total).toBeGreaterThanOrEqual(4)
    const sample = sampleNote()
    for (const k of sweep(upTo(kills.total), 'interruptions: finalize')) {
      const w = kills.killedAfter(k)
      const again = await runAction(w, { mode: 'finalize' })
      expect({ k, sample, state: again.outputs.state }).toEqual({ k, sample, state: 'finalized' })
      for (const id of oldIds) expect(['shutting-down', 'terminated']).toContain(w.instance(id).ec2State)
      expect(w.group(BLUE)).toMatchObject({ min: 0, desired: 0, instances: [], suspendedProcesses: [] })
      expectServing(w, GREEN, 'v2')
    }
  }, EXHAUSTIVE_KILL_TIMEOUT_MS)

  it('rollback converges to the old version with its configuration restored', async () => {
    const original = restorable(await scene())
    const clean = await scene()
    await runAction(clean, { mode: 'deploy', version: 'v2' })
    clean.setBaseline()
    const kills = await killSnapshots(clean, 'rollback', () => runAction(clean, { mode: 'rollback' }))
    expect(kills.total).toBeGreaterThanOrEqual(6)
    const sample = sampleNote()
    for (const k of sweep(upTo(kills.total), 'interruptions: rollback')) {
      const w = kills.killedAfter(k)
      const again = await runAction(w, { mode: 'rollback' })
      expect({ k, sample, state: again.outputs.state }).toEqual({ k, sample, state: 'rolled-back' })
      expectServing(w, BLUE, 'v1')
      expect(restorable(w)).toEqual(original)
    }
  }, EXHAUSTIVE_KILL_TIMEOUT_MS)
})

describe('killed in the middle of a batch sequence', () => {
  it('deploy killed between two EnterStandby batches of 20, and finalize between detach and terminate, converge without losing an instance', async () => {
    const world = newWorld()
    addService(world, { instances: 45, max: 60 })
    world.setBaseline()
    // Let the first EnterStandby batch through, kill at the second.
    let batches = 0
    world.faults.beforeWrite = (op) => {
      if (op === 'EnterStandby' && ++batches === 2) throw new Error('runner killed (simulated)')
      if (batches >= 2) throw new Error('runner killed (simulated)')
    }
    const killed = await runAction(world, { mode: 'deploy', version: 'v2' })
    world.faults.beforeWrite = undefined
    expect(killed.failed).toBe(true)
    // The batches go out together: exactly one reached AWS before the kill (of 20 or of 5 instances).
    expect([20, 5]).toContain(world.group(BLUE).instances.filter((i) => ['EnteringStandby', 'Standby'].includes(i.lifecycle)).length)
    const again = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(again.outputs.state).toBe('awaiting-finalize')
    // Out of the load balancer: draining (the deploy ends when traffic has moved) or already in Standby.
    expect(world.group(BLUE).instances.filter((i) => ['EnteringStandby', 'Standby'].includes(i.lifecycle))).toHaveLength(45)

    // Finalize dies right after detaching its second batch, before terminating it.
    const oldIds = world.group(BLUE).instances.map((i) => i.id)
    let detaches = 0
    world.faults.beforeWrite = (op) => {
      if (op === 'DetachInstances') detaches++
      if (detaches === 2 && op === 'TerminateInstances') throw new Error('runner killed (simulated)')
      if (detaches > 2) throw new Error('runner killed (simulated)')
    }
    const dead = await runAction(world, { mode: 'finalize' })
    world.faults.beforeWrite = undefined
    expect(dead.failed).toBe(true)
    // Detached and still running: out of every group, but written down on the group being finalized.
    const orphans = world.lostInstances().map((i) => i.id)
    expect(orphans).toHaveLength(12)
    expect(world.group(BLUE).tags['blue-green:finalizing']?.split(',').sort()).toEqual([...orphans].sort())
    const finished = await runAction(world, { mode: 'finalize' })
    expect(finished.outputs.state).toBe('finalized')
    for (const id of oldIds) expect(['shutting-down', 'terminated']).toContain(world.instance(id).ec2State)
    expect(world.lostInstances()).toEqual([])
    world.assertNoViolations()
  })
})
