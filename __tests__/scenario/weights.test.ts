// Weighted capacity and Spot (issue 11, item 3): a mixed instances group whose instance types carry weights
// (WeightedCapacity), or whose DesiredCapacityType is vcpu / memory-mib, counts capacity units, not
// instances. Deploy, finalize and rollback count units everywhere: readiness (healthy units ≥ wanted units;
// Auto Scaling may overshoot), the standby arithmetic and the capacity a rollback restores. Spot: a
// Capacity Rebalancing replacement during the health wait, and a Spot interruption of a standby instance.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/sim/index.js'
import type { DesiredCapacityType, InstanceTypeOverride } from '../../test-support/sim/models/weights.js'

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
  })
})
