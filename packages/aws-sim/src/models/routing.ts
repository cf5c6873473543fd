// Request routing and accounting for ALB/NLB listeners (README "ALB listeners, rules and weighted
// forwarding"): every route (a listener's default action, a rule) routes by the weights that apply to it
// now; a written change applies after a propagation lag; stickiness keeps clients on the weights of before
// a change for its duration; simulated requests are generated lazily at each step of virtual time, for the
// interval since the last step, with the routing state of that interval (state changes happen at step
// boundaries, after the interval's requests: a change due at T routes the requests after T).

import type { Account } from './account.js'
import type { RequestSchedule, ServedRequest, SimRoute, SimRouting, SimWeightedTarget } from '../core/listener-types.js'
import type { SimTargetGroup } from '../core/types.js'
import { isNetworkProtocol } from './targets.js'

/**
 * How long a written listener or rule change takes to reach the load balancer nodes (virtual ms, drawn per
 * change from the world's rng). AWS: "Rule updates do not take effect immediately, so requests could be
 * routed using the previous rule configuration for a short time after you update a rule" (ALB user guide,
 * "Edit a listener rule"); no figure is published: the range is an assumption.
 */
export const LISTENER_PROPAGATION_MS: readonly [number, number] = [200, 1_500]

/** One route's routing for an interval: what it forwards to and to which instances, precomputed once per step. */
interface Plan {
  route: SimRoute
  fixed: number | undefined
  /** Target groups with weight > 0, in the forward's order. */
  groups: { arn: string; name: string; weight: number; candidates: string[] }[]
  total: number
}

export class RoutingModel {
  readonly routes = new Map<string, SimRoute>()
  /** Every simulated request, in time order (routes in creation order within one instant). */
  readonly requests: ServedRequest[] = []
  schedule: RequestSchedule | undefined
  /** Round-robin position per route and target group (the ALB's default routing algorithm within a target group). */
  private readonly roundRobin = new Map<string, number>()

  constructor(private readonly w: Account) {}

  addRoute(arn: string, routing: SimRouting): void {
    this.routes.set(arn, { arn, applied: routing, pending: [], sticky: undefined, swrr: { key: '', current: [] } })
  }

  mustRoute(arn: string): SimRoute {
    const r = this.routes.get(arn)
    if (!r) throw new Error(`no listener or rule ${arn}`)
    return r
  }

  /** A written change: it routes requests after the propagation lag, never before an earlier change. */
  propagate(arn: string, routing: SimRouting): void {
    const r = this.mustRoute(arn)
    const [min, max] = LISTENER_PROPAGATION_MS
    const last = r.pending[r.pending.length - 1]?.at ?? 0
    r.pending.push({ at: Math.max(this.w.now() + this.w.rng.int(min, max), last), routing })
  }

  /** What requests of this route get now: the applied routing, on the sticky weights while clients stick. */
  effective(r: SimRoute): SimRouting {
    if (r.applied.kind === 'forward' && r.sticky) return { kind: 'forward', targets: r.sticky.targets, stickiness: r.applied.stickiness }
    return r.applied
  }

  /** From now on `perSecond` requests per route per virtual second (request k at now + k·1000/perSecond). */
  start(perSecond: number): void {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new Error(`perSecond must be a positive number, got ${perSecond}`)
    const doneUntil = this.schedule?.doneUntil ?? this.w.now() - 1
    this.schedule = { perSecond, t0: this.w.now(), next: 0, doneUntil }
  }

  nextDue(see: (t: number | undefined) => void): void {
    for (const r of this.routes.values()) {
      see(r.pending[0]?.at)
      see(r.sticky?.until)
    }
  }

  /** One step at `now`: the requests since the last step (routed as things stood), then the changes due. */
  step(now: number): void {
    this.generate(now)
    for (const r of this.routes.values()) {
      for (let p = r.pending[0]; p !== undefined && p.at <= now; p = r.pending[0]) {
        r.pending.shift()
        this.apply(r, p.at, p.routing)
      }
      if (r.sticky && r.sticky.until <= now) r.sticky = undefined
    }
  }

  /**
   * A change reaches the route at `at`. With stickiness enabled before or after it (worst case: as if every
   * client held a cookie), requests keep the weights that applied before the change for DurationSeconds.
   */
  private apply(r: SimRoute, at: number, routing: SimRouting): void {
    const before = this.effective(r)
    const seconds = (x: SimRouting): number => (x.kind === 'forward' && x.stickiness?.enabled ? (x.stickiness.durationSeconds ?? 0) : 0)
    const stick = Math.max(seconds(r.applied), seconds(routing))
    if (routing.kind !== 'forward' || before.kind !== 'forward') r.sticky = undefined
    else if (stick === 0) r.sticky = undefined
    else if (weightsKey(before.targets) !== weightsKey(routing.targets)) r.sticky = { until: at + stick * 1000, targets: before.targets }
    r.applied = routing
  }

  private generate(now: number): void {
    const s = this.schedule
    if (!s) return
    const interval = 1000 / s.perSecond
    let plans: Plan[] | undefined
    for (let at = s.t0 + Math.floor(s.next * interval); at <= now; at = s.t0 + Math.floor(s.next * interval)) {
      s.next++
      if (at <= s.doneUntil) continue
      plans ??= [...this.routes.values()].map((r) => this.plan(r))
      for (const p of plans) this.requests.push(this.serve(p, at))
    }
    s.doneUntil = Math.max(s.doneUntil, now)
  }

  private plan(route: SimRoute): Plan {
    const eff = this.effective(route)
    if (eff.kind === 'fixed') return { route, fixed: eff.status, groups: [], total: 0 }
    const groups = eff.targets
      .filter((t) => t.weight > 0)
      .map((t) => {
        const tg = this.w.targetGroups.get(t.targetGroupArn)
        return { arn: t.targetGroupArn, name: tg?.name ?? t.targetGroupArn, weight: t.weight, candidates: tg ? this.candidates(tg) : [] }
      })
    const key = weightsKey(eff.targets)
    if (route.swrr.key !== key) route.swrr = { key, current: groups.map(() => 0) }
    return { route, fixed: undefined, groups, total: groups.reduce((n, g) => n + g.weight, 0) }
  }

  /**
   * The targets a new request may go to: the healthy ones (an NLB's draining or lately deregistered ones
   * too: it "may keep routing new connections" to them, models/targets.ts). None healthy: the ALB fails
   * open to every registered target not draining ("If a target group contains only unhealthy registered
   * targets, the load balancer routes requests to all those targets", "Health checks for Application Load
   * Balancer target groups"). Draining and `initial` targets get none otherwise.
   */
  private candidates(tg: SimTargetGroup): string[] {
    const targets = [...tg.targets.values()]
    const out = targets.filter((t) => t.state === 'healthy').map((t) => t.id)
    if (isNetworkProtocol(tg.protocol)) {
      out.push(...targets.filter((t) => t.state === 'draining').map((t) => t.id))
      for (const [id, until] of tg.newConnectionsUntil ?? []) if (until > this.w.now() && !tg.targets.has(id) && this.w.instances.get(id)?.ec2State === 'running') out.push(id)
    }
    if (out.length > 0) return out
    return targets.filter((t) => t.state !== 'draining').map((t) => t.id)
  }

  private serve(p: Plan, at: number): ServedRequest {
    const route = p.route.arn
    if (p.fixed !== undefined) return { at, route, status: p.fixed }
    if (p.total === 0) return { at, route, status: 503 }
    // Smooth weighted round robin: exact proportions, deterministic (ALB's own choice is not documented).
    const cur = p.route.swrr.current
    let best = 0
    p.groups.forEach((g, n) => {
      cur[n] = (cur[n] ?? 0) + g.weight
      if ((cur[n] ?? 0) > (cur[best] ?? 0)) best = n
    })
    cur[best] = (cur[best] ?? 0) - p.total
    const g = p.groups[best] as Plan['groups'][number]
    if (g.candidates.length === 0) return { at, route, targetGroup: g.name, status: 503 }
    const key = `${route} ${g.arn}`
    const turn = this.roundRobin.get(key) ?? 0
    this.roundRobin.set(key, turn + 1)
    const id = g.candidates[turn % g.candidates.length] as string
    const version = this.w.instances.get(id)?.version
    return { at, route, targetGroup: g.name, instanceId: id, ...(version !== undefined ? { version } : {}), status: 200 }
  }

  /** The weights (by target group name) that apply to requests of this route now; {} for a fixed response. */
  /** The target groups (ARN) a route sends requests to now (weight > 0 in the weights that apply). */
  weightedTargetGroups(arn: string): string[] {
    const eff = this.effective(this.mustRoute(arn))
    return eff.kind === 'forward' ? eff.targets.filter((t) => t.weight > 0).map((t) => t.targetGroupArn) : []
  }

  /** Every target group a route's forward names (any weight), now or in a change still propagating. */
  namedTargetGroups(arn: string): string[] {
    const r = this.mustRoute(arn)
    return [r.applied, ...r.pending.map((p) => p.routing)].flatMap((x) => (x.kind === 'forward' ? x.targets.map((t) => t.targetGroupArn) : []))
  }

  forwardWeights(arn: string): Record<string, number> {
    const eff = this.effective(this.mustRoute(arn))
    if (eff.kind !== 'forward') return {}
    return Object.fromEntries(eff.targets.map((t) => [this.w.targetGroups.get(t.targetGroupArn)?.name ?? t.targetGroupArn, t.weight]))
  }

  servedBy(f: { version?: string; targetGroup?: string; status?: number; since?: number; until?: number }): number {
    let n = 0
    for (const r of this.requests) {
      if (f.status !== undefined && r.status !== f.status) continue
      if (f.version !== undefined && r.version !== f.version) continue
      if (f.targetGroup !== undefined && r.targetGroup !== f.targetGroup) continue
      if (f.since !== undefined && r.at < f.since) continue
      if (f.until !== undefined && r.at > f.until) continue
      n++
    }
    return n
  }
}

function weightsKey(targets: readonly SimWeightedTarget[]): string {
  return targets.map((t) => `${t.targetGroupArn}=${t.weight}`).join(',')
}
