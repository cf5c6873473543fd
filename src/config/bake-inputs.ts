// The bake's inputs: how long a deploy or canary watches its new instances, and which alarms it watches.
import { InputError } from '../errors.js'
import { Inputs } from './inputs.js'
import { type InputReader, MAX_WAIT_MS, readBoolean, readDuration, readList } from './reader.js'
import type { BakeConfig } from './types.js'

/** CloudWatch alarm names: 1–255 characters, no control characters (PutMetricAlarm, AlarmName). */
const ALARM_NAME = /^[^\p{Cc}]{1,255}$/u
/** DescribeAlarms takes at most 100 names per call; the action pages through more, but a bake watching more is a mistake. */
const MAX_ALARMS = 100

export function readBake(inputs: InputReader): BakeConfig {
  const timeMs = readDuration(inputs, Inputs.bakeTime, '0s', 0, MAX_WAIT_MS)
  // Alarm names may hold spaces but, in practice, no commas.
  const alarmNames = readList(inputs, Inputs.alarmNames)
  const bad = alarmNames.find((n) => !ALARM_NAME.test(n))
  if (bad !== undefined) throw new InputError(Inputs.alarmNames, bad, 'An alarm name has 1–255 characters and no control characters.')
  if (alarmNames.length > MAX_ALARMS) throw new InputError(Inputs.alarmNames, `${alarmNames.length} names`, `Name at most ${MAX_ALARMS} alarms.`)
  return {
    timeMs,
    alarmNames,
    allowAlarmAtStart: readBoolean(inputs, Inputs.allowAlarmAtStart),
    failOnInsufficientData: readBoolean(inputs, Inputs.failOnInsufficientData)
  }
}
