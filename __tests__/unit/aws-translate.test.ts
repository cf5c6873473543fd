// The SDK's answers in domain terms (src/aws/translate.ts): the defaults for what AWS leaves out, what a
// group's sizes count, where its instances come from, and what a moved policy or alarm keeps. Each case
// is the answer AWS documents for the API (field names as the SDK types them).
import { describe, expect, it } from '@jest/globals'
import type { Activity, AutoScalingGroup, Instance } from '@aws-sdk/client-auto-scaling'
import { tagCalls } from '../../src/aws/autoscaling.js'
import {
  activeRefreshOf,
  deregistrationDelayOf,
  drainOf,
  isRunning,
  tagsOf,
  toActivity,
  toAlarmStatus,
  toGroup,
  toHealthCheck,
  toImage,
  toLifecycleHook,
  toPolicy,
  toScheduledAction,
  toTargetHealth,
  swapGroupDimension
} from '../../src/aws/translate.js'

describe('an Auto Scaling group in domain terms', () => {
  /** An instance as AWS lists it, with only the fields a case is about. */
  const instance = (fields: Partial<Instance>): Instance => fields as Instance
  const group: AutoScalingGroup = {
    AutoScalingGroupName: 'web-blue',
    MinSize: 2,
    DesiredCapacity: 3,
    MaxSize: 6,
    DefaultCooldown: 300,
    AvailabilityZones: ['eu-west-1a'],
    HealthCheckType: 'ELB',
    CreatedTime: new Date(0),
    Tags: [
      { Key: 'bg:color', Value: 'blue' },
      { Key: 'empty', Value: undefined },
      { Key: undefined, Value: 'no key' }
    ],
    Instances: [
      instance({ InstanceId: 'i-1', LifecycleState: 'InService', HealthStatus: 'Healthy', ProtectedFromScaleIn: true }),
      instance({ InstanceId: 'i-2' })
    ],
    TargetGroupARNs: ['arn:tg/a'],
    LoadBalancerNames: ['classic'],
    SuspendedProcesses: [{ ProcessName: 'AZRebalance' }, { ProcessName: '' }],
    HealthCheckGracePeriod: 90,
    LaunchTemplate: { LaunchTemplateName: 'web' }
  }

  it('reads sizes, tags, instances, target groups, processes and grace period, with AWS defaults for the rest', () => {
    const g = toGroup(group)
    expect(g.name).toBe('web-blue')
    expect(g.capacity).toEqual({ min: 2, desired: 3, max: 6 })
    expect(g.tags).toEqual({ 'bg:color': 'blue', empty: '' })
    expect(g.instances).toEqual([
      { id: 'i-1', lifecycle: 'InService', healthStatus: 'Healthy', protectedFromScaleIn: true, targets: {} },
      { id: 'i-2', lifecycle: 'Pending', protectedFromScaleIn: false, targets: {} }
    ])
    expect(g.targetGroupArns).toEqual(['arn:tg/a'])
    expect(g.loadBalancerNames).toEqual(['classic'])
    expect(g.suspendedProcesses).toEqual(['AZRebalance'])
    expect(g.newInstancesProtected).toBe(false)
    expect(g.healthCheckGracePeriodSeconds).toBe(90)
    expect(g.warmPool).toBe(false)
    expect(g.capacityUnit).toBeUndefined()
    expect([g.policies, g.scheduledActions, g.activities]).toEqual([[], [], []])
  })

  it('an empty answer is an empty group, not an error', () => {
    const g = toGroup({} as AutoScalingGroup)
    expect(g).toMatchObject({ name: '', capacity: { min: 0, desired: 0, max: 0 }, instances: [], tags: {}, targetGroupArns: [], suspendedProcesses: [] })
    expect(g.launchTemplate).toBeUndefined()
    expect(g.launchConfiguration).toBeUndefined()
  })

  it('a launch template without a version launches $Default; a launch configuration is named as such', () => {
    expect(toGroup(group).launchTemplate).toEqual({ name: 'web', version: '$Default', mixed: false })
    const lc = toGroup({ ...group, LaunchTemplate: undefined, LaunchConfigurationName: 'web-lc' })
    expect(lc.launchTemplate).toBeUndefined()
    expect(lc.launchConfiguration).toBe('web-lc')
  })

  it('weighted overrides make the sizes count units, and each instance its WeightedCapacity', () => {
    const weighted = toGroup({
      ...group,
      LaunchTemplate: undefined,
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: 'lt-1', Version: '7' },
          Overrides: [{ InstanceType: 'c5.large', WeightedCapacity: '2' }]
        }
      },
      Instances: [
        instance({ InstanceId: 'i-1', WeightedCapacity: '2' }),
        instance({ InstanceId: 'i-2', WeightedCapacity: 'x' })
      ]
    })
    expect(weighted.capacityUnit).toBe('units')
    expect(weighted.launchTemplate).toEqual({ id: 'lt-1', version: '7', mixed: true })
    expect(weighted.instances.map((i) => i.weight)).toEqual([2, undefined])
  })

  it('overrides with their own launch template or ImageId are kept, with the whole override list (a deploy by image refuses them)', () => {
    const own = toGroup({
      ...group,
      LaunchTemplate: undefined,
      MixedInstancesPolicy: {
        LaunchTemplate: {
          LaunchTemplateSpecification: { LaunchTemplateId: 'lt-1', Version: '7' },
          Overrides: [
            { InstanceType: 'c5.large', WeightedCapacity: '2' },
            { InstanceType: 'c6g.large', WeightedCapacity: '2', LaunchTemplateSpecification: { LaunchTemplateName: 'web-arm' } },
            { InstanceType: 'c7g.large', ImageId: 'ami-0123456789abcdef0' }
          ]
        }
      }
    })
    expect(own.launchTemplate).toEqual({
      id: 'lt-1',
      version: '7',
      mixed: true,
      overrides: [
        { instanceType: 'c5.large', weight: '2' },
        { instanceType: 'c6g.large', weight: '2', template: { name: 'web-arm', version: '$Default' } },
        { instanceType: 'c7g.large', imageId: 'ami-0123456789abcdef0' }
      ]
    })
  })

  it('traffic sources: elbv2 ones join the target groups, elb ones the Classic LBs (no duplicates), others are kept apart', () => {
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/1'
    const api = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/2'
    const lattice = 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-1'
    const g = toGroup({
      ...group,
      TargetGroupARNs: [tg],
      LoadBalancerNames: [],
      TrafficSources: [
        { Identifier: tg, Type: 'elbv2' },
        { Identifier: api, Type: 'elbv2' },
        { Identifier: 'classic-web', Type: 'elb' },
        { Identifier: lattice, Type: 'vpc-lattice' }
      ]
    })
    expect(g.targetGroupArns).toEqual([tg, api])
    expect(g.loadBalancerNames).toEqual(['classic-web'])
    expect(g.otherTrafficSources).toEqual([{ type: 'vpc-lattice', identifier: lattice }])
    expect(toGroup(group).otherTrafficSources).toBeUndefined()
  })

  it("the instance types' weights, sorted (what pre-flight compares between the colors); none without weights", () => {
    const mixed = (Overrides: { InstanceType: string; WeightedCapacity?: string }[]) =>
      toGroup({ ...group, LaunchTemplate: undefined, MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: 'lt-1' }, Overrides } } })
    expect(mixed([{ InstanceType: 'c5.xlarge', WeightedCapacity: '2' }, { InstanceType: 'c5.large', WeightedCapacity: '1' }]).weights).toEqual(['c5.large=1', 'c5.xlarge=2'])
    expect(mixed([{ InstanceType: 'c5.large' }]).weights).toBeUndefined()
    expect(toGroup(group).weights).toBeUndefined()
  })

  it('DesiredCapacityType vcpu counts vCPUs; a group that counts instances ignores WeightedCapacity', () => {
    expect(toGroup({ ...group, DesiredCapacityType: 'vcpu' }).capacityUnit).toBe('vcpu')
    const plain = toGroup({ ...group, Instances: [instance({ InstanceId: 'i-1', WeightedCapacity: '4' })] })
    expect(plain.instances[0]?.weight).toBeUndefined()
  })
})

describe('what hangs off a group', () => {
  it('a policy keeps every setting but its identity and alarms', () => {
    expect(
      toPolicy({
        AutoScalingGroupName: 'web-blue',
        PolicyName: 'up',
        PolicyARN: 'arn:policy/up',
        PolicyType: 'StepScaling',
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [{ ScalingAdjustment: 1, MetricIntervalLowerBound: 0 }],
        Cooldown: undefined,
        Alarms: [{ AlarmName: 'cpu-high' }, { AlarmName: undefined }]
      })
    ).toEqual({
      name: 'up',
      arn: 'arn:policy/up',
      type: 'StepScaling',
      settings: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ ScalingAdjustment: 1, MetricIntervalLowerBound: 0 }] },
      alarmNames: ['cpu-high']
    })
    expect(toPolicy({}).type).toBe('SimpleScaling')
  })

  it('a scheduled action keeps its time zone and sizes, a size of 0 included', () => {
    const start = new Date('2030-01-01T08:00:00Z')
    expect(toScheduledAction({ ScheduledActionName: 'night', StartTime: start, Recurrence: '0 8 * * *', TimeZone: 'Europe/Paris', MinSize: 0, DesiredCapacity: 2 })).toEqual({
      name: 'night',
      startTime: start,
      recurrence: '0 8 * * *',
      timeZone: 'Europe/Paris',
      min: 0,
      desired: 2
    })
  })

  it('an activity without a start time started at the epoch; a hook without a timeout waits an hour', () => {
    expect(toActivity({ ActivityId: 'a-1', StatusCode: 'Successful', Description: 'Launching' } as Activity)).toEqual({
      id: 'a-1',
      status: 'Successful',
      description: 'Launching',
      startTime: new Date(0)
    })
    expect(toLifecycleHook({ LifecycleHookName: 'boot', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING' })).toEqual({
      name: 'boot',
      transition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      heartbeatTimeoutSeconds: 3600
    })
  })

  it('an instance refresh counts as active while it may still replace instances', () => {
    expect(activeRefreshOf([{ InstanceRefreshId: 'r-1', Status: 'Successful' }, { InstanceRefreshId: 'r-2', Status: 'Baking' }])).toBe('r-2 (Baking)')
    expect(activeRefreshOf([{ InstanceRefreshId: 'r-1', Status: 'Cancelled' }])).toBeUndefined()
  })
})

describe('load balancers, alarms, instances and images', () => {
  it('target health keeps ELBv2’s state and words; a state left out is unavailable', () => {
    expect(toTargetHealth({ Target: { Id: 'i-1' }, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } })).toEqual([
      'i-1',
      { state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }
    ])
    expect(toTargetHealth({ Target: { Id: 'i-2' } })).toEqual(['i-2', { state: 'unavailable' }])
    expect(toTargetHealth({ TargetHealth: { State: 'healthy' } })).toBeUndefined()
  })

  it('health-check timing and deregistration delay default as ELBv2 does', () => {
    expect(toHealthCheck({})).toEqual({ intervalSeconds: 30, healthyThreshold: 5, unhealthyThreshold: 2 })
    expect(toHealthCheck({ HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3 })).toEqual({
      intervalSeconds: 10,
      healthyThreshold: 2,
      unhealthyThreshold: 3
    })
    expect(deregistrationDelayOf([{ Key: 'stickiness.enabled', Value: 'false' }, { Key: 'deregistration_delay.timeout_seconds', Value: '45' }])).toBe(45)
    expect(deregistrationDelayOf([])).toBe(300)
  })

  it('a target group of a Network Load Balancer: its protocol, and connection termination from the attributes', () => {
    expect(toHealthCheck({ Protocol: 'TCP' }).network).toBe(true)
    expect(toHealthCheck({ Protocol: 'TLS' }).network).toBe(true)
    expect(toHealthCheck({ Protocol: 'HTTPS' }).network).toBeUndefined()
    expect(drainOf([{ Key: 'deregistration_delay.timeout_seconds', Value: '45' }])).toEqual({ delaySeconds: 45 })
    expect(drainOf([{ Key: 'deregistration_delay.connection_termination.enabled', Value: 'true' }])).toEqual({ delaySeconds: 300, connectionTermination: true })
    expect(drainOf([{ Key: 'deregistration_delay.connection_termination.enabled', Value: 'false' }])).toEqual({ delaySeconds: 300, connectionTermination: false })
  })

  it('an alarm changed state when it last transitioned; one without a name is left out', () => {
    const transitioned = new Date('2030-01-01T00:00:00Z')
    const updated = new Date('2030-01-02T00:00:00Z')
    expect(toAlarmStatus({ AlarmName: 'cpu', StateValue: 'ALARM', StateReason: 'Threshold crossed', StateTransitionedTimestamp: transitioned, StateUpdatedTimestamp: updated })).toEqual({
      name: 'cpu',
      state: 'ALARM',
      reason: 'Threshold crossed',
      since: transitioned.getTime()
    })
    expect(toAlarmStatus({ AlarmName: 'new', StateUpdatedTimestamp: updated })).toEqual({ name: 'new', state: 'INSUFFICIENT_DATA', reason: '', since: updated.getTime() })
    expect(toAlarmStatus({ StateValue: 'OK' })).toBeUndefined()
  })

  it('an instance shutting down or terminated no longer runs; tags become a record', () => {
    expect(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'].map((Name) => isRunning({ State: { Name: Name as never } }))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false
    ])
    expect(tagsOf({ Tags: [{ Key: 'Name', Value: 'web' }, { Key: 'empty' }] })).toEqual({ Name: 'web', empty: '' })
  })

  it('an image keeps its name, creation date and owner; its state defaults to unknown', () => {
    expect(toImage({ ImageId: 'ami-1', Name: 'web-42', State: 'available', CreationDate: '2030-01-01T00:00:00.000Z', OwnerId: '123456789012' })).toEqual({
      id: 'ami-1',
      name: 'web-42',
      state: 'available',
      created: '2030-01-01T00:00:00.000Z',
      owner: '123456789012'
    })
    expect(toImage({ ImageId: 'ami-2' })).toEqual({ id: 'ami-2', state: 'unknown' })
  })

  it('a moved policy or alarm names the other group in its AutoScalingGroupName dimensions only', () => {
    const when = new Date(0)
    const settings = {
      TargetTrackingConfiguration: {
        CustomizedMetricSpecification: {
          Dimensions: [
            { Name: 'AutoScalingGroupName', Value: 'web-blue' },
            { Name: 'AutoScalingGroupName', Value: 'other' },
            { Name: 'Service', Value: 'web-blue' }
          ]
        }
      },
      when
    }
    const swapped = swapGroupDimension(settings, 'web-blue', 'web-green')
    expect(swapped.TargetTrackingConfiguration.CustomizedMetricSpecification.Dimensions).toEqual([
      { Name: 'AutoScalingGroupName', Value: 'web-green' },
      { Name: 'AutoScalingGroupName', Value: 'other' },
      { Name: 'Service', Value: 'web-blue' }
    ])
    expect(swapped.when).toBe(when)
  })
})

describe('tag writes in calls Auto Scaling accepts (src/aws/autoscaling.ts)', () => {
  const entries = (group: string, n: number): { ResourceId: string; ResourceType: string; Key: string }[] =>
    Array.from({ length: n }, (_, i) => ({ ResourceId: group, ResourceType: 'auto-scaling-group', Key: `k${i}` }))
  const shape = (calls: { ResourceId: string }[][]): string[] => calls.map((c) => [...new Set(c.map((t) => t.ResourceId))].map((g) => `${g}×${c.filter((t) => t.ResourceId === g).length}`).join(' '))

  it('at most 25 tags a call, a group\'s tags never split while they fit in one call', () => {
    // 13 groups of 2 tags (a lock and its attempt record): 12 groups in the first call, the 13th in the second.
    const locks = Array.from({ length: 13 }, (_, n) => entries(`g${n}`, 2)).flat()
    const calls = tagCalls(locks)
    expect(calls.map((c) => c.length)).toEqual([24, 2])
    expect(shape(calls)[1]).toBe('g12×2')
    expect(tagCalls(entries('a', 25)).map((c) => c.length)).toEqual([25])
    expect(shape(tagCalls([...entries('a', 20), ...entries('b', 7)]))).toEqual(['a×20', 'b×7'])
    // Only a group with more than 25 tags is split.
    expect(shape(tagCalls([...entries('a', 30), ...entries('b', 3)]))).toEqual(['a×25', 'a×5 b×3'])
    expect(tagCalls([])).toEqual([])
  })
})
