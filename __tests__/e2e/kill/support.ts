// Shared machinery of the SIGKILL tests: the two-pair scene, runs of the bundled action as a runner runs
// it (each its own workflow run identity), a SIGKILL at an exact AWS call, and the end state a run leaves.
//
// Time: the simulator's server runs at SPEED × real time, while the action runs on the wall clock (its
// poll interval, its lock heartbeat, the 5-minute stale-lock window). Target health checks (300 s × 2)
// and the deregistration delay (750 s) are long in virtual time so that every wait of the action polls a
// few times in real time (~2 s at 1 s polls): there is a middle of every wait to kill the runner in.
// A killed run's lock is held (its heartbeat is minutes of *real* time from stale), so a re-run in a new
// workflow run takes it over through the loopback GitHub API fake, which reports the killed run completed;
// a re-run of the same job (same run URL, next attempt) takes its own lock back.
import type { ChildProcess } from 'node:child_process'
import { type BundleRun, runBundle } from '../../../test-support/bundle.js'
import { type EndState, captureEndState } from '../../../test-support/endstate.js'
import type { FakeGitHub } from '../../../test-support/github-api.js'
import { type SimServer, startSimServer } from '../../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../../test-support/world.js'
import { runAction } from '../../../test-support/harness.js'
import { newWorld } from '../../../test-support/worlds.js'
import { EXHAUSTIVE, sweep } from '../../../test-support/suite.js'

export const SPEED = 300
export const PREFIX = 'prod-api-'
export const PAIRS = ['prod-api-web', 'prod-api-worker'] as const
export const GROUPS = PAIRS.flatMap((p) => [`${p}-blue`, `${p}-green`])
const INPUTS = { prefix: PREFIX, service: 'api', 'poll-interval': '1s', 'health-timeout': '3m', 'github-token': 'ghs_fake-token-for-the-loopback-fake' }


/**
 * Two services under one prefix: web (3 instances) and worker (2 instances, with a step-scaling policy fired
 * by an alarm, a target-tracking policy and a recurring scheduled action with a time zone).
 */
export function scene(): SimWorld {
  const world = newWorld()
  for (const [base, n] of [
    ['prod-api-web', 3],
    ['prod-api-worker', 2]
  ] as const) {
    world.addTargetGroup({ name: base, deregistrationDelaySeconds: 750, healthCheckIntervalSeconds: 300, healthyAfterChecks: 2 })
    world.addGroup({ name: `${base}-blue`, min: n, max: 6, desired: n, targetGroups: [base], tags: { 'docker:image:name': 'api', 'docker:image:version': 'v1' }, running: true })
    world.addGroup({ name: `${base}-green`, min: 0, max: 6, desired: 0, targetGroups: [base], tags: { 'docker:image:name': 'api' } })
  }
  const worker = 'prod-api-worker-blue'
  const step = world.putScalingPolicy({
    AutoScalingGroupName: worker,
    PolicyName: 'queue-deep',
    PolicyType: 'StepScaling',
    AdjustmentType: 'ChangeInCapacity',
    MetricAggregationType: 'Average',
    EstimatedInstanceWarmup: 120,
    StepAdjustments: [
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 100, ScalingAdjustment: 1 },
      { MetricIntervalLowerBound: 100, ScalingAdjustment: 2 }
    ]
  })
  world.addAlarm({
    AlarmName: 'worker-queue-deep',
    AlarmActions: [step.PolicyARN],
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Namespace: 'AWS/SQS',
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 500,
    ComparisonOperator: 'GreaterThanThreshold',
    Dimensions: [{ Name: 'QueueName', Value: 'api-jobs' }]
  })
  world.putScalingPolicy({
    AutoScalingGroupName: worker,
    PolicyName: 'cpu-50',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 }
  })
  // 08:00 UTC: 22 h of virtual time after the scene starts (10:00), minutes of real time at SPEED.
  world.putScheduledAction({ AutoScalingGroupName: worker, ScheduledActionName: 'morning', Recurrence: '0 8 * * *', TimeZone: 'Europe/Berlin', MinSize: 2, MaxSize: 6, DesiredCapacity: 2 })
  world.setBaseline()
  return world
}

let inProcess: Promise<unknown> = Promise.resolve()

/**
 * The scene after a completed deploy of v2, made in-process on the virtual clock (milliseconds, before the
 * world's server starts): the starting point of the finalize and rollback tests. In-process runs share
 * this process's stdout and the harness's files, so they take turns.
 */
export async function deployedScene(): Promise<SimWorld> {
  const world = scene()
  const turn = inProcess.then(() =>
    runAction(world, { ...INPUTS, 'github-token': '', 'poll-interval': '15s', 'health-timeout': '1h', mode: 'deploy', version: 'v2' }, { env: { GITHUB_REPOSITORY: 'octo-org/web', GITHUB_RUN_ID: '500', GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567', GITHUB_ACTOR: 'octocat' } })
  )
  inProcess = turn.catch(() => undefined)
  const r = await turn
  if (r.failed || r.outputs.state !== 'awaiting-finalize') throw new Error(`the setup deploy did not complete: ${r.outputs.state}\n${r.log}`)
  // The deploy ends when traffic has moved: let the old instances finish their drain (750 s) into Standby,
  // as they have by the time a reviewer approves, so every finalize or rollback starts from the same state.
  world.advance(Math.max(0, Date.parse(r.outputs['drain-ends-at'] ?? '') - world.now()) + 5_000)
  world.assertNoViolations()
  return world
}

/** The instances the scene starts with: the same ids in every world (the ids are seeded). */
export function initialInstanceIds(world: SimWorld): string[] {
  return [...world.instances.keys()].sort()
}

export type Mode = 'deploy' | 'canary' | 'finalize' | 'rollback'

/** Who a run is: GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT (the run URL is built from the id). */
export interface RunIdentity {
  id: string
  attempt: number
}

export function describeIdentity(r: RunIdentity, previous?: RunIdentity): string {
  if (!previous) return `run ${r.id}#${r.attempt}`
  return r.id === previous.id ? `re-run of the same job (run ${r.id}, attempt ${r.attempt})` : `new workflow run ${r.id}`
}

/**
 * Where to SIGKILL a run:
 * - `write`: at its Nth AWS write (writes 1..N-1 are applied, write N is not);
 * - `wait`: in the middle of the wait that follows its Nth write, at the second poll of a target group's
 *   health (a wait polls each target group every poll interval; between two writes outside a wait, a run
 *   reads each target group's health at most once);
 * - `write-or-wait`: at its Nth write or at the second poll of any wait, whichever comes first.
 */
export type KillPoint =
  | { kind: 'write'; write: number; label?: string }
  | { kind: 'wait'; afterWrite: number; label: string }
  | { kind: 'write-or-wait'; write: number }

/**
 * The kill points a bundle kill sweep visits: every wait, and the first and the last write (each point costs
 * three runs of the bundle); every write in the exhaustive suite.
 */
export function sampleKillPoints(points: KillPoint[]): KillPoint[] {
  const writes = new Set(sweep(points.filter((p) => p.kind === 'write'), 'bundle kill writes', 0))
  return points.filter((p) => p.kind !== 'write' || writes.has(p))
}

/** How a failing bundle kill sweep names the points it visited. */
export function killSampleNote(): string {
  return EXHAUSTIVE ? 'every write' : 'first and last write only; npm run test:exhaustive visits every write'
}

export function describeKill(k: KillPoint | undefined): string {
  if (!k) return 'run to completion'
  switch (k.kind) {
    case 'write':
      return `killed at its write #${k.write}${k.label ? ` (in the clean run: ${k.label})` : ''}`
    case 'wait':
      return `killed in the ${k.label}`
    case 'write-or-wait':
      return `killed at its write #${k.write} or in its first wait, whichever comes first`
  }
}

export interface CallSummary {
  operation: string
  write: boolean
  /** Virtual time of the call. */
  time: number
  /** Group or target group names the call is about. */
  about: string[]
  ok: boolean
}

export interface StepRun {
  mode: Mode
  identity: RunIdentity
  kill: KillPoint | undefined
  /** What actually happened to the kill: where the child was killed (or that it finished first). */
  killedAt: string | undefined
  run: BundleRun
  /** The child's AWS calls, in order. */
  calls: CallSummary[]
}

function namesIn(world: SimWorld, params: unknown): string[] {
  const out = new Set<string>()
  const text = JSON.stringify(params ?? {})
  for (const g of GROUPS) if (text.includes(`"${g}"`)) out.add(g)
  for (const tg of world.targetGroups.values()) if (text.includes(tg.arn)) out.add(`tg:${tg.name}`)
  return [...out]
}

/** One world behind one loopback server, where the bundle runs one step after another. */
export class Stage {
  readonly world: SimWorld
  readonly keep: string[]
  private server: SimServer | undefined
  private hook: ((operation: string, write: boolean) => void) | undefined

  constructor(
    world: SimWorld,
    private readonly github: FakeGitHub
  ) {
    this.world = world
    this.keep = initialInstanceIds(world)
    const take = world.faults.take.bind(world.faults)
    // Every call passes here (reads too) right after it is recorded and before it is answered.
    world.faults.take = (service, operation, requestId) => {
      const last = world.calls[world.calls.length - 1]
      this.hook?.(operation, last?.write ?? false)
      return take(service, operation, requestId)
    }
  }

  async start(): Promise<void> {
    this.server = await startSimServer(this.world, { speed: SPEED, tickMs: 100 })
  }

  async close(): Promise<void> {
    await this.server?.close()
    this.server = undefined
  }

  /** Runs the bundle once; with `kill`, SIGKILLs it at that point (the call there is not answered). */
  async run(mode: Mode, identity: RunIdentity, kill?: KillPoint, extraInputs: Record<string, string> = {}): Promise<StepRun> {
    if (!this.server) throw new Error('stage not started')
    const world = this.world
    const firstCall = world.calls.length
    let child: ChildProcess | undefined
    let writes = 0
    let dead = false
    let killedAt: string | undefined
    const die = (where: string): never => {
      if (!dead) {
        dead = true
        killedAt = where
        child?.kill('SIGKILL')
      }
      throw new Error('runner killed (SIGKILL)')
    }
    // Target-health reads per target group since the last write.
    let healthReads = new Map<string, number>()
    this.hook = (operation, write) => {
      if (dead) die(killedAt ?? '')
      const last = world.calls[world.calls.length - 1]
      const about = namesIn(world, last?.params).join(',')
      if (write) {
        writes++
        healthReads = new Map()
        const here = `write #${writes} (${operation} ${about})`
        if ((kill?.kind === 'write' || kill?.kind === 'write-or-wait') && writes === kill.write) die(here)
        if (kill?.kind === 'wait' && writes > kill.afterWrite) die(`${here}: the ${kill.label} ended before its second poll`)
        return
      }
      if (operation !== 'DescribeTargetHealth') return
      const n = (healthReads.get(about) ?? 0) + 1
      healthReads.set(about, n)
      if (n < 2) return
      if (kill?.kind === 'write-or-wait' || (kill?.kind === 'wait' && writes === kill.afterWrite)) {
        die(`the second health poll of ${about.replace('tg:', 'target group ')} after write #${writes}${kill.kind === 'wait' ? `, in the ${kill.label}` : ' (a wait)'}`)
      }
    }
    try {
      const run = await runBundle({
        endpoint: this.server.url,
        inputs: { ...INPUTS, mode, ...(mode === 'deploy' || mode === 'canary' ? { version: 'v2' } : {}), ...extraInputs },
        env: { GITHUB_RUN_ID: identity.id, GITHUB_RUN_ATTEMPT: String(identity.attempt), GITHUB_API_URL: this.github.url },
        killAfterMs: 120_000,
        onSpawn: (c) => {
          child = c
        }
      })
      // Requests the dead child had fully sent may still be dispatched: keep refusing them a moment.
      if (dead) await new Promise((r) => setTimeout(r, 100))
      return {
        mode,
        identity,
        kill,
        killedAt,
        run,
        calls: world.calls.slice(firstCall).map((c) => ({ operation: c.operation, write: c.write, time: c.time, about: namesIn(world, c.params), ok: c.ok }))
      }
    } finally {
      this.hook = undefined
      // A killed run is over: GitHub reports it completed, so a new workflow run may take over its lock.
      this.github.runs.set(identity.id, 'completed')
    }
  }

  /** Waits (real time) until nothing in the world is in motion: no launch, drain, standby move or termination. */
  async quiet(timeoutMs = 30_000): Promise<void> {
    const started = Date.now()
    const busy = (): string | undefined => {
      for (const i of this.world.instances.values()) {
        if (i.group !== undefined && !['InService', 'Standby'].includes(i.lifecycle)) return `${i.id} ${i.lifecycle}`
        if (i.ec2State === 'shutting-down' || i.ec2State === 'pending') return `${i.id} ${i.ec2State}`
      }
      for (const tg of this.world.targetGroups.values()) for (const t of tg.targets.values()) if (!['healthy', 'unhealthy', 'unused'].includes(t.state)) return `${tg.name} ${t.id} ${t.state}`
      return undefined
    }
    for (;;) {
      const what = busy()
      if (!what) return
      if (Date.now() - started > timeoutMs) throw new Error(`the world did not settle: ${what}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async endState(): Promise<EndState> {
    await this.quiet()
    return captureEndState(this.world, { keep: this.keep })
  }
}

/** A compact transcript of a run for failure messages. */
export function transcript(s: StepRun): string {
  const r = s.run
  const tail = (text: string, n: number): string => text.split('\n').slice(-n).join('\n')
  return [
    `--- ${s.mode} as ${describeIdentity(s.identity)}: exit ${r.code}${r.exitSignal ? ` (${r.exitSignal})` : ''}, state ${r.outputs.state ?? '(none)'}${s.killedAt ? `, killed at ${s.killedAt}` : ''}`,
    ...(r.errors.length ? [`errors: ${r.errors.join(' | ')}`] : []),
    tail(r.stdout.replace(/^::(debug|group|endgroup)::.*\n?/gm, ''), 25)
  ].join('\n')
}
