// The starter kit's boot script (examples/user-data/boot.sh) run with bash as user data runs it: IMDSv2
// from a fake loopback metadata endpoint, the real AWS CLI against the simulated AWS on a loopback server,
// and a stub docker that records what would run. What a user sees: which image starts, and on every
// failure a non-zero exit, a clear "boot: FAILED" line and no container started.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { startSimServer, type SimServer } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { BOOT_SCRIPT, findAwsCli, runBootScript, startFakeImds, unreachableUrl, type FakeImds } from '../../test-support/starter/boot.js'
import { addService, newWorld } from '../../test-support/worlds.js'

const cli = findAwsCli()
if (!cli && process.env.CI) {
  throw new Error('The boot script tests need the AWS CLI (Debian package awscli: apt-get install -y awscli); CI must install it.')
}
const withCli = cli ? describe : describe.skip
if (!cli) console.warn('AWS CLI not found: the boot script tests are skipped (apt-get install -y awscli)')

let world: SimWorld
let sim: SimServer
let imds: FakeImds
let instanceId: string

beforeAll(async () => {
  world = newWorld({ realism: { latencyMs: [10, 80], readLagMs: [0, 0] } })
  addService(world, { instances: 2 })
  sim = await startSimServer(world)
})
afterAll(async () => {
  await sim?.close()
})

beforeEach(async () => {
  // The group moved on to v2 after its instances were launched with v1: the instances' own tags (copied at
  // launch) say v1, the group says v2. The script must run what the group says.
  world.createOrUpdateTags([{ ResourceId: 'prod-web-blue', ResourceType: 'auto-scaling-group', Key: 'docker:image:version', Value: 'v2', PropagateAtLaunch: true }])
  instanceId = world.group('prod-web-blue').instances[0]?.id as string
  imds = await startFakeImds({ instanceId, region: 'us-east-1' })
})
afterEach(async () => {
  world.faults.clear()
  await imds.close()
})

function awsCallsSince(n: number): string[] {
  return world.calls.slice(n).map((c) => `${c.service}:${c.operation}`)
}

withCli(`boot script (${cli?.version ?? 'no AWS CLI'})`, () => {
  it('runs the version tagged on its own Auto Scaling group, read through IMDSv2 and the Auto Scaling API', async () => {
    expect(world.instance(instanceId).version).toBe('v1')
    const before = world.calls.length
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url })
    expect(run.stderr).not.toContain('FAILED')
    expect(run.code).toBe(0)
    expect(run.docker).toEqual([
      ['pull', 'web:v2'],
      ['rm', '-f', 'app'],
      ['run', '-d', '--name', 'app', '--restart=always', '-p', '80:8080', 'web:v2']
    ])
    expect(run.stderr).toContain('boot: group prod-web-blue runs web:v2')
    // IMDSv2: a token first (with its TTL header), then every metadata read presents it.
    expect(imds.requests[0]).toMatchObject({ method: 'PUT', path: '/latest/api/token', ttl: '300', status: 200 })
    const reads = imds.requests.slice(1)
    expect(reads.map((r) => r.path)).toEqual(['/latest/meta-data/instance-id', '/latest/meta-data/placement/region'])
    for (const r of reads) expect(r).toMatchObject({ method: 'GET', status: 200, token: expect.stringMatching(/^token-/) })
    // The group's tags from Auto Scaling, never the instance's tags from EC2.
    expect(awsCallsSince(before)).toEqual(['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeAutoScalingGroups'])
  })

  it('reads the tag keys the action uses by default, and any others set in its two variables', async () => {
    const config = fs.readFileSync('src/config/read.ts', 'utf8')
    const script = fs.readFileSync(BOOT_SCRIPT, 'utf8')
    const actionDefault = (input: string): string | undefined => config.match(new RegExp(`get\\(Inputs\\.${input}\\) \\|\\| '([^']+)'`))?.[1]
    const scriptValue = (name: string): string | undefined => script.match(new RegExp(`^${name}='([^']*)'$`, 'm'))?.[1]
    expect(scriptValue('IMAGE_NAME_TAG_KEY')).toBe(actionDefault('imageNameTagKey'))
    expect(scriptValue('VERSION_TAG_KEY')).toBe(actionDefault('versionTagKey'))
    expect(scriptValue('VERSION_TAG_KEY')).toBe('docker:image:version')

    // A user who set image-name-tag-key / version-tag-key edits the two variables.
    world.createOrUpdateTags([
      { ResourceId: 'prod-web-blue', ResourceType: 'auto-scaling-group', Key: 'app:image', Value: 'shop', PropagateAtLaunch: true },
      { ResourceId: 'prod-web-blue', ResourceType: 'auto-scaling-group', Key: 'app:release', Value: '2026.12.1', PropagateAtLaunch: true }
    ])
    const edited = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bg-boot-edit-')), 'boot.sh')
    fs.writeFileSync(
      edited,
      script.replace(/^IMAGE_NAME_TAG_KEY='[^']*'$/m, "IMAGE_NAME_TAG_KEY='app:image'").replace(/^VERSION_TAG_KEY='[^']*'$/m, "VERSION_TAG_KEY='app:release'")
    )
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, script: edited })
    expect(run.code).toBe(0)
    expect(run.docker[0]).toEqual(['pull', 'shop:2026.12.1'])
    expect(run.docker.at(-1)?.at(-1)).toBe('shop:2026.12.1')
  })

  it('fails, naming the metadata service, and starts nothing when IMDS is unreachable', async () => {
    const before = world.calls.length
    const run = await runBootScript({ imds: await unreachableUrl(), awsEndpoint: sim.url })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toMatch(/boot: FAILED: the instance metadata service \(IMDSv2\) at http:\/\/127\.0\.0\.1:\d+ did not give a token/)
    expect(run.docker).toEqual([])
    expect(awsCallsSince(before)).toEqual([])
  })

  it('fails, naming the group and the tag, and starts nothing when the group has no version tag', async () => {
    world.autoScaling.deleteTags([{ ResourceId: 'prod-web-blue', Key: 'docker:image:version' }])
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain('boot: FAILED: group prod-web-blue has no docker:image:version tag: nothing to run')
    expect(run.docker).toEqual([])
  })

  it('fails and starts nothing when the version tag is not a Docker tag', async () => {
    world.createOrUpdateTags([{ ResourceId: 'prod-web-blue', ResourceType: 'auto-scaling-group', Key: 'docker:image:version', Value: 'v2 beta', PropagateAtLaunch: true }])
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain("has docker:image:version='v2 beta', which is neither a Docker tag nor a sha256 digest")
    expect(run.docker).toEqual([])
  })

  it('fails, naming the image, and runs no container when the image pull fails', async () => {
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, dockerFails: 'pull' })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain('manifest unknown')
    expect(run.stderr).toContain('boot: FAILED: docker pull web:v2 failed')
    expect(run.docker).toEqual([['pull', 'web:v2']])
  })

  it('fails, naming the API call and the AWS error, and starts nothing when the Auto Scaling API refuses', async () => {
    world.faults.inject({
      operation: 'DescribeAutoScalingGroups',
      error: { code: 'AccessDenied', status: 403, message: 'User is not authorized to perform: autoscaling:DescribeAutoScalingGroups' },
      times: 10
    })
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain('boot: FAILED: the Auto Scaling API refused describe-auto-scaling-groups for prod-web-blue')
    expect(run.stderr).toContain('AccessDenied')
    expect(run.docker).toEqual([])
  })
})
