// Deploys that cannot finish: the live group is left exactly as it was, the new group goes back to
// idle, and the step fails saying which instances, which reason codes, which activity messages.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

function liveSnapshot(name: string) {
  const g = world.group(name)
  return { min: g.min, max: g.max, desired: g.desired, instances: g.instances.map((i) => [i.id, i.lifecycle]), suspended: g.suspendedProcesses }
}

describe('a deploy that cannot finish', () => {
  it('a version that never gets healthy: aborts early with the reason codes, live untouched, new group idle', async () => {
    world = newWorld()
    const { blue, green } = addService(world)
    world.setVersionHealth('v-bad', 'unhealthy')
    const before = liveSnapshot(blue)
    world.setBaseline()
    const started = world.now()

    const r = await runAction(world, { mode: 'deploy', version: 'v-bad', 'health-timeout': '30m' })

    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('aborted')
    const message = r.errors.join('\n')
    expect(message).toMatch(/Deploy of v-bad to prod-web aborted: prod-web-blue still serves v1; prod-web-green was returned to idle\. Why: prod-web-green: 3 instance\(s\) still unhealthy \d+ s after they appeared \(boot-grace\), 3 checks in a row/)
    expect(message).toMatch(/3 InService: unhealthy Target\.ResponseCodeMismatch "[^"]+" \(i-[0-9a-f]{17}, i-[0-9a-f]{17}, i-[0-9a-f]{17}\)/)
    expect(message).toMatch(/prod-web-blue still serves v1; prod-web-green was returned to idle/)
    // Gave up long before the 30-minute timeout.
    expect(world.now() - started).toBeLessThan(10 * 60_000)
    expect(liveSnapshot(blue)).toEqual(before)
    expect(world.group(green)).toMatchObject({ min: 0, desired: 0, max: 6 })
    expect(Object.keys(world.group(green).tags).filter((k) => k.startsWith('blue-green:'))).toEqual([])
    expect(r.summary).toContain('aborted')
    expect(r.summary).toContain('Target.ResponseCodeMismatch')
  })

  it('a launch failure that repeats identically (bad configuration): fails fast with the Auto Scaling activity message', async () => {
    world = newWorld()
    const { blue, green } = addService(world)
    // (A bad image is given up at its first failed launch: scenario/ami.test.ts.)
    world.failLaunches(green, 'The requested configuration is currently not supported. Please check the documentation for supported configurations. Launching EC2 instance failed.')
    const before = liveSnapshot(blue)
    world.setBaseline()
    const started = world.now()

    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '30m' })

    expect(r.failed).toBe(true)
    expect(r.errors.join('\n')).toMatch(/launches failed \d+ times with the same error: The requested configuration is currently not supported/)
    expect(world.now() - started).toBeLessThan(2 * 60_000)
    expect(liveSnapshot(blue)).toEqual(before)
    expect(world.group(green)).toMatchObject({ desired: 0 })
  })

  it('a capacity shortage Auto Scaling keeps retrying is not given up early: the timeout ends it, quoting the message', async () => {
    world = newWorld()
    const { blue, green } = addService(world)
    world.failLaunches(green, 'We currently do not have sufficient m5.large capacity in the Availability Zone you requested (us-east-1a).')
    const before = liveSnapshot(blue)
    world.setBaseline()
    const started = world.now()

    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '5m' })

    expect(r.failed).toBe(true)
    expect(r.errors.join('\n')).toMatch(/not healthy within health-timeout 5m .*failed launches: We currently do not have sufficient m5\.large capacity.*\(\d+ times\)/)
    expect(world.now() - started).toBeGreaterThanOrEqual(5 * 60_000)
    expect(liveSnapshot(blue)).toEqual(before)
    expect(world.group(green)).toMatchObject({ desired: 0 })
  })

  it('targets stuck in initial: times out after health-timeout, naming the state', async () => {
    world = newWorld()
    const { blue, green } = addService(world)
    world.setVersionHealth('v2', 'stuck-initial')
    const before = liveSnapshot(blue)
    world.setBaseline()
    const started = world.now()

    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '5m' })

    expect(r.failed).toBe(true)
    expect(r.errors.join('\n')).toMatch(/prod-web-green: not healthy within health-timeout 5m \(0 of 3 instance\(s\) healthy after 5m\).*initial Elb\.InitialHealthChecking/)
    expect(world.now() - started).toBeGreaterThanOrEqual(5 * 60_000)
    expect(liveSnapshot(blue)).toEqual(before)
    expect(world.group(green)).toMatchObject({ desired: 0 })
  })

  it('a cancelled job before cutover returns the new group to idle', async () => {
    world = newWorld()
    const { blue, green } = addService(world)
    world.setVersionHealth('v2', 'stuck-initial')
    const before = liveSnapshot(blue)
    world.setBaseline()
    const controller = new AbortController()
    world.faults.beforeWrite = (op) => {
      // The runner cancels while the action waits for health (after it scaled the new group).
      if (op === 'UpdateAutoScalingGroup') setTimeout(() => controller.abort(), 0)
    }
    const r = await runAction(world, { mode: 'deploy', version: 'v2' }, { signal: controller.signal })
    world.faults.beforeWrite = undefined
    expect(r.failed).toBe(true)
    expect(r.errors.join('\n')).toMatch(/Cancelled while waiting for prod-web-green to become healthy/)
    expect(liveSnapshot(blue)).toEqual(before)
    expect(world.group(green)).toMatchObject({ desired: 0, min: 0 })
  })
})

describe('a job cancelled after cutover began', () => {
  it('leaves a state that rollback completes (it does not try to undo cutover in the seconds a cancel leaves)', async () => {
    world = newWorld()
    const { blue, green } = addService(world, { instances: 3 })
    world.setBaseline()
    const controller = new AbortController()
    world.faults.beforeWrite = (op) => {
      if (op === 'EnterStandby') setTimeout(() => controller.abort(), 0)
    }
    const r = await runAction(world, { mode: 'deploy', version: 'v2' }, { signal: controller.signal })
    world.faults.beforeWrite = undefined
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('failed')
    expect(r.errors.join('\n')).toMatch(/stopped after cutover had begun: the pair was left for mode: rollback/)
    expect(world.group(green).instances.filter((i) => i.lifecycle === 'InService')).toHaveLength(3)

    world.setBaseline()
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.outputs.state).toBe('rolled-back')
    expect(world.group(blue)).toMatchObject({ min: 3, desired: 3, suspendedProcesses: [] })
    expect(world.group(green)).toMatchObject({ desired: 0 })
  })
})
