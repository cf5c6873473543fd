// Eventual consistency (realism.readLagMs): after a write changes a resource, Describe calls may keep
// returning that resource's previous value for a varying moment, per resource. The dispatcher captures a
// view of every lag-able resource before each write and compares it afterwards; the read handlers ask
// `world.readLag.view(key, fresh)` and get the stale copy while it lasts.
//
// Resources and keys: `asg:<group name>` (the whole DescribeAutoScalingGroups entry: capacity, tags,
// processes, instances with their lifecycle states), `tg:<target group arn>` (every registered target's
// health), `ec2:<instance id>` (EC2 state), `listener:<listener arn>` (DescribeListeners entry, and the default
// rule DescribeRules derives from it), `rule:<rule arn>` (DescribeRules entry).

import type { Realism } from '../core/realism.js'
import type { SeededRandom } from '../core/rng.js'

/** What the read lag needs of its world: time, the lag range and the seeded random numbers. */
export interface LagWorld {
  now(): number
  readonly realism: Realism | undefined
  readonly rng: SeededRandom
}

type Views = Map<string, { json: string; value: unknown }>

/**
 * The views of one kind of resource, keyed. Given the world on every call (not closed over it), so a fork's
 * read lag renders the fork (fork.ts copies the sources by reference).
 */
export type ViewSource<W> = (world: W) => Iterable<[string, unknown]>

export class ReadLag<W extends LagWorld> {
  private readonly stale = new Map<string, { until: number; value: unknown }>()
  private readonly sources: ViewSource<W>[] = []

  constructor(private readonly world: W) {}

  /** Whether writes make reads lag at all. */
  get enabled(): boolean {
    const lag = this.world.realism?.readLagMs
    return lag !== undefined && lag[1] > 0
  }

  addSource(source: ViewSource<W>): void {
    this.sources.push(source)
  }

  /** Views before a write (undefined when lag is off). */
  capture(): Views | undefined {
    if (!this.enabled) return undefined
    const out: Views = new Map()
    for (const source of this.sources) {
      for (const [key, value] of source(this.world)) out.set(key, { json: JSON.stringify(value), value })
    }
    return out
  }

  /** After an accepted write: each resource it changed keeps its previous value visible for a random moment. */
  noteWrite(before: Views | undefined): void {
    if (!before) return
    const [min, max] = this.world.realism?.readLagMs ?? [0, 0]
    const now = this.world.now()
    const after = this.capture() ?? new Map()
    for (const [key, old] of before) {
      const current = this.stale.get(key)
      if (current && current.until > now) continue // already lagging: keeps showing the older value
      const fresh = after.get(key)
      if (fresh && fresh.json === old.json) continue
      const until = now + Math.round(this.world.rng.between(min, max))
      if (until > now) this.stale.set(key, { until, value: old.value })
    }
  }

  /** The value a Describe call sees for this resource now. */
  view<T>(key: string, fresh: () => T): T {
    const s = this.stale.get(key)
    if (s && s.until > this.world.now()) return s.value as T
    if (s) this.stale.delete(key)
    return fresh()
  }

  /** Until when the resource reads stale (virtual ms), or undefined when it reads fresh now. */
  staleUntil(key: string): number | undefined {
    return this.lagging(key) ? this.stale.get(key)?.until : undefined
  }

  /** Whether the resource currently reads stale. */
  lagging(key: string): boolean {
    const s = this.stale.get(key)
    return s !== undefined && s.until > this.world.now()
  }
}
