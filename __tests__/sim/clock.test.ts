// Virtual clock: sleepers wake in virtual-time order, the world ticks on the way, and long waits are fast.
import { afterEach, describe, expect, it } from '@jest/globals'
import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { type SimClients, simClients } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { START, pairWorld } from './fixture.js'

let clients: SimClients | undefined
const connect = (world: SimWorld): SimClients => (clients = simClients(world))
afterEach(() => clients?.destroy())

describe('virtual clock', () => {
  it('several concurrent sleepers each wake at their own virtual time, in order', async () => {
    const world = pairWorld()
    const woke: [string, number][] = []
    const sleeper = async (name: string, steps: number[]): Promise<void> => {
      for (const ms of steps) {
        await world.clock.sleep(ms)
        woke.push([name, world.clock.now() - START])
      }
    }
    await Promise.all([sleeper('a', [5000, 5000, 5000]), sleeper('b', [7000, 1000]), sleeper('c', [15_000])])
    expect(woke).toEqual([
      ['a', 5000],
      ['b', 7000],
      ['b', 8000],
      ['a', 10_000],
      ['c', 15_000], // same instant: registration order (c registered at 0 s, a at 10 s)
      ['a', 15_000]
    ])
  })

  it('a 10-minute health wait with SDK polling takes milliseconds of real time', async () => {
    const world = pairWorld()
    const c = connect(world)
    const realStart = Date.now()
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 3 }))
    const green = world.group('prod-web-green').instances.map((i) => i.id)
    const tgArn = world.targetGroupByName('prod-web').arn
    let polls = 0
    for (;;) {
      const th = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn, Targets: green.map((Id) => ({ Id })) }))
      polls++
      if (th.TargetHealthDescriptions?.every((d) => d.TargetHealth?.State === 'healthy')) break
      await world.clock.sleep(5000)
    }
    expect(world.clock.now() - START).toBe(80_000) // 60 s launch + 2 × 10 s checks
    expect(polls).toBe(17)
    await world.clock.sleep(10 * 60_000)
    expect(world.clock.now() - START).toBe(680_000)
    expect(Date.now() - realStart).toBeLessThan(2000)
  })

  it('sleep rejects with AbortError when the signal aborts, and at once when already aborted', async () => {
    const world = pairWorld()
    const ac = new AbortController()
    const p = world.clock.sleep(60_000, ac.signal)
    setImmediate(() => ac.abort(new Error('cancelled')))
    await expect(p).rejects.toMatchObject({ name: 'AbortError' })
    expect(world.clock.now()).toBe(START)
    expect(world.clock.pendingTimers()).toBe(0)
    await expect(world.clock.sleep(1, ac.signal)).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('world.advance wakes due sleepers and ticks the world', async () => {
    const world = pairWorld()
    world.setDesiredCapacity('prod-web-green', 1)
    world.settle()
    let woke = false
    const p = world.clock.sleep(30_000).then(() => (woke = true))
    world.advance(61_000)
    await p
    expect(woke).toBe(true)
    expect(world.group('prod-web-green').instances[0]?.lifecycle).toBe('InService')
  })
})
