// Issue 19, item 11: behind a Network Load Balancer (TCP/TLS/UDP target groups) a deregistered instance may
// still get new connections for a few minutes, and its open connections are closed at the end of the
// deregistration delay only with connection termination on. The deploy says so (by load balancer type):
// not "left the load balancer" / "traffic moved", as an ALB's deregistration means.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

const BLUE = 'prod-web-blue'
const TG = 'prod-web'
let world: SimWorld
afterEach(() => world.assertNoViolations())

function scene(protocol: string, connectionTermination?: boolean): SimWorld {
  world = newWorld({})
  world.addTargetGroup({ name: TG, protocol, deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2, ...(connectionTermination !== undefined ? { connectionTermination } : {}) })
  addService(world, { instances: 3 })
  world.setBaseline()
  return world
}

function shown(at: number): string {
  return new Date(Math.ceil(at / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ')
}

describe('deploy behind a Network Load Balancer says what is true of it', () => {
  it.each([
    [false, 'connections still open then are not closed by the load balancer (connection termination on deregistration is off)'],
    [true, 'the load balancer closes the connections still open then (connection termination on deregistration is on)']
  ])('NLB target group, connection termination %s: new connections may still arrive for minutes; drain-ends-at as for an ALB', async (termination, closing) => {
    scene('TCP', termination)
    const v1 = world.group(BLUE).instances.map((i) => i.id)
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    const endedAt = world.now()
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    // What the simulated NLB does: the old instances, deregistered, still take new connections.
    expect(v1.every((id) => world.takesNewConnections(TG, id))).toBe(true)
    expect(world.keepsConnectionsPastDelay(TG)).toBe(!termination)

    // drain-ends-at: the end of the deregistration delay, as for an ALB.
    const reported = Date.parse(deploy.outputs['drain-ends-at'] ?? '')
    expect(reported - endedAt).toBeLessThanOrEqual(300_000)
    expect(reported - endedAt).toBeGreaterThan(290_000)

    expect(deploy.summary).not.toContain('left the load balancer')
    expect(deploy.summary).toContain(
      `3 instance(s) of \`prod-web-blue\` (v1) were deregistered from the target groups of a Network Load Balancer, which may still send them new connections for a few minutes; 3 drain open connections until ${shown(reported)} UTC at the latest (the deregistration delay), when ${closing}`
    )
    expect(deploy.summary + deploy.log).not.toMatch(/traffic moved after/)
    expect(deploy.summary).toMatch(/deregistered from the load balancer after .*; a Network Load Balancer may still send them new connections for a few minutes/)
    world.advance(reported - world.now())
    expect(world.group(BLUE).instances.map((i) => i.lifecycle)).toEqual(['Standby', 'Standby', 'Standby'])
  })

  it('ALB target group: today\'s wording (left the load balancer, traffic moved)', async () => {
    scene('HTTP')
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.failed).toBe(false)
    expect(deploy.summary).toContain('3 instance(s) of `prod-web-blue` (v1) left the load balancer; 3 still drain open connections until')
    expect(deploy.summary).not.toContain('Network Load Balancer')
    expect(deploy.summary).toMatch(/traffic moved after/)
  })
})
