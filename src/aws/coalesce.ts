// One read for many callers: requests for keys that arrive within a short window of each other go out as
// one batched call (DescribeAutoScalingGroups takes up to 100 group names). Pairs polled in the same
// moment (run/poll.ts aligns their polls) then cost one call between them, not one each.

export interface CoalescerOptions<V> {
  /** The batched read: one call (or one paginated read) for these keys. */
  read: (keys: string[]) => Promise<V[]>
  /** Which key an answer belongs to. */
  keyOf: (value: V) => string
  /** How long a batch waits for more requests before it goes out. */
  window: () => Promise<void>
  /** At most this many keys per call (AWS's own limit for the API). */
  maxKeys: number
}

interface Batch<V> {
  keys: Set<string>
  answer: Promise<Map<string, V>>
}

export class Coalescer<V> {
  private open: Batch<V> | undefined

  constructor(private readonly o: CoalescerOptions<V>) {}

  /** The answers for `keys` (those AWS did not return are missing), read together with other callers'. */
  async get(keys: string[]): Promise<V[]> {
    const batch = this.batchFor(keys)
    const answer = await batch.answer
    return keys.flatMap((k) => {
      const v = answer.get(k)
      return v === undefined ? [] : [v]
    })
  }

  private batchFor(keys: string[]): Batch<V> {
    const open = this.open
    if (open) {
      const added = keys.filter((k) => !open.keys.has(k))
      if (open.keys.size + added.length <= this.o.maxKeys) {
        for (const k of added) open.keys.add(k)
        return open
      }
    }
    const batch: Batch<V> = { keys: new Set(keys), answer: Promise.resolve(new Map()) }
    batch.answer = this.o.window().then(async () => {
      // Closed: later requests start a batch of their own.
      if (this.open === batch) this.open = undefined
      const values = await this.o.read([...batch.keys])
      return new Map(values.map((v) => [this.o.keyOf(v), v]))
    })
    // A failed read fails every caller that joined it; none is left unhandled meanwhile.
    batch.answer.catch(() => undefined)
    this.open = batch
    return batch
  }
}
