// Every list the action reads may come in pages: groups found by tag (100 per page as the action asks),
// scheduled actions (50 per page) and the alarms that fire a moved policy (50 per page). Whatever sits on
// a later page must be found, moved and re-pointed like the rest.
import { describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const ALARMS = 51
const ACTIONS = 51
const FILLERS = 100

async function scene(): Promise<SimWorld> {
  const world = newWorld()
  // Groups that carry the image tag but not the prefix sort before prod-web-*: the pair is on page 2.
  for (let i = 0; i < FILLERS; i++) {
    world.addGroup({ name: `aaa-filler-${String(i).padStart(3, '0')}`, min: 0, max: 1, desired: 0, targetGroups: [], tags: { 'docker:image:name': 'web' } })
  }
  addService(world, { instances: 3 })
  const aws = simClients(world)
  const p = await aws.autoScaling.send(
    new PutScalingPolicyCommand({ AutoScalingGroupName: BLUE, PolicyName: 'step-out', PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] })
  )
  aws.destroy()
  for (let i = 0; i < ALARMS; i++) {
    world.addAlarm({ AlarmName: `cpu-high-${String(i).padStart(2, '0')}`, AlarmActions: [p.PolicyARN as string], Dimensions: [{ Name: 'AutoScalingGroupName', Value: BLUE }] })
  }
  for (let i = 0; i < ACTIONS; i++) {
    world.putScheduledAction({ AutoScalingGroupName: BLUE, ScheduledActionName: `at-${String(i).padStart(2, '0')}`, Recurrence: `${i % 60} 3 * * *`, TimeZone: 'Europe/Berlin', DesiredCapacity: 3 })
  }
  return world
}

/** Alarms whose actions fire a policy of the group. */
function alarmsFiring(world: SimWorld, group: string): number {
  const arns = new Set(world.group(group).policies.map((p) => p.arn))
  return [...world.alarms.values()].filter((a) => ((a.config as { AlarmActions?: string[] }).AlarmActions ?? []).some((arn) => arns.has(arn))).length
}

describe('lists longer than one page', () => {
  it('deploy finds the pair on the second page of groups, moves every scheduled action and re-points every alarm', async () => {
    const world = await scene()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(world.group(GREEN).scheduledActions).toHaveLength(ACTIONS)
    expect(world.group(BLUE).scheduledActions).toHaveLength(0)
    expect(alarmsFiring(world, GREEN)).toBe(ALARMS)
  })

  it('rollback brings every scheduled action and alarm back', async () => {
    const world = await scene()
    await runAction(world, { mode: 'deploy', version: 'v2' })
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.outputs.state).toBe('rolled-back')
    expect(world.group(BLUE).scheduledActions).toHaveLength(ACTIONS)
    expect(world.group(GREEN).scheduledActions).toHaveLength(0)
    expect(alarmsFiring(world, BLUE)).toBe(ALARMS)
  })
})
