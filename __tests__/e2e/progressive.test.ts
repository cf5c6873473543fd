// Progressive delivery through the committed bundle, each step a new `node dist/index.js` process talking
// to the simulated AWS over loopback HTTP (virtual time 600× real time; the action's own waits, its
// poll-interval and bake-time, are real): a bake that rolls a release back by itself, and a canary that a
// deploy of the same version promotes.
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { type BundleRun, runBundle, expectExit } from '../../test-support/bundle.js'
import { type SimServer, startSimServer } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { addService, newWorld } from '../../test-support/worlds.js'

const SPEED = 600
const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '2m' }
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

let server: SimServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function setup(): Promise<{ world: SimWorld; endpoint: string }> {
  const world = newWorld()
  addService(world, { instances: 3, version: 'v1' })
  world.addAlarm({ AlarmName: 'web-5xx', MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Threshold: 10 })
  world.setAlarmState('web-5xx', 'OK')
  server = await startSimServer(world, { speed: SPEED })
  return { world, endpoint: server.url }
}

function run(endpoint: string, inputs: Record<string, string>): Promise<BundleRun> {
  return runBundle({ endpoint, inputs: { ...COMMON, ...inputs } })
}

function ids(world: SimWorld, group: string, lifecycle: string): string[] {
  return world
    .group(group)
    .instances.filter((i) => i.lifecycle === lifecycle)
    .map((i) => i.id)
    .sort()
}

/** Resolves (real time) once `ready` holds. */
async function until(ready: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now()
  while (!ready()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('progressive delivery through the bundle', () => {
  it('a deploy with a bake: the alarm entering ALARM mid-bake rolls the release back by itself and fails the step naming the alarm and its reason', async () => {
    const { world, endpoint } = await setup()
    const v1 = ids(world, BLUE, 'InService')
    world.setBaseline()
    const deploy = run(endpoint, { mode: 'deploy', version: 'v2', 'bake-time': '20s', 'alarm-names': 'web-5xx' })
    // Cutover began (no v1 instance in service any more); a few seconds into the bake the alarm fires.
    await until(() => ids(world, BLUE, 'InService').length === 0)
    const firedAt = Date.now()
    await new Promise((r) => setTimeout(r, 4_000))
    world.setAlarmState('web-5xx', 'ALARM', 'Threshold Crossed: 2 datapoints [31.0, 44.0] were greater than the threshold (10.0).')
    const r = await deploy
    expectExit(r, 1)
    expect(Date.now() - firedAt).toBeLessThan(20_000 + 60_000)
    expect(r.outputs).toMatchObject({ state: 'rolled-back', 'live-group': BLUE, version: 'v1', 'bake-result': 'rolled-back' })
    expect(r.outputs['bake-watched']).toMatch(/^alarm\(s\) web-5xx and the target health of prod-web-green for \d+s of 20s$/)
    expect(r.errors.join('\n')).toContain('alarm web-5xx is in ALARM: Threshold Crossed: 2 datapoints [31.0, 44.0] were greater than the threshold (10.0).')
    expect(r.summary).toMatch(/<td>web-5xx<\/td><td>ALARM<\/td>/)
    expect(ids(world, BLUE, 'InService')).toEqual(v1)
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0 })
    expect(world.healthyCount('prod-web')).toBe(3)
    world.assertNoViolations()
  })

  it('a canary, then a deploy of the same version promotes it without relaunching the canary instance', async () => {
    const { world, endpoint } = await setup()
    world.setBaseline()
    const canary = await run(endpoint, { mode: 'canary', version: 'v2', 'bake-time': '3s', 'alarm-names': 'web-5xx' })
    expectExit(canary, 0)
    const canaryIds = ids(world, GREEN, 'InService')
    expect(canaryIds).toHaveLength(1)
    expect(canary.outputs).toMatchObject({ state: 'canary', 'live-group': BLUE, 'canary-share': '1 of 4', 'bake-result': 'passed' })
    expect(JSON.parse(canary.outputs['canary-instances'] ?? '[]')).toEqual(canaryIds)
    expect(canary.summary).toContain('## Blue/green canary of v2')
    expect(world.group(BLUE)).toMatchObject({ min: 3, desired: 3, max: 6, suspendedProcesses: [] })

    const status = await run(endpoint, { mode: 'status' })
    expectExit(status, 0)
    expect(status.outputs).toMatchObject({ state: 'canary', 'canary-share': '1 of 4' })

    const promote = await run(endpoint, { mode: 'deploy', version: 'v2' })
    expectExit(promote, 0)
    expect(promote.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': GREEN, version: 'v2', 'previous-version': 'v1', 'canary-share': '' })
    const serving = ids(world, GREEN, 'InService')
    expect(serving).toHaveLength(3)
    expect(serving).toEqual(expect.arrayContaining(canaryIds))
    expect(ids(world, BLUE, 'Standby').length + ids(world, BLUE, 'EnteringStandby').length).toBe(3)
    world.assertNoViolations()
  })
})
