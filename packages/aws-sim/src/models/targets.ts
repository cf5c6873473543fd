// ELBv2 target groups: registration, health checks (healthy, failing, slow-booting, stuck), draining, and
// DescribeTargetHealth's view of an instance.

import type { Account, ClassicLoadBalancerOptions, TargetGroupOptions } from './account.js'
import type { SimInstance, SimTarget, SimTargetGroup, VersionHealth, SimGroup } from '../core/types.js'

export class TargetsModel {
  constructor(private readonly w: Account) {}

  addTargetGroup(o: TargetGroupOptions): SimTargetGroup {
    const arn = `arn:aws:elasticloadbalancing:${this.w.region}:${this.w.accountId}:targetgroup/${o.name}/${this.w.ids.hex(16)}`
    const tg: SimTargetGroup = {
      name: o.name,
      arn,
      port: o.port ?? 80,
      protocol: o.protocol ?? 'HTTP',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      deregistrationDelaySeconds: o.deregistrationDelaySeconds ?? 300,
      connectionTermination: o.connectionTermination ?? false,
      healthCheckIntervalSeconds: o.healthCheckIntervalSeconds ?? 30,
      healthyAfterChecks: o.healthyAfterChecks ?? 5,
      unhealthyThresholdCount: o.unhealthyAfterChecks ?? 2,
      healthCheckTimeoutSeconds: o.healthCheckTimeoutSeconds ?? 5,
      healthCheckPath: '/',
      loadBalancerArns: o.loadBalancerArns ?? [
        `arn:aws:elasticloadbalancing:${this.w.region}:${this.w.accountId}:loadbalancer/app/${o.name}-alb/${this.w.ids.hex(16)}`
      ],
      targets: new Map()
    }
    this.w.targetGroups.set(arn, tg)
    return tg
  }

  /**
   * A Classic Load Balancer: the same registration, health checks and draining as a target group (Auto
   * Scaling registers and deregisters a group's instances with its Classic LBs exactly as with its target
   * groups: "Temporarily remove instances from your Auto Scaling group"), answered by DescribeInstanceHealth
   * (handlers/elb.ts) in the Classic LB's own words.
   */
  addClassicLoadBalancer(o: ClassicLoadBalancerOptions): SimTargetGroup {
    const key = classicKey(o.name)
    if (this.w.targetGroups.has(key)) throw new Error(`Classic Load Balancer ${o.name} exists`)
    const lb: SimTargetGroup = {
      name: o.name,
      arn: key,
      port: 80,
      protocol: 'HTTP',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      deregistrationDelaySeconds: o.connectionDrainingSeconds ?? 300,
      connectionTermination: false,
      healthCheckIntervalSeconds: o.healthCheckIntervalSeconds ?? 30,
      healthyAfterChecks: o.healthyAfterChecks ?? 10,
      unhealthyThresholdCount: o.unhealthyAfterChecks ?? 2,
      healthCheckTimeoutSeconds: 5,
      healthCheckPath: '/',
      loadBalancerArns: [],
      targets: new Map(),
      classic: true
    }
    this.w.targetGroups.set(key, lb)
    return lb
  }

  /** The Classic LB named `name`, if the world has one. */
  classicByName(name: string): SimTargetGroup | undefined {
    return this.w.targetGroups.get(classicKey(name))
  }

  /**
   * What sends a group's instances traffic: its target groups, then the Classic LBs (of those the world
   * has) it names in LoadBalancerNames.
   */
  trafficOf(g: SimGroup): string[] {
    // Target groups and Classic LBs attached either way take traffic alike (VPC Lattice is not modelled).
    const arns = [...g.targetGroupArns, ...g.trafficSources.filter((t) => t.type === 'elbv2').map((t) => t.identifier)]
    const lbs = [...g.loadBalancerNames, ...g.trafficSources.filter((t) => t.type === 'elb').map((t) => t.identifier)]
    return [...new Set([...arns, ...lbs.map(classicKey).filter((k) => this.w.targetGroups.has(k))])]
  }

  classicStates(name: string): { id: string; state: string }[] {
    const lb = this.classicByName(name)
    if (!lb) throw new Error(`no Classic Load Balancer ${name}`)
    return [...lb.targets.values()].map((t) => ({ id: t.id, state: t.state }))
  }

  setVersionHealth(version: string, health: VersionHealth): void {
    this.w.versionHealth.set(version, health)
    // Targets still in `initial` are re-judged; settled ones keep their state.
    for (const tg of this.w.targetGroups.values()) {
      for (const t of tg.targets.values()) {
        const inst = this.w.instances.get(t.id)
        if (inst && t.state === 'initial' && t.next?.state !== 'draining' && inst.version === version && !inst.healthOverride) this.scheduleHealth(tg, t, inst)
      }
    }
  }

  /** Make an instance fail its health checks from now on, in every target group it is registered in. */
  makeUnhealthy(instanceId: string, reason = 'Target.ResponseCodeMismatch', description?: string): void {
    const inst = this.w.mustInstance(instanceId)
    inst.healthOverride = {
      state: 'unhealthy',
      reason,
      description: description ?? (reason === 'Target.ResponseCodeMismatch' ? 'Health checks failed with these codes: [502]' : 'Health checks failed')
    }
    for (const tg of this.w.targetGroups.values()) {
      const t = tg.targets.get(instanceId)
      if (t && t.state !== 'draining' && t.next?.state !== 'draining') Object.assign(t, { state: 'unhealthy', reason, description: inst.healthOverride.description, due: undefined, next: undefined, after: undefined })
    }
    this.w.settle()
  }

  /** Undo makeUnhealthy: registered targets pass their checks again. */
  makeHealthy(instanceId: string): void {
    const inst = this.w.mustInstance(instanceId)
    inst.healthOverride = undefined
    for (const tg of this.w.targetGroups.values()) {
      const t = tg.targets.get(instanceId)
      if (t && t.state !== 'draining' && t.next?.state !== 'draining') Object.assign(t, { state: 'healthy', reason: undefined, description: undefined, due: undefined, next: undefined, after: undefined })
    }
    this.w.settle()
  }

  healthyCountArn(arn: string): number {
    const tg = this.w.targetGroups.get(arn)
    if (!tg) return 0
    let n = 0
    for (const t of tg.targets.values()) if (t.state === 'healthy') n++
    return n
  }

  /** Healthy targets, each counted by its instance's weight (capacity units; = the count when nothing is weighted). */
  healthyUnitsArn(arn: string): number {
    const tg = this.w.targetGroups.get(arn)
    if (!tg) return 0
    let n = 0
    for (const t of tg.targets.values()) if (t.state === 'healthy') n += this.w.instances.get(t.id)?.weight ?? 1
    return n
  }

  targetGroupByName(name: string): SimTargetGroup {
    for (const tg of this.w.targetGroups.values()) if (tg.name === name && !tg.classic) return tg
    throw new Error(`no target group ${name}`)
  }

  nextDueTargets(see: (t: number | undefined) => void): void {
    for (const tg of this.w.targetGroups.values()) for (const tt of tg.targets.values()) see(tt.due)
  }

  /** Target health transitions due now (a second scheduled one follows the first). */
  stepTargets(now: number): void {
    for (const tg of this.w.targetGroups.values()) {
      for (const t of [...tg.targets.values()]) {
        if (t.due === undefined || t.due > now || !t.next) continue
        const next = t.next
        t.due = undefined
        t.next = undefined
        if (next.state === 'removed') tg.targets.delete(t.id)
        else Object.assign(t, { state: next.state, reason: next.reason, description: next.description })
        if (t.after && next.state !== 'removed') {
          t.due = t.after.due
          t.next = t.after.next
          t.after = undefined
        }
      }
    }
  }

  fateOf(i: SimInstance): VersionHealth {
    if (i.healthOverride) return 'unhealthy'
    if (i.ec2State === 'terminated' || i.ec2State === 'shutting-down') return 'unhealthy'
    return (i.version !== undefined ? this.w.versionHealth.get(i.version) : undefined) ?? 'healthy'
  }

  reasonFor(i: SimInstance, fate: VersionHealth): { reason: string; description: string } {
    if (typeof fate === 'object') return { reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }
    if (fate === 'stuck-initial') return { reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' }
    if (i.healthOverride) return { reason: i.healthOverride.reason, description: i.healthOverride.description }
    if (i.ec2State !== 'running' && i.ec2State !== 'pending') return { reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }
    return { reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [502]' }
  }

  register(g: SimGroup, i: SimInstance): void {
    for (const arn of this.trafficOf(g)) {
      const tg = this.w.targetGroups.get(arn)
      if (!tg) continue
      const t: SimTarget = {
        id: i.id,
        port: tg.port,
        state: 'initial',
        reason: 'Elb.InitialHealthChecking',
        description: 'Initial health checks in progress',
        due: undefined,
        next: undefined,
        registeredAt: this.w.now()
      }
      tg.targets.set(i.id, t)
      this.scheduleHealth(tg, t, i)
    }
  }

  private scheduleHealth(tg: SimTargetGroup, t: SimTarget, i: SimInstance): void {
    const fate = this.fateOf(i)
    t.after = undefined
    if (fate === 'stuck-initial') {
      t.due = undefined
      t.next = undefined
      return
    }
    const interval = tg.healthCheckIntervalSeconds * 1000
    if (typeof fate === 'object') {
      // Slow boot: checks fail until the app answers (N s ± 20 % after the first registration); after
      // UnhealthyThresholdCount failures the target is `unhealthy`; HealthyThresholdCount passes after the
      // app is up it is `healthy`.
      const registered = t.registeredAt ?? this.w.now()
      i.appReadyAt ??= registered + Math.round(this.w.rng.vary(fate.unhealthyForSeconds, 0.2) * 1000)
      const healthyAt = Math.max(i.appReadyAt, registered) + tg.healthyAfterChecks * interval + this.healthJitterMs()
      const unhealthyAt = registered + tg.unhealthyThresholdCount * interval
      if (i.appReadyAt > unhealthyAt) {
        t.due = Math.max(this.w.now(), unhealthyAt)
        t.next = { state: 'unhealthy', ...this.reasonFor(i, fate) }
        t.after = { due: Math.max(t.due, healthyAt), next: { state: 'healthy' } }
      } else {
        t.due = Math.max(this.w.now(), healthyAt)
        t.next = { state: 'healthy' }
      }
      return
    }
    t.due = this.w.now() + interval * tg.healthyAfterChecks + this.healthJitterMs()
    t.next = fate === 'healthy' ? { state: 'healthy' } : { state: 'unhealthy', ...this.reasonFor(i, fate) }
  }

  /** Targets of one batch do not all conclude on the same tick (realism only). */
  private healthJitterMs(): number {
    return this.w.realism?.healthJitter ? this.w.rng.int(0, 3_000) : 0
  }

  /**
   * Put the instance's targets into `draining`; returns the longest time until they are gone (ms). With
   * realism, Auto Scaling's deregistration reaches each target group a moment later (0–2 s): until then
   * the target keeps its state and still takes requests.
   */
  deregister(i: SimInstance): number {
    const [min, max] = this.w.realism?.deregisterLagMs ?? [0, 0]
    for (const tg of this.w.targetGroups.values()) {
      const t = tg.targets.get(i.id)
      if (t && t.state !== 'draining' && t.next?.state !== 'draining') this.drain(tg, t, max > 0 ? this.w.rng.int(min, max) : 0)
    }
    return this.untilGone(i)
  }

  /** How long until the instance's last draining target is gone from its target group (ms). */
  private untilGone(i: SimInstance): number {
    let longest = 0
    for (const tg of this.w.targetGroups.values()) {
      const t = tg.targets.get(i.id)
      if (!t) continue
      const gone = (t.next?.state === 'draining' ? t.after?.due : t.due) ?? this.w.now()
      longest = Math.max(longest, gone - this.w.now())
    }
    return longest
  }

  /**
   * DeregisterTargets: each named target that is registered starts draining at once (the API reference:
   * "After the targets are deregistered, they no longer receive traffic"), also one whose deregistration by
   * Auto Scaling has not reached the target group yet; a target not registered is no error ("If the
   * specified target does not exist, the action returns successfully"). Auto Scaling's own deregistration
   * of it later changes nothing; an instance entering Standby reaches it once its last target is gone.
   */
  deregisterTargets(tg: SimTargetGroup, ids: string[]): void {
    for (const id of ids) {
      const t = tg.targets.get(id)
      if (!t || t.state === 'draining') continue
      this.drain(tg, t, 0)
      // Entering Standby ends once the instance has left every target group (as after Auto Scaling's own
      // deregistration): now sooner, if this drain ends before the one Auto Scaling's would have.
      const i = this.w.instances.get(id)
      if (i?.lifecycle === 'EnteringStandby' && i.due !== undefined) i.due = Math.min(i.due, this.w.now() + this.untilGone(i))
    }
  }

  /** The target starts draining `lag` ms from now (until then it keeps its state and takes requests). */
  private drain(tg: SimTargetGroup, t: SimTarget, lag: number): void {
    const draining = { state: 'draining' as const, reason: 'Target.DeregistrationInProgress', description: 'Target deregistration is in progress' }
    const removedAt = this.w.now() + lag + tg.deregistrationDelaySeconds * 1000
    t.deregisteredAt = this.w.now() + lag
    // An NLB may keep routing new connections to it for minutes, whatever its (shorter) delay.
    if (isNetworkProtocol(tg.protocol)) (tg.newConnectionsUntil ??= new Map()).set(t.id, t.deregisteredAt + NLB_ROUTING_AFTER_DEREGISTER_MS)
    if (lag === 0) Object.assign(t, { ...draining, due: removedAt, next: { state: 'removed' }, after: undefined })
    else Object.assign(t, { due: this.w.now() + lag, next: draining, after: { due: removedAt, next: { state: 'removed' } } })
  }

  /**
   * Whether the load balancer may still open a new connection to this target. An Application Load
   * Balancer (and a Classic LB) sends a deregistering target no new requests; a Network Load Balancer may
   * keep routing new connections to it for a few minutes after deregistration (NLB user guide, "Register
   * targets"): modelled harshly as until the target is removed (its deregistration delay) or
   * NLB_ROUTING_AFTER_DEREGISTER_MS after deregistration, whichever is later.
   */
  takesNewConnections(targetGroupName: string, instanceId: string): boolean {
    const tg = this.targetGroupByName(targetGroupName)
    const t = tg.targets.get(instanceId)
    if (t && t.state !== 'draining') return t.state === 'healthy'
    if (!isNetworkProtocol(tg.protocol)) return false
    return t !== undefined || this.w.now() < (tg.newConnectionsUntil?.get(instanceId) ?? 0)
  }

  /**
   * Whether connections still open to this target may outlast its deregistration delay: on an NLB with
   * connection termination off (the default), the load balancer does not close them when the delay ends.
   */
  keepsConnectionsPastDelay(targetGroupName: string): boolean {
    const tg = this.targetGroupByName(targetGroupName)
    return isNetworkProtocol(tg.protocol) && !tg.connectionTermination
  }

  /** State of an instance in a target group, as DescribeTargetHealth reports it. */
  targetHealth(tg: SimTargetGroup, id: string): { state: string; reason?: string; description?: string; port: number } | 'invalid' {
    const t = tg.targets.get(id)
    if (t) return { state: t.state, port: t.port, ...(t.reason ? { reason: t.reason } : {}), ...(t.description ? { description: t.description } : {}) }
    const inst = this.w.instances.get(id)
    if (!inst || inst.forgotten) return 'invalid'
    if (inst.ec2State === 'terminated' || inst.ec2State === 'shutting-down') {
      return { state: 'unused', reason: 'Target.InvalidState', description: 'Target is in the stopped or terminated state', port: tg.port }
    }
    return { state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group', port: tg.port }
  }

  targetStates(targetGroupName: string): { id: string; state: string; reason?: string }[] {
    const tg = this.targetGroupByName(targetGroupName)
    return [...tg.targets.values()].map((t) => ({ id: t.id, state: t.state, ...(t.reason ? { reason: t.reason } : {}) }))
  }

  healthyCount(targetGroupName: string): number {
    return this.healthyCountArn(this.targetGroupByName(targetGroupName).arn)
  }
}

/** A Network Load Balancer's target group protocols (an ALB's are HTTP and HTTPS; a GWLB's GENEVE). */
export function isNetworkProtocol(protocol: string): boolean {
  return ['TCP', 'TLS', 'UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC'].includes(protocol)
}

/** "A few minutes" (NLB user guide): the simulator routes new connections to a deregistered NLB target this long. */
export const NLB_ROUTING_AFTER_DEREGISTER_MS = 300_000

/** A Classic LB's key in `world.targetGroups`: not an ARN, so it never collides with a target group's. */
export function classicKey(name: string): string {
  return `classic:${name}`
}
