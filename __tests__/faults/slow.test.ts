// Slow AWS: long deregistration delays (EnteringStandby lasts as long as the drain) and NLB-like slow
// registration (targets stay `initial` for minutes). The action must wait long enough, never cut over
// early, and fail cleanly when a wait is genuinely too short.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import {
  BLUE,
  GREEN,
  expectAwaitingFinalize,
  groupSnapshot,
  lifecycles,
  markerTags,
  message,
  servingVersions
} from '../../test-support/faults.js'

let world: SimWorld
afterEach(() => {
  world.faults.beforeWrite = undefined
  world.assertNoViolations()
})

function slowWorld(o: { deregistrationDelaySeconds?: number; healthCheckIntervalSeconds?: number; healthyAfterChecks?: number }): SimWorld {
  world = newWorld()
  world.addTargetGroup({
    name: 'prod-web',
    deregistrationDelaySeconds: o.deregistrationDelaySeconds ?? 300,
    healthCheckIntervalSeconds: o.healthCheckIntervalSeconds ?? 10,
    healthyAfterChecks: o.healthyAfterChecks ?? 2
  })
  addService(world, { instances: 3 })
  world.setBaseline()
  return world
}

describe('a long deregistration delay (900 s)', () => {
  it('the deploy ends when traffic has moved, not after the 15-minute drain, and says when the drain ends', async () => {
    slowWorld({ deregistrationDelaySeconds: 900 })
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '10m' })
    expectAwaitingFinalize(world, r, 'v2')
    const enter = world.calls.filter((c) => c.operation === 'EnterStandby' && c.ok)
    expect(enter).toHaveLength(1)
    // The run ended seconds after the old instances left the load balancer, not 15 minutes later.
    expect(world.now() - (enter[0]?.time ?? 0)).toBeLessThan(30_000)
    expect(lifecycles(world, BLUE)).toEqual(['EnteringStandby', 'EnteringStandby', 'EnteringStandby'])
    const drainEnds = Date.parse(r.outputs['drain-ends-at'] ?? '')
    expect(drainEnds - (enter[0]?.time ?? 0)).toBeGreaterThanOrEqual(900_000)
    expect(drainEnds - (enter[0]?.time ?? 0)).toBeLessThan(900_000 + 30_000)
    world.advance(drainEnds - world.now())
    expect(lifecycles(world, BLUE)).toEqual(['Standby', 'Standby', 'Standby'])
  })

  it('finalize started while the old instances are still EnteringStandby waits for them, then finalizes', async () => {
    slowWorld({ deregistrationDelaySeconds: 900 })
    const cancel = new AbortController()
    world.faults.beforeWrite = (op) => {
      // The deploy job is cancelled (or its runner dies) during the 15-minute drain.
      if (op === 'EnterStandby') setTimeout(() => cancel.abort(), 0)
    }
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' }, { signal: cancel.signal })
    world.faults.beforeWrite = undefined
    expect(deploy.failed).toBe(true)
    expect(lifecycles(world, BLUE)).toEqual(['EnteringStandby', 'EnteringStandby', 'EnteringStandby'])
    const oldIds = world.group(BLUE).instances.map((i) => i.id)

    world.setBaseline()
    const started = world.now()
    const f = await runAction(world, { mode: 'finalize' })
    expect(message(f)).toBe('')
    expect(f.outputs.state).toBe('finalized')
    expect(world.now() - started).toBeGreaterThanOrEqual(10 * 60_000)
    for (const id of oldIds) expect(['shutting-down', 'terminated']).toContain(world.instance(id).ec2State)
    expect(servingVersions(world, GREEN)).toEqual(['v2', 'v2', 'v2'])
    expect(world.lostInstances()).toEqual([])
  })

  it('rollback started while the old instances are still EnteringStandby waits for them, then restores v1', async () => {
    slowWorld({ deregistrationDelaySeconds: 900 })
    const blueBefore = groupSnapshot(world, BLUE)
    const cancel = new AbortController()
    world.faults.beforeWrite = (op) => {
      if (op === 'EnterStandby') setTimeout(() => cancel.abort(), 0)
    }
    await runAction(world, { mode: 'deploy', version: 'v2' }, { signal: cancel.signal })
    world.faults.beforeWrite = undefined
    expect(lifecycles(world, BLUE)).toEqual(['EnteringStandby', 'EnteringStandby', 'EnteringStandby'])

    world.setBaseline()
    const r = await runAction(world, { mode: 'rollback' })
    expect(message(r)).toBe('')
    expect(r.outputs).toMatchObject({ state: 'rolled-back', 'live-color': 'blue', version: 'v1' })
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(markerTags(world, GREEN)).toEqual([])
  })
})

describe('NLB-like slow registration (targets initial for 5 minutes)', () => {
  // 30 s interval × 10 checks: a new target leaves `initial` 5 minutes after it registers.
  const NLB = { healthCheckIntervalSeconds: 30, healthyAfterChecks: 10 }

  it('succeeds within a long enough health-timeout', async () => {
    slowWorld(NLB)
    const started = world.now()
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '10m' })
    expectAwaitingFinalize(world, r, 'v2')
    const enter = world.calls.find((c) => c.operation === 'EnterStandby')
    // Cutover came only after launch (60 s) + 5 minutes of initial.
    expect((enter?.time ?? 0) - started).toBeGreaterThanOrEqual(6 * 60_000)
  })

  it('fails cleanly with a short health-timeout: names the initial state, live untouched, new group idle', async () => {
    slowWorld(NLB)
    const blueBefore = groupSnapshot(world, BLUE)
    const started = world.now()
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '3m' })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    expect(message(r)).toMatch(/prod-web-green: not healthy within health-timeout 3m \(0 of 3 instance\(s\) healthy after 3m\).*initial Elb\.InitialHealthChecking/)
    expect(world.now() - started).toBeLessThan(10 * 60_000)
    expect(world.calls.filter((c) => c.operation === 'EnterStandby')).toEqual([])
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(markerTags(world, GREEN)).toEqual([])
  })

  it('a rollback whose old instances re-register too slowly for its health-timeout fails with the reason; a re-run converges to v1', async () => {
    slowWorld(NLB)
    const blueBefore = groupSnapshot(world, BLUE)
    expectAwaitingFinalize(world, await runAction(world, { mode: 'deploy', version: 'v2' }), 'v2')

    world.setBaseline()
    const short = await runAction(world, { mode: 'rollback', 'health-timeout': '1m' })
    expect(short.failed).toBe(true)
    expect(short.outputs.state).toBe('failed')
    expect(message(short)).toMatch(/rollback of prod-web failed: prod-web-blue: not healthy within health-timeout 1m/)
    // The new version keeps serving meanwhile: nothing was drained before the old one was healthy.
    expect(servingVersions(world, GREEN)).toEqual(['v2', 'v2', 'v2'])

    const again = await runAction(world, { mode: 'rollback', 'health-timeout': '10m' })
    expect(message(again)).toBe('')
    expect(again.outputs).toMatchObject({ state: 'rolled-back', 'live-color': 'blue', version: 'v1' })
    expect(groupSnapshot(world, BLUE)).toEqual(blueBefore)
    expect(servingVersions(world, BLUE)).toEqual(['v1', 'v1', 'v1'])
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(world.lostInstances()).toEqual([])
  })
})
