// Where a pair stands, derived from AWS state alone (marker tags + lifecycle states).
import {
  CANARY_TAG,
  FINALIZING_TAG,
  IDLE_CAPACITY_TAG,
  LIVE_CAPACITY_TAG,
  canaryOf,
  idleCapacityOf,
  liveCapacityOf
} from './markers.js'
import { type Group, type Pair, activeInstances, standbyInstances } from './model.js'

export type Phase =
  /** One group serves, the other is idle: the pair is ready for a deploy. */
  | { kind: 'at-rest'; live: Group; idle: Group }
  /**
   * A deploy scaled up `next` and has not started cutover: `live` still serves untouched. With `canary`, a
   * canary of that many instances runs in `next` beside `live` and holds there until promoted or rolled back.
   */
  | { kind: 'deploying'; live: Group; next: Group; canary?: number }
  /** Cutover began: `previous` served when it began and is (partly) in Standby; `next` serves. */
  | { kind: 'cut-over'; previous: Group; next: Group; complete: boolean; finalizing: boolean }
  /** Neither group serves. */
  | { kind: 'empty' }
  /** Something a person must look at; nothing is changed. */
  | { kind: 'unknown'; reason: string }

function serving(g: Group): boolean {
  return g.capacity.desired > 0 || activeInstances(g).length > 0
}

export function classify(pair: Pair): Phase {
  const [a, b] = pair.groups
  const idleMarked = pair.groups.filter((g) => g.tags[IDLE_CAPACITY_TAG] !== undefined)
  const liveMarked = pair.groups.filter((g) => g.tags[LIVE_CAPACITY_TAG] !== undefined)

  for (const g of pair.groups) {
    if (g.tags[IDLE_CAPACITY_TAG] !== undefined && idleCapacityOf(g) === undefined) {
      return unknown(`${g.name} has an unreadable ${IDLE_CAPACITY_TAG} tag ("${g.tags[IDLE_CAPACITY_TAG]}")`)
    }
    if (g.tags[LIVE_CAPACITY_TAG] !== undefined && liveCapacityOf(g) === undefined) {
      return unknown(`${g.name} has an unreadable ${LIVE_CAPACITY_TAG} tag ("${g.tags[LIVE_CAPACITY_TAG]}")`)
    }
  }
  if (idleMarked.length === 2) {
    return unknown(`both ${a.name} and ${b.name} carry ${IDLE_CAPACITY_TAG}; only the group a deploy scaled up may`)
  }
  if (liveMarked.length === 2) {
    return unknown(`both ${a.name} and ${b.name} carry ${LIVE_CAPACITY_TAG}; only the group that served before cutover may`)
  }

  const next = idleMarked[0]
  const previous = liveMarked[0]
  if (next && previous) {
    if (next === previous) {
      return unknown(`${next.name} carries both ${IDLE_CAPACITY_TAG} and ${LIVE_CAPACITY_TAG}`)
    }
    const complete =
      activeInstances(previous).length === 0 &&
      !previous.instances.some((i) => i.lifecycle === 'EnteringStandby') &&
      previous.policies.length === 0 &&
      previous.scheduledActions.length === 0
    return { kind: 'cut-over', previous, next, complete, finalizing: previous.tags[FINALIZING_TAG] !== undefined }
  }
  if (previous) {
    const other = previous === a ? b : a
    return unknown(
      `${previous.name} carries ${LIVE_CAPACITY_TAG} but ${other.name} has no ${IDLE_CAPACITY_TAG}: the deployment record is incomplete`
    )
  }
  if (next) {
    const live = next === a ? b : a
    if (standbyInstances(live).length > 0) {
      return unknown(`${live.name} has instances in Standby but no cutover was recorded`)
    }
    const canary = canaryOf(next)
    if (canary !== undefined && Number.isNaN(canary)) return unknown(`${next.name} has an unreadable ${CANARY_TAG} tag ("${next.tags[CANARY_TAG]}")`)
    return canary !== undefined ? { kind: 'deploying', live, next, canary } : { kind: 'deploying', live, next }
  }

  const withStandby = pair.groups.filter((g) => standbyInstances(g).length > 0)
  if (withStandby.length > 0) {
    return unknown(
      `${withStandby.map((g) => g.name).join(' and ')} ${withStandby.length > 1 ? 'have' : 'has'} instances in Standby ` +
        'that no deployment of this action put there (unknown state); move them back to service or detach them'
    )
  }
  const servingGroups = pair.groups.filter(serving)
  if (servingGroups.length === 2) {
    return unknown(`both ${a.name} and ${b.name} serve (desired ${a.capacity.desired} and ${b.capacity.desired}) and no deployment is recorded: scale the one that should not serve to 0`)
  }
  const live = servingGroups[0]
  if (!live) return { kind: 'empty' }
  return { kind: 'at-rest', live, idle: live === a ? b : a }
}

function unknown(reason: string): Phase {
  return { kind: 'unknown', reason }
}
