// One bench scenario: P pairs × N instances in a simulated account with virtual time and realistic AWS timings,
// the action's real code (`run` from src/main.ts, as the test harness drives it) in mode deploy, then finalize
// or rollback, and the figures measured from the simulation's own record (events.ts) and call log.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { run } from '../../src/main.js'
import type { RunResult } from '../../src/run/result.js'
import {
  type BucketSpec,
  type CallRecord,
  DEFAULT_RATE_LIMITS,
  VirtualBackoffRetryStrategy
} from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { EventLog, type TargetEvent } from '../../test-support/events.js'

export interface BenchSettings {
  /** Pending → InService of a new instance (the group's launch time), seconds. */
  bootSeconds: number
  healthIntervalSeconds: number
  /** Passing checks before `healthy` (HealthyThresholdCount). */
  healthyThreshold: number
  /** Deregistration delay of every target group, seconds. */
  drainSeconds: number
  /** The action's poll-interval input, seconds. */
  pollSeconds: number
  /** API latency range, virtual ms. */
  latencyMs: [number, number]
  /** Reads lag writes by up to this (realism readLagMs), virtual ms. */
  readLagMs: [number, number]
  /** Auto Scaling's deregistration reaches the target groups this long after EnterStandby (realism deregisterLagMs), virtual ms. */
  deregisterLagMs: [number, number]
  /** Enforce the simulator's per-API rate limits (ratelimit.ts defaults, with `limitOverrides`). */
  rateLimits: boolean
  /** Per service: replaces the bucket of every rate-limit rule of that service. */
  limitOverrides: Record<string, BucketSpec>
  /** Page-size cap of paged Describes (undefined: AWS's own). */
  pageSize: number | undefined
  seed: number
  /** The SDK's attempts per call (the action's clients use 8). */
  maxAttempts: number
}

export const DEFAULT_SETTINGS: BenchSettings = {
  bootSeconds: 60,
  healthIntervalSeconds: 10,
  healthyThreshold: 2,
  drainSeconds: 300,
  pollSeconds: 15,
  latencyMs: [50, 200],
  readLagMs: [0, 3_000],
  deregisterLagMs: [0, 2_000],
  rateLimits: true,
  limitOverrides: {},
  pageSize: undefined,
  seed: 7,
  maxAttempts: 8
}

export interface Scenario {
  id: string
  pairs: number
  instances: number
}

export type Mode = 'deploy' | 'finalize' | 'rollback'

export interface ModeFigures {
  mode: Mode
  failed: boolean
  errors: string[]
  /** Virtual ms from the run's start to its end. */
  durationMs: number
  /** The critical-path minimum the simulated AWS imposed on this run (virtual ms) and what it is made of. */
  floorMs: number
  floorParts: string
  overheadMs: number
  /** Deploy, the worst pair: its last new target healthy → its last old target draining (traffic moved). */
  cutoverLagMs?: number
  /** Of the cutover lag, the worst pair: → its last EnterStandby reaching AWS (the action's part). */
  cutoverActionMs?: number
  /** Of the cutover lag, the worst pair: → its first DescribeTargetHealth after it (polling granularity). */
  detectMs?: number
  /** Deploy: whether the run ended only after the old instances' drain. */
  waitedDrain?: boolean
  calls: number
  callsByOperation: Record<string, number>
  throttled: number
  throttledByOperation: Record<string, number>
  /** Health wait: describe calls per pair per poll, by operation, and the number of polls. */
  perPoll?: { polls: number; byOperation: Record<string, number>; total: number }
  violations: string[]
  lost: number
  /** Real time this run took on this machine (the simulator's cost included), ms. */
  realMs: number
}

export interface ScenarioFigures {
  scenario: Scenario
  modes: ModeFigures[]
  /** Real time for the whole scenario (worlds built, every run), ms. */
  realMs: number
}

const IMAGE = 'web'

/** The simulator's default rate limits, with the buckets `--limits` replaced. */
export function rateLimitRules(o: BenchSettings): typeof DEFAULT_RATE_LIMITS {
  return DEFAULT_RATE_LIMITS.map((r) => {
    const bucket = o.limitOverrides[r.service]
    return bucket ? { ...r, bucket, source: 'bench --limits' } : r
  })
}

/** An empty simulated account with the bench's timings, read lag, rate limits and page size. */
export function benchWorld(o: BenchSettings): SimWorld {
  return new SimWorld({
    start: Date.parse('2026-11-28T10:00:00Z'),
    region: 'us-east-1',
    accountId: '123456789012',
    seed: o.seed,
    realism: { latencyMs: o.latencyMs, readLagMs: o.readLagMs, deregisterLagMs: o.deregisterLagMs, healthJitter: true, pageSize: undefined },
    rateLimits: o.rateLimits ? rateLimitRules(o) : false,
    ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {})
  })
}

export function buildWorld(s: Scenario, o: BenchSettings): SimWorld {
  const world = benchWorld(o)
  const n = s.instances
  for (let p = 0; p < s.pairs; p++) {
    const base = `prod-svc${String(p + 1).padStart(2, '0')}`
    world.addTargetGroup({
      name: base,
      deregistrationDelaySeconds: o.drainSeconds,
      healthCheckIntervalSeconds: o.healthIntervalSeconds,
      healthyAfterChecks: o.healthyThreshold
    })
    const common = { max: n * 2, targetGroups: [base], launchSeconds: o.bootSeconds }
    world.addGroup({ name: `${base}-blue`, min: n, desired: n, ...common, tags: { 'docker:image:name': IMAGE, 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: `${base}-green`, min: 0, desired: 0, ...common, tags: { 'docker:image:name': IMAGE } })
  }
  return world
}

interface ActionOutcome {
  failed: boolean
  errors: string[]
  result: RunResult | undefined
  log: string
}

let runnerFiles: { output: string; summary: string } | undefined

/** The action's entry point in-process, with the files a runner provides, its output kept off the terminal. */
export async function runAction(world: SimWorld, inputs: Record<string, string>, o: BenchSettings): Promise<ActionOutcome> {
  if (!runnerFiles) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-bench-'))
    runnerFiles = { output: path.join(dir, 'output'), summary: path.join(dir, 'summary') }
  }
  fs.writeFileSync(runnerFiles.output, '')
  fs.writeFileSync(runnerFiles.summary, '')
  process.env.GITHUB_OUTPUT = runnerFiles.output
  process.env.GITHUB_STEP_SUMMARY = runnerFiles.summary
  const all: Record<string, string> = {
    prefix: 'prod-',
    service: IMAGE,
    'aws-region': 'us-east-1',
    'health-timeout': '30m',
    'poll-interval': `${o.pollSeconds}s`,
    'dry-run': 'false',
    ...inputs
  }
  const log: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array) => {
    log.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }) as typeof process.stdout.write
  let result: RunResult | undefined
  try {
    result = await run({
      getInput: (name) => all[name] ?? '',
      env: {},
      clock: world.clock,
      clientOverrides: {
        requestHandler: world.requestHandler,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
        retryStrategy: new VirtualBackoffRetryStrategy(o.maxAttempts, world.clock, o.seed)
      }
    })
  } finally {
    process.stdout.write = write
  }
  const failed = process.exitCode === 1
  process.exitCode = 0
  const text = log.join('')
  const errors = [...text.matchAll(/^::error[^:]*::(.*)$/gm)].map((m) => (m[1] ?? '').replace(/%0A/g, '\n').replace(/%25/g, '%'))
  return { failed, errors, result, log: text }
}

const count = (xs: string[]): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const x of xs) out[x] = (out[x] ?? 0) + 1
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)))
}
const isThrottle = (c: CallRecord): boolean => !c.ok && (c.error === 'Throttling' || c.error === 'RequestLimitExceeded')
const max = (xs: number[]): number => (xs.length === 0 ? 0 : Math.max(...xs))

/**
 * Per pair (target group), the worst pair: its last new target healthy → its last old target draining; of
 * it, the action's part (→ the last EnterStandby naming one of its old instances reaching AWS; the rest is
 * AWS's deregistration reaching the target group) and the detection (→ its first DescribeTargetHealth after).
 */
function cutoverLags(evs: TargetEvent[], newIds: Set<string>, calls: CallRecord[]): Pick<ModeFigures, 'cutoverLagMs' | 'cutoverActionMs' | 'detectMs'> {
  const lags: number[] = []
  const actions: number[] = []
  const detects: number[] = []
  for (const tg of new Set(evs.map((e) => e.targetGroup))) {
    const own = evs.filter((e) => e.targetGroup === tg)
    // Each new instance's first healthy verdict here (a later flap back to healthy is not the cutover's cue).
    const firstHealthy = new Map<string, number>()
    for (const e of own) if (e.state === 'healthy' && newIds.has(e.id) && !firstHealthy.has(e.id)) firstHealthy.set(e.id, e.at)
    const healthy = max([...firstHealthy.values()])
    const oldDrains = own.filter((e) => e.state === 'draining' && !newIds.has(e.id))
    if (healthy === 0 || oldDrains.length === 0) continue
    lags.push(max(oldDrains.map((e) => e.at)) - healthy)
    const old = new Set(oldDrains.map((e) => e.id))
    const standby = calls.filter((c) => c.operation === 'EnterStandby' && c.ok && ((c.params as { InstanceIds?: string[] }).InstanceIds ?? []).some((id) => old.has(id)))
    if (standby.length > 0) actions.push(max(standby.map((c) => c.time)) - healthy)
    const look = calls.find((c) => c.operation === 'DescribeTargetHealth' && c.time >= healthy && String((c.params as { TargetGroupArn?: string }).TargetGroupArn).includes(`:targetgroup/${tg}/`))
    if (look) detects.push(look.time - healthy)
  }
  return {
    ...(lags.length > 0 ? { cutoverLagMs: max(lags) } : {}),
    ...(actions.length > 0 ? { cutoverActionMs: max(actions) } : {}),
    ...(detects.length > 0 ? { detectMs: max(detects) } : {})
  }
}

/** Runs one mode and measures it. `world`'s event log must have been attached before the world's first tick. */
async function measure(world: SimWorld, events: EventLog, mode: Mode, o: BenchSettings): Promise<ModeFigures> {
  const t0 = world.now()
  const existing = new Set(world.instances.keys())
  const callsBefore = world.calls.length
  const violationsBefore = world.violations.length
  const real0 = performance.now()
  const out = await runAction(world, { mode, ...(mode === 'deploy' ? { version: 'v2' } : {}) }, o)
  const realMs = performance.now() - real0
  const t1 = world.now()
  const calls = world.calls.slice(callsBefore)
  const evs = events.between(t0, t1)
  const firstAfter = (id: string, state: TargetEventState, after: number): number | undefined => {
    // The last target group to reach `state` (after `after`) for this instance.
    const byTg = new Map<string, number>()
    for (const e of events.targets) if (e.id === id && e.state === state && e.at >= after && !byTg.has(e.targetGroup)) byTg.set(e.targetGroup, e.at)
    return byTg.size === 0 ? undefined : Math.max(...byTg.values())
  }

  // Drains the run started and waited out (it ended after they were over).
  const drains = evs.filter((e) => e.state === 'draining' && e.until !== undefined)
  const waitedDrains = drains.filter((e) => (e.until as number) <= t1)
  const drainChain = max(waitedDrains.map((e) => (e.until as number) - e.at))
  // Instances still draining from an earlier run that this one had to wait for (Standby before ExitStandby/detach).
  const earlierDrain = max(events.targets.filter((e) => e.state === 'draining' && e.at < t0 && e.until !== undefined && (e.until as number) > t0 && (e.until as number) <= t1).map((e) => (e.until as number) - t0))

  let floorMs = 0
  let floorParts = ''
  const fig: Partial<ModeFigures> = {}
  if (mode === 'deploy') {
    const launched = [...world.instances.values()].filter((i) => !existing.has(i.id))
    const healthyAt = launched.map((i) => ({ i, at: firstAfter(i.id, 'healthy', i.launchTime) }))
    const chain = max(healthyAt.map(({ i, at }) => (at ?? t1) - i.launchTime))
    const newIds = new Set(launched.map((i) => i.id))
    const oldDrains = drains.filter((e) => !newIds.has(e.id))
    floorMs = chain + drainChain
    floorParts = `launch→healthy ${s(chain)}${drainChain > 0 ? ` + drain ${s(drainChain)}` : ''}`
    if (launched.length > 0 && oldDrains.length > 0) Object.assign(fig, cutoverLags(evs, newIds, calls))
    fig.waitedDrain = drainChain > 0
    fig.perPoll = perPoll(out.result, calls)
  } else if (mode === 'rollback') {
    const exits = events.exitStandby.filter((e) => e.at >= t0 && e.at <= t1)
    const chains = exits.map((e) => (firstAfter(e.id, 'healthy', e.at) ?? t1) - e.at)
    const restore = max(chains)
    floorMs = earlierDrain + restore + drainChain
    floorParts = `${earlierDrain > 0 ? `standby wait ${s(earlierDrain)} + ` : ''}exit standby→healthy ${s(restore)}${drainChain > 0 ? ` + drain ${s(drainChain)}` : ''}`
    fig.perPoll = perPoll(out.result, calls)
  } else {
    floorMs = earlierDrain + drainChain
    floorParts = floorMs > 0 ? `${earlierDrain > 0 ? `standby wait ${s(earlierDrain)}` : ''}${drainChain > 0 ? ` drain ${s(drainChain)}` : ''}` : 'none (API calls only)'
  }
  const throttledCalls = calls.filter(isThrottle)
  return {
    mode,
    failed: out.failed,
    errors: out.errors,
    durationMs: t1 - t0,
    floorMs,
    floorParts,
    overheadMs: t1 - t0 - floorMs,
    ...fig,
    calls: calls.length,
    callsByOperation: count(calls.map((c) => c.operation)),
    throttled: throttledCalls.length,
    throttledByOperation: count(throttledCalls.map((c) => c.operation)),
    violations: world.violations.slice(violationsBefore),
    lost: world.lostInstances().length,
    realMs
  }
}

type TargetEventState = 'initial' | 'healthy' | 'unhealthy' | 'draining'

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/**
 * Describe calls per pair per poll during the health waits: the calls made inside the waits' time spans (the
 * union of every pair's wait) divided by the polls the waits report ("N checks").
 */
function perPoll(result: RunResult | undefined, calls: CallRecord[]): ModeFigures['perPoll'] {
  const waits = (result?.timeline ?? []).filter((e) => e.step.startsWith('wait until') && e.step.includes('healthy') && e.outcome === 'done')
  const polls = waits.reduce((n, e) => n + Number(/\((\d+) checks?\)/.exec(e.detail ?? '')?.[1] ?? 0), 0)
  if (waits.length === 0 || polls === 0) return undefined
  const inWait = calls.filter((c) => !c.write && waits.some((w) => c.time >= w.startedAt && c.time <= w.startedAt + w.durationMs))
  const byOp = count(inWait.map((c) => c.operation))
  const byOperation = Object.fromEntries(Object.entries(byOp).map(([k, v]) => [k, Math.round((v / polls) * 100) / 100]))
  return { polls, byOperation, total: Math.round((inWait.length / polls) * 100) / 100 }
}

/**
 * deploy, then (after the old instances finished draining: `gapMs`) finalize on one world; deploy then rollback on
 * a second, identical world (same seed), so each later mode starts from a deploy that has fully landed.
 */
export async function runScenario(sc: Scenario, o: BenchSettings, modes: Mode[], gapMs: number): Promise<ScenarioFigures> {
  const real0 = performance.now()
  const figures: ModeFigures[] = []
  const later = modes.filter((m) => m !== 'deploy')
  const chains: Mode[][] = later.length === 0 ? [['deploy']] : later.map((m) => ['deploy', m])
  for (const [n, chain] of chains.entries()) {
    const world = buildWorld(sc, o)
    const events = new EventLog(world)
    for (const mode of chain) {
      if (mode !== 'deploy') world.advance(gapMs)
      const f = await measure(world, events, mode, o)
      // The deploy of every chain is the same run (same seed): report it once.
      if (mode !== 'deploy' || (n === 0 && modes.includes('deploy'))) figures.push(f)
      if (f.failed) break
    }
  }
  const order: Mode[] = ['deploy', 'rollback', 'finalize']
  figures.sort((a, b) => order.indexOf(a.mode) - order.indexOf(b.mode))
  return { scenario: sc, modes: figures, realMs: performance.now() - real0 }
}
