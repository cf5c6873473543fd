// Act: drive one pair to the end of a mode by observing, planning and performing steps until the
// plan is empty. Every wait is followed by a fresh observation, so each decision uses current state.
import type { Fleet } from './aws/port.js'
import type { Clock } from './clock.js'
import { formatDuration } from './duration.js'
import { ActionError } from './errors.js'
import { HealthCadence } from './domain/cadence.js'
import { type HealthReport, HealthTracker, MIN_BOOT_TIME_MS, UNHEALTHY_POLLS, assessHealth, describeFailures, describeNotReady } from './domain/health.js'
import type { TargetGroupHealthCheck } from './aws/port.js'
import { FINALIZING_TAG } from './domain/markers.js'
import { type Pair, PENDING_STATES, activeInstances } from './domain/model.js'
import { type Phase, classify, stillTakesTraffic } from './domain/phase.js'
import { terminationProtectionRefusal } from './domain/preflight.js'
import { type Step, describeStep, isWait } from './domain/steps.js'
import { showsWrite } from './domain/visible.js'
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
/** AWS reads may lag writes for a moment: observations wait (this long at most) until they show our writes. */
const READ_LAG_POLL_MS = 1_000
const READ_LAG_MAX_MS = 30_000
const READ_LAG_CANCELLED_MS = 5_000
/** Deregistration follows EnterStandby within moments: look again soon rather than at the poll interval. */
const DEREGISTER_POLL_MS = 1_000
/** What a light observation (observePair with `light`) does not read again. */
const NOT_IN_LIGHT_OBSERVATIONS = new Set<Step['kind']>(['move-policy', 'move-scheduled-action'])
/** Health waits look this often, at most, when targets are about to turn healthy (see HealthCadence). */
const FAST_POLL_MS = 1_000
const FAST_OBSERVATIONS_PER_SECOND = 4

export class Cancelled extends ActionError {
  constructor(what: string) {
    super(`Cancelled while ${what}.`)
    this.name = 'Cancelled'
  }
}

export class Executor {
  readonly timeline: TimelineEntry[] = []

  constructor(private readonly o: ExecutorOptions) {}

  /** Writes not yet seen in an observation, per pair (kept across drives: an abort follows a drive). */
  private readonly unseen = new Map<string, { step: Step; at: number }[]>()

  /** Observe → plan → act until the planner has nothing left; returns the final snapshot. */
  async drive(pair: Pair, planner: (phase: Phase, pair: Pair) => Step[], opts: DriveOptions = {}): Promise<Pair> {
    let current = pair
    for (let round = 0; round < MAX_ROUNDS; round++) {
      current = await this.observeCaughtUp(current, opts.guard)
      const steps = planner(classify(current), current)
      if (steps.length === 0) return current
      for (let at = 0; at < steps.length; ) {
        const step = steps[at] as Step
        // Compensating writes after a cancel still run: they are what keeps the live group safe.
        if (this.o.signal?.aborted && !opts.undo) throw new Cancelled(describeStep(step))
        const together = batchRun(steps, at)
        await this.performAll(current, together, opts.guard)
        at += together.length
        if (isWait(step)) break
      }
    }
    throw new ActionError(`${pair.base}: the plan did not settle after ${MAX_ROUNDS} rounds; something keeps changing the groups (run mode: status to see what).`)
  }

  /** Observes again, for a while, until the pair shows `reached` (a read may lag the run's last writes). */
  async settle(pair: Pair, reached: (phase: Phase) => boolean, guard?: DriveOptions['guard']): Promise<Pair> {
    const since = this.o.clock.now()
    let current = await this.observeCaughtUp(pair, guard)
    while (!reached(classify(current)) && this.o.clock.now() - since < this.lagBudgetMs()) {
      await this.o.clock.sleep(READ_LAG_POLL_MS).catch(() => undefined)
      current = await this.observeCaughtUp(current, guard)
    }
    return current
  }

  /**
   * Observes the pair until it shows every write this run made to it (AWS reads are eventually
   * consistent), for a bounded time: past it, someone else changed what we wrote, and the plan made
   * from this observation deals with it.
   */
  private async observeCaughtUp(pair: Pair, guard: DriveOptions['guard']): Promise<Pair> {
    for (;;) {
      const current = await observePair(this.o.fleet, pair)
      guard?.(current)
      if (!this.stillUnseen(current)) return current
      // Not the cancellation signal: a cancelled run still needs a true picture for its last writes.
      await this.o.clock.sleep(READ_LAG_POLL_MS).catch(() => undefined)
    }
  }

  /**
   * Whether this observation still misses writes the run made to the pair (reads lag writes). A light
   * observation (the waits' polls) carries policies and scheduled actions over from the round's snapshot,
   * so it cannot show their moves: those stay pending for the next full observation, and do not hold it.
   */
  private stillUnseen(pair: Pair, light = false): boolean {
    const now = this.o.clock.now()
    const pending = (this.unseen.get(pair.base) ?? []).filter((w) => !showsWrite(pair, w.step) && now - w.at < this.lagBudgetMs())
    this.unseen.set(pair.base, pending)
    return pending.some((w) => !(light && NOT_IN_LIGHT_OBSERVATIONS.has(w.step.kind)))
  }

  /** A cancelled job has seconds left before the runner kills it: wait less for reads to catch up. */
  private lagBudgetMs(): number {
    return this.o.signal?.aborted ? READ_LAG_CANCELLED_MS : READ_LAG_MAX_MS
  }

  /** Steps of one batch run go out together; every one is recorded, and the first failure is thrown. */
  private async performAll(pair: Pair, steps: Step[], guard: DriveOptions['guard']): Promise<void> {
    if (steps.length === 1) return this.perform(pair, steps[0] as Step, guard)
    const settled = await Promise.allSettled(steps.map((step) => this.perform(pair, step, guard)))
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }

  private async perform(pair: Pair, step: Step, guard: DriveOptions['guard']): Promise<void> {
    const startedAt = this.o.clock.now()
    const label = describeStep(step)
    this.o.log.info(`${pair.base}: ${label}`)
    try {
      const detail = await this.act(pair, step, guard)
      if (!isWait(step)) this.unseen.set(pair.base, [...(this.unseen.get(pair.base) ?? []), { step, at: this.o.clock.now() }])
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
      case 'set-image':
        return f.setImage(s.group, s.template, s.imageId)
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
      case 'check-versions':
        return this.checkVersions(pair, s)
      case 'wait-healthy':
        return this.waitHealthy(pair, s, guard)
      case 'wait-standby':
        return this.waitStandby(pair, s.group, guard)
      case 'wait-deregistering':
        return this.waitDeregistering(pair, s.group, guard)
    }
  }

  /**
   * Auto Scaling copies the group's version tag onto each instance at launch. An instance whose copy names
   * another version was launched before this run's tag reached the group: another run's deployment, whose
   * writes crossed this run's. It must not take the traffic. An instance without the tag (a group whose
   * version tag does not propagate) cannot be checked and passes.
   */
  private async checkVersions(pair: Pair, s: Extract<Step, { kind: 'check-versions' }>): Promise<string> {
    const group = pair.groups.find((g) => g.name === s.group)
    const ids = group ? activeInstances(group).map((i) => i.id) : []
    if (ids.length === 0) return 'no instance to check'
    const tags = await this.o.fleet.instanceTags(ids)
    const other = ids.filter((id) => (tags[id]?.[s.versionTagKey] ?? s.version) !== s.version)
    if (other.length > 0) {
      const versions = [...new Set(other.map((id) => tags[id]?.[s.versionTagKey]))].join(', ')
      throw new ActionError(
        `${s.group}: ${other.length} of ${ids.length} instance(s) were launched with ${s.versionTagKey}=${versions}, not ${s.version} ` +
          `(${other.slice(0, 5).join(', ')}${other.length > 5 ? ', …' : ''}): another run deployed to this group at the same moment and their writes crossed. ` +
          `Nothing was cut over to them. Let one release deploy at a time (a workflow concurrency group per service), then re-run deploy.`
      )
    }
    const unchecked = ids.filter((id) => tags[id]?.[s.versionTagKey] === undefined).length
    return unchecked === 0 ? `${ids.length} instance(s) launched with ${s.version}` : `${ids.length - unchecked} instance(s) launched with ${s.version}; ${unchecked} carry no version tag (not checked)`
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
    const checks = await this.healthChecks(s.targetGroupArns)
    const cadence = new HealthCadence({
      pollMs: this.o.pollIntervalMs,
      toHealthyMs: Math.max(0, ...Object.values(checks).map((t) => t.healthyThreshold * t.intervalSeconds * 1000)),
      fastMs: () => this.fastPollMs()
    })
    this.waits++
    const result = await waitFor<HealthReport>(
      async () => {
        const now = await observePair(this.o.fleet, pair, { activitiesOf: s.group, knownActivities: tracker.knownActivities })
        guard?.(now)
        const group = now.groups.find((g) => g.name === s.group)
        if (!group) throw new Error(`group ${s.group} left the pair`)
        cadence.note(group, s.targetGroupArns, this.o.clock.now())
        const report = assessHealth(group, s.count, s.targetGroupArns, tracker.knownActivities)
        if (report.ready) return { ready: true, value: report }
        // A read that does not show our own last writes yet (e.g. the capacity just set) judges nothing.
        if (this.stillUnseen(now, true)) return { ready: false, value: report }
        // Someone lowered the group's capacity meanwhile: waiting cannot succeed, re-planning can.
        if (group.capacity.desired < s.count) {
          this.o.log.warning(`${s.group}: desired capacity changed to ${group.capacity.desired} while waiting for ${s.count}; re-planning.`)
          return { ready: true, value: report }
        }
        const hopeless = tracker.observe(group, report, this.o.clock.now())
        return hopeless ? { ready: false, value: report, hopeless } : { ready: false, value: report }
      },
      {
        clock: this.o.clock,
        timeoutMs: this.o.healthTimeoutMs,
        intervalMs: this.o.pollIntervalMs,
        nextIntervalMs: () => cadence.nextDelayMs(this.o.clock.now()),
        signal: this.o.signal
      }
    ).finally(() => this.waits--)
    if (result.done) {
      const r = result.value
      return r.ready ? `${r.healthy}${r.unit === 'instance(s)' ? '' : ` ${r.unit}`} healthy after ${formatDuration(result.elapsedMs)} (${result.polls} checks)` : `interrupted after ${formatDuration(result.elapsedMs)}: capacity changed, re-planned`
    }
    if (result.why === 'aborted') throw new Cancelled(`waiting for ${s.group} to become healthy`)
    const r = result.last
    const counts = r ? `${r.healthy} of ${r.wanted} ${r.unit} healthy` : 'no observation'
    const launches = r && r.failedActivities.length > 0 ? `; failed launches: ${describeFailures(r.failedActivities)}` : ''
    const why = result.why === 'timeout' ? `not healthy within health-timeout ${formatDuration(this.o.healthTimeoutMs)}` : result.detail
    const seen = r && r.notReady.length > 0 ? `; not ready: ${describeNotReady(r)}` : ''
    throw new HealthWaitFailed(`${s.group}: ${why} (${counts} after ${formatDuration(result.elapsedMs)})${seen}${launches}.`)
  }

  /** Health waits in flight (one per pair being deployed or restored). */
  private waits = 0

  /**
   * The look-again delay when targets are about to turn healthy: 1 s for one pair, longer when many pairs
   * wait at once, so the run's observations stay near 4 a second (each is a few API calls, and Auto Scaling
   * throttles per account).
   */
  private fastPollMs(): number {
    return Math.max(FAST_POLL_MS, Math.max(1, this.waits) * (1000 / FAST_OBSERVATIONS_PER_SECOND))
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

  /**
   * Until traffic has left the group: right after EnterStandby, Auto Scaling deregisters each instance from
   * its target groups (a read may still show it healthy for a moment). The drain itself is not waited for.
   */
  private async waitDeregistering(pair: Pair, group: string, guard: DriveOptions['guard']): Promise<string> {
    const result = await waitFor(
      async () => {
        const now = await observePair(this.o.fleet, pair, {})
        guard?.(now)
        const g = now.groups.find((x) => x.name === group)
        const waiting = g ? g.instances.filter((i) => stillTakesTraffic(g, i)).length : 0
        // A read that does not show our own last writes yet (the instances still InService) judges nothing.
        return waiting === 0 && !this.stillUnseen(now, true) ? { ready: true, value: waiting } : { ready: false, value: waiting }
      },
      { clock: this.o.clock, timeoutMs: this.o.healthTimeoutMs, intervalMs: DEREGISTER_POLL_MS, signal: this.o.signal }
    )
    if (result.done) {
      this.trafficMovedAt.set(pair.base, this.o.clock.now())
      return `traffic moved after ${formatDuration(result.elapsedMs)}`
    }
    if (result.why === 'aborted') throw new Cancelled(`waiting for traffic to leave ${group}`)
    throw new ActionError(
      `${group}: ${result.last} instance(s) still registered in a target group or pending after ${formatDuration(result.elapsedMs)} (health-timeout); run mode: status to see them, then re-run deploy or run mode: rollback.`
    )
  }

  /** When this run last saw traffic leave a pair's previous group (the drain started at most then). */
  readonly trafficMovedAt = new Map<string, number>()

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

/** Step kinds whose consecutive batches on one group are independent calls: they go out together. */
const CONCURRENT_BATCHES = new Set<Step['kind']>(['enter-standby', 'exit-standby', 'unprotect', 'detach-dead'])
/** At most this many batch calls at once (5 × 20 instances; the SDK retries any throttling). */
const MAX_CONCURRENT_BATCHES = 5

/** The steps from `at` that run together: a run of batches of one kind on one group, or the step alone. */
function batchRun(steps: Step[], at: number): Step[] {
  const first = steps[at] as Step
  if (!CONCURRENT_BATCHES.has(first.kind)) return [first]
  const group = (s: Step): string | undefined => ('group' in s ? s.group : undefined)
  const run = [first]
  for (let i = at + 1; i < steps.length && run.length < MAX_CONCURRENT_BATCHES; i++) {
    const s = steps[i] as Step
    if (s.kind !== first.kind || group(s) !== group(first)) break
    run.push(s)
  }
  return run
}

export class HealthWaitFailed extends ActionError {
  constructor(message: string) {
    super(message)
    this.name = 'HealthWaitFailed'
  }
}
