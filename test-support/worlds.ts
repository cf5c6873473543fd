// Ready-made simulated topologies for scenario tests and the demo.
import { SimWorld } from './world.js'
import type { SimWorldOptions } from '../packages/aws-sim/src/index.js'

export interface ServiceOptions {
  base?: string
  instances?: number
  max?: number
  version?: string
  targetGroups?: string[]
  imageName?: string
}

export const START = Date.parse('2026-11-28T10:00:00Z')

/**
 * One world, one target group per service (unless given), each service a blue (live) / green (idle) pair.
 * `options` reach the SimWorld (e.g. `seed`, `realism`, `ec2ForgetMs`, `pageSize`).
 */
export function newWorld(options: SimWorldOptions = {}): SimWorld {
  return new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', ...options })
}

export function addService(world: SimWorld, o: ServiceOptions = {}): { blue: string; green: string; tg: string } {
  const base = o.base ?? 'prod-web'
  const n = o.instances ?? 3
  const tgs = o.targetGroups ?? [base]
  for (const name of tgs) {
    if (![...world.targetGroups.values()].some((t) => t.name === name)) {
      world.addTargetGroup({ name, deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    }
  }
  const tags = { 'docker:image:name': o.imageName ?? 'web', 'docker:image:version': o.version ?? 'v1' }
  world.addGroup({ name: `${base}-blue`, min: n, max: o.max ?? Math.max(6, n * 2), desired: n, targetGroups: tgs, tags, running: true })
  world.addGroup({ name: `${base}-green`, min: 0, max: o.max ?? Math.max(6, n * 2), desired: 0, targetGroups: tgs, tags: { 'docker:image:name': o.imageName ?? 'web' } })
  return { blue: `${base}-blue`, green: `${base}-green`, tg: tgs[0] as string }
}
