// A runner killed between two AWS writes, two ways:
// - `killAfter`: every write after the first `survive` ones fails as if the process had died (nothing more
//   reaches AWS), so the world is left exactly where the run stopped;
// - `killSnapshots`: one clean run, with the simulated world forked just before each of its writes; the
//   fork after k writes is the world a runner killed there leaves (a SIGKILL makes no further call), so a
//   kill sweep resumes from it instead of replaying the clean prefix once per kill point.
// Writes of the pair lock alone (taking, renewing, releasing it) are not counted as kill points:
// they change nothing about the pair, and renewals happen on a timer.
import type { SimWorld } from './world.js'
import { noteKillPoint, noteKilledRun, untrackWorld } from './stats.js'

export class RunnerKilled extends Error {
  constructor() {
    super('runner killed (simulated)')
    this.name = 'RunnerKilled'
  }
}

const LOCK_TAG = 'blue-green:lock'

export function isLockWrite(operation: string, params: unknown): boolean {
  if (operation !== 'CreateOrUpdateTags' && operation !== 'DeleteTags') return false
  const tags = (params as { Tags?: { Key?: string }[] }).Tags ?? []
  return tags.length > 0 && tags.every((t) => t.Key === LOCK_TAG)
}

/** Lets `survive` more pair writes through, then kills every later write; returns a function that revives. */
export function killAfter(world: SimWorld, survive: number): () => void {
  noteKillPoint()
  let counted = 0
  let dead = false
  world.faults.beforeWrite = (operation, params) => {
    if (dead) throw new RunnerKilled()
    if (isLockWrite(operation, params)) return
    counted++
    if (counted > survive) {
      dead = true
      throw new RunnerKilled()
    }
  }
  return () => {
    world.faults.beforeWrite = undefined
  }
}

/**
 * Virtual time between a kill and the next run on the account: GitHub takes far longer to notice a lost runner
 * and start another job; the gap only has to outlast the simulated read lag (realism.ts: at most 3 s), so that,
 * as after a real kill, the next run reads what the killed one wrote.
 */
export const RESTART_GAP_MS = 5_000

export interface KillSnapshots {
  /** Pair writes (lock writes aside) the clean run made: the kill points are 0 … total − 1. */
  total: number
  /** A new world in the state a runner killed after k pair writes leaves (each call forks anew). */
  killedAfter(k: number): SimWorld
}

/**
 * Runs `run` (one clean run of `mode` on `world`) and forks the world just before each of its pair writes.
 * `world` itself ends as the clean run leaves it.
 */
export async function killSnapshots(world: SimWorld, mode: string, run: () => Promise<unknown>): Promise<KillSnapshots> {
  const snapshots: { world: SimWorld; operation: string }[] = []
  const previous = world.faults.beforeWrite
  world.faults.beforeWrite = (operation, params, n) => {
    previous?.(operation, params, n)
    if (isLockWrite(operation, params)) return
    const snapshot = world.fork()
    untrackWorld(snapshot)
    // In the fork, the write being dispatched never reached AWS: its record says so, and it is not counted.
    const pending = snapshot.calls.at(-1)
    if (pending?.write) Object.assign(pending, { ok: false, error: 'RunnerKilled: runner killed (simulated)' })
    snapshot.faults.writeCount--
    snapshots.push({ world: snapshot, operation })
  }
  try {
    await run()
  } finally {
    world.faults.beforeWrite = previous
  }
  return {
    total: snapshots.length,
    killedAfter: (k) => {
      const s = snapshots[k]
      if (!s) throw new Error(`kill point ${k} out of range: the clean ${mode} made ${snapshots.length} pair writes`)
      const killed = s.world.fork()
      noteKilledRun(killed, { mode, survived: k, killedAt: s.operation })
      // The re-run is a new job: it starts a while after the kill, never within the simulated read lag.
      killed.advance(RESTART_GAP_MS)
      return killed
    }
  }
}
