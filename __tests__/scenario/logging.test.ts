// What the log shows: with step debug logging on, every AWS call with its input and output.
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'

describe('step debug logging', () => {
  it('shows every AWS call when ACTIONS_STEP_DEBUG is on (RUNNER_DEBUG=1)', async () => {
    const world = newWorld()
    addService(world)
    process.env.RUNNER_DEBUG = '1'
    try {
      const r = await runAction(world, { mode: 'status' })
      expect(r.log).toMatch(/^::debug::AWS .*"commandName":"DescribeAutoScalingGroupsCommand"/m)
      expect(r.log).toMatch(/^::debug::AWS .*"commandName":"DescribeTargetHealthCommand"/m)
    } finally {
      delete process.env.RUNNER_DEBUG
    }
  })
})

describe('log sections', () => {
  it('folds discovery and the run of each mode into named groups', async () => {
    const world = newWorld()
    addService(world)
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.log).toMatch(/^::group::Discovery and pre-flight\nprod-web: prod-web-blue \(3 desired, 3 instance\(s\)\) and prod-web-green \(0 desired, 0 instance\(s\)\)\n::endgroup::/m)
    expect(r.log).toMatch(/^::group::deploy: prod-web\n(.*\n)*prod-web: move 3 instance\(s\) of prod-web-blue to Standby/m)
    world.assertNoViolations()
  })
})

