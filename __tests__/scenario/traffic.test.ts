// Traffic that grows while the deployment awaits its decision: the new group scales out, and a rollback
// must bring back as many old instances as now serve (SPEC: rollback keeps grown capacity; invariant 1).
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

describe('traffic grew after cutover', () => {
  it('rollback restores min and max as recorded and desired as large as the new group had grown', async () => {
    const world = newWorld()
    addService(world, { instances: 3, max: 8 })
    expect((await runAction(world, { mode: 'deploy', version: 'v2' })).outputs.state).toBe('awaiting-finalize')
    world.setDesiredCapacity(GREEN, 5)
    world.settle()
    world.advance(5 * 60_000)
    expect(world.healthyCount('prod-web')).toBe(5)
    world.setBaseline() // 5 serve now: the rollback must never serve with fewer
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.outputs.state).toBe('rolled-back')
    expect(world.group(BLUE)).toMatchObject({ min: 3, desired: 5, max: 8 })
    expect(world.group(BLUE).instances.filter((i) => i.lifecycle === 'InService' && i.version === 'v1')).toHaveLength(5)
    expect(world.healthyCount('prod-web')).toBe(5)
  })
})
