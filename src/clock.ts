// Time, injected: production waits on the wall clock; tests hand in the simulator's virtual clock.

export interface Clock {
  now(): number
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /**
   * Runs work that takes time without waiting on this clock (loading a module on first use): a simulated
   * clock does not move until it ends, so the load never shows as time passing. The wall clock just runs it.
   */
  busyWhile<T>(work: () => Promise<T>): Promise<T>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve()
      const timer = setTimeout(done, ms)
      function done(): void {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      signal?.addEventListener('abort', done, { once: true })
    }),
  busyWhile: (work) => work()
}
