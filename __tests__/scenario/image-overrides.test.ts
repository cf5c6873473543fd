// Deploy by image and mixed instances overrides that launch their own AMI: an override's
// LaunchTemplateSpecification ("some instance types might require a launch template with a different
// AMI") or ImageId ("The ID of the Amazon Machine Image (AMI) to use for instances launched with this
// override") wins over the policy's template, which is the only one the action versions. Pre-flight
// refuses them; and before cutover every new instance's EC2 ImageId must be the chosen image.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { BLUE, GREEN, NEW, OLD, imagePair, imagesLaunchedBy } from '../../test-support/image-pair.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => {
  world.faults.beforeWrite = undefined
  world.assertNoViolations()
})

/** What serves: the image of every InService instance registered in the target group. */
function servingImages(): string[] {
  const tg = [...world.targetGroups.values()][0]
  const ids = [...(tg?.targets.values() ?? [])].filter((t) => t.state === 'healthy').map((t) => t.id)
  return [...new Set(ids.map((id) => world.instances.get(id)?.imageId ?? '(none)'))].sort()
}

describe('deploy by image refuses overrides that launch their own AMI', () => {
  it('an override with its own launch template: refused before any write, naming the group, the instance type and the template', async () => {
    const made = imagePair({ overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3a.micro', launchTemplate: { LaunchTemplateName: 'prod-web-amd', Version: '$Latest' } }] })
    world = made.world
    world.addLaunchTemplate({ name: 'prod-web-amd', data: { ImageId: OLD, InstanceType: 't3a.micro' } })
    world.setBaseline()

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(true)
    const message = r.errors.join('\n')
    expect(message).toContain(`${GREEN}: its mixed instances policy launches t3a.micro from launch template prod-web-amd version $Latest`)
    expect(message).toContain('aws autoscaling update-auto-scaling-group --auto-scaling-group-name prod-web-green --mixed-instances-policy')
    // Nothing was written: no template version, no tag, no launch.
    expect(world.calls.filter((c) => c.write && c.ok)).toEqual([])
    expect(world.images.templates.get(made.template)?.versions).toHaveLength(1)
    expect(world.group(GREEN).instances).toEqual([])
  })

  it('an override with its own ImageId: refused the same way', async () => {
    world = imagePair({ overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3a.micro', imageId: OLD }] }).world
    world.setBaseline()

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(true)
    expect(r.errors.join('\n')).toContain(`${GREEN}: its mixed instances policy launches t3a.micro from image ${OLD} (the override's ImageId)`)
    expect(world.calls.filter((c) => c.write && c.ok)).toEqual([])
  })

  it('overrides of instance types only (and weights) are fine: every new instance runs the new image', async () => {
    world = imagePair({ overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3a.micro' }] }).world

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(false)
    expect(new Set(imagesLaunchedBy(world, GREEN))).toEqual(new Set([NEW]))
    expect(servingImages()).toEqual([NEW])
  })
})

describe('the check before cutover reads each new instance\'s EC2 ImageId', () => {
  it('an override given its own image after pre-flight: no cutover, the error names the instances and their images, the old image keeps serving', async () => {
    world = imagePair({ overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3a.micro' }] }).world
    // Someone (an IaC apply) gives the t3a.micro override its own AMI between pre-flight and the launch.
    world.faults.beforeWrite = (op) => {
      if (op === 'CreateLaunchTemplateVersion') {
        const g = world.mustGroup(GREEN)
        g.overrides = [{ instanceType: 't3.micro' }, { instanceType: 't3a.micro', imageId: OLD }]
      }
    }

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    const oldOnes = [...world.instances.values()].filter((i) => i.group === GREEN && i.imageId === OLD).map((i) => i.id)
    expect(oldOnes.length).toBeGreaterThan(0)
    const message = r.errors.join('\n')
    expect(message).toMatch(new RegExp(`${GREEN}: \\d+ of 3 instance\\(s\\) run another image than ${NEW}`))
    for (const id of oldOnes) expect(message).toContain(`${id} (${OLD})`)
    expect(message).toContain('Nothing was cut over')
    // The live group kept all the traffic, on the old image.
    expect(servingImages()).toEqual([OLD])
    expect(world.group(BLUE).instances.map((i) => i.lifecycle)).toEqual(['InService', 'InService', 'InService'])
    expect(new Set(imagesLaunchedBy(world, BLUE))).toEqual(new Set([OLD]))
  })
})
