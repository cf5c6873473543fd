// EC2 Auto Scaling's scaling: policies (simple, step, target tracking with its managed alarms) fired by
// CloudWatch alarms, and scheduled actions. Split from autoscaling.ts, which owns the groups; this model
// changes their capacity through the group operations it is given (GroupOps), never importing that model.

import { SimError, validation } from '../core/errors.js'
import { iso } from '../core/time.js'
import type { ScalingEvent, SimActivity, SimAlarm, SimGroup, SimPolicy, SimScheduledAction } from '../core/types.js'
import type { Account } from './account.js'
import type { CloudWatchModel } from './cloudwatch.js'

/** What scaling needs of Auto Scaling's groups (AutoScalingModel implements it). */
export interface GroupOps {
  apiGroup(name: string | undefined): SimGroup
  recordActivity(
    g: SimGroup,
    a: { Description: string; Cause: string; StatusCode: string; StatusMessage?: string; Progress?: number; done: boolean }
  ): SimActivity
}

/** What scaling sees of the account: the shared state, the alarms, and the groups' operations. */
export interface ScalingAccount extends Account {
  readonly cloudWatch: CloudWatchModel
  readonly autoScaling: GroupOps
  /** What target tracking reads of the load balancers (TargetsModel implements it). */
  readonly targets: { healthyCountArn(arn: string): number; trafficOf(g: SimGroup): string[] }
}

/** How often target tracking evaluates its metric (the 1-minute period of its managed alarms). */
export const TARGET_TRACKING_PERIOD_MS = 60_000

export class ScalingModel {
  /** Target group ARN → the load offered to it (setLoad) and when target tracking evaluates it next. */
  private readonly loads = new Map<string, { load: number; nextAt: number }>()

  constructor(private readonly w: ScalingAccount) {}

  /**
   * The load a target group's clients offer (requests per minute, or any unit of a target-tracking
   * TargetValue), shared evenly by its healthy targets, whichever group they belong to. From now on, every
   * TARGET_TRACKING_PERIOD_MS, each target-tracking policy of a group attached to it sets the group's desired
   * capacity at once to what brings the load per healthy target to its TargetValue, counting the targets of
   * the other groups too: ceil(load / TargetValue) − the other groups' healthy targets. A canary's instances
   * lower the live group's per-target metric, and the live group gives up as many. Harsher than AWS (README).
   */
  setLoad(targetGroupArn: string, load: number): void {
    if (!(load >= 0)) throw new Error(`load must be a number ≥ 0, not ${load}`)
    this.loads.set(targetGroupArn, { load, nextAt: this.w.now() + TARGET_TRACKING_PERIOD_MS })
  }

  /** The next target-tracking evaluation (the world's clock wakes for it). */
  nextDueScaling(see: (t: number | undefined) => void): void {
    for (const l of this.loads.values()) see(l.nextAt)
  }

  /** Target tracking on the offered loads whose evaluation is due (Auto Scaling's step calls it). */
  stepTargetTracking(now: number): void {
    for (const [arn, l] of this.loads) {
      if (l.nextAt > now) continue
      l.nextAt = now + TARGET_TRACKING_PERIOD_MS
      const healthy = this.w.targets.healthyCountArn(arn)
      // No healthy target: the metric has no data points (INSUFFICIENT_DATA), nothing scales.
      if (healthy === 0) continue
      const tg = this.w.targetGroups.get(arn)
      for (const g of this.w.groups.values()) {
        if (!tg || !this.w.targets.trafficOf(g).includes(arn)) continue
        let own = 0
        for (const t of tg.targets.values()) if (t.state === 'healthy' && this.w.instances.get(t.id)?.group === g.name) own++
        for (const p of g.policies.values()) this.track(g, p, arn, l.load, healthy - own)
      }
    }
  }

  private track(g: SimGroup, p: SimPolicy, arn: string, load: number, others: number): void {
    if (p.PolicyType !== 'TargetTrackingScaling' || !p.Enabled) return
    const tt = p.fields['TargetTrackingConfiguration'] as
      | { TargetValue?: number; DisableScaleIn?: boolean; PredefinedMetricSpecification?: { ResourceLabel?: string } }
      | undefined
    const label = tt?.PredefinedMetricSpecification?.ResourceLabel
    // ALBRequestCountPerTarget names its target group (…/targetgroup/<name>/<id>): only that one counts.
    if (label !== undefined && !arn.endsWith(label.slice(label.indexOf('targetgroup/')))) return
    const target = tt?.TargetValue ?? 50
    const event = { time: this.w.now(), kind: 'target-tracking' as const, name: p.PolicyName, group: g.name, policyArn: p.PolicyARN }
    if (g.suspended.has('AlarmNotification')) {
      this.w.scalingEvents.push({ ...event, outcome: 'skipped', reason: 'AlarmNotification suspended' })
      return
    }
    const from = g.desired
    let to = Math.min(g.max, Math.max(g.min, Math.ceil(load / target - 1e-9) - others))
    if (to < from && tt?.DisableScaleIn) to = from
    if (to === from) return
    g.desired = to
    this.w.autoScaling.recordActivity(g, {
      Description: `Set desired capacity from ${from} to ${to}`,
      Cause: `At ${iso(this.w.now())} a monitor alarm TargetTracking-${g.name}-${to < from ? 'AlarmLow' : 'AlarmHigh'} in state ALARM triggered policy ${p.PolicyName} changing the desired capacity from ${from} to ${to}.`,
      StatusCode: 'Successful',
      done: true
    })
    this.w.scalingEvents.push({ ...event, outcome: 'executed', from, to })
  }

  /** Execute the alarm's AlarmActions that are scaling policies (see scalingEvents for the outcome). */
  fireAlarm(alarmName: string): ScalingEvent[] {
    const alarm = this.w.alarms.get(alarmName)
    if (!alarm) throw new Error(`no alarm ${alarmName}`)
    if (alarm.StateValue !== 'ALARM') alarm.StateTransitionedTimestamp = this.w.now()
    alarm.StateValue = 'ALARM'
    alarm.StateUpdatedTimestamp = this.w.now()
    alarm.StateReason = 'Threshold Crossed (simulated)'
    this.w.cloudWatch.noteState(alarm)
    const out: ScalingEvent[] = []
    const log = (e: Omit<ScalingEvent, 'time' | 'kind' | 'name'>): void => {
      const ev: ScalingEvent = { time: this.w.now(), kind: 'alarm', name: alarmName, ...e }
      this.w.scalingEvents.push(ev)
      out.push(ev)
    }
    const actions = (alarm.config['AlarmActions'] as string[] | undefined) ?? []
    if (alarm.config['ActionsEnabled'] === false) {
      log({ group: undefined, outcome: 'skipped', reason: 'actions disabled on the alarm' })
      return out
    }
    for (const arn of actions) {
      if (!arn.includes(':scalingPolicy:')) continue
      const found = this.policyByArn(arn)
      if (!found) {
        log({ group: undefined, policyArn: arn, outcome: 'skipped', reason: 'policy does not exist' })
        continue
      }
      const { group: g, policy } = found
      if (g.suspended.has('AlarmNotification')) {
        log({ group: g.name, policyArn: arn, outcome: 'skipped', reason: 'AlarmNotification suspended' })
        continue
      }
      if (!policy.Enabled) {
        log({ group: g.name, policyArn: arn, outcome: 'skipped', reason: 'policy disabled' })
        continue
      }
      const from = g.desired
      const to = Math.min(g.max, Math.max(g.min, this.policyTarget(policy, from, alarm)))
      g.desired = to
      if (to !== from) {
        this.w.autoScaling.recordActivity(g, {
          Description: `Set desired capacity from ${from} to ${to}`,
          Cause: `At ${iso(this.w.now())} a monitor alarm ${alarmName} in state ALARM triggered policy ${policy.PolicyName} changing the desired capacity from ${from} to ${to}.`,
          StatusCode: 'Successful',
          done: true
        })
      }
      log({ group: g.name, policyArn: arn, outcome: 'executed', from, to })
    }
    this.w.settle()
    return out
  }

  policyByArn(arn: string): { group: SimGroup; policy: SimPolicy } | undefined {
    for (const g of this.w.groups.values()) for (const p of g.policies.values()) if (p.PolicyARN === arn) return { group: g, policy: p }
    return undefined
  }

  private policyTarget(p: SimPolicy, current: number, alarm: SimAlarm): number {
    if (p.PolicyType === 'TargetTrackingScaling') {
      // Approximation: each firing of the high alarm adds one instance, of the low alarm removes one.
      return alarm.AlarmName.includes('-AlarmLow-') ? current - 1 : current + 1
    }
    let adj = p.fields['ScalingAdjustment'] as number | undefined
    if (adj === undefined) {
      const steps = (p.fields['StepAdjustments'] as { ScalingAdjustment?: number }[] | undefined) ?? []
      adj = steps[0]?.ScalingAdjustment ?? 0
    }
    switch (p.fields['AdjustmentType']) {
      case 'ExactCapacity':
        return adj
      case 'PercentChangeInCapacity': {
        const delta = Math.trunc((current * adj) / 100)
        const minMag = (p.fields['MinAdjustmentMagnitude'] as number | undefined) ?? 0
        return current + (Math.abs(delta) < minMag ? Math.sign(adj) * minMag : delta)
      }
      default:
        return current + adj
    }
  }

  putScalingPolicy(fields: Record<string, unknown>): { PolicyARN: string; Alarms: { AlarmName: string; AlarmARN: string }[] } {
    const g = this.w.autoScaling.apiGroup(fields['AutoScalingGroupName'] as string | undefined)
    const name = fields['PolicyName'] as string | undefined
    if (!name) throw validation(`1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null`)
    const type = (fields['PolicyType'] as string | undefined) ?? 'SimpleScaling'
    if (!['SimpleScaling', 'StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'].includes(type)) throw validation(`Invalid policy type: ${type}`)
    if ((type === 'SimpleScaling' || type === 'StepScaling') && !fields['AdjustmentType']) throw validation('AdjustmentType must be specified for SimpleScaling and StepScaling policies.')
    if (type === 'SimpleScaling' && fields['ScalingAdjustment'] === undefined) throw validation('ScalingAdjustment must be specified for SimpleScaling policies.')
    if (type === 'StepScaling' && !Array.isArray(fields['StepAdjustments'])) throw validation('StepAdjustments must be specified for StepScaling policies.')
    if (type === 'TargetTrackingScaling' && !fields['TargetTrackingConfiguration']) throw validation('TargetTrackingConfiguration must be specified for TargetTrackingScaling policies.')
    const existing = g.policies.get(name)
    if (!existing && g.policies.size >= 50) throw new SimError('LimitExceeded', `You have reached the limit of 50 scaling policies for AutoScalingGroup ${g.name}.`)
    const arn = existing?.PolicyARN ?? `arn:aws:autoscaling:${this.w.region}:${this.w.accountId}:scalingPolicy:${this.w.ids.uuid()}:autoScalingGroupName/${g.name}:policyName/${name}`
    const stored: Record<string, unknown> = { ...fields }
    delete stored['AutoScalingGroupName']
    delete stored['PolicyName']
    delete stored['PolicyType']
    delete stored['Enabled']
    const policy: SimPolicy = { fields: stored, PolicyName: name, PolicyType: type, PolicyARN: arn, Enabled: (fields['Enabled'] as boolean | undefined) ?? true, managedAlarms: existing?.managedAlarms ?? [] }
    if (type === 'TargetTrackingScaling' && policy.managedAlarms.length === 0) {
      const tt = fields['TargetTrackingConfiguration'] as { TargetValue?: number } | undefined
      const target = tt?.TargetValue ?? 50
      for (const [suffix, op, threshold, periods] of [
        ['AlarmHigh', 'GreaterThanThreshold', target, 3],
        ['AlarmLow', 'LessThanThreshold', target * 0.9, 15]
      ] as const) {
        const alarmName = `TargetTracking-${g.name}-${suffix}-${this.w.ids.uuid()}`
        this.w.cloudWatch.putMetricAlarm(
          {
            AlarmName: alarmName,
            AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${arn}.`,
            ActionsEnabled: true,
            AlarmActions: [arn],
            MetricName: 'CPUUtilization',
            Namespace: 'AWS/EC2',
            Statistic: 'Average',
            Dimensions: [{ Name: 'AutoScalingGroupName', Value: g.name }],
            Period: 60,
            EvaluationPeriods: periods,
            Threshold: threshold,
            ComparisonOperator: op
          },
          arn
        )
        policy.managedAlarms.push(alarmName)
      }
    }
    g.policies.set(name, policy)
    return { PolicyARN: arn, Alarms: this.w.cloudWatch.policyAlarms(policy) }
  }

  deletePolicy(groupName: string | undefined, policyName: string): void {
    let g: SimGroup | undefined
    let p: SimPolicy | undefined
    if (policyName.startsWith('arn:')) {
      const found = this.policyByArn(policyName)
      g = found?.group
      p = found?.policy
    } else {
      g = this.w.autoScaling.apiGroup(groupName)
      p = g.policies.get(policyName)
    }
    if (!g || !p) throw validation(`Policy ${policyName} does not exist`)
    g.policies.delete(p.PolicyName)
    for (const name of p.managedAlarms) this.w.alarms.delete(name)
    // Step/simple: the alarm stays, the action pointing at the deleted policy is removed.
    for (const a of this.w.alarms.values()) {
      for (const key of ['AlarmActions', 'OKActions', 'InsufficientDataActions']) {
        const list = a.config[key]
        if (Array.isArray(list)) a.config[key] = (list as string[]).filter((x) => x !== p.PolicyARN)
      }
    }
  }

  putScheduledAction(p: { AutoScalingGroupName?: string; ScheduledActionName?: string; StartTime?: number; EndTime?: number; Recurrence?: string; MinSize?: number; MaxSize?: number; DesiredCapacity?: number; TimeZone?: string }): void {
    const g = this.w.autoScaling.apiGroup(p.AutoScalingGroupName)
    const name = p.ScheduledActionName
    if (!name) throw validation(`1 validation error detected: Value null at 'scheduledActionName' failed to satisfy constraint: Member must not be null`)
    if (p.MinSize === undefined && p.MaxSize === undefined && p.DesiredCapacity === undefined) throw validation('At least one of MinSize, MaxSize or DesiredCapacity must be specified.')
    if (p.StartTime !== undefined && p.StartTime < this.w.now()) throw validation('Given start time is in the past')
    if (p.EndTime !== undefined && p.StartTime !== undefined && p.EndTime <= p.StartTime) throw validation('End time must be after start time')
    const start = p.StartTime ?? (p.Recurrence ? nextDaily(p.Recurrence, this.w.now()) : this.w.now())
    const existing = g.scheduled.get(name)
    if (!existing && g.scheduled.size >= 125) throw new SimError('LimitExceeded', `You have reached the limit of 125 scheduled actions for AutoScalingGroup ${g.name}.`)
    g.scheduled.set(name, {
      ScheduledActionName: name,
      ScheduledActionARN: existing?.ScheduledActionARN ?? `arn:aws:autoscaling:${this.w.region}:${this.w.accountId}:scheduledUpdateGroupAction:${this.w.ids.uuid()}:autoScalingGroupName/${g.name}:scheduledActionName/${name}`,
      StartTime: start,
      EndTime: p.EndTime,
      Recurrence: p.Recurrence,
      MinSize: p.MinSize,
      MaxSize: p.MaxSize,
      DesiredCapacity: p.DesiredCapacity,
      TimeZone: p.TimeZone
    })
  }

  deleteScheduledAction(groupName: string | undefined, name: string): void {
    const g = this.w.autoScaling.apiGroup(groupName)
    if (!g.scheduled.delete(name)) throw validation(`Scheduled action name not found - ${name}`)
  }

  /** A scheduled action due now (Auto Scaling's step runs the due ones, autoscaling.ts stepGroups). */
  runScheduledAction(g: SimGroup, s: SimScheduledAction): void {
    if (g.suspended.has('ScheduledActions')) {
      this.w.scalingEvents.push({ time: this.w.now(), kind: 'scheduled-action', name: s.ScheduledActionName, group: g.name, outcome: 'skipped', reason: 'ScheduledActions suspended' })
    } else {
      const from = g.desired
      g.min = s.MinSize ?? g.min
      g.max = s.MaxSize ?? g.max
      g.desired = Math.min(g.max, Math.max(g.min, s.DesiredCapacity ?? g.desired))
      this.w.scalingEvents.push({ time: this.w.now(), kind: 'scheduled-action', name: s.ScheduledActionName, group: g.name, outcome: 'executed', from, to: g.desired })
      this.w.autoScaling.recordActivity(g, {
        Description: `Set desired capacity from ${from} to ${g.desired}`,
        Cause: `At ${iso(this.w.now())} a scheduled action update of AutoScalingGroup constraints to min: ${g.min}, max: ${g.max}, desired: ${g.desired} changing the desired capacity from ${from} to ${g.desired}.`,
        StatusCode: 'Successful',
        done: true
      })
    }
    // Recurrence approximated as daily (+24 h), whatever the cron expression says.
    if (s.Recurrence && (s.EndTime === undefined || s.StartTime + 86_400_000 <= s.EndTime)) s.StartTime += 86_400_000
    else g.scheduled.delete(s.ScheduledActionName)
  }
}

/** Next occurrence of a "M H * * *" cron (UTC) after `now`; anything else: now + 24 h. */
function nextDaily(cron: string, now: number): number {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim())
  if (!m) return now + 86_400_000
  const d = new Date(now)
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), Number(m[2]), Number(m[1]))
  if (t <= now) t += 86_400_000
  return t
}
