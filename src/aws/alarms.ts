// CloudWatch alarm states for the bake (pre-flight and watch), through the lazily loaded CloudWatch client.
import type { AlarmStatus } from '../domain/bake.js'
import { chunk } from '../domain/steps.js'
import type { Clients } from './clients.js'

/** Pages of one DescribeAlarms call, wrapped by the caller (errors, paging). */
export type Paged = <T>(what: string, page: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>) => Promise<T[]>

/** The named alarms (metric and composite); names CloudWatch does not know are left out. */
export async function describeAlarms(clients: Clients, names: string[], paged: Paged): Promise<AlarmStatus[]> {
  const out: AlarmStatus[] = []
  // DescribeAlarms takes at most 100 AlarmNames per call, and pages its answer.
  for (const batch of chunk(names, 100)) {
    const found = await paged(`DescribeAlarms (${batch.join(', ')})`, async (NextToken) => {
      const { client, api } = await clients.cloudwatch()
      const r = await client.send(new api.DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken }))
      return { items: [...(r.MetricAlarms ?? []), ...(r.CompositeAlarms ?? [])], next: r.NextToken }
    })
    for (const a of found) {
      if (!a.AlarmName) continue
      out.push({
        name: a.AlarmName,
        state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStatus['state'],
        reason: a.StateReason ?? '',
        since: (a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp ?? new Date(0)).getTime()
      })
    }
  }
  return out
}
