// Virtual clock shared by the simulated AWS and the code under test.
//
// `sleep` registers a timer; virtual time only moves when nothing else can run: after a timer is
// registered we wait for the process to settle (a few turns of the event loop with no new activity
// reported and nothing in flight), then jump to the earliest pending timer, let the world process every
// event up to that instant, and wake the sleepers due then, in (time, registration) order.
// A 10-minute virtual wait therefore costs microseconds of real time.
//
// The settle never waits on a real timer: every wait of the code under test and of the harness goes
// through this clock (the action's poll and backoff sleeps, the simulated network latency, the SDK
// retries of the harness: ../wire/retry.ts), and work the clock cannot see is bracketed with enter()/leave().
// A real setTimeout(0) here would cost ≥ 1 ms of idle time per step of virtual time (Node rounds 0 up
// to 1 ms): minutes over the suite.
//
// Abort: `sleep(ms, signal)` rejects promptly with an `AbortError` (like `timers/promises.setTimeout`)
// when the signal aborts, and rejects at once if it is already aborted.

export interface Clock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** Runs work this clock cannot see (a module loading): time does not advance until it ends. */
  busyWhile<T>(work: () => Promise<T>): Promise<T>
}

interface Timer {
  at: number
  seq: number
  resolve: () => void
  cleanup: () => void
}

export function abortError(signal: AbortSignal): Error {
  const err = new Error('The operation was aborted', { cause: signal.reason }) as Error & { code: string }
  err.name = 'AbortError'
  err.code = 'ABORT_ERR'
  return err
}

/** Event-loop turns with no new activity before the clock counts the process idle. */
const SETTLE_TURNS = 3

export class VirtualClock implements Clock {
  private current: number
  private timers: Timer[] = []
  private seq = 0
  private epoch = 0
  private pumping = false
  private busy = 0
  private realtime: { speed: number; realStart: number; virtualStart: number } | undefined

  /** @param onAdvance called with the new time whenever time moves forward (the world ticks there). */
  constructor(
    start: number,
    private readonly onAdvance: (t: number) => void = () => {}
  ) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  /** Number of sleepers not yet woken. */
  pendingTimers(): number {
    return this.timers.length
  }

  /** Tell the clock something happened (a request arrived/finished), so it must wait before advancing. */
  touch(): void {
    this.epoch++
  }

  /** Mark work in progress (e.g. an in-flight request): time never advances while busy > 0. */
  enter(): void {
    this.busy++
    this.epoch++
  }

  leave(): void {
    this.busy--
    this.epoch++
    if (this.timers.length > 0) this.schedulePump()
  }

  async busyWhile<T>(work: () => Promise<T>): Promise<T> {
    this.enter()
    try {
      return await work()
    } finally {
      this.leave()
    }
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal))
    if (this.realtime) {
      const { speed } = this.realtime
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          clearTimeout(handle)
          reject(abortError(signal as AbortSignal))
        }
        const handle = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }, Math.max(0, ms) / speed)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    }
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          timer.cleanup()
          resolve()
        },
        cleanup: () => signal?.removeEventListener('abort', onAbort)
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer)
        timer.cleanup()
        reject(abortError(signal as AbortSignal))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      this.epoch++
      this.schedulePump()
    })
  }

  /** Move time forward to `t` (tests), waking every sleeper due on the way, in order. */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.timers[0]
      if (next === undefined || next.at > t) break
      this.moveTo(next.at)
      this.wakeDue()
    }
    this.moveTo(t)
  }

  /**
   * Switch to real-time mode: from now on virtual time = start + (real elapsed) × speed. Used by the
   * loopback server; `sync()` must be called (the server does it on a timer and on every request).
   */
  followRealTime(speed: number): void {
    this.realtime = { speed, realStart: Date.now(), virtualStart: this.current }
  }

  /** In real-time mode: bring virtual time up to date with the real clock. */
  sync(): void {
    if (!this.realtime) return
    const { speed, realStart, virtualStart } = this.realtime
    const target = virtualStart + Math.floor((Date.now() - realStart) * speed)
    if (target > this.current) this.advanceTo(target)
  }

  private moveTo(t: number): void {
    if (t > this.current) this.current = t
    this.onAdvance(this.current)
  }

  private wakeDue(): void {
    while (this.timers[0] !== undefined && this.timers[0].at <= this.current) {
      const timer = this.timers.shift() as Timer
      timer.resolve()
    }
  }

  private schedulePump(): void {
    if (this.pumping) return
    this.pumping = true
    void this.pump()
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        await this.settle()
        const next = this.timers[0]
        if (next === undefined) return
        this.moveTo(next.at)
        this.wakeDue()
      }
    } finally {
      this.pumping = false
    }
  }

  /** Resolve once a full settle cycle passes with no new activity and nothing in flight. */
  private async settle(): Promise<void> {
    for (;;) {
      const before = this.epoch
      for (let turn = 0; turn < SETTLE_TURNS; turn++) await new Promise<void>((r) => setImmediate(r))
      if (this.epoch === before && this.busy === 0) return
    }
  }
}
