// Weighted capacity through the committed bundle: a mixed instances group whose instance types count 1, 2
// and 4 units deploys (ready once the new group's healthy units reach the live group's 8 units, where it
// used to wait for 8 instances and time out) and rolls back to the very same old instances. Each step is
// a new `node dist/index.js` process talking to the simulated AWS over loopback HTTP (600× real time).
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runBundle, expectExit } from '../../test-support/bundle.js'
import { type SimServer, startSimServer } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { newWorld } from '../../test-support/worlds.js'

const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '2m' }
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

let server: SimServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function inService(world: SimWorld, group: string): string[] {
  return world
    .group(group)
    .instances.filter((i) => i.lifecycle === 'InService')
    .map((i) => i.id)
    .sort()
}

describe('weighted capacity through the bundle', () => {
  it('deploys a group counting 8 units (weights 1, 2, 4) and rolls back to the same old instances', async () => {
    const world = newWorld()
    world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 30, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    const instanceTypes = [
      { instanceType: 'c5.large', weight: 1 },
      { instanceType: 'c5.xlarge', weight: 2 },
      { instanceType: 'c5.2xlarge', weight: 4 }
    ]
    const common = { max: 24, targetGroups: ['prod-web'], instanceTypes }
    world.addGroup({ name: BLUE, min: 8, desired: 8, running: true, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, ...common })
    world.addGroup({ name: GREEN, min: 0, desired: 0, tags: { 'docker:image:name': 'web' }, ...common })
    const v1 = inService(world, BLUE)
    expect(v1).toHaveLength(4)
    world.setBaseline()
    server = await startSimServer(world, { speed: 600 })

    const deploy = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'deploy', version: 'v2' } })
    expectExit(deploy, 0)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': GREEN, version: 'v2' })
    expect(deploy.summary).toContain('8 / 8 / 24 capacity unit(s)')
    const v2 = inService(world, GREEN)
    expect(v2.reduce((n, id) => n + world.instance(id).weight, 0)).toBeGreaterThanOrEqual(8)

    const rollback = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'rollback' } })
    expectExit(rollback, 0)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-group': BLUE, version: 'v1' })
    expect(inService(world, BLUE)).toEqual(v1)
    expect(world.group(BLUE)).toMatchObject({ min: 8, desired: 8 })
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(world.healthyUnits('prod-web')).toBe(8)
    world.assertNoViolations()
  })
})
