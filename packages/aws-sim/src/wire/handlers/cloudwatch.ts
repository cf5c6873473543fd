// CloudWatch (AWS JSON 1.0, X-Amz-Target GraniteServiceVersion20100801.<Op>, query-compatible errors).
// Timestamps are epoch seconds in JSON.

import { SimError } from '../../core/errors.js'
import { num, str, strList } from '../form.js'
import type { SimAlarm } from '../../core/types.js'
import { page, read, type Service, write, type XmlResult } from './service.js'

/**
 * Every stored configuration field (as last sent by PutMetricAlarm, newer members such as EvaluationCriteria,
 * EvaluationInterval, Metrics included) plus the read-only ones. Tags are never returned.
 */
function renderAlarm(a: SimAlarm): XmlResult {
  const { Tags: _tags, ...c } = a.config
  return {
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    Dimensions: [],
    ...(c as XmlResult),
    AlarmName: a.AlarmName,
    AlarmArn: a.AlarmArn,
    StateValue: a.StateValue,
    StateReason: a.StateReason,
    StateUpdatedTimestamp: a.StateUpdatedTimestamp / 1000,
    StateTransitionedTimestamp: (a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp) / 1000,
    AlarmConfigurationUpdatedTimestamp: a.AlarmConfigurationUpdatedTimestamp / 1000
  }
}

export const cloudWatch: Service = {
  name: 'cloudwatch',
  protocol: 'json',
  xmlns: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  ops: {
    DescribeAlarms: read((w, p) => {
      const names = strList(p, 'AlarmNames')
      const prefix = str(p, 'AlarmNamePrefix')
      const actionPrefix = str(p, 'ActionPrefix')
      const stateValue = str(p, 'StateValue')
      if (names.length > 0 && prefix !== undefined) throw new SimError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot both be specified.')
      const types = strList(p, 'AlarmTypes')
      const all = [...w.alarms.values()]
        .filter((a) => names.length === 0 || names.includes(a.AlarmName))
        .filter((a) => prefix === undefined || a.AlarmName.startsWith(prefix))
        .filter((a) => stateValue === undefined || a.StateValue === stateValue)
        .filter((a) => {
          if (actionPrefix === undefined) return true
          const actions = ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap((k) => (Array.isArray(a.config[k]) ? (a.config[k] as string[]) : []))
          return actions.some((x) => x.startsWith(actionPrefix))
        })
        .sort((a, b) => a.AlarmName.localeCompare(b.AlarmName))
      const wantMetric = types.length === 0 || types.includes('MetricAlarm')
      const { items, next } = page(wantMetric ? all : [], num(p, 'MaxRecords'), str(p, 'NextToken'), 100, 50, w.pageSize)
      return { MetricAlarms: items.map(renderAlarm), CompositeAlarms: [], ...(next ? { NextToken: next } : {}) }
    }),
    PutMetricAlarm: write((w, p) => {
      const existing = w.alarms.get(str(p, 'AlarmName') ?? '')
      if (existing?.managedBy !== undefined) {
        // Real AWS lets you, but the alarm then no longer matches its policy; flag it loudly instead.
        w.violate(`PutMetricAlarm on service-managed alarm ${existing.AlarmName} (owned by ${existing.managedBy})`)
      }
      w.putMetricAlarm({ ...p }, undefined)
      return {}
    }),
    DeleteAlarms: write((w, p) => {
      const names = strList(p, 'AlarmNames')
      const missing = names.filter((n) => !w.alarms.has(n))
      if (missing.length > 0) throw new SimError('ResourceNotFound', `${missing.join(', ')} not found`, 404)
      for (const n of names) w.alarms.delete(n)
      return {}
    })
  }
}
