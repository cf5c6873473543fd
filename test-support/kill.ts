// A runner killed between two AWS writes: every write after the first `survive` ones fails as if the
// process had died (nothing more reaches AWS), so the world is left exactly where the run stopped.
// Writes of the pair lock alone (taking, renewing, releasing it) are not counted as kill points:
// they change nothing about the pair, and renewals happen on a timer.
import type { SimWorld } from './sim/index.js'
import { noteKillPoint } from './stats.js'

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

/** Pair writes (lock writes aside) a run makes, counted from the simulator's own log. */
export async function countWrites(world: SimWorld, run: () => Promise<unknown>): Promise<number> {
  const before = world.writes().length
  await run()
  return world
    .writes()
    .slice(before)
    .filter((c) => !isLockWrite(c.operation, c.params)).length
}
