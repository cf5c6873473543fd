// Issue 22: a client-side token bucket (src/aws/pacer.ts) keeps the run's DescribeInstanceAttribute calls inside
// EC2's bucket of that API (100, +20/s), checked here against the simulator's model of that bucket.
import { describe, expect, it } from '@jest/globals'
import { Pacer } from '../../src/aws/pacer.js'
import { ATTRIBUTE_READS } from '../../src/aws/ec2.js'
import { DEFAULT_RATE_LIMITS, RateLimiter, VirtualClock } from '../../packages/aws-sim/src/index.js'

const START = Date.parse('2026-11-28T10:00:00Z')

/** `n` callers asking at once; when each went out, ms after the start, in the order they asked. */
async function burst(pacer: Pacer, clock: VirtualClock, n: number, onGo: (k: number) => void = () => {}): Promise<number[]> {
  const at: number[] = Array(n).fill(-1)
  await Promise.all(
    Array.from({ length: n }, async (_, k) => {
      await pacer.take()
      at[k] = clock.now() - START
      onGo(k)
    })
  )
  return at
}

describe('Pacer', () => {
  it('lets a full bucket out at once, then one call per refill interval, in the order they asked', async () => {
    const clock = new VirtualClock(START)
    const at = await burst(new Pacer(clock, { capacity: 3, refillPerSecond: 2 }), clock, 6)
    expect(at).toEqual([0, 0, 0, 500, 1000, 1500])
  })

  it('tryTake takes a token only when one is there now, and never makes a caller wait', async () => {
    const clock = new VirtualClock(START)
    const pacer = new Pacer(clock, { capacity: 2, refillPerSecond: 2 })
    expect([pacer.tryTake(), pacer.tryTake(), pacer.tryTake()]).toEqual([true, true, false])
    await clock.sleep(499)
    expect(pacer.tryTake()).toBe(false)
    await clock.sleep(1)
    expect([pacer.tryTake(), pacer.tryTake()]).toEqual([true, false])
  })

  it('refills while idle, never beyond its capacity', async () => {
    const clock = new VirtualClock(START)
    const pacer = new Pacer(clock, { capacity: 2, refillPerSecond: 1 })
    expect(await burst(pacer, clock, 3)).toEqual([0, 0, 1000])
    await clock.sleep(10_000) // 11 s: full again (2), not 10
    expect((await burst(pacer, clock, 3)).map((t) => t - 11_000)).toEqual([0, 0, 1000])
  })

  it('keeps the run inside EC2’s DescribeInstanceAttribute bucket, with some burst to spare', async () => {
    const clock = new VirtualClock(START)
    const ec2 = new RateLimiter(() => clock.now(), DEFAULT_RATE_LIMITS)
    const pacer = new Pacer(clock, ATTRIBUTE_READS)
    const throttled: number[] = []
    const send = (k: number): void => {
      if (ec2.take('ec2', 'DescribeInstanceAttribute', `r-${k}`)) throttled.push(k)
    }
    // A pre-flight of 400 instances, a pause, then retire batches of 12 asking every 300 ms.
    const first = await burst(pacer, clock, 400, send)
    expect(first[ATTRIBUTE_READS.capacity - 1]).toBe(0)
    expect(first[399]).toBe(Math.ceil(((400 - ATTRIBUTE_READS.capacity) / ATTRIBUTE_READS.refillPerSecond) * 1000))
    await clock.sleep(2_000)
    for (let batch = 0; batch < 30; batch++) {
      await Promise.all([burst(pacer, clock, 12, (k) => send(1000 + batch * 12 + k)), clock.sleep(300)])
    }
    expect(throttled).toEqual([])
    expect(ATTRIBUTE_READS.capacity).toBeLessThan(100)
  })

  it('refuses a bucket that could never let a call out', () => {
    const clock = new VirtualClock(START)
    expect(() => new Pacer(clock, { capacity: 0, refillPerSecond: 20 })).toThrow(/capacity/)
    expect(() => new Pacer(clock, { capacity: 100, refillPerSecond: 0 })).toThrow(/refill/)
  })
})
