// Classic Load Balancers: a pair attached by load balancer name is health-gated by the instances' state in
// every Classic LB (InService), alone or beside target groups; standby, traffic moved and rollback behave
// as with target groups. The simulator answers DescribeInstanceHealth in the Classic LB's own words
// (packages/aws-sim/src/wire/handlers/elb.ts): a new instance reads OutOfService "registration is still in
// progress", a draining one InService "deregistration currently in progress".
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { START } from '../../test-support/worlds.js'
import { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const CLB = 'prod-web-clb'

let world: SimWorld
afterEach(() => world.assertNoViolations())

/** A pair behind the Classic LB `prod-web-clb` (and, with `targetGroup`, the target group `prod-web` too). */
function scene(o: { targetGroup?: boolean; connectionDrainingSeconds?: number } = {}): SimWorld {
  world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012' })
  world.addClassicLoadBalancer({ name: CLB, healthCheckIntervalSeconds: 10, healthyAfterChecks: 3, connectionDrainingSeconds: o.connectionDrainingSeconds ?? 300 })
  if (o.targetGroup) world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  const targetGroups = o.targetGroup ? ['prod-web'] : []
  const common = { max: 6, targetGroups, loadBalancerNames: [CLB] }
  world.addGroup({ name: BLUE, min: 3, desired: 3, ...common, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
  world.addGroup({ name: GREEN, min: 0, desired: 0, ...common, tags: { 'docker:image:name': 'web' } })
  return world
}

/** Versions of the instances InService in the Classic LB. */
function serving(): string[] {
  return world
    .classicStates(CLB)
    .filter((t) => t.state === 'healthy')
    .map((t) => world.instance(t.id).version ?? '?')
    .sort()
}

/** The Classic LB state of every instance of `group` at each accepted EnterStandby (recorded before it applies). */
function statesAtEnterStandby(): string[][] {
  const seen: string[][] = []
  world.faults.beforeWrite = (op) => {
    if (op !== 'EnterStandby') return
    const states = new Map(world.classicStates(CLB).map((t) => [t.id, t.state]))
    seen.push(world.group(GREEN).instances.map((i) => states.get(i.id) ?? 'not registered'))
  }
  return seen
}

describe('a pair behind a Classic Load Balancer only', () => {
  it('deploy moves the old instances to Standby only once every new one is InService in the Classic LB; finalize retires them', async () => {
    scene()
    const atStandby = statesAtEnterStandby()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(atStandby.length).toBeGreaterThan(0)
    for (const states of atStandby) expect(states).toEqual(['healthy', 'healthy', 'healthy'])
    expect(serving()).toEqual(['v2', 'v2', 'v2'])
    expect(world.calls.some((c) => c.service === 'elb' && c.operation === 'DescribeInstanceHealth')).toBe(true)
    const f = await runAction(world, { mode: 'finalize' })
    expect(f.outputs.state).toBe('finalized')
    expect(world.group(BLUE).instances.filter((i) => i.lifecycle !== 'Terminated' && i.lifecycle !== 'Terminating')).toEqual([])
    expect(serving()).toEqual(['v2', 'v2', 'v2'])
  })

  it('the deploy ends when traffic has moved, while the Classic LB still drains the old instances (InService "deregistration currently in progress")', async () => {
    scene({ connectionDrainingSeconds: 600 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    const old = world.group(BLUE).instances.map((i) => i.id)
    const draining = world.classicStates(CLB).filter((t) => old.includes(t.id))
    expect(draining.map((t) => t.state)).toEqual(['draining', 'draining', 'draining'])
    // The Classic LB's draining timeout is not read: no drain end rather than a wrong one.
    expect(r.outputs['drain-ends-at']).toBe('')
  })

  it('rollback brings the old instances back and drains the new group only once they are InService in the Classic LB again', async () => {
    scene()
    await runAction(world, { mode: 'deploy', version: 'v2' })
    world.advance(10 * 60_000)
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.outputs.state).toBe('rolled-back')
    expect(serving()).toEqual(['v1', 'v1', 'v1'])
    const exit = world.calls.find((c) => c.operation === 'ExitStandby' && c.ok)
    const idle = world.calls.filter((c) => c.operation === 'UpdateAutoScalingGroup' && c.ok && (c.params as { AutoScalingGroupName?: string }).AutoScalingGroupName === GREEN).pop()
    // Re-registration, then 3 passing checks 10 s apart: the new group is not drained before.
    expect((idle?.time ?? 0) - (exit?.time ?? 0)).toBeGreaterThanOrEqual(30_000)
  })

  it('a new version failing its Classic LB health checks fails the deploy, naming the instance, the load balancer and its reason', async () => {
    scene()
    world.setVersionHealth('v-bad', 'unhealthy')
    const r = await runAction(world, { mode: 'deploy', version: 'v-bad' })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    const message = r.errors.join('\n')
    expect(message).toMatch(/3 InService: in Classic LB prod-web-clb: unhealthy OutOfService, ReasonCode Instance "Instance has failed at least the UnhealthyThreshold number of health checks consecutively\." \(i-[0-9a-f]+, /)
    expect(serving()).toEqual(['v1', 'v1', 'v1'])
  })

  it('a new instance OutOfService while it registers and boots (2.5 min) is waited for, not given up on', async () => {
    scene()
    world.setVersionHealth('v2', { unhealthyForSeconds: 150 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(serving()).toEqual(['v2', 'v2', 'v2'])
  })
})

describe('a pair behind a Classic Load Balancer and a target group', () => {
  it('deploy waits for InService in the Classic LB and healthy in the target group; finalize retires the old group', async () => {
    scene({ targetGroup: true })
    const atStandby = statesAtEnterStandby()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    for (const states of atStandby) expect(states).toEqual(['healthy', 'healthy', 'healthy'])
    expect(world.healthyCount('prod-web')).toBe(3)
    expect(serving()).toEqual(['v2', 'v2', 'v2'])
    expect(r.summary).toMatch(/across 1 target group\(s\) and 1 Classic LB\(s\)/)
    const f = await runAction(world, { mode: 'finalize' })
    expect(f.outputs.state).toBe('finalized')
  })

  it('rollback restores the old instances in both', async () => {
    scene({ targetGroup: true })
    await runAction(world, { mode: 'deploy', version: 'v2' })
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.outputs.state).toBe('rolled-back')
    expect(serving()).toEqual(['v1', 'v1', 'v1'])
    expect(world.healthyCount('prod-web')).toBe(3)
  })
})

describe('pre-flight with Classic Load Balancers', () => {
  it('refuses colors attached to different Classic LBs, naming both and what to do; nothing is written', async () => {
    world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012' })
    world.addClassicLoadBalancer({ name: CLB })
    world.addClassicLoadBalancer({ name: 'prod-web-clb-2' })
    world.addGroup({ name: BLUE, min: 1, max: 2, desired: 1, loadBalancerNames: [CLB], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: GREEN, min: 0, max: 2, desired: 0, loadBalancerNames: ['prod-web-clb-2'], tags: { 'docker:image:name': 'web' } })
    const writes = world.writes().length
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('refused')
    expect(r.errors.join('\n')).toContain(
      'prod-web: prod-web-blue and prod-web-green are attached to different Classic Load Balancers (prod-web-clb vs prod-web-clb-2); attach both to the same ones (aws autoscaling attach-load-balancers).'
    )
    expect(world.writes().length).toBe(writes)
  })

  it('refuses a pair with neither a target group nor a Classic LB', async () => {
    world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012' })
    world.addGroup({ name: BLUE, min: 1, max: 2, desired: 1, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: GREEN, min: 0, max: 2, desired: 0, tags: { 'docker:image:name': 'web' } })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('refused')
    expect(r.errors.join('\n')).toContain('attached to no target group and no Classic Load Balancer')
  })
})
