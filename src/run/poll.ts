// Bounded waits: poll a fresh observation until it is ready, provably hopeless, the deadline passes,
// or the run is cancelled. Always returns the last observation so a failure can say what it saw.
import type { Clock } from '../clock.js'

export type Check<T> = { ready: true; value: T } | { ready: false; value: T; hopeless?: string }

export type WaitResult<T> =
  | { done: true; value: T; polls: number; elapsedMs: number }
  | { done: false; why: 'timeout' | 'hopeless' | 'aborted'; detail?: string; last: T | undefined; polls: number; elapsedMs: number }

export interface WaitOptions {
  clock: Clock
  timeoutMs: number
  intervalMs: number
  /** The delay before the next look, decided after each one (default: intervalMs). */
  nextIntervalMs?: () => number
  signal?: AbortSignal | undefined
}

/**
 * Every look of every wait lands on this grid of the clock (whole seconds): the waits of several pairs then
 * look at the same moments, and their group reads go out as one call (aws/coalesce.ts).
 */
export const POLL_GRID_MS = 1_000

/** The delay from `now` to the first grid point at least `delayMs` − half a grid step (and half the delay) away: the delay on average. */
export function onGrid(now: number, delayMs: number): number {
  const earliest = now + Math.max(delayMs / 2, delayMs - POLL_GRID_MS / 2)
  return Math.ceil(earliest / POLL_GRID_MS) * POLL_GRID_MS - now
}

export async function waitFor<T>(check: () => Promise<Check<T>>, opts: WaitOptions): Promise<WaitResult<T>> {
  const start = opts.clock.now()
  const deadline = start + opts.timeoutMs
  let last: T | undefined
  let polls = 0
  for (;;) {
    if (opts.signal?.aborted) return { done: false, why: 'aborted', last, polls, elapsedMs: opts.clock.now() - start }
    const r = await check()
    polls++
    last = r.value
    const elapsedMs = opts.clock.now() - start
    if (r.ready) return { done: true, value: r.value, polls, elapsedMs }
    if (r.hopeless) return { done: false, why: 'hopeless', detail: r.hopeless, last, polls, elapsedMs }
    const remaining = deadline - opts.clock.now()
    if (remaining <= 0) return { done: false, why: 'timeout', last, polls, elapsedMs }
    // A clock may reject an aborted sleep (as timers/promises does): the loop reports it as aborted.
    await opts.clock.sleep(Math.min(onGrid(opts.clock.now(), opts.nextIntervalMs?.() ?? opts.intervalMs), remaining), opts.signal).catch(() => undefined)
  }
}
