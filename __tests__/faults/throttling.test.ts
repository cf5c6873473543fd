// What a busy AWS account does to a deploy tool: throttling, 5xx, contention, and dropped connections.
// Short bursts are absorbed (the SDK retries throttling and 5xx; the action retries Auto Scaling
// contention with backoff on the clock), and every attempt is visible in the simulator's call log.
// Storms longer than the retry budget fail cleanly, naming the AWS error, and a re-run converges.
import { afterEach, describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling'
import { type ActionRun, runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'
import {
  BLUE,
  GREEN,
  attempts,
  expectAwaitingFinalize,
  groupSnapshot,
  markerTags,
  message,
  servingVersions
} from '../../test-support/faults.js'

let world: SimWorld
/** Calls the scene's own setup made (before any run). */
let setupCalls = 0
afterEach(() => {
  world.faults.beforeWrite = undefined
  world.assertNoViolations()
})

/** One service (blue live v1 × 3, green idle) with a step policy + alarm on the live group. */
async function scene(): Promise<SimWorld> {
  world = newWorld()
  addService(world, { instances: 3 })
  const aws = simClients(world)
  const p = await aws.autoScaling.send(
    new PutScalingPolicyCommand({ AutoScalingGroupName: BLUE, PolicyName: 'step-out', PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] })
  )
  aws.destroy()
  world.addAlarm({ AlarmName: 'cpu-high', AlarmActions: [p.PolicyARN as string], Dimensions: [{ Name: 'AutoScalingGroupName', Value: BLUE }] })
  world.setBaseline()
  setupCalls = world.calls.length
  return world
}

const DEPLOY_OPS = [
  'DescribeAutoScalingGroups',
  'DescribePolicies',
  'DescribeScheduledActions',
  'DescribeScalingActivities',
  'DescribeInstanceRefreshes',
  'DescribeTargetHealth',
  'CreateOrUpdateTags',
  'UpdateAutoScalingGroup',
  'SuspendProcesses',
  'EnterStandby',
  'PutScalingPolicy',
  'DescribeAlarms',
  'PutMetricAlarm',
  'DeletePolicy'
]
const FINALIZE_OPS = ['DetachInstances', 'TerminateInstances', 'ResumeProcesses', 'DeleteTags']
const ROLLBACK_OPS = ['ResumeProcesses', 'ExitStandby', 'DeleteTags', 'PutScalingPolicy', 'DescribeAlarms', 'PutMetricAlarm', 'DeletePolicy', 'UpdateAutoScalingGroup', 'DescribeTargetHealth']

function burst(ops: string[], times = 3): void {
  for (const operation of ops) world.faults.inject({ operation, error: 'Throttling', times })
}

/** Every operation in `ops` was throttled `times` times first, then went through. */
function expectRetriedThrough(ops: string[], since: number, times = 3): void {
  for (const op of ops) {
    const a = attempts(world, op, since)
    const code = op === 'TerminateInstances' ? 'RequestLimitExceeded' : 'Throttling'
    expect({ op, first: a.slice(0, times) }).toEqual({ op, first: Array(times).fill(code) })
    expect({ op, thenOk: a.slice(times).includes('ok') }).toEqual({ op, thenOk: true })
  }
  expect(world.faults.pending()).toEqual([])
}

describe('short bursts are retried and the run succeeds', () => {
  it('throttling (RequestLimitExceeded on EC2) on every API of deploy → finalize: both succeed, attempts visible', async () => {
    await scene()
    const oldIds = world.group(BLUE).instances.map((i) => i.id)
    burst(DEPLOY_OPS)
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expectAwaitingFinalize(world, deploy, 'v2')
    expectRetriedThrough(DEPLOY_OPS, setupCalls)
    expect(world.group(GREEN).policies.map((p) => p.name)).toEqual(['step-out'])

    const since = world.calls.length
    world.setBaseline()
    burst(FINALIZE_OPS)
    const finalize = await runAction(world, { mode: 'finalize' })
    expect(finalize.failed).toBe(false)
    expect(finalize.outputs).toMatchObject({ state: 'finalized', 'live-color': 'green', version: 'v2', 'previous-version': 'v1' })
    expectRetriedThrough(FINALIZE_OPS, since)
    for (const id of oldIds) expect(['shutting-down', 'terminated']).toContain(world.instance(id).ec2State)
    expect(world.group(BLUE)).toMatchObject({ min: 0, desired: 0, instances: [], suspendedProcesses: [] })
    expect(markerTags(world, BLUE)).toEqual([])
    expect(markerTags(world, GREEN)).toEqual([])
    expect(world.lostInstances()).toEqual([])
  })

  // Regression: finalize used to leave `blue-green:finalizing` behind (untagAll was planned from the
  // observation made before the retire step wrote it); fixed in src/domain/plan.ts planFinalize.
  it('finalize leaves no deployment tag behind (blue-green:finalizing included)', async () => {
    await scene()
    await runAction(world, { mode: 'deploy', version: 'v2' })
    const f = await runAction(world, { mode: 'finalize' })
    expect(f.outputs.state).toBe('finalized')
    expect(markerTags(world, BLUE)).toEqual([])
  })

  it('throttling on every API of deploy → rollback: v1 serves again, both groups as before', async () => {
    await scene()
    const blueBefore = groupSnapshot(world, BLUE)
    const greenBefore = groupSnapshot(world, GREEN)
    burst(DEPLOY_OPS)
    expectAwaitingFinalize(world, await runAction(world, { mode: 'deploy', version: 'v2' }), 'v2')

    const since = world.calls.length
    world.setBaseline()
    burst(ROLLBACK_OPS)
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.failed).toBe(false)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-color': 'blue', version: 'v1' })
    expectRetriedThrough(ROLLBACK_OPS, since)
    expect(servingVersions(world, BLUE)).toEqual(['v1', 'v1', 'v1'])
    // Same instances back in service (ids unchanged), same capacity and processes, no markers.
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)
    expect({ ...groupSnapshot(world, GREEN), instances: [] }).toEqual(greenBefore)
    expect(world.group(BLUE).policies.map((p) => p.name)).toEqual(['step-out'])
    expect(world.lostInstances()).toEqual([])
  })

  it('5xx and contention: ServiceUnavailable, ResourceContention and ScalingActivityInProgress are retried through', async () => {
    await scene()
    world.faults.inject({ operation: 'DescribeTargetHealth', error: 'ServiceUnavailable', times: 3 })
    // 500: the SDK retries it (8 attempts), then the action's own contention retry takes over.
    world.faults.inject({ operation: 'EnterStandby', error: 'ResourceContention', times: 10 })
    // 400: the SDK does not retry it; the action does, with backoff on the (virtual) clock.
    world.faults.inject({ operation: 'UpdateAutoScalingGroup', error: 'ScalingActivityInProgress', times: 2 })
    world.faults.inject({ operation: 'SuspendProcesses', error: 'ScalingActivityInProgress', times: 1 })

    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expectAwaitingFinalize(world, r, 'v2')
    expect(attempts(world, 'DescribeTargetHealth').slice(0, 4)).toEqual(['ServiceUnavailable', 'ServiceUnavailable', 'ServiceUnavailable', 'ok'])
    expect(attempts(world, 'EnterStandby').slice(0, 11)).toEqual([...Array(10).fill('ResourceContention'), 'ok'])
    expect(attempts(world, 'UpdateAutoScalingGroup').slice(0, 3)).toEqual(['ScalingActivityInProgress', 'ScalingActivityInProgress', 'ok'])
    // The action's backoff ran on the clock: 2 s, then 4 s between the contention retries.
    const updates = world.calls.filter((c) => c.operation === 'UpdateAutoScalingGroup').slice(0, 3)
    // (Each call also takes its API latency: the gaps are the backoff plus up to a second.)
    const gaps = updates.map((c) => c.time - (updates[0]?.time ?? 0))
    expect(gaps.map((g, n) => g >= [0, 2000, 6000][n]! && g < [0, 2000, 6000][n]! + 1000)).toEqual([true, true, true])
    expect(r.log).toMatch(/UpdateAutoScalingGroup prod-web-green .*ScalingActivityInProgressFault, retrying in 2s \(attempt 1 of 6\)/)
  })
})

describe('storms longer than the retry budget fail cleanly', () => {
  it('contention on UpdateAutoScalingGroup outlasting the action retries: aborted, live untouched, new group idle; a re-run succeeds', async () => {
    await scene()
    const blueBefore = groupSnapshot(world, BLUE)
    // The action retries contention 6 times per call and re-observes twice more: 18 tries in all.
    world.faults.inject({ operation: 'UpdateAutoScalingGroup', error: 'ScalingActivityInProgress', times: 18 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    expect(message(r)).toMatch(/UpdateAutoScalingGroup prod-web-green \(min 3, desired 3, max 6\) failed: ScalingActivityInProgressFault/)
    expect(message(r)).toMatch(/prod-web-blue still serves v1; prod-web-green was returned to idle/)
    expect(attempts(world, 'UpdateAutoScalingGroup')).toEqual(Array(18).fill('ScalingActivityInProgress'))
    expect(r.log).toMatch(/observing again and carrying on \(attempt 3 of 3\)/)
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0, instances: [] })
    expect(markerTags(world, GREEN)).toEqual([])

    world.faults.clear()
    expectAwaitingFinalize(world, await runAction(world, { mode: 'deploy', version: 'v2' }), 'v2')
  })

  it('a throttling storm at discovery: fails naming Throttling, nothing written', async () => {
    await scene()
    world.faults.inject({ operation: 'DescribeAutoScalingGroups', error: 'Throttling', times: 30 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.failed).toBe(true)
    expect(message(r)).toMatch(/DescribeAutoScalingGroups \(tag docker:image:name=web\) failed: Throttling: Rate exceeded/)
    // The SDK gave up after its 8 attempts.
    expect(attempts(world, 'DescribeAutoScalingGroups')).toEqual(Array(8).fill('Throttling'))
    expect(world.calls.length).toBe(setupCalls + 8)
  })

  it('a throttling storm on DescribeTargetHealth during the health wait: the deploy stops without touching the live group; rollback converges', async () => {
    await scene()
    const blueBefore = groupSnapshot(world, BLUE)
    world.faults.beforeWrite = (op, params) => {
      // The storm starts right after the new group is scaled up, and outlasts the SDK's retries (8
      // attempts) each of the three times the run re-observes and carries on.
      if (op === 'UpdateAutoScalingGroup' && (params as { AutoScalingGroupName?: string }).AutoScalingGroupName === GREEN) {
        world.faults.inject({ operation: 'DescribeTargetHealth', error: 'Throttling', times: 32 })
      }
    }
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    world.faults.beforeWrite = undefined
    expect(r.failed).toBe(true)
    expect(message(r)).toMatch(/DescribeTargetHealth for arn:aws:elasticloadbalancing:\S+ failed: Throttling: Rate exceeded/)
    // The storm also defeats the abort's own observations: the run stops, leaving rollback to finish.
    expect(r.outputs.state).toBe('failed')
    expect(message(r)).toMatch(/run mode: rollback to restore the previous version/)
    // The live group never left service.
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)

    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.outputs.state).toBe('rolled-back')
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(markerTags(world, GREEN)).toEqual([])
    expect(world.lostInstances()).toEqual([])
  })

  it('RequestLimitExceeded storm on TerminateInstances during finalize: fails naming it, the detached batch is remembered, a re-run finishes', async () => {
    await scene()
    expectAwaitingFinalize(world, await runAction(world, { mode: 'deploy', version: 'v2' }), 'v2')
    const oldIds = world.group(BLUE).instances.map((i) => i.id)
    world.setBaseline()
    // Longer than the SDK's 8 attempts on each of the run's 3 tries.
    world.faults.inject({ operation: 'TerminateInstances', error: 'Throttling', times: 40 })
    const f = await runAction(world, { mode: 'finalize' })
    expect(f.failed).toBe(true)
    expect(f.outputs.state).toBe('failed')
    expect(message(f)).toMatch(/TerminateInstances \(i-[0-9a-f]+.*\) failed: RequestLimitExceeded/)
    // Detached but not yet terminated: out of the group, still running, and written down on the group.
    expect(world.group(BLUE).tags['blue-green:finalizing']?.split(',').sort()).toEqual([...oldIds].sort())

    world.faults.clear()
    const again = await runAction(world, { mode: 'finalize' })
    expect(again.outputs.state).toBe('finalized')
    for (const id of oldIds) expect(['shutting-down', 'terminated']).toContain(world.instance(id).ec2State)
    expect(world.lostInstances()).toEqual([])
    expect(markerTags(world, BLUE)).toEqual([])
    expect(servingVersions(world, GREEN)).toEqual(['v2', 'v2', 'v2'])
  })
})

describe('dropped connections', () => {
  /** The first EnterStandby request dies on the wire before it reaches Auto Scaling. */
  function dropFirstEnterStandby(error: () => Error): void {
    let dropped = false
    world.faults.beforeWrite = (op) => {
      if (op === 'EnterStandby' && !dropped) {
        dropped = true
        throw error()
      }
    }
  }

  it('ECONNRESET before EnterStandby reaches AWS: the SDK retries it and the deploy succeeds', async () => {
    await scene()
    dropFirstEnterStandby(() => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expectAwaitingFinalize(world, r, 'v2')
    expect(attempts(world, 'EnterStandby')).toEqual(['Error: read ECONNRESET', 'ok'])
  })

  it('an unclassified network error before EnterStandby: the SDK does not retry it; the run observes again and carries on', async () => {
    await scene()
    dropFirstEnterStandby(() => new Error('socket hang up'))
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    world.faults.beforeWrite = undefined
    expect(attempts(world, 'EnterStandby')).toEqual(['Error: socket hang up', 'ok'])
    expect(r.log).toMatch(/EnterStandby on prod-web-blue \(.*\) failed: Error: socket hang up; observing again and carrying on/)
    expectAwaitingFinalize(world, r, 'v2')
  })

  it('the response to an applied EnterStandby is lost (ECONNRESET after the write): the run observes again and succeeds', async () => {
    await scene()
    const handler = world.requestHandler
    const original = handler.handle.bind(handler)
    let lost = false
    handler.handle = async (request, options) => {
      const out = await original(request, options)
      const body = typeof request.body === 'string' ? request.body : ''
      if (!lost && body.includes('Action=EnterStandby')) {
        lost = true
        throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
      }
      return out
    }
    let r: ActionRun
    try {
      r = await runAction(world, { mode: 'deploy', version: 'v2' })
    } finally {
      handler.handle = original
    }
    expect(lost).toBe(true)
    // The SDK retried the applied call; AWS answers that the instances are no longer InService.
    expect(attempts(world, 'EnterStandby').slice(0, 2)).toEqual(['ok', 'ValidationError'])
    expect(r.log).toMatch(/EnterStandby on prod-web-blue .*failed: ValidationError: The instance i-[0-9a-f]+ is not in InService.*observing again and carrying on/)
    expectAwaitingFinalize(world, r, 'v2')
  })
})
