// Canary: the idle group, tagged with the new version, runs a few instances next to the live group,
// behind the same target groups, until a deploy of the same version promotes it or a rollback removes it.
// The live group keeps its processes and policies; its MinSize is held at its desired capacity for the
// whole canary (hold.ts: the canary's targets lower its per-target load, and its target tracking would
// scale it in by as many), so promotion sizes the new group to what the live group had when the canary
// started, and removal leaves it serving that when the canary leaves. Planned from observed state like
// every mode, so a canary interrupted anywhere is finished by a re-run, or removed by a rollback.
import { assessHealth } from './health.js'
import { trafficKeys } from './classic.js'
import { holdSteps } from './hold.js'
import { CANARY_TAG, DEPLOY_RUN_TAG, IDLE_CAPACITY_TAG, RELEASE_TAG, encodeCapacity } from './markers.js'
import { type Capacity, type Group, type Instance, type Pair, activeInstances, unitWord, unitsOf } from './model.js'
import type { Phase } from './phase.js'
import type { PlanOptions } from './plan.js'
import { unitOf } from './plan-common.js'
import type { Verdict } from './verdict.js'
import type { Step } from './steps.js'

export interface CanaryOptions extends PlanOptions {
  count: number
}

/**
 * The canary group's capacity: exactly `count` instances (MinSize holds them against any scale-in). In a
 * group that counts units (instance weights, vcpu, memory-mib), `count` is in those units, like every
 * size of the group: Auto Scaling launches instances until they reach it (possibly overshooting).
 */
export function canaryCapacity(next: Group, count: number): Capacity {
  return { min: count, desired: count, max: Math.max(next.capacity.max, count) }
}

export function planCanary(phase: Phase, opts: CanaryOptions): Step[] {
  if (phase.kind === 'at-rest') {
    const { idle } = phase
    return [
      {
        kind: 'tag',
        group: idle.name,
        tags: {
          [opts.versionTagKey]: opts.version,
          ...(opts.releaseTag ? { [RELEASE_TAG]: opts.releaseTag } : {}),
          [IDLE_CAPACITY_TAG]: encodeCapacity(idle.capacity),
          [DEPLOY_RUN_TAG]: opts.run,
          [CANARY_TAG]: String(opts.count)
        },
        propagate: [opts.versionTagKey]
      },
      ...holdSteps(phase.live),
      { kind: 'set-capacity', group: idle.name, capacity: canaryCapacity(idle, opts.count) },
      { kind: 'wait-healthy', group: idle.name, count: opts.count, targetGroupArns: trafficKeys(idle), purpose: 'deploy', ...unitOf(idle) }
    ]
  }
  if (phase.kind !== 'deploying' || phase.canary === undefined) return []
  const { live, next } = phase
  const steps: Step[] = []
  const retag: Record<string, string> = {
    ...(next.tags[DEPLOY_RUN_TAG] !== opts.run ? { [DEPLOY_RUN_TAG]: opts.run } : {}),
    ...(phase.canary !== opts.count ? { [CANARY_TAG]: String(opts.count) } : {})
  }
  if (Object.keys(retag).length > 0) steps.push({ kind: 'tag', group: next.name, tags: retag, propagate: [] })
  // A re-run holds the live group again (its scaling may have raised it; a canary of an older run held nothing).
  steps.push(...holdSteps(live))
  const wanted = canaryCapacity(next, opts.count)
  const sized = next.capacity.min === wanted.min && next.capacity.desired === wanted.desired && next.capacity.max === wanted.max
  if (!sized) steps.push({ kind: 'set-capacity', group: next.name, capacity: wanted })
  if (!sized || !canaryReady(next, opts.count)) {
    steps.push({ kind: 'wait-healthy', group: next.name, count: opts.count, targetGroupArns: trafficKeys(next), purpose: 'deploy', ...unitOf(next) })
  }
  return steps
}

/** Every canary instance is InService and healthy in every target group. */
export function canaryReady(next: Group, count: number): boolean {
  return next.capacity.desired === count && assessHealth(next, count, trafficKeys(next)).ready
}

/** Where a canary run may start, resume, or must refuse (the checks a fresh deploy makes come from the caller). */
export function canaryChecks(pair: Pair, phase: Phase, opts: { version: string; versionTagKey: string; count: number; rebake: boolean }): Verdict | undefined {
  if (phase.kind === 'at-rest') {
    const { live } = phase
    if (live.tags[opts.versionTagKey] === opts.version) {
      return { refusals: [], nothingToDo: `${pair.base}: ${opts.version} is already live on ${live.name}; nothing to try as a canary.` }
    }
    if (opts.count >= live.capacity.desired) {
      return {
        refusals: [
          `${pair.base}: canary-count ${opts.count} is not fewer than the ${live.capacity.desired} ${unitWord(live)} ${live.name} serves with; a canary takes a small share of the traffic. Lower canary-count, or deploy.`
        ]
      }
    }
    return undefined // the fresh-deploy checks decide
  }
  if (phase.kind === 'deploying') {
    const inFlight = phase.next.tags[opts.versionTagKey] ?? '(no version tag)'
    if (phase.canary === undefined) {
      return {
        refusals: [
          `${pair.base}: a deploy of ${inFlight} to ${phase.next.name} is in progress (not a canary); re-run deploy with version ${inFlight} to finish it, or run mode: rollback first.`
        ]
      }
    }
    if (inFlight !== opts.version) {
      return {
        refusals: [
          `${pair.base}: a canary of ${inFlight} runs on ${phase.next.name}; remove it with mode: rollback (or promote it with mode: deploy and version ${inFlight}) before a canary of ${opts.version}.`
        ]
      }
    }
    if (phase.canary === opts.count && canaryReady(phase.next, opts.count) && !opts.rebake) {
      return { refusals: [], nothingToDo: `${pair.base}: the canary of ${opts.version} already runs on ${phase.next.name} (${opts.count} healthy ${unitWord(phase.next)}).` }
    }
    return { refusals: [] }
  }
  if (phase.kind === 'cut-over') {
    return {
      refusals: [
        `${pair.base}: the deployment of ${phase.next.tags[opts.versionTagKey] ?? '(no version tag)'} to ${phase.next.name} waits for finalize or rollback; a canary starts only from a pair at rest.`
      ]
    }
  }
  return undefined
}

/** The canary message for a deploy of another version, or a finalize, while a canary runs. */
export function canaryBlocks(pair: Pair, phase: Phase, versionTagKey: string, what: 'deploy' | 'finalize', version = ''): string | undefined {
  if (phase.kind !== 'deploying' || phase.canary === undefined) return undefined
  const v = phase.next.tags[versionTagKey] ?? '(no version tag)'
  const runs = `a canary of ${v} runs on ${phase.next.name} (${activeInstances(phase.next).length} instance(s) beside ${phase.live.name})`
  return what === 'finalize'
    ? `${pair.base}: ${runs}; there is nothing to finalize before cutover. Promote it with mode: deploy and version ${v} (then finalize), or remove it with mode: rollback.`
    : `${pair.base}: ${runs}; a deploy of ${version} must wait until it is removed with mode: rollback (or promote it: mode: deploy with version ${v}).`
}

/**
 * The canary's instances and their share of the pair's serving instances, e.g. `1 of 4`; in capacity
 * units where the groups count units, e.g. `2 of 10 capacity unit(s)`. That is its share of the requests
 * only where the load balancer spreads them over every target in every zone (an Application Load Balancer;
 * a Network Load Balancer only with cross-zone load balancing on, off by default). Without it each zone
 * gets an equal part, split among that zone's targets: `byZone` gives the canary's share in each zone
 * (when the serving instances span more than one), e.g. `us-east-1a 1 of 3, us-east-1b 0 of 2`.
 */
export function canaryShare(pair: Pair): { instances: string[]; share: string; byZone?: string } | undefined {
  const [a, b] = pair.groups
  const next = pair.groups.find((g) => g.tags[CANARY_TAG] !== undefined)
  if (!next) return undefined
  const live = next === a ? b : a
  const mine = activeInstances(next)
  const all = [...mine, ...activeInstances(live)]
  const count = (list: Instance[]): number => (next.capacityUnit !== undefined ? unitsOf(list) : list.length)
  const unit = next.capacityUnit !== undefined ? ` ${unitWord(next)}` : ''
  const zones = [...new Set(all.map((i) => i.zone ?? ''))].sort()
  const byZone =
    zones.length > 1 && !zones.includes('')
      ? zones.map((z) => `${z} ${count(mine.filter((i) => i.zone === z))} of ${count(all.filter((i) => i.zone === z))}`).join(', ')
      : undefined
  return { instances: mine.map((i) => i.id), share: `${count(mine)} of ${count(all)}${unit}`, ...(byZone ? { byZone } : {}) }
}
