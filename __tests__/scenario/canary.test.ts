// Canary (mode: canary, canary-count): the idle group runs a few instances of the new version next to the
// live group, behind the same target groups, and holds there: mode: deploy with the same version promotes
// it (without relaunching the canary instances), mode: rollback removes it. The live group is not touched.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

function inService(name: string): string[] {
  return world
    .group(name)
    .instances.filter((i) => i.lifecycle === 'InService')
    .map((i) => i.id)
    .sort()
}

function markers(group: string): string[] {
  return Object.keys(world.group(group).tags).filter((k) => k.startsWith('blue-green:'))
}

interface Live {
  blue: string
  green: string
  tg: string
  v1: string[]
  snapshot: unknown
}

/** blue serves v1 with 3 instances, a scaling policy and a scheduled action; green is idle. */
function setup(): Live {
  world = newWorld()
  const names = addService(world, { instances: 3 })
  world.putScalingPolicy({ AutoScalingGroupName: names.blue, PolicyName: 'cpu', PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 } })
  world.setBaseline()
  return { ...names, v1: inService(names.blue), snapshot: liveSnapshot(names.blue) }
}

/** What "the live group is not touched" means: capacity, processes, policies, instances. */
function liveSnapshot(blue: string): unknown {
  const g = world.group(blue)
  return { min: g.min, desired: g.desired, max: g.max, suspended: g.suspendedProcesses, policies: g.policies.map((p) => p.name), instances: inService(blue) }
}

async function canary(extra: Record<string, string> = {}): ReturnType<typeof runAction> {
  return runAction(world, { mode: 'canary', version: 'v2', ...extra })
}

describe('mode: canary', () => {
  it('launches canary-count instances of the new version next to the live group, healthy in its target group; the live group is untouched', async () => {
    const { blue, green, tg, snapshot } = setup()
    const r = await canary({ 'canary-count': '2' })
    expect(r.failed).toBe(false)
    const ids = inService(green)
    expect(ids).toHaveLength(2)
    expect(r.outputs).toMatchObject({ state: 'canary', 'live-group': blue, version: 'v1', 'canary-share': '2 of 5' })
    expect(JSON.parse(r.outputs['canary-instances'] ?? '[]').sort()).toEqual(ids)
    expect(ids.every((id) => world.instance(id).version === 'v2')).toBe(true)
    expect(world.healthyCount(tg)).toBe(5)
    expect(liveSnapshot(blue)).toEqual(snapshot)
    expect(world.group(green)).toMatchObject({ min: 2, desired: 2 })
    expect(r.summary).toContain('**Canary:** 2 instance(s)')
    expect(r.summary).toContain('hold 2 of 5 of the serving instances')
    expect(r.summary).toContain('Next: promote it with mode: deploy and version v2, or remove it with mode: rollback')

    const status = await runAction(world, { mode: 'status' })
    expect(status.outputs).toMatchObject({ state: 'canary', 'canary-share': '2 of 5' })
  })

  it('deploy of the same version promotes the canary: the canary instances stay and serve, the group scales to full capacity and cuts over', async () => {
    const { blue, green, tg, v1 } = setup()
    await canary()
    const canaryIds = inService(green)
    expect(canaryIds).toHaveLength(1)
    // Invariant 1's baseline stays what the live group served (3): the canary's share is not capacity to keep.
    const promote = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(promote.failed).toBe(false)
    expect(promote.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, version: 'v2', 'previous-version': 'v1', 'canary-instances': '[]' })
    const after = inService(green)
    expect(after).toHaveLength(3)
    for (const id of canaryIds) expect(after).toContain(id)
    expect(Object.keys(world.group(green).tags)).not.toContain('blue-green:canary')
    // The deploy ends once traffic has moved: the v1 instances are on their way into Standby (draining) or there.
    expect(world.group(blue).instances.filter((i) => ['EnteringStandby', 'Standby'].includes(i.lifecycle)).map((i) => i.id).sort()).toEqual(v1)
    expect(world.healthyCount(tg)).toBe(3)
    const finalize = await runAction(world, { mode: 'finalize' })
    expect(finalize.outputs.state).toBe('finalized')
    expect(markers(green)).toEqual([])
  })

  it('rollback removes the canary: the canary group back to idle, the live group untouched', async () => {
    const { blue, green, tg, snapshot } = setup()
    await canary()
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.failed).toBe(false)
    expect(r.outputs).toMatchObject({ state: 'rolled-back', 'live-group': blue, version: 'v1', 'canary-share': '' })
    expect(world.group(green)).toMatchObject({ min: 0, desired: 0, max: 6 })
    expect(liveSnapshot(blue)).toEqual(snapshot)
    expect(markers(green)).toEqual([])
    expect(markers(blue)).toEqual([])
    expect(world.healthyCount(tg)).toBe(3)
  })

  it('finalize on a canary is refused and says what to do instead; nothing is written', async () => {
    setup()
    await canary()
    const writes = world.writes().length
    const r = await runAction(world, { mode: 'finalize' })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('refused')
    expect(r.errors.join('\n')).toContain('a canary of v2 runs on prod-web-green')
    expect(r.errors.join('\n')).toContain('Promote it with mode: deploy and version v2 (then finalize), or remove it with mode: rollback')
    expect(world.writes().length).toBe(writes)
  })

  it('a deploy of another version while a canary runs is refused until the canary is rolled back', async () => {
    const { green } = setup()
    await canary()
    const writes = world.writes().length
    const other = await runAction(world, { mode: 'deploy', version: 'v3' })
    expect(other.failed).toBe(true)
    expect(other.outputs.state).toBe('refused')
    expect(other.errors.join('\n')).toContain('a deploy of v3 must wait until it is removed with mode: rollback')
    expect(world.writes().length).toBe(writes)
    const otherCanary = await canary({ version: 'v3' })
    expect(otherCanary.outputs.state).toBe('refused')
    expect(otherCanary.errors.join('\n')).toContain('remove it with mode: rollback')

    await runAction(world, { mode: 'rollback' })
    const v3 = await runAction(world, { mode: 'deploy', version: 'v3' })
    expect(v3.failed).toBe(false)
    expect(v3.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, version: 'v3' })
  })

  it('a canary that never gets healthy is removed again, the live group untouched', async () => {
    const { blue, green, snapshot } = setup()
    world.setVersionHealth('v2', 'unhealthy')
    const r = await canary()
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    expect(r.errors.join('\n')).toMatch(/Canary of v2 to prod-web aborted: .*Target\.ResponseCodeMismatch/)
    expect(world.group(green)).toMatchObject({ min: 0, desired: 0 })
    expect(liveSnapshot(blue)).toEqual(snapshot)
  })

  it('a canary with a bake: an alarm in ALARM removes the canary and fails naming it', async () => {
    const { blue, green, snapshot } = setup()
    world.addAlarm({ AlarmName: 'web-5xx' })
    world.setAlarmState('web-5xx', 'OK')
    let armed = true
    world.faults.beforeWrite = (op) => {
      if (op !== 'UpdateAutoScalingGroup' || !armed) return
      armed = false
      void world.clock.sleep(6 * 60_000).then(() => world.setAlarmState('web-5xx', 'ALARM', 'canary errors'))
    }
    const r = await canary({ 'bake-time': '10m', 'alarm-names': 'web-5xx' })
    world.faults.beforeWrite = undefined
    expect(r.failed).toBe(true)
    expect(r.outputs).toMatchObject({ state: 'rolled-back', 'bake-result': 'rolled-back', 'live-group': blue })
    expect(r.errors.join('\n')).toMatch(/^The canary of v2 on prod-web was rolled back automatically: prod-web-blue serves v1 again; prod-web-green is idle\. Why: it failed its bake after /)
    expect(r.errors.join('\n')).toContain('alarm web-5xx is in ALARM: canary errors')
    expect(world.group(green)).toMatchObject({ min: 0, desired: 0 })
    expect(liveSnapshot(blue)).toEqual(snapshot)
  })

  it("the summary does not claim an even split of the requests: it says what a Network Load Balancer without cross-zone load balancing does, zone by zone", async () => {
    world = newWorld()
    const { blue, green } = addService(world, { instances: 4 })
    world.setBaseline()
    const r = await canary({ 'canary-count': '1' })
    expect(r.outputs).toMatchObject({ state: 'canary', 'canary-share': '1 of 5' })
    const zoneOf = (id: string): string => world.instance(id).availabilityZone
    const canaryZone = zoneOf(inService(green)[0] ?? '')
    const zones = [...new Set([...inService(blue), ...inService(green)].map(zoneOf))].sort()
    expect(zones).toEqual(['us-east-1a', 'us-east-1b'])
    const byZone = zones
      .map((z) => `${z} ${z === canaryZone ? 1 : 0} of ${[...inService(blue), ...inService(green)].filter((id) => zoneOf(id) === z).length}`)
      .join(', ')
    expect(r.summary).toContain('hold 1 of 5 of the serving instances. That is its share of the requests where the load balancer spreads them over every target in every zone')
    expect(r.summary).toContain(`A Network Load Balancer without it (its default) gives each zone an equal part, split among that zone's targets only: by zone the canary holds ${byZone}.`)
    expect(r.summary).not.toContain('of the instances beside')
    expect(r.summary).toContain(`a canary of v2 takes 1 of 5 of the serving instances beside ${blue} (v1).`)
  })

  it('canary-count must be fewer than the live group serves with', async () => {
    setup()
    const r = await canary({ 'canary-count': '3' })
    expect(r.outputs.state).toBe('refused')
    expect(r.errors.join('\n')).toContain('canary-count 3 is not fewer than the 3 instance(s) prod-web-blue serves with')
  })
})

describe("the live group's capacity while a canary runs (its target tracking counts the canary's targets)", () => {
  /**
   * blue serves v1 with 6 instances (its own MinSize 2) and tracks 100 requests per target of prod-web; the
   * clients send 600 a minute. Every canary instance lowers blue's requests per target (packages/aws-sim
   * README, "Target tracking counts every target"), so without a hold blue scales in by as many.
   */
  function tracked(): Live {
    world = newWorld()
    const names = addService(world, { instances: 6, max: 10 })
    world.updateGroup(names.blue, { MinSize: 2 })
    const arn = world.targetGroupByName(names.tg).arn
    world.putScalingPolicy({
      AutoScalingGroupName: names.blue,
      PolicyName: 'requests',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: `app/web/1/${arn.slice(arn.indexOf('targetgroup/'))}` }, TargetValue: 100 }
    })
    world.setBaseline()
    world.setLoad(names.tg, 600)
    return { ...names, v1: inService(names.blue), snapshot: liveSnapshot(names.blue) }
  }

  it('the live group is held at its 6 instances for the whole canary, however long it runs', async () => {
    const { blue, green, tg } = tracked()
    const r = await canary({ 'canary-count': '2' })
    expect(r.outputs).toMatchObject({ state: 'canary', 'canary-share': '2 of 8' })
    world.advance(30 * 60_000)
    expect(world.group(blue)).toMatchObject({ min: 6, desired: 6 })
    expect(inService(blue)).toHaveLength(6)
    expect(world.group(green)).toMatchObject({ desired: 2 })
    expect(world.healthyCount(tg)).toBe(8)
    expect(world.group(blue).tags['blue-green:live-min']).toBe('2/6')
  })

  it('promotion sizes the new group to the 6 instances the live group had when the canary started, and cuts over with all of them', async () => {
    const { blue, green, tg } = tracked()
    await canary({ 'canary-count': '2' })
    world.advance(30 * 60_000)
    const promote = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(promote.failed).toBe(false)
    expect(promote.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, version: 'v2' })
    // The new group takes the owner's MinSize (2), not the hold, and the capacity blue had (6).
    expect(world.group(green)).toMatchObject({ min: 2, desired: 6, max: 10 })
    expect(world.healthyCount(tg)).toBe(6)
    expect(world.group(blue).tags['blue-green:live-capacity']).toBe('2/6/10')
  })

  it('removal keeps serving capacity: the live group still has its 6 when the canary leaves, and gets its own MinSize back after', async () => {
    const { blue, green, tg } = tracked()
    await canary({ 'canary-count': '2' })
    world.advance(30 * 60_000)
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.outputs).toMatchObject({ state: 'rolled-back', 'live-group': blue })
    expect(world.group(green)).toMatchObject({ min: 0, desired: 0 })
    expect(world.group(blue)).toMatchObject({ min: 2, desired: 6, max: 10 })
    expect(world.healthyCount(tg)).toBe(6)
    expect(markers(blue)).toEqual([])
  })
})
