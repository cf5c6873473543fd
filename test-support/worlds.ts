// Ready-made simulated topologies for scenario tests and the demo.
import { SimWorld } from './world.js'
import type { SimWorldOptions } from '../packages/aws-sim/src/index.js'
import type { PutScalingPolicyCommandInput } from '@aws-sdk/client-auto-scaling'

export interface ServiceOptions {
  base?: string
  instances?: number
  max?: number
  version?: string
  targetGroups?: string[]
  imageName?: string
}

export const START = Date.parse('2026-11-28T10:00:00Z')

/** A target-tracking policy (average CPU at 50 %) on `group`, as a PutScalingPolicy input. */
export function cpuTargetPolicy(group: string): PutScalingPolicyCommandInput {
  return {
    AutoScalingGroupName: group,
    PolicyName: 'cpu-target-50',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 }
  }
}

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

export interface WeightedServiceOptions extends Omit<ServiceOptions, 'targetGroups'> {
  /** ALB health checks (default: an ALB target group's defaults, 30 s apart, 5 to healthy). */
  healthCheckIntervalSeconds?: number
  healthyAfterChecks?: number
  deregistrationDelaySeconds?: number
  /** TargetGroupStickinessConfig of every forward. */
  stickiness?: { enabled: boolean; durationSeconds: number }
  /** Also a listener HTTPS:443 with a rule for /api/* forwarding to both colors. */
  secondListener?: boolean
}

/**
 * A pair that moves traffic by weights: each color on a target group of its own (`<base>-blue`, `<base>-green`),
 * an ALB whose listener HTTP:80 forwards to both (blue weight 1, green 0), and optionally a second listener with a rule.
 */
export function addWeightedService(
  world: SimWorld,
  o: WeightedServiceOptions = {}
): { blue: string; green: string; blueTg: string; greenTg: string; listeners: string[]; rules: string[] } {
  const base = o.base ?? 'prod-web'
  const n = o.instances ?? 3
  const [blueTg, greenTg] = [`${base}-blue`, `${base}-green`]
  for (const name of [blueTg, greenTg]) {
    world.addTargetGroup({
      name,
      deregistrationDelaySeconds: o.deregistrationDelaySeconds ?? 300,
      healthCheckIntervalSeconds: o.healthCheckIntervalSeconds ?? 30,
      healthyAfterChecks: o.healthyAfterChecks ?? 5
    })
  }
  const lb = `${base}-alb`
  world.addLoadBalancer({ name: lb })
  const both = [
    { targetGroup: blueTg, weight: 1 },
    { targetGroup: greenTg, weight: 0 }
  ]
  const sticky = o.stickiness ? { stickiness: o.stickiness } : {}
  const listeners = [world.addListener({ loadBalancer: lb, port: 80, forward: both, ...sticky }).arn]
  const rules: string[] = []
  if (o.secondListener) {
    const https = world.addListener({ loadBalancer: lb, port: 443, protocol: 'HTTPS', forward: both, ...sticky }).arn
    listeners.push(https)
    rules.push(world.addRule({ listener: https, priority: 10, pathPattern: '/api/*', forward: both, ...sticky }).arn)
  }
  const tags = { 'docker:image:name': o.imageName ?? 'web', 'docker:image:version': o.version ?? 'v1' }
  const max = o.max ?? Math.max(6, n * 2)
  world.addGroup({ name: `${base}-blue`, min: n, max, desired: n, targetGroups: [blueTg], tags, running: true })
  world.addGroup({ name: `${base}-green`, min: 0, max, desired: 0, targetGroups: [greenTg], tags: { 'docker:image:name': o.imageName ?? 'web' } })
  return { blue: `${base}-blue`, green: `${base}-green`, blueTg, greenTg, listeners, rules }
}
