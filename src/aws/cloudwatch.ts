// CloudWatch, through the lazily loaded client: alarm states for the bake (pre-flight and watch), and
// re-pointing the alarms that fire a scaling policy when the policy moves to the other group.
import type { MetricAlarm, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch'
import type { AlarmStatus } from '../domain/bake.js'
import { chunk } from '../domain/steps.js'
import { type Aws, allPages } from './call.js'
import { swapGroupDimension, toAlarmStatus } from './translate.js'

/** DescribeAlarms takes at most 100 AlarmNames per call. */
const ALARMS_PER_CALL = 100

/** The named alarms (metric and composite); names CloudWatch does not know are left out. */
export async function describeAlarms(aws: Aws, names: string[]): Promise<AlarmStatus[]> {
  const out: AlarmStatus[] = []
  for (const batch of chunk(names, ALARMS_PER_CALL)) {
    const found = await aws.call(`DescribeAlarms (${batch.join(', ')})`, async () => {
      const { client, api } = await aws.clients.cloudwatch()
      return allPages(
        api.paginateDescribeAlarms({ client }, { AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
        (page) => [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]
      )
    })
    for (const a of found) {
      const status = toAlarmStatus(a)
      if (status) out.push(status)
    }
  }
  return out
}

/** A moved policy's new ARN, replacing its old one in the actions of every alarm that fires it. */
export interface Repoint {
  oldArn: string
  newArn: string
  from: string
  to: string
}

export async function repointAlarms(aws: Aws, r: Repoint): Promise<void> {
  const { client, api } = await aws.clients.cloudwatch()
  const alarms = await aws.write(`DescribeAlarms pointing at ${r.oldArn}`, () =>
    allPages(api.paginateDescribeAlarms({ client }, { ActionPrefix: r.oldArn }), (page) => page.MetricAlarms)
  )
  for (const alarm of alarms) {
    const input = alarmInput(alarm, r)
    await aws.write(`PutMetricAlarm ${alarm.AlarmName}`, () => client.send(new api.PutMetricAlarmCommand(input)))
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
function alarmInput(a: MetricAlarm, r: Repoint): PutMetricAlarmInput {
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
