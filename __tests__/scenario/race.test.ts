// SPEC invariant 7 when writes reach AWS seconds late (an SDK retry after a 5xx or throttling, a slow
// link): two releases on one pair never both succeed, a run that sees another run's lock stops writing at
// once, a run never carries on a deployment it did not start, and no run reports success for a version
// that does not serve. If neither finishes, rollback restores the pair.
import { afterEach, describe, expect, it } from '@jest/globals'
import { type ActionRun, runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
let world: SimWorld
afterEach(() => world.assertNoViolations())

function runEnv(runId: string): Record<string, string> {
  return { GITHUB_REPOSITORY: 'octo-org/web', GITHUB_RUN_ID: runId, GITHUB_SERVER_URL: 'https://github.com' }
}
const url = (runId: string): string => `https://github.com/octo-org/web/actions/runs/${runId}`

/** One run's own verdict (both runs share this process's output files, so read each run's result). */
function verdict(r: ActionRun): { state: string; why: string } {
  const refusals = r.result?.refusals ?? []
  if (refusals.length > 0) return { state: 'refused', why: refusals.join('\n') }
  const o = r.result?.outcomes[0]
  return { state: o?.state ?? 'crashed', why: o?.error ?? '' }
}

function servingVersions(): string[] {
  const versions = new Set<string>()
  for (const g of [BLUE, GREEN]) {
    for (const i of world.group(g).instances) {
      const healthy = world.targetStates('prod-web').some((t) => t.id === i.id && t.state === 'healthy')
      if (i.lifecycle === 'InService' && healthy) versions.add(i.version ?? '?')
    }
  }
  return [...versions].sort()
}

async function race(o: { delayedRun: 'a' | 'b'; delayMs: number; staggerMs: number }): Promise<{ a: ActionRun; b: ActionRun }> {
  world = newWorld()
  addService(world, { instances: 3 })
  world.setBaseline()
  const slow = world.handler({ writeDelayMs: o.delayMs })
  const handlerOf = (who: 'a' | 'b'): { requestHandler?: SimWorld['requestHandler'] } => (o.delayedRun === who ? { requestHandler: slow } : {})
  const [a, b] = await Promise.all([
    runAction(world, { mode: 'deploy', version: 'v2' }, { env: runEnv('51'), ...handlerOf('a') }),
    world.clock.sleep(o.staggerMs).then(() => runAction(world, { mode: 'deploy', version: 'v3' }, { env: runEnv('52'), ...handlerOf('b') }))
  ])
  return { a, b }
}

const CASES = [
  { delayedRun: 'b', delayMs: 1_000, staggerMs: 0 },
  { delayedRun: 'b', delayMs: 5_000, staggerMs: 0 },
  { delayedRun: 'b', delayMs: 8_000, staggerMs: 1_000 },
  { delayedRun: 'a', delayMs: 5_000, staggerMs: 0 },
  { delayedRun: 'a', delayMs: 3_000, staggerMs: 2_000 },
  { delayedRun: 'b', delayMs: 3_000, staggerMs: 4_000 },
  { delayedRun: 'a', delayMs: 8_000, staggerMs: 10_000 }
] as const

describe('two deploys of different versions race on one pair, one run\'s writes arriving late', () => {
  it.each(CASES)('run $delayedRun delayed $delayMs ms, run b started $staggerMs ms later: at most one succeeds, and what it reports serves', async (c) => {
    const { a, b } = await race(c)
    const va = verdict(a)
    const vb = verdict(b)
    const winners = [
      { v: va, version: 'v2' },
      { v: vb, version: 'v3' }
    ].filter((x) => x.v.state === 'awaiting-finalize')
    expect(winners.length).toBeLessThanOrEqual(1)
    for (const [mine, otherUrl] of [
      [va, url('52')],
      [vb, url('51')]
    ] as const) {
      if (mine.state === 'awaiting-finalize') continue
      // The loser names the run that holds the pair (or the deployment it found in its way). A loser that
      // holds the pair when it finds the other run's instances in its group aborts: the pair goes back to rest.
      expect(mine.state).toMatch(/^(refused|failed|aborted)$/)
      expect(mine.why).toMatch(new RegExp(`${otherUrl.replace(/[/.]/g, '\\$&')}|a deployment of v[23]|another run`))
    }
    const winner = winners[0]
    if (winner) {
      // Success is reported only for the version that serves, and only it serves.
      expect(servingVersions()).toEqual([winner.version])
    } else {
      // Neither finished: rollback (a third run) restores the previous version.
      const back = await runAction(world, { mode: 'rollback' }, { env: runEnv('53') })
      expect(verdict(back)).toEqual({ state: expect.stringMatching(/^(rolled-back|unchanged)$/), why: '' })
      expect(servingVersions()).toEqual(['v1'])
    }
    expect(world.lostInstances()).toEqual([])
  })
})

describe('a finalize and a rollback race on a pair awaiting a decision, one run\'s writes arriving late', () => {
  const DECISIONS = [
    { delayedRun: 'finalize', delayMs: 5_000 },
    { delayedRun: 'rollback', delayMs: 5_000 },
    { delayedRun: 'finalize', delayMs: 8_000 },
    { delayedRun: 'rollback', delayMs: 2_000 }
  ] as const
  it.each(DECISIONS)('$delayedRun delayed $delayMs ms: at most one succeeds, and the pair is where it says', async (c) => {
    world = newWorld()
    addService(world, { instances: 3 })
    expect(verdict(await runAction(world, { mode: 'deploy', version: 'v2' }, { env: runEnv('50') })).state).toBe('awaiting-finalize')
    world.advance(10_000)
    const slow = world.handler({ writeDelayMs: c.delayMs })
    const [f, r] = await Promise.all([
      runAction(world, { mode: 'finalize' }, { env: runEnv('61'), ...(c.delayedRun === 'finalize' ? { requestHandler: slow } : {}) }),
      runAction(world, { mode: 'rollback' }, { env: runEnv('62'), ...(c.delayedRun === 'rollback' ? { requestHandler: slow } : {}) })
    ])
    const vf = verdict(f)
    const vr = verdict(r)
    expect([vf.state === 'finalized', vr.state === 'rolled-back'].filter(Boolean).length).toBeLessThanOrEqual(1)
    for (const [v, other] of [
      [vf, url('62')],
      [vr, url('61')]
    ] as const) {
      if (v.state === 'finalized' || v.state === 'rolled-back') continue
      expect(v.why).toMatch(new RegExp(`${other.replace(/[/.]/g, '\\$&')}|another run`))
    }
    if (vf.state === 'finalized') expect(servingVersions()).toEqual(['v2'])
    if (vr.state === 'rolled-back') expect(servingVersions()).toEqual(['v1'])
    // Whatever happened, one version serves in full, and a later rollback or finalize can finish the job.
    const after = await runAction(world, { mode: 'rollback' }, { env: runEnv('63') })
    expect(['rolled-back', 'unchanged', 'failed']).toContain(verdict(after).state)
    expect(servingVersions().length).toBe(1)
    expect(world.lostInstances()).toEqual([])
  })
})

describe('the crossed writes themselves, without timing luck: the new group holds another release\'s instances', () => {
  it('a deploy never cuts over to instances launched with another version: it aborts naming them, and the old version keeps serving', async () => {
    world = newWorld()
    addService(world, { instances: 3 })
    world.setBaseline()
    // Run a's writes landed: the idle group launched its instances with v2 (Auto Scaling copied the tag onto
    // them at launch). Then run b's version tag landed on the group, late, over a's.
    const tag = (value: string): void =>
      world.createOrUpdateTags([{ ResourceId: GREEN, ResourceType: 'auto-scaling-group', Key: 'docker:image:version', Value: value, PropagateAtLaunch: true }])
    tag('v2')
    world.createOrUpdateTags([{ ResourceId: GREEN, ResourceType: 'auto-scaling-group', Key: 'blue-green:idle-capacity', Value: '0/0/6', PropagateAtLaunch: false }])
    world.updateGroup(GREEN, { MinSize: 3, MaxSize: 6, DesiredCapacity: 3 })
    world.settle()
    world.advance(180_000)
    expect(servingVersions()).toEqual(['v1', 'v2'])
    tag('v3')
    const b = await runAction(world, { mode: 'deploy', version: 'v3' }, { env: runEnv('52') })
    const v = verdict(b)
    expect(v.state).toBe('aborted')
    expect(v.why).toMatch(/prod-web-green: 3 of 3 instance\(s\) were launched with docker:image:version=v2, not v3 \(i-[0-9a-f]+, .*another run/)
    expect(v.why).toMatch(/Nothing was cut over/)
    // The live group never left service; the v2 instances are on their way out.
    expect(world.group(BLUE).instances.map((i) => i.lifecycle)).toEqual(['InService', 'InService', 'InService'])
    expect(world.group(GREEN).desired).toBe(0)
    expect(world.lostInstances()).toEqual([])
  })
})
