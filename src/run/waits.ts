// The three waits of a plan, each a bounded poll of fresh (light) observations: new instances healthy,
// traffic gone from the old group, old instances settled in Standby.
import type { Fleet } from '../aws/port.js'
import type { Clock } from '../clock.js'
import { ActivityLog } from '../domain/activities.js'
import { HealthCadence } from '../domain/cadence.js'
import { type HealthReport, HealthTracker, MIN_BOOT_TIME_MS, UNHEALTHY_POLLS, assessHealth, describeFailures, describeNotReady, describeProgress } from '../domain/health.js'
import { type Interruption, describeInterruptions } from '../domain/interruption.js'
import { type Group, type Pair, PENDING_STATES } from '../domain/model.js'
import { stillTakesTraffic } from '../domain/phase.js'
import type { Step } from '../domain/steps.js'
import { formatDuration } from '../duration.js'
import { ActionError, Cancelled } from '../errors.js'
import type { Logger } from '../log.js'
import type { Guard } from './guard.js'
import { takenAwayByAws } from './interruptions.js'
import { observePair } from './observe.js'
import { Progress } from './progress.js'
import { waitFor } from './poll.js'
import type { UnseenWrites } from './unseen.js'

export interface WaitsOptions {
  fleet: Fleet
  clock: Clock
  log: Logger
  healthTimeoutMs: number
  pollIntervalMs: number
  /** How long a new instance may fail health checks while it boots; undefined = derived from AWS settings. */
  bootTimeMs?: number | undefined
  signal?: AbortSignal | undefined
  /** The run's writes not yet seen: a poll that does not show them judges nothing. */
  writes: UnseenWrites
}

/** Entering Standby lasts the target groups' deregistration delay, at most 3600 s. */
const STANDBY_TIMEOUT_MS = 65 * 60_000
/** Deregistration follows EnterStandby within moments: look again soon rather than at the poll interval. */
const DEREGISTER_POLL_MS = 1_000
/** Health waits look this often, at most, when targets are about to turn healthy (see HealthCadence). */
const FAST_POLL_MS = 1_000
/**
 * Fast looks of the whole run per second, at most. A fast look reads one target group's health (one ELB
 * DescribeTargetHealth per target group); the pairs' group reads of a moment are one shared call, and the
 * scaling activities wait for the poll interval. ELB refills its account bucket of Describe calls at 10 a
 * second (ELB user guide, "Request throttling for the Elastic Load Balancing API"): 8 leaves room for the rest.
 */
const FAST_OBSERVATIONS_PER_SECOND = 8

/**
 * New weights apply a moment after the write ("Rule updates do not take effect immediately, so requests could
 * be routed using the previous rule configuration for a short time": ELB user guide, edit a listener rule):
 * stickiness counts from then.
 */
const WEIGHTS_APPLY_MS = 5_000

export class HealthWaitFailed extends ActionError {
  constructor(message: string) {
    super(message)
    this.name = 'HealthWaitFailed'
  }
}

export class Waits {
  /** When this run last saw traffic leave a pair's previous group (the drain started at most then). */
  readonly trafficMovedAt = new Map<string, number>()
  /** When this run last wrote a pair's weights (or first waited for its stickiness without having written them). */
  private readonly weightsMovedAt = new Map<string, number>()
  /** Health waits in flight (one per pair being deployed or restored). */
  private waits = 0
  /** Per pair, the look that ended its last health wait (lastLook). */
  private readonly looks = new Map<string, Pair>()

  constructor(private readonly o: WaitsOptions) {}

  /**
   * The look (groups and target health) that found the pair's last health wait done, once: the next round
   * completes it (observe.ts completeLook) instead of reading the groups and target health again.
   */
  lastLook(base: string): Pair | undefined {
    const look = this.looks.get(base)
    this.looks.delete(base)
    return look
  }

  weightsMoved(base: string): void {
    this.weightsMovedAt.set(base, this.o.clock.now())
  }

  /**
   * Until this run's weight writes have applied, and the stickiness passed (a run that did not write them
   * counts from its first wait). A stickiness longer than the health timeout is not waited for: the step says
   * what that means.
   */
  async weightsApplied(pair: Pair, s: Extract<Step, { kind: 'wait-weights' }>): Promise<string> {
    const now = this.o.clock.now()
    const since = this.weightsMovedAt.get(pair.base) ?? now
    this.weightsMovedAt.set(pair.base, since)
    const applied = since + WEIGHTS_APPLY_MS - now
    const left = applied + (s.stickySeconds ?? 0) * 1000
    if (left <= 0) return 'applied'
    if (left > this.o.healthTimeoutMs) {
      this.o.log.warning(
        `${pair.base}: target group stickiness keeps clients on ${s.group} for up to ${formatDuration(left)} more, longer than health-timeout (${formatDuration(this.o.healthTimeoutMs)}): ` +
          `it scales in once the weights apply, and those clients reach a target group without instances until their stickiness ends. Shorten the stickiness duration, or raise health-timeout, to avoid it.`
      )
      if (applied > 0) await this.o.clock.sleep(applied, this.o.signal)
      return `stickiness not waited for (${formatDuration(left)} left, over health-timeout)`
    }
    this.o.log.info(`${pair.base}: waiting ${formatDuration(left)} for the new weights to apply${s.stickySeconds ? ' and sticky clients to leave' : ''} before ${s.group} scales in.`)
    await this.o.clock.sleep(left, this.o.signal)
    return `waited ${formatDuration(left)}`
  }

  async healthy(pair: Pair, s: Extract<Step, { kind: 'wait-healthy' }>, guard: Guard | undefined): Promise<string> {
    // The snapshot this round began with was observed before this round's writes: its activities are old.
    const start = pair.groups.find((g) => g.name === s.group)
    const log = new ActivityLog(new Set(start?.activities.map((a) => a.id) ?? []))
    const tracker = new HealthTracker({
      knownActivities: log.before,
      bootTimeMs: this.o.bootTimeMs ?? (await this.autoBootTimeMs(start, s.targetGroupArns)),
      unhealthyPolls: UNHEALTHY_POLLS,
      // A restore (rollback) never gives up early on an instance: only the timeout ends it.
      patient: s.purpose === 'restore'
    })
    const checks = await this.o.fleet.targetGroupHealthChecks(s.targetGroupArns)
    const cadence = new HealthCadence({
      pollMs: this.o.pollIntervalMs,
      toHealthyMs: Math.max(0, ...Object.values(checks).map((t) => t.healthyThreshold * t.intervalSeconds * 1000)),
      fastMs: () => this.fastPollMs()
    })
    const interrupted: Interruption[] = []
    const progress = new Progress(this.o.log, this.o.clock, `${pair.base}: ${s.group} healthy`, this.o.healthTimeoutMs)
    // Scaling activities (failed launches) are read at the poll interval, not at every fast look.
    let activities: { readAt: number; items: Group['activities'] } | undefined
    let present = new Set(start?.instances.map((i) => i.id))
    this.waits++
    const result = await waitFor<HealthReport>(
      async () => {
        const due = !activities || this.o.clock.now() - activities.readAt >= this.o.pollIntervalMs
        const readAt = this.o.clock.now()
        const now = await observePair(this.o.fleet, pair, due ? { activitiesOf: s.group, bookmark: log.bookmark(present) } : {})
        guard?.(now)
        const seen = now.groups.find((g) => g.name === s.group)
        if (!seen) throw new Error(`group ${s.group} left the pair`)
        present = new Set(seen.instances.map((i) => i.id))
        if (due || !activities) activities = { readAt, items: log.note(seen.activities) }
        const group = { ...seen, activities: activities.items }
        cadence.note(group, s.targetGroupArns, this.o.clock.now())
        const report = assessHealth(group, s.count, s.targetGroupArns, tracker.knownActivities)
        progress.note(describeProgress(report))
        if (report.ready) {
          this.looks.set(pair.base, now)
          return { ready: true, value: report }
        }
        // A read that does not show our own last writes yet (e.g. the capacity just set) judges nothing.
        if (this.o.writes.stillUnseen(now, true)) return { ready: false, value: report }
        // Someone lowered the group's capacity meanwhile: waiting cannot succeed, re-planning can.
        if (group.capacity.desired < s.count) {
          this.o.log.warning(`${s.group}: desired capacity changed to ${group.capacity.desired} while waiting for ${s.count}; re-planning.`)
          return { ready: true, value: report }
        }
        // An instance AWS took away (Spot interruption, retirement) is not the release's: wait for its replacement.
        for (const i of await takenAwayByAws(this.o.fleet, tracker.suspects(group, report, this.o.clock.now()))) {
          tracker.excuse(i.instanceId)
          interrupted.push(i)
          this.o.log.warning(
            `${s.group}: ${i.instanceId} was taken away by AWS (${i.why}); not counted against the release: waiting for Auto Scaling to replace it within health-timeout.`
          )
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
      const lost = interrupted.length > 0 ? `; AWS took away ${describeInterruptions(interrupted)}, replaced` : ''
      return r.ready ? `${r.healthy}${r.unit === 'instance(s)' ? '' : ` ${r.unit}`} healthy after ${formatDuration(result.elapsedMs)} (${result.polls} checks)${lost}` : `interrupted after ${formatDuration(result.elapsedMs)}: capacity changed, re-planned`
    }
    if (result.why === 'aborted') throw new Cancelled(`waiting for ${s.group} to become healthy`)
    const r = result.last
    const counts = r ? `${r.healthy} of ${r.wanted} ${r.unit} healthy` : 'no observation'
    const launches = r && r.failedActivities.length > 0 ? `; failed launches: ${describeFailures(r.failedActivities)}` : ''
    const why = result.why === 'timeout' ? `not healthy within health-timeout ${formatDuration(this.o.healthTimeoutMs)}` : result.detail
    const seen = r && r.notReady.length > 0 ? `; not ready: ${describeNotReady(r)}` : ''
    const lost = interrupted.length > 0 ? `; AWS took away ${describeInterruptions(interrupted)} meanwhile (not counted against the release)` : ''
    throw new HealthWaitFailed(`${s.group}: ${why} (${counts} after ${formatDuration(result.elapsedMs)})${seen}${launches}${lost}.`)
  }

  /**
   * Until traffic has left the group: right after EnterStandby, Auto Scaling deregisters each instance from
   * its target groups (a read may still show it healthy for a moment). The drain itself is not waited for.
   */
  async deregistering(pair: Pair, group: string, guard: Guard | undefined): Promise<string> {
    const progress = new Progress(this.o.log, this.o.clock, `${pair.base}: traffic leaving ${group}`, this.o.healthTimeoutMs)
    const result = await waitFor(
      async () => {
        const now = await observePair(this.o.fleet, pair, {})
        guard?.(now)
        const g = now.groups.find((x) => x.name === group)
        const waiting = g ? g.instances.filter((i) => stillTakesTraffic(g, i)).length : 0
        progress.note(`${waiting} instance(s) still registered or pending`)
        // A read that does not show our own last writes yet (the instances still InService) judges nothing.
        return waiting === 0 && !this.o.writes.stillUnseen(now, true) ? { ready: true, value: waiting } : { ready: false, value: waiting }
      },
      { clock: this.o.clock, timeoutMs: this.o.healthTimeoutMs, intervalMs: DEREGISTER_POLL_MS, signal: this.o.signal }
    )
    if (result.done) {
      this.trafficMovedAt.set(pair.base, this.o.clock.now())
      const took = formatDuration(result.elapsedMs)
      // An ALB sends a deregistering target no new requests: traffic moved. An NLB may for a few minutes.
      if (!(await this.behindNetworkLoadBalancer(pair, group))) return `traffic moved after ${took}`
      return `deregistered from the load balancer after ${took}; a Network Load Balancer may still send them new connections for a few minutes`
    }
    if (result.why === 'aborted') throw new Cancelled(`waiting for traffic to leave ${group}`)
    throw new ActionError(
      `${group}: ${result.last} instance(s) still registered in a target group or pending after ${formatDuration(result.elapsedMs)} (health-timeout); run mode: status to see them, then re-run deploy or run mode: rollback.`
    )
  }

  /** `first`: until one instance that was entering Standby when the wait began has reached it (or none is left). */
  async standby(pair: Pair, group: string, guard: Guard | undefined, first = false): Promise<string> {
    const entering = new Set(pair.groups.find((x) => x.name === group)?.instances.filter((i) => i.lifecycle === 'EnteringStandby').map((i) => i.id))
    const timeoutMs = Math.max(this.o.healthTimeoutMs, STANDBY_TIMEOUT_MS)
    const progress = new Progress(this.o.log, this.o.clock, `${pair.base}: ${group} settling in Standby`, timeoutMs)
    const result = await waitFor(
      async () => {
        const now = await observePair(this.o.fleet, pair, {})
        guard?.(now)
        const g = now.groups.find((x) => x.name === group)
        const moving = (g?.instances ?? []).filter((i) => i.lifecycle === 'EnteringStandby' || PENDING_STATES.has(i.lifecycle))
        const arrived = first && (g?.instances ?? []).some((i) => entering.has(i.id) && i.lifecycle === 'Standby')
        progress.note(`${moving.length} instance(s) still entering Standby (draining) or pending`)
        return moving.length === 0 || arrived ? { ready: true, value: moving.length } : { ready: false, value: moving.length }
      },
      { clock: this.o.clock, timeoutMs, intervalMs: this.o.pollIntervalMs, signal: this.o.signal }
    )
    if (result.done) return `settled after ${formatDuration(result.elapsedMs)}`
    if (result.why === 'aborted') throw new Cancelled(`waiting for ${group} to finish entering Standby`)
    throw new ActionError(`${group}: ${result.last} instance(s) still entering Standby or pending after ${formatDuration(result.elapsedMs)}.`)
  }

  /**
   * The look-again delay when targets are about to turn healthy: 1 s for up to 8 pairs, longer when more
   * wait at once, so the run's fast looks stay near FAST_OBSERVATIONS_PER_SECOND.
   */
  private fastPollMs(): number {
    return Math.max(FAST_POLL_MS, Math.max(1, this.waits) * (1000 / FAST_OBSERVATIONS_PER_SECOND))
  }

  /**
   * How long a booting app may legitimately fail its health checks: the group's health-check grace period
   * (at least 5 minutes), plus the time the slowest target group needs to see it healthy once it answers.
   */
  private async autoBootTimeMs(group: Pair['groups'][number] | undefined, targetGroupArns: string[]): Promise<number> {
    const settings = await this.o.fleet.targetGroupHealthChecks(targetGroupArns)
    const toHealthy = Math.max(0, ...Object.values(settings).map((t) => t.healthyThreshold * t.intervalSeconds * 1000))
    return Math.max((group?.healthCheckGracePeriodSeconds ?? 0) * 1000, MIN_BOOT_TIME_MS) + toHealthy
  }

  /** Whether the group's target groups include an NLB's (DescribeTargetGroups, cached); unknown counts as one. */
  private async behindNetworkLoadBalancer(pair: Pair, group: string): Promise<boolean> {
    const arns = pair.groups.find((g) => g.name === group)?.targetGroupArns ?? []
    if (arns.length === 0) return false
    try {
      const kinds = await this.o.fleet.targetGroupHealthChecks(arns)
      return arns.some((a) => kinds[a] === undefined || kinds[a]?.network === true)
    } catch {
      return true
    }
  }
}
