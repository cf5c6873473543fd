// What real AWS does that a thin adapter gets wrong: PutMetricAlarm replaces the whole alarm (a re-pointed
// alarm must keep every setting), and termination protection makes EC2 refuse to terminate what finalize
// detached (instances must never be left running outside any group without a word); and one instance id EC2
// has forgotten fails a whole DescribeTargetHealth call.
import { afterEach, describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch'
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { createClients } from '../../src/aws/clients.js'
import { AwsFleet } from '../../src/aws/fleet.js'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { simClients } from '../../packages/aws-sim/src/index.js'

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

describe('termination protection: finalize never leaves an instance running outside its group', () => {
  /** Turns DisableApiTermination on or off, as `aws ec2 modify-instance-attribute` would. */
  function protection(id: string, on: boolean): void {
    world.protectFromTermination(id, on)
  }

  async function deployed(): Promise<{ blue: string; green: string; old: string[] }> {
    world = newWorld()
    const { blue, green } = addService(world)
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    world.advance(10 * 60_000) // the old instances are in Standby
    return { blue, green, old: world.group(blue).instances.map((i) => i.id) }
  }

  const fix = (ids: string[]): RegExp =>
    new RegExp(
      ids.length === 1
        ? `aws ec2 modify-instance-attribute --instance-id ${ids[0]} --no-disable-api-termination`
        : `for id in ${ids.join(' ')}; do aws ec2 modify-instance-attribute --instance-id "\\$id" --no-disable-api-termination; done`
    )

  it('pre-flight refuses, naming the protected standby instances and the command that lifts it; nothing is written', async () => {
    const { blue, old } = await deployed()
    const [a, , c] = old as [string, string, string]
    protection(a, true)
    protection(c, true)
    const writes = world.writes().length
    const r = await runAction(world, { mode: 'finalize' })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('refused')
    const error = r.errors.join('\n')
    expect(error).toContain(`${blue}: ${a}, ${c} have termination protection (DisableApiTermination) on`)
    expect(error).toMatch(fix([a, c]))
    expect(world.writes().length).toBe(writes)
    expect(world.group(blue).instances.map((i) => i.lifecycle)).toEqual(['Standby', 'Standby', 'Standby'])

    protection(a, false)
    protection(c, false)
    const again = await runAction(world, { mode: 'finalize' })
    expect(again.outputs.state).toBe('finalized')
    expect(world.group(blue).instances).toEqual([])
    world.advance(60_000)
    expect(world.lostInstances()).toEqual([])
  })

  it('protection turned on after pre-flight stops finalize before that batch is detached', async () => {
    const { blue, old } = await deployed()
    const [a] = old as [string]
    // The first write of finalize (its lock) comes after pre-flight read everything.
    let armed = true
    world.faults.beforeWrite = () => {
      if (armed) protection(a, true)
      armed = false
    }
    const r = await runAction(world, { mode: 'finalize' })
    world.faults.beforeWrite = undefined
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('failed')
    expect(r.errors.join('\n')).toContain(`${blue}: ${a} has termination protection (DisableApiTermination) on`)
    expect(r.errors.join('\n')).toMatch(fix([a]))
    expect(world.calls.filter((c) => c.operation === 'DetachInstances' || c.operation === 'TerminateInstances')).toEqual([])
    expect(world.group(blue).instances.map((i) => i.lifecycle)).toEqual(['Standby', 'Standby', 'Standby'])
    expect(world.lostInstances()).toEqual([])

    protection(a, false)
    expect((await runAction(world, { mode: 'finalize' })).outputs.state).toBe('finalized')
    world.advance(60_000)
    expect(world.lostInstances()).toEqual([])
  })

  it('if EC2 still refuses (protection turned on mid-batch), the error names the running instances and how to end them; a re-run finishes once it is lifted', async () => {
    const { blue, old } = await deployed()
    const [a, b, c] = old as [string, string, string]
    world.faults.beforeWrite = (op) => {
      if (op === 'DetachInstances') protection(b, true)
    }
    const r = await runAction(world, { mode: 'finalize' })
    world.faults.beforeWrite = undefined
    expect(r.failed).toBe(true)
    const error = r.errors.join('\n')
    expect(error).toContain(`EC2 refused to terminate ${b} (OperationNotPermitted`)
    expect(error).toContain('It is detached from its Auto Scaling group and still running (and billed) outside any group')
    expect(error).toMatch(fix([b]))
    expect(error).toContain(`aws ec2 terminate-instances --instance-ids ${b}`)
    // The rest of the batch was terminated all the same; only the protected one runs on.
    world.advance(60_000)
    expect(world.lostInstances().map((i) => i.id)).toEqual([b])
    expect([a, c].map((id) => world.instance(id).ec2State)).toEqual(['terminated', 'terminated'])

    // A re-run while it is still protected refuses up front and says the instance runs outside the group.
    const refused = await runAction(world, { mode: 'finalize' })
    expect(refused.outputs.state).toBe('refused')
    expect(refused.errors.join('\n')).toContain(`${blue}: ${b} was detached by an earlier finalize and is still running outside any group`)

    protection(b, false)
    const done = await runAction(world, { mode: 'finalize' })
    expect(done.outputs.state).toBe('finalized')
    world.advance(60_000)
    expect(world.lostInstances()).toEqual([])
  })
})

describe('a read naming an instance EC2 has forgotten', () => {
  it('DescribeTargetHealth fails whole with InvalidTarget; the adapter leaves the forgotten id out and reads the others', async () => {
    world = newWorld()
    addService(world, { instances: 3 })
    const [gone, kept] = world.group('prod-web-blue').instances.map((i) => i.id) as [string, string]
    world.terminateBehindOurBack(gone)
    // Past its 300 s drain and past the time EC2 still lists it.
    world.advance(Math.max(world.ec2ForgetMs, 300_000) + 60_000)
    const arn = world.targetGroupByName('prod-web')?.arn as string
    const clients = createClients('us-east-1', world.clock, {
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
      requestHandler: world.requestHandler,
      retryStrategy: new ConfiguredRetryStrategy(2, () => 0)
    })
    try {
      const aws = simClients(world)
      await expect(aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn, Targets: [{ Id: gone }, { Id: kept }] }))).rejects.toMatchObject({
        name: 'InvalidTargetException'
      })
      aws.destroy()
      const got = await new AwsFleet(clients, world.clock).targetHealth(arn, [gone, kept])
      expect(Object.keys(got)).toEqual([kept])
      expect(got[kept]).toMatchObject({ state: 'healthy' })
    } finally {
      clients.destroy()
    }
  })
})
