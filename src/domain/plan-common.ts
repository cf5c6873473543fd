// What the plans share: capacity comparisons, health waits, the hand-over of scaling at cutover, idling a
// group, and the record a finished finalize or rollback leaves (domain/plan.ts, domain/plan-weights.ts).
import { assessHealth } from './health.js'
import { trafficKeys } from './classic.js'
import {
  LAST_RUN_TAG,
  LIVE_CAPACITY_TAG,
  LIVE_SUSPENDED_TAG,
  MARKER_TAGS,
  QUARANTINE_PROCESSES,
  encodeCapacity,
  encodeLastRun,
  encodeList,
  idleCapacityOf,
  liveCapacityOf,
  ownCapacityOf
} from './markers.js'
import { type Capacity, type Group, activeInstances, unitWord } from './model.js'
import { stillTakesTraffic } from './phase.js'
import { PROTECTION_BATCH, type Step, chunk } from './steps.js'

/** The wait's unit for a group that counts units (none for one that counts instances). */
export function unitOf(g: Group): { unit?: string } {
  return g.capacityUnit ? { unit: unitWord(g) } : {}
}

export function sameCapacity(a: Capacity, b: Capacity): boolean {
  return a.min === b.min && a.desired === b.desired && a.max === b.max
}

export function waitHealthyIfNeeded(g: Group, count: number, steps: Step[], purpose: 'deploy' | 'restore'): void {
  if (!assessHealth(g, count, trafficKeys(g)).ready) {
    steps.push({ kind: 'wait-healthy', group: g.name, count, targetGroupArns: trafficKeys(g), purpose, ...unitOf(g) })
  }
}

/**
 * The serving group hands over at cutover: its capacity and processes recorded, its scaling policies and
 * scheduled actions moved to the new group (so one group can always scale out), its processes quarantined.
 */
export function handOverSteps(previous: Group, next: Group): Step[] {
  const steps: Step[] = []
  if (previous.tags[LIVE_CAPACITY_TAG] === undefined) {
    steps.push({
      kind: 'tag',
      group: previous.name,
      tags: {
        [LIVE_CAPACITY_TAG]: encodeCapacity(ownCapacityOf(previous)),
        [LIVE_SUSPENDED_TAG]: encodeList(previous.suspendedProcesses)
      },
      propagate: []
    })
  }
  for (const policy of previous.policies) steps.push({ kind: 'move-policy', from: previous.name, to: next.name, policy })
  for (const action of previous.scheduledActions) {
    steps.push({ kind: 'move-scheduled-action', from: previous.name, to: next.name, action })
  }
  const toSuspend = QUARANTINE_PROCESSES.filter((p) => !previous.suspendedProcesses.includes(p))
  if (toSuspend.length > 0) steps.push({ kind: 'suspend', group: previous.name, processes: toSuspend })
  return steps
}

/**
 * What a rollback gives the previous group back. Min and max exactly as recorded at cutover. Desired too,
 * unless traffic grew meanwhile: the new group's scaling may have raised its desired, and serving capacity
 * must not drop (the policies come back right after). A re-plan after the new group was idled (or a re-run)
 * keeps what this rollback already restored.
 */
export function restoredCapacity(previous: Group, next: Group): Capacity {
  const recorded = liveCapacityOf(previous) ?? ownCapacityOf(previous)
  const grown = Math.max(recorded.desired, next.capacity.desired, previous.capacity.desired)
  return { ...recorded, desired: Math.min(recorded.max, grown) }
}

/** Where and how a finished finalize or rollback is recorded (LAST_RUN_TAG on the pair's first group). */
export interface RecordOptions {
  recordOn: string
  versionTagKey: string
}

export function recordStep(groups: Group[], r: RecordOptions, mode: 'finalize' | 'rollback', version: string): Step[] {
  const value = encodeLastRun({ mode, version })
  const g = groups.find((x) => x.name === r.recordOn)
  return g && g.tags[LAST_RUN_TAG] !== value ? [{ kind: 'tag', group: r.recordOn, tags: { [LAST_RUN_TAG]: value }, propagate: [] }] : []
}

/** The group scaled to idle (`idle`: by default what it had before the deploy scaled it up, else 0/0/max). */
export function idleSteps(next: Group, idle: Capacity = idleCapacityOf(next) ?? { min: 0, desired: 0, max: next.capacity.max }): Step[] {
  const steps: Step[] = []
  const protectedIds = activeInstances(next)
    .filter((i) => i.protectedFromScaleIn)
    .map((i) => i.id)
  for (const batch of chunk(protectedIds, PROTECTION_BATCH)) steps.push({ kind: 'unprotect', group: next.name, instanceIds: batch })
  if (!sameCapacity(next.capacity, idle)) steps.push({ kind: 'set-capacity', group: next.name, capacity: idle })
  // Done means the new version takes no more requests: its instances terminate, and deregister a moment later.
  if (idle.desired === 0 && next.instances.some((i) => i.lifecycle === 'InService' || stillTakesTraffic(next, i))) {
    steps.push({ kind: 'wait-deregistering', group: next.name })
  }
  return steps
}

/** One DeleteTags call (at most 14 tags of the 25 a call takes) for every marker of both groups: no half-cleared record. */
export function untagAll(groups: Group[], alsoWritten: { group: string; key: string }[] = []): Step[] {
  const present = groups.flatMap((g) => MARKER_TAGS.filter((k) => g.tags[k] !== undefined).map((key) => ({ group: g.name, key })))
  const tags = [...present, ...alsoWritten.filter((t) => !present.some((p) => p.group === t.group && p.key === t.key))]
  return tags.length > 0 ? [{ kind: 'untag', tags }] : []
}
