// The simulated Classic Load Balancer through the real SDK client (Query, Version=2012-06-01), and the
// action's adapter reading it: what DescribeInstanceHealth answers for a registering, serving, draining,
// deregistered, terminated and forgotten instance.
import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeInstanceHealthCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { createClients } from '../../src/aws/clients.js'
import { AwsFleet } from '../../src/aws/fleet.js'
import { SimWorld } from '../../test-support/world.js'
import { START } from './fixture.js'

const CLB = 'prod-web-clb'
const config = (world: SimWorld) => ({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
  requestHandler: world.requestHandler,
  retryStrategy: new ConfiguredRetryStrategy(2, () => 0)
})

let destroy: (() => void) | undefined
afterEach(() => destroy?.())

function scene(): { world: SimWorld; ids: string[] } {
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false, ec2ForgetMs: 60_000 })
  world.addClassicLoadBalancer({ name: CLB, healthCheckIntervalSeconds: 10, healthyAfterChecks: 3, connectionDrainingSeconds: 120 })
  world.addGroup({ name: 'prod-web-blue', min: 0, max: 6, desired: 3, loadBalancerNames: [CLB], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
  return { world, ids: world.group('prod-web-blue').instances.map((i) => i.id) }
}

async function health(world: SimWorld, ids?: string[]): Promise<{ InstanceId?: string; State?: string; ReasonCode?: string; Description?: string }[]> {
  const elb = new ElasticLoadBalancingClient(config(world))
  destroy = () => elb.destroy()
  const r = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: CLB, ...(ids ? { Instances: ids.map((InstanceId) => ({ InstanceId })) } : {}) }))
  return r.InstanceStates ?? []
}

describe('DescribeInstanceHealth (simulated Classic LB)', () => {
  it('answers InService, draining as InService "deregistration currently in progress", then not registered; new instances OutOfService while registering', async () => {
    const { world, ids } = scene()
    const [a, b] = ids as [string, string, string]
    expect((await health(world)).map((s) => s.State)).toEqual(['InService', 'InService', 'InService'])
    world.enterStandby('prod-web-blue', [a], true)
    expect(await health(world, [a])).toEqual([{ InstanceId: a, State: 'InService', ReasonCode: 'N/A', Description: 'Instance deregistration currently in progress.' }])
    world.advance(121_000)
    expect(await health(world, [a])).toEqual([{ InstanceId: a, State: 'OutOfService', ReasonCode: 'N/A', Description: 'Instance is not currently registered with the LoadBalancer.' }])
    // Without Instances: only registered instances.
    expect((await health(world)).map((s) => s.InstanceId).sort()).not.toContain(a)
    world.setDesiredCapacity('prod-web-blue', 3)
    world.advance(1_000)
    const fresh = world.group('prod-web-blue').instances.find((i) => !ids.includes(i.id))?.id as string
    expect(fresh).toBeDefined()
    world.advance(60_000)
    expect(await health(world, [fresh])).toEqual([{ InstanceId: fresh, State: 'OutOfService', ReasonCode: 'ELB', Description: 'Instance registration is still in progress.' }])
    world.advance(31_000)
    expect((await health(world, [fresh]))[0]?.State).toBe('InService')
    // A terminated instance is left out of the answer.
    world.terminateBehindOurBack(b)
    world.advance(6_000)
    expect(await health(world, [b])).toEqual([])
  })

  it('an instance EC2 forgot fails the call with InvalidInstance; the adapter leaves it out and reads the others', async () => {
    const { world, ids } = scene()
    const [a, b] = ids as [string, string, string]
    world.terminateBehindOurBack(a)
    world.advance(10 * 60_000)
    await expect(health(world, [a, b])).rejects.toMatchObject({ name: 'InvalidEndPointException' })
    const clients = createClients('us-east-1', world.clock, config(world))
    const fleet = new AwsFleet(clients, world.clock)
    try {
      const got = await fleet.classicHealth(CLB, [a, b])
      expect(Object.keys(got)).toEqual([b])
      expect(got[b]).toEqual({ state: 'healthy' })
    } finally {
      clients.destroy()
    }
  })
})
