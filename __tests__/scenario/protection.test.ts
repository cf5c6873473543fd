// Groups whose new instances are protected from scale-in: the new group's instances must lose their
// protection before it is idled again, or they keep running (and serving the new version) at desired 0.
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { START } from '../../test-support/worlds.js'
import { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

function scene(): SimWorld {
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012' })
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  const common = { min: 0, max: 6, targetGroups: ['prod-web'], newInstancesProtectedFromScaleIn: true }
  world.addGroup({ ...common, name: BLUE, min: 3, desired: 3, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
  world.addGroup({ ...common, name: GREEN, desired: 0, tags: { 'docker:image:name': 'web' } })
  return world
}

/** Instances of a group still counted as capacity (neither leaving nor gone). */
const remaining = (world: SimWorld, name: string): string[] =>
  world
    .group(name)
    .instances.filter((i) => ['Pending', 'InService', 'Standby', 'EnteringStandby'].includes(i.lifecycle))
    .map((i) => `${i.lifecycle}:${i.version}`)

describe('new instances protected from scale-in', () => {
  it('rollback returns the protected new group to idle: its instances are terminated, only v1 serves', async () => {
    const world = scene()
    const d = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(d.outputs.state).toBe('awaiting-finalize')
    expect(world.group(GREEN).instances.every((i) => i.protected)).toBe(true)
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.outputs.state).toBe('rolled-back')
    world.advance(10 * 60_000)
    expect(remaining(world, GREEN)).toEqual([])
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(world.targetStates('prod-web').filter((t) => t.state === 'healthy').map((t) => world.instance(t.id).version)).toEqual(['v1', 'v1', 'v1'])
  })

  it('a deploy that cannot finish returns the protected new group to idle', async () => {
    const world = scene()
    world.setVersionHealth('v-bad', 'unhealthy')
    const r = await runAction(world, { mode: 'deploy', version: 'v-bad' })
    expect(r.outputs.state).toBe('aborted')
    world.advance(10 * 60_000)
    expect(remaining(world, GREEN)).toEqual([])
    expect(remaining(world, BLUE)).toEqual(['InService:v1', 'InService:v1', 'InService:v1'])
  })
})
