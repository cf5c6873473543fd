// Invariant checks of the deploy contract (SPEC "Invariants"), recorded in world.violations, never thrown.

import type { SimGroup, SimInstance } from './types.js'
import type { SimWorld } from './world.js'

const lowWater = new WeakMap<SimWorld, Map<string, number>>()

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
  world.checks.inv1 += world.baseline.size
  for (const [arn, base] of world.baseline) {
    const healthy = world.healthyCountArn(arn)
    const name = world.targetGroups.get(arn)?.name ?? arn
    if (healthy < base) {
      const prev = lows.get(arn)
      if (prev === undefined || healthy < prev) {
        world.violate(`invariant 1: target group ${name} has ${healthy} healthy targets, below the baseline of ${base}`)
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
  const tgs = group.targetGroupArns
  world.checks.inv2++
  if (tgs.length === 0) return
  const others: SimInstance[] = []
  for (const g of world.groups.values()) {
    if (g.name === group.name || !g.targetGroupArns.some((a) => tgs.includes(a))) continue
    others.push(...world.activeInstances(g))
  }
  for (const i of others) {
    for (const arn of tgs) {
      const tg = world.targetGroups.get(arn)
      const state = tg?.targets.get(i.id)?.state ?? 'unregistered'
      if (state !== 'healthy') {
        world.violate(`invariant 2: EnterStandby on ${group.name} while ${i.id} (${i.group ?? '?'}) is ${state} in target group ${tg?.name ?? arn}`)
      }
    }
  }
  if (others.length < moving.length) {
    world.violate(`invariant 2: EnterStandby on ${group.name} moves ${moving.length} instances but only ${others.length} replacement instances serve`)
  }
}
