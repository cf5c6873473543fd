// Issue 19, item 6: an instance EC2 takes away by itself (a Spot interruption without Capacity Rebalancing,
// a scheduled retirement, a host failure) during the health wait or the bake is not the release's fault.
// Its target fails first, then Auto Scaling replaces it: the action reads EC2's StateReason before blaming
// the version, keeps waiting for the replacement (health wait) or keeps baking (bake), and says what
// happened. A version that fails by itself (replaced after failed health checks) still fails as before.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { BLUE, GREEN } from '../../test-support/faults.js'

let world: SimWorld
afterEach(() => {
  world.faults.beforeWrite = undefined
  world.assertNoViolations()
})

function scene(): SimWorld {
  world = newWorld()
  addService(world, { instances: 3 })
  world.setBaseline()
  return world
}

/** Runs `fn` `afterMs` after the first write matching `when`, while the action runs. */
function after(when: (op: string, params: { AutoScalingGroupName?: string; DesiredCapacity?: string }) => boolean, afterMs: number, fn: () => void): void {
  let armed = true
  world.faults.beforeWrite = (op, params) => {
    if (!armed || !when(op, params as never)) return
    armed = false
    void world.clock.sleep(afterMs).then(fn)
  }
}

const scaleUpOfGreen = (op: string, p: { AutoScalingGroupName?: string; DesiredCapacity?: string }): boolean =>
  op === 'UpdateAutoScalingGroup' && p.AutoScalingGroupName === GREEN && Number(p.DesiredCapacity) > 0

function inService(group: string, version?: string): string[] {
  return world
    .group(group)
    .instances.filter((i) => i.lifecycle === 'InService' && (version === undefined || i.version === version))
    .map((i) => i.id)
}

/** The first new instance EC2 runs and its target group has registered: EC2 interrupts it. */
function interruptOneNew(code?: string): () => string {
  let victim = ''
  after(scaleUpOfGreen, 65_000, () => {
    victim = inService(GREEN)[0] ?? ''
    world.interruptByAws(victim, code)
  })
  return () => victim
}

describe('EC2 takes a new instance away during the health wait', () => {
  it('a Spot interruption (Server.SpotInstanceTermination): the wait waits for the replacement, the deploy completes and says what happened', async () => {
    scene()
    const victim = interruptOneNew()
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(victim()).toMatch(/^i-/)
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'awaiting-finalize' })
    expect(inService(GREEN, 'v2')).toHaveLength(3)
    expect(inService(GREEN)).not.toContain(victim())
    expect(world.healthyCount('prod-web')).toBe(3)
    expect(r.log).toMatch(new RegExp(`${victim()}.*Spot interruption.*Server\\.SpotInstanceTermination.*not counted against the release`))
    expect(world.lostInstances()).toEqual([])
  })

  it('a scheduled retirement (Server.ScheduledStop) is not the release either', async () => {
    scene()
    const victim = interruptOneNew('Server.ScheduledStop')
    const r = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect({ failed: r.failed, errors: r.errors, state: r.outputs.state }).toEqual({ failed: false, errors: [], state: 'awaiting-finalize' })
    expect(r.log).toMatch(new RegExp(`${victim()}.*Server\\.ScheduledStop`))
  })

  it('a version Auto Scaling replaces after failed health checks (ELB health checks) still fails: EC2 says it was Auto Scaling, not EC2', async () => {
    scene()
    const green = world.groups.get(GREEN)
    if (!green) throw new Error('no green group')
    green.healthCheckType = 'ELB'
    green.healthCheckGracePeriod = 0
    world.setVersionHealth('v2', 'unhealthy')
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'health-timeout': '20m' })
    expect(r.outputs.state).toBe('aborted')
    expect(r.errors.join('\n')).toMatch(/Auto Scaling replaced i-[0-9a-f]+.* after failed health checks/)
    expect(inService(BLUE, 'v1')).toHaveLength(3)
  })
})

describe('EC2 takes a new instance away during the bake', () => {
  it('a Spot interruption mid-bake: the bake does not roll back, it passes and its summary names the instance and the reason', async () => {
    scene()
    let victim = ''
    after((op) => op === 'EnterStandby', 2 * 60_000, () => {
      // The test breaks one serving target itself: invariant 1 holds the action to one less from here.
      world.setBaseline()
      for (const [arn, n] of world.baseline) world.baseline.set(arn, n - 1)
      victim = inService(GREEN)[0] ?? ''
      world.interruptByAws(victim)
    })
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'bake-time': '10m' })
    expect(victim).toMatch(/^i-/)
    expect({ failed: r.failed, errors: r.errors }).toEqual({ failed: false, errors: [] })
    expect(r.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': GREEN, 'bake-result': 'passed' })
    expect(r.summary).toContain(victim)
    expect(r.summary).toMatch(/Server\.SpotInstanceTermination/)
    expect(inService(GREEN, 'v2')).not.toContain(victim)
    expect(inService(GREEN, 'v2')).toHaveLength(3)
  })

  it('a target of the release failing by itself mid-bake still rolls back', async () => {
    scene()
    after((op) => op === 'EnterStandby', 2 * 60_000, () => {
      world.setBaseline()
      for (const [arn, n] of world.baseline) world.baseline.set(arn, n - 1)
      world.makeUnhealthy(inService(GREEN)[0] ?? '', 'Target.Timeout', 'Request timed out')
    })
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'bake-time': '10m' })
    expect(r.failed).toBe(true)
    expect(r.outputs).toMatchObject({ state: 'rolled-back', 'bake-result': 'rolled-back' })
    expect(r.errors.join('\n')).toMatch(/unhealthy 3 checks in a row/)
  })
})
