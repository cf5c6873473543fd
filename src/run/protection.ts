// Finalize's termination-protection re-check of each retire batch, read while the batch before it is written.
import type { Fleet } from '../aws/port.js'
import type { Step } from '../domain/steps.js'

type Retire = Extract<Step, { kind: 'retire' }>

/**
 * One per round of a plan. Each retire batch reads its instances' protection after pre-flight and before it
 * detaches anything (protection may be turned on in between). Once a batch's read finds none protected, the
 * read of the plan's next retire batch starts, so that it runs while this batch's writes (tag, detach,
 * terminate) do instead of after them. A batch whose read found protection stops the run: the next one is
 * never read.
 */
export class ProtectionReads {
  private readonly batches: Retire[]
  private readonly ahead = new Map<Retire, Promise<string[]>>()

  constructor(
    private readonly fleet: Fleet,
    plan: Step[]
  ) {
    this.batches = plan.filter((s): s is Retire => s.kind === 'retire')
  }

  /** Those of the batch's instances with termination protection on, read since pre-flight. */
  async before(batch: Retire): Promise<string[]> {
    const read = this.ahead.get(batch) ?? this.fleet.terminationProtected(batch.instanceIds)
    this.ahead.delete(batch)
    const protectedIds = await read
    if (protectedIds.length === 0) this.readAhead(batch)
    return protectedIds
  }

  /** Resolves once every read started ahead has ended: a batch that never ran leaves no read running past its round. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.ahead.values())
  }

  private readAhead(after: Retire): void {
    const at = this.batches.indexOf(after)
    const next = at < 0 ? undefined : this.batches[at + 1]
    if (!next || this.ahead.has(next)) return
    const read = this.fleet.terminationProtected(next.instanceIds)
    // Its failure is the next batch's to report, if that batch runs at all.
    read.catch(() => undefined)
    this.ahead.set(next, read)
  }
}
