// From a new stack to the first version serving: examples/cloudformation/start-first-version.sh run with
// the real AWS CLI against a simulated AWS built from the template (over a loopback server), then the boot
// script on one of the instances it launches. What a user sees: blue tagged and sized, green idle, the
// instance starting that version; a second start refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSimServer, type SimServer } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { findAwsCli, runBootScript, startFakeEcr, startFakeImds, userDataFile } from '../../test-support/starter/boot.js'
import { buildWorld, loadTemplate, props, stackOf } from '../../test-support/starter/cfn.js'
import { newWorld } from '../../test-support/worlds.js'

const START = 'examples/cloudformation/start-first-version.sh'
const cli = findAwsCli()
if (!cli && process.env.CI) throw new Error('The starter kit tests need the AWS CLI (apt-get install -y awscli); CI must install it.')
const withCli = cli ? describe : describe.skip

let world: SimWorld
let sim: SimServer
// The stack docs/GETTING-STARTED.md creates: its images in ECR, 123456789012.dkr.ecr.us-east-1.amazonaws.com/web.
const stack = stackOf(loadTemplate(), { ImageRegistry: '123456789012.dkr.ecr.us-east-1.amazonaws.com/' })
beforeAll(async () => {
  world = newWorld()
  buildWorld(world, stack)
  sim = await startSimServer(world)
})
afterAll(async () => {
  await sim?.close()
})

const start = (args: string[]) => runBootScript({ script: START, args, awsEndpoint: sim.url, env: { AWS_DEFAULT_REGION: 'us-east-1' } })

withCli('start-first-version.sh on a new stack', () => {
  it('refuses a pair that does not exist, and a capacity that is not a number of instances', async () => {
    const missing = await start(['prod-api', 'v1', '2'])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('start-first-version: FAILED: prod-api-blue and prod-api-green must both exist')
    const zero = await start(['prod-web', 'v1', '0'])
    expect(zero.code).not.toBe(0)
    expect(zero.stderr).toContain("capacity must be a whole number of instances, at least 1 (got '0')")
    expect(world.group('prod-web-blue')).toMatchObject({ desired: 0 })
  })

  it('tags blue with the version and gives it its capacity; its instances boot that version; a second start is refused', async () => {
    const run = await start(['prod-web', 'v1', '2'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('prod-web-blue: docker:image:version=v1, min/desired 2; prod-web-green stays idle.')
    expect(world.group('prod-web-blue')).toMatchObject({ min: 2, desired: 2, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' } })
    expect(world.group('prod-web-green')).toMatchObject({ min: 0, desired: 0 })
    expect(world.group('prod-web-green').tags['docker:image:version']).toBeUndefined()

    // One of the instances blue launches boots.
    const id = world.group('prod-web-blue').instances[0]?.id as string
    expect(id).toMatch(/^i-/)
    const imds = await startFakeImds({ instanceId: id, region: 'us-east-1' })
    const ecr = await startFakeEcr({ accountId: '123456789012', region: 'us-east-1' })
    try {
      const userData = userDataFile(String((props(stack, 'LaunchTemplate').LaunchTemplateData as Record<string, unknown>).UserData))
      const boot = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, ecrEndpoint: ecr.url, script: userData })
      expect(boot.code).toBe(0)
      const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1'
      expect(boot.docker.map((c) => c[0])).toEqual(['login', 'pull', 'rm', 'run'])
      expect(boot.docker.at(-1)).toEqual(['run', '-d', '--name', 'app', '--restart=always', '-p', '80:8080', '--env', 'APP_VERSION=v1', '--env', 'PORT=8080', image])
      expect(boot.stderr).toContain(`boot: started ${image} as container app (port 80 -> 8080)`)
    } finally {
      await imds.close()
      await ecr.close()
    }

    const again = await start(['prod-web', 'v2', '2'])
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain('prod-web-blue already has capacity 2: the pair is started; ship versions with the action (mode: deploy)')
    expect(world.group('prod-web-blue').tags['docker:image:version']).toBe('v1')
    // Six AWS CLI runs in a row (each starts a Python interpreter): slow on a busy machine.
  }, 180_000)
})
