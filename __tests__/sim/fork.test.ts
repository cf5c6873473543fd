// SimWorld.fork(): a fully independent copy of a world at one instant (also from inside faults.beforeWrite,
// before the write is applied), that the action can run on as if it were the original world then; and
// the graph copier behind it (packages/aws-sim/src/core/fork.ts).
import { afterEach, describe, expect, it } from '@jest/globals'
import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling'
import { captureEndState, diffEndStates } from '../../test-support/endstate.js'
import { runAction } from '../../test-support/harness.js'
import { type SimClients, VirtualClock, simClients, copyGraph } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import { START, pairWorld } from './fixture.js'

let clients: SimClients | undefined
afterEach(() => clients?.destroy())

const DEPLOY = { mode: 'deploy', version: 'v2' }

/** Two blue/green pairs, harsh realism (latency, read lag, jitter, maybe small pages: the rng is busy). */
function twoPairs(): SimWorld {
  const world = newWorld({ seed: 11 })
  addService(world, { base: 'prod-api' })
  addService(world, { base: 'prod-web' })
  return world
}

/**
 * Everything a world holds, as JSON: every own field all the way down (private ones too: rng and id
 * state, buckets, read-lag views, counters), Maps and Sets as entries, a second reference to an object as
 * the path of its first; the clock as its time. `faults.beforeWrite` is left out (a fork never has one).
 */
function stateOf(world: SimWorld): unknown {
  const seen = new Map<object, string>()
  const walk = (v: unknown, at: string): unknown => {
    if (v === undefined) return '<undefined>'
    if (typeof v === 'function') return '<function>'
    if (typeof v !== 'object' || v === null) return v
    if (v instanceof VirtualClock) return { clockNow: v.now() }
    const first = seen.get(v)
    if (first !== undefined) return `<ref ${first}>`
    seen.set(v, at)
    if (v instanceof Map) return { '<Map>': [...v].map(([k, x], i) => [walk(k, `${at}<key ${i}>`), walk(x, `${at}[${String(k)}]`)]) }
    if (v instanceof Set) return { '<Set>': [...v].map((x, i) => walk(x, `${at}<${i}>`)) }
    if (v instanceof RegExp || v instanceof Date) return String(v)
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`))
    const out: Record<string, unknown> = { '<class>': (v as { constructor?: { name?: string } }).constructor?.name }
    for (const [k, x] of Object.entries(v)) if (k !== 'beforeWrite') out[k] = walk(x, `${at}.${k}`)
    return out
  }
  return walk(world, '$')
}

const groupsOf = (world: SimWorld): unknown => [...world.groups.keys()].map((name) => world.group(name))

describe('SimWorld.fork() mid-deploy', () => {
  it('a fork taken at write N (inside beforeWrite) is the world before that write; the deploy run on it ends where a clean run ends', async () => {
    const keep = [...twoPairs().instances.keys()] // same seed: the instances every world starts with
    const clean = twoPairs()
    expect((await runAction(clean, DEPLOY)).failed).toBe(false)
    const expected = captureEndState(clean, { keep })
    const total = clean.writes().length
    expect(total).toBeGreaterThan(4)

    for (const n of [1, Math.ceil(total / 2), total]) {
      const world = twoPairs()
      let fork: SimWorld | undefined
      let before: unknown
      let at = 0
      world.faults.beforeWrite = (_operation, _params, writeNumber) => {
        if (writeNumber !== n) return
        before = stateOf(world)
        at = world.now()
        fork = world.fork()
      }
      const run = await runAction(world, DEPLOY)
      // Forking disturbs nothing: the original's run is the clean run.
      expect({ n, failed: run.failed, end: diffEndStates(expected, captureEndState(world, { keep })) }).toEqual({ n, failed: false, end: [] })
      if (!fork) throw new Error(`no fork at write ${n}`)
      // The fork is the world as it was then, though the original ran on to the end.
      expect(stateOf(fork)).toEqual(before)
      expect(fork.now()).toBe(at)
      expect(fork.faults.beforeWrite).toBeUndefined()
      expect(fork.writes()).toHaveLength(n) // the write being dispatched is logged, not applied
      // A new run of the action on the fork (the run that was in flight does not continue there) completes.
      const again = await runAction(fork, DEPLOY)
      expect({ n, failed: again.failed, errors: again.errors }).toEqual({ n, failed: false, errors: [] })
      expect({ n, end: diffEndStates(expected, captureEndState(fork, { keep })) }).toEqual({ n, end: [] })
      expect(world.faults.writeCount).toBe(total) // the fork's run wrote nothing into the original
    }
  })

  it('the fork has its own clock: a request in flight in the original is not in flight in the fork', async () => {
    const world = twoPairs()
    let fork: SimWorld | undefined
    world.faults.beforeWrite = (_operation, _params, n) => {
      if (n === 3) fork = world.fork()
    }
    await runAction(world, DEPLOY)
    if (!fork) throw new Error('no fork')
    expect(fork.clock).not.toBe(world.clock)
    expect(fork.clock.pendingTimers()).toBe(0)
    const t = fork.now()
    const slept = fork.clock.sleep(1_000).then(() => 'woke')
    let guard: NodeJS.Timeout | undefined
    const stuck = new Promise((resolve) => (guard = setTimeout(() => resolve('stuck: the fork counts a request in flight'), 2_000)))
    expect(await Promise.race([slept, stuck])).toBe('woke')
    clearTimeout(guard)
    expect(fork.now()).toBe(t + 1_000)
  })
})

describe('SimWorld.fork() is independent, both ways', () => {
  /** A world with something of everything: realism, rate limits, a deploy run, a policy, an alarm, an image. */
  async function busyWorld(): Promise<SimWorld> {
    const world = newWorld({ seed: 5, rateLimits: true })
    addService(world, { base: 'prod-web' })
    world.addImage({ id: 'ami-0123456789abcdef0', name: 'web-v1' })
    world.addLaunchTemplate({ name: 'web', data: { ImageId: 'ami-0123456789abcdef0' } })
    world.setVersionHealth('v3', 'unhealthy')
    world.faults.inject({ operation: 'DescribeAlarms', error: 'Throttling', times: 3 })
    world.faults.delayWritesOf('AKIDSLOW', 5_000)
    await runAction(world, DEPLOY)
    world.putScalingPolicy({ AutoScalingGroupName: 'prod-web-green', PolicyName: 'up', PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 })
    world.addAlarm({ AlarmName: 'cpu-high', MetricName: 'CPUUtilization', Namespace: 'AWS/EC2' })
    return world
  }

  /** Changes everything it can reach: tags, capacity, an instance's lifecycle, time, rng, ids, logs, faults. */
  async function mutate(w: SimWorld): Promise<void> {
    w.createOrUpdateTags([{ ResourceId: 'prod-web-green', Key: 'owner', Value: 'someone', PropagateAtLaunch: false }])
    w.mustGroup('prod-web-blue').tags.set('direct', { key: 'direct', value: 'x', propagateAtLaunch: false })
    w.setDesiredCapacity('prod-web-blue', 2)
    const green = w.group('prod-web-green').instances[0]?.id as string
    w.instance(green).lifecycle = 'Standby'
    w.instance(green).tags['touched'] = 'yes'
    w.targetGroupByName('prod-web').targets.clear()
    w.advance(900_000)
    w.rng.next()
    w.ids.instanceId()
    w.setPageSize(2)
    w.violate('made up')
    w.clearBaseline()
    w.setVersionHealth('v2', 'stuck-initial')
    w.setAlarmState('cpu-high', 'ALARM')
    w.faults.inject({ operation: 'EnterStandby', error: 'ResourceContention' })
    w.faults.delayWritesOf('AKIDSLOW', 0)
    w.faults.take('cloudwatch', 'DescribeAlarms', 'r')
    w.rateLimits?.take('autoscaling', 'DescribeAutoScalingGroups', 'r')
    w.images.addImage({ name: 'web-v2' })
    w.checks.ticks += 1_000
    w.scalingEvents.push({ time: w.now(), kind: 'alarm', name: 'x', group: undefined, outcome: 'skipped' })
    const c = (clients = simClients(w))
    await c.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'prod-web-green', DesiredCapacity: 3 }))
    c.destroy()
    clients = undefined
  }

  it('changing the fork leaves the original as it was', async () => {
    const world = await busyWorld()
    const before = stateOf(world)
    const groups = groupsOf(world)
    const fork = world.fork()
    expect(stateOf(fork)).toEqual(before)
    await mutate(fork)
    expect(stateOf(fork)).not.toEqual(before)
    expect(groupsOf(world)).toEqual(groups)
    expect(stateOf(world)).toEqual(before)
  })

  it('changing the original leaves the fork as it was', async () => {
    const world = await busyWorld()
    const fork = world.fork()
    const before = stateOf(fork)
    const groups = groupsOf(fork)
    await mutate(world)
    expect(groupsOf(fork)).toEqual(groups)
    expect(stateOf(fork)).toEqual(before)
  })

  it("the fork's rate limits refill in the fork's time, its buckets are its own", () => {
    const world = new SimWorld({ start: START, realism: false, rateLimits: true })
    const fork = world.fork()
    const take = (w: SimWorld): boolean => w.rateLimits?.take('autoscaling', 'DescribeAutoScalingGroups', 'r') === undefined
    let burst = 0
    while (take(fork)) burst++
    expect(burst).toBe(40)
    expect(take(world)).toBe(true) // the original's bucket is full
    fork.advance(1_000) // +10 tokens, in the fork only
    expect(take(fork)).toBe(true)
    const drained = world.fork()
    while (take(drained)) burst++
    world.advance(60_000) // the original's time does not refill the fork's bucket
    expect(take(drained)).toBe(false)
  })

  it("the fork's sts keeps the trust hook and its own call log", () => {
    const world = pairWorld()
    world.sts.trust = (claims) => claims['sub'] === 'repo:me'
    const fork = world.fork()
    const token = `x.${Buffer.from(JSON.stringify({ sub: 'repo:me' })).toString('base64url')}.y`
    const creds = fork.sts.assumeRoleWithWebIdentity({ RoleArn: 'arn:aws:iam::123456789012:role/deploy', RoleSessionName: 'run', WebIdentityToken: token })
    expect(creds.Expiration).toBe(fork.now() + 3_600_000)
    expect(fork.sts.trust).toBe(world.sts.trust)
    expect(fork.sts.calls).toHaveLength(1)
    expect(world.sts.calls).toHaveLength(0)
  })
})

describe('SimWorld.fork() determinism', () => {
  it('a fork runs exactly as the original would from there: same requests, ids, times, state', async () => {
    const world = twoPairs()
    await runAction(world, DEPLOY)
    const fork = world.fork()
    await runAction(world, { mode: 'rollback' })
    await runAction(fork, { mode: 'rollback' })
    expect(fork.calls.length).toBeGreaterThan(0)
    expect(stateOf(fork)).toEqual(stateOf(world))
  })

  it('two forks of one world advanced the same way end identical (rng and ids continue the same sequence)', () => {
    const world = pairWorld({ world: { realism: true, seed: 3 } })
    world.setDesiredCapacity('prod-web-green', 3)
    world.advance(20_000)
    const [a, b] = [world.fork(), world.fork()] as [SimWorld, SimWorld]
    for (const w of [a, b]) {
      w.setDesiredCapacity('prod-web-green', 5)
      w.advance(90_000)
      w.enterStandby('prod-web-blue', [w.group('prod-web-blue').instances[0]?.id as string], true)
      w.advance(400_000)
    }
    expect(a.rng.next()).toBe(b.rng.next())
    expect(a.ids.instanceId()).toBe(b.ids.instanceId())
    expect(a.latencyMs()).toBe(b.latencyMs())
    expect(stateOf(a)).toEqual(stateOf(b))
    // ... and as the original itself, advanced the same way.
    world.setDesiredCapacity('prod-web-green', 5)
    world.advance(90_000)
    world.enterStandby('prod-web-blue', [world.group('prod-web-blue').instances[0]?.id as string], true)
    world.advance(400_000)
    world.rng.next()
    world.ids.instanceId()
    world.latencyMs()
    expect(stateOf(world)).toEqual(stateOf(a))
  })
})

describe('SimWorld.fork() and the clock', () => {
  it("the fork has no sleepers and its own time; the original's sleepers stay with the original", async () => {
    const world = pairWorld()
    let wokeAt: number | undefined
    const sleeping = world.clock.sleep(60_000).then(() => (wokeAt = world.now()))
    const fork = world.fork()
    expect(fork.clock).not.toBe(world.clock)
    expect(fork.clock.pendingTimers()).toBe(0)
    expect(world.clock.pendingTimers()).toBe(1)
    expect(fork.now()).toBe(world.now())
    // The fork's clock drives the fork's world.
    fork.setDesiredCapacity('prod-web-green', 2)
    fork.settle()
    fork.advance(120_000)
    expect(fork.group('prod-web-green').instances.map((i) => i.lifecycle)).toEqual(['InService', 'InService'])
    expect(world.group('prod-web-green').instances).toEqual([])
    expect(world.now()).toBe(START)
    expect(wokeAt).toBeUndefined()
    expect(world.clock.pendingTimers()).toBe(1)
    // The original's sleeper wakes in the original's time (its clock advances once the process is idle).
    await sleeping
    expect(wokeAt).toBe(START + 60_000)
    expect(fork.now()).toBe(START + 120_000)
    await fork.clock.sleep(5_000)
    expect(fork.now()).toBe(START + 125_000)
    expect(world.now()).toBe(START + 60_000)
  })

  it('a fork is registered once for the automatic after-test checks, as a new world is', () => {
    const registry = (): { world: object }[] => (globalThis as unknown as Record<symbol, { worlds: { world: object }[] }>)[Symbol.for('asg-blue-green.test-stats')]?.worlds ?? []
    const world = pairWorld()
    const fork = world.fork()
    expect(registry().filter((t) => t.world === world)).toHaveLength(1)
    expect(registry().filter((t) => t.world === fork)).toHaveLength(1)
  })
})

describe('copyGraph (sim/fork.ts)', () => {
  class Point {
    constructor(
      public x: number,
      public y: number
    ) {}
    norm(): number {
      return Math.hypot(this.x, this.y)
    }
  }

  it('copies every kind of value, keeping prototypes, shared references and cycles', () => {
    const shared = { n: 1 }
    const buffer = new ArrayBuffer(8)
    const src = {
      point: new Point(3, 4),
      map: new Map<unknown, unknown>([[shared, shared], ['k', [shared]]]),
      set: new Set([shared]),
      date: new Date(5),
      re: /a+/g,
      bytes: new Uint8Array(buffer, 0, 4),
      words: new Uint16Array(buffer, 4, 2),
      buf: Buffer.from('hi'),
      list: [1, , 3] as unknown[],
      nul: Object.assign(Object.create(null) as object, { a: 1 }),
      frozen: Object.freeze({ f: 1 }),
      fn: () => 42,
      self: undefined as unknown
    }
    src.self = src
    src.re.lastIndex = 2
    src.bytes[0] = 7
    const out = copyGraph(src)
    expect(out).not.toBe(src)
    expect(out.self).toBe(out)
    expect(out.point).toBeInstanceOf(Point)
    expect(out.point.norm()).toBe(5)
    const s = out.map.get('k') as unknown[]
    expect(s[0]).not.toBe(shared)
    expect([...out.map.keys()][0]).toBe(s[0])
    expect(out.map.get(s[0])).toBe(s[0])
    expect([...out.set][0]).toBe(s[0])
    expect(out.date).not.toBe(src.date)
    expect(out.date.getTime()).toBe(5)
    expect(out.re.lastIndex).toBe(2)
    expect(out.re.flags).toBe('g')
    expect(out.bytes.buffer).toBe(out.words.buffer) // views of one buffer share its copy
    expect(out.bytes.buffer).not.toBe(buffer)
    expect(out.bytes[0]).toBe(7)
    expect(Buffer.isBuffer(out.buf) && out.buf.toString()).toBe('hi')
    expect(out.list).toHaveLength(3)
    expect(1 in out.list).toBe(false)
    expect(Object.getPrototypeOf(out.nul)).toBeNull()
    expect(Object.isFrozen(out.frozen)).toBe(true)
    expect(out.fn).toBe(src.fn)
    out.point.x = 0
    out.bytes[0] = 9
    ;(out.map.get('k') as { n: number }[])[0]!.n = 2
    expect([src.point.x, src.bytes[0], shared.n]).toEqual([3, 7, 1])
  })

  it('uses the substitutes as they are, for objects and functions', () => {
    const fn = (): number => 1
    const handle = { id: 'original' }
    const other = { id: 'other' }
    const fn2 = (): number => 2
    const out = copyGraph({ fn, handle, again: handle }, new Map<unknown, unknown>([[fn, fn2], [handle, other]]))
    expect(out.fn).toBe(fn2)
    expect(out.handle).toBe(other)
    expect(out.again).toBe(other)
  })

  it('refuses what it cannot copy', () => {
    expect(() => copyGraph({ p: Promise.resolve() })).toThrow(/cannot copy a Promise/)
    expect(() => copyGraph({ w: new WeakMap() })).toThrow(/cannot copy a weak collection/)
    expect(() => copyGraph({ s: new AbortController().signal })).toThrow(/EventTarget/)
  })
})
