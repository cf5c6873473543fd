// Planning: given where a pair stands, the ordered AWS writes (and waits) that move it on.
// Always computed from observed state, so a re-run after any interruption plans only what is left.
import { assessHealth } from './health.js'
import { matchTemplateSteps } from './image-sync.js'
import { holdSteps, releaseHoldSteps } from './hold.js'
import { trafficKeys } from './classic.js'
import { CANARY_TAG, DEPLOY_RUN_TAG, FINALIZING_TAG, IDLE_CAPACITY_TAG, RELEASE_TAG, decodeList, encodeCapacity, liveCapacityOf, ownCapacityOf } from './markers.js'
import { type Capacity, type Forward, type Group, inStandby, unitsOf } from './model.js'
import { type Phase, stillTakesTraffic } from './phase.js'
import {
  type RecordOptions,
  handOverSteps,
  idleSteps,
  recordStep,
  restoredCapacity,
  sameCapacity,
  unitOf,
  untagAll,
  waitHealthyIfNeeded
} from './plan-common.js'
import { planWeightsFinalize, planWeightsRollback, weightCutoverSteps, weightsBack } from './plan-weights.js'
import { restoreProcesses, rollbackProcesses } from './processes.js'
import { RETIRE_BATCH, STANDBY_BATCH, type Step, chunk } from './steps.js'

export type { RecordOptions } from './plan-common.js'

export interface PlanOptions {
  version: string
  versionTagKey: string
  /** The run driving the deployment (its URL), recorded on the group it scales up. */
  run: string
  /** Who ships it (commit, actor, time, run), recorded beside the version. */
  releaseTag?: string | undefined
  /** Deploy by image: the AMI the idle group launches; `ready` groups already launch a pinned version with it. */
  image?: { id: string; ready: readonly string[] } | undefined
}

/**
 * Deploy: tag the idle group (version and the run that drives it), hold the live group's capacity where it
 * is, give the idle group the live group's capacity, wait for health, then cut over (see cutoverSteps).
 */
/** Before cutover: the instances about to take all the traffic run this release, not another run's. */
function checkVersions(group: string, opts: PlanOptions): Step {
  return { kind: 'check-versions', group, versionTagKey: opts.versionTagKey, version: opts.version, ...(opts.image ? { imageId: opts.image.id } : {}) }
}

export function planDeploy(phase: Phase, opts: PlanOptions): Step[] {
  const steps: Step[] = []
  if (phase.kind === 'at-rest') {
    const { live, idle } = phase
    // Before the tag: a run killed between the two still finds the pair at rest, and sets the image again
    // (the step reuses a version it created); once tagged, the pair is deploying with the image in place.
    if (opts.image && idle.launchTemplate && !opts.image.ready.includes(idle.name)) {
      steps.push({ kind: 'set-image', group: idle.name, template: idle.launchTemplate, imageId: opts.image.id })
    }
    if (!opts.image) steps.push(...matchTemplateSteps(live, idle))
    steps.push({
      kind: 'tag',
      group: idle.name,
      tags: {
        [opts.versionTagKey]: opts.version,
        ...(opts.releaseTag ? { [RELEASE_TAG]: opts.releaseTag } : {}),
        [IDLE_CAPACITY_TAG]: encodeCapacity(idle.capacity),
        [DEPLOY_RUN_TAG]: opts.run
      },
      propagate: [opts.versionTagKey]
    })
    steps.push(...holdSteps(live))
    steps.push({ kind: 'set-capacity', group: idle.name, capacity: ownCapacityOf(live) })
    steps.push({ kind: 'wait-healthy', group: idle.name, count: live.capacity.desired, targetGroupArns: trafficKeys(idle), purpose: 'deploy', ...unitOf(live) })
    steps.push(checkVersions(idle.name, opts))
    steps.push(...cutoverSteps(live, idle, live.capacity.desired, true, phase.weights))
    return steps
  }
  if (phase.kind === 'deploying') {
    const { live, next } = phase
    // Promoting a canary: drop its marker first, so the pair reads as a deploy that goes on to cutover
    // (the canary's instances stay: the group scales out around them).
    if (phase.canary !== undefined) steps.push({ kind: 'untag', tags: [{ group: next.name, key: CANARY_TAG }] })
    // A re-run (or a new run after a killed one) takes the deployment over, under the pair lock.
    if (next.tags[DEPLOY_RUN_TAG] !== opts.run) steps.push({ kind: 'tag', group: next.name, tags: { [DEPLOY_RUN_TAG]: opts.run }, propagate: [] })
    steps.push(...holdSteps(live))
    const wanted = ownCapacityOf(live)
    const capacityMatches = sameCapacity(next.capacity, wanted)
    // The live group may have scaled out while we waited (or a previous run stopped before this write): match it.
    if (!capacityMatches) steps.push({ kind: 'set-capacity', group: next.name, capacity: wanted })
    if (!capacityMatches || !assessHealth(next, live.capacity.desired, trafficKeys(next)).ready) {
      steps.push({ kind: 'wait-healthy', group: next.name, count: live.capacity.desired, targetGroupArns: trafficKeys(next), purpose: 'deploy', ...unitOf(live) })
    }
    steps.push(checkVersions(next.name, opts))
    steps.push(...cutoverSteps(live, next, live.capacity.desired, true, phase.weights))
    return steps
  }
  if (phase.kind === 'cut-over') {
    const saved = liveCapacityOf(phase.previous)
    const adopt: Step[] =
      phase.next.tags[DEPLOY_RUN_TAG] !== opts.run ? [{ kind: 'tag', group: phase.next.name, tags: { [DEPLOY_RUN_TAG]: opts.run }, propagate: [] }] : []
    const rest = cutoverSteps(phase.previous, phase.next, saved?.desired ?? phase.next.capacity.desired, false, phase.weights)
    return rest.length > 0 ? [...adopt, ...rest] : []
  }
  return steps
}

/**
 * Cutover: record the serving group's capacity and processes, hand its scaling policies and scheduled
 * actions to the new group (so one group can always scale out, also while the old instances drain),
 * quarantine it, and move its instances to Standby (out of the load balancer, still running); a weights
 * pair writes the weights instead (domain/plan-weights.ts). Every step is skipped when the state shows it done.
 */
function cutoverSteps(previous: Group, next: Group, wanted: number, waitPlanned: boolean, weights: Forward[] | undefined): Step[] {
  if (weights) return weightCutoverSteps(previous, next, weights, wanted, waitPlanned)
  const steps: Step[] = []
  const inService = previous.instances.filter((i) => i.lifecycle === 'InService')
  // Invariant 2: nothing of the serving group changes before every new instance is healthy.
  if (inService.length > 0 && !waitPlanned) waitHealthyIfNeeded(next, wanted, steps, 'deploy')
  steps.push(...handOverSteps(previous, next))
  if (previous.capacity.min > 0) {
    // Entering Standby with a decrement is refused below MinSize (AWS ValidationError).
    steps.push({ kind: 'set-min', group: previous.name, min: 0 })
  }
  for (const batch of chunk(
    inService.map((i) => i.id),
    STANDBY_BATCH
  )) {
    steps.push({ kind: 'enter-standby', group: previous.name, instanceIds: batch })
  }
  // The deploy ends when traffic has moved, not when the drain is over (finalize and rollback wait for that).
  if (inService.length > 0 || previous.instances.some((i) => stillTakesTraffic(previous, i))) {
    steps.push({ kind: 'wait-deregistering', group: previous.name })
  }
  return steps
}

/** Finalize: retire the standby instances for good and leave the previous group idle, as its owner had it. */
export function planFinalize(phase: Phase, r: RecordOptions): Step[] {
  if (phase.kind !== 'cut-over') return []
  if (phase.weights) return planWeightsFinalize(phase, r)
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
  steps.push(...recordStep([previous, next], r, 'finalize', next.tags[r.versionTagKey] ?? ''))
  // Retiring writes the finalizing tag after this plan was made (and a read may lag that write): always
  // clear it with the other markers (deleting a tag that is not there is harmless).
  steps.push(...untagAll([previous, next], [{ group: previous.name, key: FINALIZING_TAG }]))
  return steps
}

/**
 * Rollback: before cutover, return the new group to idle and the live group to its own MinSize; after (or
 * during) cutover, bring the previous group back to full health first, then hand scaling back to it and
 * idle the new group. A standby instance that died meanwhile (terminated behind the group's back) is
 * detached rather than returned; the restored capacity makes Auto Scaling launch its replacement.
 */
export function planRollback(phase: Phase, r: RecordOptions): Step[] {
  if (phase.kind === 'deploying') {
    const { live, next } = phase
    return [
      ...(phase.weights ? weightsBack(phase.weights, next, live) : []),
      ...idleSteps(next),
      ...releaseHoldSteps(live),
      ...recordStep([live, next], r, 'rollback', next.tags[r.versionTagKey] ?? ''),
      ...untagAll([next, live])
    ]
  }
  if (phase.kind !== 'cut-over') return []
  if (phase.weights) return planWeightsRollback(phase, r, phase.weights)
  const { previous, next } = phase
  const steps: Step[] = []
  const restore: Step[] = []
  const standby = previous.instances.filter((i) => i.lifecycle === 'Standby' || i.lifecycle === 'EnteringStandby')
  const dead = standby.filter((i) => i.gone).map((i) => i.id)
  const returning = standby.filter((i) => !i.gone)
  // Each instance returns as soon as it is in Standby: the ones still draining are waited for after.
  const parked = returning.filter((i) => i.lifecycle === 'Standby').map((i) => i.id)
  const draining = returning.filter((i) => i.lifecycle === 'EnteringStandby').map((i) => i.id)
  for (const batch of chunk(dead, STANDBY_BATCH)) restore.push({ kind: 'detach-dead', group: previous.name, instanceIds: batch })
  for (const batch of chunk(parked, STANDBY_BATCH)) restore.push({ kind: 'exit-standby', group: previous.name, instanceIds: batch })
  if (draining.length > 0) restore.push({ kind: 'wait-standby', group: previous.name, first: true })
  for (const batch of chunk(draining, STANDBY_BATCH)) restore.push({ kind: 'exit-standby', group: previous.name, instanceIds: batch })
  const alive = returning.map((i) => i.id)
  const saved = restoredCapacity(previous, next)
  // ExitStandby adds what each instance counts for: its weight in a group that counts units.
  const afterExit: Capacity = { ...previous.capacity, desired: previous.capacity.desired + unitsOf(returning) }
  if (!sameCapacity(afterExit, saved)) restore.push({ kind: 'set-capacity', group: previous.name, capacity: saved })
  if (alive.length > 0 || !sameCapacity(afterExit, saved)) {
    restore.push({ kind: 'wait-healthy', group: previous.name, count: saved.desired, targetGroupArns: trafficKeys(previous), purpose: 'restore', ...unitOf(previous) })
  } else {
    waitHealthyIfNeeded(previous, saved.desired, restore, 'restore')
  }
  // Resume first: ExitStandby must be able to register the instances and the group to replace any lost one.
  const processes = rollbackProcesses(previous, restore.length > 0)
  steps.push(...processes.before, ...restore, ...processes.after)
  for (const policy of next.policies) steps.push({ kind: 'move-policy', from: next.name, to: previous.name, policy })
  for (const action of next.scheduledActions) {
    steps.push({ kind: 'move-scheduled-action', from: next.name, to: previous.name, action })
  }
  steps.push(...idleSteps(next))
  steps.push(...recordStep([previous, next], r, 'rollback', next.tags[r.versionTagKey] ?? ''))
  steps.push(...untagAll([previous, next]))
  return steps
}

