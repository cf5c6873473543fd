// Planning for a pair whose traffic moves by weights (domain/traffic.ts): the old instances never leave
// service or their target groups, so cutover and rollback are weight writes, one per forward action.
import { trafficKeys } from './classic.js'
import { assessHealth } from './health.js'
import { liveCapacityOf } from './markers.js'
import type { Capacity, Forward, Group } from './model.js'
import type { Phase } from './phase.js'
import { type RecordOptions, handOverSteps, idleSteps, recordStep, restoredCapacity, sameCapacity, unitOf, untagAll, waitHealthyIfNeeded } from './plan-common.js'
import { restoreProcesses } from './processes.js'
import type { Step } from './steps.js'
import { forwardsToMove, movedWeights, stickiness } from './traffic.js'

/** One weight write per forward action that does not yet give all its traffic to `to`. */
export function weightSteps(forwards: Forward[], from: Group, to: Group): Step[] {
  return forwardsToMove(forwards, from, to).map((forward) => ({ kind: 'set-weights', forward, weights: movedWeights(forward, from, to), to: to.name }))
}

/**
 * Requests keep reaching the group that lost its weight for a moment after the write (and, with stickiness,
 * its sticky clients for the stickiness duration): it scales in only after that.
 */
export function untilWeightsApply(forwards: Forward[], lost: Group): Step[] {
  if (lost.capacity.desired === 0) return []
  const sticky = stickiness(forwards)
  return [{ kind: 'wait-weights', group: lost.name, ...(sticky !== undefined ? { stickySeconds: sticky } : {}) }]
}

/** Before cutover: any weight the new group got goes back, and it scales in once that applies. */
export function weightsBack(forwards: Forward[], next: Group, live: Group): Step[] {
  const back = weightSteps(forwards, next, live)
  return back.length > 0 ? [...back, ...untilWeightsApply(forwards, next)] : []
}

/**
 * Cutover by weights: the serving group hands over its scaling and is quarantined as for Standby (its MinSize
 * stays held, its instances InService and registered), then every forward gives the new group the weight.
 * The deploy is over once the weights read back (the run's read-your-writes check, domain/visible.ts).
 */
export function weightCutoverSteps(previous: Group, next: Group, forwards: Forward[], wanted: number, waitPlanned: boolean): Step[] {
  const steps: Step[] = []
  const moves = weightSteps(forwards, previous, next)
  // Invariant: no forward gives weight to a target group with fewer healthy targets than the live one served.
  if (moves.length > 0 && !waitPlanned) waitHealthyIfNeeded(next, wanted, steps, 'deploy')
  steps.push(...handOverSteps(previous, next), ...moves)
  return steps
}

/**
 * Rollback by weights. Before cutover: the weights never moved (any that did move back first), the new group
 * idles. After (or during) cutover: when the old instances are still healthy in their target groups, the
 * weights move back first — the one write that ends the bad release's traffic — then processes, capacity and
 * scaling return and the new group idles. When they are not (some failed while quarantined), the old group is
 * first resumed and waited for, so no forward ever gives weight to a target group that cannot serve it.
 */
export function planWeightsRollback(phase: Extract<Phase, { kind: 'cut-over' }>, r: RecordOptions, forwards: Forward[]): Step[] {
  const { previous, next } = phase
  const saved = restoredCapacity(previous, next)
  const back = weightSteps(forwards, next, previous)
  const ready = assessHealth(previous, Math.min(saved.desired, previous.capacity.desired), trafficKeys(previous)).ready
  const steps: Step[] = []
  if (back.length > 0 && ready) steps.push(...back)
  steps.push(...restoreProcesses(previous))
  if (!sameCapacity(previous.capacity, saved)) steps.push({ kind: 'set-capacity', group: previous.name, capacity: saved })
  if (back.length > 0 && !ready) {
    steps.push({ kind: 'wait-healthy', group: previous.name, count: saved.desired, targetGroupArns: trafficKeys(previous), purpose: 'restore', ...unitOf(previous) })
    steps.push(...back)
  } else if (!sameCapacity(previous.capacity, saved)) {
    waitHealthyIfNeeded({ ...previous, capacity: saved }, saved.desired, steps, 'restore')
  }
  for (const policy of next.policies) steps.push({ kind: 'move-policy', from: next.name, to: previous.name, policy })
  for (const action of next.scheduledActions) steps.push({ kind: 'move-scheduled-action', from: next.name, to: previous.name, action })
  steps.push(...untilWeightsApply(forwards, next), ...idleSteps(next))
  steps.push(...recordStep([previous, next], r, 'rollback', next.tags[r.versionTagKey] ?? ''))
  steps.push(...untagAll([previous, next]))
  return steps
}

/**
 * Finalize by weights: the weights stay; the previous group gets its processes back (Terminate first of all:
 * scaling in needs it) and scales to idle, its instances drained and terminated by Auto Scaling itself.
 */
export function planWeightsFinalize(phase: Extract<Phase, { kind: 'cut-over' }>, r: RecordOptions): Step[] {
  const { previous, next } = phase
  const saved = liveCapacityOf(previous)
  const idle: Capacity = { min: 0, desired: 0, max: saved?.max ?? previous.capacity.max }
  const steps: Step[] = [...restoreProcesses(previous), ...idleSteps(previous, idle)]
  steps.push(...recordStep([previous, next], r, 'finalize', next.tags[r.versionTagKey] ?? ''))
  steps.push(...untagAll([previous, next]))
  return steps
}
