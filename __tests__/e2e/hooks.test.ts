// The committed bundle with a termination lifecycle hook on the group finalize would retire: finalize is
// refused in pre-flight (detach + EC2 TerminateInstances would skip the hook) and writes nothing.
// Each step is a new `node dist/index.js` process against the simulator over loopback HTTP, 600× real time.
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runBundle, expectExit } from '../../test-support/bundle.js'
import { type SimServer, startSimServer } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { newWorld } from '../../test-support/worlds.js'

const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '2m' }
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

let server: SimServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Wait (real time) until no instance of the pair is launching, draining or terminating. */
async function quiet(world: SimWorld, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  const busy = (): boolean => [BLUE, GREEN].some((n) => world.group(n).instances.some((i) => !['InService', 'Standby'].includes(i.lifecycle)))
  while (busy()) {
    if (Date.now() - started > timeoutMs) throw new Error('the pair did not settle')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('the bundle and lifecycle hooks', () => {
  it('finalize is refused for a termination hook on the group it would retire; nothing is written', async () => {
    const world = newWorld()
    world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    const hooks = [{ LifecycleHookName: 'ship-logs', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 600 }]
    world.addGroup({ name: BLUE, min: 2, max: 6, desired: 2, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true, lifecycleHooks: hooks })
    world.addGroup({ name: GREEN, min: 0, max: 6, desired: 0, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web' }, lifecycleHooks: hooks })
    server = await startSimServer(world, { speed: 600 })

    const deploy = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'deploy', version: 'v2' } })
    expectExit(deploy, 0)
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    await quiet(world)
    const standby = world.group(BLUE).instances.filter((i) => i.lifecycle === 'Standby').map((i) => i.id)
    expect(standby).toHaveLength(2)

    const writesBefore = world.writes().length
    const finalize = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'finalize' } })
    expectExit(finalize, 1)
    expect(finalize.outputs.state).toBe('refused')
    const errors = finalize.errors.join('\n')
    expect(errors).toContain(`${BLUE}: has termination lifecycle hook(s) ship-logs`)
    expect(errors).toContain('aws autoscaling terminate-instance-in-auto-scaling-group')
    expect(finalize.summary).toContain('Pre-flight refused the run; nothing was changed anywhere')
    expect(world.writes().length).toBe(writesBefore)
    expect(world.group(BLUE).instances.map((i) => [i.id, i.lifecycle, i.ec2State])).toEqual(standby.map((id) => [id, 'Standby', 'running']))
  })
})
