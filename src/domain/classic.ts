// Classic Load Balancers, as one more "target" of an instance: each Classic LB a group is attached to (by
// name) gets a key beside the target group ARNs in `Instance.targets`, and its DescribeInstanceHealth
// answer is mapped into the target group states, so health waits, the traffic-moved wait and the summary
// treat it like a target group.
//
// Facts (Elastic Load Balancing API reference 2012-06-01, InstanceState and DescribeInstanceHealth;
// "Configure connection draining for your Classic Load Balancer"):
// - State is InService | OutOfService | Unknown; ReasonCode (why OutOfService) is ELB | Instance | N/A.
// - A freshly registered instance is OutOfService "Instance registration is still in progress." before its
//   first passing checks: not a failing app.
// - Instances named in the request are answered even when no longer registered ("Instance is not currently
//   registered with the LoadBalancer."); terminated instances are left out of the answer.
// - While connection draining, a deregistering instance reads **InService** "Instance deregistration
//   currently in progress."; afterwards OutOfService "not currently registered".
import type { Group, TargetHealth } from './model.js'

/** Prefix of a Classic LB's key in `Instance.targets`: never the start of an ARN ("arn:"). */
export const CLASSIC_KEY_PREFIX = 'classic-lb/'

export function classicKey(loadBalancerName: string): string {
  return `${CLASSIC_KEY_PREFIX}${loadBalancerName}`
}

/** The Classic LB name of a key, or undefined for a target group ARN. */
export function classicName(key: string): string | undefined {
  return key.startsWith(CLASSIC_KEY_PREFIX) ? key.slice(CLASSIC_KEY_PREFIX.length) : undefined
}

/** Everything that sends the group's instances traffic: its target group ARNs, then its Classic LB keys. */
export function trafficKeys(g: Pick<Group, 'targetGroupArns' | 'loadBalancerNames'>): string[] {
  return [...g.targetGroupArns, ...g.loadBalancerNames.map(classicKey)]
}

const DEREGISTERING = /deregistration currently in progress/i
const REGISTERING = /registration is still in progress/i
const NOT_PASSED = /not passed the configured HealthyThreshold/i
const NOT_REGISTERED = /not currently registered|in (stopped|terminated) state/i
const FAILED = /failed at least the UnhealthyThreshold/i

/**
 * A DescribeInstanceHealth InstanceState in target group terms: InService → healthy, except while
 * connection draining (→ draining: it takes no new requests); registering or not yet past the healthy
 * threshold → initial; not registered (or stopped, terminated) → unused; failed checks (ReasonCode
 * Instance) → unhealthy; anything else (Unknown, an Availability Zone the LB does not serve) → unavailable.
 * `reason` keeps the LB's own words: state and ReasonCode.
 */
export function classicHealth(state: string | undefined, reasonCode: string | undefined, description: string | undefined): TargetHealth {
  const text = description && description !== 'N/A' ? description : undefined
  const reason = `${state ?? 'Unknown'}${reasonCode && reasonCode !== 'N/A' ? `, ReasonCode ${reasonCode}` : ''}`
  const health = (s: TargetHealth['state']): TargetHealth => ({ state: s, reason, ...(text ? { description: text } : {}) })
  if (state === 'InService') return text && DEREGISTERING.test(text) ? health('draining') : { state: 'healthy' }
  if (state !== 'OutOfService') return health('unavailable')
  if (text && DEREGISTERING.test(text)) return health('draining')
  if (text && REGISTERING.test(text)) return health('initial')
  if (text && NOT_REGISTERED.test(text)) return health('unused')
  if (text && NOT_PASSED.test(text)) return health('initial')
  return reasonCode === 'Instance' || (text && FAILED.test(text)) ? health('unhealthy') : health('unavailable')
}
