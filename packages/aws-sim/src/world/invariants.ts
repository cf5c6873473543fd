// The simulator's own invariant checks: healthy capacity (invariants 1 and 2; 3 and 4 sit where the
// terminate and the launch happen; 5, forward weights, is checked where ModifyListener / ModifyRule is
// accepted, models/listeners.ts), recorded in world.violations, never thrown. Rules of a particular
// client of the simulator (its tags, its time limits) plug in as tick checks (world.ts WorldPlugins).

import type { Account } from '../models/account.js'
import type { AutoScalingModel } from '../models/autoscaling.js'
import type { TargetsModel } from '../models/targets.js'
import type { SimGroup, SimInstance } from '../core/types.js'
import type { SimAction } from '../core/listener-types.js'
import { forwardTargets } from '../models/actions.js'

/** What the checks read of the world (structural: the world implements it). */
export interface InvariantWorld extends Account {
  readonly targets: TargetsModel
  readonly autoScaling: AutoScalingModel
  /** Per target group ARN: healthy count that must never be undercut. */
  readonly baseline: ReadonlyMap<string, number>
  /**
   * Per weighted route (a listener's default action or a rule forwarding to target groups): the healthy
   * count, over the target groups its weights send requests to now, that must never be undercut.
   */
  readonly routeBaseline: ReadonlyMap<string, number>
  /** The target groups (ARN) a route sends requests to now: weight > 0 in the weights that apply. */
  weightedTargetGroups(route: string): string[]
}

const lowWater = new WeakMap<InvariantWorld, Map<string, number>>()

/**
 * After every tick and every accepted write: the plugged-in checks, then invariant 1 (in each target group
 * with a baseline, the number of `healthy` targets is never below the baseline). A violation of invariant 1
 * is recorded each time the count reaches a new low (not on every tick while it stays low).
 */
export function checkTickInvariants<W extends InvariantWorld>(world: W, extra: readonly ((world: W) => void)[]): void {
  let lows = lowWater.get(world)
  if (!lows) {
    lows = new Map()
    lowWater.set(world, lows)
  }
  world.checks.ticks++
  for (const check of extra) check(world)
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
  // Weighted routes: what counts is the healthy capacity behind the weights, not each target group's (the
  // idle color's target group at weight 0 may be empty; the old one keeps its targets until finalize).
  world.checks.inv1 += world.routeBaseline.size
  for (const [route, base] of world.routeBaseline) {
    const served = world.weightedTargetGroups(route)
    const healthy = served.reduce((n, arn) => n + world.targets.healthyUnitsArn(arn), 0)
    const key = `route:${route}`
    if (healthy < base) {
      const prev = lows.get(key)
      if (prev === undefined || healthy < prev) {
        const names = served.map((arn) => world.targetGroups.get(arn)?.name ?? arn).join(', ') || 'no target group'
        world.violate(`invariant 1: forward ${route} sends requests to ${names} with ${healthy} healthy targets, below the baseline of ${base}`)
        lows.set(key, healthy)
      }
    } else {
      lows.delete(key)
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
export function checkEnterStandby(world: InvariantWorld, group: SimGroup, moving: SimInstance[]): void {
  const tgs = world.targets.trafficOf(group)
  world.checks.inv2++
  if (tgs.length === 0) return
  const others: SimInstance[] = []
  for (const g of world.groups.values()) {
    if (g.name === group.name || !world.targets.trafficOf(g).some((a) => tgs.includes(a))) continue
    others.push(...world.autoScaling.activeInstances(g))
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

/**
 * Invariant 5, checked when a ModifyListener / ModifyRule is accepted, on the forward actions it wrote: no
 * forward gives weight (> 0) to a target group with no healthy target while another target group of the same
 * forward has healthy targets (the traffic given that weight would fail or fail open, when it had somewhere
 * healthy to go). `where` names the call and the resource.
 */
export function checkForwardWeights(world: InvariantWorld, where: string, actions: readonly SimAction[]): void {
  for (const a of actions) {
    const targets = forwardTargets(a)
    if (a.type !== 'forward') continue
    world.checks.inv5++
    const healthy = targets.map((t) => world.targets.healthyCountArn(t.targetGroupArn))
    const served = targets.findIndex((_, n) => (healthy[n] ?? 0) > 0)
    if (served < 0) continue
    targets.forEach((t, n) => {
      if (t.weight === 0 || (healthy[n] ?? 0) > 0) return
      const name = (arn: string): string => world.targetGroups.get(arn)?.name ?? arn
      const other = targets[served] as (typeof targets)[number]
      world.violate(`invariant 5: ${where} gives weight ${t.weight} to target group ${name(t.targetGroupArn)}, which has no healthy target, while ${name(other.targetGroupArn)} of the same forward has ${healthy[served]} healthy`)
    })
  }
}

/**
 * Checked when DeregisterTargets is accepted: the instance of an Auto Scaling group it takes out of a target
 * group must be leaving that group (entering Standby, in Standby, terminating, detaching). An InService one
 * would be left in service but out of the load balancer, and Auto Scaling never registers it again (it
 * registers at launch and at ExitStandby only): a rollback could not bring it back by ExitStandby.
 */
export function checkDeregisterTargets(world: InvariantWorld, tgName: string, ids: string[]): void {
  for (const id of ids) {
    const i = world.instances.get(id)
    if (i?.group !== undefined && i.lifecycle === 'InService') {
      world.violate(`DeregisterTargets took ${id}, InService in ${i.group}, out of target group ${tgName}: it stays in service out of the load balancer`)
    }
  }
}
