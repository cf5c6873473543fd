// Issue 20, invariant 6 for a pair that moves traffic by weights: a run killed at any write (between two
// listener writes too) converges when run again, and a rollback from any of those points gives v1 all the
// weight of every forward again; finalize and rollback killed anywhere converge as well. The tick checks
// (test-support/invariants.ts and the simulator's) hold in between.
import { describe, expect, it } from '@jest/globals'
import { LISTENER_PROPAGATION_MS } from '../../packages/aws-sim/src/index.js'
import { runAction } from '../../test-support/harness.js'
import { killSnapshots } from '../../test-support/kill.js'
import { sampleNote, sweep, upTo } from '../../test-support/suite.js'
import { addWeightedService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

const EXHAUSTIVE_KILL_TIMEOUT_MS = 240_000
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

function scene(): { world: SimWorld; forwards: string[] } {
  const world = newWorld()
  const { listeners, rules } = addWeightedService(world, { instances: 3, secondListener: true, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  world.setBaseline()
  return { world, forwards: [...listeners, ...rules] }
}

/**
 * Every forward gives `live` all the weight, and `live` serves `version` from its full capacity. A run may end
 * right after its last weight write: the listener applies it within its propagation lag, so look after that.
 */
function expectServing(world: SimWorld, forwards: string[], live: string, version: string): void {
  const other = live === BLUE ? GREEN : BLUE
  world.advance(LISTENER_PROPAGATION_MS[1])
  for (const arn of forwards) expect({ arn, weights: world.forwardWeights(arn) }).toEqual({ arn, weights: { [live]: 1, [other]: 0 } })
  const g = world.group(live)
  expect(g.instances.filter((i) => i.lifecycle === 'InService' && i.version === version)).toHaveLength(g.desired)
  expect(world.lostInstances()).toEqual([])
  world.assertNoViolations()
}

function markers(world: SimWorld, group: string): string[] {
  return Object.keys(world.group(group).tags).filter((k) => k.startsWith('blue-green:') && k !== 'blue-green:lock' && k !== 'blue-green:last-run')
}

describe('a weights pair killed at every write', () => {
  it('deploy converges when run again, and rolls back from any point', async () => {
    const clean = scene()
    const kills = await killSnapshots(clean.world, 'deploy', () => runAction(clean.world, { mode: 'deploy', version: 'v2' }))
    // Among the writes: the two ModifyListener and the ModifyRule.
    expect(kills.total).toBeGreaterThanOrEqual(8)
    const sample = sampleNote()
    for (const k of sweep(upTo(kills.total), 'traffic-switch: deploy')) {
      const a = kills.killedAfter(k)
      const again = await runAction(a, { mode: 'deploy', version: 'v2' })
      expect({ k, sample, state: again.outputs.state }).toEqual({ k, sample, state: 'awaiting-finalize' })
      expectServing(a, clean.forwards, GREEN, 'v2')

      const b = kills.killedAfter(k)
      const rollback = await runAction(b, { mode: 'rollback' })
      expect({ k, sample, failed: rollback.failed }).toEqual({ k, sample, failed: false })
      expectServing(b, clean.forwards, BLUE, 'v1')
      expect(b.group(BLUE)).toMatchObject({ min: 3, desired: 3, suspendedProcesses: [] })
      expect(b.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
      expect([...markers(b, BLUE), ...markers(b, GREEN)]).toEqual([])
    }
  }, EXHAUSTIVE_KILL_TIMEOUT_MS)

  it('finalize and rollback converge from every kill point', async () => {
    for (const mode of ['finalize', 'rollback'] as const) {
      const clean = scene()
      await runAction(clean.world, { mode: 'deploy', version: 'v2' })
      const kills = await killSnapshots(clean.world, mode, () => runAction(clean.world, { mode }))
      const sample = sampleNote()
      for (const k of sweep(upTo(kills.total), `traffic-switch: ${mode}`)) {
        const w = kills.killedAfter(k)
        const again = await runAction(w, { mode })
        expect({ k, sample, mode, state: again.outputs.state }).toEqual({ k, sample, mode, state: mode === 'finalize' ? 'finalized' : 'rolled-back' })
        if (mode === 'finalize') {
          expectServing(w, clean.forwards, GREEN, 'v2')
          w.advance(10 * 60_000)
          expect(w.group(BLUE)).toMatchObject({ min: 0, desired: 0, instances: [], suspendedProcesses: [] })
        } else {
          expectServing(w, clean.forwards, BLUE, 'v1')
        }
      }
    }
  }, EXHAUSTIVE_KILL_TIMEOUT_MS)
})
