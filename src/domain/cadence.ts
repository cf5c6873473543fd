// When to look again while waiting for targets to turn healthy. A target group marks a target healthy
// HealthyThresholdCount × interval after it registers (when the app answers from the start). A target the
// wait first sees registering at f registered at most one poll earlier, so it turns healthy around
// [f + T − poll, f + T]: in that window the wait looks every few seconds, elsewhere at the poll interval.
// Cutover then follows the last healthy target by seconds, not by up to a whole poll interval.
import type { Group } from './model.js'

export interface CadenceOptions {
  /** The configured poll interval. */
  pollMs: number
  /** HealthyThresholdCount × interval of the slowest target group. */
  toHealthyMs: number
  /** The look-again delay inside a window (grows with the number of waits in flight: see Executor). */
  fastMs: () => number
}

/** How long after the expected moment the wait keeps looking fast (health checks answer with jitter). */
const LATE_MS = 5_000

export class HealthCadence {
  /** When the wait first saw each instance registered but not yet healthy in some target group. */
  private readonly firstRegistered = new Map<string, number>()
  private waiting = new Set<string>()

  constructor(private readonly o: CadenceOptions) {}

  /** Records what an observation of the waited group shows. */
  note(group: Group, targetGroupArns: string[], now: number): void {
    this.waiting = new Set()
    for (const i of group.instances) {
      const states = targetGroupArns.map((arn) => i.targets[arn]?.state)
      if (states.every((s) => s === 'healthy')) continue
      if (states.some((s) => s === 'initial' || s === 'healthy')) {
        this.waiting.add(i.id)
        if (!this.firstRegistered.has(i.id)) this.firstRegistered.set(i.id, now)
      }
    }
  }

  /** The delay until the next look. */
  nextDelayMs(now: number): number {
    const fast = Math.min(this.o.fastMs(), this.o.pollMs)
    let untilWindow = Infinity
    for (const id of this.waiting) {
      const expected = (this.firstRegistered.get(id) ?? now) + this.o.toHealthyMs
      const opens = expected - this.o.pollMs
      if (now >= opens && now <= expected + LATE_MS) return fast
      if (opens > now) untilWindow = Math.min(untilWindow, opens - now)
    }
    return Math.max(fast, Math.min(this.o.pollMs, untilWindow))
  }
}
