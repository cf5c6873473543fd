// Shared fixture for the simulator tests: a blue/green pair behind one target group. Realism is off unless a
// test asks for it: these tests pin exact virtual times and single-page answers.
import { SimWorld } from '../../test-support/world.js'
import type { SimWorldOptions } from '../../packages/aws-sim/src/index.js'

export const START = Date.parse('2026-11-28T10:00:00Z')

export function pairWorld(options: { blueDesired?: number; blueMin?: number; world?: SimWorldOptions } = {}): SimWorld {
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false, ...options.world })
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  world.addGroup({
    name: 'prod-web-blue',
    min: options.blueMin ?? 2,
    max: 6,
    desired: options.blueDesired ?? 3,
    targetGroups: ['prod-web'],
    tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' },
    running: true
  })
  world.addGroup({
    name: 'prod-web-green',
    min: 0,
    max: 6,
    desired: 0,
    targetGroups: ['prod-web'],
    tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }
  })
  return world
}
