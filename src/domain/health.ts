// Is a group ready to serve? Exactly its own instances, in every target group, never the other color's.
import { classicName } from './classic.js'
import { type Activity, type Group, LEAVING_STATES, activeInstances, unitWord, weightOf } from './model.js'
import { describeSource, isImageLaunchFailure } from './image.js'

/**
 * A launch that failed because of the image or the launch template (InvalidAMIID.*, InvalidParameter*, ...):
 * Auto Scaling retries it forever and it never succeeds, so the wait is hopeless at its first occurrence.
 */
function imageFailure(group: Group, a: Activity): string {
  const message = (a.message ?? a.description).replace(/\.\s*$/, '')
  const image = /ami-[0-9a-f]+/.exec(message)?.[0]
  const where = [group.launchTemplate ? describeSource(group.launchTemplate) : '', image ? `image ${image}` : ''].filter((x) => x !== '').join(', ')
  return (
    `a launch of ${group.name} failed because of its image or launch template${where ? ` (${where})` : ''}: ${message}. ` +
    'Retrying cannot help: check that the image exists in this region, is available (not pending or disabled) and shared with this account, that its architecture matches every instance type the group launches, and that the template version is valid, then deploy again'
  )
}

export interface NotReady {
  instanceId: string
  lifecycle: string
  /**
   * Target group ARN (or Classic LB key, domain/classic.ts) → state (with reason code) for every target
   * group or Classic LB where it is not healthy.
   */
  targets: { targetGroupArn: string; state: string; reason?: string; description?: string }[]
}

export interface HealthReport {
  ready: boolean
  /** Healthy capacity: instances, or the sum of their weights in a group that counts units. */
  healthy: number
  /** Capacity wanted, in the group's unit (instances unless it counts units). */
  wanted: number
  /** What `healthy` and `wanted` count, for messages: `instance(s)`, `capacity unit(s)`, `vCPU(s)`, `MiB`. */
  unit: string
  notReady: NotReady[]
  /** Instances that are `unhealthy` in at least one target group right now. */
  unhealthy: string[]
  /** Failed scaling activities that were not there when the wait began. */
  failedActivities: Activity[]
}

/**
 * `knownActivities`: ids of the activities seen before the wait began. Comparing ids rather than
 * times keeps the runner's clock out of it.
 */
export function assessHealth(group: Group, wanted: number, targetGroupArns: string[], knownActivities: ReadonlySet<string> = new Set()): HealthReport {
  const notReady: NotReady[] = []
  const unhealthy: string[] = []
  let healthy = 0
  for (const inst of activeInstances(group)) {
    const targets = targetGroupArns
      .map((arn) => ({ targetGroupArn: arn, ...(inst.targets[arn] ?? { state: 'unused', reason: classicName(arn) === undefined ? 'Target.NotRegistered' : 'not registered' }) }))
      .filter((t) => t.state !== 'healthy')
    if (inst.lifecycle === 'InService' && targets.length === 0) {
      // Units: a weighted instance counts its weight (Auto Scaling may overshoot the desired units: fine).
      healthy += weightOf(inst)
      continue
    }
    if (targets.some((t) => t.state === 'unhealthy')) unhealthy.push(inst.id)
    notReady.push({ instanceId: inst.id, lifecycle: inst.lifecycle, targets })
  }
  const failedActivities = group.activities.filter((a) => a.status === 'Failed' && !knownActivities.has(a.id))
  return {
    ready: healthy >= wanted && notReady.length === 0,
    healthy,
    wanted,
    unit: unitWord(group),
    notReady,
    unhealthy,
    failedActivities
  }
}

/**
 * The instances not ready, grouped by what is wrong, each kind once with its instance ids capped, e.g.
 * `6 InService: unhealthy Target.ResponseCodeMismatch "Health checks failed with these codes: [502]" (i-1, i-2, i-3 and 3 more)`.
 */
export function describeNotReady(report: HealthReport, idLimit = 3): string {
  const byKind = new Map<string, string[]>()
  for (const n of report.notReady) {
    const t = n.targets
      .map((x) => `${where(x.targetGroupArn)}${x.state}${x.reason ? ` ${x.reason}` : ''}${x.description ? ` "${x.description}"` : ''}`)
      .join('; ')
    const kind = t ? `${n.lifecycle}: ${t}` : n.lifecycle
    byKind.set(kind, [...(byKind.get(kind) ?? []), n.instanceId])
  }
  return [...byKind].map(([kind, ids]) => `${ids.length} ${kind} (${capped(ids, idLimit)})`).join('; ')
}

/** The counts a wait's progress line shows: healthy (of wanted, when it wants a number), then the others by state (no ids, no descriptions). */
export function describeProgress(report: HealthReport): string {
  const counts = new Map<string, number>()
  for (const n of report.notReady) {
    const state = n.targets.length === 0 ? n.lifecycle : [...new Set(n.targets.map((x) => `${x.state}${x.reason ? ` (${x.reason})` : ''}`))].join(' / ')
    counts.set(state, (counts.get(state) ?? 0) + 1)
  }
  const others = [...counts].map(([state, n]) => `${n} ${state}`)
  const healthy = report.wanted > 0 ? `${report.healthy} of ${report.wanted} ${report.unit} healthy` : `${report.healthy} ${report.unit} healthy`
  return [healthy, ...others].join(', ')
}

/** `a, b, c and 3 more`: at most `limit` items named. */
export function capped(ids: string[], limit = 3): string {
  return ids.length <= limit ? ids.join(', ') : `${ids.slice(0, limit).join(', ')} and ${ids.length - limit} more`
}

/** Classic LBs are named ("in Classic LB web: "); target groups, the usual case, are not. */
function where(key: string): string {
  const lb = classicName(key)
  return lb === undefined ? '' : `in Classic LB ${lb}: `
}

/** A target that stays `unhealthy` this many polls in a row (and past the boot time) will not recover in time. */
export const UNHEALTHY_POLLS = 3
/** The least time a booting app is given before its failing health checks count (AWS's console default grace). */
export const MIN_BOOT_TIME_MS = 5 * 60_000
/** A launch failure that repeats identically this often is a configuration error, not bad luck. */
export const LAUNCH_FAILURE_REPEATS = 3

/**
 * Launch failures Auto Scaling retries by itself (in another zone where it can): capacity, not
 * configuration. They never end a wait early; the timeout reports them.
 */
const TRANSIENT_LAUNCH_FAILURE = /InsufficientInstanceCapacity|insufficient capacity|do not have sufficient|capacity-not-available|SpotMaxPriceTooLow|MaxSpotInstanceCountExceeded|InsufficientFreeAddressesInSubnet|RequestLimitExceeded|Throttling|temporarily unavailable/i

export function isTransientLaunchFailure(message: string): boolean {
  return TRANSIENT_LAUNCH_FAILURE.test(message)
}

export function describeFailures(activities: Activity[], limit = 3): string {
  const counts = new Map<string, number>()
  for (const a of activities) {
    const m = a.message ?? a.description
    counts.set(m, (counts.get(m) ?? 0) + 1)
  }
  return [...counts.entries()]
    .slice(0, limit)
    .map(([m, n]) => (n > 1 ? `${m} (${n} times)` : m))
    .join(' | ')
}

export interface TrackerOptions {
  knownActivities: ReadonlySet<string>
  bootTimeMs: number
  unhealthyPolls: number
  /** Never give up on an instance early (a rollback restoring the previous version). */
  patient: boolean
}

/**
 * Decides, poll after poll, whether a health wait is hopeless: a launch failure that repeats identically
 * (not a capacity shortage Auto Scaling retries), an instance Auto Scaling took out of service, or an
 * instance still `unhealthy` after the time a booting app may take and several checks in a row.
 */
export class HealthTracker {
  readonly knownActivities: ReadonlySet<string>
  private readonly firstSeen = new Map<string, number>()
  private readonly streak = new Map<string, number>()
  private readonly missing = new Map<string, number>()
  /** Unhealthy at its last observation while in service. */
  private readonly wasUnhealthy = new Set<string>()
  /** Taken away by AWS (excuse): never blamed. */
  private readonly excused = new Set<string>()

  constructor(private readonly o: TrackerOptions) {
    this.knownActivities = o.knownActivities
  }

  /**
   * The instances this poll would blame (replaced after failed health checks, or stuck unhealthy), without
   * recording the poll: the caller asks EC2 whether AWS took them away (domain/interruption.ts) and excuses
   * those before `observe` judges.
   */
  suspects(group: Group, report: HealthReport, now: number): string[] {
    if (this.o.patient) return []
    const active = new Set(activeInstances(group).map((i) => i.id))
    const missing = (id: string): number => (active.has(id) ? 0 : (this.missing.get(id) ?? 0) + 1)
    const streak = (id: string): number => (this.streak.get(id) ?? 0) + 1
    return [...new Set([...this.replacedIds(group, missing), ...this.stuckIds(report, now, streak)])]
  }

  /** AWS took this instance away (a Spot interruption, a retirement): never counted against the release. */
  excuse(id: string): void {
    this.excused.add(id)
    for (const m of [this.firstSeen, this.streak, this.missing]) m.delete(id)
    this.wasUnhealthy.delete(id)
  }

  observe(group: Group, report: HealthReport, now: number): string | undefined {
    const broken = this.o.patient ? undefined : report.failedActivities.find((a) => isImageLaunchFailure(a.message ?? a.description))
    if (broken) return imageFailure(group, broken)
    const repeated = this.repeatedFailure(report.failedActivities)
    if (repeated) return `launches failed ${repeated.count} times with the same error: ${repeated.message}`
    if (this.o.patient) return undefined
    const active = new Set(activeInstances(group).map((i) => i.id).filter((id) => !this.excused.has(id)))
    const unhealthy = report.unhealthy.filter((id) => !this.excused.has(id))
    // Out of service: seen leaving, or missing from two reads in a row (one read may lag a launch).
    for (const id of this.firstSeen.keys()) this.missing.set(id, active.has(id) ? 0 : (this.missing.get(id) ?? 0) + 1)
    // Replaced after failing its health checks: Auto Scaling gave up on it. (One terminated by someone
    // else while it booted is simply replaced: keep waiting for the replacement. One AWS took away after
    // its target failed, a Spot interruption, is excused before this by the caller.)
    const replaced = this.replacedIds(group, (id) => this.missing.get(id) ?? 0)
    if (replaced.length > 0) {
      const why = group.activities.find((a) => replaced.some((id) => a.description.includes(id)))
      return `Auto Scaling replaced ${replaced.slice(0, 5).join(', ')} after failed health checks${why ? ` ("${why.description}"${why.message ? `: ${why.message}` : ''})` : ''}`
    }
    for (const id of unhealthy) this.wasUnhealthy.add(id)
    for (const id of active) if (!unhealthy.includes(id)) this.wasUnhealthy.delete(id)
    for (const id of active) if (!this.firstSeen.has(id)) this.firstSeen.set(id, now)
    for (const id of [...this.streak.keys()]) if (!unhealthy.includes(id)) this.streak.delete(id)
    for (const id of unhealthy) this.streak.set(id, (this.streak.get(id) ?? 0) + 1)
    const stuck = this.stuckIds({ ...report, unhealthy }, now, (id) => this.streak.get(id) ?? 0)
    if (stuck.length > 0) {
      return `${stuck.length} instance(s) still unhealthy ${Math.round(this.o.bootTimeMs / 1000)} s after they appeared (boot-grace), ${this.o.unhealthyPolls} checks in a row`
    }
    return undefined
  }

  /** Seen unhealthy, now leaving the group or missing from two reads in a row (`missing`). */
  private replacedIds(group: Group, missing: (id: string) => number): string[] {
    const leaving = new Set(group.instances.filter((i) => LEAVING_STATES.has(i.lifecycle)).map((i) => i.id))
    return [...this.firstSeen.keys()].filter((id) => !this.excused.has(id) && this.wasUnhealthy.has(id) && (leaving.has(id) || missing(id) >= 2))
  }

  /** Unhealthy `streak` polls in a row, and past the boot time. */
  private stuckIds(report: HealthReport, now: number, streak: (id: string) => number): string[] {
    return report.unhealthy.filter(
      (id) => !this.excused.has(id) && streak(id) >= this.o.unhealthyPolls && now - (this.firstSeen.get(id) ?? now) >= this.o.bootTimeMs
    )
  }

  private repeatedFailure(failed: Activity[]): { message: string; count: number } | undefined {
    const counts = new Map<string, number>()
    for (const a of failed) {
      const m = a.message ?? a.description
      if (isTransientLaunchFailure(m)) continue
      counts.set(m, (counts.get(m) ?? 0) + 1)
    }
    for (const [message, count] of counts) if (count >= LAUNCH_FAILURE_REPEATS) return { message, count }
    return undefined
  }
}
