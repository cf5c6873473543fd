// CloudWatch metric alarms: PutMetricAlarm replaces the whole configuration; alarms that name a policy.

import { SimError, validation } from '../errors.js'
import type { AlarmOptions, SimWorld } from '../world.js'
import type { SimAlarm, SimPolicy } from '../types.js'

export class CloudWatchModel {
  constructor(private readonly w: SimWorld) {}

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
    this.w.alarms.set(name, alarm)
    return alarm
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
