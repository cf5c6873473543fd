// ELBv2 load balancers, listeners and listener rules (README "ALB listeners, rules and weighted
// forwarding"): the builders, ModifyListener / ModifyRule as AWS applies them (validated whole before
// anything changes), and which load balancer each target group is associated with. How requests are routed
// is routing.ts; what an action may be is actions.ts.

import { SimError, validation } from '../core/errors.js'
import type { LoadBalancerType, SimAction, SimListener, SimLoadBalancer, SimRule } from '../core/listener-types.js'
import type { Account, ForwardOptions, ListenerOptions, LoadBalancerOptions, RuleOptions } from './account.js'
import { type ActionContext, type ActionInput, forwardTargets, routingOf, validateActions } from './actions.js'
import { RoutingModel } from './routing.js'

/** Listener protocols per load balancer type (Listener.Protocol; GENEVE/Gateway Load Balancers are not modelled). */
const PROTOCOLS: Record<LoadBalancerType, string[]> = { application: ['HTTP', 'HTTPS'], network: ['TCP', 'TLS', 'UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC'] }

export interface ListenerChanges {
  port?: number | undefined
  protocol?: string | undefined
  defaultActions?: ActionInput[] | undefined
}

export interface RuleChanges {
  actions?: ActionInput[] | undefined
  pathPatterns?: string[] | undefined
}

export class ListenersModel {
  readonly loadBalancers = new Map<string, SimLoadBalancer>()
  readonly listeners = new Map<string, SimListener>()
  readonly rules = new Map<string, SimRule>()
  readonly routing: RoutingModel
  /** Target groups some listener or rule ever named (their LoadBalancerArns no longer show the placeholder). */
  private readonly associated = new Set<string>()

  constructor(private readonly w: Account) {
    this.routing = new RoutingModel(w)
  }

  // ------------------------------------------------------------------ builders (a test sets up a scene)

  addLoadBalancer(o: LoadBalancerOptions): { arn: string } {
    const type = o.type ?? 'application'
    if ([...this.loadBalancers.values()].some((lb) => lb.name === o.name)) throw new Error(`load balancer ${o.name} exists`)
    const arn = `arn:aws:elasticloadbalancing:${this.w.region}:${this.w.accountId}:loadbalancer/${type === 'application' ? 'app' : 'net'}/${o.name}/${this.w.ids.hex(16)}`
    this.loadBalancers.set(arn, { name: o.name, arn, type, vpcId: 'vpc-0a1b2c3d4e5f60718', createdAt: this.w.now() })
    return { arn }
  }

  addListener(o: ListenerOptions): { arn: string } {
    const lb = [...this.loadBalancers.values()].find((x) => x.name === o.loadBalancer)
    if (!lb) throw new Error(`no load balancer ${o.loadBalancer}`)
    const protocol = o.protocol ?? (lb.type === 'application' ? 'HTTP' : 'TCP')
    this.checkPortAndProtocol(lb, undefined, o.port, protocol)
    const input: ActionInput =
      o.defaultAction === 'fixed-response'
        ? { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' } }
        : this.forwardInput({ forward: o.forward ?? [], ...(o.stickiness ? { stickiness: o.stickiness } : {}), ...(o.singleTarget ? { singleTarget: true } : {}) })
    const actions = validateActions(this.context(lb), [input], 'defaultActions')
    const base = `${lb.arn.split(':loadbalancer/')[1]}`
    const arn = `arn:aws:elasticloadbalancing:${this.w.region}:${this.w.accountId}:listener/${base}/${this.w.ids.hex(16)}`
    const listener: SimListener = { arn, loadBalancerArn: lb.arn, port: o.port, protocol, defaultActions: actions, defaultRuleArn: this.ruleArn(arn) }
    this.listeners.set(arn, listener)
    this.routing.addRoute(arn, routingOf(actions))
    this.syncAssociations()
    return { arn }
  }

  addRule(o: RuleOptions): { arn: string } {
    const listener = this.listeners.get(o.listener)
    if (!listener) throw new Error(`no listener ${o.listener}`)
    if (!Number.isInteger(o.priority) || o.priority < 1 || o.priority > 50_000) throw new Error(`rule priority must be 1-50000, got ${o.priority}`)
    if ([...this.rules.values()].some((r) => r.listenerArn === listener.arn && r.priority === o.priority)) throw new SimError('PriorityInUse', `Priority '${o.priority}' is currently in use`)
    const actions = validateActions(this.context(this.lbOf(listener)), [this.forwardInput(o)], 'actions')
    const arn = this.ruleArn(listener.arn)
    this.rules.set(arn, { arn, listenerArn: listener.arn, priority: o.priority, pathPatterns: [o.pathPattern], actions })
    this.routing.addRoute(arn, routingOf(actions))
    this.syncAssociations()
    return { arn }
  }

  private forwardInput(o: ForwardOptions): ActionInput {
    const arnOf = (name: string): string => {
      for (const tg of this.w.targetGroups.values()) if (tg.name === name && !tg.classic) return tg.arn
      throw new Error(`no target group ${name}`)
    }
    const first = o.forward[0]
    if (o.singleTarget && first && o.forward.length === 1) {
      if (o.stickiness) throw new Error('singleTarget writes a plain TargetGroupArn forward, which has no stickiness: leave one of them out')
      return { Type: 'forward', TargetGroupArn: arnOf(first.targetGroup) }
    }
    return {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: o.forward.map((f) => ({ TargetGroupArn: arnOf(f.targetGroup), Weight: f.weight })),
        ...(o.stickiness ? { TargetGroupStickinessConfig: { Enabled: o.stickiness.enabled, DurationSeconds: o.stickiness.durationSeconds } } : {})
      }
    }
  }

  private ruleArn(listenerArn: string): string {
    return `${listenerArn.replace(':listener/', ':listener-rule/')}/${this.w.ids.hex(16)}`
  }

  // ------------------------------------------------------------------ API writes

  /** ModifyListener: the properties given replace the listener's, the others are kept. */
  modifyListener(arn: string, c: ListenerChanges): SimListener {
    const l = this.mustListener(arn)
    const lb = this.lbOf(l)
    const port = c.port ?? l.port
    const protocol = c.protocol ?? l.protocol
    this.checkPortAndProtocol(lb, l, port, protocol)
    const actions = c.defaultActions ? validateActions(this.context(lb), c.defaultActions, 'defaultActions') : undefined
    Object.assign(l, { port, protocol })
    if (actions) this.write(`ModifyListener ${arn}`, l.arn, (l.defaultActions = actions))
    return l
  }

  /** ModifyRule: Actions and Conditions replace the rule's when given. The default rule is changed with ModifyListener. */
  modifyRule(arn: string, c: RuleChanges): SimRule {
    if ([...this.listeners.values()].some((l) => l.defaultRuleArn === arn)) {
      throw new SimError('OperationNotPermitted', 'The default rule of a listener cannot be modified with ModifyRule: use ModifyListener to modify its actions')
    }
    const rule = this.rules.get(arn)
    if (!rule) throw new SimError('RuleNotFound', 'One or more rules not found')
    const listener = this.mustListener(rule.listenerArn)
    if (c.pathPatterns !== undefined && c.pathPatterns.length === 0) throw validation('A path-pattern condition must have at least one value')
    const actions = c.actions ? validateActions(this.context(this.lbOf(listener)), c.actions, 'actions') : undefined
    if (c.pathPatterns) rule.pathPatterns = c.pathPatterns
    if (actions) this.write(`ModifyRule ${arn}`, rule.arn, (rule.actions = actions))
    return rule
  }

  /** An accepted write of a route's actions: invariant 5 on what was written, then the change propagates. */
  private write(where: string, route: string, actions: SimAction[]): void {
    this.w.checkForwardWeights(where, actions)
    this.routing.propagate(route, routingOf(actions))
    this.syncAssociations()
  }

  private checkPortAndProtocol(lb: SimLoadBalancer, self: SimListener | undefined, port: number, protocol: string): void {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw validation(`1 validation error detected: Value '${port}' at 'port' failed to satisfy constraint: Member must have value between 1 and 65535`)
    if (!PROTOCOLS[lb.type].includes(protocol)) throw new SimError('UnsupportedProtocol', `Protocol '${protocol}' is not supported with ${lb.type === 'application' ? 'an Application' : 'a Network'} Load Balancer`)
    const clash = [...this.listeners.values()].some((l) => l !== self && l.loadBalancerArn === lb.arn && l.port === port)
    if (clash) throw new SimError('DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`)
  }

  // ------------------------------------------------------------------ associations and lookups

  /** The load balancers each target group is associated with now, through the actions of its listeners and rules. */
  associations(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>()
    const add = (actions: SimAction[], lbArn: string): void => {
      for (const a of actions) for (const t of forwardTargets(a)) (out.get(t.targetGroupArn) ?? out.set(t.targetGroupArn, new Set()).get(t.targetGroupArn))?.add(lbArn)
    }
    for (const l of this.listeners.values()) add(l.defaultActions, l.loadBalancerArn)
    for (const r of this.rules.values()) add(r.actions, this.mustListener(r.listenerArn).loadBalancerArn)
    return out
  }

  /**
   * DescribeTargetGroups' LoadBalancerArns: a target group a listener or rule names shows its load balancer
   * (replacing the placeholder addTargetGroup gives it); one no longer named shows none.
   */
  private syncAssociations(): void {
    const now = this.associations()
    for (const [arn, lbs] of now) {
      const tg = this.w.targetGroups.get(arn)
      if (tg) tg.loadBalancerArns = [...lbs]
      this.associated.add(arn)
    }
    for (const arn of this.associated) {
      const tg = this.w.targetGroups.get(arn)
      if (tg && !now.has(arn)) tg.loadBalancerArns = []
    }
  }

  private context(lb: SimLoadBalancer): ActionContext {
    return { targetGroups: this.w.targetGroups, loadBalancer: { arn: lb.arn, type: lb.type }, associations: this.associations() }
  }

  mustListener(arn: string): SimListener {
    const l = this.listeners.get(arn)
    if (!l) throw new SimError('ListenerNotFound', 'One or more listeners not found')
    return l
  }

  lbOf(l: SimListener): SimLoadBalancer {
    return this.loadBalancers.get(l.loadBalancerArn) as SimLoadBalancer
  }

  /** The rules of a listener by priority (the default rule is the listener's default actions, not in this list). */
  rulesOf(listenerArn: string): SimRule[] {
    return [...this.rules.values()].filter((r) => r.listenerArn === listenerArn).sort((a, b) => a.priority - b.priority)
  }
}
