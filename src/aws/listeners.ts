// Elastic Load Balancing v2 listeners and rules: the forward actions in front of a pair whose colors use
// target groups of their own, and the weight writes that move its traffic (domain/traffic.ts).
//
// Facts (ELBv2 API reference: DescribeListeners, DescribeRules, ModifyListener, ModifyRule, Action,
// ForwardActionConfig): DescribeRules lists a listener's default rule too (IsDefault, its Actions being the
// listener's default actions), which only ModifyListener changes; ModifyListener's DefaultActions and
// ModifyRule's Actions replace the whole list; an action with both TargetGroupArn and ForwardConfig may name
// one target group only; DescribeListeners / DescribeRules never return an OIDC action's client secret, and a
// write of such an action keeps it only with UseExistingClientSecret.
import {
  type Action,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Rule,
  paginateDescribeListeners,
  paginateDescribeRules,
  paginateDescribeTargetGroups
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Forward, PairListeners } from '../domain/model.js'
import { chunk, tgName } from '../domain/steps.js'
import { type Aws, allPages } from './call.js'

/** DescribeTargetGroups takes at most 20 TargetGroupArns per call. */
const TARGET_GROUPS_PER_CALL = 20

/**
 * The listeners in front of these target groups and their forward actions that name one of them. The
 * listeners are found through the target groups' load balancers the first time (`known` undefined); later
 * observations pass them back and cost one DescribeRules per listener.
 */
export async function readListeners(aws: Aws, targetGroupArns: string[], known?: PairListeners['listeners']): Promise<PairListeners> {
  const listeners = known ?? (await findListeners(aws, targetGroupArns))
  const client = aws.clients.elbv2
  const perListener = await Promise.all(
    listeners.map(async (l) => {
      const rules = await aws.call(`DescribeRules for ${l.label}`, () => allPages(paginateDescribeRules({ client }, { ListenerArn: l.arn }), (p) => p.Rules))
      return rules.flatMap((r) => forwardOf(r, l, targetGroupArns) ?? [])
    })
  )
  return { listeners, forwards: perListener.flat() }
}

async function findListeners(aws: Aws, targetGroupArns: string[]): Promise<PairListeners['listeners']> {
  const client = aws.clients.elbv2
  const loadBalancers = new Set<string>()
  for (const arns of chunk(targetGroupArns, TARGET_GROUPS_PER_CALL)) {
    const tgs = await aws.call(`DescribeTargetGroups (${arns.map(tgName).join(', ')})`, () =>
      allPages(paginateDescribeTargetGroups({ client }, { TargetGroupArns: arns }), (p) => p.TargetGroups)
    )
    for (const tg of tgs) for (const lb of tg.LoadBalancerArns ?? []) loadBalancers.add(lb)
  }
  const found = await Promise.all(
    [...loadBalancers].map(async (lb) => {
      const listeners = await aws.call(`DescribeListeners for ${lbName(lb)}`, () =>
        allPages(paginateDescribeListeners({ client }, { LoadBalancerArn: lb }), (p) => p.Listeners)
      )
      return listeners.flatMap((l) => (l.ListenerArn ? [{ arn: l.ListenerArn, label: `listener ${l.Protocol ?? '?'}:${l.Port ?? '?'} of ${lbName(lb)}` }] : []))
    })
  )
  return found.flat()
}

/** arn:...:loadbalancer/app/<name>/<id> (or listener/app/<name>/...) → <name>. */
function lbName(arn: string): string {
  return arn.split(':').pop()?.split('/')[2] ?? arn
}

/** The target groups and weights of a forward action (a plain forward to one target group weighs 1). */
function tuplesOf(a: Action): { arn: string; weight: number }[] {
  const listed = a.ForwardConfig?.TargetGroups ?? []
  if (listed.length > 0) return listed.flatMap((t) => (t.TargetGroupArn ? [{ arn: t.TargetGroupArn, weight: t.Weight ?? 1 }] : []))
  return a.TargetGroupArn ? [{ arn: a.TargetGroupArn, weight: 1 }] : []
}

function forwardOf(rule: Rule, listener: { arn: string; label: string }, targetGroupArns: string[]): Forward | undefined {
  const action = (rule.Actions ?? []).find((a) => a.Type === 'forward' && tuplesOf(a).some((t) => targetGroupArns.includes(t.arn)))
  if (!action || !rule.RuleArn) return undefined
  const sticky = action.ForwardConfig?.TargetGroupStickinessConfig
  return {
    arn: rule.IsDefault ? listener.arn : rule.RuleArn,
    on: rule.IsDefault ? 'listener' : 'rule',
    label: rule.IsDefault ? listener.label : `rule ${rule.Priority ?? '?'} of ${listener.label}`,
    targetGroups: tuplesOf(action),
    ...(sticky?.Enabled ? { stickySeconds: sticky.DurationSeconds ?? 3600 } : {})
  }
}

/** The actions with the forward's weights rewritten; every other field, and every other action, as read. */
function reweighed(actions: Action[], weights: { arn: string; weight: number }[]): Action[] {
  const weightOf = (arn: string) => weights.find((w) => w.arn === arn)?.weight
  return actions.map((a) => {
    if (a.Type === 'authenticate-oidc' && a.AuthenticateOidcConfig && a.AuthenticateOidcConfig.ClientSecret === undefined) {
      return { ...a, AuthenticateOidcConfig: { ...a.AuthenticateOidcConfig, UseExistingClientSecret: true } }
    }
    const tuples = a.Type === 'forward' ? tuplesOf(a) : []
    if (!tuples.some((t) => weightOf(t.arn) !== undefined)) return a
    const TargetGroups = tuples.map((t) => ({ TargetGroupArn: t.arn, Weight: weightOf(t.arn) ?? t.weight }))
    const { TargetGroupArn, ...rest } = a
    // TargetGroupArn beside a ForwardConfig is allowed only for a single target group.
    return { ...(TargetGroups.length === 1 && TargetGroupArn ? { TargetGroupArn } : {}), ...rest, ForwardConfig: { ...a.ForwardConfig, TargetGroups } }
  })
}

/**
 * Writes the forward's weights: reads its listener's default actions (or its rule's actions) as they are now,
 * rewrites the weights of the forward action alone, and writes the whole list back.
 */
export async function setWeights(aws: Aws, forward: Forward, weights: { arn: string; weight: number }[]): Promise<string> {
  const client = aws.clients.elbv2
  const what = weights.map((w) => `${tgName(w.arn)} ${w.weight}`).join(', ')
  if (forward.on === 'listener') {
    const current = await aws.call(`DescribeListeners for ${forward.label}`, async () => {
      const r = await client.send(new DescribeListenersCommand({ ListenerArns: [forward.arn] }))
      return r.Listeners?.[0]?.DefaultActions ?? []
    })
    await aws.write(`ModifyListener ${forward.label} (weights ${what})`, () =>
      client.send(new ModifyListenerCommand({ ListenerArn: forward.arn, DefaultActions: reweighed(current, weights) }))
    )
    return `ModifyListener: ${what}`
  }
  const current = await aws.call(`DescribeRules for ${forward.label}`, async () => {
    const r = await client.send(new DescribeRulesCommand({ RuleArns: [forward.arn] }))
    return r.Rules?.[0]?.Actions ?? []
  })
  await aws.write(`ModifyRule ${forward.label} (weights ${what})`, () => client.send(new ModifyRuleCommand({ RuleArn: forward.arn, Actions: reweighed(current, weights) })))
  return `ModifyRule: ${what}`
}
