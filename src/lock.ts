// Taking, keeping and giving back the pair locks around the writes of a run.
import type { Fleet } from './aws/port.js'
import type { Clock } from './clock.js'
import { formatDuration } from './duration.js'
import { errorMessage } from './errors.js'
import type { Logger } from './execute.js'
import { HEARTBEAT_MS, LOCK_TAG, STALE_AFTER_MS, decodeLock, encodeLock, isMine, lockGroup, lockVerdict } from './domain/lock.js'
import type { Pair } from './domain/model.js'

/** Two runs that tag at the same moment: both re-read after this long and only one keeps the lock. */
const SETTLE_MS = 2_000

export interface HeldLocks {
  refusals: string[]
  release(): Promise<void>
}

export interface LockDeps {
  fleet: Fleet
  clock: Clock
  log: Logger
  /** Asks GitHub whether the holder's run is over (then its lock is taken over at once). */
  isRunOver?: (run: string) => Promise<boolean>
}

export async function acquireLocks(pairs: Pair[], me: string, deps: LockDeps): Promise<HeldLocks> {
  const { fleet, clock, log } = deps
  const refusals: string[] = []
  for (const pair of pairs) {
    const v = lockVerdict(pair, me, clock.now())
    if (v.kind === 'held' && (await deps.isRunOver?.(v.holder.run))) {
      log.warning(`${pair.base}: taking over the lock of ${v.holder.run}: GitHub reports that run completed.`)
      continue
    }
    if (v.kind === 'held') {
      refusals.push(
        `${pair.base}: another run is driving this pair: ${v.holder.run} (last heartbeat ${formatDuration(v.ageMs)} ago). ` +
          `Wait for it to finish; a lock whose run is over is taken over automatically ${formatDuration(STALE_AFTER_MS)} after its last heartbeat.`
      )
    }
    if (v.kind === 'stale') {
      log.warning(`${pair.base}: taking over the lock of ${v.holder.run}, whose last heartbeat was ${formatDuration(v.ageMs)} ago (the run is over).`)
    }
  }
  if (refusals.length > 0) return { refusals, release: async () => {} }

  const groups = pairs.map(lockGroup)
  const write = (): Promise<unknown> => Promise.all(groups.map((g) => fleet.tag(g, { [LOCK_TAG]: encodeLock(me, clock.now()) }, [])))
  await write()
  await clock.sleep(SETTLE_MS)
  const lost = (await fleet.describeGroups(groups)).filter((g) => !isMine(g.tags[LOCK_TAG], me))
  const releaseMine = async (): Promise<void> => {
    const mine = (await fleet.describeGroups(groups)).filter((g) => isMine(g.tags[LOCK_TAG], me))
    if (mine.length > 0) await fleet.untag(mine.map((g) => ({ group: g.name, key: LOCK_TAG })))
  }
  if (lost.length > 0) {
    await releaseMine()
    return {
      refusals: lost.map((g) => `${g.name}: another run took the lock at the same moment (${decodeLock(g.tags[LOCK_TAG])?.run ?? 'unknown'}); this run backs off. Re-run it once that run is over.`),
      release: async () => {}
    }
  }

  const stop = new AbortController()
  const heartbeat = (async () => {
    while (!stop.signal.aborted) {
      await clock.sleep(HEARTBEAT_MS, stop.signal).catch(() => undefined)
      if (stop.signal.aborted) break
      await write().catch((err: unknown) => log.warning(`Could not renew the pair lock: ${errorMessage(err)}`))
    }
  })()
  return {
    refusals: [],
    release: async () => {
      stop.abort()
      await heartbeat
      await releaseMine().catch((err: unknown) => log.warning(`Could not release the pair lock (${LOCK_TAG}); the next run takes it over: ${errorMessage(err)}`))
    }
  }
}
