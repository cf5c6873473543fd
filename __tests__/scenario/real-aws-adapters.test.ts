// What real AWS does that a thin adapter gets wrong: PutMetricAlarm replaces the whole alarm (a re-pointed
// alarm must keep every setting), and termination protection makes EC2 refuse to terminate what finalize
// detached (instances must never be left running outside any group without a word).
import { afterEach, describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import { type SimWorld, simClients } from '../../test-support/sim/index.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:web-oncall'

/** The owner's scaling: a step policy, a scale-in simple policy, and alarms using every kind of setting. */
async function withAlarms(group: string): Promise<{ step: string; scaleIn: string }> {
  const aws = simClients(world)
  const put = async (input: ConstructorParameters<typeof PutScalingPolicyCommand>[0]): Promise<string> =>
    (await aws.autoScaling.send(new PutScalingPolicyCommand(input))).PolicyARN as string
  const arns = {
    step: await put({
      AutoScalingGroupName: group,
      PolicyName: 'scale-out-on-latency',
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]
    }),
    scaleIn: await put({ AutoScalingGroupName: group, PolicyName: 'scale-in-one', PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: -1 })
  }
  aws.destroy()
  // A classic alarm with every optional setting, including the newer evaluation ones.
  world.addAlarm({
    AlarmName: 'web-latency-p90',
    AlarmDescription: 'p90 latency of the serving group',
    ActionsEnabled: true,
    AlarmActions: [arns.step, TOPIC],
    OKActions: [TOPIC],
    InsufficientDataActions: [TOPIC, arns.step],
    MetricName: 'Latency',
    Namespace: 'Custom/Web',
    ExtendedStatistic: 'p90',
    EvaluateLowSampleCountPercentile: 'ignore',
    Dimensions: [
      { Name: 'AutoScalingGroupName', Value: group },
      { Name: 'Stage', Value: 'prod' }
    ],
    Period: 60,
    Unit: 'Milliseconds',
    EvaluationPeriods: 5,
    DatapointsToAlarm: 3,
    Threshold: 250,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'breaching',
    EvaluationWindow: { WallClockWindow: { Timezone: 'Europe/Berlin' } },
    WarmUpConfiguration: { WarmUpPeriodDurationInMinutes: 10, OnlyStartEvaluatingAfterWarmUpPeriodEnds: true },
    ActionConfiguration: { AlarmTagsPropagation: { Enabled: true, IncludedTagKeys: ['team'] } }
  })
  // Metric math: requests per in-service instance of the group; scales in when OK.
  world.addAlarm({
    AlarmName: 'web-requests-per-instance',
    AlarmActions: [TOPIC],
    OKActions: [arns.scaleIn],
    EvaluationPeriods: 3,
    Threshold: 1000,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    Metrics: [
      {
        Id: 'requests',
        ReturnData: false,
        MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/prod-web/0123456789abcdef' }] }, Period: 60, Stat: 'Sum' }
      },
      {
        Id: 'instances',
        ReturnData: false,
        MetricStat: { Metric: { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }] }, Period: 60, Stat: 'Average' }
      },
      { Id: 'perInstance', Expression: 'requests / instances', Label: 'Requests per instance', ReturnData: true, Period: 60 }
    ]
  })
  // An anomaly-detection band (ThresholdMetricId) firing the step policy.
  world.addAlarm({
    AlarmName: 'web-cpu-anomaly',
    AlarmActions: [arns.step],
    EvaluationPeriods: 2,
    ComparisonOperator: 'GreaterThanUpperThreshold',
    ThresholdMetricId: 'band',
    Metrics: [
      {
        Id: 'cpu',
        ReturnData: true,
        MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }] }, Period: 300, Stat: 'Average' }
      },
      { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(cpu, 2)', ReturnData: true }
    ]
  })
  // A PromQL alarm (EvaluationCriteria, EvaluationInterval), with actions disabled by its owner.
  world.addAlarm({
    AlarmName: 'web-errors-promql',
    ActionsEnabled: false,
    AlarmActions: [arns.step],
    EvaluationCriteria: { PromQLCriteria: { Query: 'sum(rate(http_errors_total[5m])) > 5', PendingPeriod: 120, RecoveryPeriod: 300 } },
    EvaluationInterval: 60
  })
  // Not the action's business: it must not even be rewritten.
  world.addAlarm({
    AlarmName: 'web-disk-full',
    AlarmActions: [TOPIC],
    MetricName: 'DiskUsed',
    Namespace: 'Custom/Web',
    Statistic: 'Maximum',
    Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }],
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 90,
    ComparisonOperator: 'GreaterThanThreshold'
  })
  return arns
}

/** Every alarm as DescribeAlarms returns it, every field, keyed by name. */
async function alarms(): Promise<Record<string, MetricAlarm>> {
  const aws = simClients(world)
  try {
    const out: Record<string, MetricAlarm> = {}
    const r = await aws.cloudWatch.send(new DescribeAlarmsCommand({}))
    for (const a of r.MetricAlarms ?? []) out[a.AlarmName as string] = a
    return out
  } finally {
    aws.destroy()
  }
}

/** The alarm as a user expects it after a move: strings `swap` names replaced; the update time set anew. */
function moved(a: MetricAlarm, swap: Record<string, string>): MetricAlarm {
  const deep = (v: unknown): unknown => {
    if (typeof v === 'string') return swap[v] ?? v
    if (Array.isArray(v)) return v.map(deep)
    if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
    return v
  }
  return { ...(deep(a) as MetricAlarm), AlarmConfigurationUpdatedTimestamp: expect.any(Date) as unknown as Date }
}

function policyArn(group: string, name: string): string {
  return world.group(group).policies.find((p) => p.name === name)?.arn as string
}

describe('re-pointing alarms keeps every setting (PutMetricAlarm replaces the whole alarm)', () => {
  it('after deploy, each alarm of a moved policy is as before but for the policy ARN and the group it watches; after rollback, but for the ARN', async () => {
    world = newWorld()
    const { blue, green } = addService(world)
    const old = await withAlarms(blue)
    const before = await alarms()
    expect(Object.keys(before).sort()).toEqual(['web-cpu-anomaly', 'web-disk-full', 'web-errors-promql', 'web-latency-p90', 'web-requests-per-instance'])
    // The fixture really carries the newer fields through the SDK (otherwise this test would prove nothing).
    expect(before['web-latency-p90']).toMatchObject({ EvaluationWindow: expect.anything(), WarmUpConfiguration: expect.anything(), ActionConfiguration: expect.anything() })
    expect(before['web-errors-promql']).toMatchObject({ EvaluationCriteria: expect.anything(), EvaluationInterval: 60 })

    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    const afterDeploy = await alarms()
    const toGreen = { [old.step]: policyArn(green, 'scale-out-on-latency'), [old.scaleIn]: policyArn(green, 'scale-in-one'), [blue]: green }
    for (const name of ['web-latency-p90', 'web-requests-per-instance', 'web-cpu-anomaly', 'web-errors-promql']) {
      expect({ name, alarm: afterDeploy[name] }).toEqual({ name, alarm: moved(before[name] as MetricAlarm, toGreen) })
    }
    expect(afterDeploy['web-disk-full']).toEqual(before['web-disk-full'])

    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.outputs.state).toBe('rolled-back')
    const afterRollback = await alarms()
    const backOnBlue = { [old.step]: policyArn(blue, 'scale-out-on-latency'), [old.scaleIn]: policyArn(blue, 'scale-in-one') }
    for (const name of ['web-latency-p90', 'web-requests-per-instance', 'web-cpu-anomaly', 'web-errors-promql']) {
      expect({ name, alarm: afterRollback[name] }).toEqual({ name, alarm: moved(before[name] as MetricAlarm, backOnBlue) })
    }
    expect(afterRollback['web-disk-full']).toEqual(before['web-disk-full'])
  })
})
