// Scaling follows the traffic: a policy or scheduled action is recreated on the group that now
// serves, then deleted from the other. Both halves are idempotent, so a re-run converges.
import {
  DeletePolicyCommand,
  DeleteScheduledActionCommand,
  PutScalingPolicyCommand,
  PutScheduledUpdateGroupActionCommand,
  type PutScalingPolicyCommandInput
} from '@aws-sdk/client-auto-scaling'
import type { MetricAlarm, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch'
import type { ScalingPolicy, ScheduledAction } from '../domain/model.js'
import type { Clients } from './clients.js'

type Write = <T>(what: string, fn: () => Promise<T>) => Promise<T>

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

export async function movePolicy(
  clients: Clients,
  move: { from: string; to: string; policy: ScalingPolicy },
  write: Write
): Promise<void> {
  const { from, to, policy } = move
  const input = {
    ...swapGroupDimension(policy.settings, from, to),
    AutoScalingGroupName: to,
    PolicyName: policy.name,
    PolicyType: policy.type
  } as PutScalingPolicyCommandInput
  const created = await write(`PutScalingPolicy ${policy.name} on ${to}`, () => clients.autoscaling.send(new PutScalingPolicyCommand(input)))
  // Target-tracking alarms belong to Auto Scaling: it makes new ones for the new policy. Step and simple
  // policies are fired by the owner's alarms, which still point at the old ARN (it embeds the group name).
  if (policy.type !== 'TargetTrackingScaling' && created.PolicyARN && policy.arn) {
    await repointAlarms(clients, { oldArn: policy.arn, newArn: created.PolicyARN, from, to }, write)
  }
  await write(`DeletePolicy ${policy.name} on ${from}`, () =>
    clients.autoscaling.send(new DeletePolicyCommand({ AutoScalingGroupName: from, PolicyName: policy.name }))
  )
}

async function repointAlarms(
  clients: Clients,
  r: { oldArn: string; newArn: string; from: string; to: string },
  write: Write
): Promise<void> {
  const { client: cloudwatch, api } = await clients.cloudwatch()
  const alarms: MetricAlarm[] = []
  let NextToken: string | undefined
  do {
    const page = await write(`DescribeAlarms pointing at ${r.oldArn}`, () =>
      cloudwatch.send(new api.DescribeAlarmsCommand({ ActionPrefix: r.oldArn, NextToken }))
    )
    alarms.push(...(page.MetricAlarms ?? []))
    NextToken = page.NextToken
  } while (NextToken)
  for (const alarm of alarms) {
    const input = alarmInput(alarm, r)
    await write(`PutMetricAlarm ${alarm.AlarmName}`, () => cloudwatch.send(new api.PutMetricAlarmCommand(input)))
  }
}

/**
 * What DescribeAlarms returns that PutMetricAlarm does not take: the alarm's identity, state and history.
 * Everything else is configuration and goes back, including fields newer than this code (a field the
 * bundled SDK does not know is neither read nor sent: keep the SDK current).
 */
const READ_ONLY_ALARM_FIELDS = new Set([
  'AlarmArn',
  'AlarmConfigurationUpdatedTimestamp',
  'StateValue',
  'StateReason',
  'StateReasonData',
  'StateUpdatedTimestamp',
  'StateTransitionedTimestamp',
  'EvaluationState'
])

/** PutMetricAlarm overwrites the whole alarm: send every setting back, with the policy and group swapped. */
function alarmInput(a: MetricAlarm, r: { oldArn: string; newArn: string; from: string; to: string }): PutMetricAlarmInput {
  const swap = (arns: string[] | undefined): string[] | undefined => arns?.map((arn) => (arn === r.oldArn ? r.newArn : arn))
  const settings = Object.fromEntries(Object.entries(a).filter(([k, v]) => !READ_ONLY_ALARM_FIELDS.has(k) && v !== undefined))
  const input: Record<string, unknown> = {
    ...swapGroupDimension(settings, r.from, r.to),
    AlarmName: a.AlarmName,
    OKActions: swap(a.OKActions),
    AlarmActions: swap(a.AlarmActions),
    InsufficientDataActions: swap(a.InsufficientDataActions)
  }
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as unknown as PutMetricAlarmInput
}

export async function moveScheduledAction(
  clients: Clients,
  move: { from: string; to: string; action: ScheduledAction; now: number },
  write: Write
): Promise<void> {
  const { from, to, action, now } = move
  // AWS rejects a start time in the past; a recurring action is then scheduled by its recurrence alone.
  const startTime = action.startTime && action.startTime.getTime() > now + 60_000 ? action.startTime : undefined
  await write(`PutScheduledUpdateGroupAction ${action.name} on ${to}`, () =>
    clients.autoscaling.send(
      new PutScheduledUpdateGroupActionCommand({
        AutoScalingGroupName: to,
        ScheduledActionName: action.name,
        StartTime: startTime,
        EndTime: action.endTime,
        Recurrence: action.recurrence,
        TimeZone: action.timeZone,
        MinSize: action.min,
        MaxSize: action.max,
        DesiredCapacity: action.desired
      })
    )
  )
  await write(`DeleteScheduledAction ${action.name} on ${from}`, () =>
    clients.autoscaling.send(new DeleteScheduledActionCommand({ AutoScalingGroupName: from, ScheduledActionName: action.name }))
  )
}
