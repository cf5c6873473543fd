// What the service models share: the account's state (the maps of groups, target groups, instances, alarms),
// its identity, virtual time and the invariant hooks. The world (../world/world.ts) implements this; the
// models depend on this interface, not on the world, so the arrows point down (core ← models ← world).

import type { IdFactory } from '../core/ids.js'
import type { LoadBalancerType, SimAction } from '../core/listener-types.js'
import type { Realism } from '../core/realism.js'
import type { SeededRandom } from '../core/rng.js'
import type {
  DesiredCapacityType,
  InstanceTypeOverride,
  LaunchTemplateSpec,
  ScalingEvent,
  SimAlarm,
  SimGroup,
  SimInstance,
  SimLifecycleHook,
  SimTargetGroup,
  VersionHealth,
  WarmPoolOptions
} from '../core/types.js'

export interface Account {
  readonly region: string
  readonly accountId: string
  /** Tag whose value (copied onto the instance at launch) is the instance's version. */
  readonly versionTagKey: string
  readonly ids: IdFactory
  readonly rng: SeededRandom
  readonly ec2ForgetMs: number
  readonly realism: Realism | undefined
  readonly groups: Map<string, SimGroup>
  readonly targetGroups: Map<string, SimTargetGroup>
  readonly instances: Map<string, SimInstance>
  readonly alarms: Map<string, SimAlarm>
  readonly versionHealth: Map<string, VersionHealth>
  readonly scalingEvents: ScalingEvent[]
  /** Invariant check counters (see SimWorld.checks). */
  readonly checks: { ticks: number; inv1: number; inv2: number; inv3: number; inv4: number; inv5: number }
  /** Current virtual time (epoch ms). */
  now(): number
  /** Process what is due now. */
  settle(): void
  /** Record an invariant violation. */
  violate(detail: string): void
  mustGroup(name: string): SimGroup
  mustInstance(id: string): SimInstance
  /** Invariant 3: an API call must not terminate an instance that serves. */
  checkNotServing(insts: SimInstance[], operation: string): void
  /** Invariant 2: EnterStandby on `group` for `moving` instances. */
  checkEnterStandby(group: SimGroup, moving: SimInstance[]): void
  /** Invariant 5: the forward actions a ModifyListener / ModifyRule wrote (`where` names the call and the resource). */
  checkForwardWeights(where: string, actions: readonly SimAction[]): void
}

export interface TargetGroupOptions {
  name: string
  port?: number
  /** HTTP/HTTPS (an Application Load Balancer's, the default) or TCP/TLS/UDP/TCP_UDP (a Network Load Balancer's). */
  protocol?: string
  deregistrationDelaySeconds?: number
  /** NLB only: `deregistration_delay.connection_termination.enabled` (default false, as in ELBv2). */
  connectionTermination?: boolean
  healthCheckIntervalSeconds?: number
  /** Passing checks before `initial` → `healthy` (also reported as HealthyThresholdCount). */
  healthyAfterChecks?: number
  /** Failing checks before a target is `unhealthy` (reported as UnhealthyThresholdCount; default 2). */
  unhealthyAfterChecks?: number
  healthCheckTimeoutSeconds?: number
  loadBalancerArns?: string[]
}

/** A Classic Load Balancer (models/targets.ts `addClassicLoadBalancer`). */
export interface ClassicLoadBalancerOptions {
  name: string
  /** Connection draining timeout in seconds; 0 = connection draining disabled (default 300, AWS's default). */
  connectionDrainingSeconds?: number
  /** HealthCheck.Interval (default 30). */
  healthCheckIntervalSeconds?: number
  /** HealthCheck.HealthyThreshold: passing checks before InService (default 10, the console's default). */
  healthyAfterChecks?: number
  /** HealthCheck.UnhealthyThreshold (default 2). */
  unhealthyAfterChecks?: number
}

/** An ELBv2 load balancer (models/listeners.ts `addLoadBalancer`). */
export interface LoadBalancerOptions {
  name: string
  /** Default `application`. */
  type?: LoadBalancerType
}

/** A forward action of the builders: target groups by name with their weights. */
export interface ForwardOptions {
  forward: { targetGroup: string; weight: number }[]
  /** The forward's TargetGroupStickinessConfig. */
  stickiness?: { enabled: boolean; durationSeconds: number }
  /** One target group: written as a plain forward with TargetGroupArn (no ForwardConfig), as AWS shows an action created so. */
  singleTarget?: boolean
}

/** A listener (models/listeners.ts `addListener`): a forward default action, or a fixed-response 404. */
export interface ListenerOptions extends Partial<ForwardOptions> {
  loadBalancer: string
  port: number
  /** Default HTTP (TCP on a Network Load Balancer). */
  protocol?: 'HTTP' | 'HTTPS' | 'TCP'
  defaultAction?: 'fixed-response'
}

/** A listener rule with a path-pattern condition and a forward action (models/listeners.ts `addRule`). */
export interface RuleOptions extends ForwardOptions {
  /** The listener's ARN. */
  listener: string
  priority: number
  pathPattern: string
}

export interface GroupOptions {
  name: string
  min: number
  max: number
  desired: number
  targetGroups?: string[]
  loadBalancerNames?: string[]
  /**
   * Traffic sources attached as AttachTrafficSources does: `elbv2` names a target group of this world (by name),
   * `elb` a Classic LB, `vpc-lattice` a VPC Lattice target group (an ARN is made up from the name; no traffic is
   * modelled). Reported in TrafficSources only, not in TargetGroupARNs / LoadBalancerNames.
   */
  trafficSources?: { type: 'elbv2' | 'elb' | 'vpc-lattice'; name: string }[]
  /** Plain values propagate at launch; use `{ value, propagateAtLaunch }` to choose. */
  tags?: Record<string, string | { value: string; propagateAtLaunch: boolean }>
  /** Create the desired instances already InService and healthy in every target group. */
  running?: boolean
  launchSeconds?: number
  healthCheckType?: string
  healthCheckGracePeriod?: number
  newInstancesProtectedFromScaleIn?: boolean
  availabilityZones?: string[]
  warmPool?: WarmPoolOptions
  suspendedProcesses?: string[]
  launchTemplate?: LaunchTemplateSpec
  /** Launch from `launchTemplate` inside a MixedInstancesPolicy with these instance types as Overrides. */
  mixedInstanceTypes?: string[]
  lifecycleHooks?: SimLifecycleHook[]
  instanceType?: string
  /** A mixed instances policy: the instance types launches take in turn, with WeightedCapacity if given. */
  instanceTypes?: InstanceTypeOverride[]
  /** DesiredCapacityType (`vcpu`/`memory-mib`: each instance counts its vCPUs / MiB; needs instanceTypes). */
  desiredCapacityType?: DesiredCapacityType
  capacityRebalance?: boolean
}

export interface AlarmOptions {
  AlarmName: string
  AlarmActions?: string[]
  OKActions?: string[]
  InsufficientDataActions?: string[]
  MetricName?: string
  Namespace?: string
  Statistic?: string
  Dimensions?: { Name: string; Value: string }[]
  Period?: number
  EvaluationPeriods?: number
  Threshold?: number
  ComparisonOperator?: string
  ActionsEnabled?: boolean
  [key: string]: unknown
}
