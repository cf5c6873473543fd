// How long a request takes before the simulated AWS applies and answers it: per-client write delays (a
// run whose writes reach AWS seconds late) and, with realism, API latency. Both are virtual time, varied
// with the world's seeded RNG, and applied by world.requestHandler, world.handler(...) and the server.

import { accessKeyIdOf, type Identified } from './dispatch.js'
import type { World } from '../world/world.js'

/** Virtual milliseconds to hold this request before dispatching it. */
export function requestDelayMs(world: World, req: Identified, handlerWriteDelayMs = 0): number {
  let delay = world.latencyMs()
  if (req.write) {
    const base = handlerWriteDelayMs + world.faults.writeDelayOf(accessKeyIdOf(req.headers))
    if (base > 0) delay += Math.round(world.rng.vary(base, 0.3))
  }
  return delay
}
