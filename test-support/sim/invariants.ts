// Invariant checks of the deploy contract (SPEC "Invariants"), recorded in world.violations, never thrown.

import type { SimGroup, SimInstance } from './types.js'
import type { SimWorld } from './world.js'

const lowWater = new WeakMap<SimWorld, Map<string, number>>()

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

const tickState = new WeakMap<SimWorld, TickState>()

function stateOf(world: SimWorld): TickState {
  let s = tickState.get(world)
  if (!s) {
    s = { mixed: new Map(), pause: new Map() }
    tickState.set(world, s)
  }
  return s
}

/** The groups attached to each target group: a blue/green "pair" (or more) shares the target group. */
function pairs(world: SimWorld): { tgArn: string; groups: SimGroup[] }[] {
  const out: { tgArn: string; groups: SimGroup[] }[] = []
  for (const tg of world.targetGroups.values()) {
    // A Classic LB counts like a target group (models/targets.ts trafficOf).
    const groups = [...world.groups.values()].filter((g) => world.targets.trafficOf(g).includes(tg.arn))
    if (groups.length > 0) out.push({ tgArn: tg.arn, groups })
  }
  return out
}

/**
 * "Two versions serving outside a deploy", after every tick: targets of two different versions are `healthy`
 * in one target group while no group attached to it carries the deploy marker tag. Recorded once per target
 * group and version set, again after the condition cleared.
 */
function checkVersions(world: SimWorld, state: TickState): void {
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
function checkScalingPause(world: SimWorld, state: TickState): void {
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
 * Invariant 1, run after every tick and every accepted write: in each target group with a baseline, the
 * number of `healthy` targets is never below the baseline. A violation is recorded each time the count
 * reaches a new low (not on every tick while it stays low).
 */
export function checkTickInvariants(world: SimWorld): void {
  let lows = lowWater.get(world)
  if (!lows) {
    lows = new Map()
    lowWater.set(world, lows)
  }
  world.checks.ticks++
  const state = stateOf(world)
  checkVersions(world, state)
  checkScalingPause(world, state)
  world.checks.inv1 += world.baseline.size
  for (const [arn, base] of world.baseline) {
    // Capacity units: a weighted group's instances count their weight (the count when nothing is weighted).
    const healthy = world.targets.healthyUnitsArn(arn)
    const name = world.targetGroups.get(arn)?.name ?? arn
    if (healthy < base) {
      const prev = lows.get(arn)
      if (prev === undefined || healthy < prev) {
        world.violate(`invariant 1: ${world.targetGroups.get(arn)?.classic ? 'Classic LB' : 'target group'} ${name} has ${healthy} healthy targets, below the baseline of ${base}`)
        lows.set(arn, healthy)
      }
    } else {
      lows.delete(arn)
    }
  }
}

/**
 * Invariant 2, checked when EnterStandby is called on group X for `moving` instances. Rule implemented:
 * let T be X's target groups and S the instances of every *other* group sharing at least one target group
 * with X that are Pending or InService (Standby/EnteringStandby/Terminating/Detaching ones are ignored).
 * Then (a) every instance of S must be `healthy` in every target group of T, and (b) |S| ≥ |moving|.
 * T empty (group without target groups) → nothing to check.
 */
export function checkEnterStandby(world: SimWorld, group: SimGroup, moving: SimInstance[]): void {
  const tgs = world.targets.trafficOf(group)
  world.checks.inv2++
  if (tgs.length === 0) return
  const others: SimInstance[] = []
  for (const g of world.groups.values()) {
    if (g.name === group.name || !world.targets.trafficOf(g).some((a) => tgs.includes(a))) continue
    others.push(...world.activeInstances(g))
  }
  for (const i of others) {
    for (const arn of tgs) {
      const tg = world.targetGroups.get(arn)
      const state = tg?.targets.get(i.id)?.state ?? 'unregistered'
      if (state !== 'healthy') {
        world.violate(`invariant 2: EnterStandby on ${group.name} while ${i.id} (${i.group ?? '?'}) is ${state} in ${tg?.classic ? 'Classic LB' : 'target group'} ${tg?.name ?? arn}`)
      }
    }
  }
  // In capacity units: a weighted group's instances count their weight (the counts when nothing is weighted).
  const units = (list: SimInstance[]): number => list.reduce((n, i) => n + i.weight, 0)
  if (units(others) < units(moving)) {
    world.violate(`invariant 2: EnterStandby on ${group.name} moves ${units(moving)} capacity units but only ${units(others)} replacement units serve`)
  }
}
