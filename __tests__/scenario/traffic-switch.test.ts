// Issue 20: a pair whose colors each have a target group of their own, behind an ALB listener that forwards to
// both with weights. Cutover and rollback are weight writes; the old instances never leave service. The
// simulated ALB counts every request (which target group, which version served it), so the tests assert what
// a user sees: no request reaches v2 before cutover, and none 2 s after a rollback starts or a bake trips.
// ALB target group defaults throughout (health checks 30 s apart, 5 to healthy; 300 s deregistration delay).
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addWeightedService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
/** The rollback goal: the old version takes every new request within this long. */
const GOAL_MS = 2_000
let world: SimWorld
afterEach(() => world.assertNoViolations())

function scene(o: Parameters<typeof addWeightedService>[1] = {}): ReturnType<typeof addWeightedService> {
  world = newWorld()
  const names = addWeightedService(world, { instances: 3, ...o })
  world.setBaseline()
  world.startRequests({ perSecond: 10 })
  return names
}

/** When the first accepted weight write of the run that started at `since` was made. */
function firstWeightWrite(since: number): number {
  const c = world.calls.find((x) => x.time >= since && x.ok && (x.operation === 'ModifyListener' || x.operation === 'ModifyRule'))
  if (!c) throw new Error('no weight write')
  return c.time
}

/**
 * How long AWS hid the run's own lock after it wrote it: the read lag the simulator drew for that write (0–3 s).
 * The run reads its lock back before its first write (SPEC 7: two runs never drive one pair at once), so that
 * lag is AWS's part of the time to the weight write; ask once the run is over.
 */
function lockLag(group: string): () => number {
  let written: number | undefined
  let lag: number | undefined
  const take = world.faults.take.bind(world.faults)
  // Every call passes here before it is answered: the first one after the lock write sees that write's lag.
  world.faults.take = (service, operation, requestId) => {
    if (written !== undefined && lag === undefined) lag = (world.readLag.staleUntil(`asg:${group}`) ?? world.now()) - written
    const last = world.calls[world.calls.length - 1]
    if (written === undefined && last?.operation === 'CreateOrUpdateTags' && JSON.stringify(last.params).includes('blue-green:lock')) written = last.time
    return take(service, operation, requestId)
  }
  return () => {
    if (lag === undefined) throw new Error(`no lock write seen on ${group}`)
    return lag
  }
}

/** The test itself breaks one target (the app failing): invariant 1 then holds the action to one less. */
function lowerBaselineByOne(): void {
  world.setBaseline()
  for (const [arn, n] of world.baseline) world.baseline.set(arn, Math.max(0, n - 1))
  for (const [route, n] of world.routeBaseline) world.routeBaseline.set(route, Math.max(0, n - 1))
}

function lifecycles(group: string): string[] {
  return world.group(group).instances.map((i) => i.lifecycle)
}

describe('a pair that moves traffic by weights', () => {
  it('deploy: no request reaches v2 before the weight write, the old instances stay InService and registered, outputs say "weights"', async () => {
    const { blueTg } = scene()
    const v1 = world.group(BLUE).instances.map((i) => i.id)
    const start = world.now()
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': GREEN, version: 'v2', 'previous-version': 'v1' })
    const cutover = firstWeightWrite(start)
    expect(world.servedBy({ version: 'v2', until: cutover })).toBe(0)
    expect(world.servedBy({ version: 'v1', since: cutover + GOAL_MS })).toBe(0)
    expect(world.servedBy({ version: 'v2', since: cutover + GOAL_MS })).toBeGreaterThan(0)
    expect(lifecycles(BLUE)).toEqual(['InService', 'InService', 'InService'])
    expect(v1.every((id) => world.targetGroupByName(blueTg).targets.get(id)?.state === 'healthy')).toBe(true)
    expect(world.calls.some((c) => c.operation === 'EnterStandby')).toBe(false)
    expect(JSON.parse(deploy.outputs.pairs ?? '[]')[0]).toMatchObject({ traffic: 'weights' })
    expect(JSON.parse(deploy.outputs['standby-instance-ids'] ?? '[]').sort()).toEqual([...v1].sort())
    expect(deploy.summary).toContain('v1 stays in service on prod-web-blue at weight 0 (3 instances).** Next: approve the finalize job to terminate them, or run mode: rollback: one listener write gives them the traffic back in seconds')
    // The deploy ends once the weights read back: no drain to wait for.
    expect(deploy.outputs['drain-ends-at']).toBe('')
  })

  it('rollback: the weight write comes within 2 s of the run starting, besides AWS hiding its lock, and no v2 request 2 s after it; no ExitStandby', async () => {
    scene()
    expect((await runAction(world, { mode: 'deploy', version: 'v2' })).failed).toBe(false)
    world.advance(60_000)
    const lag = lockLag(BLUE)
    const start = world.now()
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.failed).toBe(false)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-group': BLUE, version: 'v1' })
    const back = firstWeightWrite(start)
    // The run's own part: discovery, the lock write, reading it back once AWS shows it, one look, the write.
    expect(back - start - lag()).toBeLessThan(GOAL_MS)
    // The listener applies new weights a moment after the write (the simulator: up to 1.5 s).
    expect(world.servedBy({ version: 'v2', since: back + GOAL_MS })).toBe(0)
    expect(world.servedBy({ version: 'v1', since: back + GOAL_MS })).toBeGreaterThan(0)
    // The whole rollback: the write, 5 s for the weights to apply, green scaled in and deregistering.
    expect(world.now() - start).toBeLessThan(15_000)
    expect(world.calls.some((c) => c.operation === 'ExitStandby')).toBe(false)
    expect(world.group(BLUE)).toMatchObject({ min: 3, desired: 3, suspendedProcesses: [] })
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(Object.keys(world.group(BLUE).tags).filter((k) => k.startsWith('blue-green:') && k !== 'blue-green:last-run')).toEqual([])
  })

  it('finalize: the weights stay, the old group scales to idle with its processes back, and nothing is lost on the way', async () => {
    const { listeners } = scene()
    expect((await runAction(world, { mode: 'deploy', version: 'v2' })).failed).toBe(false)
    const finalize = await runAction(world, { mode: 'finalize' })
    expect(finalize.failed).toBe(false)
    expect(finalize.outputs).toMatchObject({ state: 'finalized', 'live-group': GREEN, version: 'v2' })
    expect(world.forwardWeights(listeners[0] as string)).toEqual({ [BLUE]: 0, [GREEN]: 1 })
    expect(world.group(BLUE)).toMatchObject({ min: 0, desired: 0, suspendedProcesses: [] })
    world.advance(10 * 60_000)
    expect(world.group(BLUE).instances).toEqual([])
    expect(world.servedBy({ status: 503 })).toBe(0)
    // The next deploy goes the other way, by weights again.
    const again = await runAction(world, { mode: 'deploy', version: 'v3' })
    expect(again.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': BLUE, version: 'v3' })
    expect(world.forwardWeights(listeners[0] as string)).toEqual({ [BLUE]: 1, [GREEN]: 0 })
  })

  it('a bake trip goes back by the same weight write: no v2 request 2 s after the bake saw the alarm', async () => {
    scene()
    world.addAlarm({ AlarmName: 'web-5xx', MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Threshold: 10 })
    world.setAlarmState('web-5xx', 'OK')
    let firedAt = 0
    let armed = true
    world.faults.beforeWrite = (op) => {
      if (op !== 'ModifyListener' || !armed) return
      armed = false
      void world.clock.sleep(30_000).then(() => {
        firedAt = world.now()
        world.setAlarmState('web-5xx', 'ALARM', 'errors right after cutover')
      })
    }
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', 'bake-time': '10m', 'alarm-names': 'web-5xx', 'poll-interval': '5s' })
    world.faults.beforeWrite = undefined
    expect(deploy.failed).toBe(true)
    expect(deploy.outputs).toMatchObject({ state: 'rolled-back', 'bake-result': 'rolled-back', 'live-group': BLUE })
    expect(firedAt).toBeGreaterThan(0)
    // The bake looks every poll interval (5 s); from what it saw, one write.
    const back = firstWeightWrite(firedAt)
    expect(back - firedAt).toBeLessThanOrEqual(5_000 + GOAL_MS)
    expect(world.servedBy({ version: 'v2', since: back + GOAL_MS })).toBe(0)
    expect(world.calls.some((c) => c.operation === 'ExitStandby' || c.operation === 'EnterStandby')).toBe(false)
  })

  it('two listeners and a rule move in one run, each forward action rewritten with every other field kept', async () => {
    const { listeners, rules } = scene({ secondListener: true, stickiness: { enabled: true, durationSeconds: 300 } })
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    // Sticky clients keep the old target group for the stickiness duration; then the new weights apply alone.
    world.advance(300_000)
    for (const arn of [...listeners, ...rules]) expect(world.forwardWeights(arn)).toEqual({ [BLUE]: 0, [GREEN]: 1 })
    expect(world.calls.filter((c) => c.ok && c.operation === 'ModifyListener')).toHaveLength(2)
    expect(world.calls.filter((c) => c.ok && c.operation === 'ModifyRule')).toHaveLength(1)
    // Stickiness stays on, and the summary says what it means for clients.
    expect(JSON.stringify(world.calls.filter((c) => c.operation === 'ModifyRule').map((c) => c.params))).toMatch(/Stickiness/)
    expect(deploy.summary).toContain('Target group stickiness is on: a client already sent to the other target group keeps going there for up to 5m')
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.failed).toBe(false)
    expect(rollback.summary).toContain('Target group stickiness is on')
    world.advance(300_000)
    for (const arn of [...listeners, ...rules]) expect(world.forwardWeights(arn)).toEqual({ [BLUE]: 1, [GREEN]: 0 })
  })

  it('rollback with old instances that failed while quarantined waits for them before giving them any weight', async () => {
    const { listeners } = scene()
    expect((await runAction(world, { mode: 'deploy', version: 'v2' })).failed).toBe(false)
    // One old instance fails its checks while the release waits for a decision, and recovers 3 minutes later.
    const sick = world.group(BLUE).instances[0]?.id as string
    lowerBaselineByOne()
    world.makeUnhealthy(sick)
    const start = world.now()
    void world.clock.sleep(3 * 60_000).then(() => world.makeHealthy(sick))
    const rollback = await runAction(world, { mode: 'rollback', 'health-timeout': '20m' })
    expect(rollback.failed).toBe(false)
    expect(world.forwardWeights(listeners[0] as string)).toEqual({ [BLUE]: 1, [GREEN]: 0 })
    // The weight went back only once all three were healthy again.
    expect(firstWeightWrite(start) - start).toBeGreaterThan(3 * 60_000)
  })

  it('pre-flight refuses a rule that forwards to one color only, naming it, and writes nothing', async () => {
    const { listeners } = scene()
    world.addRule({ listener: listeners[0] as string, priority: 5, pathPattern: '/admin/*', forward: [{ targetGroup: BLUE, weight: 1 }] })
    const writesBefore = world.calls.filter((c) => c.write).length
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.outputs.state).toBe('refused')
    expect(deploy.errors.join('\n')).toMatch(/rule 5 of listener HTTP:80 of prod-web-alb forwards to prod-web-blue of prod-web-blue only/)
    expect(world.calls.filter((c) => c.write && c.operation !== 'CreateOrUpdateTags' && c.operation !== 'DeleteTags').length).toBe(
      world.calls.slice(0, writesBefore).filter((c) => c.write && c.operation !== 'CreateOrUpdateTags' && c.operation !== 'DeleteTags').length
    )
  })

  it('the kit records both colors carrying weight with no deployment under way (what no run of the action may leave)', () => {
    const { listeners } = scene()
    const arn = (name: string) => world.targetGroupByName(name).arn
    world.modifyListener(listeners[0] as string, {
      defaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: arn(BLUE), Weight: 1 }, { TargetGroupArn: arn(GREEN), Weight: 1 }] } }]
    })
    world.advance(5_000)
    expect(world.violations.join('\n')).toMatch(/both colors carry weight outside a deploy: forward .* sends requests to prod-web-blue, prod-web-green/)
    world.violations.length = 0
  })

  it('dry-run prints the weight write', async () => {
    scene()
    const plan = await runAction(world, { mode: 'deploy', version: 'v2', 'dry-run': 'true' })
    expect(plan.outputs.plan).toContain('prod-web: give prod-web-green the traffic of listener HTTP:80 of prod-web-alb: prod-web-blue weight 0, prod-web-green weight 1')
  })
})
