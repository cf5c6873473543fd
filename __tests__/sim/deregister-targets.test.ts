// The simulated ELBv2 DeregisterTargets: a named target drains at once (no deregistration lag, unlike Auto
// Scaling's own deregistration after EnterStandby), a target not registered is no error, an unknown target
// group is; entering Standby ends when the target is gone; the world flags a DeregisterTargets of an instance its group still has InService; Auto Scaling's
// later deregistration of the same target changes nothing; ExitStandby registers it again.
import { afterEach, describe, expect, it } from '@jest/globals'
import { DeregisterTargetsCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { SimWorld } from '../../test-support/world.js'
import { START } from './fixture.js'

let destroy: (() => void) | undefined
afterEach(() => destroy?.())

function scene(): { world: SimWorld; elbv2: ElasticLoadBalancingV2Client; ids: string[] } {
  // Auto Scaling's deregistration reaches the target group 5 s after EnterStandby; reads do not lag.
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: { deregisterLagMs: [5_000, 5_000] } })
  world.addTargetGroup({ name: 'web', deregistrationDelaySeconds: 60, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  world.addGroup({ name: 'prod-web-blue', min: 0, max: 6, desired: 2, targetGroups: ['web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
  const elbv2 = new ElasticLoadBalancingV2Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
    requestHandler: world.requestHandler,
    retryStrategy: new ConfiguredRetryStrategy(1, () => 0)
  })
  destroy = () => elbv2.destroy()
  return { world, elbv2, ids: world.group('prod-web-blue').instances.map((i) => i.id) }
}

const arnOf = async (elbv2: ElasticLoadBalancingV2Client): Promise<string> =>
  (await elbv2.send(new DescribeTargetGroupsCommand({ Names: ['web'] }))).TargetGroups?.[0]?.TargetGroupArn as string
const stateOf = (world: SimWorld, id: string): string | undefined => world.targetStates('web').find((t) => t.id === id)?.state

describe('DeregisterTargets (simulated)', () => {
  it('drains a target that entered Standby at once, where Auto Scaling would take 5 s; its later deregistration changes nothing', async () => {
    const { world, elbv2, ids } = scene()
    const [a, b] = ids as [string, string]
    world.enterStandby('prod-web-blue', [a, b], true)
    expect(stateOf(world, a)).toBe('healthy')
    expect(world.takesNewConnections('web', a)).toBe(true)
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: await arnOf(elbv2), Targets: [{ Id: a }] }))
    expect(stateOf(world, a)).toBe('draining')
    expect(world.takesNewConnections('web', a)).toBe(false)
    expect(stateOf(world, b)).toBe('healthy')
    world.advance(5_000)
    expect(stateOf(world, b)).toBe('draining')
    world.advance(56_000)
    // Removed after its own 60 s delay, counted from our call, not from Auto Scaling's.
    expect(stateOf(world, a)).toBeUndefined()
    expect(stateOf(world, b)).toBe('draining')
    // (This scene has no replacement group, so invariants 1 and 2 do object to the Standby itself.)
    expect(world.violations.filter((v) => v.includes('DeregisterTargets'))).toEqual([])
  })

  it('answers success for a target not registered, TargetGroupNotFound for an unknown target group', async () => {
    const { elbv2 } = scene()
    const arn = await arnOf(elbv2)
    await expect(elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: 'i-0123456789abcdef0' }] }))).resolves.toBeDefined()
    await expect(elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: arn.replace(/\/[0-9a-f]+$/, '/0000000000000000'), Targets: [{ Id: 'i-0123456789abcdef0' }] }))).rejects.toMatchObject({
      name: 'TargetGroupNotFoundException'
    })
  })

  it('flags an instance taken out of the load balancer while its group keeps it InService', async () => {
    const { world, elbv2, ids } = scene()
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: await arnOf(elbv2), Targets: [{ Id: ids[0] as string }] }))
    expect(world.violations.join('\n')).toMatch(/DeregisterTargets took i-\w+, InService in prod-web-blue, out of target group web/)
  })

  it('ExitStandby registers a target deregistered this way again', async () => {
    const { world, elbv2, ids } = scene()
    const a = ids[0] as string
    world.enterStandby('prod-web-blue', [a], true)
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: await arnOf(elbv2), Targets: [{ Id: a }] }))
    // Standby once the target is gone: 60 s after our call, not after Auto Scaling's 5 s lag + 60 s.
    world.advance(59_000)
    expect(world.instance(a).lifecycle).toBe('EnteringStandby')
    world.advance(2_000)
    expect(world.instance(a).lifecycle).toBe('Standby')
    world.exitStandby('prod-web-blue', [a])
    world.advance(40_000)
    expect(stateOf(world, a)).toBe('healthy')
  })
})
