// What the run asks of the world outside AWS, at four moments, without knowing who answers: main.ts
// wires GitHub (github/integration.ts) in when a token is given; without one, nothing is asked.
import type { Pair } from '../domain/model.js'
import type { PairOutcome, RunResult } from './result.js'

export interface RunHooks {
  /** Before the locks: refusals for pairs this run must not move (e.g. an older commit over a newer one). */
  orderRefusals(pairs: Pair[]): Promise<string[]>
  /** Whether the run holding a lock is over (its lock is then taken over at once). */
  isRunOver(runUrl: string): Promise<boolean>
  /** The locks are held and the writes begin. */
  started(outcomes: PairOutcome[]): Promise<void>
  /** Every pair has its outcome (before the locks are released). */
  finished(result: RunResult): Promise<void>
}
