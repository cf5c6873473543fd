// One run drives a pair at a time (SPEC invariant 7). The lock is a tag on the pair's first group
// holding the run's URL and a heartbeat time; a lock whose heartbeat stopped is taken over safely.
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

export function lockVerdict(pair: Pair, me: string, now: number): LockVerdict {
  const holder = decodeLock(pair.groups[0].tags[LOCK_TAG])
  if (!holder) return { kind: 'free' }
  // The same run (a re-run of a failed job is the same run URL) may always take its own lock back.
  if (isMine(pair.groups[0].tags[LOCK_TAG], me)) return { kind: 'mine' }
  const ageMs = Math.max(0, now - holder.at)
  return ageMs > STALE_AFTER_MS ? { kind: 'stale', holder, ageMs } : { kind: 'held', holder, ageMs }
}
