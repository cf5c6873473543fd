// SDK retry strategies for clients wired to a simulated world, whose waits go through the world's virtual clock.
//
// The SDK's standard strategy decides whether to retry (error classification, `maxAttempts`, the 500-token
// retry quota) and then sleeps the backoff with a real `setTimeout` inside `refreshRetryTokenForRetry`, even
// when the configured delay is 0 (Node rounds that to 1 ms). Virtual time must not move while a retry is being
// decided, or the outcome would depend on how busy the machine is: both strategies here keep the SDK's decision
// and bracket it with the clock's enter()/leave(), so the clock counts the retry as work in flight.

import { ConfiguredRetryStrategy, MAXIMUM_RETRY_DELAY, Retry } from '@smithy/core/retry'
import { SeededRandom } from '../core/rng.js'

/** What the strategies need of the world's VirtualClock. */
export interface RetryClock {
  enter(): void
  leave(): void
  sleep(ms: number): Promise<void>
}

type Refresh = ConfiguredRetryStrategy['refreshRetryTokenForRetry']

/** The SDK's retry decisions with no backoff at all: a retry costs no virtual time (the default of the test harness). */
export class ImmediateRetryStrategy extends ConfiguredRetryStrategy {
  constructor(
    maxAttempts: number,
    protected readonly clock: RetryClock
  ) {
    super(maxAttempts, () => 0)
  }

  override async refreshRetryTokenForRetry(...args: Parameters<Refresh>): ReturnType<Refresh> {
    this.clock.enter()
    try {
      return await super.refreshRetryTokenForRetry(...args)
    } finally {
      this.clock.leave()
    }
  }
}

/**
 * The SDK's standard retry behaviour with its exponential backoff with full jitter (`Retry.delay()` or, after
 * throttling, `Retry.throttlingDelay()` × 2^n, at most 20 s: the installed @smithy/core's own constants) slept
 * on the world's virtual clock. Seeded: reproducible. One instance serves every client it is given to: they
 * share its quota.
 */
export class VirtualBackoffRetryStrategy extends ImmediateRetryStrategy {
  private readonly rng: SeededRandom

  constructor(maxAttempts: number, clock: RetryClock, seed = 1) {
    super(maxAttempts, clock)
    this.rng = new SeededRandom(seed)
  }

  override async refreshRetryTokenForRetry(...args: Parameters<Refresh>): ReturnType<Refresh> {
    const [token, errorInfo] = args
    const next = await super.refreshRetryTokenForRetry(...args)
    const base = errorInfo.errorType === 'THROTTLING' ? Retry.throttlingDelay() : Retry.delay()
    await this.clock.sleep(Math.floor(this.rng.next() * Math.min(base * 2 ** token.getRetryCount(), MAXIMUM_RETRY_DELAY)))
    return next
  }
}
