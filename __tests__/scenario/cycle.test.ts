// The whole cycle as users run it, each step a fresh run of the action against one simulated AWS:
// deploy → finalize → deploy (colors alternate) → rollback, with the SPEC invariants checked by the
// simulator after every tick of virtual time and every write.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

function inService(name: string): string[] {
  return world.group(name).instances.filter((i) => i.lifecycle === 'InService').map((i) => i.id)
}

describe('deploy → finalize → deploy → rollback', () => {
  it('alternates colors, keeps the old instances in standby until finalize, and rolls back to them', async () => {
    world = newWorld()
    const { blue, green, tg } = addService(world, { instances: 3 })
    const v1Instances = inService(blue)
    world.setBaseline()

    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs).toMatchObject({
      state: 'awaiting-finalize',
      'live-color': 'green',
      'standby-color': 'blue',
      'live-group': green,
      'standby-group': blue,
      version: 'v2',
      'previous-version': 'v1'
    })
    expect(JSON.parse(deploy.outputs['standby-instance-ids'] ?? '[]').sort()).toEqual([...v1Instances].sort())
    // Traffic has moved: the old instances drain (the 300 s deregistration delay) into Standby.
    expect(world.group(blue).instances.map((i) => i.lifecycle)).toEqual(['EnteringStandby', 'EnteringStandby', 'EnteringStandby'])
    expect(world.targetStates(tg).filter((t) => v1Instances.includes(t.id)).map((t) => t.state)).toEqual(['draining', 'draining', 'draining'])
    expect(deploy.outputs['drain-ends-at']).toMatch(/^2026-11-28T\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(world.group(blue)).toMatchObject({ min: 0, desired: 0, max: 6 })
    expect(world.group(green)).toMatchObject({ min: 3, desired: 3, max: 6 })
    expect(world.healthyCount(tg)).toBe(3)
    expect(deploy.summary).toContain('awaiting-finalize')
    expect(deploy.summary).toContain('Next: approve the finalize job')

    const v2Instances = inService(green)
    expect(v2Instances).toHaveLength(3)

    world.setBaseline()
    const finalize = await runAction(world, { mode: 'finalize' })
    expect(finalize.failed).toBe(false)
    expect(finalize.outputs).toMatchObject({ state: 'finalized', 'live-color': 'green', version: 'v2', 'previous-version': 'v1' })
    for (const id of v1Instances) expect(['shutting-down', 'terminated']).toContain(world.instance(id).ec2State)
    expect(world.group(blue)).toMatchObject({ min: 0, desired: 0, max: 6, suspendedProcesses: [] })
    expect(world.lostInstances()).toEqual([])

    world.setBaseline()
    const again = await runAction(world, { mode: 'deploy', version: 'v3' })
    expect(again.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-color': 'blue', 'standby-color': 'green', version: 'v3', 'previous-version': 'v2' })

    world.setBaseline()
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.failed).toBe(false)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-color': 'green', version: 'v2' })
    expect(world.group(green)).toMatchObject({ min: 3, desired: 3, max: 6, suspendedProcesses: [] })
    // Rolled back to the very instances that served v2 before the v3 deploy, not to new ones.
    expect(inService(green).sort()).toEqual([...v2Instances].sort())
    expect(world.group(blue)).toMatchObject({ min: 0, desired: 0, max: 6 })
    expect(Object.keys(world.group(blue).tags).filter((k) => k.startsWith('blue-green:'))).toEqual([])
    expect(Object.keys(world.group(green).tags).filter((k) => k.startsWith('blue-green:'))).toEqual([])
  })
})
