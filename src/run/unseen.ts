// Read-your-writes: AWS reads are eventually consistent, so an observation right after the run's own
// writes may not show them yet. This remembers, per pair, the writes no observation has shown, for a
// bounded time: past it, someone else changed what we wrote, and the plan made from the observation
// deals with it.
import type { Clock } from '../clock.js'
import type { Pair } from '../domain/model.js'
import type { Step } from '../domain/steps.js'
import { showsWrite } from '../domain/visible.js'

/** AWS reads may lag writes for a moment: observations wait (this long at most) until they show our writes. */
const READ_LAG_MAX_MS = 30_000
const READ_LAG_CANCELLED_MS = 5_000
/** What a light observation (observePair with `light`) does not read again (policies, scheduled actions, listeners). */
const NOT_IN_LIGHT_OBSERVATIONS = new Set<Step['kind']>(['move-policy', 'move-scheduled-action', 'set-weights'])

export class UnseenWrites {
  /** Writes not yet seen in an observation, per pair (kept across drives: an abort follows a drive). */
  private readonly unseen = new Map<string, { step: Step; at: number }[]>()

  constructor(
    private readonly clock: Clock,
    private readonly signal: AbortSignal | undefined
  ) {}

  /** A write the run just made to the pair. */
  record(base: string, step: Step): void {
    this.unseen.set(base, [...(this.unseen.get(base) ?? []), { step, at: this.clock.now() }])
  }

  /**
   * Whether this observation still misses writes the run made to the pair (reads lag writes). A light
   * observation (the waits' polls) carries policies and scheduled actions over from the round's snapshot,
   * so it cannot show their moves: those stay pending for the next full observation, and do not hold it.
   */
  stillUnseen(pair: Pair, light = false): boolean {
    const now = this.clock.now()
    const pending = (this.unseen.get(pair.base) ?? []).filter((w) => !showsWrite(pair, w.step) && now - w.at < this.lagBudgetMs())
    this.unseen.set(pair.base, pending)
    return pending.some((w) => !(light && NOT_IN_LIGHT_OBSERVATIONS.has(w.step.kind)))
  }

  /** Whether the run made writes to the pair that no observation has shown yet (without judging them again). */
  anyUnseen(base: string): boolean {
    return (this.unseen.get(base) ?? []).length > 0
  }

  /** A cancelled job has seconds left before the runner kills it: wait less for reads to catch up. */
  lagBudgetMs(): number {
    return this.signal?.aborted ? READ_LAG_CANCELLED_MS : READ_LAG_MAX_MS
  }
}
