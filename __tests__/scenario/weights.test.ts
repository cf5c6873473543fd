// Weighted capacity and Spot (issue 11, item 3): a mixed instances group whose instance types carry weights
// (WeightedCapacity), or whose DesiredCapacityType is vcpu / memory-mib, counts capacity units, not
// instances. Deploy, finalize and rollback count units everywhere: readiness (healthy units ≥ wanted units;
// Auto Scaling may overshoot), the standby arithmetic and the capacity a rollback restores. Spot: a
// Capacity Rebalancing replacement during the health wait, and a Spot interruption of a standby instance.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import type { DesiredCapacityType, InstanceTypeOverride } from '../../packages/aws-sim/src/index.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

/** c5.large counts 1 unit, c5.xlarge 2, c5.2xlarge 4; launches take the types in turn. */
const WEIGHTED: InstanceTypeOverride[] = [
  { instanceType: 'c5.large', weight: 1 },
  { instanceType: 'c5.xlarge', weight: 2 },
  { instanceType: 'c5.2xlarge', weight: 4 }
]

interface Pair {
  blue: string
  green: string
  tg: string
}

function setup(o: { units?: number; max?: number; instanceTypes?: InstanceTypeOverride[]; desiredCapacityType?: DesiredCapacityType; capacityRebalance?: boolean } = {}): Pair {
  world = newWorld()
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  const units = o.units ?? 8
  const common = {
    max: o.max ?? 24,
    targetGroups: ['prod-web'],
    instanceTypes: o.instanceTypes ?? WEIGHTED,
    ...(o.desiredCapacityType ? { desiredCapacityType: o.desiredCapacityType } : {}),
    ...(o.capacityRebalance ? { capacityRebalance: true } : {})
  }
  world.addGroup({ name: 'prod-web-blue', min: units, desired: units, running: true, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, ...common })
  world.addGroup({ name: 'prod-web-green', min: 0, desired: 0, tags: { 'docker:image:name': 'web' }, ...common })
  return { blue: 'prod-web-blue', green: 'prod-web-green', tg: 'prod-web' }
}

function inService(name: string): string[] {
  return world
    .group(name)
    .instances.filter((i) => i.lifecycle === 'InService')
    .map((i) => i.id)
    .sort()
}

function units(ids: string[]): number {
  return ids.reduce((n, id) => n + world.instance(id).weight, 0)
}

describe('weighted capacity (instance weights 1, 2 and 4)', () => {
  it('deploy becomes ready when the new group serves the live group\'s units (not its instance count), cuts over, and says units', async () => {
    const { blue, green, tg } = setup()
    const v1 = inService(blue)
    expect(units(v1)).toBe(8)
    expect(v1).toHaveLength(4) // 1 + 2 + 4 + 1
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m' })
    expect(r.errors).toEqual([])
    expect(r.failed).toBe(false)
    expect(r.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, version: 'v2' })
    const v2 = inService(green)
    expect(units(v2)).toBeGreaterThanOrEqual(8)
    expect(world.healthyUnits(tg)).toBe(units(v2))
    expect(world.group(blue).instances.every((i) => i.lifecycle === 'Standby' || i.lifecycle === 'EnteringStandby')).toBe(true)
    // The old group was decremented by its instances' weights: nothing of it counts any more.
    expect(world.group(blue)).toMatchObject({ desired: 0 })
    expect(r.summary).toContain('8 / 8 / 24 capacity unit(s)')
  })

  it('finalize retires the standby instances and leaves the old group idle', async () => {
    const { blue, green, tg } = setup()
    expect((await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m' })).outputs.state).toBe('awaiting-finalize')
    const v2 = inService(green)
    const r = await runAction(world, { mode: 'finalize' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'finalized' })
    expect(world.group(blue).instances.filter((i) => i.lifecycle !== 'Terminated')).toEqual([])
    expect(world.group(blue)).toMatchObject({ min: 0, desired: 0 })
    expect(inService(green)).toEqual(v2)
    expect(world.healthyUnits(tg)).toBeGreaterThanOrEqual(8)
    expect(world.lostInstances()).toEqual([])
  })

  it('rollback returns the very same old instances (ExitStandby adds their weights back), restores 8 units and waits until they are healthy', async () => {
    const { blue, green, tg } = setup()
    const v1 = inService(blue)
    expect((await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m' })).outputs.state).toBe('awaiting-finalize')
    world.advance(310_000) // the drain: the old instances reach Standby
    const r = await runAction(world, { mode: 'rollback' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'rolled-back' })
    expect(inService(blue)).toEqual(v1)
    expect(world.group(blue)).toMatchObject({ min: 8, desired: 8 })
    expect(world.healthyUnits(tg)).toBe(8)
    expect(world.group(green)).toMatchObject({ desired: 0 })
    // Auto Scaling had nothing to launch: the exits alone made up the 8 units.
    expect(world.group(blue).instances).toHaveLength(4)
  })

  it('an overshooting group (6 units wanted, two 4-unit instances launched) deploys and rolls back to its 6 units', async () => {
    const { blue, green, tg } = setup({ units: 6, instanceTypes: [{ instanceType: 'c5.2xlarge', weight: 4 }] })
    expect(units(inService(blue))).toBe(8) // the last launch overshoots by less than its weight
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m' })
    expect({ failed: deploy.failed, errors: deploy.errors, state: deploy.outputs.state }).toEqual({ failed: false, errors: [], state: 'awaiting-finalize' })
    expect(units(inService(green))).toBeGreaterThanOrEqual(6)
    world.advance(310_000)
    const r = await runAction(world, { mode: 'rollback' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'rolled-back' })
    expect(world.group(blue)).toMatchObject({ min: 6, desired: 6 })
    expect(world.healthyUnits(tg)).toBeGreaterThanOrEqual(6)
  })

  it('status shows the units each group serves', async () => {
    setup()
    const r = await runAction(world, { mode: 'status' })
    expect(r.failed).toBe(false)
    expect(r.summary).toContain('v1 serves from prod-web-blue (4 instances, 8 capacity unit(s)); prod-web-green is idle')
  })

  it('a canary of canary-count units: 2 units of the new version beside the 8 live units', async () => {
    const { green } = setup()
    const r = await runAction(world, { mode: 'canary', version: 'v2', 'canary-count': '2' })
    expect({ failed: r.failed, errors: r.errors }).toEqual({ failed: false, errors: [] })
    expect(world.group(green)).toMatchObject({ min: 2, desired: 2 })
    expect(units(inService(green))).toBeGreaterThanOrEqual(2)
    expect(r.outputs['canary-share']).toBe(`${units(inService(green))} of ${units(inService(green)) + 8} capacity unit(s)`)
  })
})

describe('DesiredCapacityType vcpu (each instance counts its vCPUs)', () => {
  it('deploys 16 vCPUs of the new version and rolls back to the 16 vCPUs of the old one', async () => {
    const { blue, green, tg } = setup({
      units: 16,
      max: 64,
      instanceTypes: [{ instanceType: 'c5.large' }, { instanceType: 'c5.xlarge' }, { instanceType: 'c5.2xlarge' }],
      desiredCapacityType: 'vcpu'
    })
    const v1 = inService(blue)
    expect(v1.map((id) => world.instance(id).weight)).toEqual(expect.arrayContaining([2, 4, 8]))
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m' })
    expect({ failed: deploy.failed, errors: deploy.errors, state: deploy.outputs.state }).toEqual({ failed: false, errors: [], state: 'awaiting-finalize' })
    expect(units(inService(green))).toBeGreaterThanOrEqual(16)
    expect(deploy.summary).toContain('vCPU(s)')
    world.advance(310_000)
    const r = await runAction(world, { mode: 'rollback' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'rolled-back' })
    expect(inService(blue)).toEqual(v1)
    expect(world.group(blue)).toMatchObject({ desired: 16 })
    expect(world.healthyUnits(tg)).toBe(16)
  })
})

describe('Spot', () => {
  it('a Capacity Rebalancing replacement during the health wait: the deploy waits for the replacement and completes', async () => {
    const { green, tg } = setup({ capacityRebalance: true })
    const run = runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m' })
    // Once the first new instance serves, EC2 flags it at risk: Auto Scaling launches its replacement,
    // then terminates it once the replacement is InService.
    let atRisk: string | undefined
    for (let n = 0; n < 60 && !atRisk; n++) {
      await world.clock.sleep(5_000)
      atRisk = world.group(green).instances.find((i) => i.lifecycle === 'InService')?.id
    }
    expect(atRisk).toBeDefined()
    const replacement = world.rebalanceSpot(atRisk as string)
    const r = await run
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'awaiting-finalize' })
    world.advance(60_000)
    expect(inService(green)).toContain(replacement.id)
    expect(inService(green)).not.toContain(atRisk)
    expect(units(inService(green))).toBeGreaterThanOrEqual(8)
    expect(world.healthyUnits(tg)).toBeGreaterThanOrEqual(8)
  })

  it('a Spot interruption of a standby instance, then rollback: the rest come back, Auto Scaling replaces the lost units, 8 units serve again', async () => {
    const { blue, green, tg } = setup()
    expect((await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m' })).outputs.state).toBe('awaiting-finalize')
    world.advance(310_000)
    // The 4-unit instance is reclaimed while in Standby (EC2 terminates it; Auto Scaling still lists it).
    const big = world.group(blue).instances.find((i) => i.lifecycle === 'Standby' && world.instance(i.id).weight === 4)?.id as string
    expect(big).toBeDefined()
    world.terminateBehindOurBack(big)
    world.advance(world.ec2ForgetMs + 60_000)
    expect(world.group(blue).instances.find((i) => i.id === big)?.lifecycle).toBe('Standby')
    const r = await runAction(world, { mode: 'rollback', 'health-timeout': '15m' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'rolled-back' })
    expect(world.group(blue).instances.map((i) => i.id)).not.toContain(big)
    expect(world.group(blue)).toMatchObject({ min: 8, desired: 8 })
    expect(units(inService(blue))).toBeGreaterThanOrEqual(8)
    expect(world.healthyUnits(tg)).toBeGreaterThanOrEqual(8)
    expect(world.group(green)).toMatchObject({ desired: 0 })
    expect(world.lostInstances()).toEqual([])
  })
})

describe('two colors that count capacity differently (the deploy copies the live group\'s sizes onto the idle one)', () => {
  type Counting = { instanceTypes?: InstanceTypeOverride[]; desiredCapacityType?: DesiredCapacityType }
  function pair(blue: Counting, green: Counting): void {
    world = newWorld()
    world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    const common = { max: 24, targetGroups: ['prod-web'] }
    world.addGroup({ name: 'prod-web-blue', min: 8, desired: 8, running: true, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, ...common, ...blue })
    world.addGroup({ name: 'prod-web-green', min: 0, desired: 0, tags: { 'docker:image:name': 'web' }, ...common, ...green })
  }

  it.each([
    ['live counts instances, idle weighs c5.2xlarge 4', {}, { instanceTypes: [{ instanceType: 'c5.2xlarge', weight: 4 }] }, /prod-web-blue counts its capacity in instances \(no weights\) and prod-web-green in capacity units \(WeightedCapacity c5\.2xlarge=4\)/],
    ['both weighted, with other weights', { instanceTypes: WEIGHTED }, { instanceTypes: [{ instanceType: 'c5.large', weight: 2 }, { instanceType: 'c5.xlarge', weight: 4 }, { instanceType: 'c5.2xlarge', weight: 8 }] }, /in capacity units \(WeightedCapacity c5\.2xlarge=4, c5\.large=1, c5\.xlarge=2\) and prod-web-green in capacity units \(WeightedCapacity c5\.2xlarge=8, c5\.large=2, c5\.xlarge=4\)/],
    ['live counts vCPUs, idle counts instances', { instanceTypes: [{ instanceType: 'c5.xlarge' }], desiredCapacityType: 'vcpu' as const }, { instanceTypes: [{ instanceType: 'c5.xlarge' }] }, /prod-web-blue counts its capacity in vCPUs \(DesiredCapacityType vcpu\) and prod-web-green in instances/]
  ])('%s: refused before anything is written, naming both groups, their units and what to change', async (_, blue: Counting, green: Counting, message: RegExp) => {
    pair(blue, green)
    const writes = world.writes().length
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('refused')
    const error = r.errors.join('\n')
    expect(error).toMatch(message)
    expect(error).toContain('min 8 / desired 8 / max 24')
    expect(error).toContain('Give prod-web-green the same DesiredCapacityType and the same WeightedCapacity for each instance type as prod-web-blue')
    expect(world.writes().length).toBe(writes)
    expect(world.group('prod-web-green')).toMatchObject({ desired: 0, instances: [] })
  })

  it('the same weights on both colors deploy as before', async () => {
    pair({ instanceTypes: WEIGHTED }, { instanceTypes: [...WEIGHTED].reverse() })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
  })
})
