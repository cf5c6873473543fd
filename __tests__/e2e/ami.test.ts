// Deploy by image through the committed bundle, each step a new `node dist/index.js` process talking to
// the simulated AWS over loopback HTTP (virtual time 600× real time): a deploy by AMI name pattern, then
// a rollback that serves the old image again and leaves the launch template alone.
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runBundle, expectExit } from '../../test-support/bundle.js'
import { type SimServer, startSimServer } from '../../packages/aws-sim/src/index.js'
import { newWorld } from '../../test-support/worlds.js'

const SPEED = 600
const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '2m' }
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const OLD = 'ami-0a1b2c3d4e5f60001'
const NEW = 'ami-0a1b2c3d4e5f60002'

let server: SimServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('deploy by image through the bundle', () => {
  it('deploys the newest image matching a pattern to the idle group only, then a rollback serves the old image and changes no template', async () => {
    const world = newWorld()
    world.addImage({ id: OLD, name: 'web-2026-11-01', created: '2026-11-01T00:00:00Z' })
    world.addImage({ id: NEW, name: 'web-2026-11-20', created: '2026-11-20T00:00:00Z' })
    const lt = world.addLaunchTemplate({ name: 'prod-web', data: { ImageId: OLD, InstanceType: 't3.micro', SecurityGroupIds: ['sg-0123456789abcdef0'] } })
    world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 30, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    world.addGroup({ name: BLUE, min: 2, max: 6, desired: 2, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': OLD }, running: true, launchTemplate: { LaunchTemplateId: lt.id, Version: '1' } })
    world.addGroup({ name: GREEN, min: 0, max: 6, desired: 0, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web' }, launchTemplate: { LaunchTemplateId: lt.id, Version: '1' } })
    server = await startSimServer(world, { speed: SPEED })
    world.setBaseline()

    const deploy = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'deploy', image: 'web-*' } })
    expectExit(deploy, 0)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': GREEN, version: NEW, 'previous-version': OLD, 'image-id': NEW })
    expect(deploy.outputs.plan).toContain(`launch ${GREEN} from a new version of launch template ${lt.id}`)
    expect(world.groups.get(GREEN)?.launchTemplate).toEqual({ LaunchTemplateId: lt.id, Version: '2' })
    expect(world.groups.get(BLUE)?.launchTemplate).toEqual({ LaunchTemplateId: lt.id, Version: '1' })
    expect(world.activeInstances(world.mustGroup(GREEN)).map((i) => i.imageId)).toEqual([NEW, NEW])

    const rollback = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'rollback' } })
    expectExit(rollback, 0)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-group': BLUE, version: OLD })
    expect(world.activeInstances(world.mustGroup(BLUE)).map((i) => i.imageId)).toEqual([OLD, OLD])
    expect(world.images.templates.get(lt.id)?.versions.map((v) => v.number)).toEqual([1, 2])
    expect(world.calls.filter((c) => c.operation === 'CreateLaunchTemplateVersion')).toHaveLength(1)
    // Every instance blue ever launched carries the old image.
    expect([...world.instances.values()].filter((i) => i.tags['aws:autoscaling:groupName'] === BLUE).every((i) => i.imageId === OLD)).toBe(true)
    world.assertNoViolations()
  })
})
