// The guard: what every observation of a pair must show for this run to keep writing to it.
import type { Config } from '../config/types.js'
import { DEPLOY_RUN_TAG } from '../domain/markers.js'
import type { Pair } from '../domain/model.js'
import { MODE_RULES } from '../domain/modes.js'
import { classify } from '../domain/phase.js'
import { type HeldLocks, LockLost } from './pair-locks.js'

/** Runs on every observation of the pair; throws to stop the run writing (another run took the pair). */
export type Guard = (pair: Pair) => void

/**
 * Its own lock, and, for a deploy, its own version on the group being deployed, driven by this run (SPEC
 * invariant 7). A run never carries on a deployment it did not start or take over under its lock.
 */
export function guardFor(config: Pick<Config, 'mode' | 'version' | 'versionTagKey' | 'runUrl'>, start: Pair, locks: HeldLocks): Guard {
  // Values seen before this run took over: a read that still shows them lags our own writes.
  const before = new Set(start.groups.map((g) => g.tags[DEPLOY_RUN_TAG]))
  return (pair: Pair) => {
    locks.check(pair)
    if (!MODE_RULES[config.mode].deployLike) return
    const phase = classify(pair)
    const next = phase.kind === 'deploying' || phase.kind === 'cut-over' ? phase.next : undefined
    if (!next) return
    const version = next.tags[config.versionTagKey]
    const run = next.tags[DEPLOY_RUN_TAG]
    if (version !== config.version) {
      throw new LockLost(pair.base, `a deployment of ${version ?? '(no version)'} to ${next.name}, not ${config.version}`)
    }
    if (run !== undefined && run !== config.runUrl && !before.has(run)) throw new LockLost(pair.base, run)
  }
}
