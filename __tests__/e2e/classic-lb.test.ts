// A pair behind a Classic Load Balancer, through the committed bundle: each step a new `node dist/index.js`
// process talking to the simulated AWS over loopback HTTP (virtual time 60× real time, so that a 1 s poll
// looks every 60 virtual seconds, well inside the Classic LB's 300 s to InService). The Classic Load
// Balancing client is loaded lazily by the bundle; DescribeInstanceHealth goes over the wire (Query,
// Version=2012-06-01).
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runBundle, expectExit } from '../../test-support/bundle.js'
import { type SimServer, startSimServer } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { START } from '../../test-support/worlds.js'

const SPEED = 60
const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '20m' }
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const CLB = 'prod-web-clb'

let server: SimServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Versions of the instances InService in the Classic LB. */
function serving(world: SimWorld): string[] {
  return world
    .classicStates(CLB)
    .filter((t) => t.state === 'healthy')
    .map((t) => world.instance(t.id).version ?? '?')
    .sort()
}

describe('a Classic Load Balancer through the bundle', () => {
  it('deploy gates on InService in the Classic LB, then rollback brings the previous version back InService', async () => {
    const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012' })
    // The Classic LB console's defaults: 10 passing checks 30 s apart before InService.
    world.addClassicLoadBalancer({ name: CLB, healthCheckIntervalSeconds: 30, healthyAfterChecks: 10, connectionDrainingSeconds: 60 })
    const common = { max: 6, loadBalancerNames: [CLB] }
    world.addGroup({ name: BLUE, min: 3, desired: 3, ...common, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: GREEN, min: 0, desired: 0, ...common, tags: { 'docker:image:name': 'web' } })
    world.setBaseline()
    server = await startSimServer(world, { speed: SPEED })

    const deploy = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'deploy', version: 'v2' } })
    expectExit(deploy, 0)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': GREEN, version: 'v2', 'previous-version': 'v1' })
    expect(serving(world)).toEqual(['v2', 'v2', 'v2'])
    expect(world.calls.some((c) => c.service === 'elb' && c.operation === 'DescribeInstanceHealth' && c.ok)).toBe(true)

    const rollback = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'rollback' } })
    expectExit(rollback, 0)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-group': BLUE, version: 'v1' })
    expect(serving(world)).toEqual(['v1', 'v1', 'v1'])
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    world.assertNoViolations()
  })
})
