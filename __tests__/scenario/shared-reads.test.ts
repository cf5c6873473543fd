// Issue 22: one run reads what it can once. Several pairs' group reads go out together (aws/coalesce.ts, on the
// poll grid of run/poll.ts); policies and lifecycle hooks are read once per group, again after the run's own
// moves; scheduled actions at every look while a group has any (AWS deletes a one-time action once it ran);
// scaling activities and instance refreshes at discovery only in a deploy (its pre-flight refuses a busy group),
// refreshes after pre-flight only in a deploy too, and only of groups with InService instances.
import { afterEach, describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling'
import { runAction } from '../../test-support/harness.js'
import { addService, cpuTargetPolicy, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

const PAIRS = 6

function fleet(): SimWorld {
  const w = newWorld({ seed: 3 })
  for (let n = 0; n < PAIRS; n++) addService(w, { base: `prod-svc${n}`, instances: 2, targetGroups: [`prod-svc${n}`] })
  w.setBaseline()
  return w
}

/** The calls of `operation` made since call number `from`. */
function count(w: SimWorld, operation: string, from = 0): number {
  return w.calls.slice(from).filter((c) => c.operation === operation).length
}

describe('one run of several pairs', () => {
  it('deploy: each group\'s policies, scheduled actions and hooks are read once, and the health waits share their group reads', async () => {
    world = fleet()
    const r = await runAction(world, { prefix: 'prod-svc', mode: 'deploy', version: 'v2' })
    expect(r.errors).toEqual([])
    expect((JSON.parse(r.outputs.pairs ?? '[]') as { state: string }[]).map((p) => p.state)).toEqual(Array(PAIRS).fill('awaiting-finalize'))
    for (const op of ['DescribePolicies', 'DescribeScheduledActions', 'DescribeLifecycleHooks']) expect({ op, calls: count(world, op) }).toEqual({ op, calls: 2 * PAIRS })
    // Every look of a wait reads each pair's target group once; the pairs' group reads of the same moment are one call.
    const groupReads = count(world, 'DescribeAutoScalingGroups')
    const healthReads = count(world, 'DescribeTargetHealth')
    expect(healthReads).toBeGreaterThan(10 * PAIRS)
    expect(groupReads).toBeLessThan(healthReads / 2)
    const names = world.calls.filter((c) => c.operation === 'DescribeAutoScalingGroups').map((c) => ((c.params as { AutoScalingGroupNames?: string[] }).AutoScalingGroupNames ?? []).length)
    expect(Math.max(...names)).toBeGreaterThanOrEqual(2 * PAIRS)
  }, 120_000)

  it('only a deploy reads scaling activities and instance refreshes before its first write (its pre-flight refuses a busy group); rollback, finalize and status never read a refresh', async () => {
    world = fleet()
    await runAction(world, { prefix: 'prod-svc', mode: 'deploy', version: 'v2' })
    world.advance(310_000)
    for (const mode of ['status', 'rollback', 'deploy', 'finalize'] as const) {
      const from = world.calls.length
      const r = await runAction(world, { prefix: 'prod-svc', mode, ...(mode === 'deploy' ? { version: 'v2' } : {}) })
      expect({ mode, errors: r.errors }).toEqual({ mode, errors: [] })
      const firstWrite = world.calls.findIndex((c, i) => i >= from && !/^Describe/.test(c.operation))
      const beforeWrite = mode === 'status' ? world.calls.length : firstWrite
      expect({ mode, firstWrite: firstWrite >= 0 }).toEqual({ mode, firstWrite: mode !== 'status' })
      const busyReads = (op: string) => world.calls.slice(from, beforeWrite).filter((c) => c.operation === op).length
      const refreshes = count(world, 'DescribeInstanceRefreshes', from)
      if (mode === 'deploy') {
        // Pre-flight reads both of each pair's groups; later looks read the refreshes of the serving groups.
        expect({ activities: busyReads('DescribeScalingActivities'), refreshes: busyReads('DescribeInstanceRefreshes') }).toEqual({ activities: 2 * PAIRS, refreshes: 2 * PAIRS })
        expect(refreshes).toBeGreaterThan(2 * PAIRS)
      } else {
        expect({ mode, activities: busyReads('DescribeScalingActivities'), refreshes }).toEqual({ mode, activities: 0, refreshes: 0 })
      }
      world.advance(310_000)
    }
  }, 180_000)
})

describe('the policies a deploy moves', () => {
  it('are read again after the move, so the deploy sees them on the new group and ends', async () => {
    world = newWorld({ seed: 3 })
    const { blue, green } = addService(world)
    const aws = simClients(world)
    await aws.autoScaling.send(new PutScalingPolicyCommand(cpuTargetPolicy(blue)))
    aws.destroy()
    world.setBaseline()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(world.group(green).policies.map((p) => p.name)).toEqual(['cpu-target-50'])
    expect(world.group(blue).policies.map((p) => p.name)).toEqual([])
    // Read once before the move, and after it until a read shows it.
    expect(count(world, 'DescribePolicies')).toBeGreaterThan(2)
  }, 60_000)
})
