// The run: observe every pair, pre-flight every pair, then (unless dry-run or status) take the pair locks
// and drive all pairs in parallel. Nothing runs when any pair is refused.
import type { Fleet } from '../aws/port.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config/types.js'
import { LAST_RUN_TAG, encodeLastRun } from '../domain/markers.js'
import { MODE_RULES } from '../domain/modes.js'
import { type Logger, inGroup } from '../log.js'
import { Executor } from './drive.js'
import { guardFor } from './guard.js'
import type { RunHooks } from './hooks.js'
import { runPair } from './pair.js'
import { acquireLocks, releaseLeftOverLocks } from './pair-locks.js'
import { prepare } from './prepare.js'
import type { PairOutcome, RunResult } from './result.js'

export interface RunDeps {
  fleet: Fleet
  clock: Clock
  log: Logger
  signal?: AbortSignal | undefined
  /** What GitHub adds, when a token is given: order checks, lock ownership, deployment records. */
  hooks?: RunHooks | undefined
}

/** Pre-flight refusals are checked once more on a fresh observation this much later (reads may lag writes). */
const PREFLIGHT_RECHECK_MS = 5_000

export async function runMode(given: Config, deps: RunDeps): Promise<RunResult> {
  let config = given
  const rules = MODE_RULES[given.mode]
  const startedAt = deps.clock.now()
  const executor = new Executor({ ...deps, healthTimeoutMs: config.healthTimeoutMs, pollIntervalMs: config.pollIntervalMs, bootTimeMs: config.bootTimeMs })
  const result = (outcomes: PairOutcome[], refusals: string[]): RunResult => ({
    config,
    outcomes,
    timeline: executor.timeline,
    refusals,
    startedAt,
    finishedAt: deps.clock.now()
  })

  const hooks = deps.hooks
  const isRunOver = hooks ? (run: string) => hooks.isRunOver(run) : undefined
  const prepareDeps = { ...deps, isRunOver }
  let prepared = await inGroup(deps.log, 'Discovery and pre-flight', () => prepare(given, prepareDeps))
  if (prepared.refusals.length > 0 && rules.writes) {
    // A read may lag a write made a moment ago (a finalize right after its deploy, a lock just released): look once more.
    deps.log.info(`Pre-flight refused (${prepared.refusals.join('; ')}); looking once more in ${PREFLIGHT_RECHECK_MS / 1000} s, as AWS reads may lag a write made a moment ago.`)
    await deps.clock.sleep(PREFLIGHT_RECHECK_MS, deps.signal).catch(() => undefined)
    deps.fleet.forgetDetails()
    prepared = await inGroup(deps.log, 'Discovery and pre-flight, once more', () => prepare(given, prepareDeps))
  }
  // A deploy by image knows its version (by default the AMI id) once the image is resolved.
  config = prepared.config
  if (prepared.discoveryFailed) return result([], prepared.refusals)
  const { planned, refusals } = prepared
  // Nothing runs when any pair is refused: every pair that had something to do is refused with it.
  const settled = (o: PairOutcome): boolean => o.notice !== undefined || o.error !== undefined
  const refuse = (why: string[]): RunResult => result(planned.map((o) => (settled(o) ? o : { ...o, state: 'refused' })), why)
  if (refusals.length > 0) return refuse(refusals)
  if (!rules.writes || config.dryRun) return result(planned, [])

  const toRun = planned.filter((o) => !settled(o))
  await releaseLeftOverLocks(planned.filter((o) => o.notice !== undefined).map((o) => o.before), config.runUrl, deps.fleet, deps.log)
  if (toRun.length === 0) return result(planned, [])
  const outOfOrder = (await hooks?.orderRefusals(toRun.map((o) => o.before))) ?? []
  if (outOfOrder.length > 0) return refuse(outOfOrder)
  // A deploy records its attempt with the lock, before its first change: a rollback can then tell a pair
  // that still serves its previous version from one whose deployment was finalized.
  const attempt: Record<string, string> = rules.deployLike ? { [LAST_RUN_TAG]: encodeLastRun({ mode: config.mode as 'deploy' | 'canary', version: config.version }) } : {}
  const locks = await acquireLocks(
    toRun.map((o) => o.before),
    config.runUrl,
    { ...deps, ...(isRunOver ? { isRunOver } : {}) },
    attempt
  )
  if (locks.refusals.length > 0) return refuse(locks.refusals)
  try {
    await hooks?.started(toRun)
    const drive = (): Promise<PairOutcome[]> =>
      Promise.all(planned.map(async (o): Promise<PairOutcome> => (settled(o) ? o : runPair(config, executor, o, { ...deps, guard: guardFor(config, o.before, locks), runStartedAt: startedAt }))))
    // One pair: a fold per phase. Several: one fold for all, each line naming its pair.
    executor.foldPhases = toRun.length === 1 && deps.log.section !== undefined
    const outcomes = executor.foldPhases
      ? await drive().finally(() => executor.endSections())
      : await inGroup(deps.log, `${config.mode}: ${toRun.map((o) => o.base).join(', ')}`, drive)
    const done = result(outcomes, [])
    await hooks?.finished(done)
    return done
  } finally {
    await locks.release()
  }
}
