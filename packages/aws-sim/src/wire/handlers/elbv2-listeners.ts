// Elastic Load Balancing v2 (AWS Query, 2015-12-01): load balancers, listeners and rules
// (DescribeLoadBalancers, DescribeListeners, DescribeRules, ModifyListener, ModifyRule; models/listeners.ts).
// Reads are eventually consistent like the rest of the simulator: a listener or rule changed by a recent
// write may still render as before it (views.ts, keys `listener:<arn>` and `rule:<arn>`).

import { SimError, validation } from '../../core/errors.js'
import type { SimListener, SimLoadBalancer, SimRule } from '../../core/listener-types.js'
import { num, str, strList } from '../form.js'
import type { World } from '../../world/world.js'
import { parseActions, parsePathPatterns, renderDefaultRule, renderListener, renderRule } from './elbv2-actions.js'
import { page, read, write, type Operation, type XmlResult } from './service.js'

function renderLoadBalancer(w: World, lb: SimLoadBalancer): XmlResult {
  const id = lb.arn.split('/').pop() ?? ''
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.type === 'application' ? `${lb.name}-${id.slice(0, 10)}.${w.region}.elb.amazonaws.com` : `${lb.name}-${id.slice(0, 10)}.elb.${w.region}.amazonaws.com`,
    CreatedTime: new Date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: 'internet-facing',
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: lb.type,
    IpAddressType: 'ipv4'
  }
}

/** The listener as DescribeListeners shows it now (lagging a recent write, with realism). */
export function listenerView(w: World, l: SimListener): XmlResult {
  return w.listeners.listeners.has(l.arn) ? w.readLag.view(`listener:${l.arn}`, () => renderListener(l)) : renderListener(l)
}

/**
 * A target group no listener or rule names keeps the placeholder load balancer ARN addTargetGroup gives it
 * (models/targets.ts): that load balancer is implied, with one listener (on the target group's port and
 * protocol) forwarding to the target group alone, so a DescribeListeners / DescribeRules of it answers as an
 * ALB in front of one target group would. Read-only: ModifyListener does not know it. (Not an AWS behaviour:
 * a stand-in for the load balancer every such target group needs to be health-checked at all.)
 */
function impliedListener(w: World, lbArn: string): SimListener | undefined {
  if (w.listeners.loadBalancers.has(lbArn)) return undefined
  const tg = [...w.targetGroups.values()].find((t) => !t.classic && t.loadBalancerArns.length === 1 && t.loadBalancerArns[0] === lbArn)
  if (!tg) return undefined
  const arn = `${lbArn.replace(':loadbalancer/', ':listener/')}/0000000000000001`
  const forward = { type: 'forward' as const, order: 1, targetGroupArn: tg.arn, forward: { targetGroups: [{ targetGroupArn: tg.arn, weight: 1 }], stickiness: undefined }, fixedResponse: undefined }
  return { arn, loadBalancerArn: lbArn, port: tg.port, protocol: tg.protocol, defaultActions: [forward], defaultRuleArn: `${arn.replace(':listener/', ':listener-rule/')}/0000000000000001` }
}

/** An implied listener (impliedListener) by its ARN. */
function impliedByArn(w: World, listenerArn: string): SimListener | undefined {
  const lbArn = listenerArn.replace(':listener/', ':loadbalancer/').split('/').slice(0, -1).join('/')
  const l = impliedListener(w, lbArn)
  return l?.arn === listenerArn ? l : undefined
}

/** Exactly one of two ways to name what to describe (the API reference: "You must specify either ..."). */
function oneOf(a: boolean, b: boolean, what: string): void {
  if (a === b) throw validation(`You must specify either ${what}, but not both`)
}

export const listenerOps: Record<string, Operation> = {
  DescribeLoadBalancers: read((w, p) => {
    const arns = strList(p, 'LoadBalancerArns')
    const names = strList(p, 'Names')
    const all = [...w.listeners.loadBalancers.values()]
    const missing = [...arns.filter((a) => !all.some((lb) => lb.arn === a)), ...names.filter((n) => !all.some((lb) => lb.name === n))]
    if (missing.length > 0) throw new SimError('LoadBalancerNotFound', `One or more load balancers not found`)
    const chosen = all.filter((lb) => (arns.length === 0 && names.length === 0) || arns.includes(lb.arn) || names.includes(lb.name))
    const { items, next } = page(chosen, num(p, 'PageSize'), str(p, 'Marker'), 400, 400, w.pageSize)
    return { LoadBalancers: items.map((lb) => renderLoadBalancer(w, lb)), NextMarker: next }
  }),
  DescribeListeners: read((w, p) => {
    const lbArn = str(p, 'LoadBalancerArn')
    const arns = strList(p, 'ListenerArns')
    oneOf(lbArn !== undefined, arns.length > 0, 'a load balancer or one or more listeners')
    let chosen: SimListener[]
    if (lbArn !== undefined) {
      const implied = impliedListener(w, lbArn)
      if (!implied && !w.listeners.loadBalancers.has(lbArn)) throw new SimError('LoadBalancerNotFound', 'One or more load balancers not found')
      chosen = implied ? [implied] : [...w.listeners.listeners.values()].filter((l) => l.loadBalancerArn === lbArn)
    } else {
      chosen = arns.map((a) => impliedByArn(w, a) ?? w.listeners.mustListener(a))
    }
    const { items, next } = page(chosen, num(p, 'PageSize'), str(p, 'Marker'), 400, 400, w.pageSize)
    return { Listeners: items.map((l) => listenerView(w, l)), NextMarker: next }
  }),
  DescribeRules: read((w, p) => {
    const listenerArn = str(p, 'ListenerArn')
    const arns = strList(p, 'RuleArns')
    oneOf(listenerArn !== undefined, arns.length > 0, 'a listener or one or more rules')
    // Which rules exist is current; only their rendering lags (as elsewhere in the simulator).
    const rows: (() => XmlResult)[] = []
    const defaultRule = (l: SimListener) => (): XmlResult => renderDefaultRule(l, listenerView(w, l))
    const rule = (arn: string) => (): XmlResult => w.readLag.view(`rule:${arn}`, () => renderRule(w.listeners.rules.get(arn) as SimRule))
    if (listenerArn !== undefined) {
      const l = impliedByArn(w, listenerArn) ?? w.listeners.mustListener(listenerArn)
      for (const r of w.listeners.rulesOf(l.arn)) rows.push(rule(r.arn))
      rows.push(defaultRule(l))
    } else {
      for (const arn of arns) {
        const l = [...w.listeners.listeners.values()].find((x) => x.defaultRuleArn === arn)
        if (l) rows.push(defaultRule(l))
        else if (w.listeners.rules.has(arn)) rows.push(rule(arn))
        else throw new SimError('RuleNotFound', 'One or more rules not found')
      }
    }
    const { items, next } = page(rows, num(p, 'PageSize'), str(p, 'Marker'), 400, 400, w.pageSize)
    return { Rules: items.map((r) => r()), NextMarker: next }
  }),
  ModifyListener: write((w, p) => {
    const arn = str(p, 'ListenerArn') ?? ''
    const l = w.modifyListener(arn, { port: num(p, 'Port'), protocol: str(p, 'Protocol'), defaultActions: parseActions(p, 'DefaultActions') })
    return { Listeners: [renderListener(l)] }
  }),
  ModifyRule: write((w, p) => {
    const arn = str(p, 'RuleArn') ?? ''
    const r = w.modifyRule(arn, { actions: parseActions(p, 'Actions'), pathPatterns: parsePathPatterns(p) })
    return { Rules: [renderRule(r)] }
  })
}
