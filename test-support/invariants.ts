// This action's rules, checked by the simulator after every tick (plugged in with the world's tick checks,
// test-support/world.ts): the deploy contract's invariants that depend on the action's own tags and limits
// (SPEC "Invariants"), recorded in world.violations, never thrown. The simulator's generic capacity checks
// (invariants 1 to 4) live in the package (packages/aws-sim/src/world/invariants.ts, and where the terminate
// and the launch happen).

import type { SimGroup, World } from '../packages/aws-sim/src/index.js'

/** Tag a deployment in progress carries on its groups (src/domain/markers.ts IDLE_CAPACITY_TAG). */
export const DEPLOY_MARKER_TAG = 'blue-green:idle-capacity'
/** Invariant 9: how long neither group of a pair may be able to scale out. */
export const SCALING_PAUSE_LIMIT_MS = 120_000

interface TickState {
  /** Target group ARN → the version set already reported as served together outside a deploy. */
  mixed: Map<string, string>
  /** Pair key (sorted group names) → scaling-pause tracking. */
  pause: Map<string, { since: number | undefined; reported: boolean }>
}

const tickState = new WeakMap<World, TickState>()

function stateOf(world: World): TickState {
  let s = tickState.get(world)
  if (!s) {
    s = { mixed: new Map(), pause: new Map() }
    tickState.set(world, s)
  }
  return s
}

/**
 * The groups attached to each target group: a blue/green "pair" (or more) shares the target group; and the
 * groups behind each weighted listener default action or rule (each color on a target group of its own).
 */
function pairs(world: World): { tgArn: string; groups: SimGroup[] }[] {
  const out: { tgArn: string; groups: SimGroup[] }[] = []
  for (const tg of world.targetGroups.values()) {
    // A Classic LB counts like a target group (models/targets.ts trafficOf).
    const groups = [...world.groups.values()].filter((g) => world.targets.trafficOf(g).includes(tg.arn))
    if (groups.length > 0) out.push({ tgArn: tg.arn, groups })
  }
  // Weights: the colors of a pair have target groups of their own, forwarded together by a listener or rule.
  for (const route of world.listeners.routing.routes.keys()) {
    const named = world.listeners.routing.namedTargetGroups(route)
    const groups = [...world.groups.values()].filter((g) => world.targets.trafficOf(g).some((arn) => named.includes(arn)))
    if (groups.length > 1) out.push({ tgArn: route, groups })
  }
  return out
}

/**
 * "Two versions serving outside a deploy", after every tick: targets of two different versions are `healthy`
 * in one target group while no group attached to it carries the deploy marker tag. Recorded once per target
 * group and version set, again after the condition cleared.
 */
function checkVersions(world: World, state: TickState): void {
  for (const { tgArn, groups } of pairs(world)) {
    const tg = world.targetGroups.get(tgArn)
    if (!tg) continue
    const versions = new Set<string>()
    for (const t of tg.targets.values()) {
      const v = t.state === 'healthy' ? world.instances.get(t.id)?.version : undefined
      if (v !== undefined) versions.add(v)
    }
    const deploying = groups.some((g) => g.tags.has(DEPLOY_MARKER_TAG))
    if (versions.size < 2 || deploying) {
      state.mixed.delete(tgArn)
      continue
    }
    const key = [...versions].sort().join(', ')
    if (state.mixed.get(tgArn) === key) continue
    state.mixed.set(tgArn, key)
    world.violate(`two versions serving outside a deploy: ${tg.classic ? 'Classic LB' : 'target group'} ${tg.name} has healthy targets of versions ${key} and neither of ${groups.map((g) => g.name).join(', ')} carries ${DEPLOY_MARKER_TAG}`)
  }
}

const canScaleOut = (g: SimGroup): boolean =>
  (g.policies.size > 0 && !g.suspended.has('AlarmNotification')) || (g.scheduled.size > 0 && !g.suspended.has('ScheduledActions'))
const hasScaling = (g: SimGroup): boolean => g.policies.size > 0 || g.scheduled.size > 0

/**
 * Invariant 9, after every tick: for the groups sharing a target group, while one of them has scaling
 * policies or scheduled actions, there must never be more than SCALING_PAUSE_LIMIT_MS during which none of
 * them can scale out (policies with AlarmNotification active, or scheduled actions with ScheduledActions
 * active). Recorded once per pause.
 */
function checkScalingPause(world: World, state: TickState): void {
  const now = world.now()
  for (const { groups } of pairs(world)) {
    const key = groups.map((g) => g.name).sort().join(' + ')
    let p = state.pause.get(key)
    if (!p) {
      p = { since: undefined, reported: false }
      state.pause.set(key, p)
    }
    // Only scaling that exists and is held back is a pause: a pair whose one-shot scheduled action
    // already ran (and has no policy) has nothing left to pause.
    if (!groups.some(hasScaling) || groups.some(canScaleOut)) {
      p.since = undefined
      p.reported = false
      continue
    }
    p.since ??= now
    if (!p.reported && now - p.since > SCALING_PAUSE_LIMIT_MS) {
      p.reported = true
      world.violate(`invariant 9: neither of ${key} could scale out for more than ${SCALING_PAUSE_LIMIT_MS / 1000} s (since ${new Date(p.since).toISOString()})`)
    }
  }
}

/**
 * Weights (issue 20), after every tick: a listener default action or rule whose applied weights send requests
 * to target groups of two groups at once while neither carries the deploy marker: both colors carry weight
 * outside a deploy or a rollback. Recorded once per route, again after the condition cleared.
 */
function checkWeights(world: World, state: TickState): void {
  for (const route of world.listeners.routing.routes.keys()) {
    // One target group (colors sharing it, the standby topology) is the other check's business.
    const weighted = world.weightedTargetGroups(route)
    const groups = weighted.length < 2 ? [] : [...world.groups.values()].filter((g) => world.targets.trafficOf(g).some((arn) => weighted.includes(arn)))
    const key = `route:${route}`
    if (groups.length < 2 || groups.some((g) => g.tags.has(DEPLOY_MARKER_TAG))) {
      state.mixed.delete(key)
      continue
    }
    const names = groups.map((g) => g.name).join(', ')
    if (state.mixed.get(key) === names) continue
    state.mixed.set(key, names)
    world.violate(`both colors carry weight outside a deploy: forward ${route} sends requests to ${names} and none of them carries ${DEPLOY_MARKER_TAG}`)
  }
}

/** The tick checks of this action's deploy contract, in the order they have always run. */
export function checkActionInvariants(world: World): void {
  const state = stateOf(world)
  checkVersions(world, state)
  checkScalingPause(world, state)
  checkWeights(world, state)
}
