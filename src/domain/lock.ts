// One run drives a pair at a time (SPEC invariant 7). The lock is a tag on the pair's first group
// holding the run's URL and a heartbeat time; a lock whose heartbeat stopped is taken over safely.
import { formatDuration } from '../duration.js'
import type { Pair } from './model.js'

export const LOCK_TAG = 'blue-green:lock'
/** The holder rewrites the tag this often while it runs. */
export const HEARTBEAT_MS = 60_000
/** A lock whose heartbeat is older than this belongs to a run that is over (killed, cancelled, crashed). */
export const STALE_AFTER_MS = 5 * 60_000

export interface LockHolder {
  run: string
  at: number
}

export type LockVerdict =
  | { kind: 'free' }
  | { kind: 'mine' }
  | { kind: 'stale'; holder: LockHolder; ageMs: number }
  | { kind: 'held'; holder: LockHolder; ageMs: number }

const MAX_TAG_VALUE = 256

const TIME_LENGTH = 24 // 2026-11-28T10:00:00.000Z

/** The run's identity as it fits in the tag beside the heartbeat time. */
function runKey(run: string): string {
  return run.slice(0, MAX_TAG_VALUE - TIME_LENGTH - 1)
}

export function encodeLock(run: string, at: number): string {
  return `${runKey(run)} ${new Date(at).toISOString()}`
}

export function decodeLock(value: string | undefined): LockHolder | undefined {
  if (!value) return undefined
  const cut = value.lastIndexOf(' ')
  const at = Date.parse(value.slice(cut + 1))
  if (cut <= 0 || Number.isNaN(at)) return { run: value, at: 0 }
  return { run: value.slice(0, cut), at }
}

/** Whether a lock tag value was written by this run. */
export function isMine(tagValue: string | undefined, me: string): boolean {
  return decodeLock(tagValue)?.run === runKey(me)
}

export function lockGroup(pair: Pair): string {
  return pair.groups[0].name
}

/** Whether the pair's lock, as observed, is this run's (an earlier attempt of it: a re-run keeps the run URL). */
export function holdsLock(pair: Pair, me: string): boolean {
  return isMine(pair.groups[0].tags[LOCK_TAG], me)
}

export function lockVerdict(pair: Pair, me: string, now: number): LockVerdict {
  const holder = decodeLock(pair.groups[0].tags[LOCK_TAG])
  if (!holder) return { kind: 'free' }
  // The same run (a re-run of a failed job is the same run URL) may always take its own lock back.
  if (holdsLock(pair, me)) return { kind: 'mine' }
  const ageMs = Math.max(0, now - holder.at)
  return ageMs > STALE_AFTER_MS ? { kind: 'stale', holder, ageMs } : { kind: 'held', holder, ageMs }
}

/** Another run's lock that is not stale, or undefined (free, ours, stale, or held by a run known to be over). */
export function liveForeignLock(pair: Pair, me: string, now: number, over: ReadonlySet<string> = new Set()): { holder: LockHolder; ageMs: number } | undefined {
  const v = lockVerdict(pair, me, now)
  return v.kind === 'held' && !over.has(v.holder.run) ? v : undefined
}

/** The refusal for a pair another run drives, naming that run (`why`: what it means for this run's mode). */
export function heldRefusal(base: string, held: { holder: LockHolder; ageMs: number }, why?: string): string {
  return (
    `${base}: another run is driving this pair: ${held.holder.run} (last heartbeat ${formatDuration(held.ageMs)} ago).${why ? ` ${why}` : ''} ` +
    `Wait for it to finish, then re-run; a lock whose run is over is taken over automatically ${formatDuration(STALE_AFTER_MS)} after its last heartbeat.`
  )
}

/**
 * Pre-flight under another run's live lock. A pair that looks settled (the version already serves, nothing
 * to roll back) may still change while that run goes on (its bake rolls back by itself), and the advice
 * for a pair in another deployment (finalize, roll back, resume) would be refused by the same lock: the
 * refusal names the lock instead. A run GitHub reports over is not in the way (its lock is taken over).
 */
export function lockPreflight(pair: Pair, lock: { me: string; now: number; over?: ReadonlySet<string> }): string | undefined {
  const held = liveForeignLock(pair, lock.me, lock.now, lock.over)
  return held
    ? heldRefusal(pair.base, held, 'What serves may still change until that run ends (its bake may roll back), so this run neither acts on the pair nor reports it unchanged.')
    : undefined
}
