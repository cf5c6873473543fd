// The bake's decisions, pure: which alarms refuse a deploy before it starts, which alarm state or
// target health during the bake rolls the release back, and what the bake saw, alarm by alarm.
import { type HealthReport, UNHEALTHY_POLLS, describeNotReady } from './health.js'
import { type Group, LEAVING_STATES, activeInstances } from './model.js'

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

/** One CloudWatch alarm as DescribeAlarms reports it. */
export interface AlarmStatus {
  name: string
  state: AlarmState
  reason: string
  /** When the alarm last changed state (StateTransitionedTimestamp), epoch ms. */
  since: number
}

/** A state an alarm was seen in during the bake, and when the bake first saw it so. */
export interface AlarmSighting {
  state: AlarmState
  since: number
  reason: string
  seenAt: number
}

export interface AlarmPreflight {
  /** Names CloudWatch does not know (in this region): an input error. */
  unknown: string[]
  /** One refusal per alarm already in ALARM (unless allowed). */
  refusals: string[]
}

/**
 * Before a deploy or canary starts: every named alarm must exist, and none may be in ALARM (deploying into
 * an incident hides whether the release makes it worse), unless `allowAlarmAtStart`.
 */
export function alarmPreflight(names: string[], found: AlarmStatus[], allowAlarmAtStart: boolean, now: number): AlarmPreflight {
  const known = new Set(found.map((a) => a.name))
  const unknown = names.filter((n) => !known.has(n))
  const firing = allowAlarmAtStart ? [] : found.filter((a) => a.state === 'ALARM')
  return {
    unknown,
    refusals: firing.map(
      (a) =>
        `alarm ${a.name} is in ALARM (${ago(now - a.since)}: ${a.reason || 'no reason given'}): a deploy now would start into an incident and its bake could not tell the release from it. ` +
        'Wait until the alarm is OK, or set allow-alarm-at-start: true to deploy anyway (the bake then rolls back at once while it stays in ALARM).'
    )
  }
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  return s < 120 ? `for ${s}s` : s < 7200 ? `for ${Math.round(s / 60)}m` : `for ${Math.round(s / 3600)}h`
}

/**
 * The alarm that ends the bake, if any: ALARM always, INSUFFICIENT_DATA only when asked to. Alarms in
 * `excused` (already in ALARM before the run, allowed by allow-alarm-at-start) do not count until they
 * leave ALARM: from then on they count like the others (the caller drops them from the set).
 */
export function trippedAlarm(alarms: AlarmStatus[], failOnInsufficientData: boolean, excused: ReadonlySet<string> = new Set()): AlarmStatus | undefined {
  const watched = alarms.filter((a) => !excused.has(a.name))
  return watched.find((a) => a.state === 'ALARM') ?? (failOnInsufficientData ? watched.find((a) => a.state === 'INSUFFICIENT_DATA') : undefined)
}

export function describeAlarmTrip(a: AlarmStatus): string {
  return `alarm ${a.name} is in ${a.state}: ${a.reason || 'no reason given'}`
}

/** Appends what is new in this reading to each alarm's history (a new state, or a new reason). */
export function recordAlarms(history: Record<string, AlarmSighting[]>, alarms: AlarmStatus[], now: number): void {
  for (const a of alarms) {
    const seen = (history[a.name] ??= [])
    const last = seen[seen.length - 1]
    if (!last || last.state !== a.state || last.since !== a.since) seen.push({ state: a.state, since: a.since, reason: a.reason, seenAt: now })
  }
}

/**
 * The bake's watch on the new group's targets, with the health wait's streak rule: a target `unhealthy` in
 * some target group this many polls in a row (UNHEALTHY_POLLS) will not recover by itself. Instances that
 * served when the bake began count at once; one launched during the bake (scale-out) is first given
 * `bootTimeMs`, like any booting instance. An instance Auto Scaling took away while it was unhealthy
 * (replaced after failed health checks) ends the bake too.
 */
export class TargetWatch {
  private readonly firstSeen = new Map<string, number>()
  private readonly streak = new Map<string, number>()
  private readonly wasUnhealthy = new Map<string, string>()
  /** Taken away by AWS (excuse): never blamed. */
  private readonly excused = new Set<string>()

  constructor(
    start: Group,
    startedAt: number,
    private readonly bootTimeMs: number,
    private readonly polls = UNHEALTHY_POLLS
  ) {
    for (const i of activeInstances(start)) this.firstSeen.set(i.id, startedAt - bootTimeMs)
  }

  /**
   * The instances this check would blame (taken out after failing, or unhealthy too long), without recording
   * the check: the caller asks EC2 whether AWS took them away and excuses those first.
   */
  suspects(group: Group, report: HealthReport, now: number): string[] {
    const streak = (id: string): number => (this.streak.get(id) ?? 0) + 1
    return [...new Set([...this.replacedIds(group).map(([id]) => id), ...this.stuckIds(report, now, streak)])]
  }

  /** AWS took this instance away (a Spot interruption, a retirement): never counted against the release. */
  excuse(id: string): void {
    this.excused.add(id)
    this.streak.delete(id)
    this.wasUnhealthy.delete(id)
  }

  /** Returns why the bake fails, or undefined while the targets hold. */
  observe(group: Group, report: HealthReport, now: number): string | undefined {
    const active = new Set(activeInstances(group).map((i) => i.id))
    const replaced = this.replacedIds(group)
    if (replaced.length > 0) {
      return `Auto Scaling took ${replaced.map(([id, why]) => `${id} (${why})`).join(', ')} out of ${group.name} after failed health checks`
    }
    const unhealthy = report.unhealthy.filter((id) => !this.excused.has(id))
    for (const id of active) if (!this.firstSeen.has(id)) this.firstSeen.set(id, now)
    for (const id of [...this.streak.keys()]) if (!unhealthy.includes(id)) this.streak.delete(id)
    for (const id of unhealthy) this.streak.set(id, (this.streak.get(id) ?? 0) + 1)
    this.wasUnhealthy.clear()
    for (const n of report.notReady) {
      if (unhealthy.includes(n.instanceId)) this.wasUnhealthy.set(n.instanceId, n.targets.map((t) => `${t.state}${t.reason ? ` ${t.reason}` : ''}`).join('; '))
    }
    const stuck = this.stuckIds({ ...report, unhealthy }, now, (id) => this.streak.get(id) ?? 0)
    if (stuck.length === 0) return undefined
    const shown: HealthReport = { ...report, notReady: report.notReady.filter((n) => stuck.includes(n.instanceId)) }
    return `${stuck.length} target(s) of ${group.name} unhealthy ${this.polls} checks in a row: ${describeNotReady(shown)}`
  }

  /** Unhealthy at the last check, now leaving the group or gone from it. */
  private replacedIds(group: Group): [string, string][] {
    const leaving = new Set(group.instances.filter((i) => LEAVING_STATES.has(i.lifecycle)).map((i) => i.id))
    return [...this.wasUnhealthy.entries()].filter(([id]) => !this.excused.has(id) && (leaving.has(id) || !group.instances.some((i) => i.id === id)))
  }

  /** Unhealthy `streak` checks in a row, and past the boot time. */
  private stuckIds(report: HealthReport, now: number, streak: (id: string) => number): string[] {
    return report.unhealthy.filter((id) => !this.excused.has(id) && streak(id) >= this.polls && now - (this.firstSeen.get(id) ?? now) >= this.bootTimeMs)
  }
}
