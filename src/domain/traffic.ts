// Weighted target groups: each color on its own target groups, and every ALB listener default action or
// rule that forwards to them lists one target group of each color with a weight. Cutover and rollback
// then are one weight write per forward action; the old instances stay InService and registered.
//
// Facts (Elastic Load Balancing, Application Load Balancers: "Listener rules", forward actions with
// ForwardConfig; "Application Load Balancer simplifies deployments with support for weighted target
// groups"): a forward action lists up to 5 target groups, each with a weight 0–999; a target group of
// weight 0 gets no requests while its targets are still health-checked; with TargetGroupStickinessConfig
// enabled a client stays on the target group it was sent to for up to DurationSeconds.
import type { Forward, Group, Mode, Pair } from './model.js'
import { tgName } from './steps.js'

export type { Forward } from './model.js'

export type Topology =
  /** Both colors on the same target groups (or Classic LBs): cutover moves the old instances to Standby. */
  | { kind: 'standby' }
  /** Each color on its own target groups, every forward listing one of each: cutover writes weights. */
  | { kind: 'weights'; forwards: Forward[] }
  | { kind: 'refused'; reasons: string[] }

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

/**
 * How traffic reaches the pair. Colors on the same target groups: `standby`. Colors on different target
 * groups, with every one of them forwarded together with one of the other color's and nothing else: `weights`.
 * Anything in between is refused, naming the listener or rule and what to change.
 */
export function topologyOf(pair: Pair): Topology {
  const [a, b] = pair.groups
  if (sameSet(a.targetGroupArns, b.targetGroupArns)) return { kind: 'standby' }
  const shared = a.targetGroupArns.filter((arn) => b.targetGroupArns.includes(arn))
  const names = (arns: string[]) => (arns.length === 0 ? 'none' : arns.map(tgName).join(', '))
  if (shared.length > 0 || a.targetGroupArns.length === 0 || b.targetGroupArns.length === 0) {
    return refused(
      `${pair.base}: ${a.name} and ${b.name} are attached to different target groups (${names(a.targetGroupArns)} vs ${names(b.targetGroupArns)}) ` +
        `with ${shared.length > 0 ? `${names(shared)} in common` : 'one of them on none'}: attach both to the same target groups (cutover by Standby), ` +
        `or each to target groups of its own that every ALB listener forwards to together, with weights (cutover by weights; docs/MIGRATION.md).`
    )
  }
  const classic = pair.groups.filter((g) => g.loadBalancerNames.length > 0)
  if (classic.length > 0) {
    return refused(
      `${pair.base}: ${classic.map((g) => g.name).join(' and ')} ${classic.length > 1 ? 'are' : 'is'} also attached to a Classic Load Balancer, which cannot weigh traffic, ` +
        `while the colors use target groups of their own: attach both colors to the same target groups and Classic LBs, or detach the Classic LB.`
    )
  }
  const lead =
    `${pair.base}: ${a.name} and ${b.name} are attached to different target groups (${names(a.targetGroupArns)} vs ${names(b.targetGroupArns)}), ` +
    `which moves traffic by weights only when every ALB listener default action or rule forwarding to one of them forwards to one of each color`
  if (!pair.listeners) return refused(`${lead}; the listeners in front of them were not read.`)
  const reasons: string[] = []
  const colorOf = (arn: string): Group | undefined => pair.groups.find((g) => g.targetGroupArns.includes(arn))
  for (const f of pair.listeners.forwards) {
    const others = f.targetGroups.filter((t) => !colorOf(t.arn))
    const ofA = f.targetGroups.filter((t) => a.targetGroupArns.includes(t.arn))
    const ofB = f.targetGroups.filter((t) => b.targetGroupArns.includes(t.arn))
    if (others.length > 0) {
      reasons.push(
        `${f.label} also forwards to ${names(others.map((t) => t.arn))}, which neither ${a.name} nor ${b.name} is attached to: ` +
          `a weight switch would leave its share where it is. Forward that rule to one target group of each color only, then re-run.`
      )
    } else if (ofA.length !== 1 || ofB.length !== 1) {
      const only = ofA.length === 0 ? b : ofB.length === 0 ? a : undefined
      reasons.push(
        only
          ? `${f.label} forwards to ${names(f.targetGroups.map((t) => t.arn))} of ${only.name} only: traffic it carries cannot move to the other color. ` +
              `Make it forward to one target group of each color, with weights (the live color's positive, the idle color's 0), then re-run.`
          : `${f.label} forwards to ${ofA.length} target groups of ${a.name} and ${ofB.length} of ${b.name}: give each forward action exactly one target group of each color.`
      )
    }
  }
  for (const arn of [...a.targetGroupArns, ...b.targetGroupArns]) {
    if (!pair.listeners.forwards.some((f) => f.targetGroups.some((t) => t.arn === arn))) {
      reasons.push(
        `Target group ${tgName(arn)} of ${colorOf(arn)?.name ?? '?'} is in no forward action of the ALB listeners in front of the pair: ` +
          `its instances would never get traffic. Forward a listener default action or rule to it together with the other color's target group, or detach it, then re-run.`
      )
    }
  }
  if (pair.listeners.forwards.length === 0) return refused(`${lead}; no listener forwards to them. Attach both colors to the same target groups, or forward to both with weights (docs/MIGRATION.md).`)
  return reasons.length > 0 ? refused(`${lead}. ${reasons.join(' ')}`) : { kind: 'weights', forwards: pair.listeners.forwards }
}

/** Pre-flight: the topology's refusals, and mode canary on a pair that moves traffic by weights. */
export function topologyRefusals(pair: Pair, mode: Mode): string[] {
  const topology = topologyOf(pair)
  if (topology.kind === 'refused') return topology.reasons
  if (topology.kind === 'weights' && mode === 'canary') {
    const [a, b] = pair.groups
    return [
      `${pair.base}: mode canary runs a few new instances beside the live ones in the same target groups, but ${a.name} and ${b.name} move traffic by weights ` +
        `(target groups of their own): the canary's instances would get no requests at weight 0. Deploy instead (the cutover is one weight write, and a rollback one more).`
    ]
  }
  return []
}

function refused(reason: string): Topology {
  return { kind: 'refused', reasons: [reason] }
}

/** Weight the forward gives to the group's target group (0 when it names none of them). */
function weightGivenTo(f: Forward, g: Pick<Group, 'targetGroupArns'>): number {
  return f.targetGroups.filter((t) => g.targetGroupArns.includes(t.arn)).reduce((n, t) => n + t.weight, 0)
}

/** Every forward gives the group weight and the other none: it alone takes the requests. */
export function carriesAll(forwards: Forward[], g: Group, other: Group): boolean {
  return forwards.every((f) => weightGivenTo(f, g) > 0 && weightGivenTo(f, other) === 0)
}

/** The weights that give the forward's traffic to `to` alone: it takes `from`'s weight (at least 1), `from` 0. */
export function movedWeights(f: Forward, from: Group, to: Group): { arn: string; weight: number }[] {
  const share = Math.max(weightGivenTo(f, from), weightGivenTo(f, to), 1)
  return f.targetGroups.map((t) => ({ arn: t.arn, weight: to.targetGroupArns.includes(t.arn) ? share : 0 }))
}

/** The forwards that do not yet give all their traffic to `to`. */
export function forwardsToMove(forwards: Forward[], from: Group, to: Group): Forward[] {
  return forwards.filter((f) => !carriesAll([f], to, from))
}

/** The longest stickiness of these forwards (seconds), if any keeps clients on their target group. */
export function stickiness(forwards: Forward[]): number | undefined {
  const sticky = forwards.flatMap((f) => (f.stickySeconds !== undefined ? [f.stickySeconds] : []))
  return sticky.length > 0 ? Math.max(...sticky) : undefined
}
