// Per-API request throttling: token buckets in virtual time, one per account-wide bucket AWS documents (or, where
// it does not, one we chose). Off unless a world asks for it (`SimWorldOptions.rateLimits`). A call that finds
// its bucket empty is answered exactly as `faults.inject({ error: 'Throttling' })` answers (Auto Scaling, ELB,
// CloudWatch: 400 `Throttling` "Rate exceeded"; EC2: 503 `RequestLimitExceeded`) and takes no token.
//
// The SDK retry strategies that back off in the world's virtual time are in retry.ts.

import { faultError } from './faults.js'
import type { SimError } from './errors.js'

export interface BucketSpec {
  /** Tokens the bucket holds when full (the burst). */
  capacity: number
  /** Tokens added back per second of virtual time, up to `capacity`. */
  refillPerSecond: number
}

export interface RateLimitRule {
  /** 'autoscaling', 'elbv2', 'ec2', 'cloudwatch', 'sts'. */
  service: string
  /** Operations the rule covers (tested on the operation name); default every operation of the service. */
  match?: RegExp
  /** One bucket per operation (EC2's request rate limiting) or one shared by every operation the rule covers. */
  perOperation?: boolean
  bucket: BucketSpec
  /** Where the numbers come from (a documented figure, or "assumption"). */
  source: string
}

/**
 * The defaults. The first rule that matches a call decides its bucket; a call no rule matches is never throttled.
 * - EC2 (documented): each API has its own bucket; non-mutating (Describe*) 100 tokens, 20 per second (EC2
 *   developer guide, "Request throttling for the Amazon EC2 API", the DescribeHosts example). Mutating actions:
 *   the bench chose 50 / 5 per second (assumption, on the low side).
 * - ELBv2 (documented): one account bucket for the non-mutating Describe* actions, 40 tokens, 10 per second (ELB
 *   user guide, "Request throttling for the Elastic Load Balancing API"); Modify* (ModifyListener, ModifyRule, ...)
 *   20 tokens, 3 per second (the same page's bucket table, as kubernetes-sigs/aws-load-balancer-controller PR 4641
 *   copies it; the table itself could not be read here). Other actions: 20 / 2 (assumption).
 * - Auto Scaling: one account bucket shared by every action (Auto Scaling API reference, "API request rate"); AWS
 *   publishes no size: assumption 40 tokens, 10 per second, ELB's documented Describe* bucket.
 * - CloudWatch: no figure used here; assumption 20 tokens, 5 per second, shared.
 */
export const DEFAULT_RATE_LIMITS: readonly RateLimitRule[] = [
  { service: 'ec2', match: /^Describe/, perOperation: true, bucket: { capacity: 100, refillPerSecond: 20 }, source: 'EC2 developer guide, Request throttling for the Amazon EC2 API (non-mutating: 100, 20/s per API)' },
  { service: 'ec2', perOperation: true, bucket: { capacity: 50, refillPerSecond: 5 }, source: 'assumption (mutating EC2 actions, chosen low)' },
  { service: 'elbv2', match: /^Describe/, bucket: { capacity: 40, refillPerSecond: 10 }, source: 'ELB user guide, Request throttling for the Elastic Load Balancing API (Describe*: 40, 10/s)' },
  { service: 'elbv2', match: /^Modify/, bucket: { capacity: 20, refillPerSecond: 3 }, source: 'ELB user guide, Request throttling for the ELB API, bucket capacity and refill rate (Modify*: 20, 3/s; via aws-load-balancer-controller PR 4641)' },
  { service: 'elbv2', bucket: { capacity: 20, refillPerSecond: 2 }, source: 'assumption (ELB mutating actions)' },
  { service: 'autoscaling', bucket: { capacity: 40, refillPerSecond: 10 }, source: 'assumption: one bucket for every Auto Scaling action (documented), size not published; ELB Describe* figures' },
  { service: 'cloudwatch', bucket: { capacity: 20, refillPerSecond: 5 }, source: 'assumption' }
]

class TokenBucket {
  private tokens: number
  private at: number

  constructor(
    readonly spec: BucketSpec,
    now: number
  ) {
    this.tokens = spec.capacity
    this.at = now
  }

  /** Takes one token if there is one at `now` (virtual ms). */
  take(now: number): boolean {
    if (now > this.at) {
      this.tokens = Math.min(this.spec.capacity, this.tokens + ((now - this.at) / 1000) * this.spec.refillPerSecond)
      this.at = now
    }
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

export class RateLimiter {
  readonly rules: readonly RateLimitRule[]
  private readonly buckets = new Map<string, TokenBucket>()
  /** Throttled calls per `service:Operation`. */
  readonly throttled = new Map<string, number>()
  /** Calls let through per `service:Operation`. */
  readonly allowed = new Map<string, number>()

  constructor(
    private readonly now: () => number,
    rules: readonly RateLimitRule[] = DEFAULT_RATE_LIMITS
  ) {
    for (const r of rules) {
      if (!(r.bucket.capacity >= 1) || !(r.bucket.refillPerSecond > 0)) throw new Error(`rate limit for ${r.service}: capacity must be ≥ 1 and refill > 0`)
    }
    this.rules = rules
  }

  /** The throttling error to answer for this call, or undefined (the call takes a token and goes ahead). */
  take(service: string, operation: string, requestId: string): SimError | undefined {
    const key = `${service}:${operation}`
    const n = this.rules.findIndex((r) => r.service === service && (r.match === undefined || r.match.test(operation)))
    const rule = this.rules[n]
    if (rule) {
      const id = rule.perOperation ? `${n}:${operation}` : String(n)
      let bucket = this.buckets.get(id)
      if (!bucket) this.buckets.set(id, (bucket = new TokenBucket(rule.bucket, this.now())))
      if (!bucket.take(this.now())) {
        this.throttled.set(key, (this.throttled.get(key) ?? 0) + 1)
        return faultError('Throttling', service, requestId)
      }
    }
    this.allowed.set(key, (this.allowed.get(key) ?? 0) + 1)
    return undefined
  }

  /** Throttled calls in all (or of one operation, by name or `service:Operation`). */
  throttledCount(operation?: string): number {
    let n = 0
    for (const [key, count] of this.throttled) if (operation === undefined || key === operation || key.endsWith(`:${operation}`)) n += count
    return n
  }
}
