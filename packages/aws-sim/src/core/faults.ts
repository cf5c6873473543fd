// Fault injection: canned AWS errors for the next N calls of an operation, and a hook before every write.

import { SimError } from './errors.js'

export type FaultKind = 'Throttling' | 'ScalingActivityInProgress' | 'ResourceContention' | 'ServiceUnavailable'

export interface FaultSpec {
  operation: string
  /** Restrict to one service ('autoscaling', 'elbv2', 'ec2', 'cloudwatch', 'sts'); default any. */
  service?: string
  error: FaultKind | { code: string; status: number; message: string }
  /** How many matching calls fail (default 1). */
  times?: number
}

interface ActiveFault {
  spec: FaultSpec
  remaining: number
}

export class Faults {
  private active: ActiveFault[] = []
  /** Number of accepted write calls so far (incremented before `beforeWrite` runs). */
  writeCount = 0
  /**
   * Called before every write is applied, with the operation name and the parsed parameters. Throw to
   * make the call fail (the SDK sees a network-level error), or abort a controller to cancel the code
   * under test at that point.
   */
  beforeWrite: ((operation: string, params: unknown, writeNumber: number) => void) | undefined

  private writeDelays = new Map<string, number>()

  /**
   * Hold every write signed with this access key id for `ms` of virtual time (±30 %, seeded) before it is
   * applied and answered: a run whose writes reach AWS late. `ms` 0 removes the delay. Works in-process and
   * over the loopback server (the key id is read from the SigV4 Authorization header).
   */
  delayWritesOf(accessKeyId: string, ms: number): void {
    if (ms > 0) this.writeDelays.set(accessKeyId, ms)
    else this.writeDelays.delete(accessKeyId)
  }

  /** The write delay set for this access key id (0 if none). */
  writeDelayOf(accessKeyId: string | undefined): number {
    return accessKeyId === undefined ? 0 : (this.writeDelays.get(accessKeyId) ?? 0)
  }

  inject(spec: FaultSpec): void {
    this.active.push({ spec, remaining: spec.times ?? 1 })
  }

  clear(): void {
    this.active = []
  }

  /** Faults not yet used up. */
  pending(): FaultSpec[] {
    return this.active.filter((f) => f.remaining > 0).map((f) => f.spec)
  }

  /** The error to answer for this call, if a fault matches (consumes one use). */
  take(service: string, operation: string, requestId: string): SimError | undefined {
    const hit = this.active.find(
      (f) => f.remaining > 0 && f.spec.operation === operation && (f.spec.service === undefined || f.spec.service === service)
    )
    if (!hit) return undefined
    hit.remaining--
    return faultError(hit.spec.error, service, requestId)
  }
}

/** The error a fault answers with (also used by the rate limiter for throttled calls). */
export function faultError(error: FaultSpec['error'], service: string, requestId: string): SimError {
  if (typeof error === 'object') return new SimError(error.code, error.message, error.status)
  switch (error) {
    case 'Throttling':
      return service === 'ec2'
        ? new SimError('RequestLimitExceeded', 'Request limit exceeded.', 503)
        : new SimError('Throttling', 'Rate exceeded', 400)
    case 'ScalingActivityInProgress':
      return new SimError('ScalingActivityInProgress', `Scaling activity ${requestId} is in progress and blocks this action`, 400)
    case 'ResourceContention':
      return new SimError(
        'ResourceContention',
        'You already have a pending update to an Auto Scaling resource (for example, a group, instance, or load balancer).',
        500
      )
    case 'ServiceUnavailable':
      return new SimError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503)
  }
}
