// Issue 22 (cutover lag): after EnterStandby the run takes the old instances out of their target groups
// itself (DeregisterTargets), so the old version stops taking new requests one call later, not when Auto
// Scaling's own deregistration reaches each target group (set to 5 s here). Best effort: a role that may not
// call it is told once and the deploy carries on, traffic moving when Auto Scaling deregisters them; a
// rollback after such a cutover returns the old instances to service (ExitStandby registers them again).
import { afterEach, describe, expect, it } from '@jest/globals'
import { EventLog } from '../../test-support/events.js'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const AWS_LAG_MS = 5_000
let world: SimWorld
afterEach(() => world.assertNoViolations())

function scene(): { events: EventLog; old: string[] } {
  world = newWorld({ realism: { deregisterLagMs: [AWS_LAG_MS, AWS_LAG_MS] } })
  addService(world, { instances: 3, targetGroups: ['prod-web', 'prod-web-admin'] })
  world.setBaseline()
  const events = new EventLog(world)
  return { events, old: world.group(BLUE).instances.map((i) => i.id) }
}

/** ms from the last EnterStandby reaching AWS to the last old target draining in any target group. */
function standbyToDraining(events: EventLog, old: string[]): number {
  const standby = Math.max(...world.calls.filter((c) => c.operation === 'EnterStandby' && c.ok).map((c) => c.time))
  const drains = events.targets.filter((e) => e.state === 'draining' && old.includes(e.id))
  expect(new Set(drains.map((e) => `${e.id} ${e.targetGroup}`)).size).toBe(old.length * 2)
  return Math.max(...drains.map((e) => e.at)) - standby
}

describe('the cutover takes the old instances out of the load balancer itself', () => {
  it('every old target drains within a second of EnterStandby, in both target groups (Auto Scaling would take 5 s)', async () => {
    const { events, old } = scene()
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    expect(standbyToDraining(events, old)).toBeLessThan(1_000)
    const calls = world.calls.filter((c) => c.operation === 'DeregisterTargets')
    expect(calls.map((c) => [c.ok, ((c.params as { Targets?: { Id: string }[] }).Targets ?? []).map((t) => t.Id).sort()])).toEqual([
      [true, [...old].sort()],
      [true, [...old].sort()]
    ])
    expect(deploy.log).toMatch(/3 instance\(s\) of prod-web-blue taken out of 2 target group\(s\) at once/)

    // A rollback returns them: ExitStandby registers them again, and they serve v1 once healthy.
    world.advance(10_000)
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.failed).toBe(false)
    for (const tg of ['prod-web', 'prod-web-admin']) {
      expect(world.targetStates(tg).filter((t) => t.state === 'healthy').map((t) => t.id).sort()).toEqual([...old].sort())
    }
    expect(world.group(GREEN).desired).toBe(0)
  })

  it("the cutover's first write follows the look that found the new instances healthy, without reading groups or target health again", async () => {
    const { events, old } = scene()
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    const healthy = Math.max(...events.targets.filter((e) => e.state === 'healthy' && !old.includes(e.id)).map((e) => e.at))
    const handOver = world.calls.find((c) => c.operation === 'CreateOrUpdateTags' && c.time >= healthy && JSON.stringify(c.params).includes('blue-green:live-capacity'))
    expect(handOver).toBeDefined()
    const between = world.calls.filter((c) => c.time >= healthy && c.seq < (handOver?.seq ?? 0)).map((c) => c.operation)
    // The look that ends the wait reads each target group once; its groups' details and the image check follow.
    expect(between.filter((op) => op === 'DescribeTargetHealth')).toHaveLength(2)
    expect(between.filter((op) => op === 'DescribeAutoScalingGroups')).toHaveLength(1)
  })

  it('a role without elbv2:DeregisterTargets is told once; the deploy goes on and traffic moves with Auto Scaling', async () => {
    const { events, old } = scene()
    world.faults.inject({
      operation: 'DeregisterTargets',
      error: { code: 'AccessDenied', status: 403, message: 'User: arn:aws:sts::123456789012:assumed-role/deploy/run is not authorized to perform: elasticloadbalancing:DeregisterTargets' },
      times: 100
    })
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    const warnings = deploy.log.split('\n').filter((l) => l.startsWith('::warning') && l.includes('elasticloadbalancing:DeregisterTargets'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('IAM permissions')
    // Both target groups were tried in the one wave; nothing after the refusal.
    expect(world.calls.filter((c) => c.operation === 'DeregisterTargets').length).toBeLessThanOrEqual(2)
    expect(standbyToDraining(events, old)).toBeGreaterThanOrEqual(AWS_LAG_MS)
  })
})
