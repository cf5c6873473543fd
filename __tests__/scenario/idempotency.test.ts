// SPEC invariant 6, per pair: in a run over several pairs, a pair already where the mode wants it is
// reported `unchanged` with a notice and never blocks the others; a killed rollback or finalize can be
// re-run to completion; only a finalized pair has nothing to roll back to, and says what to deploy.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { killAfter, killSnapshots } from '../../test-support/kill.js'
import { sampleNote, sweep, upTo } from '../../test-support/suite.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

/** Each of these re-runs the mode from every kill point in the exhaustive suite: a minute of CPU on a busy 2-core runner. */
const EXHAUSTIVE_KILL_TIMEOUT_MS = 240_000

let world: SimWorld
afterEach(() => world.assertNoViolations())

function twoServices(): SimWorld {
  world = newWorld()
  addService(world, { base: 'prod-api' })
  addService(world, { base: 'prod-web' })
  world.setBaseline()
  return world
}

function pairs(outputs: Record<string, string>): Record<string, { state: string; notice?: string; error?: string }> {
  return Object.fromEntries((JSON.parse(outputs.pairs ?? '[]') as { base: string; state: string }[]).map((p) => [p.base, p]))
}

function serves(w: SimWorld, group: string, version: string): boolean {
  const g = w.group(group)
  return g.desired > 0 && g.instances.filter((i) => i.lifecycle === 'InService' && i.version === version).length === g.desired
}

interface ReRun {
  k: number
  sample: string
  w: SimWorld
}

/**
 * A deploy of v2 over two services, then `mode` killed after each of its pair writes (a seeded sample; every
 * write in the exhaustive suite): `mode` re-run from each kill point must succeed with every pair in `arrived`.
 */
async function* reRunsAfterKills(mode: 'rollback' | 'finalize', arrived: RegExp): AsyncGenerator<ReRun> {
  const clean = twoServices()
  await runAction(clean, { mode: 'deploy', version: 'v2' })
  const kills = await killSnapshots(clean, mode, () => runAction(clean, { mode }))
  // A sweep with no kill point after the lock would prove nothing.
  expect(kills.total).toBeGreaterThan(1)
  const sample = sampleNote()
  for (const k of sweep(upTo(kills.total).slice(1), `idempotency: ${mode}`)) {
    const w = (world = kills.killedAfter(k))
    const again = await runAction(w, { mode })
    expect({ k, sample, failed: again.failed, errors: again.errors }).toEqual({ k, sample, failed: false, errors: [] })
    for (const base of ['prod-api', 'prod-web']) {
      expect({ k, sample, base, state: pairs(again.outputs)[base]?.state }).toEqual({ k, sample, base, state: expect.stringMatching(arrived) })
    }
    yield { k, sample, w }
  }
}

describe('rollback, per pair', () => {
  it('a rollback killed at any write re-runs to completion: finished pairs are unchanged, the rest roll back', async () => {
    for await (const { k, sample, w } of reRunsAfterKills('rollback', /^(rolled-back|unchanged)$/)) {
      for (const base of ['prod-api', 'prod-web']) {
        expect({ k, sample, base, v1: serves(w, `${base}-blue`, 'v1') }).toEqual({ k, sample, base, v1: true })
      }
      // Once every pair has arrived, a third run is a no-op for all of them.
      const third = await runAction(w, { mode: 'rollback' })
      expect({ k, sample, state: third.outputs.state, failed: third.failed }).toEqual({ k, sample, state: 'unchanged', failed: false })
    }
  }, EXHAUSTIVE_KILL_TIMEOUT_MS)

  it('a deploy killed before it changed the second pair: rollback restores the first, the second is unchanged', async () => {
    // Let the deploy write its lock and a few changes; pairs run in parallel, so find a kill point
    // where exactly one pair was changed.
    const clean = twoServices()
    const kills = await killSnapshots(clean, 'deploy', () => runAction(clean, { mode: 'deploy', version: 'v2' }))
    let checked = 0
    for (let k = 1; k < kills.total && checked === 0; k++) {
      const w = (world = kills.killedAfter(k))
      const touched = ['prod-api', 'prod-web'].filter((b) => w.group(`${b}-green`).tags['blue-green:idle-capacity'] !== undefined)
      if (touched.length !== 1) continue
      checked++
      const back = await runAction(w, { mode: 'rollback' })
      expect(back.failed).toBe(false)
      const states = pairs(back.outputs)
      const untouched = touched[0] === 'prod-api' ? 'prod-web' : 'prod-api'
      expect(states[touched[0] as string]?.state).toBe('rolled-back')
      expect(states[untouched]).toMatchObject({ state: 'unchanged', notice: expect.stringMatching(/serves v1 .*nothing to roll back/) })
      expect(serves(w, 'prod-api-blue', 'v1') && serves(w, 'prod-web-blue', 'v1')).toBe(true)
    }
    expect(checked).toBe(1)
  })

  it('a rollback after a deploy killed before its first change (only its lock written) succeeds: v1 serves', async () => {
    const w = twoServices()
    const revive = killAfter(w, 1) // the lock (with the attempt record) lands, the first change does not
    const killed = await runAction(w, { mode: 'deploy', version: 'v2' })
    revive()
    expect(killed.failed).toBe(true)
    expect(w.group('prod-api-green').desired + w.group('prod-web-green').desired).toBe(0)
    const back = await runAction(w, { mode: 'rollback' })
    expect({ failed: back.failed, state: back.outputs.state }).toEqual({ failed: false, state: 'unchanged' })
  })

  it('after finalize a pair cannot be rolled back: it fails naming the version to deploy, the other pair still rolls back', async () => {
    const w = twoServices()
    await runAction(w, { mode: 'deploy', version: 'v2' })
    // Finalize only prod-api: hide prod-web from discovery for that run.
    w.createOrUpdateTags([{ ResourceId: 'prod-web-blue', Key: 'docker:image:name', Value: 'hidden' }, { ResourceId: 'prod-web-green', Key: 'docker:image:name', Value: 'hidden' }])
    expect((await runAction(w, { mode: 'finalize' })).outputs.state).toBe('finalized')
    w.createOrUpdateTags([{ ResourceId: 'prod-web-blue', Key: 'docker:image:name', Value: 'web' }, { ResourceId: 'prod-web-green', Key: 'docker:image:name', Value: 'web' }])

    const back = await runAction(w, { mode: 'rollback' })
    expect(back.failed).toBe(true)
    const states = pairs(back.outputs)
    expect(states['prod-web']?.state).toBe('rolled-back')
    expect(states['prod-api']).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/prod-api: nothing to roll back: the deployment of v2 was finalized .*To go back, deploy the previous version: v1\./)
    })
    expect(back.log).toMatch(/^Result: rollback: 1 of 2 pairs failed \(prod-api\), 1 of 2 pairs rolled-back \(prod-web\)\.$/m)
    expect(serves(w, 'prod-web-blue', 'v1')).toBe(true)
    expect(serves(w, 'prod-api-green', 'v2')).toBe(true)
  })
})

describe('finalize, per pair', () => {
  it('a finalize killed at any write re-runs to completion; finished pairs are unchanged', async () => {
    for await (const { k, sample, w } of reRunsAfterKills('finalize', /^(finalized|unchanged)$/)) {
      for (const base of ['prod-api', 'prod-web']) {
        expect({ k, sample, base, blue: w.group(`${base}-blue`).instances.filter((i) => i.lifecycle !== 'Terminated').length }).toEqual({ k, sample, base, blue: 0 })
      }
      expect(w.lostInstances()).toEqual([])
    }
  }, EXHAUSTIVE_KILL_TIMEOUT_MS)
})
