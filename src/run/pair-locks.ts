// Taking, keeping and giving back the pair locks around the writes of a run (SPEC invariant 7).
// The lock is decided from a fresh read, confirmed by reading it back, checked again at every
// observation of the pair, and the heartbeat never overwrites another run's lock.
import type { Fleet } from '../aws/port.js'
import type { Clock } from '../clock.js'
import { formatDuration } from '../duration.js'
import { ActionError, errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import { HEARTBEAT_MS, LOCK_TAG, STALE_AFTER_MS, decodeLock, encodeLock, heldRefusal, holdsLock, isMine, lockGroup, lockVerdict } from '../domain/lock.js'
import type { Pair } from '../domain/model.js'

/** How often a run reads back a lock it may have lost (release), and how long it reads its new lock back. */
const CONFIRM_EVERY_MS = 1_000
/**
 * Confirming a new lock looks often: every write of the run (a rollback's weight write first of all) waits
 * for it, and a read stops lagging at any moment. The same few seconds of foreign reads mean lost.
 */
const CONFIRM_POLL_MS = 250
const CONFIRM_FOREIGN_LOOKS = 5 * (CONFIRM_EVERY_MS / CONFIRM_POLL_MS)
const CONFIRM_WITHIN_MS = 15_000
/** Reads (one a second) after which a value that is not ours is no longer taken for a lagging read. */
const LAG_LOOKS = 5
/** A lock that looks held is read once more this much later before the run refuses. */
const HELD_RECHECK_MS = 5_000

/** Another run took the pair: this run stops writing at once and does not try to undo anything. */
export class LockLost extends ActionError {
  constructor(
    readonly base: string,
    readonly holder: string
  ) {
    super(
      `${base}: another run took this pair's lock (${holder}); this run stopped writing at once. ` +
        'Let that run finish; if neither run finishes, run mode: rollback to restore the previous version.'
    )
    this.name = 'LockLost'
  }
}

export interface HeldLocks {
  refusals: string[]
  /** Throws LockLost when this observation of the pair shows another run's lock (or the heartbeat saw one). */
  check(pair: Pair): void
  release(): Promise<void>
}

export interface LockDeps {
  fleet: Fleet
  clock: Clock
  log: Logger
  /** Asks GitHub whether the holder's run is over (then its lock is taken over at once). */
  isRunOver?: (run: string) => Promise<boolean>
}

interface LockState {
  pair: Pair
  group: string
  /** The tag value seen just before our write: a read that still shows it is a read that lags. */
  before: string | undefined
  lostTo?: string
}

export async function acquireLocks(pairs: Pair[], me: string, deps: LockDeps, firstWriteTags: Record<string, string> = {}): Promise<HeldLocks> {
  const { fleet, clock, log } = deps
  const groups = pairs.map(lockGroup)
  let decided = await decide(pairs, me, deps)
  if (decided.refusals.length > 0) {
    // The holder may have released its lock a moment ago and the read still shows it: look once more.
    await clock.sleep(HELD_RECHECK_MS).catch(() => undefined)
    decided = await decide(pairs, me, deps)
  }
  const { refusals, states } = decided
  const none = { check: () => undefined, release: async () => {} }
  if (refusals.length > 0) return { refusals, ...none }

  // Each pair's lock (with its attempt record) lands in one call; Auto Scaling takes at most 25 tags a call,
  // so many pairs take several calls, and a failing call leaves the earlier ones' locks written.
  const write = (to: string[], extra: Record<string, string> = {}): Promise<void> =>
    fleet.tagAll(to.flatMap((group) => Object.entries({ [LOCK_TAG]: encodeLock(me, clock.now()), ...extra }).map(([key, value]) => ({ group, key, value }))))
  // Another run's lock, or undefined when the value is ours, none, or the one seen before our write (a
  // read that still shows it lags our own write).
  const foreign = (s: LockState, value: string | undefined): string | undefined =>
    value === undefined || value === s.before || isMine(value, me) ? undefined : (decodeLock(value)?.run ?? value)
  // Release every lock that is not visibly another run's. Another run's lock is read again for a few
  // seconds: it may be an older value a lagging read still shows.
  const releaseMine = async (): Promise<void> => {
    const ours = new Set<LockState>()
    let undecided = [...states]
    for (let look = 0; look <= LAG_LOOKS && undecided.length > 0; look++) {
      if (look > 0) await clock.sleep(CONFIRM_EVERY_MS).catch(() => undefined)
      const seen = await fleet.describeGroups(undecided.map((s) => s.group))
      for (const s of undecided) if (!foreign(s, seen.find((g) => g.name === s.group)?.tags[LOCK_TAG])) ours.add(s)
      undecided = undecided.filter((s) => !ours.has(s))
    }
    if (ours.size > 0) await fleet.untag([...ours].map((s) => ({ group: s.group, key: LOCK_TAG })))
  }
  try {
    await write(groups, firstWriteTags)
  } catch (err) {
    // All locks or none: give back the ones that landed (the failing call's too, if AWS applied it).
    const released = await releaseMine().then(
      () => 'The locks it had written were removed again',
      (e: unknown) => `Removing the locks it had written failed too (${errorMessage(e)}); they are taken over ${formatDuration(STALE_AFTER_MS)} after this run`
    )
    throw new ActionError(
      `Could not take the pair locks (${LOCK_TAG} on ${groups.join(', ')}): ${errorMessage(err)}. ${released}, and nothing else was changed. ` +
        'Re-run the job; if the same call fails again, check the role may call autoscaling:CreateOrUpdateTags and autoscaling:DeleteTags on these groups.'
    )
  }
  const lost = await confirm(states, me, fleet, clock)
  if (lost.length > 0) {
    await releaseMine()
    return {
      refusals: lost.map((s) => `${s.group}: another run took the lock at the same moment (${s.lostTo ?? 'unknown'}); this run backs off. Re-run it once that run is over.`),
      ...none
    }
  }

  const stop = new AbortController()
  const heartbeat = (async () => {
    while (!stop.signal.aborted) {
      await clock.sleep(HEARTBEAT_MS, stop.signal).catch(() => undefined)
      if (stop.signal.aborted) break
      try {
        // Never overwrite another run's lock: read first, renew only what is still ours.
        const seen = await fleet.describeGroups(groups)
        for (const s of states) {
          const other = foreign(s, seen.find((g) => g.name === s.group)?.tags[LOCK_TAG])
          if (other && !s.lostTo) s.lostTo = other
        }
        const renew = states.filter((s) => !s.lostTo).map((s) => s.group)
        if (renew.length > 0) await write(renew)
      } catch (err) {
        log.warning(`Could not renew the pair lock: ${errorMessage(err)}`)
      }
    }
  })()
  return {
    refusals: [],
    check: (pair: Pair) => {
      const s = states.find((x) => x.pair.base === pair.base)
      if (!s) return
      const other = s.lostTo ?? foreign(s, pair.groups.find((g) => g.name === s.group)?.tags[LOCK_TAG])
      if (other) {
        s.lostTo = other
        throw new LockLost(pair.base, other)
      }
    },
    release: async () => {
      stop.abort()
      await heartbeat
      await releaseMine().catch((err: unknown) => log.warning(`Could not release the pair lock (${LOCK_TAG}); the next run takes it over: ${errorMessage(err)}`))
    }
  }
}

/** The lock verdict of every pair, from a fresh read (not from the snapshot discovery took before pre-flight). */
async function decide(pairs: Pair[], me: string, deps: LockDeps): Promise<{ refusals: string[]; states: LockState[] }> {
  const { fleet, clock, log } = deps
  const refusals: string[] = []
  const fresh = await fleet.describeGroups(pairs.map(lockGroup))
  const states: LockState[] = []
  for (const pair of pairs) {
    const now = fresh.find((g) => g.name === lockGroup(pair))
    const tags = now?.tags ?? pair.groups[0].tags
    const current: Pair = { ...pair, groups: [{ ...pair.groups[0], tags }, pair.groups[1]] }
    const v = lockVerdict(current, me, clock.now())
    states.push({ pair, group: lockGroup(pair), before: tags[LOCK_TAG] })
    if (v.kind === 'held' && (await deps.isRunOver?.(v.holder.run))) {
      log.warning(`${pair.base}: taking over the lock of ${v.holder.run}: GitHub reports that run completed.`)
      continue
    }
    if (v.kind === 'held') refusals.push(heldRefusal(pair.base, v))
    if (v.kind === 'stale') {
      log.warning(`${pair.base}: taking over the lock of ${v.holder.run}, whose last heartbeat was ${formatDuration(v.ageMs)} ago (the run is over).`)
    }
  }
  return { refusals, states }
}

/** Reads the locks back until each shows ours or another run's; a read that still lags is read again. */
async function confirm(states: LockState[], me: string, fleet: Fleet, clock: Clock): Promise<LockState[]> {
  const pending = new Set(states)
  const deadline = clock.now() + CONFIRM_WITHIN_MS
  const lost: LockState[] = []
  const foreignReads = new Map<LockState, number>()
  while (pending.size > 0) {
    await clock.sleep(CONFIRM_POLL_MS)
    const seen = await fleet.describeGroups([...pending].map((s) => s.group))
    for (const s of [...pending]) {
      const value = seen.find((g) => g.name === s.group)?.tags[LOCK_TAG]
      if (isMine(value, me)) pending.delete(s)
      else if (value !== s.before) {
        // Another run's lock: ours may land over it still (a lagging read shows an older value), so it
        // counts as lost only once it has been seen for a few reads in a row.
        const seenFor = (foreignReads.get(s) ?? 0) + 1
        foreignReads.set(s, seenFor)
        if (seenFor > CONFIRM_FOREIGN_LOOKS) {
          s.lostTo = decodeLock(value)?.run ?? 'a run that removed the lock'
          lost.push(s)
          pending.delete(s)
        }
      } else foreignReads.delete(s)
    }
    if (clock.now() >= deadline) {
      for (const s of pending) {
        s.lostTo = `unconfirmed: AWS did not show this run's lock within ${formatDuration(CONFIRM_WITHIN_MS)}`
        lost.push(s)
      }
      break
    }
  }
  return lost
}

/**
 * Pairs this run has nothing to do for, yet whose lock is its own: an earlier attempt of the same run (a job
 * re-run) stopped after its last write and before giving the lock back. Given back now, so that the pair
 * ends as an uninterrupted run leaves it (a read that still shows a lock this run just released deletes it
 * once more: harmless). Another run's lock is never touched here.
 */
export async function releaseLeftOverLocks(pairs: Pair[], me: string, fleet: Fleet, log: Logger): Promise<void> {
  const left = pairs.filter((p) => holdsLock(p, me))
  if (left.length === 0) return
  await fleet.untag(left.map((p) => ({ group: lockGroup(p), key: LOCK_TAG })))
  for (const p of left) log.info(`${p.base}: gave back this run's lock, left on ${lockGroup(p)} by an earlier attempt that stopped before its end.`)
}
