// The SDK's answers in domain terms, as pure functions: what each field defaults to when AWS leaves it
// out, which fields a policy's settings keep, what counts as capacity. No calls here.
import type {
  Activity as SdkActivity,
  AutoScalingGroup,
  InstanceRefresh,
  LifecycleHook as SdkHook,
  ScalingPolicy as SdkPolicy,
  ScheduledUpdateGroupAction
} from '@aws-sdk/client-auto-scaling'
import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch'
import type { Image, Instance as Ec2Instance } from '@aws-sdk/client-ec2'
import type { TargetGroup, TargetHealthDescription, TargetGroupAttribute } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { AlarmStatus } from '../domain/bake.js'
import type { ImageInfo } from '../domain/image.js'
import type { InstanceFate } from '../domain/interruption.js'
import type { Activity, CapacityUnit, LaunchOverride, LaunchSource, LifecycleHook, ScalingPolicy, ScheduledAction, TargetHealth, TargetState } from '../domain/model.js'
import type { GroupDescription, TargetGroupDrain, TargetGroupHealthCheck } from './port.js'

export function toGroup(g: AutoScalingGroup): GroupDescription {
  const tags: Record<string, string> = {}
  for (const t of g.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? ''
  const unit = capacityUnitOf(g)
  return {
    name: g.AutoScalingGroupName ?? '',
    capacity: { min: g.MinSize ?? 0, desired: g.DesiredCapacity ?? 0, max: g.MaxSize ?? 0 },
    instances: (g.Instances ?? []).map((i) => ({
      id: i.InstanceId ?? '',
      lifecycle: i.LifecycleState ?? 'Pending',
      ...(i.HealthStatus ? { healthStatus: i.HealthStatus } : {}),
      protectedFromScaleIn: i.ProtectedFromScaleIn ?? false,
      ...(i.AvailabilityZone ? { zone: i.AvailabilityZone } : {}),
      ...weightOfInstance(unit, i.WeightedCapacity),
      targets: {}
    })),
    tags,
    ...trafficOf(g),
    suspendedProcesses: (g.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? '').filter((p) => p !== ''),
    newInstancesProtected: g.NewInstancesProtectedFromScaleIn ?? false,
    ...(g.HealthCheckGracePeriod !== undefined ? { healthCheckGracePeriodSeconds: g.HealthCheckGracePeriod } : {}),
    warmPool: g.WarmPoolConfiguration !== undefined,
    ...launchSourceOf(g),
    policies: [],
    scheduledActions: [],
    activities: [],
    ...(unit ? { capacityUnit: unit } : {}),
    ...weightsOf(g)
  }
}

/**
 * Where the group's instances take traffic: target groups and Classic LBs attached with the older APIs
 * (TargetGroupARNs, LoadBalancerNames) or with AttachTrafficSources, which DescribeAutoScalingGroups reports in
 * TrafficSources only (types elbv2, elb, vpc-lattice). Other types are kept apart: nothing can gate on them.
 */
function trafficOf(g: AutoScalingGroup): Pick<GroupDescription, 'targetGroupArns' | 'loadBalancerNames' | 'otherTrafficSources'> {
  const sources = (g.TrafficSources ?? []).filter((t) => t.Identifier)
  const of = (type: string) => sources.filter((t) => t.Type === type).map((t) => t.Identifier as string)
  const other = sources.filter((t) => t.Type !== 'elbv2' && t.Type !== 'elb').map((t) => ({ type: t.Type ?? '(no type)', identifier: t.Identifier as string }))
  return {
    targetGroupArns: [...new Set([...(g.TargetGroupARNs ?? []), ...of('elbv2')])],
    loadBalancerNames: [...new Set([...(g.LoadBalancerNames ?? []), ...of('elb')])],
    ...(other.length > 0 ? { otherTrafficSources: other } : {})
  }
}

/** The instance types' weights (`type=weight`, sorted), when the overrides carry any. */
function weightsOf(g: AutoScalingGroup): { weights?: string[] } {
  const overrides = (g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).filter((o) => o.WeightedCapacity !== undefined && o.WeightedCapacity !== '')
  if (overrides.length === 0) return {}
  return { weights: overrides.map((o) => `${o.InstanceType ?? '(instance requirements)'}=${o.WeightedCapacity}`).sort() }
}

/**
 * What the group's sizes count: instance weights (MixedInstancesPolicy overrides with WeightedCapacity) make
 * them units; DesiredCapacityType vcpu / memory-mib makes them vCPUs / MiB. Otherwise instances.
 */
function capacityUnitOf(g: AutoScalingGroup): CapacityUnit | undefined {
  if (g.DesiredCapacityType === 'vcpu' || g.DesiredCapacityType === 'memory-mib') return g.DesiredCapacityType
  const overrides = g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []
  if (overrides.some((o) => o.WeightedCapacity !== undefined && o.WeightedCapacity !== '')) return 'units'
  return undefined
}

/** Each instance's WeightedCapacity (a string) in a group that counts units; absent otherwise (counts 1). */
function weightOfInstance(unit: CapacityUnit | undefined, w: string | undefined): { weight?: number } {
  if (unit === undefined || w === undefined) return {}
  const n = Number(w)
  return Number.isFinite(n) && n > 0 ? { weight: n } : {}
}

/** Where a group's instances come from: a launch template (plain or in a mixed instances policy), or a launch configuration. */
function launchSourceOf(g: AutoScalingGroup): { launchTemplate?: LaunchSource; launchConfiguration?: string } {
  const mixed = g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification
  const spec = mixed ?? g.LaunchTemplate
  if (spec && (spec.LaunchTemplateId || spec.LaunchTemplateName)) {
    return {
      launchTemplate: {
        ...(spec.LaunchTemplateId ? { id: spec.LaunchTemplateId } : {}),
        ...(spec.LaunchTemplateName ? { name: spec.LaunchTemplateName } : {}),
        // Auto Scaling's default when no version is given is $Default (LaunchTemplateSpecification.Version).
        version: spec.Version ?? '$Default',
        mixed: mixed !== undefined,
        ...overridesOf(g)
      }
    }
  }
  return g.LaunchConfigurationName ? { launchConfiguration: g.LaunchConfigurationName } : {}
}

/**
 * A mixed instances policy's overrides (instance type, weight, an override's own template or image), when
 * one of them launches from its own template or image; absent otherwise (every type launches the policy's).
 */
function overridesOf(g: AutoScalingGroup): { overrides?: LaunchOverride[] } {
  const list = g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []
  if (!list.some((o) => o.ImageId || o.LaunchTemplateSpecification?.LaunchTemplateId || o.LaunchTemplateSpecification?.LaunchTemplateName)) return {}
  return {
    overrides: list.map((o) => {
      const t = o.LaunchTemplateSpecification
      return {
        ...(o.InstanceType ? { instanceType: o.InstanceType } : {}),
        ...(o.WeightedCapacity ? { weight: o.WeightedCapacity } : {}),
        ...(t && (t.LaunchTemplateId || t.LaunchTemplateName)
          ? { template: { ...(t.LaunchTemplateId ? { id: t.LaunchTemplateId } : {}), ...(t.LaunchTemplateName ? { name: t.LaunchTemplateName } : {}), version: t.Version ?? '$Default' } }
          : {}),
        ...(o.ImageId ? { imageId: o.ImageId } : {})
      }
    })
  }
}

export function toActivity(a: SdkActivity): Activity {
  return {
    id: a.ActivityId ?? '',
    status: a.StatusCode ?? '',
    description: a.Description ?? '',
    ...(a.StatusMessage ? { message: a.StatusMessage } : {}),
    startTime: a.StartTime ?? new Date(0)
  }
}

/** What identifies a policy rather than configures it: the rest is its settings, sent back when it moves. */
const POLICY_ID_FIELDS = new Set(['AutoScalingGroupName', 'PolicyName', 'PolicyARN', 'PolicyType', 'Alarms'])

export function toPolicy(p: SdkPolicy): ScalingPolicy {
  const settings: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(p)) if (!POLICY_ID_FIELDS.has(k) && v !== undefined) settings[k] = v
  return {
    name: p.PolicyName ?? '',
    arn: p.PolicyARN ?? '',
    type: p.PolicyType ?? 'SimpleScaling',
    settings,
    alarmNames: (p.Alarms ?? []).map((a) => a.AlarmName ?? '').filter((n) => n !== '')
  }
}

export function toScheduledAction(a: ScheduledUpdateGroupAction): ScheduledAction {
  return {
    name: a.ScheduledActionName ?? '',
    ...(a.StartTime ? { startTime: a.StartTime } : {}),
    ...(a.EndTime ? { endTime: a.EndTime } : {}),
    ...(a.Recurrence ? { recurrence: a.Recurrence } : {}),
    ...(a.TimeZone ? { timeZone: a.TimeZone } : {}),
    ...(a.MinSize !== undefined ? { min: a.MinSize } : {}),
    ...(a.MaxSize !== undefined ? { max: a.MaxSize } : {}),
    ...(a.DesiredCapacity !== undefined ? { desired: a.DesiredCapacity } : {})
  }
}

export function toLifecycleHook(h: SdkHook): LifecycleHook {
  return {
    name: h.LifecycleHookName ?? '',
    transition: h.LifecycleTransition ?? '',
    // AWS's default HeartbeatTimeout is one hour.
    heartbeatTimeoutSeconds: h.HeartbeatTimeout ?? 3600,
    ...(h.DefaultResult ? { defaultResult: h.DefaultResult } : {})
  }
}

/** Instance refresh states in which the refresh still replaces instances (or is rolling back). */
const ACTIVE_REFRESH = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking'])

/** The refresh still running among a group's newest ones, as `id (status)`; undefined when none is. */
export function activeRefreshOf(refreshes: InstanceRefresh[]): string | undefined {
  const active = refreshes.find((r) => ACTIVE_REFRESH.has(r.Status ?? ''))
  return active ? `${active.InstanceRefreshId} (${active.Status})` : undefined
}

/** One target's health, keyed by its instance id (undefined when the answer names no target). */
export function toTargetHealth(d: TargetHealthDescription): [string, TargetHealth] | undefined {
  const id = d.Target?.Id
  if (!id) return undefined
  return [
    id,
    {
      state: (d.TargetHealth?.State ?? 'unavailable') as TargetState,
      ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
      ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {})
    }
  ]
}

/** How ELBv2 reports a target the target group does not list (read whole, not by name). */
export const NOT_REGISTERED: TargetHealth = { state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group' }

/** A target group's health-check timing, with ELBv2's defaults for what it leaves out. */
export function toHealthCheck(tg: TargetGroup): TargetGroupHealthCheck {
  return {
    intervalSeconds: tg.HealthCheckIntervalSeconds ?? 30,
    healthyThreshold: tg.HealthyThresholdCount ?? 5,
    unhealthyThreshold: tg.UnhealthyThresholdCount ?? 2,
    ...(NETWORK_PROTOCOLS.has(tg.Protocol ?? '') ? { network: true } : {})
  }
}

/** A Network Load Balancer's target group protocols (an ALB's are HTTP and HTTPS, a GWLB's GENEVE). */
const NETWORK_PROTOCOLS = new Set(['TCP', 'TLS', 'UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC'])

/** A target group's deregistration delay in seconds, from its attributes. */
export function deregistrationDelayOf(attributes: TargetGroupAttribute[]): number {
  const value = attributes.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value
  // ELBv2's default when the attribute is absent (it is always returned in practice).
  return value === undefined ? 300 : Number(value)
}

/** A target group's drain: its delay, and (NLB target groups only) whether the connections still open when it ends are closed. */
export function drainOf(attributes: TargetGroupAttribute[]): TargetGroupDrain {
  const termination = attributes.find((a) => a.Key === 'deregistration_delay.connection_termination.enabled')?.Value
  return { delaySeconds: deregistrationDelayOf(attributes), ...(termination !== undefined ? { connectionTermination: termination === 'true' } : {}) }
}

export function toAlarmStatus(a: MetricAlarm | CompositeAlarm): AlarmStatus | undefined {
  if (!a.AlarmName) return undefined
  return {
    name: a.AlarmName,
    state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStatus['state'],
    reason: a.StateReason ?? '',
    since: (a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp ?? new Date(0)).getTime()
  }
}

const GONE_EC2_STATES = new Set(['shutting-down', 'terminated'])

/** What EC2 says of an instance's fate: its state, StateReason and InstanceLifecycle. */
export function toInstanceFate(i: Ec2Instance): InstanceFate {
  return {
    state: i.State?.Name ?? 'unknown',
    ...(i.StateReason?.Code ? { reasonCode: i.StateReason.Code } : {}),
    ...(i.StateReason?.Message ? { reasonMessage: i.StateReason.Message } : {}),
    ...(i.InstanceLifecycle ? { lifecycle: i.InstanceLifecycle } : {})
  }
}

/** Whether EC2 still runs (or is about to run) this instance: not shutting down or terminated. */
export function isRunning(i: Ec2Instance): boolean {
  return !GONE_EC2_STATES.has(i.State?.Name ?? '')
}

export function tagsOf(i: Ec2Instance): Record<string, string> {
  return Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))
}

export function toImage(i: Image): ImageInfo {
  return {
    id: i.ImageId ?? '',
    state: i.State ?? 'unknown',
    ...(i.Name ? { name: i.Name } : {}),
    ...(i.CreationDate ? { created: i.CreationDate } : {}),
    ...(i.OwnerId ? { owner: i.OwnerId } : {})
  }
}

/** Replaces the AutoScalingGroupName dimension value `from` by `to`, anywhere in a nested structure. */
export function swapGroupDimension<T>(value: T, from: string, to: string): T {
  if (Array.isArray(value)) return value.map((v) => swapGroupDimension(v, from, to)) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const o = value as Record<string, unknown>
    if (o.Name === 'AutoScalingGroupName' && o.Value === from) return { ...o, Value: to } as T
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, swapGroupDimension(v, from, to)])) as T
  }
  return value
}
