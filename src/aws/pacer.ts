// A client-side token bucket on the run's clock: calls of one API go out no faster than the bucket AWS
// throttles that API with lets them, so the run is not throttled on it by its own calls.
import type { Clock } from '../clock.js'

export interface Bucket {
  /** Calls that may go out at once when the bucket is full (the burst). */
  capacity: number
  /** Calls the bucket lets through per second once the burst is spent. */
  refillPerSecond: number
}

/**
 * Each `take` reserves one token and resolves when that token is there: at once while the bucket holds one,
 * otherwise after its turn in line (callers are served in the order they asked). Every caller of one API must
 * share one pacer, as they share AWS's bucket.
 */
export class Pacer {
  /** Tokens at `at`; below zero: tokens already promised to waiting callers. */
  private tokens: number
  private at: number

  constructor(
    private readonly clock: Clock,
    private readonly bucket: Bucket
  ) {
    if (!(bucket.capacity >= 1) || !(bucket.refillPerSecond > 0)) throw new Error(`a pacer needs a capacity of at least 1 and a positive refill, got ${bucket.capacity} + ${bucket.refillPerSecond}/s`)
    this.tokens = bucket.capacity
    this.at = clock.now()
  }

  /** Resolves when one more call may go out. */
  async take(): Promise<void> {
    this.refill()
    this.tokens -= 1
    if (this.tokens >= 0) return
    await this.clock.sleep(Math.ceil((-this.tokens / this.bucket.refillPerSecond) * 1000))
  }

  /** Takes a token only if one is there now (nobody waiting ahead): for a call that is better skipped than late. */
  tryTake(): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  private refill(): void {
    const now = this.clock.now()
    if (now > this.at) {
      this.tokens = Math.min(this.bucket.capacity, this.tokens + ((now - this.at) / 1000) * this.bucket.refillPerSecond)
      this.at = now
    }
  }
}
