// Act: drive one pair to the end of a mode by observing, planning and performing steps until the
// plan is empty. Every wait is followed by a fresh observation, so each decision uses current state.
import type { Fleet } from './aws/port.js'
import type { Clock } from './clock.js'
import { formatDuration } from './duration.js'
import { ActionError } from './errors.js'
import { type HealthReport, HealthTracker, MIN_BOOT_TIME_MS, UNHEALTHY_POLLS, assessHealth, describeFailures, describeNotReady } from './domain/health.js'
import type { TargetGroupHealthCheck } from './aws/port.js'
import { FINALIZING_TAG } from './domain/markers.js'
import { type Pair, PENDING_STATES } from './domain/model.js'
import { type Phase, classify } from './domain/phase.js'
import { terminationProtectionRefusal } from './domain/preflight.js'
import { type Step, describeStep, isWait } from './domain/steps.js'
import { observePair } from './observe.js'
import { waitFor } from './wait.js'

export interface TimelineEntry {
  pair: string
  step: string
  startedAt: number
  durationMs: number
  outcome: 'done' | 'failed'
  detail?: string
}

export interface Logger {
  info(line: string): void
  warning(line: string): void
  /** Folds what `fn` logs under a named section (the runner's ::group::). */
  group?<T>(name: string, fn: () => Promise<T>): Promise<T>
}

export function inGroup<T>(log: Logger, name: string, fn: () => Promise<T>): Promise<T> {
  return log.group ? log.group(name, fn) : fn()
}

export interface ExecutorOptions {
  fleet: Fleet
  clock: Clock
  log: Logger
  healthTimeoutMs: number
  pollIntervalMs: number
  /** How long a new instance may fail health checks while it boots; undefined = derived from AWS settings. */
  bootTimeMs?: number | undefined
  signal?: AbortSignal | undefined
}

export interface DriveOptions {
  /** Compensating writes: they run after a cancel too. */
  undo?: boolean
  /** Runs on every observation of the pair; throws to stop the run writing (another run took the pair). */
  guard?: (pair: Pair) => void
}

const MAX_ROUNDS = 40
/** Entering Standby lasts the target groups' deregistration delay, at most 3600 s. */
const STANDBY_TIMEOUT_MS = 65 * 60_000
/** AWS reads may lag writes for a moment: a plan that repeats a write just made waits for reads to catch up. */
const READ_LAG_POLL_MS = 2_000
const READ_LAG_MAX_MS = 30_000

export class Cancelled extends ActionError {
  constructor(what: string) {
    super(`Cancelled while ${what}.`)
    this.name = 'Cancelled'
  }
}

export class Executor {
  readonly timeline: TimelineEntry[] = []

  constructor(private readonly o: ExecutorOptions) {}

  /** Observe → plan → act until the planner has nothing left; returns the final snapshot. */
  async drive(pair: Pair, planner: (phase: Phase, pair: Pair) => Step[], opts: DriveOptions = {}): Promise<Pair> {
    let current = pair
    let justDone = new Set<string>()
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const observed = await this.observeCaughtUp(current, planner, justDone, opts.guard)
      current = observed.pair
      const steps = observed.steps
      if (steps.length === 0) return current
      justDone = new Set()
      for (const step of steps) {
        // Compensating writes after a cancel still run: they are what keeps the live group safe.
        if (this.o.signal?.aborted && !opts.undo) throw new Cancelled(describeStep(step))
        await this.perform(current, step, opts.guard)
        if (isWait(step)) break
        justDone.add(JSON.stringify(step))
      }
    }
    throw new ActionError(`${pair.base}: the plan did not settle after ${MAX_ROUNDS} rounds; something keeps changing the groups (run mode: status to see what).`)
  }

  /** Observes again, for a while, until the pair shows `reached` (a read may lag the run's last writes). */
  async settle(pair: Pair, reached: (phase: Phase) => boolean, guard?: DriveOptions['guard']): Promise<Pair> {
    const since = this.o.clock.now()
    let current = pair
    while (!reached(classify(current)) && this.o.clock.now() - since < READ_LAG_MAX_MS) {
      await this.o.clock.sleep(READ_LAG_POLL_MS, this.o.signal).catch(() => undefined)
      if (this.o.signal?.aborted) break
      current = await observePair(this.o.fleet, current)
      guard?.(current)
    }
    return current
  }

  /**
   * Observes and plans. When the plan starts with a write this run has just made, the read most likely
   * lags the write (AWS APIs are eventually consistent): observe again for a while before repeating it.
   */
  private async observeCaughtUp(
    pair: Pair,
    planner: (phase: Phase, pair: Pair) => Step[],
    justDone: ReadonlySet<string>,
    guard: DriveOptions['guard']
  ): Promise<{ pair: Pair; steps: Step[] }> {
    const since = this.o.clock.now()
    for (;;) {
      const current = await observePair(this.o.fleet, pair)
      guard?.(current)
      const phase = classify(current)
      const steps = planner(phase, current)
      const first = steps[0]
      // Right after our own writes, a pair that looks half-recorded (one group's tags read before the
      // write, the other's after) is a lagging read too.
      const lagging = justDone.size > 0 && (phase.kind === 'unknown' || (first !== undefined && justDone.has(JSON.stringify(first))))
      if (!lagging || this.o.clock.now() - since >= READ_LAG_MAX_MS) return { pair: current, steps }
      await this.o.clock.sleep(READ_LAG_POLL_MS, this.o.signal).catch(() => undefined)
      if (this.o.signal?.aborted) return { pair: current, steps }
    }
  }

  private async perform(pair: Pair, step: Step, guard: DriveOptions['guard']): Promise<void> {
    const startedAt = this.o.clock.now()
    const label = describeStep(step)
    this.o.log.info(`${pair.base}: ${label}`)
    try {
      const detail = await this.act(pair, step, guard)
      this.timeline.push({ pair: pair.base, step: label, startedAt, durationMs: this.o.clock.now() - startedAt, outcome: 'done', ...(detail ? { detail } : {}) })
    } catch (err) {
      this.timeline.push({ pair: pair.base, step: label, startedAt, durationMs: this.o.clock.now() - startedAt, outcome: 'failed', detail: (err as Error).message })
      throw err
    }
  }

  private async act(pair: Pair, s: Step, guard: DriveOptions['guard']): Promise<string | void> {
    const f = this.o.fleet
    switch (s.kind) {
      case 'tag':
        return f.tag(s.group, s.tags, s.propagate)
      case 'untag':
        return f.untag(s.tags)
      case 'set-capacity':
        return f.setCapacity(s.group, s.capacity)
      case 'set-min':
        return f.setMin(s.group, s.min)
      case 'suspend':
        return f.suspend(s.group, s.processes)
      case 'resume':
        return f.resume(s.group, s.processes)
      case 'enter-standby':
        return f.enterStandby(s.group, s.instanceIds)
      case 'exit-standby':
        return f.exitStandby(s.group, s.instanceIds)
      case 'unprotect':
        return f.unprotect(s.group, s.instanceIds)
      case 'detach-dead':
        return f.detach(s.group, s.instanceIds)
      case 'retire': {
        // Termination protection turned on after pre-flight: stop before detaching what EC2 would not terminate.
        const refused = terminationProtectionRefusal(s.group, await f.terminationProtected(s.instanceIds))
        if (refused) throw new ActionError(refused)
        // Remember the batch first: a run killed between detach and terminate must not lose instances.
        await f.tag(s.group, { [FINALIZING_TAG]: s.instanceIds.join(',') }, [])
        await f.detach(s.group, s.instanceIds)
        return f.terminate(s.instanceIds)
      }
      case 'terminate-detached':
        return f.terminate(s.instanceIds)
      case 'move-policy':
        return f.movePolicy(s.from, s.to, s.policy)
      case 'move-scheduled-action':
        return f.moveScheduledAction(s.from, s.to, s.action)
      case 'wait-healthy':
        return this.waitHealthy(pair, s, guard)
      case 'wait-standby':
        return this.waitStandby(pair, s.group, guard)
    }
  }

  private async waitHealthy(pair: Pair, s: Extract<Step, { kind: 'wait-healthy' }>, guard: DriveOptions['guard']): Promise<string> {
    // The snapshot this round began with was observed before this round's writes: its activities are old.
    const start = pair.groups.find((g) => g.name === s.group)
    const tracker = new HealthTracker({
      knownActivities: new Set(start?.activities.map((a) => a.id) ?? []),
      bootTimeMs: this.o.bootTimeMs ?? (await this.autoBootTimeMs(start, s.targetGroupArns)),
      unhealthyPolls: UNHEALTHY_POLLS,
      // A restore (rollback) never gives up early on an instance: only the timeout ends it.
      patient: s.purpose === 'restore'
    })
    const result = await waitFor<HealthReport>(
      async () => {
        const now = await observePair(this.o.fleet, pair, { activitiesOf: s.group, knownActivities: tracker.knownActivities })
        guard?.(now)
        const group = now.groups.find((g) => g.name === s.group)
        if (!group) throw new Error(`group ${s.group} left the pair`)
        const report = assessHealth(group, s.count, s.targetGroupArns, tracker.knownActivities)
        if (report.ready) return { ready: true, value: report }
        // Someone lowered the group's capacity meanwhile: waiting cannot succeed, re-planning can.
        if (group.capacity.desired < s.count) {
          this.o.log.warning(`${s.group}: desired capacity changed to ${group.capacity.desired} while waiting for ${s.count}; re-planning.`)
          return { ready: true, value: report }
        }
        const hopeless = tracker.observe(group, report, this.o.clock.now())
        return hopeless ? { ready: false, value: report, hopeless } : { ready: false, value: report }
      },
      { clock: this.o.clock, timeoutMs: this.o.healthTimeoutMs, intervalMs: this.o.pollIntervalMs, signal: this.o.signal }
    )
    if (result.done) {
      const r = result.value
      return r.ready ? `${r.healthy} healthy after ${formatDuration(result.elapsedMs)} (${result.polls} checks)` : `interrupted after ${formatDuration(result.elapsedMs)}: capacity changed, re-planned`
    }
    if (result.why === 'aborted') throw new Cancelled(`waiting for ${s.group} to become healthy`)
    const r = result.last
    const counts = r ? `${r.healthy} of ${r.wanted} instance(s) healthy` : 'no observation'
    const launches = r && r.failedActivities.length > 0 ? `; failed launches: ${describeFailures(r.failedActivities)}` : ''
    const why = result.why === 'timeout' ? `not healthy within health-timeout ${formatDuration(this.o.healthTimeoutMs)}` : result.detail
    const seen = r && r.notReady.length > 0 ? `; not ready: ${describeNotReady(r)}` : ''
    throw new HealthWaitFailed(`${s.group}: ${why} (${counts} after ${formatDuration(result.elapsedMs)})${seen}${launches}.`)
  }

  /**
   * How long a booting app may legitimately fail its health checks: the group's health-check grace period
   * (at least 5 minutes), plus the time the slowest target group needs to see it healthy once it answers.
   */
  private async autoBootTimeMs(group: Pair['groups'][number] | undefined, targetGroupArns: string[]): Promise<number> {
    const settings = await this.healthChecks(targetGroupArns)
    const toHealthy = Math.max(0, ...Object.values(settings).map((t) => t.healthyThreshold * t.intervalSeconds * 1000))
    return Math.max((group?.healthCheckGracePeriodSeconds ?? 0) * 1000, MIN_BOOT_TIME_MS) + toHealthy
  }

  private readonly healthCheckCache = new Map<string, TargetGroupHealthCheck>()
  private async healthChecks(arns: string[]): Promise<Record<string, TargetGroupHealthCheck>> {
    const missing = arns.filter((a) => !this.healthCheckCache.has(a))
    if (missing.length > 0) {
      const got = await this.o.fleet.targetGroupHealthChecks(missing)
      for (const [arn, hc] of Object.entries(got)) this.healthCheckCache.set(arn, hc)
    }
    return Object.fromEntries(arns.flatMap((a) => (this.healthCheckCache.has(a) ? [[a, this.healthCheckCache.get(a) as TargetGroupHealthCheck]] : [])))
  }

  private async waitStandby(pair: Pair, group: string, guard: DriveOptions['guard']): Promise<string> {
    const result = await waitFor(
      async () => {
        const now = await observePair(this.o.fleet, pair, {})
        guard?.(now)
        const g = now.groups.find((x) => x.name === group)
        const moving = (g?.instances ?? []).filter((i) => i.lifecycle === 'EnteringStandby' || PENDING_STATES.has(i.lifecycle))
        return moving.length === 0 ? { ready: true, value: moving.length } : { ready: false, value: moving.length }
      },
      { clock: this.o.clock, timeoutMs: Math.max(this.o.healthTimeoutMs, STANDBY_TIMEOUT_MS), intervalMs: this.o.pollIntervalMs, signal: this.o.signal }
    )
    if (result.done) return `settled after ${formatDuration(result.elapsedMs)}`
    if (result.why === 'aborted') throw new Cancelled(`waiting for ${group} to finish entering Standby`)
    throw new ActionError(`${group}: ${result.last} instance(s) still entering Standby or pending after ${formatDuration(result.elapsedMs)}.`)
  }
}

export class HealthWaitFailed extends ActionError {
  constructor(message: string) {
    super(message)
    this.name = 'HealthWaitFailed'
  }
}
