// What every service adapter's calls go through: error wording (AwsCallFailed), the retry of Auto
// Scaling writes refused while an activity runs, and reading every page of a paginated answer.
import type { Clock } from '../clock.js'
import { type ActionError, AwsCallFailed } from '../errors.js'
import type { Clients } from './clients.js'

/** One call (or one whole paginated read), `what` naming it in the error. */
export type Call = <T>(what: string, fn: () => Promise<T>) => Promise<T>

/** The clients, and the wrappers every service adapter sends its calls through. */
export interface Aws {
  clients: Clients
  /** A read: its error worded as AwsCallFailed. Throttling and 5xx are the SDK's to retry. */
  call: Call
  /** A write, retried with backoff while Auto Scaling reports a scaling activity or contention. */
  write: Call
  log: (line: string) => void
}

/**
 * Auto Scaling refuses some writes while an activity runs; the SDK does not retry these, we do. Its own
 * classification (@smithy/core/retry: isThrottlingError, isTransientError, the `$retryable` trait) does
 * not cover them: ScalingActivityInProgressFault is a client fault with no retryable trait, and
 * ResourceContentionFault (a 500) is retried by the SDK only up to its maxAttempts, after which these
 * retries, spaced seconds apart, give the activity time to end. The wire codes come with the SDK's names.
 */
const CONTENTION = new Set(['ScalingActivityInProgressFault', 'ResourceContentionFault', 'ScalingActivityInProgress', 'ResourceContention'])
const CONTENTION_ATTEMPTS = 6

export function withClients(clients: Clients, clock: Clock, log: (line: string) => void): Aws {
  const call: Call = async (what, fn) => {
    try {
      return await fn()
    } catch (err) {
      throw wrap(what, err)
    }
  }
  const write: Call = async (what, fn) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (err) {
        const name = errorName(err)
        if (!CONTENTION.has(name) || attempt >= CONTENTION_ATTEMPTS) throw wrap(what, err)
        const delay = Math.min(2000 * 2 ** (attempt - 1), 30_000)
        log(`${what}: ${name}, retrying in ${delay / 1000}s (attempt ${attempt} of ${CONTENTION_ATTEMPTS})`)
        await clock.sleep(delay)
      }
    }
  }
  return { clients, call, write, log }
}

/** The SDK names an error after its shape (`InvalidTargetException`); a plain error has at least `Error`. */
export function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? ''
}

export function wrap(what: string, err: unknown): ActionError {
  const e = err as { name?: string; message?: string }
  return new AwsCallFailed(`${what} failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, e.name ?? 'Error')
}

/**
 * Every item of a paginated answer, read with the SDK's paginator (`paginateX`), which sends each page
 * through the client (and so through its in-flight limit, clients.ts) and follows NextToken / NextMarker.
 * `maxPages` stops early, for reads that only need the newest pages.
 */
export async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined, maxPages = Infinity): Promise<T[]> {
  const out: T[] = []
  let read = 0
  for await (const page of pages) {
    out.push(...(items(page) ?? []))
    if (++read >= maxPages) break
  }
  return out
}
