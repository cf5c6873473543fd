// Issue 9: the deploy cuts over seconds after the last new target turns healthy, not up to a whole
// poll-interval (15 s) later: the health wait looks every second around the moment the target groups
// should mark the new targets healthy (HealthCadence). "Healthy" comes from the simulation's own event
// record, not from the action's log.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import { EventLog } from '../../test-support/events.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

describe('cutover follows health within seconds', () => {
  it.each([1, 2, 3, 4, 5])('deploy (poll-interval 15s): EnterStandby within 4 s of the last new target turning healthy (seed %i)', async (seed) => {
    world = newWorld({ seed })
    addService(world, { instances: 4 })
    const events = new EventLog(world)
    const v1 = new Set(world.group('prod-web-blue').instances.map((i) => i.id))
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'poll-interval': '15s' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    const lastHealthy = Math.max(...events.targets.filter((e) => e.state === 'healthy' && !v1.has(e.id)).map((e) => e.at))
    const cutover = Math.min(...world.calls.filter((c) => c.operation === 'EnterStandby' && c.ok).map((c) => c.time))
    expect(cutover - lastHealthy).toBeGreaterThanOrEqual(0)
    expect(cutover - lastHealthy).toBeLessThan(4_000)
  })

  it('rollback: the restored instances are judged healthy within 4 s of the last one turning healthy', async () => {
    world = newWorld({ seed: 9 })
    addService(world, { instances: 4 })
    const events = new EventLog(world)
    await runAction(world, { mode: 'deploy', version: 'v2' })
    world.advance(310_000)
    const v1 = new Set(world.group('prod-web-blue').instances.map((i) => i.id))
    const since = world.now()
    const r = await runAction(world, { mode: 'rollback', 'poll-interval': '15s' })
    expect(r.outputs.state).toBe('rolled-back')
    const lastHealthy = Math.max(...events.targets.filter((e) => e.state === 'healthy' && v1.has(e.id) && e.at > since).map((e) => e.at))
    // The first write after the restore wait: the new group scaled to 0.
    const next = Math.min(...world.calls.filter((c) => c.write && c.ok && c.time > lastHealthy && c.operation === 'UpdateAutoScalingGroup').map((c) => c.time))
    expect(next - lastHealthy).toBeLessThan(4_000)
  })
})
