// Act: drive one pair to the end of a mode by observing, planning and performing steps until the
// plan is empty. Every wait is followed by a fresh observation, so each decision uses current state.
import type { Fleet } from '../aws/port.js'
import type { Clock } from '../clock.js'
import type { Group, Pair } from '../domain/model.js'
import { type Phase, classify } from '../domain/phase.js'
import { type Step, describeStep, isWait } from '../domain/steps.js'
import { ActionError, AwsCallFailed, Cancelled, errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import { act } from './act.js'
import { TargetDeregistration } from './deregister.js'
import type { Guard } from './guard.js'
import { ProtectionReads } from './protection.js'
import { completeLook, observePair } from './observe.js'
import type { TimelineEntry } from './result.js'
import { UnseenWrites } from './unseen.js'
import { Waits } from './waits.js'

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
  guard?: Guard
}

export type Planner = (phase: Phase, pair: Pair) => Step[]

const MAX_ROUNDS = 40
/** How often a settle looks again while a read lags the run's last writes. */
const READ_LAG_POLL_MS = 1_000
/** How often a run re-observes and carries on after an AWS call failed (beyond the SDK's own retries). */
const RESUME_ATTEMPTS = 3
const RESUME_DELAY_MS = 5_000

export class Executor {
  readonly timeline: TimelineEntry[] = []
  /**
   * A run of one pair folds its log per phase (start, each wait, cutover, finish, bake); the lines of several
   * pairs interleave, and the runner cannot fold those apart.
   */
  foldPhases = false
  private readonly writes: UnseenWrites
  private readonly waits: Waits
  private readonly deregistration: TargetDeregistration
  private openSection: string | undefined
  /** Per pair, the phase its writes belong to: before any wait, after a health wait, after a drain. */
  private readonly writePhase = new Map<string, string>()

  constructor(private readonly o: ExecutorOptions) {
    this.writes = new UnseenWrites(o.clock, o.signal)
    this.waits = new Waits({ ...o, writes: this.writes })
    this.deregistration = new TargetDeregistration(o.fleet, o.log)
  }

  /** When this run last saw traffic leave a pair's previous group (the drain started at most then). */
  get trafficMovedAt(): ReadonlyMap<string, number> {
    return this.waits.trafficMovedAt
  }

  /** The pair enters phase `name` (a bake, a return to the previous state): its next writes are logged under it. */
  phase(base: string, name: string): void {
    this.writePhase.set(base, name)
    this.section(base, name)
  }

  /** Opens the log section `name` of the pair, when the run folds its log per phase. */
  private section(base: string, name: string): void {
    const full = `${base}: ${name}`
    if (!this.foldPhases || full === this.openSection) return
    this.openSection = full
    this.o.log.section?.(full)
  }

  /** Closes the last section, so that the run's result lines stand outside every fold. */
  endSections(): void {
    if (this.openSection === undefined) return
    this.openSection = undefined
    this.o.log.section?.(undefined)
  }

  /** Observe → plan → act until the planner has nothing left; returns the final snapshot. */
  async drive(pair: Pair, planner: Planner, opts: DriveOptions = {}): Promise<Pair> {
    let current = pair
    let looked: Pair | undefined
    for (let round = 0; round < MAX_ROUNDS; round++) {
      current = looked ? await this.completeCaughtUp(looked, opts.guard) : await this.observeCaughtUp(current, opts.guard)
      looked = undefined
      const steps = planner(classify(current), current)
      if (steps.length === 0) return current
      current = await this.withWaitedActivities(current, steps)
      const protection = new ProtectionReads(this.o.fleet, steps)
      const deregistering: Promise<void>[] = []
      try {
        for (let at = 0; at < steps.length; ) {
          const step = steps[at] as Step
          // Compensating writes after a cancel still run: they are what keeps the live group safe.
          if (this.o.signal?.aborted && !opts.undo) throw new Cancelled(describeStep(step))
          const together = batchRun(steps, at)
          await this.performAll(current, together, opts.guard, protection, deregistering)
          at += together.length
          if (isWait(step)) {
            if (step.kind === 'wait-healthy') looked = this.waits.lastLook(pair.base)
            break
          }
        }
      } finally {
        await Promise.all([protection.settled(), ...deregistering])
      }
    }
    throw new ActionError(`${pair.base}: the plan did not settle after ${MAX_ROUNDS} rounds; something keeps changing the groups (run mode: status to see what).`)
  }

  /** Drives, and after an AWS call that failed beyond the SDK's retries, observes again and carries on. */
  async driveResumably(pair: Pair, planner: Planner, guard: Guard): Promise<Pair> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.drive(pair, planner, { guard })
      } catch (err) {
        // Plans are made from observed state, so picking up after a failed call is always safe.
        if (!(err instanceof AwsCallFailed) || attempt >= RESUME_ATTEMPTS) throw err
        this.o.log.warning(`${pair.base}: ${errorMessage(err)}; observing again and carrying on (attempt ${attempt + 1} of ${RESUME_ATTEMPTS}).`)
        await this.o.clock.sleep(RESUME_DELAY_MS).catch(() => undefined)
      }
    }
  }

  /**
   * The end state of a drive: its last observation (made after its last writes, and showing them) unless
   * that does not show `reached`; then observes again, for a while (a read may lag the run's last writes).
   */
  async settle(driven: Pair, reached: (phase: Phase) => boolean, guard?: Guard): Promise<Pair> {
    const since = this.o.clock.now()
    let current = driven
    while (!reached(classify(current)) && this.o.clock.now() - since < this.writes.lagBudgetMs()) {
      if (current !== driven) await this.o.clock.sleep(READ_LAG_POLL_MS).catch(() => undefined)
      current = await this.observeCaughtUp(current, guard)
    }
    return current
  }

  /**
   * A health wait's last look, which found it done, made the round's snapshot: completed with the groups'
   * details (the groups and target health are not read again, ~0.3 s and one DescribeTargetHealth per target
   * group sooner at cutover). Observes afresh where it does not show every write of the run.
   */
  private async completeCaughtUp(light: Pair, guard: Guard | undefined): Promise<Pair> {
    if (this.writes.stillUnseen(light, true)) return this.observeCaughtUp(light, guard)
    const current = await completeLook(this.o.fleet, light)
    guard?.(current)
    return this.writes.stillUnseen(current) ? this.observeCaughtUp(current, guard) : current
  }

  /**
   * Observes the pair until it shows every write this run made to it (AWS reads are eventually
   * consistent), for a bounded time: past it, someone else changed what we wrote, and the plan made
   * from this observation deals with it.
   */
  private async observeCaughtUp(pair: Pair, guard: Guard | undefined): Promise<Pair> {
    for (;;) {
      // While a light look (groups and target health) misses the run's writes, a full one would too.
      if (this.writes.anyUnseen(pair.base)) {
        const light = await observePair(this.o.fleet, pair, {})
        guard?.(light)
        if (this.writes.stillUnseen(light, true)) {
          await this.o.clock.sleep(READ_LAG_POLL_MS).catch(() => undefined)
          continue
        }
      }
      const current = await observePair(this.o.fleet, pair)
      guard?.(current)
      if (!this.writes.stillUnseen(current)) return current
      // Not the cancellation signal: a cancelled run still needs a true picture for its last writes.
      await this.o.clock.sleep(READ_LAG_POLL_MS).catch(() => undefined)
    }
  }

  /**
   * A health wait tells the launches this round's writes cause from those before by the scaling activities
   * known when the round began: read them now, before the writes, for each group the round waits on.
   */
  private async withWaitedActivities(pair: Pair, steps: Step[]): Promise<Pair> {
    const waited = new Set(steps.flatMap((s) => (s.kind === 'wait-healthy' ? [s.group] : [])))
    if (waited.size === 0) return pair
    const groups = await Promise.all(pair.groups.map(async (g) => (waited.has(g.name) ? { ...g, activities: await this.o.fleet.activities(g.name) } : g)))
    return { ...pair, groups: groups as [Group, Group] }
  }

  /**
   * Steps of one batch run go out together; every one is recorded, and the first failure is thrown. The
   * instances of a run of EnterStandby batches that succeeded then leave their target groups in one call per
   * target group (TargetDeregistration, which never throws), while the round goes on: `deregistering` holds it.
   */
  private async performAll(pair: Pair, steps: Step[], guard: Guard | undefined, protection: ProtectionReads, deregistering: Promise<void>[]): Promise<void> {
    const settled = await Promise.allSettled(steps.map((step) => this.perform(pair, step, guard, protection)))
    const entered = steps.flatMap((s, n) => (s.kind === 'enter-standby' && settled[n]?.status === 'fulfilled' ? [s] : []))
    const first = entered[0]
    if (first) {
      const ids = entered.flatMap((s) => s.instanceIds)
      deregistering.push(
        this.deregistration.afterStandby(pair, first.group, ids).then((done) => {
          if (done) this.o.log.info(`${pair.base}: ${ids.length} instance(s) of ${first.group} ${done}`)
        })
      )
    }
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }

  private async perform(pair: Pair, step: Step, guard: Guard | undefined, protection: ProtectionReads): Promise<void> {
    const startedAt = this.o.clock.now()
    const label = describeStep(step)
    this.section(pair.base, this.phaseOf(pair.base, step))
    this.o.log.info(`${pair.base}: ${label}`)
    try {
      const detail = await act(this.o.fleet, this.waits, pair, step, guard, protection)
      if (!isWait(step)) this.writes.record(pair.base, step)
      this.timeline.push({ pair: pair.base, step: label, startedAt, durationMs: this.o.clock.now() - startedAt, outcome: 'done', ...(detail ? { detail } : {}) })
    } catch (err) {
      this.timeline.push({ pair: pair.base, step: label, startedAt, durationMs: this.o.clock.now() - startedAt, outcome: 'failed', detail: (err as Error).message })
      throw err
    }
  }

  /** The log section a step belongs to: each wait its own, the writes named by the wait they follow. */
  private phaseOf(base: string, step: Step): string {
    switch (step.kind) {
      case 'wait-healthy':
        this.writePhase.set(base, 'cutover')
        return `wait until ${step.group} is healthy`
      case 'wait-deregistering':
      case 'wait-standby':
        this.writePhase.set(base, 'finish')
        return `wait for traffic to leave ${step.group}`
      case 'wait-weights':
        this.writePhase.set(base, 'finish')
        return 'wait for the new weights to apply'
      default:
        return this.writePhase.get(base) ?? 'start'
    }
  }
}

/** Step kinds whose consecutive batches on one group are independent calls: they go out together. */
const CONCURRENT_BATCHES = new Set<Step['kind']>(['enter-standby', 'exit-standby', 'unprotect', 'detach-dead'])
/**
 * At most this many batch calls at once (10 × 20 instances: a group of 200 moves to Standby in one go; a
 * quarter of the Auto Scaling bucket assumed, and the SDK retries any throttling).
 */
const MAX_CONCURRENT_BATCHES = 10

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
