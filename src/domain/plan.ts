// Planning: given where a pair stands, the ordered AWS writes (and waits) that move it on.
// Always computed from observed state, so a re-run after any interruption plans only what is left.
import { assessHealth } from './health.js'
import {
  FINALIZING_TAG,
  IDLE_CAPACITY_TAG,
  LIVE_CAPACITY_TAG,
  LIVE_SUSPENDED_TAG,
  MARKER_TAGS,
  QUARANTINE_PROCESSES,
  decodeList,
  encodeCapacity,
  encodeList,
  idleCapacityOf,
  liveCapacityOf
} from './markers.js'
import { type Capacity, type Group, PENDING_STATES, activeInstances, inStandby } from './model.js'
import type { Phase } from './phase.js'
import { RELEASE_TAG } from '../github/release.js'
import { PROTECTION_BATCH, RETIRE_BATCH, STANDBY_BATCH, type Step, chunk } from './steps.js'

export interface PlanOptions {
  version: string
  versionTagKey: string
  /** Who ships it (commit, actor, time, run), recorded beside the version. */
  releaseTag?: string | undefined
}

function sameCapacity(a: Capacity, b: Capacity): boolean {
  return a.min === b.min && a.desired === b.desired && a.max === b.max
}

function waitHealthyIfNeeded(g: Group, count: number, steps: Step[]): void {
  if (!assessHealth(g, count, g.targetGroupArns).ready) {
    steps.push({ kind: 'wait-healthy', group: g.name, count, targetGroupArns: g.targetGroupArns })
  }
}

/** Deploy: tag and scale the idle group, wait for health, then cut over (see cutoverSteps). */
export function planDeploy(phase: Phase, opts: PlanOptions): Step[] {
  const steps: Step[] = []
  if (phase.kind === 'at-rest') {
    const { live, idle } = phase
    steps.push({
      kind: 'tag',
      group: idle.name,
      tags: {
        [opts.versionTagKey]: opts.version,
        ...(opts.releaseTag ? { [RELEASE_TAG]: opts.releaseTag } : {}),
        [IDLE_CAPACITY_TAG]: encodeCapacity(idle.capacity)
      },
      propagate: [opts.versionTagKey]
    })
    steps.push({ kind: 'set-capacity', group: idle.name, capacity: live.capacity })
    steps.push({ kind: 'wait-healthy', group: idle.name, count: live.capacity.desired, targetGroupArns: idle.targetGroupArns })
    steps.push(...cutoverSteps(live, idle, live.capacity.desired, true))
    return steps
  }
  if (phase.kind === 'deploying') {
    const { live, next } = phase
    const capacityMatches = sameCapacity(next.capacity, live.capacity)
    // The live group may have scaled while we waited (or a previous run stopped before this write): match it.
    if (!capacityMatches) steps.push({ kind: 'set-capacity', group: next.name, capacity: live.capacity })
    if (!capacityMatches || !assessHealth(next, live.capacity.desired, next.targetGroupArns).ready) {
      steps.push({ kind: 'wait-healthy', group: next.name, count: live.capacity.desired, targetGroupArns: next.targetGroupArns })
    }
    steps.push(...cutoverSteps(live, next, live.capacity.desired, true))
    return steps
  }
  if (phase.kind === 'cut-over') {
    const saved = liveCapacityOf(phase.previous)
    return cutoverSteps(phase.previous, phase.next, saved?.desired ?? phase.next.capacity.desired)
  }
  return steps
}

/**
 * Cutover: record the serving group's capacity and processes, quarantine it, move its instances to
 * Standby (out of the load balancer, still running), then hand its scaling policies and scheduled
 * actions to the new group. Every step is skipped when the state shows it done.
 */
function cutoverSteps(previous: Group, next: Group, wanted: number, waitPlanned = false): Step[] {
  const steps: Step[] = []
  const inService = previous.instances.filter((i) => i.lifecycle === 'InService')
  if (previous.tags[LIVE_CAPACITY_TAG] === undefined) {
    steps.push({
      kind: 'tag',
      group: previous.name,
      tags: {
        [LIVE_CAPACITY_TAG]: encodeCapacity(previous.capacity),
        [LIVE_SUSPENDED_TAG]: encodeList(previous.suspendedProcesses)
      },
      propagate: []
    })
  }
  const toSuspend = QUARANTINE_PROCESSES.filter((p) => !previous.suspendedProcesses.includes(p))
  if (toSuspend.length > 0) steps.push({ kind: 'suspend', group: previous.name, processes: toSuspend })
  if (previous.capacity.min > 0) {
    // Entering Standby with a decrement is refused below MinSize (AWS ValidationError).
    steps.push({ kind: 'set-min', group: previous.name, min: 0 })
  }
  if (inService.length > 0) {
    // Invariant 2: the old instances leave the load balancer only once every new one is healthy.
    if (!waitPlanned) waitHealthyIfNeeded(next, wanted, steps)
    for (const batch of chunk(
      inService.map((i) => i.id),
      STANDBY_BATCH
    )) {
      steps.push({ kind: 'enter-standby', group: previous.name, instanceIds: batch })
    }
  }
  if (inService.length > 0 || previous.instances.some((i) => i.lifecycle === 'EnteringStandby' || PENDING_STATES.has(i.lifecycle))) {
    steps.push({ kind: 'wait-standby', group: previous.name })
  }
  for (const policy of previous.policies) steps.push({ kind: 'move-policy', from: previous.name, to: next.name, policy })
  for (const action of previous.scheduledActions) {
    steps.push({ kind: 'move-scheduled-action', from: previous.name, to: next.name, action })
  }
  return steps
}

/** Finalize: retire the standby instances for good and leave the previous group idle, as its owner had it. */
export function planFinalize(phase: Phase): Step[] {
  if (phase.kind !== 'cut-over') return []
  const { previous, next } = phase
  const steps: Step[] = []
  const detached = decodeList(previous.tags[FINALIZING_TAG]).filter((id) => !previous.instances.some((i) => i.id === id))
  if (detached.length > 0) steps.push({ kind: 'terminate-detached', group: previous.name, instanceIds: detached })
  if (previous.instances.some((i) => i.lifecycle === 'EnteringStandby')) steps.push({ kind: 'wait-standby', group: previous.name })
  const standby = previous.instances.filter(inStandby).map((i) => i.id)
  for (const batch of chunk(standby, RETIRE_BATCH)) steps.push({ kind: 'retire', group: previous.name, instanceIds: batch })
  const saved = liveCapacityOf(previous)
  const idle: Capacity = { min: 0, desired: 0, max: saved?.max ?? previous.capacity.max }
  if (!sameCapacity(previous.capacity, idle)) steps.push({ kind: 'set-capacity', group: previous.name, capacity: idle })
  steps.push(...restoreProcesses(previous))
  // Retiring writes the finalizing tag after this plan was made: clear it with the other markers.
  const retiring = standby.length > 0 ? [{ group: previous.name, key: FINALIZING_TAG }] : []
  steps.push(...untagAll([previous, next], retiring))
  return steps
}

/**
 * Rollback: before cutover, return the new group to idle; after (or during) cutover, bring the
 * previous group back to full health first, then hand scaling back to it and idle the new group.
 */
export function planRollback(phase: Phase): Step[] {
  if (phase.kind === 'deploying') {
    return [...idleSteps(phase.next), ...untagAll([phase.next, phase.live])]
  }
  if (phase.kind !== 'cut-over') return []
  const { previous, next } = phase
  const steps: Step[] = []
  // Resume first: ExitStandby must be able to register the instances and the group to replace any lost one.
  steps.push(...restoreProcesses(previous))
  if (previous.instances.some((i) => i.lifecycle === 'EnteringStandby')) steps.push({ kind: 'wait-standby', group: previous.name })
  const standby = previous.instances.filter((i) => i.lifecycle === 'Standby' || i.lifecycle === 'EnteringStandby').map((i) => i.id)
  for (const batch of chunk(standby, STANDBY_BATCH)) steps.push({ kind: 'exit-standby', group: previous.name, instanceIds: batch })
  const recorded = liveCapacityOf(previous) ?? previous.capacity
  // Min and max come back exactly. Desired too, unless traffic grew meanwhile: the new group's scaling
  // may have raised its desired, and serving capacity must not drop (the policies come back right after).
  const saved: Capacity = { ...recorded, desired: Math.min(recorded.max, Math.max(recorded.desired, next.capacity.desired)) }
  const afterExit: Capacity = { ...previous.capacity, desired: previous.capacity.desired + standby.length }
  if (!sameCapacity(afterExit, saved)) steps.push({ kind: 'set-capacity', group: previous.name, capacity: saved })
  if (standby.length > 0 || !sameCapacity(afterExit, saved)) {
    steps.push({ kind: 'wait-healthy', group: previous.name, count: saved.desired, targetGroupArns: previous.targetGroupArns })
  } else {
    waitHealthyIfNeeded(previous, saved.desired, steps)
  }
  for (const policy of next.policies) steps.push({ kind: 'move-policy', from: next.name, to: previous.name, policy })
  for (const action of next.scheduledActions) {
    steps.push({ kind: 'move-scheduled-action', from: next.name, to: previous.name, action })
  }
  steps.push(...idleSteps(next))
  steps.push(...untagAll([previous, next]))
  return steps
}

function idleSteps(next: Group): Step[] {
  const steps: Step[] = []
  const idle = idleCapacityOf(next) ?? { min: 0, desired: 0, max: next.capacity.max }
  const protectedIds = activeInstances(next)
    .filter((i) => i.protectedFromScaleIn)
    .map((i) => i.id)
  for (const batch of chunk(protectedIds, PROTECTION_BATCH)) steps.push({ kind: 'unprotect', group: next.name, instanceIds: batch })
  if (!sameCapacity(next.capacity, idle)) steps.push({ kind: 'set-capacity', group: next.name, capacity: idle })
  return steps
}

/** Resume what quarantine suspended, and nothing the owner had suspended before. */
function restoreProcesses(previous: Group): Step[] {
  const ownerSuspended = decodeList(previous.tags[LIVE_SUSPENDED_TAG])
  const toResume = QUARANTINE_PROCESSES.filter((p) => previous.suspendedProcesses.includes(p) && !ownerSuspended.includes(p))
  return toResume.length > 0 ? [{ kind: 'resume', group: previous.name, processes: toResume }] : []
}

/** One DeleteTags call for every marker of both groups, so no half-cleared record is ever observed. */
function untagAll(groups: Group[], alsoWritten: { group: string; key: string }[] = []): Step[] {
  const present = groups.flatMap((g) => MARKER_TAGS.filter((k) => g.tags[k] !== undefined).map((key) => ({ group: g.name, key })))
  const tags = [...present, ...alsoWritten.filter((t) => !present.some((p) => p.group === t.group && p.key === t.key))]
  return tags.length > 0 ? [{ kind: 'untag', tags }] : []
}
