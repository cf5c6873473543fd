// The domain vocabulary: groups, pairs, colors and the snapshot a plan is computed from.
// Pure types; nothing here talks to AWS or to GitHub.

export type Mode = 'deploy' | 'canary' | 'finalize' | 'rollback' | 'status'

export interface Capacity {
  min: number
  desired: number
  max: number
}

export type TargetState =
  | 'initial'
  | 'healthy'
  | 'unhealthy'
  | 'unhealthy.draining'
  | 'unused'
  | 'draining'
  | 'unavailable'

export interface TargetHealth {
  state: TargetState
  reason?: string
  description?: string
}

export interface Instance {
  id: string
  lifecycle: string
  healthStatus?: string
  protectedFromScaleIn: boolean
  /** Its Availability Zone (DescribeAutoScalingGroups Instances[].AvailabilityZone), when reported. */
  zone?: string
  /**
   * Capacity units it counts for toward desired capacity (its WeightedCapacity in a weighted group, its
   * vCPUs or MiB with DesiredCapacityType vcpu/memory-mib). Absent: 1 (a group that counts instances).
   */
  weight?: number
  /**
   * EC2 no longer runs it (terminated or forgotten) although the group still lists it: Auto Scaling does
   * not health-check Standby instances, so one terminated behind its back stays listed as Standby.
   */
  gone?: boolean
  /** Target health per target group ARN (only for instances registered or asked about). */
  targets: Record<string, TargetHealth>
}

export interface ScalingPolicy {
  name: string
  arn: string
  type: string
  /** Every field PutScalingPolicy accepts, as DescribePolicies returned it (minus group, name, arn, alarms). */
  settings: Record<string, unknown>
  alarmNames: string[]
}

export interface ScheduledAction {
  name: string
  startTime?: Date
  endTime?: Date
  recurrence?: string
  timeZone?: string
  min?: number
  max?: number
  desired?: number
}

export interface Activity {
  id: string
  status: string
  description: string
  message?: string
  startTime: Date
}

/** A lifecycle hook of a group (DescribeLifecycleHooks). */
export interface LifecycleHook {
  name: string
  /** `autoscaling:EC2_INSTANCE_LAUNCHING` or `autoscaling:EC2_INSTANCE_TERMINATING`. */
  transition: string
  /** Seconds an instance waits for the hook to complete before DefaultResult applies (AWS default 3600). */
  heartbeatTimeoutSeconds: number
  /** CONTINUE or ABANDON. */
  defaultResult?: string
}

export const LAUNCH_HOOK = 'autoscaling:EC2_INSTANCE_LAUNCHING'
export const TERMINATE_HOOK = 'autoscaling:EC2_INSTANCE_TERMINATING'

export interface Group {
  name: string
  color: string
  capacity: Capacity
  instances: Instance[]
  tags: Record<string, string>
  /** ELBv2 target groups, attached either way (TargetGroupARNs, or AttachTrafficSources type elbv2). */
  targetGroupArns: string[]
  /** Classic Load Balancers, attached either way (LoadBalancerNames, or a traffic source of type elb). */
  loadBalancerNames: string[]
  /** Traffic sources of another type (VPC Lattice, or one this action does not know): nothing gates on them. */
  otherTrafficSources?: { type: string; identifier: string }[]
  suspendedProcesses: string[]
  newInstancesProtected: boolean
  /** Seconds Auto Scaling waits before health-checking a new instance (HealthCheckGracePeriod). */
  healthCheckGracePeriodSeconds?: number
  warmPool: boolean
  /** Lifecycle hooks; undefined when not read (light observations during waits). */
  lifecycleHooks?: LifecycleHook[]
  policies: ScalingPolicy[]
  scheduledActions: ScheduledAction[]
  /** Most recent scaling activities, newest first. */
  activities: Activity[]
  activeInstanceRefresh?: string
  /**
   * What MinSize/DesiredCapacity/MaxSize count when it is not instances: `units` (instance weights),
   * `vcpu` or `memory-mib` (DesiredCapacityType). Absent: instances.
   */
  capacityUnit?: CapacityUnit
  /**
   * The WeightedCapacity of each instance type of its mixed instances policy (`LaunchTemplateOverrides`), as
   * `type=weight` sorted; absent when no override carries one (each instance counts 1, or its vCPUs / MiB).
   */
  weights?: string[]
  /** The launch template the group launches from (LaunchTemplate, or inside MixedInstancesPolicy). */
  launchTemplate?: LaunchSource
  /** Set when the group launches from a launch configuration instead. */
  launchConfiguration?: string
}

/** A group's launch template and version as DescribeAutoScalingGroups shows it. */
export interface LaunchSource {
  id?: string
  name?: string
  /** A version number, `$Latest` or `$Default`. */
  version: string
  /** The template sits inside the group's MixedInstancesPolicy. */
  mixed: boolean
  /** The policy's overrides (MixedInstancesPolicy.LaunchTemplate.Overrides), in order, when one has its own template or image. */
  overrides?: LaunchOverride[]
}

/** One mixed instances override, as far as a deploy by image cares: what it launches, and from what. */
export interface LaunchOverride {
  instanceType?: string
  /** WeightedCapacity, as Auto Scaling reports it (a string). */
  weight?: string
  /** LaunchTemplateSpecification: this type launches from its own template instead of the policy's. */
  template?: { id?: string; name?: string; version: string }
  /** ImageId: this type launches this AMI. */
  imageId?: string
}

export type CapacityUnit = 'units' | 'vcpu' | 'memory-mib'

/** Two groups of one service, `<prefix><base>-<color>`, keyed by color name. */
export interface Pair {
  base: string
  groups: [Group, Group]
  /** The ALB listeners in front of the pair, read when its colors use different target groups (domain/traffic.ts). */
  listeners?: PairListeners
}

/** One forward action that names a target group of the pair: a listener's default action or a rule's. */
export interface Forward {
  /** The listener ARN (its default action) or the rule ARN. */
  arn: string
  on: 'listener' | 'rule'
  /** For messages: `listener HTTP:80 of web` or `rule 10 of listener HTTP:80 of web`. */
  label: string
  /** Its target groups and weights, in the action's order. */
  targetGroups: { arn: string; weight: number }[]
  /** TargetGroupStickinessConfig is enabled: clients stay on their target group up to this many seconds. */
  stickySeconds?: number
}

/** What an observation read of the listeners in front of a pair whose colors use different target groups. */
export interface PairListeners {
  /** Every listener of the load balancers of the pair's target groups (found once, then re-read by ARN). */
  listeners: { arn: string; label: string }[]
  /** Every forward action of those listeners that names a target group of either color. */
  forwards: Forward[]
}


/** Lifecycle states in which an instance is on its way into or in Standby. */
export const STANDBY_STATES = new Set(['EnteringStandby', 'Standby'])
/** Lifecycle states in which an instance is on its way out of the group for good. */
export const LEAVING_STATES = new Set([
  'Terminating',
  'Terminating:Wait',
  'Terminating:Proceed',
  'Terminating:Retained',
  'Terminated',
  'Detaching',
  'Detached'
])
export const PENDING_STATES = new Set(['Pending', 'Pending:Wait', 'Pending:Proceed'])

export function inStandby(i: Instance): boolean {
  return STANDBY_STATES.has(i.lifecycle)
}

/** Instances that count toward the group's desired capacity (not standby, not leaving). */
export function activeInstances(g: Group): Instance[] {
  return g.instances.filter((i) => !STANDBY_STATES.has(i.lifecycle) && !LEAVING_STATES.has(i.lifecycle))
}

export function standbyInstances(g: Group): Instance[] {
  return g.instances.filter(inStandby)
}

export function launchHooks(g: Group): LifecycleHook[] {
  return (g.lifecycleHooks ?? []).filter((h) => h.transition === LAUNCH_HOOK)
}

export function terminationHooks(g: Group): LifecycleHook[] {
  return (g.lifecycleHooks ?? []).filter((h) => h.transition === TERMINATE_HOOK)
}

/** Capacity units an instance counts for (1 unless its group is weighted). */
export function weightOf(i: Instance): number {
  return i.weight ?? 1
}

/** Capacity units of these instances: their count in a group that counts instances. */
export function unitsOf(instances: Instance[]): number {
  return instances.reduce((n, i) => n + weightOf(i), 0)
}

/** What the group's capacity counts, for messages: `instance(s)`, `unit(s)`, `vCPU(s)` or `MiB`. */
export function unitWord(g: Pick<Group, 'capacityUnit'>): string {
  switch (g.capacityUnit) {
    case 'units':
      return 'capacity unit(s)'
    case 'vcpu':
      return 'vCPU(s)'
    case 'memory-mib':
      return 'MiB'
    default:
      return 'instance(s)'
  }
}

export function formatCapacity(c: Capacity): string {
  return `min ${c.min} / desired ${c.desired} / max ${c.max}`
}
