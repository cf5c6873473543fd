// Issue-level scenarios of real AWS behaviour the first simulator was kinder about (SPEC invariants 1, 9
// and 10): a Standby instance terminated behind the group's back, an app that fails its first health
// checks while it boots, a launch that fails once for lack of capacity, and scaling during the drain.
import { afterEach, describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
let world: SimWorld
afterEach(() => {
  world.faults.beforeWrite = undefined
  world.assertNoViolations()
})

function scene(instances = 3): SimWorld {
  world = newWorld()
  addService(world, { instances })
  world.setBaseline()
  return world
}

function servingVersion(group: string, version: string): number {
  return world.group(group).instances.filter((i) => i.lifecycle === 'InService' && i.version === version).length
}

function pairOutput(outputs: Record<string, string>): { state: string; standbyInstanceIds: string[]; error?: string } {
  return (JSON.parse(outputs.pairs ?? '[]') as { state: string; standbyInstanceIds: string[]; error?: string }[])[0] as never
}

describe('a Standby instance terminated behind the group\'s back (Spot reclaim, a person\'s clean-up)', () => {
  async function deployThenKillOneStandby(): Promise<string> {
    scene()
    expect((await runAction(world, { mode: 'deploy', version: 'v2' })).outputs.state).toBe('awaiting-finalize')
    // The deploy ended when traffic moved; the old instances reach Standby after the 300 s drain.
    world.advance(310_000)
    const dead = world.group(BLUE).instances.find((i) => i.lifecycle === 'Standby')?.id as string
    world.terminateBehindOurBack(dead)
    // Past the hour (here the simulator's shorter window) in which EC2 still lists it: now naming it in
    // DescribeTargetHealth fails the whole call with InvalidTarget. Auto Scaling still lists it as Standby.
    world.advance(world.ec2ForgetMs + 60_000)
    expect(world.group(BLUE).instances.find((i) => i.id === dead)?.lifecycle).toBe('Standby')
    return dead
  }

  it('status works and shows the instance as gone', async () => {
    const dead = await deployThenKillOneStandby()
    const r = await runAction(world, { mode: 'status' })
    expect({ failed: r.failed, errors: r.errors }).toEqual({ failed: false, errors: [] })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(r.summary).toMatch(/gone/i)
    expect(r.summary).toContain(dead)
  })

  it('rollback brings the rest back, replaces the dead one, and restores full healthy capacity', async () => {
    const dead = await deployThenKillOneStandby()
    const r = await runAction(world, { mode: 'rollback' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'rolled-back' })
    expect(servingVersion(BLUE, 'v1')).toBe(3)
    expect(world.healthyCount('prod-web')).toBe(3)
    expect(world.group(BLUE).instances.map((i) => i.id)).not.toContain(dead)
    expect(world.group(GREEN)).toMatchObject({ desired: 0 })
    expect(world.lostInstances()).toEqual([])
  })

  it('finalize retires the rest', async () => {
    const dead = await deployThenKillOneStandby()
    const r = await runAction(world, { mode: 'finalize' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'finalized' })
    expect(world.group(BLUE).instances.filter((i) => i.lifecycle !== 'Terminated')).toEqual([])
    expect(world.group(BLUE)).toMatchObject({ min: 0, desired: 0 })
    expect(servingVersion(GREEN, 'v2')).toBe(3)
    expect(world.lostInstances()).toEqual([])
    expect(pairOutput(r.outputs).standbyInstanceIds).not.toContain(dead)
  })
})

describe('an app that fails its first health checks while it boots, then passes', () => {
  it('does not abort a deploy that would succeed (unhealthy for 2.5 minutes after registration)', async () => {
    scene()
    world.setVersionHealth('v2', { unhealthyForSeconds: 150 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'awaiting-finalize' })
    expect(servingVersion(GREEN, 'v2')).toBe(3)
  })

  it('boot-grace shorter than the app needs gives up on it, naming the instances and the reason code', async () => {
    scene()
    world.setVersionHealth('v2', { unhealthyForSeconds: 600 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '15m', 'boot-grace': '2m' })
    expect(r.outputs.state).toBe('aborted')
    expect(r.errors.join('\n')).toMatch(/still unhealthy 120 s after they appeared \(boot-grace\).*Target\.FailedHealthChecks/)
    expect(servingVersion(BLUE, 'v1')).toBe(3)
  })

  it('a version that never passes still fails within health-timeout', async () => {
    scene()
    world.setVersionHealth('v2', 'unhealthy')
    const started = world.now()
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '4m' })
    expect(r.outputs.state).toBe('aborted')
    expect(r.errors.join('\n')).toMatch(/not healthy within health-timeout 4m.*unhealthy Target\.ResponseCodeMismatch/)
    expect(world.now() - started).toBeLessThan(6 * 60_000)
  })
})

describe('launch failures Auto Scaling retries by itself', () => {
  it('one InsufficientInstanceCapacity failure: the deploy completes', async () => {
    scene()
    world.failLaunches(GREEN, 'We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1a).', { times: 1 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'awaiting-finalize' })
    expect(servingVersion(GREEN, 'v2')).toBe(3)
  })

  it('a configuration error that happened once, then launches succeed: the deploy completes', async () => {
    scene()
    world.failLaunches(GREEN, 'Instance profile arn:aws:iam::123456789012:instance-profile/web is not yet available. Launching EC2 instance failed.', { times: 1 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect({ failed: r.failed, state: r.outputs.state }).toEqual({ failed: false, state: 'awaiting-finalize' })
  })
})

describe('scaling never pauses while the old instances drain (invariant 9)', () => {
  it('an alarm fires during the drain: the serving group scales out', async () => {
    scene()
    const aws = simClients(world)
    const p = await aws.autoScaling.send(
      new PutScalingPolicyCommand({ AutoScalingGroupName: BLUE, PolicyName: 'scale-out', PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 })
    )
    aws.destroy()
    world.addAlarm({ AlarmName: 'cpu-high', AlarmActions: [p.PolicyARN as string], Dimensions: [{ Name: 'AutoScalingGroupName', Value: BLUE }] })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    // The deploy ended when traffic moved; a minute into the 300 s drain the alarm fires.
    expect(world.group(BLUE).instances.every((i) => i.lifecycle === 'EnteringStandby')).toBe(true)
    world.advance(60_000)
    world.fireAlarm('cpu-high')
    expect(world.group(BLUE).instances.every((i) => i.lifecycle === 'EnteringStandby')).toBe(true)
    expect(world.scalingEvents).toEqual([expect.objectContaining({ kind: 'alarm', group: GREEN, outcome: 'executed', from: 3, to: 4 })])
    world.advance(5 * 60_000)
    expect(servingVersion(GREEN, 'v2')).toBe(4)
  })
})
