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
import { trafficKeys } from './classic.js'
import { type Forward, type Group, type Instance, type Pair, PENDING_STATES, activeInstances, standbyInstances } from './model.js'
import { carriesAll, forwardsToMove, topologyOf } from './traffic.js'

// `weights`: the pair's forward actions when traffic moves by weights (domain/traffic.ts); absent: by Standby.
export type Phase =
  /** One group serves, the other is idle: the pair is ready for a deploy. */
  | { kind: 'at-rest'; live: Group; idle: Group; weights?: Forward[] }
  /**
   * A deploy scaled up `next` and has not started cutover: `live` still serves untouched. With `canary`, a
   * canary of that many instances runs in `next` beside `live` and holds there until promoted or rolled back.
   */
  | { kind: 'deploying'; live: Group; next: Group; canary?: number; weights?: Forward[] }
  /**
   * Cutover began: `previous` served when it began and is (partly) in Standby, or (weights) gets less
   * weight; `next` serves. `complete`: traffic has moved (no old instance serves or is about to, every one
   * entering Standby is already deregistering; or every forward gives `next` all the weight) and scaling is
   * handed over; `draining` lists the old instances still entering Standby.
   */
  | { kind: 'cut-over'; previous: Group; next: Group; complete: boolean; finalizing: boolean; draining: Instance[]; weights?: Forward[] }
  /** Neither group serves. */
  | { kind: 'empty' }
  /** Something a person must look at; nothing is changed. */
  | { kind: 'unknown'; reason: string }

function serving(g: Group): boolean {
  return g.capacity.desired > 0 || activeInstances(g).length > 0
}

export function classify(pair: Pair): Phase {
  const [a, b] = pair.groups
  const topology = pair.listeners ? topologyOf(pair) : undefined
  const weights = topology?.kind === 'weights' ? { weights: topology.forwards } : {}
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
    const draining = weights.weights ? [] : previous.instances.filter((i) => i.lifecycle === 'EnteringStandby')
    const moved = weights.weights ? carriesAll(weights.weights, next, previous) : activeInstances(previous).length === 0 && draining.every((i) => deregistering(previous, i))
    const complete = moved && previous.policies.length === 0 && previous.scheduledActions.length === 0
    return { kind: 'cut-over', previous, next, complete, finalizing: previous.tags[FINALIZING_TAG] !== undefined, draining, ...weights }
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
    return canary !== undefined ? { kind: 'deploying', live, next, canary, ...weights } : { kind: 'deploying', live, next, ...weights }
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
  const idle = live === a ? b : a
  if (weights.weights && !carriesAll(weights.weights, live, idle)) {
    const off = forwardsToMove(weights.weights, idle, live).map((f) => f.label)
    return unknown(
      `${off.join(' and ')} ${off.length > 1 ? 'do' : 'does'} not give all the weight to ${live.name}, the group that serves, although no deployment is recorded: ` +
        `set the weights (${live.name}'s target group positive, ${idle.name}'s 0) with aws elbv2 modify-listener / modify-rule, then re-run`
    )
  }
  return { kind: 'at-rest', live, idle, ...weights }
}

/**
 * An instance entering Standby has left the load balancer once no target group or Classic LB of its group
 * still sends it new requests: each shows it `draining` (or no longer registered; a Classic LB draining
 * connections still says InService, "deregistration currently in progress", read as `draining`). Right
 * after EnterStandby a read may still show it `healthy`: Auto Scaling deregisters it a moment later.
 */
export function deregistering(group: Group, i: Instance): boolean {
  if (i.lifecycle === 'Standby' || i.gone) return true
  return trafficKeys(group).every((arn) => {
    const t = i.targets[arn]
    return t === undefined || t.state === 'draining' || t.state === 'unused' || t.state === 'unhealthy.draining'
  })
}

/**
 * Whether an instance still takes (or is about to take) requests although it is on its way out: pending,
 * InService in a group scaled to 0, or leaving (entering Standby, terminating, detaching) but not yet
 * deregistering. InService instances of a group that keeps capacity are the plan's business, not a wait's.
 */
export function stillTakesTraffic(group: Group, i: Instance): boolean {
  if (PENDING_STATES.has(i.lifecycle)) return true
  if (i.lifecycle === 'InService') return group.capacity.desired === 0
  return !deregistering(group, i)
}

function unknown(reason: string): Phase {
  return { kind: 'unknown', reason }
}
