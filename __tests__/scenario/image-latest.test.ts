// Deploy by image and `$Latest`: the version a deploy creates becomes the template's latest, so every
// group that launches the template through `$Latest` starts the new image at its next launch ("If the
// value is $Latest, Amazon EC2 Auto Scaling selects the latest version of the launch template when
// launching instances" — API reference, LaunchTemplateSpecification). Not only the pair's live group:
// any other group of the account on the same template. And a mixed instances group is pinned through
// --mixed-instances-policy, not --launch-template.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { BLUE, GREEN, NEW, OLD, imagePair } from '../../test-support/image-pair.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

describe('other users of the template through $Latest', () => {
  it('another group of the account on the same template at $Latest: the deploy goes ahead and warns, naming it and the command that pins it', async () => {
    const made = imagePair()
    world = made.world
    world.addGroup({ name: 'batch-worker', min: 1, max: 2, desired: 1, running: true, launchTemplate: { LaunchTemplateId: made.template, Version: '$Latest' } })
    world.addGroup({ name: 'batch-pinned', min: 0, max: 2, desired: 0, launchTemplate: { LaunchTemplateId: made.template, Version: '1' } })

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(false)
    const warning = r.log.split('\n').find((l) => l.startsWith('::warning') && l.includes('batch-worker'))
    expect(warning).toBeDefined()
    expect(warning).toContain(`batch-worker launches launch template ${made.template} through $Latest`)
    expect(warning).toContain(`image ${NEW}`)
    expect(warning).toContain(`aws autoscaling update-auto-scaling-group --auto-scaling-group-name batch-worker --launch-template LaunchTemplateId=${made.template},Version=1`)
    // A group pinned by number is not a user of $Latest.
    expect(r.log).not.toMatch(/batch-pinned/)
    // And it is so: batch-worker's next launch starts the new image (what the warning is about).
    world.updateGroup('batch-worker', { DesiredCapacity: 2 })
    world.advance(120_000)
    expect(new Set(world.activeInstances(world.mustGroup('batch-worker')).map((i) => i.imageId))).toEqual(new Set([OLD, NEW]))
  })

  it('another mixed instances group on $Latest: the warning gives the --mixed-instances-policy form', async () => {
    const made = imagePair()
    world = made.world
    world.addGroup({ name: 'batch-mixed', min: 0, max: 2, desired: 0, mixedInstanceTypes: ['t3.micro', 't3a.micro'], launchTemplate: { LaunchTemplateId: made.template, Version: '$Latest' } })

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(false)
    const warning = r.log.split('\n').find((l) => l.startsWith('::warning') && l.includes('batch-mixed'))
    expect(warning).toContain(
      `aws autoscaling update-auto-scaling-group --auto-scaling-group-name batch-mixed --mixed-instances-policy '{"LaunchTemplate":{"LaunchTemplateSpecification":{"LaunchTemplateId":"${made.template}","Version":"1"}}}'`
    )
  })
})

describe("the pair's own live group on $Latest", () => {
  it('a mixed instances live group: the refusal gives the --mixed-instances-policy form, not --launch-template (which would drop the policy)', async () => {
    const made = imagePair({ blueVersion: '$Latest', overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3a.micro' }] })
    world = made.world

    const r = await runAction(world, { mode: 'deploy', image: NEW })

    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('refused')
    const message = r.errors.join('\n')
    const command = `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${BLUE} --mixed-instances-policy '{"LaunchTemplate":{"LaunchTemplateSpecification":{"LaunchTemplateId":"${made.template}","Version":"1"}}}'`
    expect(message).toContain(command)
    expect(message).not.toContain('--launch-template')
    expect(world.writes()).toEqual([])
    expect(world.groups.get(GREEN)?.launchTemplate?.Version).toBe('1')
  })
})
