// Issue 20 through the committed bundle: a pair that moves traffic by ALB weights deploys, rolls back, deploys
// again and finalizes, each step a new `node dist/index.js` process talking to the simulated AWS over loopback
// HTTP (virtual time 60× real time), with the simulated ALB counting which version served each request.
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { expectExit, runBundle } from '../../test-support/bundle.js'
import { type SimServer, startSimServer } from '../../packages/aws-sim/src/index.js'
import { addWeightedService, newWorld } from '../../test-support/worlds.js'

const SPEED = 60
const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '20m' }
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

let server: SimServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('weighted target groups through the bundle', () => {
  it('deploy, rollback, deploy and finalize: weight writes only, no v2 request before its cutover, none after the rollback', async () => {
    const world = newWorld()
    // Health checks 10 s apart, 2 to healthy, a 30 s drain: each step takes seconds of real time at 60×.
    const { listeners } = addWeightedService(world, { instances: 3, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2, deregistrationDelaySeconds: 30 })
    world.setBaseline()
    world.startRequests({ perSecond: 5 })
    server = await startSimServer(world, { speed: SPEED })
    const listener = listeners[0] as string

    const deploy = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'deploy', version: 'v2' } })
    expectExit(deploy, 0)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': GREEN, version: 'v2' })
    expect(JSON.parse(deploy.outputs.pairs ?? '[]')[0]).toMatchObject({ traffic: 'weights' })
    expect(world.forwardWeights(listener)).toEqual({ [BLUE]: 0, [GREEN]: 1 })
    const cutover = world.calls.find((c) => c.ok && c.operation === 'ModifyListener')?.time ?? 0
    expect(world.servedBy({ version: 'v2', until: cutover })).toBe(0)

    const rollbackStart = world.now()
    const rollback = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'rollback' } })
    expectExit(rollback, 0)
    expect(rollback.outputs).toMatchObject({ state: 'rolled-back', 'live-group': BLUE, version: 'v1' })
    expect(world.forwardWeights(listener)).toEqual({ [BLUE]: 1, [GREEN]: 0 })
    // Over the wire at 60× a real second of process start-up is a virtual minute: the figure that matters,
    // from the weight write on, is the same as in process.
    const back = world.calls.find((c) => c.ok && c.operation === 'ModifyListener' && c.time >= rollbackStart)?.time ?? 0
    expect(world.servedBy({ version: 'v2', since: back + 2_000 })).toBe(0)
    expect(world.calls.some((c) => c.operation === 'EnterStandby' || c.operation === 'ExitStandby')).toBe(false)

    expectExit(await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'deploy', version: 'v3' } }), 0)
    const finalize = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'finalize' } })
    expectExit(finalize, 0)
    expect(finalize.outputs).toMatchObject({ state: 'finalized', 'live-group': GREEN, version: 'v3' })
    expect(world.group(BLUE)).toMatchObject({ min: 0, desired: 0, suspendedProcesses: [] })
    expect(world.servedBy({ status: 503 })).toBe(0)
    world.assertNoViolations()
  })

  it('a bake that trips goes back by the same weight write, through the bundle', async () => {
    const world = newWorld()
    const { listeners } = addWeightedService(world, { instances: 2, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2, deregistrationDelaySeconds: 30 })
    world.addAlarm({ AlarmName: 'web-5xx', MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Threshold: 10 })
    world.setAlarmState('web-5xx', 'OK')
    world.setBaseline()
    world.startRequests({ perSecond: 5 })
    // The alarm fires 2 virtual minutes after the cutover's weight write.
    let armed = true
    world.faults.beforeWrite = (op) => {
      if (op !== 'ModifyListener' || !armed) return
      armed = false
      void world.clock.sleep(120_000).then(() => world.setAlarmState('web-5xx', 'ALARM', 'errors after cutover'))
    }
    server = await startSimServer(world, { speed: SPEED })
    const deploy = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'deploy', version: 'v2', 'bake-time': '30m', 'alarm-names': 'web-5xx' } })
    world.faults.beforeWrite = undefined
    expectExit(deploy, 1)
    expect(deploy.outputs).toMatchObject({ state: 'rolled-back', 'bake-result': 'rolled-back', 'live-group': BLUE, version: 'v1' })
    expect(deploy.errors.join('\n')).toContain('alarm web-5xx is in ALARM: errors after cutover')
    expect(world.forwardWeights(listeners[0] as string)).toEqual({ [BLUE]: 1, [GREEN]: 0 })
    const writes = world.calls.filter((c) => c.ok && c.operation === 'ModifyListener')
    expect(writes).toHaveLength(2)
    expect(world.servedBy({ version: 'v2', since: (writes[1]?.time ?? 0) + 2_000 })).toBe(0)
    expect(world.calls.some((c) => c.operation === 'EnterStandby' || c.operation === 'ExitStandby')).toBe(false)
    world.assertNoViolations()
  })
})
