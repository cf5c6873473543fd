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

/** The `::group::` sections of a log in order, and whether any opened inside another (the runner cannot nest them). */
function sections(log: string): { names: string[]; nested: boolean } {
  const names: string[] = []
  let open = false
  let nested = false
  for (const line of log.split('\n')) {
    if (line.startsWith('::group::')) {
      nested ||= open
      open = true
      names.push(line.slice('::group::'.length))
    } else if (line === '::endgroup::') open = false
  }
  return { names, nested }
}

describe('log sections', () => {
  it('one pair: a fold per phase (start, the health wait, cutover, the drain), none inside another, the result outside them', async () => {
    const world = newWorld()
    addService(world)
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.log).toMatch(/^::group::Discovery and pre-flight\nprod-web: prod-web-blue \(3 desired, 3 instance\(s\)\) and prod-web-green \(0 desired, 0 instance\(s\)\)\n::endgroup::/m)
    const s = sections(r.log)
    expect(s.nested).toBe(false)
    expect(s.names).toEqual([
      'Discovery and pre-flight',
      'prod-web: start',
      'prod-web: wait until prod-web-green is healthy',
      'prod-web: cutover',
      'prod-web: wait for traffic to leave prod-web-blue'
    ])
    expect(r.log).toMatch(/^::group::prod-web: cutover\n(.*\n)*prod-web: move 3 instance\(s\) of prod-web-blue to Standby/m)
    // The closing lines come after the last fold ends.
    expect(r.log).toMatch(/::endgroup::\nResult: deploy of v2: awaiting-finalize\.\nprod-web: awaiting-finalize: v2 serves from prod-web-green; v1 waits in Standby on prod-web-blue \(3 instances/)
    world.assertNoViolations()
  })

  it('several pairs: one fold for the run, every line naming its pair, then one result line per pair', async () => {
    const world = newWorld()
    addService(world, { base: 'prod-api' })
    addService(world, { base: 'prod-web' })
    const r = await runAction(world, { mode: 'deploy', version: 'v2' }, {})
    const s = sections(r.log)
    expect(s.nested).toBe(false)
    expect(s.names).toEqual(['Discovery and pre-flight', 'deploy: prod-api, prod-web'])
    expect(r.log).toMatch(/^Result: deploy of v2: 2 of 2 pairs awaiting-finalize\.\nprod-api: awaiting-finalize: v2 serves from prod-api-green; .*\nprod-web: awaiting-finalize: v2 serves from prod-web-green; /m)
    world.assertNoViolations()
  })
})

describe('what the log says while it waits, and at the end', () => {
  it('a health wait prints its progress on every change and at least every 30 s, with the time waited of health-timeout', async () => {
    const world = newWorld()
    addService(world, { instances: 6 })
    world.setVersionHealth('v-bad', 'unhealthy')
    const r = await runAction(world, { mode: 'deploy', version: 'v-bad', 'health-timeout': '10m' })
    const lines = r.log.split('\n').filter((l) => l.startsWith('prod-web: prod-web-green healthy: '))
    const at = lines.map((l) => {
      const m = /; (?:(\d+)m)?(\d+)?s? of 10m$|; (\d+)ms of 10m$/.exec(l)
      expect(m).not.toBeNull()
      return m?.[3] !== undefined ? 0 : Number(m?.[1] ?? 0) * 60 + Number(m?.[2] ?? 0)
    })
    // The wait lasted past the boot allowance (5 min): every gap between two lines is at most 30 s (+1 s of rounding).
    expect(Math.max(...at)).toBeGreaterThan(300)
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number))
    expect(Math.max(...gaps)).toBeLessThanOrEqual(31)
    expect(lines.some((l) => /: 0 of 6 instance\(s\) healthy, 6 initial \(Elb\.InitialHealthChecking\); /.test(l))).toBe(true)
    expect(lines.some((l) => /: 0 of 6 instance\(s\) healthy, 6 unhealthy \(Target\.ResponseCodeMismatch\); /.test(l))).toBe(true)
    world.assertNoViolations()
  })

  it('a deploy that fails is one annotation: the outcome first, the reasons grouped by kind with the instance ids capped', async () => {
    const world = newWorld()
    addService(world, { instances: 6 })
    world.setVersionHealth('v-bad', 'unhealthy')
    const r = await runAction(world, { mode: 'deploy', version: 'v-bad', 'health-timeout': '30m' })
    expect(r.failed).toBe(true)
    expect(r.log).not.toMatch(/^::warning/m)
    expect(r.errors).toHaveLength(1)
    const error = r.errors[0] ?? ''
    expect(error).toMatch(/^Deploy of v-bad to prod-web aborted: prod-web-blue still serves v1; prod-web-green was returned to idle\. Why: /)
    // Six instances with the same reason: the reason once, three ids and a count of the rest.
    expect(error).toMatch(/not ready: 6 InService: unhealthy Target\.ResponseCodeMismatch "Health checks failed with these codes: \[502\]" \(i-[0-9a-f]{17}, i-[0-9a-f]{17}, i-[0-9a-f]{17} and 3 more\)/)
    expect(error.match(/ResponseCodeMismatch/g)).toHaveLength(1)
    expect(r.log).toMatch(/^Result: deploy of v-bad: aborted\.\nprod-web: aborted: deploy of v-bad aborted: v1 serves from prod-web-blue as before; prod-web-green is idle again\. Next: fix the release and deploy again\.$/m)
    world.assertNoViolations()
  })

  it('status prints the state of every pair', async () => {
    const world = newWorld()
    addService(world, { base: 'prod-api' })
    addService(world, { base: 'prod-web' })
    expect((await runAction(world, { mode: 'deploy', version: 'v2', prefix: 'prod-web' })).outputs.state).toBe('awaiting-finalize')
    const r = await runAction(world, { mode: 'status' })
    expect(r.log).toMatch(/^Result: status: 1 of 2 pairs at-rest \(prod-api\), 1 of 2 pairs awaiting-finalize \(prod-web\)\.$/m)
    expect(r.log).toMatch(/^prod-api: at-rest: v1 serves from prod-api-blue \(3 instances\); prod-api-green is idle\. Next: ready for the next deploy\.$/m)
    expect(r.log).toMatch(/^prod-web: awaiting-finalize: v2 serves from prod-web-green; v1 waits in Standby on prod-web-blue \(3 instances/m)
    world.assertNoViolations()
  })
})
