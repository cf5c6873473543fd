// State records of the simulated world. Times are epoch milliseconds of virtual time.

/** One instance type a mixed instances group may launch (MixedInstancesPolicy.LaunchTemplate.Overrides[]). */
export interface InstanceTypeOverride {
  instanceType: string
  /** WeightedCapacity: units this type counts for (1–999). Give it for every override or for none. */
  weight?: number
  /** LaunchTemplateSpecification: this type launches from this template (its own version) instead of the policy's. */
  launchTemplate?: LaunchTemplateSpec
  /** ImageId: this type launches this AMI whatever its template version names. */
  imageId?: string
}

export type DesiredCapacityType = 'units' | 'vcpu' | 'memory-mib'

export type LifecycleState =
  | 'Pending'
  | 'Pending:Wait'
  | 'InService'
  | 'EnteringStandby'
  | 'Standby'
  | 'Terminating'
  | 'Terminated'
  | 'Detaching'
  | 'Detached'

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining'
/**
 * How the targets of a version fare: `healthy`, `unhealthy` (the app never answers), `stuck-initial` (checks
 * never conclude), or a slow-booting app that fails its checks for about `unhealthyForSeconds` (±20 % per
 * instance) after registration, then passes.
 */
export type VersionHealth = 'healthy' | 'unhealthy' | 'stuck-initial' | { unhealthyForSeconds: number }
export type Ec2State = 'pending' | 'running' | 'shutting-down' | 'terminated'

export const ALL_PROCESSES = [
  'Launch',
  'Terminate',
  'AddToLoadBalancer',
  'AlarmNotification',
  'AZRebalance',
  'HealthCheck',
  'InstanceRefresh',
  'ReplaceUnhealthy',
  'ScheduledActions'
] as const
export type ProcessName = (typeof ALL_PROCESSES)[number]

/**
 * A lifecycle hook as DescribeLifecycleHooks reports it (HeartbeatTimeout default 3600, DefaultResult
 * default ABANDON). `holdSeconds` (sim only): a launch hook keeps each instance it launches in
 * `Pending:Wait` that long after launch (the hook's handler then completes it with CONTINUE); unset, the
 * hook does not hold instances. Termination hooks are only reported.
 */
export interface SimLifecycleHook {
  LifecycleHookName: string
  LifecycleTransition: string
  HeartbeatTimeout?: number
  DefaultResult?: string
  holdSeconds?: number
}

export interface SimInstance {
  id: string
  group: string | undefined
  lifecycle: LifecycleState
  healthStatus: 'Healthy' | 'Unhealthy'
  availabilityZone: string
  protectedFromScaleIn: boolean
  launchTime: number
  instanceType: string
  tags: Record<string, string>
  /** Value of the version tag at launch. */
  version: string | undefined
  ec2State: Ec2State
  /** Milliseconds a launch hook will hold it in Pending:Wait once it has launched (unset: no hook holds it). */
  hookHoldMs?: number | undefined
  /** Name of the launch hook holding it in Pending:Wait. */
  hookName?: string | undefined
  /** Next lifecycle transition (Pending→InService, EnteringStandby→Standby, Terminating→Terminated, Detaching→Detached). */
  due: number | undefined
  /** When a Terminated instance disappears from its group's listing. */
  goneAt: number | undefined
  /** When an EC2 shutting-down instance becomes terminated. */
  ec2TerminatedAt: number | undefined
  inServiceSince: number | undefined
  /** Activity completed by the next transition. */
  activityId: string | undefined
  healthOverride: { state: 'unhealthy'; reason: string; description: string } | undefined
  launchTemplate: LaunchTemplateSpec | undefined
  /** Capacity units the instance counts for (its WeightedCapacity; 1 in a group that counts instances). */
  weight: number
  /** Capacity Rebalancing: the at-risk Spot instance this one replaces (terminated once this one is InService). */
  replaces?: string | undefined
  /** Capacity Rebalancing: at elevated risk, its replacement launched; no longer counted toward desired. */
  atRisk?: boolean
  /** The AMI it launched from (its launch template version's ImageId), when the template is known to the world. */
  imageId?: string | undefined
  /** When EC2 forgets the terminated instance (world option `ec2ForgetMs` after it became `terminated`). */
  forgetAt?: number | undefined
  /** EC2 no longer knows the id: its APIs answer as for an id that never existed. */
  forgotten?: boolean
  /** EC2 `DisableApiTermination` (termination protection). */
  disableApiTermination?: boolean
  /** Who detached it from its group: a test (semantic call) or a request (the code under test). */
  detachedBy?: 'test' | 'api' | undefined
  /** Slow-booting version: when the app on this instance starts answering its health checks. */
  appReadyAt?: number | undefined
  /** EC2 `StateReason` of its last state change (set when it stops running: who or what took it away). */
  stateReason?: { code: string; message: string } | undefined
  /** EC2 `InstanceLifecycle` (`spot` for a Spot instance; absent for On-Demand). */
  instanceLifecycle?: 'spot' | undefined
  /** An interruption by EC2: when Auto Scaling's EC2 health check first sees it is no longer running. */
  asgSeesEc2At?: number | undefined
}

export interface LaunchTemplateSpec {
  LaunchTemplateId?: string
  LaunchTemplateName?: string
  Version?: string
}

export interface SimTarget {
  /** When Auto Scaling deregistered it (an NLB may still route new connections to it for minutes after). */
  deregisteredAt?: number
  id: string
  port: number
  state: TargetState
  reason: string | undefined
  description: string | undefined
  due: number | undefined
  next: { state: TargetState | 'removed'; reason?: string; description?: string } | undefined
  /** A second scheduled transition, taken over once `next` has happened (slow boot: unhealthy, then healthy). */
  after?: { due: number; next: { state: TargetState | 'removed'; reason?: string; description?: string } } | undefined
  /** When the target was registered. */
  registeredAt?: number | undefined
}

export interface SimTargetGroup {
  name: string
  arn: string
  port: number
  protocol: string
  vpcId: string
  deregistrationDelaySeconds: number
  /** NLB target groups: `deregistration_delay.connection_termination.enabled` (close what is open when the delay ends). */
  connectionTermination: boolean
  /** NLB target groups: until when a deregistered instance may still get new connections (models/targets.ts). */
  newConnectionsUntil?: Map<string, number>
  healthCheckIntervalSeconds: number
  healthyAfterChecks: number
  unhealthyThresholdCount: number
  healthCheckTimeoutSeconds: number
  healthCheckPath: string
  loadBalancerArns: string[]
  targets: Map<string, SimTarget>
  /**
   * A Classic Load Balancer modelled as a target group (models/targets.ts): keyed `classic:<name>` in
   * `world.targetGroups`, never listed by ELBv2, answered by DescribeInstanceHealth; its
   * `deregistrationDelaySeconds` is the connection draining timeout (0 = draining disabled).
   */
  classic?: boolean
}

export interface SimTag {
  key: string
  value: string
  propagateAtLaunch: boolean
}

export interface SimActivity {
  ActivityId: string
  AutoScalingGroupName: string
  AutoScalingGroupARN: string
  Description: string
  Cause: string
  StartTime: number
  EndTime: number | undefined
  StatusCode: string
  StatusMessage: string | undefined
  Progress: number
  Details: string
}

export interface SimPolicy {
  /** Every field PutScalingPolicy accepted, as sent (AWS member names). */
  fields: Record<string, unknown>
  PolicyName: string
  PolicyType: string
  PolicyARN: string
  Enabled: boolean
  /** Names of the service-managed alarms (target tracking). */
  managedAlarms: string[]
}

export interface SimScheduledAction {
  ScheduledActionName: string
  ScheduledActionARN: string
  StartTime: number
  EndTime: number | undefined
  Recurrence: string | undefined
  MinSize: number | undefined
  MaxSize: number | undefined
  DesiredCapacity: number | undefined
  TimeZone: string | undefined
}

export interface SimRefresh {
  InstanceRefreshId: string
  Status: string
  StartTime: number
  EndTime: number | undefined
  PercentageComplete: number
  StatusReason: string | undefined
}

export interface WarmPoolOptions {
  MinSize?: number
  MaxGroupPreparedCapacity?: number
  PoolState?: 'Stopped' | 'Running' | 'Hibernated'
  size?: number
}

export interface SimTrafficSource {
  type: 'elbv2' | 'elb' | 'vpc-lattice'
  identifier: string
}

export interface SimGroup {
  name: string
  arn: string
  min: number
  max: number
  desired: number
  targetGroupArns: string[]
  loadBalancerNames: string[]
  /**
   * Attached with AttachTrafficSources (or CreateAutoScalingGroup TrafficSources): reported in TrafficSources
   * only, never in TargetGroupARNs / LoadBalancerNames. `identifier`: a target group ARN (elbv2, vpc-lattice)
   * or a Classic LB name (elb).
   */
  trafficSources: SimTrafficSource[]
  tags: Map<string, SimTag>
  suspended: Map<string, string>
  instanceIds: string[]
  policies: Map<string, SimPolicy>
  scheduled: Map<string, SimScheduledAction>
  activities: SimActivity[]
  healthCheckType: string
  healthCheckGracePeriod: number
  newInstancesProtectedFromScaleIn: boolean
  warmPool: WarmPoolOptions | undefined
  createdTime: number
  availabilityZones: string[]
  launchSeconds: number
  launchFailure: string | undefined
  /** Launch attempts still to fail (undefined: until clearLaunchFailures). */
  launchFailuresLeft?: number | undefined
  nextLaunchAttempt: number
  refreshes: SimRefresh[]
  launchTemplate: LaunchTemplateSpec | undefined
  /** The launch template sits inside a MixedInstancesPolicy (these instance types as Overrides). */
  mixedInstanceTypes?: string[] | undefined
  lifecycleHooks: SimLifecycleHook[]
  instanceType: string
  /** Mixed instances policy: the instance types it may launch, with their weights (weights.ts). */
  overrides?: InstanceTypeOverride[] | undefined
  desiredCapacityType?: DesiredCapacityType | undefined
  /** CapacityRebalance: a Spot instance at elevated risk of interruption is replaced before it is terminated. */
  capacityRebalance?: boolean
  /** Which override the next launch picks (they take turns). */
  launchTurn: number
}

export interface SimAlarm {
  /** Configuration as last sent by PutMetricAlarm / addAlarm (AWS member names). */
  config: Record<string, unknown>
  AlarmName: string
  AlarmArn: string
  StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'
  StateReason: string
  StateUpdatedTimestamp: number
  /** Last change of StateValue (StateUpdatedTimestamp also moves when only the reason changes). */
  StateTransitionedTimestamp?: number
  AlarmConfigurationUpdatedTimestamp: number
  /** Created and deleted by Auto Scaling for a target-tracking policy. */
  managedBy: string | undefined
  /** Tags given when the alarm was created (PutMetricAlarm on an existing alarm ignores Tags; DescribeAlarms never returns them). */
  tags?: { Key: string; Value: string }[]
  /** Every state the alarm took (creation, setAlarmState, fireAlarm), in order: what a watcher could have seen. */
  history?: { state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'; reason: string; at: number }[]
}

export interface ScalingEvent {
  time: number
  kind: 'alarm' | 'scheduled-action' | 'target-tracking'
  name: string
  group: string | undefined
  policyArn?: string
  outcome: 'executed' | 'skipped'
  reason?: string
  from?: number
  to?: number
}

export interface CallRecord {
  seq: number
  time: number
  service: 'autoscaling' | 'elbv2' | 'elb' | 'ec2' | 'cloudwatch' | 'sts' | 'unknown'
  operation: string
  params: unknown
  write: boolean
  ok: boolean
  error?: string
}
