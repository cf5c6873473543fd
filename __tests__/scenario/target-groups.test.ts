// Invariant 2 with two target groups whose health checks differ: the old instances leave the load
// balancer only once every new instance is healthy in *every* target group, the slow one included.
import { describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { START } from '../../test-support/worlds.js'
import { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

/** Fast web target group (healthy after 20 s) listed first, slow api target group (healthy after 5 min) second. */
function scene(): SimWorld {
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012' })
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  world.addTargetGroup({ name: 'prod-api', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 30, healthyAfterChecks: 10 })
  const tgs = ['prod-web', 'prod-api']
  world.addGroup({ name: BLUE, min: 3, max: 6, desired: 3, targetGroups: tgs, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
  world.addGroup({ name: GREEN, min: 0, max: 6, desired: 0, targetGroups: tgs, tags: { 'docker:image:name': 'web' } })
  return world
}

describe('two target groups with different health-check timings', () => {
  it('deploy moves the old instances to Standby only once the new ones are healthy in the slow target group too', async () => {
    const world = scene()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    const firstStandby = world.calls.find((c) => c.operation === 'EnterStandby' && c.ok)
    const launched = world.calls.find((c) => c.operation === 'UpdateAutoScalingGroup' && c.ok)
    // Launch (60 s) + the slow group's 10 checks of 30 s: at least 6 minutes between scaling up and cutover.
    expect((firstStandby?.time ?? 0) - (launched?.time ?? 0)).toBeGreaterThanOrEqual(6 * 60_000)
    for (const tg of ['prod-web', 'prod-api']) expect({ tg, healthy: world.healthyCount(tg) }).toEqual({ tg, healthy: 3 })
    // (the after-test check fails the test on any invariant 1 or 2 violation in either target group)
  })

  it('rollback drains the new group only once the old instances are healthy again in both target groups', async () => {
    const world = scene()
    await runAction(world, { mode: 'deploy', version: 'v2' })
    const r = await runAction(world, { mode: 'rollback' })
    expect(r.outputs.state).toBe('rolled-back')
    const exit = world.calls.find((c) => c.operation === 'ExitStandby' && c.ok)
    const idle = world.calls.filter((c) => c.operation === 'UpdateAutoScalingGroup' && c.ok && (c.params as { AutoScalingGroupName?: string }).AutoScalingGroupName === GREEN).pop()
    expect((idle?.time ?? 0) - (exit?.time ?? 0)).toBeGreaterThanOrEqual(5 * 60_000)
    for (const tg of ['prod-web', 'prod-api']) expect({ tg, healthy: world.healthyCount(tg) }).toEqual({ tg, healthy: 3 })
  })
})

describe('traffic sources attached with AttachTrafficSources (reported in TrafficSources, not in TargetGroupARNs)', () => {
  /** prod-web attached the old way, the slow prod-api as a traffic source; `extra` adds more traffic sources. */
  function sourced(o: { legacy?: boolean; lattice?: boolean } = {}): SimWorld {
    const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012' })
    world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    world.addTargetGroup({ name: 'prod-api', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 30, healthyAfterChecks: 10 })
    const attach = {
      targetGroups: o.legacy === false ? [] : ['prod-web'],
      trafficSources: [
        ...(o.legacy === false ? [{ type: 'elbv2' as const, name: 'prod-web' }] : []),
        { type: 'elbv2' as const, name: 'prod-api' },
        ...(o.lattice ? [{ type: 'vpc-lattice' as const, name: 'web' }] : [])
      ]
    }
    world.addGroup({ name: BLUE, min: 3, max: 6, desired: 3, ...attach, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: GREEN, min: 0, max: 6, desired: 0, ...attach, tags: { 'docker:image:name': 'web' } })
    return world
  }

  it('deploy gates cutover on a target group attached as a traffic source, like one in TargetGroupARNs', async () => {
    const world = sourced()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('awaiting-finalize')
    const firstStandby = world.calls.find((c) => c.operation === 'EnterStandby' && c.ok)
    const launched = world.calls.find((c) => c.operation === 'UpdateAutoScalingGroup' && c.ok)
    // The traffic source prod-api turns new targets healthy after 10 checks of 30 s: cutover waits for it.
    expect((firstStandby?.time ?? 0) - (launched?.time ?? 0)).toBeGreaterThanOrEqual(6 * 60_000)
    for (const tg of ['prod-web', 'prod-api']) expect({ tg, healthy: world.healthyCount(tg) }).toEqual({ tg, healthy: 3 })
    world.assertNoViolations()
  })

  it('a pair attached only through traffic sources deploys and rolls back (not refused as attached to nothing)', async () => {
    const world = sourced({ legacy: false })
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.errors).toEqual([])
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.outputs.state).toBe('rolled-back')
    for (const tg of ['prod-web', 'prod-api']) expect({ tg, healthy: world.healthyCount(tg) }).toEqual({ tg, healthy: 3 })
    world.assertNoViolations()
  })

  it('a VPC Lattice traffic source is refused before anything is written, naming the group, the source and why', async () => {
    const world = sourced({ lattice: true })
    const writes = world.writes().length
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(r.outputs.state).toBe('refused')
    const error = r.errors.join('\n')
    expect(error).toContain('prod-web-green: traffic source arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-web (vpc-lattice)')
    expect(error).toContain('cannot tell when it sends requests to the new instances')
    expect(error).toContain('aws autoscaling detach-traffic-sources --auto-scaling-group-name prod-web-green')
    expect(world.writes().length).toBe(writes)
  })
})
