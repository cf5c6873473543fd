// SPEC invariant 7 at scale: the pair locks are tags, and Auto Scaling takes at most 25 tags per
// CreateOrUpdateTags / DeleteTags call. A run over many pairs takes every lock (in as many calls as it
// takes), or none: a lock write that fails half-way gives back the locks that landed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { EXHAUSTIVE } from '../../test-support/suite.js'

const LOCK_TAG = 'blue-green:lock'
// More than one lock call in every mode: a deploy writes 2 tags per pair, a finalize 1, at most 25 a call.
const PAIRS = 30
/**
 * A deploy and a finalize over 60 groups take about 50 s of CPU on this project's 2-core machine when it is
 * quiet (simulator and SDK, in virtual time); beside the kill sweeps of the exhaustive suite it took over 300 s.
 * The bench (npm run bench) measures 50 pairs; issue 22 (one observation per poll for the whole run) makes it faster.
 */
const MANY_PAIRS_TIMEOUT_MS = 600_000

let world: SimWorld
afterEach(() => world.assertNoViolations())

const basesOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `prod-svc${String(i).padStart(2, '0')}`)
let bases = basesOf(PAIRS)

function manyServices(n = PAIRS): SimWorld {
  world = newWorld()
  bases = basesOf(n)
  for (const base of bases) addService(world, { base, instances: 1, max: 2 })
  world.setBaseline()
  return world
}

function pairs(outputs: Record<string, string>): Record<string, { state: string; error?: string }> {
  return Object.fromEntries((JSON.parse(outputs.pairs ?? '[]') as { base: string; state: string }[]).map((p) => [p.base, p]))
}

/** The groups that carry a lock tag now. */
function locked(w: SimWorld): string[] {
  return bases.flatMap((b) => [`${b}-blue`, `${b}-green`]).filter((g) => w.group(g).tags[LOCK_TAG] !== undefined)
}

/** The CreateOrUpdateTags / DeleteTags calls AWS refused, with why. */
function refusedTagCalls(w: SimWorld): string[] {
  return w.calls.filter((c) => (c.operation === 'CreateOrUpdateTags' || c.operation === 'DeleteTags') && !c.ok).map((c) => `${c.operation}: ${c.error ?? ''}`)
}

describe('more pairs than one tag call can lock', () => {
  // A scale sweep (about 50 s of CPU): in the exhaustive suite only; the 13-pair tests below keep two lock calls in npm test.
  ;(EXHAUSTIVE ? it : it.skip)(`a deploy over ${PAIRS} pairs takes every lock, deploys every pair, and gives every lock back`, async () => {
    const w = manyServices()
    const r = await runAction(w, { mode: 'deploy', version: 'v2' })
    expect(r.errors).toEqual([])
    expect(r.failed).toBe(false)
    const states = pairs(r.outputs)
    expect(Object.keys(states)).toHaveLength(PAIRS)
    for (const base of bases) expect({ base, state: states[base]?.state }).toEqual({ base, state: 'awaiting-finalize' })
    for (const base of bases) expect(w.group(`${base}-green`).instances.map((i) => [i.lifecycle, i.version])).toEqual([['InService', 'v2']])
    expect(locked(w)).toEqual([])
    expect(refusedTagCalls(w)).toEqual([])
    // And the next decision over all of them takes the locks again.
    const f = await runAction(w, { mode: 'finalize' })
    expect(f.failed).toBe(false)
    for (const base of bases) expect({ base, state: pairs(f.outputs)[base]?.state }).toEqual({ base, state: 'finalized' })
    expect(locked(w)).toEqual([])
    expect(refusedTagCalls(w)).toEqual([])
    expect(w.lostInstances()).toEqual([])
  }, MANY_PAIRS_TIMEOUT_MS)
})

describe('a lock write that fails half-way', () => {
  it('13 pairs (two lock calls): the second call fails, the locks of the first are given back, nothing else is written', async () => {
    const w = manyServices(13)
    let lockCalls = 0
    w.faults.beforeWrite = (operation) => {
      if (operation === 'CreateOrUpdateTags' && ++lockCalls > 1) throw new Error('connection reset')
    }
    const r = await runAction(w, { mode: 'deploy', version: 'v2' })
    w.faults.beforeWrite = undefined
    expect(r.failed).toBe(true)
    expect(r.errors.join('\n')).toMatch(/Could not take the pair locks \(blue-green:lock on prod-svc00-blue, .*prod-svc12-blue\): .*CreateOrUpdateTags on prod-svc12-blue \(call 2 of 2\) failed.*the calls before it had written the tags of prod-svc00-blue, .*prod-svc11-blue\)/)
    expect(r.errors.join('\n')).toMatch(/The locks it had written were removed again, and nothing else was changed\. Re-run the job/)
    expect(locked(w)).toEqual([])
    // Only the lock's tags were written, and none of them stayed.
    expect([...new Set(w.writes().map((c) => c.operation))].sort()).toEqual(['CreateOrUpdateTags', 'DeleteTags'])
    for (const base of bases) expect({ base, desired: w.group(`${base}-green`).desired }).toEqual({ base, desired: 0 })
    // A re-run takes every lock and deploys.
    const again = await runAction(w, { mode: 'deploy', version: 'v2' })
    expect(again.failed).toBe(false)
    for (const base of bases) expect({ base, state: pairs(again.outputs)[base]?.state }).toEqual({ base, state: 'awaiting-finalize' })
    expect(locked(w)).toEqual([])
  }, MANY_PAIRS_TIMEOUT_MS)
})
