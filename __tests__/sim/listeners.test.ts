// The simulated ALB listeners and rules through the real SDK client (ELBv2 Query, 2015-12-01): Describe and
// Modify round trips, AWS's validation, the default rule, read lag, the propagation lag of a weight change,
// request accounting (weights, round robin, fail-open, 503s, draining), stickiness, fork and invariant 5.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { simClients, type SimClients, type SimWorldOptions } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { START } from './fixture.js'

let clients: SimClients | undefined
afterEach(() => clients?.destroy())

interface Scene {
  world: SimWorld
  c: SimClients
  listener: string
  rule: string
  blue: string
  green: string
}

/** web-blue (v1) and web-green (v2), two instances each, behind listener :80 (blue 1, green 0) and rule /api/* (blue). */
function scene(options: SimWorldOptions = {}, listener: { stickiness?: { enabled: boolean; durationSeconds: number } } = {}): Scene {
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false, ...options })
  for (const [color, version] of [['blue', 'v1'], ['green', 'v2']] as const) {
    world.addTargetGroup({ name: `web-${color}`, deregistrationDelaySeconds: 30, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    world.addGroup({ name: `web-${color}`, min: 0, max: 4, desired: 2, targetGroups: [`web-${color}`], tags: { 'docker:image:name': 'web', 'docker:image:version': version }, running: true })
  }
  world.addLoadBalancer({ name: 'web' })
  const l = world.addListener({ loadBalancer: 'web', port: 80, forward: [{ targetGroup: 'web-blue', weight: 1 }, { targetGroup: 'web-green', weight: 0 }], ...listener })
  const r = world.addRule({ listener: l.arn, priority: 10, pathPattern: '/api/*', forward: [{ targetGroup: 'web-blue', weight: 1 }], singleTarget: true })
  const c = (clients = simClients(world, { maxAttempts: 1 }))
  return { world, c, listener: l.arn, rule: r.arn, blue: world.targetGroupByName('web-blue').arn, green: world.targetGroupByName('web-green').arn }
}

const weighted = (targets: [string, number][], stickiness?: { Enabled: boolean; DurationSeconds?: number }): Action[] => [
  { Type: 'forward', ForwardConfig: { TargetGroups: targets.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight })), ...(stickiness ? { TargetGroupStickinessConfig: stickiness } : {}) } }
]

async function modify(s: Scene, actions: Action[]): Promise<void> {
  await s.c.elbv2.send(new ModifyListenerCommand({ ListenerArn: s.listener, DefaultActions: actions }))
}

async function describeDefault(s: Scene): Promise<Action[]> {
  return (await s.c.elbv2.send(new DescribeListenersCommand({ ListenerArns: [s.listener] }))).Listeners?.[0]?.DefaultActions ?? []
}

/** The wire error code of a refused call (as the simulator answered it), or 'accepted'. */
async function refusal(world: SimWorld, call: Promise<unknown>): Promise<string> {
  try {
    await call
  } catch {
    return world.calls[world.calls.length - 1]?.error ?? '(no call)'
  }
  return 'accepted'
}

/** The requests of one route after `since` (exclusive). */
const of = (s: Scene | SimWorld, route: string, since = 0) => ('world' in s ? s.world : s).requests.filter((r) => r.route === route && r.at > since)

describe('ALB listeners and rules on the wire (simulated)', () => {
  it('Describe shows what was written (ForwardConfig, stickiness, Order; a plain TargetGroupArn forward as such); Modify keeps what it is not given', async () => {
    const s = scene({}, { stickiness: { enabled: true, durationSeconds: 60 } })
    const lbs = (await s.c.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['web'] }))).LoadBalancers ?? []
    expect(lbs.map((lb) => [lb.LoadBalancerName, lb.Type, lb.State?.Code])).toEqual([['web', 'application', 'active']])
    expect(lbs[0]?.LoadBalancerArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/web\/[0-9a-f]{16}$/)
    expect(await describeDefault(s)).toEqual([
      { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.blue, Weight: 1 }, { TargetGroupArn: s.green, Weight: 0 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } }
    ])
    const actions = weighted([[s.blue, 3], [s.green, 7]], { Enabled: true, DurationSeconds: 120 }).map((a) => ({ ...a, Order: 1 }))
    const answer = await s.c.elbv2.send(new ModifyListenerCommand({ ListenerArn: s.listener, DefaultActions: actions }))
    expect(answer.Listeners?.[0]?.DefaultActions).toEqual(actions)
    const [listener] = (await s.c.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbs[0]?.LoadBalancerArn }))).Listeners ?? []
    expect({ port: listener?.Port, protocol: listener?.Protocol, actions: listener?.DefaultActions }).toEqual({ port: 80, protocol: 'HTTP', actions })
    // One target group in a ForwardConfig: AWS fills TargetGroupArn too.
    await modify(s, weighted([[s.green, 1]]))
    expect(await describeDefault(s)).toEqual([{ Type: 'forward', TargetGroupArn: s.green, ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.green, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } }])
    // The rule was written as a plain forward: no ForwardConfig. ModifyRule without Conditions keeps them.
    const rules = async () => (await s.c.elbv2.send(new DescribeRulesCommand({ ListenerArn: s.listener }))).Rules ?? []
    expect((await rules())[0]).toMatchObject({ RuleArn: s.rule, Priority: '10', IsDefault: false, Actions: [{ Type: 'forward', TargetGroupArn: s.blue }] })
    expect((await rules())[0]?.Actions?.[0]?.ForwardConfig).toBeUndefined()
    const ruleAnswer = await s.c.elbv2.send(new ModifyRuleCommand({ RuleArn: s.rule, Actions: weighted([[s.blue, 1], [s.green, 1]]) }))
    expect(ruleAnswer.Rules?.[0]?.Conditions?.[0]?.Values).toEqual(['/api/*'])
    await s.c.elbv2.send(new ModifyRuleCommand({ RuleArn: s.rule, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/v2/*'] } }] }))
    expect((await rules())[0]).toMatchObject({ Conditions: [{ Field: 'path-pattern', Values: ['/v2/*'] }], Actions: [{ ForwardConfig: { TargetGroups: [{ Weight: 1 }, { Weight: 1 }] } }] })
    // The default rule comes last, with the listener's default actions.
    expect((await rules())[1]).toEqual({ RuleArn: expect.stringContaining(':listener-rule/app/web/'), Priority: 'default', IsDefault: true, Conditions: [], Actions: await describeDefault(s) })
  })

  it('a target group a listener or rule names is associated with its load balancer; one no listener names keeps its placeholder', async () => {
    const s = scene()
    s.world.addTargetGroup({ name: 'other' })
    const lbArn = s.world.listeners.listeners.get(s.listener)?.loadBalancerArn
    const tgs = (await s.c.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []
    expect(Object.fromEntries(tgs.map((t) => [t.TargetGroupName, t.LoadBalancerArns?.[0] === lbArn]))).toEqual({ 'web-blue': true, 'web-green': true, other: false })
    expect(tgs.find((t) => t.TargetGroupName === 'other')?.LoadBalancerArns?.[0]).toMatch(/:loadbalancer\/app\/other-alb\//)
  })

  it('pages DescribeListeners and DescribeRules with PageSize and Marker', async () => {
    const s = scene()
    s.world.addListener({ loadBalancer: 'web', port: 8080, defaultAction: 'fixed-response' })
    const lbArn = s.world.listeners.listeners.get(s.listener)?.loadBalancerArn
    const first = await s.c.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn, PageSize: 1 }))
    const second = await s.c.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn, PageSize: 1, Marker: first.NextMarker }))
    expect([first.Listeners?.map((l) => l.Port), second.Listeners?.map((l) => l.Port), second.NextMarker]).toEqual([[80], [8080], undefined])
    expect(second.Listeners?.[0]?.DefaultActions).toEqual([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' } }])
    const page1 = await s.c.elbv2.send(new DescribeRulesCommand({ ListenerArn: s.listener, PageSize: 1 }))
    const page2 = await s.c.elbv2.send(new DescribeRulesCommand({ ListenerArn: s.listener, PageSize: 1, Marker: page1.NextMarker }))
    expect([...(page1.Rules ?? []), ...(page2.Rules ?? [])].map((r) => r.Priority)).toEqual(['10', 'default'])
    // A fixed-response route answers its status code.
    const fixed = second.Listeners?.[0]?.ListenerArn as string
    s.world.startRequests()
    s.world.advance(1_000)
    expect(new Set(of(s, fixed).map((r) => `${r.status}:${r.targetGroup ?? '-'}`))).toEqual(new Set(['404:-']))
  })

  it('refuses what AWS refuses, with its error codes, and changes nothing', async () => {
    const s = scene()
    s.world.addTargetGroup({ name: 'web-tcp', protocol: 'TCP' })
    const send = (actions: Action[]): Promise<string> => refusal(s.world, modify(s, actions))
    const before = await describeDefault(s)
    expect(await send(weighted([[s.blue, 1000], [s.green, 0]]))).toBe('ValidationError') // weights 0-999
    expect(await send(weighted([[s.blue, -1], [s.green, 1]]))).toBe('ValidationError')
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => s.world.addTargetGroup({ name: `tg-${n}` }).arn)
    expect(await send(weighted(six.map((arn) => [arn, 1])))).toBe('TooManyTargetGroups') // at most 5 per action
    expect(await send(weighted(six.slice(0, 5).map((arn) => [arn, 1])))).toBe('accepted')
    await modify(s, before)
    expect(await send([{ Type: 'forward', TargetGroupArn: s.blue, ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.green, Weight: 1 }] } }])).toBe('InvalidLoadBalancerAction')
    expect(await send(weighted([[s.blue.replace('web-blue', 'nope'), 1]]))).toBe('TargetGroupNotFound')
    expect(await send(weighted([[s.world.targetGroupByName('web-tcp').arn, 1]]))).toBe('IncompatibleProtocols')
    expect(await send(weighted([[s.blue, 1]], { Enabled: true, DurationSeconds: 604_801 }))).toBe('ValidationError') // 1-604800
    expect(await send(weighted([[s.blue, 1]], { Enabled: true, DurationSeconds: 0 }))).toBe('ValidationError')
    expect(await send(weighted([[s.blue, 1]], { Enabled: true }))).toBe('ValidationError') // duration required when enabled
    expect(await send([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '302' } }])).toBe('ValidationError') // 2XX, 4XX or 5XX
    expect(await send([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'image/png' } }])).toBe('ValidationError')
    expect(await send([{ Type: 'bounce' as Action['Type'] }])).toBe('ValidationError')
    expect(await send([{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Protocol: 'HTTPS' } }])).toBe('InvalidAction') // not modelled
    expect(await describeDefault(s)).toEqual(before)
    // A target group serves one load balancer.
    s.world.addLoadBalancer({ name: 'api' })
    const api = s.world.addListener({ loadBalancer: 'api', port: 80, forward: [{ targetGroup: 'tg-f', weight: 1 }] })
    expect(await refusal(s.world, s.c.elbv2.send(new ModifyListenerCommand({ ListenerArn: api.arn, DefaultActions: weighted([[s.blue, 1]]) })))).toBe('TargetGroupAssociationLimit')
    // Unknown resources.
    const ghost = `${s.listener.slice(0, -4)}beef`
    expect(await refusal(s.world, s.c.elbv2.send(new ModifyListenerCommand({ ListenerArn: ghost, DefaultActions: before })))).toBe('ListenerNotFound')
    expect(await refusal(s.world, s.c.elbv2.send(new DescribeListenersCommand({ ListenerArns: [ghost] })))).toBe('ListenerNotFound')
    expect(await refusal(s.world, s.c.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: `${s.world.listeners.listeners.get(s.listener)?.loadBalancerArn}0` })))).toBe('LoadBalancerNotFound')
    expect(await refusal(s.world, s.c.elbv2.send(new ModifyRuleCommand({ RuleArn: `${s.rule.slice(0, -4)}beef`, Actions: before })))).toBe('RuleNotFound')
    expect(await refusal(s.world, s.c.elbv2.send(new DescribeRulesCommand({ RuleArns: [`${s.rule.slice(0, -4)}beef`] })))).toBe('RuleNotFound')
    // The SDK knows the modeled ones by their exception names.
    await expect(modify(s, weighted([[s.blue.replace('web-blue', 'nope'), 1]]))).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' })
  })

  it('ModifyRule on the default rule is refused (OperationNotPermitted): the default rule is changed with ModifyListener', async () => {
    const s = scene()
    const rules = (await s.c.elbv2.send(new DescribeRulesCommand({ ListenerArn: s.listener }))).Rules ?? []
    const dflt = rules.find((r) => r.IsDefault)?.RuleArn as string
    expect(await refusal(s.world, s.c.elbv2.send(new ModifyRuleCommand({ RuleArn: dflt, Actions: weighted([[s.green, 1]]) })))).toBe('OperationNotPermitted')
    expect((await s.c.elbv2.send(new DescribeRulesCommand({ RuleArns: [dflt] }))).Rules?.[0]?.Actions).toEqual(await describeDefault(s))
    expect(s.world.forwardWeights(s.listener)).toEqual({ 'web-blue': 1, 'web-green': 0 })
  })

  it('reads lag behind a Modify (realism readLagMs): Describe right after it may show the old actions', async () => {
    const s = scene({ realism: { latencyMs: [0, 0], readLagMs: [2_000, 2_000], deregisterLagMs: [0, 0], healthJitter: false, pageSize: undefined } })
    const before = await describeDefault(s)
    await modify(s, weighted([[s.blue, 0], [s.green, 1]]))
    expect(await describeDefault(s)).toEqual(before)
    const rules = async () => (await s.c.elbv2.send(new DescribeRulesCommand({ ListenerArn: s.listener }))).Rules ?? []
    expect((await rules())[1]?.Actions).toEqual(before)
    s.world.advance(2_001)
    expect((await describeDefault(s))[0]?.ForwardConfig?.TargetGroups?.map((t) => t.Weight)).toEqual([0, 1])
    expect((await rules())[1]?.Actions).toEqual(await describeDefault(s))
  })
})

describe('ALB request routing and accounting (simulated)', () => {
  it('a Modify reaches requests after the propagation lag (200-1500 ms, a time-loop event): until then they go by the old weights', async () => {
    const s = scene({ seed: 3 })
    s.world.startRequests()
    s.world.advance(10_000)
    const t = s.world.now()
    await modify(s, weighted([[s.blue, 0], [s.green, 1]]))
    const due = s.world.listeners.routing.routes.get(s.listener)?.pending[0]?.at as number
    expect(due - t).toBeGreaterThanOrEqual(200)
    expect(due - t).toBeLessThanOrEqual(1_500)
    expect(s.world.forwardWeights(s.listener)).toEqual({ 'web-blue': 1, 'web-green': 0 })
    s.world.advance(1_500) // one jump: the change still applies at its own time
    expect(s.world.forwardWeights(s.listener)).toEqual({ 'web-blue': 0, 'web-green': 1 })
    const after = of(s, s.listener, t)
    expect(after.filter((r) => r.at <= due).every((r) => r.targetGroup === 'web-blue')).toBe(true)
    expect(after.filter((r) => r.at > due).every((r) => r.targetGroup === 'web-green' && r.version === 'v2')).toBe(true)
    expect(after.filter((r) => r.at > due).length).toBeGreaterThan(0)
  })

  it('counts every request: none to a weight-0 target group, all to weight 1, round robin over its healthy targets, a 10/90 split within a few percent', async () => {
    const s = scene()
    s.world.startRequests({ perSecond: 10 })
    s.world.advance(60_000)
    const listener = of(s, s.listener)
    expect(listener).toHaveLength(601) // request k at t0 + k·100 ms, t0 included
    expect(listener.map((r) => r.at - START).slice(0, 3)).toEqual([0, 100, 200])
    expect(s.world.servedBy({ version: 'v2' })).toBe(0)
    expect(s.world.servedBy({ targetGroup: 'web-green' })).toBe(0)
    expect(s.world.servedBy({ version: 'v1' })).toBe(s.world.requests.length)
    const perInstance = new Map<string, number>()
    for (const r of listener) perInstance.set(r.instanceId as string, (perInstance.get(r.instanceId as string) ?? 0) + 1)
    expect([...perInstance.values()].sort()).toEqual([300, 301])
    await modify(s, weighted([[s.blue, 10], [s.green, 90]]))
    s.world.advance(2_000)
    const from = s.world.now()
    s.world.advance(100_000)
    const split = of(s, s.listener, from)
    const green = split.filter((r) => r.targetGroup === 'web-green').length / split.length
    expect(green).toBeGreaterThan(0.87)
    expect(green).toBeLessThan(0.93)
    expect(s.world.servedBy({ version: 'v2', since: from + 1 })).toBe(split.filter((r) => r.version === 'v2').length) // since: inclusive
  })

  it('fails open to unhealthy targets when none is healthy; a healthy one takes them all otherwise; draining targets take none', () => {
    const s = scene()
    s.world.clearBaseline()
    const [a, b] = s.world.group('web-blue').instances.map((i) => i.id) as [string, string]
    s.world.startRequests()
    s.world.makeUnhealthy(a)
    let t = s.world.now()
    s.world.advance(5_000)
    expect(new Set(of(s, s.listener, t).map((r) => r.instanceId))).toEqual(new Set([b]))
    s.world.makeUnhealthy(b)
    t = s.world.now()
    s.world.advance(5_000)
    expect(new Set(of(s, s.listener, t).map((r) => `${r.instanceId}:${r.status}`))).toEqual(new Set([`${a}:200`, `${b}:200`]))
    s.world.makeHealthy(a)
    s.world.makeHealthy(b)
    s.world.enterStandby('web-blue', [a], true)
    expect(s.world.targetStates('web-blue').find((x) => x.id === a)?.state).toBe('draining')
    t = s.world.now()
    s.world.advance(5_000)
    expect(new Set(of(s, s.listener, t).map((r) => r.instanceId))).toEqual(new Set([b]))
  })

  it('answers 503 when the chosen target group has no registered target, or every weight is 0', async () => {
    const s = scene()
    s.world.addTargetGroup({ name: 'web-empty' })
    s.world.startRequests()
    await modify(s, weighted([[s.world.targetGroupByName('web-empty').arn, 1]]))
    s.world.advance(2_000)
    let t = s.world.now()
    s.world.advance(1_000)
    expect(of(s, s.listener, t).map((r) => ({ ...r, at: 0 }))).toEqual(Array(10).fill({ at: 0, route: s.listener, targetGroup: 'web-empty', status: 503 }))
    await modify(s, weighted([[s.blue, 0], [s.green, 0]]))
    s.world.advance(2_000)
    t = s.world.now()
    s.world.advance(1_000)
    expect(new Set(of(s, s.listener, t).map((r) => `${r.status}:${r.targetGroup ?? '-'}`))).toEqual(new Set(['503:-']))
  })

  it('stickiness keeps requests on the weights of before the change for DurationSeconds (even a weight-0 target group), then the new ones', async () => {
    const s = scene({}, { stickiness: { enabled: true, durationSeconds: 30 } })
    s.world.startRequests()
    await modify(s, weighted([[s.blue, 0], [s.green, 1]], { Enabled: true, DurationSeconds: 30 }))
    const due = s.world.listeners.routing.routes.get(s.listener)?.pending[0]?.at as number
    s.world.advance(10_000)
    expect(s.world.forwardWeights(s.listener)).toEqual({ 'web-blue': 1, 'web-green': 0 })
    s.world.advance(25_000)
    expect(s.world.forwardWeights(s.listener)).toEqual({ 'web-blue': 0, 'web-green': 1 })
    const reqs = of(s, s.listener)
    expect(reqs.filter((r) => r.at <= due + 30_000).every((r) => r.targetGroup === 'web-blue')).toBe(true)
    expect(reqs.filter((r) => r.at > due + 30_000).every((r) => r.targetGroup === 'web-green')).toBe(true)
    // Without stickiness the same change moves them after the propagation lag only.
    const plain = scene()
    plain.world.startRequests()
    await modify(plain, weighted([[plain.blue, 0], [plain.green, 1]]))
    plain.world.advance(2_000)
    expect(plain.world.forwardWeights(plain.listener)).toEqual({ 'web-blue': 0, 'web-green': 1 })
  })

  it('a fork copies load balancers, listeners, rules, pending changes and the request log, and goes its own way', async () => {
    const s = scene({ seed: 8 })
    s.world.startRequests()
    s.world.advance(3_000)
    await modify(s, weighted([[s.blue, 0], [s.green, 1]]))
    const fork = s.world.fork()
    expect(fork.requests).toEqual(s.world.requests)
    expect(fork.requests).not.toBe(s.world.requests)
    expect([...fork.listeners.rules.keys()]).toEqual([s.rule])
    s.world.advance(2_000)
    fork.advance(2_000)
    expect(fork.requests).toEqual(s.world.requests) // the same pending change, applied at the same moment
    fork.modifyListener(s.listener, { defaultActions: weighted([[s.blue, 1], [s.green, 0]]) })
    fork.advance(2_000)
    s.world.advance(2_000)
    expect([fork.forwardWeights(s.listener), s.world.forwardWeights(s.listener)]).toEqual([{ 'web-blue': 1, 'web-green': 0 }, { 'web-blue': 0, 'web-green': 1 }])
    expect(of(fork, s.listener).at(-1)?.targetGroup).toBe('web-blue')
    expect(of(s, s.listener).at(-1)?.targetGroup).toBe('web-green')
  })

  it('invariant 5: a Modify that gives weight to a target group with no healthy target while another has healthy targets is recorded', async () => {
    const s = scene()
    s.world.clearBaseline()
    await modify(s, weighted([[s.blue, 1], [s.green, 1]]))
    expect(s.world.violations).toEqual([])
    expect(s.world.checks.inv5).toBe(1)
    for (const i of s.world.group('web-green').instances) s.world.makeUnhealthy(i.id)
    await modify(s, weighted([[s.blue, 0], [s.green, 1]]))
    expect(s.world.violations).toEqual([expect.stringMatching(/invariant 5: ModifyListener .* gives weight 1 to target group web-green, which has no healthy target, while web-blue of the same forward has 2 healthy/)])
    await s.c.elbv2.send(new ModifyRuleCommand({ RuleArn: s.rule, Actions: weighted([[s.blue, 1], [s.green, 0]]) }))
    expect(s.world.violations).toHaveLength(1) // weight 0 to the unhealthy one: fine
    expect(s.world.checks.inv5).toBe(3)
    s.world.violations.length = 0
  })

  it('ModifyListener goes through fault injection and the ELBv2 Modify* rate limit (20 tokens)', async () => {
    const s = scene({ rateLimits: true })
    s.world.faults.inject({ operation: 'ModifyListener', service: 'elbv2', error: 'Throttling' })
    expect(await refusal(s.world, modify(s, weighted([[s.blue, 1], [s.green, 0]])))).toBe('Throttling')
    const results: string[] = []
    for (let n = 0; n < 21; n++) results.push(await refusal(s.world, modify(s, weighted([[s.blue, 1], [s.green, 0]]))))
    expect(results.filter((r) => r === 'accepted')).toHaveLength(20)
    expect(results[20]).toBe('Throttling')
    expect(s.world.rateLimits?.throttledCount('ModifyListener')).toBe(1)
    expect((await describeDefault(s)).length).toBe(1) // Describe* has its own bucket
  })
})
