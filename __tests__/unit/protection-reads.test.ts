// Issue 22: finalize's per-batch termination-protection re-check (src/run/protection.ts). Each retire batch is
// read before its writes; the next batch's read starts once this one is clear, to run while this batch is written.
import { describe, expect, it } from '@jest/globals'
import type { Fleet } from '../../src/aws/port.js'
import type { Step } from '../../src/domain/steps.js'
import { ProtectionReads } from '../../src/run/protection.js'

type Retire = Extract<Step, { kind: 'retire' }>
const retire = (...ids: string[]): Retire => ({ kind: 'retire', group: 'prod-web-blue', instanceIds: ids })

/** A fleet whose protection reads are recorded; `protectedIds` have protection on, a read naming `failing` fails. */
function fleet(protectedIds: string[] = [], failing?: string): { f: Fleet; reads: string[][] } {
  const reads: string[][] = []
  const f = {
    terminationProtected: async (ids: string[]) => {
      reads.push(ids)
      if (failing && ids.includes(failing)) throw new Error(`DescribeInstanceAttribute of ${failing} failed`)
      return ids.filter((id) => protectedIds.includes(id))
    }
  } as unknown as Fleet
  return { f, reads }
}

describe('ProtectionReads', () => {
  it('reads each batch once: its own read first, then each next batch while the one before is written', async () => {
    const { f, reads } = fleet()
    const [a, b, c] = [retire('i-1', 'i-2'), retire('i-3'), retire('i-4')]
    const checks = new ProtectionReads(f, [a, b, { kind: 'set-capacity', group: 'prod-web-blue', capacity: { min: 0, desired: 0, max: 6 } }, c])
    expect(await checks.before(a)).toEqual([])
    expect(reads).toEqual([['i-1', 'i-2'], ['i-3']])
    expect(await checks.before(b)).toEqual([])
    expect(await checks.before(c)).toEqual([])
    expect(reads).toEqual([['i-1', 'i-2'], ['i-3'], ['i-4']])
  })

  it('a batch with protection on is reported, and the batch after it is never read', async () => {
    const { f, reads } = fleet(['i-2'])
    const [a, b] = [retire('i-1', 'i-2'), retire('i-3')]
    const checks = new ProtectionReads(f, [a, b])
    expect(await checks.before(a)).toEqual(['i-2'])
    expect(reads).toEqual([['i-1', 'i-2']])
  })

  it("a read made ahead that fails is the next batch's failure, not an unhandled one", async () => {
    const { f } = fleet([], 'i-3')
    const [a, b] = [retire('i-1'), retire('i-3')]
    const checks = new ProtectionReads(f, [a, b])
    expect(await checks.before(a)).toEqual([])
    await checks.settled()
    await expect(checks.before(b)).rejects.toThrow('DescribeInstanceAttribute of i-3 failed')
  })

  it('a round that stops before the next batch waits for the read made ahead to end', async () => {
    let end: (() => void) | undefined
    const reads: string[][] = []
    const f = {
      terminationProtected: (ids: string[]) => {
        reads.push(ids)
        return reads.length === 1 ? Promise.resolve([]) : new Promise<string[]>((resolve) => (end = () => resolve([])))
      }
    } as unknown as Fleet
    const [a, b] = [retire('i-1'), retire('i-3')]
    const checks = new ProtectionReads(f, [a, b])
    await checks.before(a)
    let settled = false
    const done = checks.settled().then(() => (settled = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    end?.()
    await done
    expect(reads).toEqual([['i-1'], ['i-3']])
  })
})
