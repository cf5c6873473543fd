// A deploy by image whose launches fail because of the image, in Auto Scaling's own words (user guide,
// "Troubleshoot Amazon EC2 Auto Scaling: AMI issues"): given up at its first failed activity, not after
// three identical ones, naming the image and what to do.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { BLUE, GREEN, NEW, OLD, imagePair, imagesLaunchedBy } from '../../test-support/image-pair.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => {
  world.faults.beforeWrite = undefined
  world.assertNoViolations()
})

/** After pre-flight found NEW available, something happens to it (the image's owner acts). */
function afterPreflight(change: () => void): void {
  world.faults.beforeWrite = (op) => {
    if (op === 'CreateLaunchTemplateVersion') change()
  }
}

const CASES: { name: string; arrange: () => void; status: string }[] = [
  { name: 'deregistered: "The AMI ID … does not exist."', arrange: () => afterPreflight(() => world.deregisterImage(NEW)), status: `The AMI ID ${NEW} does not exist. Launching EC2 instance failed.` },
  { name: 'pending: "AMI … is pending, and cannot be run."', arrange: () => afterPreflight(() => ((world.images.images.get(NEW) as { state: string }).state = 'pending')), status: `AMI ${NEW} is pending, and cannot be run. Launching EC2 instance failed.` },
  { name: 'disabled: "AMI \'…\' is disabled, and cannot be run."', arrange: () => afterPreflight(() => ((world.images.images.get(NEW) as { state: string }).state = 'disabled')), status: `AMI '${NEW}' is disabled, and cannot be run. Launching EC2 instance failed.` },
  { name: 'an arm64 image for t3 instances: "The architecture … does not match the architecture …"', arrange: () => undefined, status: "The architecture 'x86_64' of the specified instance type does not match the architecture 'arm64' of the specified AMI." }
]

describe('a launch that fails because of the image, in AWS wording', () => {
  for (const c of CASES) {
    it(`${c.name}: aborted at the first failed launch, naming the group, the template version and the image`, async () => {
      const made = imagePair({ ...(c.name.startsWith('an arm64') ? { newArchitecture: 'arm64' as const } : {}) })
      world = made.world
      c.arrange()

      const r = await runAction(world, { mode: 'deploy', image: NEW, 'health-timeout': '30m' })

      expect(r.failed).toBe(true)
      expect(r.outputs.state).toBe('aborted')
      const failed = world.groups.get(GREEN)?.activities.filter((a) => a.StatusCode === 'Failed') ?? []
      // The simulator speaks AWS's words.
      expect(failed[0]?.StatusMessage).toContain(c.status)
      const message = r.errors.join('\n')
      // The architecture message names no image: the template version does.
      expect(message).toContain(`a launch of ${GREEN} failed because of its image or launch template (launch template ${made.template} version 2${c.status.includes(NEW) ? `, image ${NEW})` : ')'}`)
      expect(message).toContain(c.status.replace(/\.$/, ''))
      expect(message).toContain('Retrying cannot help')
      // Auto Scaling retries every 10 s: fewer than the 3 identical failures a configuration error otherwise needs.
      expect(failed.length).toBeGreaterThanOrEqual(1)
      expect(failed.length).toBeLessThan(3)
      // The abort gave the live group back its traffic and left its image alone.
      expect(world.group(GREEN)).toMatchObject({ desired: 0 })
      expect(new Set(imagesLaunchedBy(world, BLUE))).toEqual(new Set([OLD]))
    })
  }
})
