// Is a group ready to serve? Exactly its own instances, in every target group, never the other color's.
import { type Activity, type Group, activeInstances } from './model.js'

export interface NotReady {
  instanceId: string
  lifecycle: string
  /** Target group ARN → state (with reason code) for every target group where it is not healthy. */
  targets: { targetGroupArn: string; state: string; reason?: string; description?: string }[]
}

export interface HealthReport {
  ready: boolean
  healthy: number
  wanted: number
  notReady: NotReady[]
  /** Instances that are `unhealthy` in at least one target group right now. */
  unhealthy: string[]
  /** Failed scaling activities that were not there when the wait began. */
  failedActivities: Activity[]
}

/**
 * `knownActivities`: ids of the activities seen before the wait began. Comparing ids rather than
 * times keeps the runner's clock out of it.
 */
export function assessHealth(group: Group, wanted: number, targetGroupArns: string[], knownActivities: ReadonlySet<string> = new Set()): HealthReport {
  const notReady: NotReady[] = []
  const unhealthy: string[] = []
  let healthy = 0
  for (const inst of activeInstances(group)) {
    const targets = targetGroupArns
      .map((arn) => ({ targetGroupArn: arn, ...(inst.targets[arn] ?? { state: 'unused', reason: 'Target.NotRegistered' }) }))
      .filter((t) => t.state !== 'healthy')
    if (inst.lifecycle === 'InService' && targets.length === 0) {
      healthy++
      continue
    }
    if (targets.some((t) => t.state === 'unhealthy')) unhealthy.push(inst.id)
    notReady.push({ instanceId: inst.id, lifecycle: inst.lifecycle, targets })
  }
  const failedActivities = group.activities.filter((a) => a.status === 'Failed' && !knownActivities.has(a.id))
  return {
    ready: healthy >= wanted && notReady.length === 0,
    healthy,
    wanted,
    notReady,
    unhealthy,
    failedActivities
  }
}

export function describeNotReady(report: HealthReport, limit = 10): string {
  const lines = report.notReady.slice(0, limit).map((n) => {
    if (n.targets.length === 0) return `${n.instanceId} (${n.lifecycle})`
    const t = n.targets
      .map((x) => `${x.state}${x.reason ? ` ${x.reason}` : ''}${x.description ? ` "${x.description}"` : ''}`)
      .join('; ')
    return `${n.instanceId} (${n.lifecycle}: ${t})`
  })
  if (report.notReady.length > limit) lines.push(`and ${report.notReady.length - limit} more`)
  return lines.join(', ')
}
