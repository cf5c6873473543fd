// Simulator semantics of weighted capacity and Spot (packages/aws-sim/README.md "Weighted capacity and
// Spot"), read back through the real SDK where the action reads them.
import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeAutoScalingGroupsCommand, EnterStandbyCommand, ExitStandbyCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2'
import { type SimClients, simClients } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { START } from './fixture.js'

let clients: SimClients | undefined
afterEach(() => clients?.destroy())

function weighted(o: { desired?: number; capacityRebalance?: boolean; types?: { instanceType: string; weight: number }[] } = {}): SimWorld {
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false })
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 30, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  world.addGroup({
    name: 'prod-web-blue',
    min: 0,
    max: 24,
    desired: o.desired ?? 8,
    running: true,
    targetGroups: ['prod-web'],
    tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' },
    instanceTypes: o.types ?? [
      { instanceType: 'c5.large', weight: 1 },
      { instanceType: 'c5.xlarge', weight: 2 },
      { instanceType: 'c5.2xlarge', weight: 4 }
    ],
    ...(o.capacityRebalance ? { capacityRebalance: true } : {})
  })
  world.clearBaseline()
  return world
}

const inService = (world: SimWorld): string[] =>
  world
    .group('prod-web-blue')
    .instances.filter((i) => i.lifecycle === 'InService')
    .map((i) => i.id)

describe('weighted capacity', () => {
  it('DescribeAutoScalingGroups reports the overrides with their weights and each instance\'s WeightedCapacity', async () => {
    const world = weighted()
    clients = simClients(world)
    const g = (await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue'] }))).AutoScalingGroups?.[0]
    expect(g?.MixedInstancesPolicy?.LaunchTemplate?.Overrides?.map((o) => [o.InstanceType, o.WeightedCapacity])).toEqual([
      ['c5.large', '1'],
      ['c5.xlarge', '2'],
      ['c5.2xlarge', '4']
    ])
    expect(g?.Instances?.map((i) => [i.InstanceType, i.WeightedCapacity])).toEqual([
      ['c5.large', '1'],
      ['c5.xlarge', '2'],
      ['c5.2xlarge', '4'],
      ['c5.large', '1']
    ])
    expect(g?.DesiredCapacity).toBe(8)
  })

  it('the same DesiredCapacity is a different fleet in groups with other weights or another DesiredCapacityType', async () => {
    // LaunchTemplateOverrides.WeightedCapacity: "you must specify these sizes with the same units that you use
    // for weighting instances"; each group counts in its own units.
    const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false })
    world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 30, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    const common = { min: 0, max: 24, desired: 8, running: true, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web' } }
    world.addGroup({ name: 'plain', ...common })
    world.addGroup({ name: 'weight-4', ...common, instanceTypes: [{ instanceType: 'c5.2xlarge', weight: 4 }] })
    world.addGroup({ name: 'by-vcpu', ...common, instanceTypes: [{ instanceType: 'c5.xlarge' }], desiredCapacityType: 'vcpu' })
    world.clearBaseline()
    clients = simClients(world)
    const groups = (await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['plain', 'weight-4', 'by-vcpu'] }))).AutoScalingGroups ?? []
    expect(groups.map((g) => [g.AutoScalingGroupName, g.DesiredCapacity, g.DesiredCapacityType, g.MixedInstancesPolicy?.LaunchTemplate?.Overrides?.map((o) => o.WeightedCapacity), g.Instances?.length])).toEqual([
      ['by-vcpu', 8, 'vcpu', [undefined], 2],
      ['plain', 8, undefined, undefined, 8],
      ['weight-4', 8, undefined, ['4'], 2]
    ])
  })

  it('launches fill the desired units and may overshoot them by less than the last weight; that overshoot stays', () => {
    const world = weighted({ desired: 6, types: [{ instanceType: 'c5.2xlarge', weight: 4 }] })
    expect(inService(world)).toHaveLength(2)
    expect(world.activeUnits(world.groups.get('prod-web-blue') as never)).toBe(8)
    world.advance(120_000)
    expect(inService(world)).toHaveLength(2)
  })

  it('EnterStandby with a decrement lowers desired by the weights; ExitStandby adds them back', async () => {
    const world = weighted()
    clients = simClients(world)
    const big = inService(world).find((id) => world.instance(id).weight === 4) as string
    await clients.autoScaling.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: [big], ShouldDecrementDesiredCapacity: true }))
    expect(world.group('prod-web-blue').desired).toBe(4)
    world.advance(40_000)
    expect(world.instance(big).lifecycle).toBe('Standby')
    await clients.autoScaling.send(new ExitStandbyCommand({ AutoScalingGroupName: 'prod-web-blue', InstanceIds: [big] }))
    expect(world.group('prod-web-blue').desired).toBe(8)
  })

  it('Capacity Rebalancing: the replacement launches first, the at-risk instance serves until it is InService, then terminates', () => {
    const world = weighted({ capacityRebalance: true })
    const atRisk = inService(world)[0] as string
    const replacement = world.rebalanceSpot(atRisk)
    expect(world.instance(replacement.id).lifecycle).toBe('Pending')
    expect(world.instance(atRisk).lifecycle).toBe('InService')
    world.advance(61_000)
    expect(world.instance(replacement.id).lifecycle).toBe('InService')
    expect(world.instance(atRisk).lifecycle).toBe('Terminating')
    expect(world.group('prod-web-blue').desired).toBe(8)
    expect(() => world.rebalanceSpot(atRisk)).toThrow(/Terminating/)
  })

  it('a Spot interruption without Capacity Rebalancing: EC2 says why (StateReason, InstanceLifecycle spot), the target fails first, Auto Scaling replaces it later', async () => {
    const world = weighted()
    clients = simClients(world)
    const spot = inService(world)[0] as string
    world.interruptByAws(spot)
    // EC2 shut it down at once: its target fails its health checks while Auto Scaling still has it InService.
    expect(world.targetStates('prod-web').find((t) => t.id === spot)).toMatchObject({ state: 'unhealthy' })
    world.advance(30_000)
    expect(world.instance(spot).lifecycle).toBe('InService')
    const read = await clients.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [spot] }] }))
    const seen = read.Reservations?.[0]?.Instances?.[0]
    expect(seen).toMatchObject({ InstanceLifecycle: 'spot', State: { Name: 'terminated' }, StateReason: { Code: 'Server.SpotInstanceTermination' } })
    // Auto Scaling's EC2 health check sees it: out of service, and a replacement launches.
    world.advance(31_000)
    expect(world.instance(spot).lifecycle).toMatch(/Terminat/)
    world.advance(120_000)
    const serving = inService(world)
    expect(serving).not.toContain(spot)
    expect(serving.reduce((n, id) => n + world.instance(id).weight, 0)).toBeGreaterThanOrEqual(8)
  })

  it('an instance Auto Scaling terminates (or a person through the API) says Client.UserInitiatedShutdown, and is no Spot interruption', async () => {
    const world = weighted()
    clients = simClients(world)
    const [one, two] = inService(world) as [string, string]
    world.terminateBehindOurBack(one)
    world.terminateInstanceInGroup(two, false)
    world.advance(40_000)
    const read = await clients.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [one, two] }] }))
    const reasons = (read.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId, i.StateReason?.Code, i.InstanceLifecycle])
    expect(reasons.sort()).toEqual([
      [one, 'Client.UserInitiatedShutdown', undefined],
      [two, 'Client.UserInitiatedShutdown', undefined]
    ].sort())
  })
})
