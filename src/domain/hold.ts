// Holding the live group while new instances share its target groups (a deploy's health wait, a whole
// canary): its own scaling sees its per-target load drop (ALBRequestCountPerTarget counts every healthy
// target of the target group, CPU falls with the requests) and would scale it in. MinSize holds it at its
// desired capacity; scale-out stays possible. The owner's own MinSize is remembered on the group
// (LIVE_MIN_TAG) and follows what the owner sets during the run (markers.ts ownCapacityOf).
import { LIVE_MIN_TAG, encodeHold, ownCapacityOf } from './markers.js'
import type { Group } from './model.js'
import type { Step } from './steps.js'

/**
 * Hold the live group's MinSize at its desired capacity, recording its own MinSize and the held one first.
 * A record the owner overtook (a schedule set MinSize 2 / desired 2 during the wait) is refreshed to what
 * the owner has now, and the hold never sends a MinSize above the desired capacity.
 */
export function holdSteps(live: Group): Step[] {
  const { min, desired } = live.capacity
  if (min >= desired && live.tags[LIVE_MIN_TAG] === undefined) return []
  const record = encodeHold(ownCapacityOf(live).min, Math.max(min, desired))
  const steps: Step[] = []
  if (live.tags[LIVE_MIN_TAG] !== record) steps.push({ kind: 'tag', group: live.name, tags: { [LIVE_MIN_TAG]: record }, propagate: [] })
  if (min < desired) steps.push({ kind: 'set-min', group: live.name, min: desired })
  return steps
}

/** Gives the live group its own MinSize back (after a deploy that did not cut over, or a removed canary). */
export function releaseHoldSteps(live: Group): Step[] {
  const own = ownCapacityOf(live)
  return live.tags[LIVE_MIN_TAG] !== undefined && own.min !== live.capacity.min ? [{ kind: 'set-min', group: live.name, min: own.min }] : []
}
