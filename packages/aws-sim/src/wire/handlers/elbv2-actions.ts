// ELBv2 actions and rule conditions on the wire (AWS Query 2015-12-01): the Query encoding the SDK sends
// (`DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight=0`, already nested by form.ts) into
// the model's ActionInput, and SimAction back into the Action shape Describe and Modify answer with.

import { SimError } from '../../core/errors.js'
import type { SimAction, SimListener, SimRule } from '../../core/listener-types.js'
import type { ActionInput } from '../../models/actions.js'
import { bool, num, obj, objList, str, strList } from '../form.js'
import type { Bag, XmlResult } from './service.js'

/** The actions under `key` (`DefaultActions`, `Actions`), or undefined when the request has none. */
export function parseActions(p: Bag, key: string): ActionInput[] | undefined {
  if (p[key] === undefined) return undefined
  return objList(p, key).map(parseAction)
}

function parseAction(a: Bag): ActionInput {
  const fc = obj(a, 'ForwardConfig')
  const sticky = fc ? obj(fc, 'TargetGroupStickinessConfig') : undefined
  const fixed = obj(a, 'FixedResponseConfig')
  return {
    Type: str(a, 'Type'),
    Order: num(a, 'Order'),
    TargetGroupArn: str(a, 'TargetGroupArn'),
    ForwardConfig: fc
      ? {
          TargetGroups: objList(fc, 'TargetGroups').map((t) => ({ TargetGroupArn: str(t, 'TargetGroupArn'), Weight: num(t, 'Weight') })),
          TargetGroupStickinessConfig: sticky ? { Enabled: bool(sticky, 'Enabled'), DurationSeconds: num(sticky, 'DurationSeconds') } : undefined
        }
      : undefined,
    FixedResponseConfig: fixed ? { StatusCode: str(fixed, 'StatusCode'), ContentType: str(fixed, 'ContentType'), MessageBody: str(fixed, 'MessageBody') } : undefined
  }
}

/** ModifyRule `Conditions`: path-pattern only (`Values` or `PathPatternConfig.Values`); undefined when absent. */
export function parsePathPatterns(p: Bag): string[] | undefined {
  if (p['Conditions'] === undefined) return undefined
  const out: string[] = []
  for (const c of objList(p, 'Conditions')) {
    const field = str(c, 'Field') ?? ''
    if (field !== 'path-pattern') throw new SimError('InvalidAction', `The simulator models only path-pattern rule conditions, not '${field}'`)
    const config = obj(c, 'PathPatternConfig')
    out.push(...(config ? strList(config, 'Values') : strList(c, 'Values')))
  }
  return out
}

/** An action as DescribeListeners / DescribeRules render it. */
export function renderAction(a: SimAction): XmlResult {
  return {
    Type: a.type,
    Order: a.order,
    TargetGroupArn: a.targetGroupArn,
    ForwardConfig: a.forward
      ? {
          TargetGroups: a.forward.targetGroups.map((t) => ({ TargetGroupArn: t.targetGroupArn, Weight: t.weight })),
          TargetGroupStickinessConfig: { Enabled: a.forward.stickiness?.enabled ?? false, DurationSeconds: a.forward.stickiness?.durationSeconds }
        }
      : undefined,
    FixedResponseConfig: a.fixedResponse ? { StatusCode: a.fixedResponse.statusCode, ContentType: a.fixedResponse.contentType, MessageBody: a.fixedResponse.messageBody } : undefined
  }
}

export function renderListener(l: SimListener): XmlResult {
  return { ListenerArn: l.arn, LoadBalancerArn: l.loadBalancerArn, Port: l.port, Protocol: l.protocol, DefaultActions: l.defaultActions.map(renderAction) }
}

export function renderRule(r: SimRule): XmlResult {
  return {
    RuleArn: r.arn,
    Priority: String(r.priority),
    Conditions: [{ Field: 'path-pattern', Values: r.pathPatterns, PathPatternConfig: { Values: r.pathPatterns } }],
    Actions: r.actions.map(renderAction),
    IsDefault: false
  }
}

/** A listener's default rule, from the listener as it reads (its actions are the listener's default actions). */
export function renderDefaultRule(listener: SimListener, view: XmlResult): XmlResult {
  return { RuleArn: listener.defaultRuleArn, Priority: 'default', Conditions: [], Actions: view['DefaultActions'], IsDefault: true }
}
