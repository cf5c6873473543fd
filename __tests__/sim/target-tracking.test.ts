// Target tracking on a shared target group (packages/aws-sim/README.md "Harsher behaviours and their
// sources", "Target tracking counts every target"): the load is shared by every healthy target of the target
// group, whichever group it belongs to, so a second group's instances lower the first group's per-target
// metric and its target-tracking policy scales it in — unless MinSize holds it.
import { describe, expect, it } from '@jest/globals'
import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling'
import { simClients } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { START } from './fixture.js'

function world6(): SimWorld {
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false })
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 30, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  for (const [name, desired] of [['prod-web-blue', 6], ['prod-web-green', 0]] as const) {
    world.addGroup({ name, min: name === 'prod-web-blue' ? 2 : 0, max: 10, desired, running: true, targetGroups: ['prod-web'], tags: { 'docker:image:version': 'v1' } })
  }
  const label = `app/web/50dc6c495c0c9188/targetgroup/prod-web/${world.targetGroupByName('prod-web').arn.split('/').pop() ?? ''}`
  world.putScalingPolicy({
    AutoScalingGroupName: 'prod-web-blue',
    PolicyName: 'requests',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: label }, TargetValue: 100 }
  })
  world.clearBaseline()
  // 600 requests a minute for 6 targets: 100 per target, the policy's target; nothing moves.
  world.setLoad('prod-web', 600)
  return world
}

describe('target tracking counts every healthy target of the target group', () => {
  it('at its target value the group stays where it is', () => {
    const world = world6()
    world.advance(5 * 60_000)
    expect(world.group('prod-web-blue').desired).toBe(6)
    expect(world.scalingEvents).toEqual([])
  })

  it("another group's 2 healthy instances in the target group scale the group in 6 → 4 within a minute", () => {
    const world = world6()
    world.setDesiredCapacity('prod-web-green', 2)
    world.advance(3 * 60_000)
    expect(world.healthyCount('prod-web')).toBe(6)
    expect(world.group('prod-web-blue').desired).toBe(4)
    expect(world.scalingEvents).toContainEqual(expect.objectContaining({ kind: 'target-tracking', group: 'prod-web-blue', outcome: 'executed', from: 6, to: 4 }))
    // The other group leaves: the load per target rises again and the policy scales back out.
    world.setDesiredCapacity('prod-web-green', 0)
    world.advance(5 * 60_000)
    expect(world.group('prod-web-blue').desired).toBe(6)
  })

  it('MinSize holds the group against the scale-in', () => {
    const world = world6()
    world.updateGroup('prod-web-blue', { MinSize: 6 })
    world.setDesiredCapacity('prod-web-green', 2)
    world.advance(3 * 60_000)
    expect(world.group('prod-web-blue').desired).toBe(6)
  })

  it('with AlarmNotification suspended nothing scales', () => {
    const world = world6()
    world.suspendProcesses('prod-web-blue', ['AlarmNotification'])
    world.setDesiredCapacity('prod-web-green', 2)
    world.advance(3 * 60_000)
    expect(world.group('prod-web-blue').desired).toBe(6)
    expect(world.scalingEvents).toContainEqual(expect.objectContaining({ kind: 'target-tracking', outcome: 'skipped', reason: 'AlarmNotification suspended' }))
  })

})

describe('desired capacity below MinSize (README "Desired below MinSize is refused")', () => {
  it('UpdateAutoScalingGroup refuses a MinSize above the DesiredCapacity it is sent with (desired must be ≥ min)', async () => {
    const world = world6()
    const aws = simClients(world)
    try {
      await expect(aws.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'prod-web-blue', MinSize: 3, DesiredCapacity: 2 }))).rejects.toMatchObject({
        name: 'ValidationError',
        message: 'Desired capacity:2 must be between the specified min size:3 and max size:10'
      })
      expect(world.group('prod-web-blue')).toMatchObject({ min: 2, desired: 6 })
    } finally {
      aws.destroy()
    }
  })
})
