// EC2 Auto Scaling (AWS Query, version 2011-01-01): request parsing and result shapes.

import { validation } from '../../core/errors.js'
import { bool, date, num, obj, objList, str, strList } from '../form.js'
import type { SimActivity, SimGroup, SimInstance, SimPolicy } from '../../core/types.js'
import type { World } from '../../world/world.js'
import type { XmlValue } from '../xml.js'
import { type Bag, optional, page, read, type Service, write, type XmlResult } from './service.js'

const NUMERIC = new Set([
  'ScalingAdjustment',
  'Cooldown',
  'MinAdjustmentMagnitude',
  'MinAdjustmentStep',
  'EstimatedInstanceWarmup',
  'MetricIntervalLowerBound',
  'MetricIntervalUpperBound',
  'TargetValue',
  'Period',
  'SchedulingBufferTime',
  'MaxCapacityBuffer'
])
const BOOLEAN = new Set(['Enabled', 'DisableScaleIn', 'ReturnData'])

/** Give policy fields their model types back (the form body carries only strings). */
function coerce(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => coerce(x))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, coerce(x, k)]))
  if (typeof v === 'string' && NUMERIC.has(key) && v !== '' && Number.isFinite(Number(v))) return Number(v)
  if (typeof v === 'string' && BOOLEAN.has(key)) return v === 'true'
  return v
}

const d = (t: number | undefined): Date | undefined => (t === undefined ? undefined : new Date(t))

function renderActivity(a: SimActivity): XmlResult {
  return {
    ActivityId: a.ActivityId,
    AutoScalingGroupName: a.AutoScalingGroupName,
    Description: a.Description,
    Cause: a.Cause,
    StartTime: d(a.StartTime),
    EndTime: d(a.EndTime),
    StatusCode: a.StatusCode,
    StatusMessage: a.StatusMessage,
    Progress: a.Progress,
    Details: a.Details,
    AutoScalingGroupARN: a.AutoScalingGroupARN
  }
}

function renderInstance(g: SimGroup, i: SimInstance): XmlResult {
  return {
    InstanceId: i.id,
    InstanceType: i.instanceType,
    // Reported for the instances of a mixed instances group (a string, e.g. "4").
    WeightedCapacity: g.overrides ? String(i.weight) : undefined,
    AvailabilityZone: i.availabilityZone,
    LifecycleState: i.lifecycle,
    HealthStatus: i.healthStatus,
    LaunchTemplate: i.launchTemplate ? { ...i.launchTemplate } : undefined,
    ProtectedFromScaleIn: i.protectedFromScaleIn
  }
}

function renderTags(g: SimGroup): XmlValue[] {
  return [...g.tags.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((t) => ({ ResourceId: g.name, ResourceType: 'auto-scaling-group', Key: t.key, Value: t.value, PropagateAtLaunch: t.propagateAtLaunch }))
}

export function renderGroup(w: World, g: SimGroup, includeInstances: boolean): XmlResult {
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchTemplate: g.launchTemplate && !g.overrides && !g.mixedInstanceTypes ? { ...g.launchTemplate } : undefined,
    MixedInstancesPolicy: g.overrides
      ? {
          LaunchTemplate: {
            LaunchTemplateSpecification: g.launchTemplate ? { ...g.launchTemplate } : { LaunchTemplateName: `${g.name}-lt`, Version: '$Default' },
            Overrides: g.overrides.map((o) => ({
              InstanceType: o.instanceType,
              WeightedCapacity: o.weight === undefined ? undefined : String(o.weight),
              LaunchTemplateSpecification: o.launchTemplate ? { ...o.launchTemplate } : undefined,
              ImageId: o.imageId
            }))
          },
          InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'price-capacity-optimized' }
        }
      : g.launchTemplate && g.mixedInstanceTypes
        ? {
            LaunchTemplate: { LaunchTemplateSpecification: { ...g.launchTemplate }, Overrides: g.mixedInstanceTypes.map((InstanceType) => ({ InstanceType })) },
            InstancesDistribution: { OnDemandAllocationStrategy: 'prioritized', OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 100, SpotAllocationStrategy: 'lowest-price' }
          }
        : undefined,
    DesiredCapacityType: g.desiredCapacityType,
    CapacityRebalance: g.capacityRebalance ?? false,
    MinSize: g.min,
    MaxSize: g.max,
    DesiredCapacity: g.desired,
    DefaultCooldown: 300,
    AvailabilityZones: g.availabilityZones,
    LoadBalancerNames: g.loadBalancerNames,
    TargetGroupARNs: g.targetGroupArns,
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    Instances: includeInstances ? g.instanceIds.map((id) => renderInstance(g, w.instances.get(id) as SimInstance)) : undefined,
    CreatedTime: new Date(g.createdTime),
    SuspendedProcesses: [...g.suspended.entries()].map(([ProcessName, SuspensionReason]) => ({ ProcessName, SuspensionReason })),
    EnabledMetrics: [],
    Tags: renderTags(g),
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::${w.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    WarmPoolConfiguration: g.warmPool
      ? { MinSize: g.warmPool.MinSize ?? 0, MaxGroupPreparedCapacity: g.warmPool.MaxGroupPreparedCapacity, PoolState: g.warmPool.PoolState ?? 'Stopped' }
      : undefined,
    WarmPoolSize: g.warmPool ? (g.warmPool.size ?? g.warmPool.MinSize ?? 0) : undefined,
    // Every attachment, by either API (DescribeTrafficSources "include all the traffic sources"); those attached
    // with AttachTrafficSources are in TrafficSources only (see the README).
    TrafficSources: [
      ...g.targetGroupArns.map((Identifier) => ({ Identifier, Type: 'elbv2' })),
      ...g.trafficSources.filter((t) => !g.targetGroupArns.includes(t.identifier)).map((t) => ({ Identifier: t.identifier, Type: t.type }))
    ]
  }
}

function renderPolicy(w: World, g: SimGroup, p: SimPolicy): XmlResult {
  return {
    AutoScalingGroupName: g.name,
    PolicyName: p.PolicyName,
    PolicyARN: p.PolicyARN,
    PolicyType: p.PolicyType,
    ...(p.fields as XmlResult),
    Alarms: w.policyAlarms(p),
    Enabled: p.Enabled
  }
}

function matchesFilters(g: SimGroup, filters: Bag[]): boolean {
  return filters.every((f) => {
    const name = str(f, 'Name') ?? ''
    const values = strList(f, 'Values')
    const tags = [...g.tags.values()]
    if (name === 'tag-key') return tags.some((t) => values.includes(t.key))
    if (name === 'tag-value') return tags.some((t) => values.includes(t.value))
    if (name.startsWith('tag:')) {
      const tag = g.tags.get(name.slice(4))
      return tag !== undefined && values.includes(tag.value)
    }
    throw validation(`Filter name '${name}' is not supported.`)
  })
}

const instanceIds = (p: Bag): string[] => strList(p, 'InstanceIds')

export const autoScaling: Service = {
  name: 'autoscaling',
  protocol: 'query',
  xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
  ops: {
    DescribeAutoScalingGroups: read((w, p) => {
      const names = strList(p, 'AutoScalingGroupNames')
      const filters = objList(p, 'Filters')
      const groups = [...w.groups.values()]
        .filter((g) => names.length === 0 || names.includes(g.name))
        .filter((g) => matchesFilters(g, filters))
        .sort((a, b) => a.name.localeCompare(b.name))
      const { items, next } = page(groups, num(p, 'MaxRecords'), str(p, 'NextToken'), 100, 50, w.pageSize)
      const includeInstances = bool(p, 'IncludeInstances') ?? true
      // Eventually consistent (realism): a group changed by a recent write may still read as before it.
      const rendered = items.map((g) => w.readLag.view(`asg:${g.name}`, () => renderGroup(w, g, true)))
      return { AutoScalingGroups: rendered.map((r) => (includeInstances ? r : { ...r, Instances: undefined })), NextToken: next }
    }),
    DescribeAutoScalingInstances: read((w, p) => {
      const ids = instanceIds(p)
      const all = [...w.instances.values()].filter((i) => i.group !== undefined && (ids.length === 0 || ids.includes(i.id)))
      const { items, next } = page(all, num(p, 'MaxRecords'), str(p, 'NextToken'), 50, 50, w.pageSize)
      return {
        AutoScalingInstances: items.map((i) => ({
          InstanceId: i.id,
          InstanceType: i.instanceType,
          AutoScalingGroupName: i.group,
          AvailabilityZone: i.availabilityZone,
          LifecycleState: i.lifecycle,
          HealthStatus: i.healthStatus === 'Healthy' ? 'HEALTHY' : 'UNHEALTHY',
          ProtectedFromScaleIn: i.protectedFromScaleIn
        })),
        NextToken: next
      }
    }),
    DescribeScalingActivities: read((w, p) => {
      const name = str(p, 'AutoScalingGroupName')
      const ids = strList(p, 'ActivityIds')
      const groups = name === undefined ? [...w.groups.values()] : w.groups.has(name) ? [w.apiGroup(name)] : []
      const all = groups
        .flatMap((g) => g.activities)
        .filter((a) => ids.length === 0 || ids.includes(a.ActivityId))
        .sort((a, b) => b.StartTime - a.StartTime)
      const { items, next } = page(all, num(p, 'MaxRecords'), str(p, 'NextToken'), 100, 100, w.pageSize)
      return { Activities: items.map(renderActivity), NextToken: next }
    }),
    DescribePolicies: read((w, p) => {
      const name = str(p, 'AutoScalingGroupName')
      const names = strList(p, 'PolicyNames')
      const types = strList(p, 'PolicyTypes')
      const groups = name === undefined ? [...w.groups.values()] : [w.apiGroup(name)]
      const all = groups.flatMap((g) =>
        [...g.policies.values()]
          .filter((x) => (names.length === 0 || names.includes(x.PolicyName) || names.includes(x.PolicyARN)) && (types.length === 0 || types.includes(x.PolicyType)))
          .map((x) => renderPolicy(w, g, x))
      )
      const { items, next } = page(all, num(p, 'MaxRecords'), str(p, 'NextToken'), 100, 50, w.pageSize)
      return { ScalingPolicies: items, NextToken: next }
    }),
    DescribeScheduledActions: read((w, p) => {
      const name = str(p, 'AutoScalingGroupName')
      const names = strList(p, 'ScheduledActionNames')
      const groups = name === undefined ? [...w.groups.values()] : [w.apiGroup(name)]
      const all = groups.flatMap((g) =>
        [...g.scheduled.values()]
          .filter((s) => names.length === 0 || names.includes(s.ScheduledActionName))
          .sort((a, b) => a.StartTime - b.StartTime)
          .map((s) => ({
            AutoScalingGroupName: g.name,
            ScheduledActionName: s.ScheduledActionName,
            ScheduledActionARN: s.ScheduledActionARN,
            StartTime: new Date(s.StartTime),
            Time: new Date(s.StartTime),
            EndTime: d(s.EndTime),
            Recurrence: s.Recurrence,
            MinSize: s.MinSize,
            MaxSize: s.MaxSize,
            DesiredCapacity: s.DesiredCapacity,
            TimeZone: s.TimeZone
          }))
      )
      const { items, next } = page(all, num(p, 'MaxRecords'), str(p, 'NextToken'), 100, 50, w.pageSize)
      return { ScheduledUpdateGroupActions: items, NextToken: next }
    }),
    DescribeInstanceRefreshes: read((w, p) => {
      const g = w.apiGroup(str(p, 'AutoScalingGroupName'))
      const ids = strList(p, 'InstanceRefreshIds')
      const all = g.refreshes.filter((r) => ids.length === 0 || ids.includes(r.InstanceRefreshId))
      const { items, next } = page(all, num(p, 'MaxRecords'), str(p, 'NextToken'), 100, 50, w.pageSize)
      return {
        InstanceRefreshes: items.map((r) => ({
          InstanceRefreshId: r.InstanceRefreshId,
          AutoScalingGroupName: g.name,
          Status: r.Status,
          StatusReason: r.StatusReason,
          StartTime: new Date(r.StartTime),
          EndTime: d(r.EndTime),
          PercentageComplete: r.PercentageComplete,
          InstancesToUpdate: 0
        })),
        NextToken: next
      }
    }),
    DescribeLifecycleHooks: read((w, p) => {
      const g = w.apiGroup(str(p, 'AutoScalingGroupName'))
      const names = strList(p, 'LifecycleHookNames')
      return {
        LifecycleHooks: g.lifecycleHooks
          .filter((h) => names.length === 0 || names.includes(h.LifecycleHookName))
          .map((h) => {
            const heartbeat = h.HeartbeatTimeout ?? 3600
            return {
              LifecycleHookName: h.LifecycleHookName,
              LifecycleTransition: h.LifecycleTransition,
              AutoScalingGroupName: g.name,
              HeartbeatTimeout: heartbeat,
              // The smaller of 48 hours and 100 heartbeats.
              GlobalTimeout: Math.min(172800, 100 * heartbeat),
              DefaultResult: h.DefaultResult ?? 'ABANDON'
            }
          })
      }
    }),
    UpdateAutoScalingGroup: write((w, p) => {
      const lt = obj(p, 'LaunchTemplate')
      const mixed = obj(obj(obj(p, 'MixedInstancesPolicy') ?? {}, 'LaunchTemplate') ?? {}, 'LaunchTemplateSpecification')
      w.updateGroup(str(p, 'AutoScalingGroupName') ?? '', {
        ...optional('MinSize', num(p, 'MinSize')),
        ...optional('MaxSize', num(p, 'MaxSize')),
        ...optional('DesiredCapacity', num(p, 'DesiredCapacity')),
        ...optional('NewInstancesProtectedFromScaleIn', bool(p, 'NewInstancesProtectedFromScaleIn')),
        ...optional('HealthCheckType', str(p, 'HealthCheckType')),
        ...optional('HealthCheckGracePeriod', num(p, 'HealthCheckGracePeriod')),
        ...(lt ? { LaunchTemplate: lt as Record<string, string> } : {}),
        ...(mixed ? { MixedLaunchTemplate: mixed as Record<string, string> } : {})
      })
      return undefined
    }),
    SetDesiredCapacity: write((w, p) => {
      const desired = num(p, 'DesiredCapacity')
      if (desired === undefined) throw validation(`1 validation error detected: Value null at 'desiredCapacity' failed to satisfy constraint: Member must not be null`)
      w.setDesiredCapacity(str(p, 'AutoScalingGroupName') ?? '', desired)
      return undefined
    }),
    SetInstanceProtection: write((w, p) => {
      const value = bool(p, 'ProtectedFromScaleIn')
      if (value === undefined) throw validation(`1 validation error detected: Value null at 'protectedFromScaleIn' failed to satisfy constraint: Member must not be null`)
      w.setInstanceProtection(str(p, 'AutoScalingGroupName') ?? '', instanceIds(p), value)
      return {}
    }),
    EnterStandby: write((w, p) => ({
      Activities: w.enterStandby(str(p, 'AutoScalingGroupName') ?? '', instanceIds(p), bool(p, 'ShouldDecrementDesiredCapacity')).map(renderActivity)
    })),
    ExitStandby: write((w, p) => ({ Activities: w.exitStandby(str(p, 'AutoScalingGroupName') ?? '', instanceIds(p)).map(renderActivity) })),
    DetachInstances: write((w, p) => ({
      Activities: w.detachInstances(str(p, 'AutoScalingGroupName') ?? '', instanceIds(p), bool(p, 'ShouldDecrementDesiredCapacity'), 'api').map(renderActivity)
    })),
    TerminateInstanceInAutoScalingGroup: write((w, p) => ({
      Activity: renderActivity(w.terminateInstanceInGroup(str(p, 'InstanceId') ?? '', bool(p, 'ShouldDecrementDesiredCapacity')))
    })),
    SuspendProcesses: write((w, p) => {
      w.suspendProcesses(str(p, 'AutoScalingGroupName') ?? '', strList(p, 'ScalingProcesses'))
      return undefined
    }),
    ResumeProcesses: write((w, p) => {
      w.resumeProcesses(str(p, 'AutoScalingGroupName') ?? '', strList(p, 'ScalingProcesses'))
      return undefined
    }),
    CreateOrUpdateTags: write((w, p) => {
      w.createOrUpdateTags(
        objList(p, 'Tags').map((t) => ({
          ...optional('ResourceId', str(t, 'ResourceId')),
          ...optional('ResourceType', str(t, 'ResourceType')),
          ...optional('Key', str(t, 'Key')),
          ...optional('Value', str(t, 'Value')),
          ...optional('PropagateAtLaunch', bool(t, 'PropagateAtLaunch'))
        }))
      )
      return undefined
    }),
    DeleteTags: write((w, p) => {
      w.deleteTags(objList(p, 'Tags').map((t) => ({ ...optional('ResourceId', str(t, 'ResourceId')), ...optional('Key', str(t, 'Key')) })))
      return undefined
    }),
    PutScalingPolicy: write((w, p) => {
      const r = w.putScalingPolicy(coerce(p) as Record<string, unknown>)
      return { PolicyARN: r.PolicyARN, Alarms: r.Alarms }
    }),
    DeletePolicy: write((w, p) => {
      w.deletePolicy(str(p, 'AutoScalingGroupName'), str(p, 'PolicyName') ?? '')
      return undefined
    }),
    PutScheduledUpdateGroupAction: write((w, p) => {
      w.putScheduledAction({
        ...optional('AutoScalingGroupName', str(p, 'AutoScalingGroupName')),
        ...optional('ScheduledActionName', str(p, 'ScheduledActionName')),
        ...optional('StartTime', date(p, 'StartTime') ?? date(p, 'Time')),
        ...optional('EndTime', date(p, 'EndTime')),
        ...optional('Recurrence', str(p, 'Recurrence')),
        ...optional('MinSize', num(p, 'MinSize')),
        ...optional('MaxSize', num(p, 'MaxSize')),
        ...optional('DesiredCapacity', num(p, 'DesiredCapacity')),
        ...optional('TimeZone', str(p, 'TimeZone'))
      })
      return undefined
    }),
    DeleteScheduledAction: write((w, p) => {
      w.deleteScheduledAction(str(p, 'AutoScalingGroupName'), str(p, 'ScheduledActionName') ?? '')
      return undefined
    })
  }
}
