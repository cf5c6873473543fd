// A runner killed between two AWS writes: every write after the first `survive` ones fails as if the
// process had died (nothing more reaches AWS), so the world is left exactly where the run stopped.
import type { SimWorld } from './sim/index.js'

export class RunnerKilled extends Error {
  constructor() {
    super('runner killed (simulated)')
    this.name = 'RunnerKilled'
  }
}

/** Lets `survive` more writes through, then kills every later one; returns a function that revives. */
export function killAfter(world: SimWorld, survive: number): () => void {
  const start = world.faults.writeCount
  world.faults.beforeWrite = (_op, _params, n) => {
    if (n - start > survive) throw new RunnerKilled()
  }
  return () => {
    world.faults.beforeWrite = undefined
  }
}

/** Writes a run makes, counted from the simulator's own log. */
export function countWrites(world: SimWorld, run: () => Promise<unknown>): Promise<number> {
  const before = world.writes().length
  return run().then(() => world.writes().length - before)
}
