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
/**
 * On the live group while a deploy waits for the new group's health, and for the whole of a canary: its own
 * MinSize before the run raised MinSize to the desired capacity, so that its policies cannot scale it in
 * while the new instances share the load (SPEC invariant 1), then `/` and the MinSize the run set (`2/6`;
 * older runs wrote the own MinSize alone). A MinSize other than the one the run set is the owner's (a
 * scheduled action, a person) and replaces the recorded one (ownCapacityOf). Restored by rollback or abort,
 * recorded by cutover.
 */
export const LIVE_MIN_TAG = 'blue-green:live-min'
/** On the group a deploy scales up: the run that drives the deployment (a run never carries on another's). */
export const DEPLOY_RUN_TAG = 'blue-green:deploy-run'

/**
 * On the group a canary scaled up (beside IDLE_CAPACITY_TAG): how many instances the canary runs. It tells a
 * canary, which holds until promoted or rolled back, from a deploy stopped before cutover, which goes on.
 * A promoting deploy removes it first.
 */
export const CANARY_TAG = 'blue-green:canary'

export const MARKER_TAGS = [IDLE_CAPACITY_TAG, LIVE_CAPACITY_TAG, LIVE_SUSPENDED_TAG, FINALIZING_TAG, LIVE_MIN_TAG, DEPLOY_RUN_TAG, CANARY_TAG]

/**
 * On the pair's first group, kept between deployments: the last thing this action did to the pair
 * (`deploy <version>` when a deploy takes the pair, `finalize <version>`, `rollback <version>`). Only a
 * finalize leaves nothing to roll back to; any other record means the previous version still serves.
 */
export const LAST_RUN_TAG = 'blue-green/last-run'

/**
 * On the group that runs a version: who shipped it (commit, actor, time, run; see github/release.ts).
 * Not a `blue-green:` marker: it stays with the version it describes after the deployment ends.
 */
export const RELEASE_TAG = 'blue-green/last-deploy'

export type LastRun = { mode: 'deploy' | 'canary' | 'finalize' | 'rollback'; version: string }

export function encodeLastRun(r: LastRun): string {
  return `${r.mode} ${r.version}`.slice(0, 256)
}

export function decodeLastRun(value: string | undefined): LastRun | undefined {
  const m = /^(deploy|canary|finalize|rollback) (.*)$/.exec(value ?? '')
  return m ? { mode: m[1] as LastRun['mode'], version: m[2] ?? '' } : undefined
}

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

/** The canary size recorded on a group (a whole number ≥ 1), undefined when none, NaN when unreadable. */
export function canaryOf(g: Group): number | undefined {
  const v = g.tags[CANARY_TAG]
  if (v === undefined) return undefined
  return /^\d+$/.test(v.trim()) && Number(v.trim()) >= 1 ? Number(v.trim()) : Number.NaN
}

export function liveCapacityOf(g: Group): Capacity | undefined {
  return decodeCapacity(g.tags[LIVE_CAPACITY_TAG])
}

/** The hold recorded on a live group: the owner's MinSize and the MinSize the run set (when recorded). */
export function holdOf(g: Group): { own: number; held?: number } | undefined {
  const m = /^(\d+)(?:\/(\d+))?$/.exec((g.tags[LIVE_MIN_TAG] ?? '').trim())
  if (!m) return undefined
  return m[2] !== undefined ? { own: Number(m[1]), held: Number(m[2]) } : { own: Number(m[1]) }
}

export function encodeHold(own: number, held: number): string {
  return `${own}/${held}`
}

/**
 * The live group's capacity as its owner has it now: MinSize as it was before a run held it up, unless
 * the owner set another MinSize since (MinSize is no longer the one the run set; for a record without it,
 * MinSize fell below the recorded one): then theirs. Never above the desired capacity (AWS refuses
 * MinSize > DesiredCapacity), so neither the new group's size nor a restore can undo a schedule.
 */
export function ownCapacityOf(g: Group): Capacity {
  const hold = holdOf(g)
  if (!hold) return { ...g.capacity }
  const changed = hold.held !== undefined ? g.capacity.min !== hold.held : g.capacity.min < hold.own
  const own = changed ? g.capacity.min : hold.own
  return { ...g.capacity, min: Math.min(own, g.capacity.desired) }
}
