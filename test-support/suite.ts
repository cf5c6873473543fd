// Which suite runs: `npm test` (the fast suite: kill sweeps sample their kill points) or
// `npm run test:exhaustive` (TEST_SUITE=exhaustive: every kill point, every bundle e2e test, the starter kit).
//
// The sample is seeded: KILL_SEED picks it (jest.config.js draws one per `npm test` and prints it), each sweep
// mixes its own name into the seed so sweeps sample independently, and the same seed always picks the same
// points. A failing sampled point names the seed in its message: `KILL_SEED=<seed> npm test -- <file>` replays it.
import { SeededRandom } from '../packages/aws-sim/src/index.js'

export const EXHAUSTIVE = process.env.TEST_SUITE === 'exhaustive'

/** The seed of this run's samples (fixed when the variable is missing, e.g. a test file run directly by jest). */
export const KILL_SEED = Number(process.env.KILL_SEED ?? 1) >>> 0

/** Kill points a sampled sweep visits: the first, the last, and this many more drawn by the seed. */
export const SAMPLED_POINTS = 3

function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/**
 * The points a kill sweep named `name` visits, in their order: all of them in the exhaustive suite; otherwise
 * the first, the last and `extra` others drawn with KILL_SEED (every point when there are no more than that).
 */
export function sweep<T>(points: readonly T[], name: string, extra = SAMPLED_POINTS): T[] {
  if (EXHAUSTIVE || points.length <= extra + 2) return [...points]
  const rng = new SeededRandom((KILL_SEED ^ hash(name)) >>> 0)
  const chosen = new Set([0, points.length - 1])
  while (chosen.size < extra + 2) chosen.add(rng.int(1, points.length - 2))
  return [...chosen].sort((a, b) => a - b).map((i) => points[i] as T)
}

/** 0, 1, …, n − 1: the kill points "after k pair writes" of a run that made n. */
export function upTo(n: number): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, k) => k)
}

/** How a sweep's failure names its sample, for the replay. */
export function sampleNote(): string {
  return EXHAUSTIVE ? 'exhaustive sweep' : `sampled with KILL_SEED=${KILL_SEED}`
}
