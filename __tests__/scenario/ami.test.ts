// Deploy by image (AMI) through launch templates: the idle group gets a new template version with the
// image, pinned by number; the live group's launches never change; what pre-flight refuses; a launch that
// fails because of the image is given up at once; re-runs create no endless versions; rollback and
// finalize leave templates alone.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { RunnerKilled, killSnapshots } from '../../test-support/kill.js'
import { sampleNote, sweep, upTo } from '../../test-support/suite.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const OLD = 'ami-0a1b2c3d4e5f60001'
const NEW = 'ami-0a1b2c3d4e5f60002'
const SG = ['sg-0123456789abcdef0']

let world: SimWorld
afterEach(() => {
  world.faults.beforeWrite = undefined
  world.assertNoViolations()
})

interface Setup {
  /** Version string each color's group launches (default: blue 1, green 1). */
  blueVersion?: string
  greenVersion?: string
  mixed?: boolean
  /** Security group names instead of ids in the template (a non-default VPC refuses them). */
  groupNames?: boolean
}

/** blue serves image OLD from template prod-web version 1; green (idle) launches the same template. */
function setup(o: Setup = {}): { template: string } {
  world = newWorld()
  world.addImage({ id: OLD, name: 'web-2026-11-01', created: '2026-11-01T00:00:00Z' })
  world.addImage({ id: NEW, name: 'web-2026-11-20', created: '2026-11-20T00:00:00Z' })
  const t = world.addLaunchTemplate({ name: 'prod-web', data: { ImageId: OLD, InstanceType: 't3.micro', ...(o.groupNames ? { SecurityGroups: ['web'] } : { SecurityGroupIds: SG }) } })
  const blueSpec = { LaunchTemplateId: t.id, Version: o.blueVersion ?? '1' }
  const greenSpec = { LaunchTemplateId: t.id, Version: o.greenVersion ?? '1' }
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  const common = { max: 6, targetGroups: ['prod-web'], ...(o.mixed ? { mixedInstanceTypes: ['t3.micro', 't3a.micro'] } : {}) }
  world.addGroup({ name: BLUE, min: 3, desired: 3, ...common, tags: { 'docker:image:name': 'web', 'docker:image:version': OLD }, running: true, launchTemplate: blueSpec })
  world.addGroup({ name: GREEN, min: 0, desired: 0, ...common, tags: { 'docker:image:name': 'web' }, launchTemplate: greenSpec })
  return { template: t.id }
}

/** Every instance the group ever launched (still listed or not), with its image. */
function imagesLaunchedBy(group: string): string[] {
  return [...world.instances.values()].filter((i) => i.tags['aws:autoscaling:groupName'] === group || i.group === group).map((i) => i.imageId ?? '(none)')
}

function created(): number {
  return world.calls.filter((c) => c.operation === 'CreateLaunchTemplateVersion' && c.ok).length
}

describe('deploy by image', () => {
  it('by AMI id: green launches a new template version with the image, pinned by number; blue never launches it', async () => {
    const { template } = setup()

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(r.outputs['image-id']).toBe(NEW)
    // The version tag records the AMI id by default.
    expect(r.outputs.version).toBe(NEW)
    expect(world.group(GREEN).tags['docker:image:version']).toBe(NEW)
    const lt = world.images.templates.get(template)
    expect(lt?.versions.map((v) => [v.number, v.data.ImageId])).toEqual([
      [1, OLD],
      [2, NEW]
    ])
    expect(lt?.defaultVersion).toBe(1)
    expect(world.groups.get(GREEN)?.launchTemplate).toEqual({ LaunchTemplateId: template, Version: '2' })
    expect(world.groups.get(BLUE)?.launchTemplate).toEqual({ LaunchTemplateId: template, Version: '1' })
    expect(new Set(imagesLaunchedBy(GREEN))).toEqual(new Set([NEW]))
    expect(new Set(imagesLaunchedBy(BLUE))).toEqual(new Set([OLD]))
    // The plan named the step, before the idle group scaled up.
    const plan = (r.outputs.plan ?? '').split('\n')
    const setImage = plan.findIndex((l) => l.includes(`with image ${NEW}`))
    expect(setImage).toBeGreaterThanOrEqual(0)
    expect(setImage).toBeLessThan(plan.findIndex((l) => l.includes(`set ${GREEN} to`)))
  })

  it('security groups survive: the new version inherits the source version (SourceVersion), ids stay ids', async () => {
    const { template } = setup()

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(false)
    const v2 = world.images.templates.get(template)?.versions.find((v) => v.number === 2)
    expect(v2?.data).toEqual({ ImageId: NEW, InstanceType: 't3.micro', SecurityGroupIds: SG })
    const create = world.calls.find((c) => c.operation === 'CreateLaunchTemplateVersion')
    expect(create?.params).toMatchObject({ SourceVersion: '1', LaunchTemplateData: { ImageId: NEW } })
  })

  it('by name pattern: the newest available image of the owners (self by default) by creation date', async () => {
    setup()
    world.addImage({ id: 'ami-0a1b2c3d4e5f60003', name: 'web-2026-11-10', created: '2026-11-10T00:00:00Z' })
    // Newer, but not ours: not searched with the default owners.
    world.addImage({ id: 'ami-0a1b2c3d4e5f60004', name: 'web-2026-11-25', created: '2026-11-25T00:00:00Z', owner: '210987654321' })
    // Newer and ours, but still being built.
    world.addImage({ id: 'ami-0a1b2c3d4e5f60005', name: 'web-2026-11-26', created: '2026-11-26T00:00:00Z', state: 'pending' })

    const r = await runAction(world, { mode: 'deploy', image: 'web-2026-*' })

    expect(r.failed).toBe(false)
    expect(r.outputs['image-id']).toBe(NEW)
    expect(new Set(imagesLaunchedBy(GREEN))).toEqual(new Set([NEW]))
    expect(r.log).toContain(`image: ${NEW} (web-2026-11-20`)
  })

  it('a pattern that matches nothing is refused before any write, naming the pattern and the owners', async () => {
    setup()
    const r = await runAction(world, { mode: 'deploy', image: 'api-*', 'image-owners': 'self, 210987654321' })

    expect(r.failed).toBe(true)
    expect(r.errors.join('\n')).toMatch(/Input 'image' is invalid: "api-\*"\. No available image's name matches this pattern among the images of self, 210987654321/)
    expect(world.writes()).toEqual([])
  })

  it('an AMI id EC2 does not know, or a deregistered one, is refused before any write', async () => {
    setup()
    const unknown = await runAction(world, { mode: 'deploy', image: 'ami-0fffffffffffffff0' })
    expect(unknown.failed).toBe(true)
    expect(unknown.errors.join('\n')).toMatch(/EC2 knows no image of this id in us-east-1/)

    world.deregisterImage(NEW)
    const gone = await runAction(world, { mode: 'deploy', image: NEW })
    expect(gone.failed).toBe(true)
    expect(gone.errors.join('\n')).toContain(`Image ${NEW} is deregistered, not available`)
    expect(world.writes()).toEqual([])
  })

  it('refuses when the live group launches the same template through $Latest (the new version would leak into it)', async () => {
    const { template } = setup({ blueVersion: '$Latest' })

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('refused')
    const message = r.errors.join('\n')
    expect(message).toContain(`${BLUE}: serves from launch template ${template} version $Latest, the same template ${GREEN} launches from`)
    expect(message).toContain(`--auto-scaling-group-name ${BLUE} --launch-template LaunchTemplateId=${template},Version=1`)
    expect(created()).toBe(0)
    expect(world.writes()).toEqual([])
  })

  it('a live group on $Default is safe: the default version does not move, so blue keeps launching the old image', async () => {
    const { template } = setup({ blueVersion: '$Default', greenVersion: '$Latest' })

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(false)
    expect(world.images.templates.get(template)?.defaultVersion).toBe(1)
    expect(world.groups.get(GREEN)?.launchTemplate?.Version).toBe('2')
    // What blue's next launch (a scale-out, a replacement, a rollback's restore) resolves to: the old image.
    expect(world.images.launchData(world.mustGroup(BLUE))?.ImageId).toBe(OLD)
    expect(world.images.launchData(world.mustGroup(GREEN))?.ImageId).toBe(NEW)
  })

  it('mixed instances policy: the template version is set inside MixedInstancesPolicy, the overrides stay', async () => {
    const { template } = setup({ mixed: true })

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(false)
    const green = world.groups.get(GREEN)
    expect(green?.launchTemplate).toEqual({ LaunchTemplateId: template, Version: '2' })
    expect(green?.mixedInstanceTypes).toEqual(['t3.micro', 't3a.micro'])
    const update = world.calls.find((c) => c.operation === 'UpdateAutoScalingGroup' && JSON.stringify(c.params).includes('MixedInstancesPolicy'))
    expect(update?.params).toMatchObject({ MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: template, Version: '2' } } } })
    expect(new Set(imagesLaunchedBy(GREEN))).toEqual(new Set([NEW]))
  })

  it('a launch that fails because of the image is hopeless at once: aborted after the first failure, naming image and template version', async () => {
    const { template } = setup()
    // The image is deregistered right after pre-flight found it available.
    world.faults.beforeWrite = (op) => {
      if (op === 'CreateLaunchTemplateVersion') world.deregisterImage(NEW)
    }

    const r = await runAction(world, { mode: 'deploy', image: NEW, 'health-timeout': '30m' })

    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    const message = r.errors.join('\n')
    expect(message).toContain(`a launch of ${GREEN} failed because of its image or launch template (launch template ${template} version 2, image ${NEW})`)
    expect(message).toContain(`The AMI ID ${NEW} does not exist`)
    expect(message).toContain('Retrying cannot help')
    // Auto Scaling retries every 10 s: fewer than the 3 identical failures a configuration error otherwise needs.
    const failed = world.groups.get(GREEN)?.activities.filter((a) => a.StatusCode === 'Failed') ?? []
    expect(failed.length).toBeGreaterThanOrEqual(1)
    expect(failed.length).toBeLessThan(3)
    expect(world.group(GREEN)).toMatchObject({ desired: 0 })
    expect(new Set(imagesLaunchedBy(BLUE))).toEqual(new Set([OLD]))
  })

  it('a template whose security groups are names (non-default VPC) fails its launch at once too', async () => {
    setup({ groupNames: true })

    const r = await runAction(world, { mode: 'deploy', image: NEW, 'health-timeout': '30m' })

    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    expect(r.errors.join('\n')).toContain(`a launch of ${GREEN} failed because of its image or launch template`)
    expect(r.errors.join('\n')).toContain('The parameter groupName cannot be used with the parameter subnet')
  })

  it('a re-run after a kill between creating the version and pinning the group reuses that version', async () => {
    const { template } = setup()
    let killed = false
    world.faults.beforeWrite = (op, params) => {
      if (killed || (op === 'UpdateAutoScalingGroup' && JSON.stringify(params).includes('LaunchTemplate'))) {
        killed = true
        throw new RunnerKilled()
      }
    }
    const first = await runAction(world, { mode: 'deploy', image: NEW })
    expect(first.failed).toBe(true)
    expect(created()).toBe(1)
    expect(world.groups.get(GREEN)?.launchTemplate?.Version).toBe('1')
    world.faults.beforeWrite = undefined

    const again = await runAction(world, { mode: 'deploy', image: NEW })

    expect(again.failed).toBe(false)
    expect(created()).toBe(1)
    expect(world.images.templates.get(template)?.versions.map((v) => v.number)).toEqual([1, 2])
    expect(world.groups.get(GREEN)?.launchTemplate?.Version).toBe('2')
    expect(again.result?.timeline.some((t) => /reused version 2/.test(t.detail ?? ''))).toBe(true)
  })

  it('a re-run with the image already set plans no set-image step (dry run)', async () => {
    const { template } = setup()
    world.images.createVersion({ LaunchTemplateId: template, SourceVersion: '1', data: { ImageId: NEW } })
    world.updateGroup(GREEN, { LaunchTemplate: { LaunchTemplateId: template, Version: '2' } })

    const r = await runAction(world, { mode: 'deploy', image: NEW, 'dry-run': 'true' })

    expect(r.failed).toBe(false)
    expect(r.outputs.plan).not.toContain('launch template')
    expect(r.outputs.plan).toContain(`set ${GREEN} to`)
  })

  it('rollback changes no template and serves the old image again; finalize of the next deploy neither', async () => {
    const { template } = setup()
    const deployed = await runAction(world, { mode: 'deploy', image: NEW })
    expect(deployed.failed).toBe(false)
    const versions = world.images.templates.get(template)?.versions.length
    const ec2Writes = (): number => world.calls.filter((c) => c.service === 'ec2' && c.write).length
    const lt = (): unknown => [world.groups.get(BLUE)?.launchTemplate, world.groups.get(GREEN)?.launchTemplate]
    const before = { writes: ec2Writes(), lt: lt() }

    const rolled = await runAction(world, { mode: 'rollback' })

    expect(rolled.failed).toBe(false)
    expect(rolled.outputs.version).toBe(OLD)
    expect(world.images.templates.get(template)?.versions.length).toBe(versions)
    expect(lt()).toEqual(before.lt)
    expect(world.calls.filter((c) => c.operation === 'UpdateAutoScalingGroup' && JSON.stringify(c.params).includes('LaunchTemplate')).length).toBe(1)
    expect(ec2Writes()).toBe(before.writes)
    const serving = world.activeInstances(world.mustGroup(BLUE))
    expect(serving.map((i) => i.imageId)).toEqual([OLD, OLD, OLD])

    // Deploy again and finalize: the finalize writes no template either.
    const again = await runAction(world, { mode: 'deploy', image: NEW })
    expect(again.failed).toBe(false)
    const createdBefore = created()
    const finalized = await runAction(world, { mode: 'finalize' })
    expect(finalized.failed).toBe(false)
    expect(created()).toBe(createdBefore)
  })
})

describe('deploy by image killed at every write', () => {
  it('a re-run completes from wherever it stopped, green on the new image, blue never on it, at most one new template version', async () => {
    const { template } = setup()
    const clean = world
    const kills = await killSnapshots(clean, 'deploy', () => runAction(clean, { mode: 'deploy', image: NEW }))
    expect(kills.total).toBeGreaterThanOrEqual(8)
    clean.assertNoViolations()
    const sample = sampleNote()
    for (const k of sweep(upTo(kills.total), 'ami: deploy by image')) {
      world = kills.killedAfter(k)
      const again = await runAction(world, { mode: 'deploy', image: NEW })
      expect({ k, sample, state: again.outputs.state }).toEqual({ k, sample, state: 'awaiting-finalize' })
      expect({ k, sample, versions: world.images.templates.get(template)?.versions.map((v) => [v.number, v.data.ImageId]) }).toEqual({ k, sample, versions: [[1, OLD], [2, NEW]] })
      expect({ k, sample, green: world.groups.get(GREEN)?.launchTemplate?.Version, blue: world.groups.get(BLUE)?.launchTemplate?.Version }).toEqual({ k, sample, green: '2', blue: '1' })
      expect({ k, sample, images: [...new Set(imagesLaunchedBy(BLUE))] }).toEqual({ k, sample, images: [OLD] })
      expect({ k, sample, images: [...new Set(world.activeInstances(world.mustGroup(GREEN)).map((i) => i.imageId))] }).toEqual({ k, sample, images: [NEW] })
      world.assertNoViolations()
    }
  }, 240_000)
})

describe('the simulated launch templates (what the refusals guard against)', () => {
  it('a group on $Latest launches the newest version at launch time: a new version leaks into it; a pinned group does not', () => {
    const { template } = setup({ blueVersion: '$Latest' })
    world.images.createVersion({ LaunchTemplateId: template, SourceVersion: '1', data: { ImageId: NEW } })
    world.setBaseline()
    // Blue scales out by one: its new instance resolves $Latest now.
    world.updateGroup(BLUE, { DesiredCapacity: 4 })
    world.advance(120_000)
    expect(imagesLaunchedBy(BLUE).sort()).toEqual([NEW, OLD, OLD, OLD].sort())
    // Green, pinned to 1, launches the old image.
    world.updateGroup(GREEN, { DesiredCapacity: 1 })
    world.advance(120_000)
    expect(imagesLaunchedBy(GREEN)).toEqual([OLD])
  })

  it('a deregistered image fails every launch attempt with the InvalidAMIID.NotFound wording, and launches nothing', () => {
    setup()
    world.deregisterImage(OLD)
    world.updateGroup(GREEN, { DesiredCapacity: 2 })
    world.advance(25_000)
    const failed = world.groups.get(GREEN)?.activities.filter((a) => a.StatusCode === 'Failed') ?? []
    expect(failed.length).toBe(3)
    expect(failed[0]?.StatusMessage).toBe(`The AMI ID ${OLD} does not exist. Launching EC2 instance failed.`)
    expect(world.group(GREEN).instances).toEqual([])
  })
})
