// After a deploy by image the two colors launch different versions of one launch template. A deploy
// without `image` (a new version tag only) must launch what the live group launches: it first points the
// idle group at exactly the live group's template version, never the idle group's own old (or rejected)
// image. Colors on different templates are left alone (their owner chose them).
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { BLUE, GREEN, NEW, OLD, imagePair, imagesLaunchedBy } from '../../test-support/image-pair.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

function templateUpdates(group: string): unknown[] {
  return world.calls
    .filter((c) => c.operation === 'UpdateAutoScalingGroup' && c.ok && JSON.stringify(c.params).includes('LaunchTemplate') && JSON.stringify(c.params).includes(group))
    .map((c) => c.params)
}

function servingImages(group: string): string[] {
  return [...new Set(world.activeInstances(world.mustGroup(group)).map((i) => i.imageId ?? '(none)'))]
}

describe('a deploy without image after a deploy by image', () => {
  it('deploy by image, finalize, deploy a tag: the idle color is first pointed at the live color\'s version, and launches its image', async () => {
    const made = imagePair()
    world = made.world
    expect((await runAction(world, { mode: 'deploy', image: NEW })).outputs.state).toBe('awaiting-finalize')
    expect((await runAction(world, { mode: 'finalize' })).failed).toBe(false)
    // Green serves NEW from version 2; blue (idle) is still on version 1, the OLD image.
    expect(world.groups.get(BLUE)?.launchTemplate).toEqual({ LaunchTemplateId: made.template, Version: '1' })
    const versions = world.images.templates.get(made.template)?.versions.length

    const r = await runAction(world, { mode: 'deploy', version: 'v3' })

    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(world.groups.get(BLUE)?.launchTemplate).toEqual({ LaunchTemplateId: made.template, Version: '2' })
    expect(servingImages(BLUE)).toEqual([NEW])
    expect(world.images.templates.get(made.template)?.versions.length).toBe(versions)
    // The plan says so, before the idle group is tagged and scaled up.
    const plan = (r.outputs.plan ?? '').split('\n')
    const sync = plan.findIndex((l) => l.includes(`point ${BLUE} at launch template ${made.template} version 2, the version ${GREEN} (live) launches`))
    expect(sync).toBeGreaterThanOrEqual(0)
    expect(sync).toBeLessThan(plan.findIndex((l) => l.includes(`set ${BLUE} to`)))
    // The live group's template is never written.
    expect(templateUpdates(GREEN)).toHaveLength(1)
  })

  it('deploy by image, rollback, deploy a tag: the rejected image is not launched again', async () => {
    const made = imagePair()
    world = made.world
    expect((await runAction(world, { mode: 'deploy', image: NEW })).outputs.state).toBe('awaiting-finalize')
    expect((await runAction(world, { mode: 'rollback' })).failed).toBe(false)
    // Green (idle) stays pinned to version 2, the rejected image.
    expect(world.groups.get(GREEN)?.launchTemplate?.Version).toBe('2')

    const r = await runAction(world, { mode: 'deploy', version: 'v3' })

    expect(r.failed).toBe(false)
    expect(world.groups.get(GREEN)?.launchTemplate).toEqual({ LaunchTemplateId: made.template, Version: '1' })
    expect(servingImages(GREEN)).toEqual([OLD])
    expect(imagesLaunchedBy(world, GREEN).filter((i) => i === NEW)).toHaveLength(3) // only the rejected deploy's
  })

  it('a canary after a deploy by image and its rollback: the canary instance launches the live image, not the rejected one', async () => {
    const made = imagePair()
    world = made.world
    expect((await runAction(world, { mode: 'deploy', image: NEW })).outputs.state).toBe('awaiting-finalize')
    expect((await runAction(world, { mode: 'rollback' })).failed).toBe(false)

    const r = await runAction(world, { mode: 'canary', version: 'v3' })

    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('canary')
    expect(world.groups.get(GREEN)?.launchTemplate).toEqual({ LaunchTemplateId: made.template, Version: '1' })
    expect(servingImages(GREEN)).toEqual([OLD])
  })

  it('a mixed instances group is pointed inside its MixedInstancesPolicy (the overrides stay), at the live version string exactly', async () => {
    const made = imagePair({ blueVersion: '$Default', greenVersion: '2', overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3a.micro' }] })
    world = made.world
    world.images.createVersion({ LaunchTemplateId: made.template, SourceVersion: '1', data: { ImageId: NEW } })

    const r = await runAction(world, { mode: 'deploy', version: 'v3' })

    expect(r.failed).toBe(false)
    expect(templateUpdates(GREEN)).toEqual([
      { AutoScalingGroupName: GREEN, MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: made.template, Version: '$Default' } } } }
    ])
    expect(world.groups.get(GREEN)?.overrides?.map((o) => o.instanceType)).toEqual(['t3.micro', 't3a.micro'])
    expect(servingImages(GREEN)).toEqual([OLD])
  })

  it('colors on different launch templates are left alone: each launches its own', async () => {
    const made = imagePair()
    world = made.world
    const other = world.addLaunchTemplate({ name: 'prod-web-green', data: { ImageId: NEW, InstanceType: 't3.micro', SecurityGroupIds: ['sg-0123456789abcdef0'] } })
    world.updateGroup(GREEN, { LaunchTemplate: { LaunchTemplateId: other.id, Version: '1' } })
    const before = templateUpdates(GREEN).length

    const r = await runAction(world, { mode: 'deploy', version: 'v3' })

    expect(r.failed).toBe(false)
    expect(templateUpdates(GREEN)).toHaveLength(before)
    expect(r.outputs.plan ?? '').not.toContain('launch template')
    expect(servingImages(GREEN)).toEqual([NEW])
  })

  it('colors already on the same version: nothing to point (no template write)', async () => {
    world = imagePair().world

    const r = await runAction(world, { mode: 'deploy', version: 'v3' })

    expect(r.failed).toBe(false)
    expect(templateUpdates(GREEN)).toEqual([])
    expect(servingImages(GREEN)).toEqual([OLD])
  })
})
