// Pre-flight runs for every pair before any write: one bad pair means nothing changes anywhere, and
// the error names the pair and the reason.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

/** Two services; the test breaks one of them. */
function twoServices(): SimWorld {
  world = newWorld()
  addService(world, { base: 'prod-api' })
  addService(world, { base: 'prod-web' })
  return world
}

async function expectRefused(inputs: Record<string, string>, message: RegExp): Promise<void> {
  const writesBefore = world.writes().length
  const r = await runAction(world, inputs)
  expect(r.failed).toBe(true)
  expect(r.outputs.state).toBe('refused')
  expect(r.errors.join('\n')).toMatch(/Nothing was changed: \d+ pre-flight check\(s\) failed/)
  expect(r.errors.join('\n')).toMatch(message)
  expect(r.summary).toContain('Pre-flight refused the run; nothing was changed anywhere')
  expect(world.writes().length).toBe(writesBefore)
}

describe('pre-flight refusals (nothing written anywhere)', () => {
  it('no group matches', async () => {
    twoServices()
    await expectRefused({ mode: 'deploy', version: 'v2', prefix: 'staging-' }, /No Auto Scaling group starts with "staging-"/)
  })

  it('says why it looks once more before refusing (reads may lag a write), each look in its own fold', async () => {
    twoServices()
    world.updateGroup('prod-web-green', { MinSize: 1, DesiredCapacity: 1 })
    world.advance(5 * 60_000)
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('refused')
    expect(r.log).toMatch(/^::endgroup::\nPre-flight refused \(prod-web: both prod-web-blue and prod-web-green serve.*\); looking once more in 5 s, as AWS reads may lag a write made a moment ago\.\n::group::Discovery and pre-flight, once more\n/m)
  })

  it('a service with one color only, while the other service is fine', async () => {
    twoServices()
    world.addGroup({ name: 'prod-cache-blue', min: 1, max: 2, desired: 1, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    await expectRefused({ mode: 'deploy', version: 'v2' }, /prod-cache: only prod-cache-blue exists; a blue\/green pair also needs prod-cache-green/)
  })

  it('a name without a color suffix', async () => {
    twoServices()
    world.addGroup({ name: 'prod-web-canary', min: 0, max: 1, desired: 0, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web' } })
    await expectRefused({ mode: 'deploy', version: 'v2' }, /prod-web-canary: the name does not end in -blue or -green/)
  })

  it('both colors serving with no deployment recorded', async () => {
    twoServices()
    world.updateGroup('prod-web-green', { MinSize: 1, DesiredCapacity: 1 })
    world.advance(5 * 60_000)
    await expectRefused({ mode: 'deploy', version: 'v2' }, /prod-web: both prod-web-blue and prod-web-green serve/)
  })

  it('groups attached to different target groups', async () => {
    world = newWorld()
    world.addTargetGroup({ name: 'other', healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    addService(world)
    world.addGroup({ name: 'prod-api-blue', min: 1, max: 2, desired: 1, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: 'prod-api-green', min: 0, max: 2, desired: 0, targetGroups: ['other'], tags: { 'docker:image:name': 'web' } })
    await expectRefused({ mode: 'deploy', version: 'v2' }, /prod-api: prod-api-blue and prod-api-green are attached to different target groups \(prod-web vs other\)/)
  })

  it('a scaling activity in progress', async () => {
    twoServices()
    world.setDesiredCapacity('prod-api-blue', 4)
    world.advance(1000) // the launch has started and runs for a minute
    await expectRefused({ mode: 'deploy', version: 'v2' }, /prod-api-blue: a scaling activity is in progress/)
  })

  it('an instance refresh in progress', async () => {
    twoServices()
    world.startInstanceRefresh('prod-web-blue')
    await expectRefused({ mode: 'deploy', version: 'v2' }, /prod-web-blue: instance refresh .* is in progress/)
  })

  it('a warm pool on the idle group', async () => {
    world = newWorld()
    world.addTargetGroup({ name: 'prod-web', healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    world.addGroup({ name: 'prod-web-blue', min: 1, max: 2, desired: 1, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: 'prod-web-green', min: 0, max: 2, desired: 0, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web' }, warmPool: { MinSize: 1 } as never })
    await expectRefused({ mode: 'deploy', version: 'v2' }, /prod-web-green: has a warm pool/)
  })

  it('an unfinished deployment: a new version must wait for finalize or rollback', async () => {
    twoServices()
    const first = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(first.outputs.state).toBe('awaiting-finalize')
    await expectRefused({ mode: 'deploy', version: 'v3' }, /deployment of v2 to prod-(api|web)-green \(by [^)]*\) is waiting for finalize or rollback/)
  })

})

describe('no-ops are notices, not failures', () => {
  it('deploying the version already live changes nothing and succeeds', async () => {
    twoServices()
    const r = await runAction(world, { mode: 'deploy', version: 'v1' })
    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('unchanged')
    expect(r.log).toMatch(/::notice title=prod-api%3A nothing to do::prod-api: v1 is already live on prod-api-blue; nothing to deploy\./)
    expect(world.writes()).toEqual([])
  })

  it('finalize with nothing waiting is unchanged', async () => {
    twoServices()
    const r = await runAction(world, { mode: 'finalize' })
    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('unchanged')
    expect(world.writes()).toEqual([])
  })
})

describe('dry-run', () => {
  it.each(['deploy', 'finalize', 'rollback'])('%s prints the plan and writes nothing', async (mode) => {
    twoServices()
    if (mode !== 'deploy') await runAction(world, { mode: 'deploy', version: 'v2' })
    const writesBefore = world.writes().length
    const r = await runAction(world, { mode, version: 'v3', 'dry-run': 'true' })
    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('planned')
    expect(world.writes().length).toBe(writesBefore)
    expect(r.outputs.plan?.split('\n').length).toBeGreaterThan(2)
    expect(r.summary).toContain('dry run: nothing was changed')
  })
})
