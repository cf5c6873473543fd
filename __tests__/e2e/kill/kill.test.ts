// SPEC invariant 6, as harsh as a runner: the bundled action (`node dist/index.js`) is SIGKILLed at an exact
// AWS call (after a sample of its writes, after every write in the exhaustive suite, and in the middle of every
// wait) in deploy, finalize and rollback over two pairs; it is re-run as a new workflow run and as a re-run of the same job; the re-run is killed too; and a
// final run must bring the account to exactly the end state of a clean, unkilled run of the same scenario
// (test-support/endstate.ts: capacities, suspended processes, tags, scaling policies, alarms, scheduled
// actions, instances per state and version, target health, nothing running outside the groups).
//
// Kill points come from the clean run's own call log: every write it made, and every wait (a stretch
// between two writes where a target group's health is polled again and again). Everything runs through one
// pool of concurrent sequences (each its own world and loopback server); each `it` reports its share, one
// paragraph per failing kill sequence with the difference from the clean end state.
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { diffEndStates, type EndState } from '../../../test-support/endstate.js'
import { allowLostInstances } from '../../../test-support/stats.js'
import { type FakeGitHub, startFakeGitHub } from '../../../test-support/github-api.js'
import {
  type KillPoint,
  type Mode,
  type RunIdentity,
  type StepRun,
  Stage,
  deployedScene,
  describeIdentity,
  describeKill,
  killSampleNote,
  sampleKillPoints,
  scene,
  transcript
} from './support.js'

/** Sequences running at once (each mostly waits on its child's 1 s polls). */
const CONCURRENCY = 12
/**
 * Every wait is always covered; the writes are sampled (support.ts sampleKillPoints: the first and the last), all of
 * them in the exhaustive suite.
 */
const TIMEOUT_MS = 330_000

type Expectation = 'deploy' | 'deploy-then-rollback' | 'finalize' | 'rollback'

interface Clean {
  end: EndState
  /** The clean run's kill points: every write, every wait. */
  points: KillPoint[]
}

interface StepSpec {
  mode: Mode
  identity: RunIdentity
  kill?: KillPoint
}

interface Outcome {
  title: string
  problems: string[]
}

// ---------------------------------------------------------------- pool

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

// ---------------------------------------------------------------- kill points from a clean run

function waitLabel(mode: Mode, after: StepRun['calls'][number]): string {
  const kind = ['EnterStandby', 'DeregisterTargets'].includes(after.operation) ? 'drain (standby) wait' : ['DetachInstances', 'TerminateInstances'].includes(after.operation) ? 'drain wait' : 'health wait'
  return `${mode}'s ${kind} (after its write ${after.operation} ${after.about.join(',')})`
}

function killPoints(clean: StepRun): KillPoint[] {
  const points: KillPoint[] = []
  let writes = 0
  let lastWrite: StepRun['calls'][number] | undefined
  let healthReads = new Map<string, number>()
  let waitSeen = false
  for (const c of clean.calls) {
    if (c.write) {
      writes++
      points.push({ kind: 'write', write: writes, label: `${c.operation} ${c.about.join(',')}`.trim() })
      lastWrite = c
      healthReads = new Map()
      waitSeen = false
      continue
    }
    if (c.operation !== 'DescribeTargetHealth' || !lastWrite) continue
    const key = c.about.join(',')
    const n = (healthReads.get(key) ?? 0) + 1
    healthReads.set(key, n)
    // Polled a third time since the write: a wait (a second poll in it is where the kill lands).
    if (n >= 3 && !waitSeen) {
      waitSeen = true
      points.push({ kind: 'wait', afterWrite: writes, label: waitLabel(clean.mode, lastWrite) })
    }
  }
  return points
}

// ---------------------------------------------------------------- sequences

let github: FakeGitHub
let nextRunId = 1000

function runIds(): [string, string, string] {
  const base = (nextRunId += 10)
  return [String(base), String(base + 1), String(base + 2)]
}

/**
 * The re-run after a kill: even kill points re-run the same job first (same run URL, next attempt), then a
 * new workflow run finishes; odd ones start a new workflow run first, then re-run that job. The second run
 * is killed at another point: at its write #3..#6 (varying; #1 and #2 are its lock) or in its first wait.
 */
function followUps(index: number, first: Mode, then: Mode): [StepSpec, StepSpec, StepSpec] {
  const [a, b, c] = runIds()
  const secondKill: KillPoint = { kind: 'write-or-wait', write: 3 + (index % 4) }
  const one: RunIdentity = { id: a, attempt: 1 }
  // (A rollback after a killed deploy is another workflow's run: it is a new run, then a new run or a re-run.)
  const even = index % 2 === 0
  const two: RunIdentity = even && first === then ? { id: a, attempt: 2 } : { id: b, attempt: 1 }
  const three: RunIdentity = first === then ? (even ? { id: c, attempt: 1 } : { id: b, attempt: 2 }) : even ? { id: b, attempt: 2 } : { id: c, attempt: 1 }
  return [
    { mode: first, identity: one },
    { mode: then, identity: two, kill: secondKill },
    { mode: then, identity: three }
  ]
}

async function runSequence(setup: () => Promise<Stage>, steps: StepSpec[], expected: EndState, expectation: Expectation): Promise<Outcome> {
  const title = steps.map((s, n) => `${n === 0 ? '' : '→ '}${s.mode} as ${describeIdentity(s.identity, steps[n - 1]?.identity)}, ${describeKill(s.kill)}`).join(' ')
  const problems: string[] = []
  const stage = await setup()
  // The sequence judges lost instances itself, once its final run has ended (below). The automatic after-test
  // check would judge this world at the end of whichever test is current when it was built: all sequences share
  // one pool, so that can be while this one is still between a killed run and its re-run (a finalize killed
  // after DetachInstances leaves its instances outside every group until the re-run terminates them).
  allowLostInstances(stage.world, 'a kill sequence checks lost instances itself after its final run')
  const runs: StepRun[] = []
  try {
    await stage.start()
    for (const [n, step] of steps.entries()) {
      const r = await stage.run(step.mode, step.identity, step.kill)
      runs.push(r)
      if (n === 0 && step.kill && r.killedAt === undefined) problems.push(`TEST PROBLEM: the first run was never killed (it made fewer writes than its kill point): exit ${r.run.code}`)
      if (n === 0 && step.kill?.kind === 'wait' && !r.killedAt?.includes('health poll')) problems.push(`TEST PROBLEM: the first run was to be killed in the middle of a wait, but: ${r.killedAt ?? 'it was never killed'}`)
      if (step.kill && r.killedAt !== undefined && r.run.exitSignal !== 'SIGKILL') problems.push(`TEST PROBLEM: run ${n + 1} was to be SIGKILLed at ${r.killedAt} but exited with ${r.run.code}`)
    }
    const last = runs[runs.length - 1] as StepRun
    if (last.run.code !== 0) problems.push(`the final ${last.mode} failed (exit ${last.run.code}, state ${last.run.outputs.state ?? '(none)'}): ${last.run.errors.join(' | ')}`)
    const end = await stage.endState()
    const diff = diffEndStates(expected, end, { expected: `clean ${expectation}`, actual: 'after the kills' })
    if (diff.length > 0) problems.push(`end state differs from the clean ${expectation}:\n    ${diff.join('\n    ')}`)
    const lost = stage.world.lostInstances().map((i) => i.id)
    if (lost.length > 0) problems.push(`instances running outside every group (lost): ${lost.join(', ')}`)
    if (stage.world.violations.length > 0) problems.push(`simulator invariant violations:\n    ${stage.world.violations.join('\n    ')}`)
  } catch (err) {
    problems.push(`the sequence broke: ${(err as Error).stack ?? String(err)}`)
  } finally {
    await stage.close()
  }
  if (problems.length > 0) {
    const where = runs.map((r, n) => `  run ${n + 1}: ${r.mode} as ${describeIdentity(r.identity)}: ${r.killedAt ? `SIGKILLed at ${r.killedAt}` : `exit ${r.run.code}, state ${r.run.outputs.state ?? '(none)'}`}`)
    problems.push(`runs:\n${where.join('\n')}\n  the final run's log (tail):\n${transcript(runs[runs.length - 1] as StepRun).replace(/^/gm, '    ')}`)
  }
  return { title, problems }
}

async function freshStage(): Promise<Stage> {
  return new Stage(scene(), github)
}

async function deployedStage(): Promise<Stage> {
  return new Stage(await deployedScene(), github)
}

// ---------------------------------------------------------------- clean runs, then every kill sequence

interface Plan {
  clean: Promise<Record<Expectation, Clean>>
  deployRerun: Promise<Outcome[]>
  deployRollback: Promise<Outcome[]>
  finalize: Promise<Outcome[]>
  rollback: Promise<Outcome[]>
}

async function cleanDeployChain(): Promise<[Clean, Clean]> {
  const stage = await freshStage()
  try {
    await stage.start()
    const deploy = await stage.run('deploy', { id: '100', attempt: 1 })
    if (deploy.run.code !== 0) throw new Error(`the clean deploy failed:\n${transcript(deploy)}`)
    const afterDeploy = await stage.endState()
    const rollback = await stage.run('rollback', { id: '101', attempt: 1 })
    if (rollback.run.code !== 0) throw new Error(`the clean rollback after the clean deploy failed:\n${transcript(rollback)}`)
    const afterRollback = await stage.endState()
    stage.world.assertNoViolations()
    return [
      { end: afterDeploy, points: killPoints(deploy) },
      { end: afterRollback, points: [] }
    ]
  } finally {
    await stage.close()
  }
}

async function cleanFrom(mode: 'finalize' | 'rollback'): Promise<Clean> {
  const stage = await deployedStage()
  try {
    await stage.start()
    const r = await stage.run(mode, { id: mode === 'finalize' ? '102' : '103', attempt: 1 })
    if (r.run.code !== 0) throw new Error(`the clean ${mode} failed:\n${transcript(r)}`)
    const end = await stage.endState()
    stage.world.assertNoViolations()
    return { end, points: killPoints(r) }
  } finally {
    await stage.close()
  }
}

function plan(): Plan {
  const clean = (async () => {
    const [[deploy, deployThenRollback], finalize, rollback] = await Promise.all([pooled(cleanDeployChain), pooled(() => cleanFrom('finalize')), pooled(() => cleanFrom('rollback'))])
    return { deploy, 'deploy-then-rollback': deployThenRollback, finalize, rollback }
  })()
  const each = async (pick: (c: Record<Expectation, Clean>) => { points: KillPoint[]; run: (p: KillPoint, i: number) => Promise<Outcome> }): Promise<Outcome[]> => {
    const c = await clean
    const { points, run } = pick(c)
    return Promise.all(points.map((p, i) => pooled(() => run(p, i))))
  }
  const deployRerun = each((c) => ({
    points: sampleKillPoints(c.deploy.points),
    run: (p, i) => {
      const [one, two, three] = followUps(i, 'deploy', 'deploy')
      return runSequence(freshStage, [{ ...one, kill: p }, two, three], c.deploy.end, 'deploy')
    }
  }))
  const deployRollback = each((c) => ({
    points: sampleKillPoints(c.deploy.points),
    run: (p, i) => {
      const [one, two, three] = followUps(i + 1, 'deploy', 'rollback')
      return runSequence(freshStage, [{ ...one, kill: p }, two, three], c['deploy-then-rollback'].end, 'deploy-then-rollback')
    }
  }))
  const finalize = each((c) => ({
    points: sampleKillPoints(c.finalize.points),
    run: (p, i) => {
      const [one, two, three] = followUps(i, 'finalize', 'finalize')
      return runSequence(deployedStage, [{ ...one, kill: p }, two, three], c.finalize.end, 'finalize')
    }
  }))
  const rollback = each((c) => ({
    points: sampleKillPoints(c.rollback.points),
    run: (p, i) => {
      const [one, two, three] = followUps(i, 'rollback', 'rollback')
      return runSequence(deployedStage, [{ ...one, kill: p }, two, three], c.rollback.end, 'rollback')
    }
  }))
  // Failures are reported by the tests that await them; never as unhandled rejections.
  for (const p of [clean, deployRerun, deployRollback, finalize, rollback]) p.catch(() => undefined)
  return { clean, deployRerun, deployRollback, finalize, rollback }
}

function report(what: string, outcomes: Outcome[]): void {
  const failed = outcomes.filter((o) => o.problems.length > 0)
  if (failed.length === 0) return
  const text = failed.map((o) => `✗ ${o.title}\n  ${o.problems.join('\n  ')}`).join('\n\n')
  throw new Error(`${what}: ${failed.length} of ${outcomes.length} kill sequence(s) did not converge (${killSampleNote()}):\n\n${text}`)
}

let started: Plan
beforeAll(async () => {
  github = await startFakeGitHub()
  started = plan()
})
afterAll(async () => {
  await github?.close()
})

describe('the bundled action SIGKILLed after every write and in the middle of every wait, over two pairs', () => {
  it(
    'the clean runs the kills are judged against: deploy, deploy then rollback, finalize, rollback',
    async () => {
      const c = await started.clean
      const web = (e: EndState, g: string) => e.groups[`prod-api-web-${g}`]
      // deploy: green serves v2, blue's v1 instances wait in Standby, quarantined; the worker's scaling moved.
      expect(web(c.deploy.end, 'green')?.instances).toEqual({ 'InService v2 Healthy': 3 })
      expect(web(c.deploy.end, 'blue')?.keptInstances.every((s) => s.endsWith('Standby v1'))).toBe(true)
      expect(web(c.deploy.end, 'blue')?.suspendedProcesses).toContain('Launch')
      expect(Object.keys(c.deploy.end.groups['prod-api-worker-green']?.policies ?? {})).toEqual(['cpu-50', 'queue-deep'])
      // deploy then rollback: the same v1 instances serve, everything where it was.
      expect(web(c['deploy-then-rollback'].end, 'blue')?.keptInstances.every((s) => s.endsWith('InService v1'))).toBe(true)
      expect(c['deploy-then-rollback'].end.groups['prod-api-worker-blue']?.scheduledActions['morning']).toMatchObject({ TimeZone: 'Europe/Berlin' })
      expect(c.finalize.end.groups['prod-api-web-blue']?.instances).toEqual({})
      expect(c.rollback.end.outsideGroups).toEqual([])
      // Every write, and the waits: deploy's health and standby waits, rollback's health wait (finalize has
      // none today: its standby instances are out of the load balancer already).
      expect(c.deploy.points.filter((p) => p.kind === 'wait').map((p) => p.kind === 'wait' && p.label)).toEqual([expect.stringContaining('health wait'), expect.stringContaining('standby')])
      expect(c.rollback.points.filter((p) => p.kind === 'wait').length).toBeGreaterThanOrEqual(1)
      expect(c.deploy.points.filter((p) => p.kind === 'write').length).toBeGreaterThanOrEqual(20)
    },
    TIMEOUT_MS
  )

  it('deploy killed, then re-run (and killed again): converges to the clean deploy', async () => report('deploy re-run', await started.deployRerun), TIMEOUT_MS)

  // BUG (src/domain/preflight.ts rollbackChecks): rollback refuses a pair that is already at rest ("nothing to
  // roll back") instead of reporting it unchanged (SPEC invariant 6), so (a) re-running a rollback that was
  // killed after its changes, or a rollback after a deploy killed before its first change, exits 1; (b) in a
  // two-pair run, the pair that already arrived blocks the other one, which stays half rolled back (v1 and
  // v2 both serving, scaling on the new group, markers left). These two tests fail until that is fixed.
  it('deploy killed, then rollback (killed too, then re-run): converges to the clean deploy-then-rollback', async () => report('rollback after a killed deploy', await started.deployRollback), TIMEOUT_MS)

  it('finalize killed, re-run (and killed again): converges to the clean finalize', async () => report('finalize re-run', await started.finalize), TIMEOUT_MS)

  it('rollback killed, re-run (and killed again): converges to the clean rollback', async () => report('rollback re-run', await started.rollback), TIMEOUT_MS)
})
