// CloudWatch metric alarms: PutMetricAlarm replaces the whole configuration; alarms that name a policy.

import { SimError, validation } from '../core/errors.js'
import type { Account, AlarmOptions } from './account.js'
import type { SimAlarm, SimPolicy } from '../core/types.js'

/** Reasons in CloudWatch's own wording (the shape of StateReason for a threshold alarm). */
const DEFAULT_REASON: Record<SimAlarm['StateValue'], string> = {
  OK: 'Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (1.0).',
  ALARM: 'Threshold Crossed: 1 datapoint [5.0] was greater than the threshold (1.0).',
  INSUFFICIENT_DATA: 'Insufficient Data: 1 datapoint was unknown.'
}

export class CloudWatchModel {
  constructor(private readonly w: Account) {}

  addAlarm(o: AlarmOptions): SimAlarm {
    return this.putMetricAlarm(o as Record<string, unknown>, undefined)
  }

  putMetricAlarm(config: Record<string, unknown>, managedBy: string | undefined): SimAlarm {
    const name = config['AlarmName'] as string | undefined
    if (!name) throw validation(`1 validation error detected: Value null at 'alarmName' failed to satisfy constraint: Member must not be null`)
    for (const key of ['AlarmActions', 'OKActions', 'InsufficientDataActions']) {
      const list = config[key]
      if (Array.isArray(list) && list.length > 5) throw new SimError('LimitExceeded', `The maximum number of ${key} is 5.`)
    }
    const existing = this.w.alarms.get(name)
    // PutMetricAlarm replaces the whole configuration: whatever was not sent is gone. Tags only count at creation.
    const { Tags: tags, ...rest } = config
    const alarm: SimAlarm = {
      config: { ActionsEnabled: true, ...rest },
      ...(existing ? (existing.tags ? { tags: existing.tags } : {}) : Array.isArray(tags) ? { tags: tags as { Key: string; Value: string }[] } : {}),
      AlarmName: name,
      AlarmArn: existing?.AlarmArn ?? `arn:aws:cloudwatch:${this.w.region}:${this.w.accountId}:alarm:${name}`,
      StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation',
      StateUpdatedTimestamp: existing?.StateUpdatedTimestamp ?? this.w.now(),
      StateTransitionedTimestamp: existing?.StateTransitionedTimestamp ?? existing?.StateUpdatedTimestamp ?? this.w.now(),
      AlarmConfigurationUpdatedTimestamp: this.w.now(),
      managedBy: existing?.managedBy ?? managedBy
    }
    alarm.history = existing?.history ?? [{ state: alarm.StateValue, reason: alarm.StateReason, at: this.w.now() }]
    this.w.alarms.set(name, alarm)
    return alarm
  }

  /**
   * The alarm's evaluation moves it to `state` with `reason` (as CloudWatch does when its metric crosses the
   * threshold, recovers, or stops reporting). Actions are not executed here (`fireAlarm` does that).
   * StateTransitionedTimestamp moves only when the state changes; StateUpdatedTimestamp always.
   */
  setAlarmState(name: string, state: SimAlarm['StateValue'], reason?: string): SimAlarm {
    const alarm = this.w.alarms.get(name)
    if (!alarm) throw new Error(`no alarm ${name}`)
    const now = this.w.now()
    if (alarm.StateValue !== state) alarm.StateTransitionedTimestamp = now
    alarm.StateValue = state
    alarm.StateReason = reason ?? DEFAULT_REASON[state]
    alarm.StateUpdatedTimestamp = now
    this.noteState(alarm)
    return alarm
  }

  /** Appends the alarm's current state to its history. */
  noteState(alarm: SimAlarm): void {
    ;(alarm.history ??= []).push({ state: alarm.StateValue, reason: alarm.StateReason, at: this.w.now() })
  }

  /** Alarms that fire the policy (managed ones for target tracking, any alarm naming its ARN otherwise). */
  policyAlarms(p: SimPolicy): { AlarmName: string; AlarmARN: string }[] {
    const out: { AlarmName: string; AlarmARN: string }[] = []
    for (const a of this.w.alarms.values()) {
      const actions = [a.config['AlarmActions'], a.config['OKActions'], a.config['InsufficientDataActions']].flatMap((x) => (Array.isArray(x) ? (x as string[]) : []))
      if (actions.includes(p.PolicyARN)) out.push({ AlarmName: a.AlarmName, AlarmARN: a.AlarmArn })
    }
    return out
  }
}
