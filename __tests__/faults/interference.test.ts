// Other actors change the groups while the action runs: someone terminates an instance, the live group's
// own scaling moves its capacity, a person edits the new group or deletes the deployment tags, an
// instance refresh starts. The action must converge, or fail cleanly and say why — never guess.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  DeleteTagsCommand,
  PutScalingPolicyCommand,
  PutScheduledUpdateGroupActionCommand,
  UpdateAutoScalingGroupCommand
} from '@aws-sdk/client-auto-scaling'
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'
import {
  BLUE,
  GREEN,
  expectAwaitingFinalize,
  groupSnapshot,
  lifecycles,
  markerTags,
  message,
  servingVersions
} from '../../test-support/faults.js'

let world: SimWorld
afterEach(() => {
  world.faults.beforeWrite = undefined
  world.assertNoViolations()
})

function scene(): SimWorld {
  world = newWorld()
  addService(world, { instances: 3 })
  world.setBaseline()
  return world
}

/**
 * Runs `act` `afterMs` of virtual time after the deploy scales the new group up (while it waits for
 * health), as another actor would.
 */
function whileWaiting(afterMs: number, act: () => Promise<void> | void): { done: Promise<void> } {
  let resolve: () => void = () => {}
  const done = new Promise<void>((r) => (resolve = r))
  let armed = true
  world.faults.beforeWrite = (op, params) => {
    const p = params as { AutoScalingGroupName?: string; DesiredCapacity?: string }
    if (armed && op === 'UpdateAutoScalingGroup' && p.AutoScalingGroupName === GREEN && Number(p.DesiredCapacity) > 0) {
      armed = false
      void world.clock.sleep(afterMs).then(async () => {
        await act()
        resolve()
      })
    }
  }
  return { done }
}

describe('someone else terminates a new instance while the deploy waits', () => {
  it('the ASG replaces it and the deploy completes with the full new capacity', async () => {
    scene()
    const aws = simClients(world)
    let victim = ''
    const other = whileWaiting(30_000, async () => {
      victim = world.group(GREEN).instances.find((i) => i.lifecycle === 'Pending')?.id ?? ''
      await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [victim] }))
    })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    await other.done
    aws.destroy()
    expect(victim).toMatch(/^i-/)
    expectAwaitingFinalize(world, r, 'v2')
    const serving = world.group(GREEN).instances.filter((i) => i.lifecycle === 'InService').map((i) => i.id)
    expect(serving).not.toContain(victim)
    expect(['shutting-down', 'terminated']).toContain(world.instance(victim).ec2State)
    expect(world.lostInstances()).toEqual([])
  })
})

describe('the new version turns unhealthy after cutover', () => {
  it('the deploy had already succeeded; rollback restores v1 without dropping serving capacity', async () => {
    scene()
    const blueBefore = groupSnapshot(world, BLUE)
    expectAwaitingFinalize(world, await runAction(world, { mode: 'deploy', version: 'v2' }), 'v2')
    const bad = world.group(GREEN).instances[0]?.id as string
    world.clearBaseline() // the loss of this instance is the fault, not the action's doing
    world.makeUnhealthy(bad, 'Target.Timeout', 'Request timed out')
    expect(world.healthyCount('prod-web')).toBe(2)
    const status = await runAction(world, { mode: 'status' })
    expect(status.outputs.state).toBe('awaiting-finalize')
    expect(status.summary).toContain('Target.Timeout')

    world.setBaseline() // 2 healthy: the rollback must never serve with fewer
    const r = await runAction(world, { mode: 'rollback' })
    expect(message(r)).toBe('')
    expect(r.outputs).toMatchObject({ state: 'rolled-back', 'live-color': 'blue', version: 'v1' })
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)
    expect(servingVersions(world, BLUE)).toEqual(['v1', 'v1', 'v1'])
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(world.healthyCount('prod-web')).toBe(3)
  })
})

describe("the live group's own scaling moves during the wait", () => {
  it('a scheduled action raises the live group 3 → 5: the new group matches 5 before cutover', async () => {
    scene()
    const aws = simClients(world)
    await aws.autoScaling.send(
      new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: BLUE, ScheduledActionName: 'peak', StartTime: new Date(world.now() + 30_000), DesiredCapacity: 5 })
    )
    aws.destroy()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(world.scalingEvents).toEqual([expect.objectContaining({ kind: 'scheduled-action', name: 'peak', group: BLUE, outcome: 'executed', from: 3, to: 5 })])
    expectAwaitingFinalize(world, r, 'v2', 5)
    expect(world.group(GREEN)).toMatchObject({ desired: 5 })
    expect(world.healthyCount('prod-web')).toBe(5)
    expect(world.group(BLUE).tags['blue-green:live-capacity']).toBe('3/5/6')
  })

  it('a scale-in alarm fires mid-wait (the new instances halve the load): the live group is held at 3, its own MinSize restored exactly', async () => {
    world = newWorld()
    addService(world, { instances: 3 })
    world.updateGroup(BLUE, { MinSize: 2 })
    const aws = simClients(world)
    const p = await aws.autoScaling.send(
      new PutScalingPolicyCommand({ AutoScalingGroupName: BLUE, PolicyName: 'scale-in', PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: -1 })
    )
    aws.destroy()
    world.addAlarm({ AlarmName: 'cpu-low', AlarmActions: [p.PolicyARN as string], Dimensions: [{ Name: 'AutoScalingGroupName', Value: BLUE }] })
    world.setBaseline()
    let heldDuringWait: number | undefined
    const other = whileWaiting(30_000, () => {
      heldDuringWait = world.group(BLUE).min
      world.fireAlarm('cpu-low')
    })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    await other.done
    // The alarm ran, but MinSize held the live group where it was (invariant 1): nothing was scaled in.
    expect(heldDuringWait).toBe(3)
    expect(world.scalingEvents).toEqual([expect.objectContaining({ kind: 'alarm', group: BLUE, outcome: 'executed', from: 3, to: 3 })])
    expectAwaitingFinalize(world, r, 'v2', 3)
    // The new group got the owner's MinSize (2), not the held one; the record keeps the owner's too.
    expect(world.group(GREEN)).toMatchObject({ min: 2, desired: 3 })
    expect(world.group(BLUE).tags['blue-green:live-capacity']).toBe('2/3/6')
    expect(world.group(GREEN).policies.map((x) => x.name)).toEqual(['scale-in'])

    const back = await runAction(world, { mode: 'rollback' })
    expect(back.outputs.state).toBe('rolled-back')
    expect(world.group(BLUE)).toMatchObject({ min: 2, desired: 3, max: 6 })
    expect(Object.keys(world.group(BLUE).tags).filter((k) => k.startsWith('blue-green:'))).toEqual([])
  })

  it('a deploy aborted after holding the live group gives it back its own MinSize', async () => {
    world = newWorld()
    addService(world, { instances: 3 })
    world.updateGroup(BLUE, { MinSize: 1 })
    world.setVersionHealth('v-bad', 'unhealthy')
    world.setBaseline()
    const r = await runAction(world, { mode: 'deploy', version: 'v-bad', 'boot-grace': '1m' })
    expect(r.outputs.state).toBe('aborted')
    expect(world.group(BLUE)).toMatchObject({ min: 1, desired: 3, max: 6 })
    expect(Object.keys(world.group(BLUE).tags).filter((k) => k.startsWith('blue-green:'))).toEqual([])
  })

  /**
   * blue serves 4 with its own MinSize 3 (the deploy holds MinSize at 4); 30 s into the wait the owner's
   * scheduled action sets it to min 2 / desired 2. The held MinSize is the owner's now: the plan must
   * never send MinSize 3 with desired 2 (UpdateAutoScalingGroup refuses desired < min), nor put 3 back.
   */
  async function scheduleDuringWait(desired = 2): Promise<void> {
    world = newWorld()
    addService(world, { instances: 4 })
    world.updateGroup(BLUE, { MinSize: 3 })
    const aws = simClients(world)
    await aws.autoScaling.send(
      new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: BLUE, ScheduledActionName: 'night', StartTime: new Date(world.now() + 30_000), MinSize: 2, DesiredCapacity: desired })
    )
    aws.destroy()
    // The schedule itself takes blue to 2 instances while the new ones boot: its doing, not the action's.
    world.clearBaseline()
  }

  it("a schedule sets the live group to min 2 / desired 2 during the wait: the deploy follows it (new group 2/2) and records the owner's 2, never 3", async () => {
    await scheduleDuringWait()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(world.scalingEvents).toEqual([expect.objectContaining({ kind: 'scheduled-action', name: 'night', group: BLUE, outcome: 'executed', from: 4, to: 2 })])
    expect(message(r)).toBe('')
    expect(r.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-color': 'green', version: 'v2' })
    expect(world.group(GREEN)).toMatchObject({ min: 2, desired: 2, max: 8 })
    expect(servingVersions(world, GREEN)).toEqual(['v2', 'v2'])
    expect(world.group(BLUE).tags['blue-green:live-capacity']).toBe('2/2/8')
    expect(world.calls.filter((c) => c.operation === 'UpdateAutoScalingGroup' && !c.ok)).toEqual([])

    const back = await runAction(world, { mode: 'rollback' })
    expect(back.outputs.state).toBe('rolled-back')
    expect(world.group(BLUE)).toMatchObject({ min: 2, desired: 2, max: 8 })
  })

  it('a deploy aborted after a schedule set the live group to min 2 / desired 2 leaves it as the schedule set it (min 2, not the recorded 3)', async () => {
    await scheduleDuringWait()
    world.setVersionHealth('v-bad', 'unhealthy')
    const r = await runAction(world, { mode: 'deploy', version: 'v-bad', 'boot-grace': '1m' })
    expect(r.outputs.state).toBe('aborted')
    expect(world.group(BLUE)).toMatchObject({ min: 2, desired: 2, max: 8 })
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(Object.keys(world.group(BLUE).tags).filter((k) => k.startsWith('blue-green:'))).toEqual([])
    expect(world.calls.filter((c) => c.operation === 'UpdateAutoScalingGroup' && !c.ok)).toEqual([])
  })

  it('a schedule lowers only MinSize (3 → 2, desired 3) during the wait: the aborted deploy leaves MinSize 2, the desired 3', async () => {
    await scheduleDuringWait(3)
    world.setVersionHealth('v-bad', 'unhealthy')
    const r = await runAction(world, { mode: 'deploy', version: 'v-bad', 'boot-grace': '1m' })
    expect(r.outputs.state).toBe('aborted')
    expect(world.group(BLUE)).toMatchObject({ min: 2, desired: 3, max: 8 })
    expect(Object.keys(world.group(BLUE).tags).filter((k) => k.startsWith('blue-green:'))).toEqual([])
  })
})

describe('a person edits the new group during the wait', () => {
  // The wait notices that desired fell below what it waits for, returns, and the next round of planning
  // puts the live capacity back (planDeploy matches a mismatched capacity).
  it('capacity lowered by hand (3 → 1): the deploy notices, restores it and succeeds well within the health-timeout', async () => {
    scene()
    const aws = simClients(world)
    const other = whileWaiting(30_000, async () => {
      await aws.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GREEN, MinSize: 1, DesiredCapacity: 1 }))
    })
    const started = world.now()
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '10m' })
    await other.done
    aws.destroy()
    expectAwaitingFinalize(world, r, 'v2')
    expect(world.group(GREEN)).toMatchObject({ min: 3, desired: 3 })
    expect(r.log).toMatch(/prod-web-green: desired capacity changed to 1 while waiting for 3; re-planning/)
    // Not the whole 10-minute timeout and then some: the wait returned at the next poll.
    expect(world.now() - started).toBeLessThan(10 * 60_000)
  })

  it('capacity raised by hand (3 → 5): the deploy puts it back to the live capacity and succeeds', async () => {
    scene()
    const aws = simClients(world)
    const other = whileWaiting(30_000, async () => {
      await aws.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GREEN, DesiredCapacity: 5 }))
    })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    await other.done
    aws.destroy()
    expectAwaitingFinalize(world, r, 'v2')
    expect(world.group(GREEN)).toMatchObject({ min: 3, desired: 3, max: 6 })
  })
})

describe('an instance refresh starts on the live group mid-run', () => {
  // Pre-flight refuses a deploy while a refresh runs; the executor re-observes before cutover and aborts
  // if one started meanwhile (the refresh would fight the move to Standby).
  it('no cutover while the refresh runs: the deploy aborts naming it, live untouched, new group idle', async () => {
    scene()
    const blueBefore = groupSnapshot(world, BLUE)
    const other = whileWaiting(30_000, async () => {
      world.startInstanceRefresh(BLUE)
      await world.clock.sleep(20 * 60_000)
      world.finishInstanceRefresh(BLUE)
    })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    expect(world.calls.filter((c) => c.operation === 'EnterStandby')).toEqual([])
    expect(message(r)).toMatch(/prod-web-blue: instance refresh .* started during the deploy; cutting over now would fight it/)
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    void other
  })
})

describe('someone deletes the deployment tags by hand while the deploy awaits a decision', () => {
  const cases: { name: string; tags: { group: string; key: string }[]; reason: RegExp }[] = [
    {
      name: "the new group's idle-capacity record",
      tags: [{ group: GREEN, key: 'blue-green:idle-capacity' }],
      reason: /prod-web: prod-web-blue carries blue-green:live-capacity but prod-web-green has no blue-green:idle-capacity: the deployment record is incomplete/
    },
    {
      name: "the old group's live-capacity record",
      tags: [
        { group: BLUE, key: 'blue-green:live-capacity' },
        { group: BLUE, key: 'blue-green:live-suspended' }
      ],
      reason: /prod-web: prod-web-blue has instances in Standby but no cutover was recorded/
    },
    {
      name: 'every marker',
      tags: [
        { group: GREEN, key: 'blue-green:idle-capacity' },
        { group: BLUE, key: 'blue-green:live-capacity' },
        { group: BLUE, key: 'blue-green:live-suspended' }
      ],
      reason: /prod-web: prod-web-blue has instances in Standby that no deployment of this action put there \(unknown state\)/
    }
  ]

  it.each(cases)('$name: every mode refuses with an unknown-state message, nothing is written, status says unknown', async ({ tags, reason }) => {
    scene()
    expectAwaitingFinalize(world, await runAction(world, { mode: 'deploy', version: 'v2' }), 'v2')
    const aws = simClients(world)
    await aws.autoScaling.send(new DeleteTagsCommand({ Tags: tags.map((t) => ({ ResourceId: t.group, ResourceType: 'auto-scaling-group', Key: t.key })) }))
    aws.destroy()
    // The next job starts later than AWS's reads take to show the deletion (they lag writes for seconds).
    world.advance(10_000)
    const blue = groupSnapshot(world, BLUE)
    const green = groupSnapshot(world, GREEN)
    const writes = world.writes().length

    const runs: Record<string, string>[] = [{ mode: 'finalize' }, { mode: 'rollback' }, { mode: 'deploy', version: 'v2' }, { mode: 'deploy', version: 'v3' }]
    for (const inputs of runs) {
      const r = await runAction(world, inputs)
      expect({ inputs, failed: r.failed, state: r.outputs.state }).toEqual({ inputs, failed: true, state: 'refused' })
      expect(message(r)).toMatch(/Nothing was changed/)
      expect(message(r)).toMatch(reason)
    }
    const status = await runAction(world, { mode: 'status' })
    expect(status.failed).toBe(false)
    expect(status.outputs.state).toBe('unknown')
    expect(world.writes().length).toBe(writes)
    expect(groupSnapshot(world, BLUE)).toEqual(blue)
    expect(groupSnapshot(world, GREEN)).toEqual(green)
    // Still out of service: draining into Standby, or there already.
    expect(lifecycles(world, BLUE).every((l) => l === 'EnteringStandby' || l === 'Standby')).toBe(true)
  })
})

describe('a re-run right after an aborted deploy', () => {
  // Regression: pre-flight used to refuse this re-run for the deregistration delay, counting the
  // "Terminating" activities of the aborted (leaving) instances as a scaling activity in progress;
  // fixed in src/domain/preflight.ts busy(idle).
  it('is not refused because the aborted instances are still draining', async () => {
    scene()
    world.setVersionHealth('v2-bad', 'unhealthy')
    const aborted = await runAction(world, { mode: 'deploy', version: 'v2-bad' })
    expect(aborted.outputs.state).toBe('aborted')
    expect(lifecycles(world, GREEN).every((l) => l === 'Terminating')).toBe(true)

    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(message(r)).toBe('')
    expectAwaitingFinalize(world, r, 'v2')
  })

  it('converges once the aborted instances have drained', async () => {
    scene()
    world.setVersionHealth('v2-bad', 'unhealthy')
    expect((await runAction(world, { mode: 'deploy', version: 'v2-bad' })).outputs.state).toBe('aborted')
    world.advance(6 * 60_000)
    expect(markerTags(world, GREEN)).toEqual([])
    expectAwaitingFinalize(world, await runAction(world, { mode: 'deploy', version: 'v2' }), 'v2')
  })
})
