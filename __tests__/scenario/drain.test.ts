// Issue 9: a deploy ends when traffic has moved (every old instance deregistering from its target
// groups, scaling handed over), not when the deregistration delay is over; it reports when the drain
// ends, and finalize and rollback started during the drain wait for it. The simulator's deregistration
// reaches the target groups 0–2 s after EnterStandby (realism), so "EnteringStandby" alone is not "moved".
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const TG = 'prod-web'
let world: SimWorld
afterEach(() => world.assertNoViolations())

function scene(seed?: number): SimWorld {
  world = newWorld(seed === undefined ? {} : { seed })
  addService(world, { instances: 3 })
  world.setBaseline()
  return world
}

function states(group: string): string[] {
  return world.group(group).instances.map((i) => i.lifecycle)
}

describe('deploy ends when traffic has moved, not when the drain is over', () => {
  it.each([1, 2, 3])('ends with the old instances draining, reports when the drain ends (seed %i)', async (seed) => {
    scene(seed)
    const v1 = world.group(BLUE).instances.map((i) => i.id)
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    const endedAt = world.now()
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs.state).toBe('awaiting-finalize')

    // Traffic moved: no old target takes new requests, every one is draining; the new ones serve.
    expect(states(BLUE)).toEqual(['EnteringStandby', 'EnteringStandby', 'EnteringStandby'])
    const old = world.targetStates(TG).filter((t) => v1.includes(t.id))
    expect(old.map((t) => t.state)).toEqual(['draining', 'draining', 'draining'])
    expect(world.healthyCount(TG)).toBe(3)
    expect(world.targetStates(TG).filter((t) => t.state === 'healthy').every((t) => !v1.includes(t.id))).toBe(true)
    // Scaling handed over before the step ended.
    expect(world.group(BLUE).suspendedProcesses).toEqual(expect.arrayContaining(['Launch', 'ReplaceUnhealthy']))

    // The reported end of the drain is when the slowest target is gone at the latest (300 s delay).
    const reported = Date.parse(deploy.outputs['drain-ends-at'] ?? '')
    expect(reported).toBeGreaterThan(endedAt)
    expect(reported - endedAt).toBeLessThanOrEqual(300_000)
    const pairs = JSON.parse(deploy.outputs.pairs ?? '[]') as { drainEndsAt?: string }[]
    expect(pairs[0]?.drainEndsAt).toBe(deploy.outputs['drain-ends-at'])
    const shown = new Date(Math.ceil(reported / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ')
    expect(deploy.summary).toContain(`3 instance(s) of \`prod-web-blue\` (v1) left the load balancer; 3 still drain open connections until ${shown} UTC at the latest`)
    world.advance(reported - world.now())
    expect(states(BLUE)).toEqual(['Standby', 'Standby', 'Standby'])
    // ... and not much earlier than it (the deploy did not wait out the drain).
    expect(reported - endedAt).toBeGreaterThan(290_000)
  })

  it('a finalize started during the drain waits for it, then terminates the old instances', async () => {
    scene()
    const v1 = world.group(BLUE).instances.map((i) => i.id)
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    const drainEnds = Date.parse(deploy.outputs['drain-ends-at'] ?? '')
    const finalize = await runAction(world, { mode: 'finalize' })
    expect(finalize.failed).toBe(false)
    expect(finalize.outputs.state).toBe('finalized')
    // It could not have terminated them before they left the load balancer for good.
    expect(world.now()).toBeGreaterThanOrEqual(drainEnds - 5_000)
    for (const id of v1) expect(['shutting-down', 'terminated']).toContain(world.instance(id).ec2State)
    expect(world.lostInstances()).toEqual([])
    expect(world.healthyCount(TG)).toBe(3)
  })

  it('a rollback started during the drain waits for it, then brings the very same instances back', async () => {
    scene()
    const v1 = world.group(BLUE).instances.map((i) => i.id).sort()
    await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(states(BLUE)).toContain('EnteringStandby')
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.failed).toBe(false)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-color': 'blue', version: 'v1' })
    expect(world.group(BLUE).instances.filter((i) => i.lifecycle === 'InService').map((i) => i.id).sort()).toEqual(v1)
    expect(world.group(GREEN)).toMatchObject({ desired: 0 })
  })

  it('a deploy re-run during the drain changes nothing and reports the release as done', async () => {
    scene()
    await runAction(world, { mode: 'deploy', version: 'v2' })
    const before = world.calls.length
    const again = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(again.failed).toBe(false)
    // Nothing to do, and the old instances still wait for finalize: the approval job gated on it still asks.
    expect(again.outputs.state).toBe('awaiting-finalize')
    // No write but, at most, deleting the run's own lock tag again (a read may still show the one its first
    // attempt just released): nothing else changes.
    const writes = world.calls.slice(before).filter((c) => c.write)
    expect(writes.filter((c) => !(c.operation === 'DeleteTags' && JSON.stringify(c.params).includes('blue-green:lock'))).map((c) => c.operation)).toEqual([])
    const status = await runAction(world, { mode: 'status' })
    expect(status.outputs.state).toBe('awaiting-finalize')
  })
})
