// SPEC invariant 6 for mode: canary, as harsh as a runner: the bundled action is SIGKILLed at its writes of a
// canary over two pairs (the first and the last; every one in the exhaustive suite), and in the middle of its
// health wait; then either the canary is re-run (and
// killed again, then run to the end), or it is removed with mode: rollback (killed too, then re-run). The
// account must end exactly where a clean, unkilled canary (or canary then rollback) leaves it
// (test-support/endstate.ts). The live groups are never touched by any of it.
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { diffEndStates, type EndState } from '../../../test-support/endstate.js'
import { type FakeGitHub, startFakeGitHub } from '../../../test-support/github-api.js'
import { type KillPoint, type Mode, type StepRun, Stage, describeIdentity, describeKill, killSampleNote, sampleKillPoints, scene, transcript } from './support.js'

const CONCURRENCY = 8
const TIMEOUT_MS = 330_000

let github: FakeGitHub
let nextRunId = 5000

interface Clean {
  canary: EndState
  canaryThenRollback: EndState
  points: KillPoint[]
  liveBefore: EndState
  /** A canary, then a deploy of its version (the promotion), and the promotion's kill points. */
  promoted: EndState
  promotePoints: KillPoint[]
}

/** Every write of the clean canary, and its health wait (the third target-health poll since a write). */
function killPoints(clean: StepRun): KillPoint[] {
  const points: KillPoint[] = []
  let writes = 0
  let polls = new Map<string, number>()
  let waitSeen = false
  for (const c of clean.calls) {
    if (c.write) {
      writes++
      points.push({ kind: 'write', write: writes, label: `${c.operation} ${c.about.join(',')}`.trim() })
      polls = new Map()
      waitSeen = false
      continue
    }
    if (c.operation !== 'DescribeTargetHealth' || writes === 0) continue
    const key = c.about.join(',')
    const n = (polls.get(key) ?? 0) + 1
    polls.set(key, n)
    if (n >= 3 && !waitSeen) {
      waitSeen = true
      points.push({ kind: 'wait', afterWrite: writes, label: 'canary health wait' })
    }
  }
  return points
}

let running = 0
const queue: (() => void)[] = []
async function pooled<T>(task: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((resolve) => queue.push(resolve))
  running++
  try {
    return await task()
  } finally {
    running--
    queue.shift()?.()
  }
}

async function cleanRuns(): Promise<Clean> {
  const stage = new Stage(scene(), github)
  try {
    await stage.start()
    const liveBefore = await stage.endState()
    const canary = await stage.run('canary', { id: '4000', attempt: 1 })
    if (canary.run.code !== 0) throw new Error(`the clean canary failed:\n${transcript(canary)}`)
    const afterCanary = await stage.endState()
    const rollback = await stage.run('rollback', { id: '4001', attempt: 1 })
    if (rollback.run.code !== 0) throw new Error(`the clean rollback of the canary failed:\n${transcript(rollback)}`)
    const afterRollback = await stage.endState()
    stage.world.assertNoViolations()
    const promotion = await cleanPromotion()
    return { canary: afterCanary, canaryThenRollback: afterRollback, points: killPoints(canary), liveBefore, ...promotion }
  } finally {
    await stage.close()
  }
}

async function cleanPromotion(): Promise<{ promoted: EndState; promotePoints: KillPoint[] }> {
  const stage = new Stage(scene(), github)
  try {
    await stage.start()
    const canary = await stage.run('canary', { id: '4002', attempt: 1 })
    if (canary.run.code !== 0) throw new Error(`the clean canary failed:\n${transcript(canary)}`)
    await stage.quiet()
    const promote = await stage.run('deploy', { id: '4003', attempt: 1 })
    if (promote.run.code !== 0) throw new Error(`the clean promotion failed:\n${transcript(promote)}`)
    const promoted = await stage.endState()
    stage.world.assertNoViolations()
    return { promoted, promotePoints: killPoints(promote) }
  } finally {
    await stage.close()
  }
}

/** A clean canary, then its promotion killed at `kill`, re-run (killed again), and run to the end. */
async function promotion(kill: KillPoint, index: number, expected: EndState): Promise<string[]> {
  const base = (nextRunId += 10)
  const problems: string[] = []
  const stage = new Stage(scene(), github)
  const runs: StepRun[] = []
  try {
    await stage.start()
    const canary = await stage.run('canary', { id: String(base), attempt: 1 })
    if (canary.run.code !== 0) problems.push(`the canary failed: exit ${canary.run.code}`)
    await stage.quiet()
    const canaryIds = ['prod-api-web-green', 'prod-api-worker-green'].flatMap((g) => stage.world.group(g).instances.map((i) => i.id))
    runs.push(await stage.run('deploy', { id: String(base + 1), attempt: 1 }, kill))
    if (runs[0]?.killedAt === undefined) problems.push('TEST PROBLEM: the promotion was never killed')
    const again = index % 2 === 0 ? { id: String(base + 1), attempt: 2 } : { id: String(base + 2), attempt: 1 }
    runs.push(await stage.run('deploy', again, { kind: 'write-or-wait', write: 3 + (index % 3) }))
    runs.push(await stage.run('deploy', { id: String(base + 3), attempt: 1 }))
    const last = runs[runs.length - 1] as StepRun
    if (last.run.code !== 0) problems.push(`the final deploy failed (exit ${last.run.code}, state ${last.run.outputs.state ?? '(none)'}): ${last.run.errors.join(' | ')}`)
    const diff = diffEndStates(expected, await stage.endState(), { expected: 'clean canary then promotion', actual: 'after the kills' })
    if (diff.length > 0) problems.push(`end state differs:\n    ${diff.join('\n    ')}`)
    const lost = stage.world.lostInstances().map((i) => i.id)
    if (lost.length > 0) problems.push(`instances running outside every group (lost): ${lost.join(', ')}`)
    const relaunched = canaryIds.filter((id) => stage.world.instance(id).lifecycle !== 'InService')
    if (canaryIds.length !== 2 || relaunched.length > 0) problems.push(`the canary instances (${canaryIds.join(', ')}) do not all serve after the promotion: ${relaunched.join(', ')}`)
    if (stage.world.violations.length > 0) problems.push(`simulator invariant violations:\n    ${stage.world.violations.join('\n    ')}`)
  } catch (err) {
    problems.push(`the sequence broke: ${(err as Error).stack ?? String(err)}`)
  } finally {
    await stage.close()
  }
  if (problems.length === 0) return []
  const where = runs.map((r, n) => `  run ${n + 1}: ${r.mode}: ${r.killedAt ? `SIGKILLed at ${r.killedAt}` : `exit ${r.run.code}, state ${r.run.outputs.state ?? '(none)'}`}`)
  return [`✗ canary, then promotion ${describeKill(kill)}\n  ${problems.join('\n  ')}\n${where.join('\n')}\n${runs.length > 0 ? transcript(runs[runs.length - 1] as StepRun).replace(/^/gm, '    ') : ''}`]
}

async function sequence(kill: KillPoint, index: number, then: Mode, expected: EndState): Promise<string[]> {
  const base = (nextRunId += 10)
  const steps: { mode: Mode; id: string; attempt: number; kill?: KillPoint }[] = [
    { mode: 'canary', id: String(base), attempt: 1, kill },
    // A re-run of the same job, or a new workflow run (a rollback is always another workflow's run).
    { mode: then, id: then === 'canary' && index % 2 === 0 ? String(base) : String(base + 1), attempt: then === 'canary' && index % 2 === 0 ? 2 : 1, kill: { kind: 'write-or-wait', write: 3 + (index % 3) } },
    { mode: then, id: String(base + 2), attempt: 1 }
  ]
  const problems: string[] = []
  const stage = new Stage(scene(), github)
  const runs: StepRun[] = []
  try {
    await stage.start()
    for (const s of steps) runs.push(await stage.run(s.mode, { id: s.id, attempt: s.attempt }, s.kill))
    if (runs[0]?.killedAt === undefined) problems.push('TEST PROBLEM: the first run was never killed')
    const last = runs[runs.length - 1] as StepRun
    if (last.run.code !== 0) problems.push(`the final ${last.mode} failed (exit ${last.run.code}, state ${last.run.outputs.state ?? '(none)'}): ${last.run.errors.join(' | ')}`)
    const diff = diffEndStates(expected, await stage.endState(), { expected: `clean canary${then === 'rollback' ? ' then rollback' : ''}`, actual: 'after the kills' })
    if (diff.length > 0) problems.push(`end state differs:\n    ${diff.join('\n    ')}`)
    const lost = stage.world.lostInstances().map((i) => i.id)
    if (lost.length > 0) problems.push(`instances running outside every group (lost): ${lost.join(', ')}`)
    if (stage.world.violations.length > 0) problems.push(`simulator invariant violations:\n    ${stage.world.violations.join('\n    ')}`)
  } catch (err) {
    problems.push(`the sequence broke: ${(err as Error).stack ?? String(err)}`)
  } finally {
    await stage.close()
  }
  if (problems.length === 0) return []
  const title = steps.map((s, n) => `${s.mode} as ${describeIdentity({ id: s.id, attempt: s.attempt }, n > 0 ? { id: steps[n - 1]?.id as string, attempt: 0 } : undefined)}, ${describeKill(s.kill)}`).join(' → ')
  const where = runs.map((r, n) => `  run ${n + 1}: ${r.mode}: ${r.killedAt ? `SIGKILLed at ${r.killedAt}` : `exit ${r.run.code}, state ${r.run.outputs.state ?? '(none)'}`}`)
  return [`✗ ${title}\n  ${problems.join('\n  ')}\n${where.join('\n')}\n${transcript(runs[runs.length - 1] as StepRun).replace(/^/gm, '    ')}`]
}

let clean: Promise<Clean>
beforeAll(async () => {
  github = await startFakeGitHub()
  clean = cleanRuns()
  clean.catch(() => undefined)
})
afterAll(async () => {
  await github?.close()
})

describe('mode: canary SIGKILLed after every write and in its health wait, over two pairs', () => {
  it(
    'the clean canary: one v2 instance beside each live group, which is untouched; its rollback puts everything back',
    async () => {
      const c = await clean
      expect(c.canary.groups['prod-api-web-green']?.instances).toEqual({ 'InService v2 Healthy': 1 })
      expect(c.canary.groups['prod-api-worker-green']?.instances).toEqual({ 'InService v2 Healthy': 1 })
      for (const g of ['prod-api-web-blue', 'prod-api-worker-blue']) {
        expect({ ...c.canary.groups[g], tags: undefined }).toEqual({ ...c.liveBefore.groups[g], tags: undefined })
      }
      expect(c.canaryThenRollback.groups['prod-api-web-green']?.instances).toEqual({})
      expect(c.points.filter((p) => p.kind === 'wait')).toHaveLength(1)
      expect(c.points.filter((p) => p.kind === 'write').length).toBeGreaterThanOrEqual(4)
    },
    TIMEOUT_MS
  )

  it(
    'canary killed, then re-run (killed again, then run to the end): converges to the clean canary; or rolled back: converges to the clean rollback',
    async () => {
      const c = await clean
      const all = await Promise.all(
        sampleKillPoints(c.points).flatMap((p, i) => [pooled(() => sequence(p, i, 'canary', c.canary)), pooled(() => sequence(p, i, 'rollback', c.canaryThenRollback))])
      )
      const failed = all.flat()
      if (failed.length > 0) throw new Error(`${failed.length} of ${all.length} canary kill sequence(s) did not converge (${killSampleNote()}):\n\n${failed.join('\n\n')}`)
    },
    TIMEOUT_MS * 2
  )

  it(
    'the promotion of a canary (deploy of its version) killed at its writes (sampled; every write in the exhaustive suite) and in its waits, re-run (killed again): converges to the clean promotion, the canary instances kept',
    async () => {
      const c = await clean
      expect(c.promoted.groups['prod-api-web-green']?.instances).toEqual({ 'InService v2 Healthy': 3 })
      const sampled = sampleKillPoints(c.promotePoints)
      const all = await Promise.all(sampled.map((p, i) => pooled(() => promotion(p, i, c.promoted))))
      const failed = all.flat()
      if (failed.length > 0) throw new Error(`${failed.length} of ${all.length} promotion kill sequence(s) did not converge (${killSampleNote()}):\n\n${failed.join('\n\n')}`)
    },
    TIMEOUT_MS * 2
  )
})
