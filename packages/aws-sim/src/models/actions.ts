// Listener and rule actions (ELBv2 `Action`): the validation AWS applies to what CreateListener, CreateRule,
// ModifyListener and ModifyRule are given, and the routing an accepted action means. The builders
// (models/listeners.ts) and the wire (wire/handlers/elbv2-actions.ts) both go through `validateActions`.
// Sources (README "ALB listeners, rules and weighted forwarding"): ELBv2 API reference, Action,
// ForwardActionConfig, TargetGroupTuple, TargetGroupStickinessConfig, FixedResponseActionConfig; ALB user
// guide, "Quotas for your Application Load Balancers".

import { SimError, validation } from '../core/errors.js'
import type { LoadBalancerType, SimAction, SimRouting, SimStickiness, SimWeightedTarget } from '../core/listener-types.js'
import type { SimTargetGroup } from '../core/types.js'
import { isNetworkProtocol } from './targets.js'

/** An action as the API takes it (AWS member names; numbers and booleans already parsed). */
export interface ActionInput {
  Type?: string | undefined
  Order?: number | undefined
  TargetGroupArn?: string | undefined
  ForwardConfig?:
    | {
        TargetGroups?: { TargetGroupArn?: string | undefined; Weight?: number | undefined }[] | undefined
        TargetGroupStickinessConfig?: { Enabled?: boolean | undefined; DurationSeconds?: number | undefined } | undefined
      }
    | undefined
  FixedResponseConfig?: { StatusCode?: string | undefined; ContentType?: string | undefined; MessageBody?: string | undefined } | undefined
}

/** What validation needs to know of the world. */
export interface ActionContext {
  targetGroups: ReadonlyMap<string, SimTargetGroup>
  /** The load balancer the action belongs to. */
  loadBalancer: { arn: string; type: LoadBalancerType }
  /** The load balancers each target group is associated with now (through listeners and rules). */
  associations: ReadonlyMap<string, ReadonlySet<string>>
}

/** ActionTypeEnum (ELBv2 API 2015-12-01). */
const ACTION_TYPES = ['forward', 'authenticate-oidc', 'authenticate-cognito', 'redirect', 'fixed-response', 'jwt-validation']
/** FixedResponseActionConfig.ContentType valid values. */
const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json']
/** ALB quota "Target Groups per Action per Application Load Balancer": 5, not adjustable. */
export const MAX_TARGET_GROUPS_PER_ACTION = 5
/** TargetGroupTuple.Weight: "The range is 0 to 999." */
export const MAX_WEIGHT = 999
/** TargetGroupStickinessConfig.DurationSeconds: "The range is 1-604800 seconds (7 days)." */
export const MAX_STICKINESS_SECONDS = 604_800

const isInt = (n: number): boolean => Number.isInteger(n)

/** The actions, validated as AWS validates them (throws the SimError AWS would answer); `field` names them in messages. */
export function validateActions(ctx: ActionContext, inputs: ActionInput[], field: string): SimAction[] {
  if (inputs.length === 0) throw validation(`1 validation error detected: Value '[]' at '${field}' failed to satisfy constraint: Member must have length greater than or equal to 1`)
  const out = inputs.map((a, n) => validateAction(ctx, a, `${field}.${n + 1}.member`))
  if (out.length > 1 && out.some((a) => a.order === undefined)) throw validation('The action order must be specified when there are multiple actions')
  // "Each rule must include exactly one of the following routing actions: forward, fixed-response, or
  // redirect, and it must be the last action to be performed" (Action). Only routing actions are modelled.
  if (out.length > 1) throw new SimError('InvalidLoadBalancerAction', 'A rule must include exactly one of the following actions: forward, fixed-response, or redirect')
  return out
}

function validateAction(ctx: ActionContext, a: ActionInput, at: string): SimAction {
  const type = a.Type ?? ''
  if (!ACTION_TYPES.includes(type)) {
    throw validation(`1 validation error detected: Value '${type}' at '${at}.type' failed to satisfy constraint: Member must satisfy enum value set: [${ACTION_TYPES.join(', ')}]`)
  }
  if (a.Order !== undefined && (!isInt(a.Order) || a.Order < 1 || a.Order > 50_000)) {
    throw validation(`1 validation error detected: Value '${a.Order}' at '${at}.order' failed to satisfy constraint: Member must have value between 1 and 50000`)
  }
  if (type === 'fixed-response') return fixedResponse(ctx, a, at)
  if (type !== 'forward') throw new SimError('InvalidAction', `The simulator does not model ${type} actions (only forward and fixed-response)`)
  return forward(ctx, a, at)
}

function fixedResponse(ctx: ActionContext, a: ActionInput, at: string): SimAction {
  if (ctx.loadBalancer.type !== 'application') throw new SimError('InvalidLoadBalancerAction', 'Fixed-response actions are supported only by Application Load Balancers')
  const c = a.FixedResponseConfig
  const code = c?.StatusCode ?? ''
  if (!/^(2|4|5)\d\d$/.test(code)) {
    throw validation(`1 validation error detected: Value '${code}' at '${at}.fixedResponseConfig.statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$`)
  }
  const type = c?.ContentType
  if (type !== undefined && !CONTENT_TYPES.includes(type)) {
    throw validation(`1 validation error detected: Value '${type}' at '${at}.fixedResponseConfig.contentType' failed to satisfy constraint: Member must satisfy enum value set: [${CONTENT_TYPES.join(', ')}]`)
  }
  if ((c?.MessageBody ?? '').length > 1024) throw validation(`1 validation error detected: Value at '${at}.fixedResponseConfig.messageBody' failed to satisfy constraint: Member must have length less than or equal to 1024`)
  return { type: 'fixed-response', order: a.Order, targetGroupArn: undefined, forward: undefined, fixedResponse: { statusCode: code, contentType: type, messageBody: c?.MessageBody } }
}

function forward(ctx: ActionContext, a: ActionInput, at: string): SimAction {
  const cfg = a.ForwardConfig
  const tuples = cfg?.TargetGroups ?? []
  if (a.TargetGroupArn === undefined && tuples.length === 0) throw new SimError('InvalidLoadBalancerAction', 'A forward action must specify a target group ARN or a forward configuration with target groups')
  // "If you specify both ForwardConfig and TargetGroupArn, you can specify only one target group using
  // ForwardConfig and it must be the same target group specified in TargetGroupArn" (Action).
  if (a.TargetGroupArn !== undefined && tuples.length > 0 && (tuples.length !== 1 || tuples[0]?.TargetGroupArn !== a.TargetGroupArn)) {
    throw new SimError('InvalidLoadBalancerAction', 'You cannot specify multiple target groups in a forward action when a target group ARN is specified, and the target group in the forward configuration must be the same as the target group ARN')
  }
  // The code: CreateRule lists TooManyTargetGroups (a call that creates no target group: the limit it can hit is
  // this one); ModifyListener / ModifyRule list none for it (assumption: the same code).
  if (tuples.length > MAX_TARGET_GROUPS_PER_ACTION) {
    throw new SimError('TooManyTargetGroups', `You cannot specify more than ${MAX_TARGET_GROUPS_PER_ACTION} target groups in a forward action (${at})`)
  }
  const targets: SimWeightedTarget[] = tuples.map((t, n) => {
    const w = t.Weight ?? 1
    if (!isInt(w) || w < 0 || w > MAX_WEIGHT) {
      throw validation(`1 validation error detected: Value '${w}' at '${at}.forwardConfig.targetGroups.${n + 1}.member.weight' failed to satisfy constraint: Member must have value between 0 and ${MAX_WEIGHT}`)
    }
    return { targetGroupArn: t.TargetGroupArn ?? '', weight: w }
  })
  const arns = a.TargetGroupArn !== undefined ? [a.TargetGroupArn] : targets.map((t) => t.targetGroupArn)
  if (new Set(arns).size !== arns.length) throw validation(`A target group cannot be specified more than once in ${at}.forwardConfig.targetGroups`)
  for (const arn of arns) checkTargetGroup(ctx, arn)
  const stickiness = cfg?.TargetGroupStickinessConfig ? validateStickiness(cfg.TargetGroupStickinessConfig, at) : undefined
  return {
    type: 'forward',
    order: a.Order,
    // AWS fills TargetGroupArn for a forward of exactly one target group.
    targetGroupArn: a.TargetGroupArn ?? (targets.length === 1 ? targets[0]?.targetGroupArn : undefined),
    forward: cfg === undefined || tuples.length === 0 ? undefined : { targetGroups: targets, stickiness },
    fixedResponse: undefined
  }
}

function checkTargetGroup(ctx: ActionContext, arn: string): void {
  const tg = ctx.targetGroups.get(arn)
  if (!tg || tg.classic) throw new SimError('TargetGroupNotFound', `Target groups '${arn}' not found`)
  // "For Application Load Balancers, the protocol of the specified target group must be HTTP or HTTPS. For
  // Network Load Balancers, the protocol of the specified target group must be TCP" (ModifyListener, DefaultActions).
  const network = isNetworkProtocol(tg.protocol)
  if (network !== (ctx.loadBalancer.type === 'network')) {
    throw new SimError('IncompatibleProtocols', `The protocol of target group '${tg.name}' (${tg.protocol}) is not compatible with ${ctx.loadBalancer.type === 'network' ? 'a Network' : 'an Application'} Load Balancer`)
  }
  // "You can use each target group with only one load balancer" (ALB user guide, "Target groups").
  const others = [...(ctx.associations.get(arn) ?? [])].filter((lb) => lb !== ctx.loadBalancer.arn)
  if (others.length > 0) throw new SimError('TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${arn}`)
}

function validateStickiness(s: { Enabled?: boolean | undefined; DurationSeconds?: number | undefined }, at: string): SimStickiness {
  const enabled = s.Enabled ?? false
  const d = s.DurationSeconds
  if (d !== undefined && (!isInt(d) || d < 1 || d > MAX_STICKINESS_SECONDS)) {
    throw validation(`1 validation error detected: Value '${d}' at '${at}.forwardConfig.targetGroupStickinessConfig.durationSeconds' failed to satisfy constraint: Member must have value between 1 and ${MAX_STICKINESS_SECONDS}`)
  }
  // "You must specify this value when enabling target group stickiness" (TargetGroupStickinessConfig).
  if (enabled && d === undefined) throw validation('You must specify a duration when enabling target group stickiness')
  return { enabled, durationSeconds: d }
}

/** The target groups an action forwards to, with their weights (a plain TargetGroupArn forward weighs 1). */
export function forwardTargets(a: SimAction): SimWeightedTarget[] {
  if (a.type !== 'forward') return []
  if (a.forward) return a.forward.targetGroups
  return a.targetGroupArn === undefined ? [] : [{ targetGroupArn: a.targetGroupArn, weight: 1 }]
}

/** What requests get from these (accepted) actions: the last one by Order routes them. */
export function routingOf(actions: readonly SimAction[]): SimRouting {
  const last = [...actions].sort((x, y) => (x.order ?? 0) - (y.order ?? 0))[actions.length - 1]
  if (!last || last.type === 'fixed-response') return { kind: 'fixed', status: Number(last?.fixedResponse?.statusCode ?? 503) }
  return { kind: 'forward', targets: forwardTargets(last), stickiness: last.forward?.stickiness }
}
