// The bake: after cutover (or once a canary is healthy) the run keeps the pair (and its lock) and watches
// the named CloudWatch alarms and the new group's target health for bake-time. It only watches: what to
// do when the bake trips (the rollback) is decided by the caller from a fresh observation.
import type { Fleet } from '../aws/port.js'
import type { Clock } from '../clock.js'
import type { BakeConfig } from '../config/types.js'
import { TargetWatch, describeAlarmTrip, recordAlarms, trippedAlarm } from '../domain/bake.js'
import { trafficKeys } from '../domain/classic.js'
import { assessHealth, describeProgress } from '../domain/health.js'
import type { Pair } from '../domain/model.js'
import { formatDuration } from '../duration.js'
import { ActionError, AwsCallFailed, errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import type { Guard } from './guard.js'
import { takenAwayByAws } from './interruptions.js'
import { observePair } from './observe.js'
import { Progress } from './progress.js'
import type { BakeReport } from './result.js'

export interface BakeDeps {
  fleet: Fleet
  clock: Clock
  log: Logger
  signal?: AbortSignal | undefined
  guard: Guard
  pollIntervalMs: number
  /** How long an instance launched during the bake may be unhealthy while it boots. */
  bootTimeMs: number
  /**
   * With allow-alarm-at-start: when the run began. An alarm in ALARM since before then is excused until it
   * leaves ALARM (the deploy was started into it on purpose); any alarm entering ALARM later trips the bake.
   */
  excuseAlarmsBefore?: number
}

/** Reads in a row that may fail (AWS errors beyond the SDK's retries) before the bake gives up watching. */
const READ_FAILURES = 3

export interface BakeOutcome {
  report: BakeReport
  /** Set when the bake tripped: the release must be rolled back. */
  trip?: string
  last: Pair
}

/** Watches `group` of `pair` and the alarms for `cfg.timeMs`; returns at the first trip, at the end, or when cancelled. */
export async function watchBake(pair: Pair, group: string, cfg: BakeConfig, deps: BakeDeps): Promise<BakeOutcome> {
  const { fleet, clock, log } = deps
  const start = clock.now()
  const report: BakeReport = { result: 'passed', plannedMs: cfg.timeMs, watchedMs: 0, alarmNames: cfg.alarmNames, group, alarms: {} }
  const startGroup = pair.groups.find((g) => g.name === group)
  if (!startGroup) throw new ActionError(`${pair.base}: ${group} is not part of the pair`)
  const targets = new TargetWatch(startGroup, start, deps.bootTimeMs)
  const what = `${cfg.alarmNames.length > 0 ? `alarm(s) ${cfg.alarmNames.join(', ')} and ` : ''}the target health of ${group}`
  log.info(`${pair.base}: baking for ${formatDuration(cfg.timeMs)}: watching ${what} every ${formatDuration(deps.pollIntervalMs)}.`)
  const progress = new Progress(log, clock, `${pair.base}: bake`, cfg.timeMs)
  let last = pair
  let failures = 0
  let excused: Set<string> | undefined
  for (;;) {
    const now = clock.now()
    report.watchedMs = now - start
    try {
      if (cfg.alarmNames.length > 0) {
        const alarms = await fleet.alarms(cfg.alarmNames)
        recordAlarms(report.alarms, alarms, now)
        const before = deps.excuseAlarmsBefore
        excused ??= new Set(before === undefined ? [] : alarms.filter((a) => a.state === 'ALARM' && a.since < before).map((a) => a.name))
        for (const a of alarms) if (a.state !== 'ALARM' && excused.delete(a.name)) log.info(`${pair.base}: alarm ${a.name} left ALARM (${a.state}); the bake watches it from now on.`)
        if (excused.size > 0 && report.watchedMs === 0) log.info(`${pair.base}: alarm(s) ${[...excused].join(', ')} were in ALARM before the run (allow-alarm-at-start); they count once they leave ALARM.`)
        const tripped = trippedAlarm(alarms, cfg.failOnInsufficientData, excused)
        if (tripped) return { report: { ...report, reason: describeAlarmTrip(tripped) }, trip: describeAlarmTrip(tripped), last }
        const gone = cfg.alarmNames.filter((n) => !alarms.some((a) => a.name === n))
        if (gone.length > 0) log.warning(`${pair.base}: alarm(s) ${gone.join(', ')} no longer exist; the bake watches the others.`)
      }
      last = await observePair(fleet, last, {})
      deps.guard(last)
      const g = last.groups.find((x) => x.name === group)
      if (!g) throw new ActionError(`${group} left the pair during the bake`)
      const health = assessHealth(g, 0, trafficKeys(g))
      // An instance AWS took away (Spot interruption, retirement) is not the release's: Auto Scaling replaces it.
      for (const i of await takenAwayByAws(fleet, targets.suspects(g, health, clock.now()))) {
        targets.excuse(i.instanceId)
        ;(report.interruptions ??= []).push(i)
        log.warning(`${pair.base}: ${i.instanceId} was taken away by AWS during the bake (${i.why}); not counted against the release: the bake goes on while Auto Scaling replaces it.`)
      }
      const why = targets.observe(g, health, clock.now())
      if (why) return { report: { ...report, reason: why }, trip: why, last }
      failures = 0
      progress.note(`${cfg.alarmNames.length > 0 ? 'no alarm tripped, ' : ''}${describeProgress(health)}`)
    } catch (err) {
      if (!(err instanceof AwsCallFailed) || ++failures >= READ_FAILURES) throw err
      log.warning(`${pair.base}: the bake could not read AWS (${errorMessage(err)}); trying again at the next check.`)
    }
    const remaining = cfg.timeMs - (clock.now() - start)
    if (remaining <= 0) break
    if (deps.signal?.aborted) return { report: { ...report, result: 'interrupted', reason: 'the job was cancelled during the bake' }, last }
    await clock.sleep(Math.min(deps.pollIntervalMs, remaining), deps.signal).catch(() => undefined)
    if (deps.signal?.aborted) {
      report.watchedMs = clock.now() - start
      return { report: { ...report, result: 'interrupted', reason: 'the job was cancelled during the bake' }, last }
    }
  }
  report.watchedMs = clock.now() - start
  log.info(`${pair.base}: the bake passed: ${what} held for ${formatDuration(report.watchedMs)}.`)
  return { report, last }
}
