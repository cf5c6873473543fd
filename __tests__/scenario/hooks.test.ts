// Lifecycle hooks and warm pools. Launch hooks hold new instances in Pending:Wait: a deploy waits through
// them, but refuses one whose hook may outlast health-timeout. Termination hooks do not run for detach or
// EC2 TerminateInstances, which is how finalize retires the standby instances: finalize refuses a group
// that has them and says what to do; deploy and rollback never terminate standby instances and go ahead.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimLifecycleHook } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const LAUNCHING = 'autoscaling:EC2_INSTANCE_LAUNCHING'
const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING'

let world: SimWorld
afterEach(() => world.assertNoViolations())

/** One service, blue live with v1 (3 instances), green idle; `hooks` on both groups. */
function scene(hooks: SimLifecycleHook[]): SimWorld {
  world = newWorld()
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  const common = { min: 0, max: 6, targetGroups: ['prod-web'], lifecycleHooks: hooks }
  world.addGroup({ ...common, name: BLUE, min: 3, desired: 3, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
  world.addGroup({ ...common, name: GREEN, desired: 0, tags: { 'docker:image:name': 'web' } })
  return world
}

async function expectRefused(inputs: Record<string, string>, ...messages: (RegExp | string)[]): Promise<string> {
  const writesBefore = world.writes().length
  const r = await runAction(world, inputs)
  expect(r.failed).toBe(true)
  expect(r.outputs.state).toBe('refused')
  const errors = r.errors.join('\n')
  for (const m of messages) expect(errors).toMatch(m)
  expect(r.summary).toContain('Pre-flight refused the run; nothing was changed anywhere')
  expect(world.writes().length).toBe(writesBefore)
  return errors
}

const healthyVersions = (): (string | undefined)[] =>
  world
    .targetStates('prod-web')
    .filter((t) => t.state === 'healthy')
    .map((t) => world.instance(t.id).version)
    .sort()

describe('launch lifecycle hooks', () => {
  it('a hook that may hold instances longer than health-timeout refuses the deploy, naming the hook and both times', async () => {
    scene([{ LifecycleHookName: 'warm-cache', LifecycleTransition: LAUNCHING, HeartbeatTimeout: 1800 }])
    await expectRefused(
      { mode: 'deploy', version: 'v2', 'health-timeout': '10m' },
      `${GREEN}: launch lifecycle hook warm-cache may hold new instances in Pending:Wait for up to 30m`,
      /longer than health-timeout 10m/,
      /Raise health-timeout to at least 30m/,
      /aws autoscaling put-lifecycle-hook --auto-scaling-group-name prod-web-green --lifecycle-hook-name warm-cache/
    )
  })

  it('a hook within health-timeout: the deploy waits through Pending:Wait and the summary names the hook', async () => {
    scene([{ LifecycleHookName: 'warm-cache', LifecycleTransition: LAUNCHING, HeartbeatTimeout: 300, holdSeconds: 120 }])
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '10m' })
    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(healthyVersions()).toEqual(['v2', 'v2', 'v2'])
    // Each new instance was held by the hook (launch 60 s, then 120 s in Pending:Wait) before it went in service.
    for (const i of world.group(GREEN).instances) {
      const sim = world.instance(i.id)
      expect((sim.inServiceSince ?? 0) - sim.launchTime).toBeGreaterThanOrEqual(180_000)
    }
    expect(r.summary).toContain('launch hook: warm-cache (5m)')
  })

  it('status while the hook holds new instances shows them waiting for it by name', async () => {
    scene([{ LifecycleHookName: 'warm-cache', LifecycleTransition: LAUNCHING, HeartbeatTimeout: 600, holdSeconds: 300 }])
    world.setDesiredCapacity(GREEN, 2)
    world.settle()
    world.advance(90_000)
    expect(world.group(GREEN).instances.map((i) => i.lifecycle)).toEqual(['Pending:Wait', 'Pending:Wait'])
    const r = await runAction(world, { mode: 'status' })
    expect(r.summary).toContain('2 Pending:Wait (waiting for launch hook warm-cache)')
  })
})

describe('termination lifecycle hooks', () => {
  const drainHook: SimLifecycleHook = { LifecycleHookName: 'ship-logs', LifecycleTransition: TERMINATING, HeartbeatTimeout: 900 }

  it('deploy goes ahead; finalize is refused naming the group, the hook and what to do; rollback works', async () => {
    scene([drainHook])
    const d = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(d.outputs.state).toBe('awaiting-finalize')
    expect(d.summary).toContain('termination hook: ship-logs (15m)')
    world.advance(10 * 60_000)
    const standby = world.group(BLUE).instances.filter((i) => i.lifecycle === 'Standby').map((i) => i.id)
    expect(standby).toHaveLength(3)

    const errors = await expectRefused(
      { mode: 'finalize' },
      `${BLUE}: has termination lifecycle hook(s) ship-logs`,
      /terminates them through EC2, which does not run termination hooks/,
      `for id in ${standby.join(' ')}; do aws autoscaling terminate-instance-in-auto-scaling-group --instance-id "$id" --no-should-decrement-desired-capacity; done`,
      `aws autoscaling delete-lifecycle-hook --auto-scaling-group-name ${BLUE} --lifecycle-hook-name ship-logs`
    )
    expect(errors).not.toMatch(GREEN)
    expect(world.group(BLUE).instances.filter((i) => i.lifecycle === 'Standby')).toHaveLength(3)

    const rb = await runAction(world, { mode: 'rollback' })
    expect(rb.failed).toBe(false)
    expect(rb.outputs.state).toBe('rolled-back')
    world.advance(10 * 60_000)
    expect(healthyVersions()).toEqual(['v1', 'v1', 'v1'])
  })

  it('after terminating the standby instances through Auto Scaling as advised, finalize completes', async () => {
    scene([drainHook])
    await runAction(world, { mode: 'deploy', version: 'v2' })
    world.advance(10 * 60_000)
    for (const i of world.group(BLUE).instances.filter((x) => x.lifecycle === 'Standby')) world.terminateInstanceInGroup(i.id, false)
    world.advance(5 * 60_000)
    const f = await runAction(world, { mode: 'finalize' })
    expect(f.failed).toBe(false)
    expect(f.outputs.state).toBe('finalized')
    expect(healthyVersions()).toEqual(['v2', 'v2', 'v2'])
  })

  it('a termination hook on the group finalize does not retire (the new live group) does not refuse finalize', async () => {
    world = newWorld()
    world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    world.addGroup({ name: BLUE, min: 3, max: 6, desired: 3, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: GREEN, min: 0, max: 6, desired: 0, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web' }, lifecycleHooks: [drainHook] })
    await runAction(world, { mode: 'deploy', version: 'v2' })
    const f = await runAction(world, { mode: 'finalize' })
    expect(f.outputs.state).toBe('finalized')
  })
})

describe('warm pools', () => {
  it('are refused with what to do: the exact command, and why the boot script does not help', async () => {
    world = newWorld()
    addService(world)
    world.addGroup({ name: 'prod-api-blue', min: 1, max: 2, desired: 1, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: 'prod-api-green', min: 0, max: 2, desired: 0, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web' }, warmPool: { MinSize: 1 } as never })
    await expectRefused(
      { mode: 'deploy', version: 'v2' },
      'prod-api-green: has a warm pool',
      /cloud-init runs user data on the first boot only/,
      'aws autoscaling delete-warm-pool --auto-scaling-group-name prod-api-green'
    )
  })
})
