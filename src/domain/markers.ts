// The deployment's memory: everything a later job needs lives in tags on the two groups, so
// finalize, rollback and status work from AWS state alone, in another job on another runner.
import type { Capacity, Group } from './model.js'

/** On the group a deploy scales up: its capacity before the deploy (the idle capacity to return to). */
export const IDLE_CAPACITY_TAG = 'blue-green:idle-capacity'
/** On the group that served when cutover began: its capacity then (restored by rollback). */
export const LIVE_CAPACITY_TAG = 'blue-green:live-capacity'
/** On that same group: the processes the owner had suspended before we quarantined it. */
export const LIVE_SUSPENDED_TAG = 'blue-green:live-suspended'
/** On the standby group while finalize detaches and terminates a batch: the batch's instance ids. */
export const FINALIZING_TAG = 'blue-green:finalizing'

export const MARKER_TAGS = [IDLE_CAPACITY_TAG, LIVE_CAPACITY_TAG, LIVE_SUSPENDED_TAG, FINALIZING_TAG]

/**
 * The processes suspended on a standby group, so that nothing launches into it or scales it while it
 * waits for a decision. AddToLoadBalancer is left alone on purpose: a rollback's ExitStandby must
 * register the instances again.
 */
export const QUARANTINE_PROCESSES = [
  'Launch',
  'Terminate',
  'HealthCheck',
  'ReplaceUnhealthy',
  'AZRebalance',
  'AlarmNotification',
  'ScheduledActions',
  'InstanceRefresh'
]

export function encodeCapacity(c: Capacity): string {
  return `${c.min}/${c.desired}/${c.max}`
}

export function decodeCapacity(value: string | undefined): Capacity | undefined {
  if (value === undefined) return undefined
  const m = /^(\d+)\/(\d+)\/(\d+)$/.exec(value.trim())
  if (!m) return undefined
  return { min: Number(m[1]), desired: Number(m[2]), max: Number(m[3]) }
}

export function encodeList(items: string[]): string {
  return items.join(',')
}

export function decodeList(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return []
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

export function idleCapacityOf(g: Group): Capacity | undefined {
  return decodeCapacity(g.tags[IDLE_CAPACITY_TAG])
}

export function liveCapacityOf(g: Group): Capacity | undefined {
  return decodeCapacity(g.tags[LIVE_CAPACITY_TAG])
}
