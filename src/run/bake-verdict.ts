// After the bake: a quiet bake keeps the release; a trip rolls it back with the very plan mode: rollback
// runs (from fresh observations, so it converges from wherever cutover stands), then the pair fails
// naming the cause; a cancelled bake leaves the release serving and says how to bake it again.
import type { Fleet } from '../aws/port.js'
import type { Clock } from '../clock.js'
import { type Config, NO_BAKE } from '../config/types.js'
import { MIN_BOOT_TIME_MS } from '../domain/health.js'
import { MODE_RULES } from '../domain/modes.js'
import { stateOf } from '../domain/pair-state.js'
import { type Phase, classify } from '../domain/phase.js'
import { formatDuration } from '../duration.js'
import { ActionError, errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import { watchBake } from './bake-watch.js'
import type { Executor } from './drive.js'
import type { Guard } from './guard.js'
import { modeOptionsOf } from './mode-options.js'
import type { PairOutcome } from './result.js'

export interface BakeVerdictDeps {
  log: Logger
  clock: Clock
  fleet: Fleet
  signal?: AbortSignal | undefined
  guard: Guard
  /** When the run began (the bake excuses alarms already in ALARM then, with allow-alarm-at-start). */
  runStartedAt: number
}

/**
 * The bake: the run keeps the pair (and its lock, renewed by the heartbeat) and watches the alarms and the
 * new group's targets, then keeps or rolls back the release.
 */
export async function bakeAndJudge(config: Config, executor: Executor, o: PairOutcome, deps: BakeVerdictDeps): Promise<PairOutcome> {
  const phase = classify(o.after)
  const next = phase.kind === 'cut-over' || phase.kind === 'deploying' ? phase.next : undefined
  if (!next) return o
  const startedAt = deps.clock.now()
  const bake = config.bake ?? NO_BAKE
  // Only the deploy-like modes bake: a canary or a deploy.
  const what = config.mode === 'canary' ? `canary of ${config.version}` : `deploy of ${config.version}`
  executor.phase(o.base, `bake for ${formatDuration(bake.timeMs)}`)
  const watched = await watchBake(o.after, next.name, bake, {
    fleet: deps.fleet,
    clock: deps.clock,
    log: deps.log,
    signal: deps.signal,
    guard: deps.guard,
    pollIntervalMs: config.pollIntervalMs,
    bootTimeMs: config.bootTimeMs ?? MIN_BOOT_TIME_MS,
    ...(bake.allowAlarmAtStart ? { excuseAlarmsBefore: deps.runStartedAt } : {})
  })
  const { report } = watched
  executor.timeline.push({
    pair: o.base,
    step: `bake: watch ${bake.alarmNames.length > 0 ? `alarm(s) ${bake.alarmNames.join(', ')} and ` : ''}the target health of ${next.name} for ${formatDuration(bake.timeMs)}`,
    startedAt,
    durationMs: deps.clock.now() - startedAt,
    outcome: watched.trip || report.result === 'interrupted' ? 'failed' : 'done',
    detail: watched.trip ?? (report.result === 'interrupted' ? report.reason : 'quiet: nothing tripped')
  })
  if (report.result === 'interrupted') {
    return {
      ...o,
      after: watched.last,
      bake: report,
      error: `The ${what} on ${o.base} was not baked to the end (${report.reason} after ${formatDuration(report.watchedMs)} of ${formatDuration(report.plannedMs)}). It still serves: re-run the job to bake it again, or run mode: rollback.`
    }
  }
  if (!watched.trip) return { ...o, after: watched.last, bake: report }

  const trip = watched.trip
  // The outcome's error is the one annotation of the trip; this line only marks it in the log.
  executor.phase(o.base, 'automatic rollback')
  deps.log.info(`${o.base}: the bake of ${config.version} tripped after ${formatDuration(report.watchedMs)}: ${trip}. Rolling back.`)
  const restoring = phase.kind === 'cut-over' ? phase.previous.name : phase.kind === 'deploying' ? phase.live.name : ''
  const back = (p: Phase): boolean => p.kind === 'at-rest' && p.live.name === restoring
  try {
    const rolled = await executor.driveResumably(watched.last, (ph, pair) => MODE_RULES.rollback.plan(ph, pair, modeOptionsOf(config)), deps.guard)
    const after = await executor.settle(rolled, back, deps.guard)
    const now = classify(after)
    if (!back(now)) throw new ActionError(`the rollback finished its plan but the pair is ${stateOf(now)}`)
    const restored = now.kind === 'at-rest' ? `${now.live.name} serves ${now.live.tags[config.versionTagKey] ?? '(untagged)'} again; ${now.idle.name} is idle` : ''
    return {
      ...o,
      state: 'rolled-back',
      after,
      bake: { ...report, result: 'rolled-back' },
      error: `The ${what} on ${o.base} was rolled back automatically: ${restored}. Why: it failed its bake after ${formatDuration(report.watchedMs)}: ${trip}.`
    }
  } catch (err) {
    return {
      ...o,
      state: 'failed',
      after: o.after,
      bake: { ...report, result: 'failed' },
      error: `The ${what} on ${o.base} still serves: its automatic rollback did not finish (${errorMessage(err)}). Run mode: rollback to restore the previous version (it resumes from the current state). Why: it failed its bake after ${formatDuration(report.watchedMs)}: ${trip}.`
    }
  }
}
