// World: the simulated AWS account (Auto Scaling, ELBv2 target groups, load balancers and listeners, EC2
// instances, CloudWatch alarms, STS). The state lives here; each service's behaviour has one home in ../models/
// (autoscaling.ts, targets.ts, listeners.ts with the requests listeners route, ec2.ts, cloudwatch.ts); this
// class is the façade: options, virtual time and event processing, invariant baseline, inspection, and the
// public API delegating to the models. No wire format here: the handlers (../wire/) translate requests into
// calls on this class and its results back into XML/JSON, and ../sim-world.ts (SimWorld) is this world with its
// request handler.

import { VirtualClock } from '../core/clock.js'
import { Faults } from '../core/faults.js'
import { copyGraph } from '../core/fork.js'
import { IdFactory } from '../core/ids.js'
import { checkDeregisterTargets, checkEnterStandby, checkForwardWeights, checkTickInvariants } from './invariants.js'
import { ReadLag } from './consistency.js'
import { type Realism, resolveRealism } from '../core/realism.js'
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitRule } from '../core/ratelimit.js'
import { SeededRandom } from '../core/rng.js'
import { AutoScalingModel } from '../models/autoscaling.js'
import { ScalingModel } from '../models/scaling.js'
import { CloudWatchModel } from '../models/cloudwatch.js'
import { Ec2Model } from '../models/ec2.js'
import { TargetsModel } from '../models/targets.js'
import { StsSim } from '../models/sts.js'
import { ImagesModel } from '../models/images.js'
import { ListenersModel } from '../models/listeners.js'
import type { ServedRequest, SimAction } from '../core/listener-types.js'
import { iso } from '../core/time.js'
import {
  type CallRecord,
  type ScalingEvent,
  type SimAlarm,
  type SimGroup,
  type SimInstance,
  type SimScheduledAction,
  type SimTrafficSource,
  type SimTargetGroup,
  type VersionHealth,
} from '../core/types.js'

/**
 * What a client of the simulator plugs into every world it builds (given at construction, kept by forks):
 * `onCreated` sees each world and each fork once it is built (a test kit registers them for its after-test
 * checks); `tickChecks` run after every step of virtual time and every accepted write, before invariant 1
 * (the client's own rules, e.g. about its tags), recording with `world.violate`.
 */
export interface WorldPlugins {
  onCreated?: (world: World) => void
  tickChecks?: readonly ((world: World) => void)[]
}

export interface SimWorldOptions {
  start?: number
  region?: string
  accountId?: string
  /** Tag whose value (copied onto the instance at launch) is the instance's version (default `version`). */
  versionTagKey?: string
  /** Seeds the ids and the random choices (timing, lag, jitter) where AWS is unpredictable. */
  seed?: number
  /**
   * How long EC2 keeps a terminated instance visible before forgetting its id (default 60 s; real AWS keeps
   * it about an hour: shorter is harsher). Forgotten ids are unknown to DescribeInstances,
   * TerminateInstances and DescribeTargetHealth.
   */
  ec2ForgetMs?: number
  /** Cap on the items of every page of every paged Describe (default: AWS's own page sizes). */
  pageSize?: number
  /**
   * API latency, reads lagging writes, health-check jitter, small pages (see realism.ts). `true` = the harsh
   * defaults, an object overrides some of them, `false` = none; undefined = REALISM_BY_DEFAULT.
   */
  realism?: boolean | Partial<Realism>
  /**
   * Per-API request throttling (token buckets in virtual time, see ratelimit.ts): `true` = the defaults
   * (DEFAULT_RATE_LIMITS), a list = these rules; default off.
   */
  rateLimits?: boolean | readonly RateLimitRule[]
}

export class World {
  readonly region: string
  readonly accountId: string
  readonly versionTagKey: string
  readonly clock: VirtualClock
  readonly ids: IdFactory
  /** Seeded random numbers for timing, lag and jitter (reproducible per seed). */
  readonly rng: SeededRandom
  readonly ec2ForgetMs: number
  /** See SimWorldOptions.pageSize; change with setPageSize. */
  pageSize: number | undefined
  /** The realism this world runs with (undefined: none). */
  readonly realism: Realism | undefined
  /** Eventual consistency of Describe calls (active with realism.readLagMs). */
  readonly readLag: ReadLag<World>
  readonly faults = new Faults()
  /** Request throttling (undefined: off); `rateLimits.throttled` counts throttled calls per operation. */
  readonly rateLimits: RateLimiter | undefined
  readonly sts: StsSim
  /** Every request in arrival order. */
  readonly calls: CallRecord[] = []
  /** Invariant violations, each prefixed with the virtual time. */
  readonly violations: string[] = []
  /** Alarm-triggered policy executions and scheduled actions, executed or skipped. */
  readonly scalingEvents: ScalingEvent[] = []
  /** Per target group ARN: healthy count that must never be undercut (see setBaseline). */
  readonly baseline = new Map<string, number>()
  /** Per weighted route (listener default action, rule): healthy count behind its weights never to be undercut. */
  readonly routeBaseline = new Map<string, number>()
  /**
   * How many invariant checks this world made (counting only; nothing here changes behaviour): `ticks`
   * = runs of the tick check (after every step of virtual time and every accepted write), `inv1` =
   * target groups compared with their baseline, `inv2` = EnterStandby calls checked, `inv3` = instances
   * checked before a terminate, `inv4` = launches checked, `inv5` = forward actions checked at an accepted
   * ModifyListener / ModifyRule. Read by test-support/stats.ts.
   */
  readonly checks = { ticks: 0, inv1: 0, inv2: 0, inv3: 0, inv4: 0, inv5: 0 }
  /** Virtual time at construction (for the "virtual time simulated" figure). */
  readonly startedAt: number
  readonly groups = new Map<string, SimGroup>()
  readonly targetGroups = new Map<string, SimTargetGroup>()
  readonly instances = new Map<string, SimInstance>()
  readonly alarms = new Map<string, SimAlarm>()
  readonly versionHealth = new Map<string, VersionHealth>()
  /** One model per service; World is the façade with time, invariants and the public API. */
  readonly autoScaling: AutoScalingModel
  /** Scaling policies fired by alarms, and scheduled actions (Auto Scaling). */
  readonly scaling: ScalingModel
  readonly targets: TargetsModel
  readonly ec2: Ec2Model
  readonly cloudWatch: CloudWatchModel
  /** AMIs and launch templates (EC2). */
  readonly images: ImagesModel
  /** ELBv2 load balancers, listeners and rules, and the requests they route (`listeners.routing`). */
  readonly listeners: ListenersModel
  private time: number
  /** Virtual time as a function (for the rate limiter); fork() gives the fork one of its own. */
  private readonly timeNow = (): number => this.time
  private processing = false
  /** Invariant 1: 'auto' takes the baseline at the first request; setBaseline/clearBaseline decide otherwise. */
  private baselineMode: 'auto' | 'auto-taken' | 'explicit' | 'off' = 'auto'
  private readonly plugins: WorldPlugins

  constructor(options: SimWorldOptions = {}, plugins: WorldPlugins = {}) {
    this.plugins = plugins
    this.time = options.start ?? Date.parse('2026-11-28T10:00:00Z')
    this.region = options.region ?? 'us-east-1'
    this.accountId = options.accountId ?? '123456789012'
    this.versionTagKey = options.versionTagKey ?? 'version'
    this.ids = new IdFactory(options.seed)
    this.rng = new SeededRandom(options.seed)
    this.ec2ForgetMs = options.ec2ForgetMs ?? 60_000
    this.realism = resolveRealism(options.realism)
    const realPage = this.realism?.pageSize
    this.pageSize = options.pageSize ?? (realPage === 'random' ? (this.rng.next() < 0.5 ? this.rng.int(2, 5) : undefined) : realPage)
    this.autoScaling = new AutoScalingModel(this)
    this.scaling = new ScalingModel(this)
    this.targets = new TargetsModel(this)
    this.ec2 = new Ec2Model(this)
    this.cloudWatch = new CloudWatchModel(this)
    this.images = new ImagesModel(this)
    this.listeners = new ListenersModel(this)
    this.readLag = new ReadLag<World>(this)
    const limits = options.rateLimits
    this.rateLimits = limits ? new RateLimiter(this.timeNow, limits === true ? DEFAULT_RATE_LIMITS : limits) : undefined
    this.clock = new VirtualClock(this.time, (t) => this.processUntil(t))
    this.sts = new StsSim(this)
    this.startedAt = this.time
    this.plugins.onCreated?.(this)
  }

  /** Current virtual time (epoch ms). */
  now(): number {
    return this.time
  }

  /**
   * A new, fully independent world in exactly this one's state at this instant (README "Fork"): every
   * piece of AWS and simulator state is deep-copied (fork.ts), so code run against the fork behaves as it
   * would have against this world from here on, and neither world sees the other's changes. Not copied:
   * the clock's sleepers (they belong to code running against this world): the fork has a fresh
   * VirtualClock at the same virtual time, in virtual (not real-time) mode; `faults.beforeWrite` is unset.
   * Callable from inside `faults.beforeWrite`: the fork then holds the state before that write.
   */
  fork(): this {
    let fork: this | undefined
    const self = (): this => fork as this
    // Closures over this world, swapped for ones over the fork wherever the graph holds them (the
    // models, the read lag, STS and the request handler point at the world itself: the copier maps
    // those references to the fork).
    const substitutes = new Map<unknown, unknown>([
      [this.clock, new VirtualClock(this.time, (t) => self().processUntil(t))],
      [this.timeNow, (): number => self().time]
    ])
    fork = copyGraph<this>(this, substitutes)
    fork.faults.beforeWrite = undefined
    fork.processing = false
    this.plugins.onCreated?.(fork)
    return fork
  }

  /** API latency of one request in virtual ms (0 without realism). */
  latencyMs(): number {
    const range = this.realism?.latencyMs
    return range ? Math.round(this.rng.between(range[0], range[1])) : 0
  }

  /** Change the page-size cap of every paged Describe (undefined = AWS's own page sizes). */
  setPageSize(n: number | undefined): void {
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new Error(`page size must be a positive integer, got ${n}`)
    this.pageSize = n
  }

  /** Move virtual time forward by `ms` (waking sleepers due on the way). */
  advance(ms: number): void {
    this.clock.advanceTo(this.clock.now() + ms)
  }

  /**
   * A request of the code under test arrived. Invariant 1 is on by default: a world without an explicit
   * baseline takes one (every target group's healthy count) at the first request.
   */
  noteRequest(): void {
    if (this.baselineMode !== 'auto') return
    if (this.baseline.size === 0) this.setBaseline()
    this.baselineMode = 'auto-taken'
  }

  /**
   * Baseline = current healthy count of every target group (or of the named ones). A target group a
   * listener or rule forwards to counts through its routes instead: each route's baseline is the healthy
   * count behind the weights that apply now (invariants.ts).
   */
  setBaseline(targetGroupNames?: string[]): void {
    this.baselineMode = 'explicit'
    this.baseline.clear()
    this.routeBaseline.clear()
    const routed = new Set<string>()
    for (const route of this.listeners.routing.routes.keys()) {
      const named = this.listeners.routing.namedTargetGroups(route)
      if (named.length === 0) continue
      for (const arn of named) routed.add(arn)
      if (targetGroupNames && !named.some((arn) => targetGroupNames.includes(this.targetGroups.get(arn)?.name ?? ''))) continue
      this.routeBaseline.set(route, this.listeners.routing.weightedTargetGroups(route).reduce((n, arn) => n + this.targets.healthyUnitsArn(arn), 0))
    }
    for (const tg of this.targetGroups.values()) {
      if (routed.has(tg.arn) || (targetGroupNames && !targetGroupNames.includes(tg.name))) continue
      this.baseline.set(tg.arn, this.targets.healthyUnitsArn(tg.arn))
    }
  }

  /** The target groups (ARN) a route sends requests to now (weight > 0 in the weights that apply). */
  weightedTargetGroups(route: string): string[] {
    return this.listeners.routing.weightedTargetGroups(route)
  }

  /** Turn invariant 1 off (also the automatic baseline) for a test that breaks it on purpose. */
  clearBaseline(): void {
    this.baselineMode = 'off'
    this.baseline.clear()
    this.routeBaseline.clear()
  }

  violate(detail: string): void {
    this.violations.push(`[${iso(this.time)}] ${detail}`)
  }

  assertNoViolations(): void {
    if (this.violations.length > 0) throw new Error(`simulator invariant violations:\n${this.violations.join('\n')}`)
  }

  writes(): CallRecord[] {
    return this.calls.filter((c) => c.write)
  }

  group(name: string): GroupSnapshot {
    const g = this.mustGroup(name)
    return {
      name: g.name,
      arn: g.arn,
      min: g.min,
      max: g.max,
      desired: g.desired,
      instances: g.instanceIds.map((id) => {
        const i = this.instances.get(id) as SimInstance
        return { id, lifecycle: i.lifecycle, health: i.healthStatus, version: i.version, protected: i.protectedFromScaleIn, ec2State: i.ec2State, az: i.availabilityZone }
      }),
      tags: Object.fromEntries([...g.tags.values()].map((t) => [t.key, t.value])),
      suspendedProcesses: [...g.suspended.keys()].sort(),
      policies: [...g.policies.values()].map((p) => ({ name: p.PolicyName, type: p.PolicyType, arn: p.PolicyARN, enabled: p.Enabled, fields: p.fields })),
      scheduledActions: [...g.scheduled.values()].map((s) => ({ ...s })),
      targetGroupArns: [...g.targetGroupArns],
      trafficSources: g.trafficSources.map((t) => ({ ...t }))
    }
  }

  instance(id: string): SimInstance {
    return this.mustInstance(id)
  }

  /**
   * Instances lost track of: running in EC2 (not shutting down or terminated) yet in no group — ghosts, and
   * instances the code under test detached but never terminated. Instances a test detached itself (semantic
   * `detachInstances` call) do not count.
   */
  lostInstances(): SimInstance[] {
    return [...this.instances.values()].filter((i) => i.group === undefined && i.ec2State !== 'terminated' && i.ec2State !== 'shutting-down' && i.detachedBy !== 'test')
  }

  mustGroup(name: string): SimGroup {
    const g = this.groups.get(name)
    if (!g) throw new Error(`no group ${name}`)
    return g
  }

  mustInstance(id: string): SimInstance {
    const i = this.instances.get(id)
    if (!i) throw new Error(`no instance ${id}`)
    return i
  }

  /** Process every event due up to `t`, in time order; the clock calls this on every advance. */
  processUntil(t: number): void {
    if (this.processing) return
    this.processing = true
    try {
      for (let guard = 0; guard < 100_000; guard++) {
        const next = this.nextDue()
        if (next === undefined || next > t) break
        if (next > this.time) this.time = next
        this.step()
      }
      if (t > this.time) this.time = t
      this.step()
    } finally {
      this.processing = false
    }
  }

  /** Process what is due now (writes call this so zero-length delays complete at once). */
  settle(): void {
    this.processUntil(this.time)
  }

  private nextDue(): number | undefined {
    let min: number | undefined
    const see = (v: number | undefined): void => {
      if (v !== undefined && (min === undefined || v < min)) min = v
    }
    this.autoScaling.nextDueAsg(see)
    this.scaling.nextDueScaling(see)
    this.ec2.nextDueEc2(see)
    this.targets.nextDueTargets(see)
    this.listeners.routing.nextDue(see)
    return min
  }

  private step(): void {
    const now = this.time
    // First the simulated requests since the last step, routed by the state of that interval.
    this.listeners.routing.step(now)
    this.autoScaling.stepInstances(now)
    this.ec2.stepEc2(now)
    this.targets.stepTargets(now)
    this.autoScaling.stepGroups()
    checkTickInvariants<World>(this, this.plugins.tickChecks ?? [])
  }

  /** Invariant 3: an API call must not terminate an instance that is healthy/initial in a target group. */
  checkNotServing(insts: SimInstance[], operation: string): void {
    for (const i of insts) {
      this.checks.inv3++
      for (const tg of this.targetGroups.values()) {
        const t = tg.targets.get(i.id)
        if (t && (t.state === 'healthy' || t.state === 'initial')) {
          this.violate(`invariant 3: ${operation} terminated ${i.id} while it is ${t.state} in ${tg.classic ? 'Classic LB' : 'target group'} ${tg.name}`)
        }
      }
    }
  }

  /** When DeregisterTargets takes `ids` out of `tg`: none of them may be InService in its group (invariants.ts). */
  checkDeregisterTargets(tg: SimTargetGroup, ids: string[]): void {
    checkDeregisterTargets(this, tg.name, ids)
  }

  /** Invariant 2, when EnterStandby is called on `group` for `moving` instances (invariants.ts). */
  checkEnterStandby(group: SimGroup, moving: SimInstance[]): void {
    checkEnterStandby(this, group, moving)
  }

  /** Invariant 5, on the forward actions an accepted ModifyListener / ModifyRule wrote (invariants.ts). */
  checkForwardWeights(where: string, actions: readonly SimAction[]): void {
    checkForwardWeights(this, where, actions)
  }

  // ---------------------------------------------------------------- façade over the service models

  addTargetGroup(...args: Parameters<TargetsModel['addTargetGroup']>): ReturnType<TargetsModel['addTargetGroup']> {
    return this.targets.addTargetGroup(...args)
  }

  /** An ELBv2 load balancer (`type` application, the default, or network). */
  addLoadBalancer(...args: Parameters<ListenersModel['addLoadBalancer']>): ReturnType<ListenersModel['addLoadBalancer']> {
    return this.listeners.addLoadBalancer(...args)
  }

  /** A listener whose default action forwards to weighted target groups (or answers a fixed-response 404). */
  addListener(...args: Parameters<ListenersModel['addListener']>): ReturnType<ListenersModel['addListener']> {
    return this.listeners.addListener(...args)
  }

  /** A listener rule: a path-pattern condition and a forward action. */
  addRule(...args: Parameters<ListenersModel['addRule']>): ReturnType<ListenersModel['addRule']> {
    return this.listeners.addRule(...args)
  }

  /** ModifyListener as AWS applies it (the new default actions route requests after the propagation lag). */
  modifyListener(...args: Parameters<ListenersModel['modifyListener']>): ReturnType<ListenersModel['modifyListener']> {
    return this.listeners.modifyListener(...args)
  }

  /** ModifyRule as AWS applies it (refused on a default rule). */
  modifyRule(...args: Parameters<ListenersModel['modifyRule']>): ReturnType<ListenersModel['modifyRule']> {
    return this.listeners.modifyRule(...args)
  }

  /** The weights (by target group name) that apply to the requests of a listener's default action or a rule now. */
  forwardWeights(...args: Parameters<ListenersModel['routing']['forwardWeights']>): ReturnType<ListenersModel['routing']['forwardWeights']> {
    return this.listeners.routing.forwardWeights(...args)
  }

  /** From now on every route (listener default action, rule) gets `perSecond` (default 10) requests per virtual second. */
  startRequests(options: { perSecond?: number } = {}): void {
    this.listeners.routing.start(options.perSecond ?? 10)
    this.settle()
  }

  /** Every simulated request, in time order. */
  get requests(): ServedRequest[] {
    return this.listeners.routing.requests
  }

  /** How many simulated requests match (all given fields; `since`/`until` inclusive, virtual ms). */
  servedBy(...args: Parameters<ListenersModel['routing']['servedBy']>): ReturnType<ListenersModel['routing']['servedBy']> {
    return this.listeners.routing.servedBy(...args)
  }

  addClassicLoadBalancer(...args: Parameters<TargetsModel['addClassicLoadBalancer']>): ReturnType<TargetsModel['addClassicLoadBalancer']> {
    return this.targets.addClassicLoadBalancer(...args)
  }

  /** Instances registered with a Classic LB and their states (target group words: healthy, initial, draining, ...). */
  classicStates(...args: Parameters<TargetsModel['classicStates']>): ReturnType<TargetsModel['classicStates']> {
    return this.targets.classicStates(...args)
  }

  addGroup(...args: Parameters<AutoScalingModel['addGroup']>): ReturnType<AutoScalingModel['addGroup']> {
    return this.autoScaling.addGroup(...args)
  }

  addImage(...args: Parameters<ImagesModel['addImage']>): ReturnType<ImagesModel['addImage']> {
    return this.images.addImage(...args)
  }

  deregisterImage(...args: Parameters<ImagesModel['deregisterImage']>): ReturnType<ImagesModel['deregisterImage']> {
    return this.images.deregisterImage(...args)
  }

  addLaunchTemplate(...args: Parameters<ImagesModel['addLaunchTemplate']>): ReturnType<ImagesModel['addLaunchTemplate']> {
    return this.images.addLaunchTemplate(...args)
  }

  addAlarm(...args: Parameters<CloudWatchModel['addAlarm']>): ReturnType<CloudWatchModel['addAlarm']> {
    return this.cloudWatch.addAlarm(...args)
  }

  /** The alarm moves to a state with a reason (no actions run; `fireAlarm` runs them). */
  setAlarmState(...args: Parameters<CloudWatchModel['setAlarmState']>): ReturnType<CloudWatchModel['setAlarmState']> {
    return this.cloudWatch.setAlarmState(...args)
  }

  setVersionHealth(...args: Parameters<TargetsModel['setVersionHealth']>): ReturnType<TargetsModel['setVersionHealth']> {
    return this.targets.setVersionHealth(...args)
  }

  /** Make an instance fail its health checks from now on, in every target group it is registered in. */
  makeUnhealthy(...args: Parameters<TargetsModel['makeUnhealthy']>): ReturnType<TargetsModel['makeUnhealthy']> {
    return this.targets.makeUnhealthy(...args)
  }

  /** Undo makeUnhealthy: registered targets pass their checks again. */
  makeHealthy(...args: Parameters<TargetsModel['makeHealthy']>): ReturnType<TargetsModel['makeHealthy']> {
    return this.targets.makeHealthy(...args)
  }

  /**
   * Make launches fail (one `Failed` activity per attempt, Auto Scaling retrying every 10 s). With `times`,
   * only the next N attempts fail and the attempt after them succeeds; without it, until clearLaunchFailures.
   */
  failLaunches(...args: Parameters<AutoScalingModel['failLaunches']>): ReturnType<AutoScalingModel['failLaunches']> {
    return this.autoScaling.failLaunches(...args)
  }

  clearLaunchFailures(...args: Parameters<AutoScalingModel['clearLaunchFailures']>): ReturnType<AutoScalingModel['clearLaunchFailures']> {
    return this.autoScaling.clearLaunchFailures(...args)
  }

  /**
   * EC2 TerminateInstances as a person or a Spot reclaim would do it: not a request of the code under test
   * (not in `calls`, not a write, not checked by invariant 3). A protected instance (DisableApiTermination)
   * is refused as EC2 would refuse it (throws).
   */
  terminateBehindOurBack(...args: Parameters<Ec2Model['terminateBehindOurBack']>): ReturnType<Ec2Model['terminateBehindOurBack']> {
    return this.ec2.terminateBehindOurBack(...args)
  }

  /**
   * EC2 takes the instance away by itself (Spot interruption by default; `Server.ScheduledStop`,
   * `Server.InternalError`): its StateReason says so, its targets turn unhealthy at once, Auto Scaling sees
   * it `asgNoticeMs` later and replaces it. Not a request of the code under test.
   */
  interruptByAws(...args: Parameters<Ec2Model['interruptByAws']>): ReturnType<Ec2Model['interruptByAws']> {
    return this.ec2.interruptByAws(...args)
  }

  /** EC2 termination protection (`DisableApiTermination`) of one instance. */
  protectFromTermination(...args: Parameters<Ec2Model['protectFromTermination']>): ReturnType<Ec2Model['protectFromTermination']> {
    return this.ec2.protectFromTermination(...args)
  }

  /** EC2's view: the instance exists (not forgotten). */
  ec2Knows(...args: Parameters<Ec2Model['ec2Knows']>): ReturnType<Ec2Model['ec2Knows']> {
    return this.ec2.ec2Knows(...args)
  }

  startInstanceRefresh(...args: Parameters<AutoScalingModel['startInstanceRefresh']>): ReturnType<AutoScalingModel['startInstanceRefresh']> {
    return this.autoScaling.startInstanceRefresh(...args)
  }

  finishInstanceRefresh(...args: Parameters<AutoScalingModel['finishInstanceRefresh']>): ReturnType<AutoScalingModel['finishInstanceRefresh']> {
    return this.autoScaling.finishInstanceRefresh(...args)
  }

  /**
   * The load the clients of a target group offer (per minute, in the unit of its target-tracking
   * policies' TargetValue), shared by its healthy targets; target tracking acts on it every minute.
   */
  setLoad(targetGroupName: string, load: number): void {
    this.scaling.setLoad(this.targets.targetGroupByName(targetGroupName).arn, load)
    this.settle()
  }

  /** Execute the alarm's AlarmActions that are scaling policies (see scalingEvents for the outcome). */
  fireAlarm(...args: Parameters<ScalingModel['fireAlarm']>): ReturnType<ScalingModel['fireAlarm']> {
    return this.scaling.fireAlarm(...args)
  }

  targetStates(...args: Parameters<TargetsModel['targetStates']>): ReturnType<TargetsModel['targetStates']> {
    return this.targets.targetStates(...args)
  }

  /** ALB: a deregistering target gets no new requests; NLB: it may for minutes after (models/targets.ts). */
  takesNewConnections(...args: Parameters<TargetsModel['takesNewConnections']>): ReturnType<TargetsModel['takesNewConnections']> {
    return this.targets.takesNewConnections(...args)
  }

  keepsConnectionsPastDelay(...args: Parameters<TargetsModel['keepsConnectionsPastDelay']>): ReturnType<TargetsModel['keepsConnectionsPastDelay']> {
    return this.targets.keepsConnectionsPastDelay(...args)
  }

  healthyCount(...args: Parameters<TargetsModel['healthyCount']>): ReturnType<TargetsModel['healthyCount']> {
    return this.targets.healthyCount(...args)
  }

  healthyCountArn(...args: Parameters<TargetsModel['healthyCountArn']>): ReturnType<TargetsModel['healthyCountArn']> {
    return this.targets.healthyCountArn(...args)
  }

  targetGroupByName(...args: Parameters<TargetsModel['targetGroupByName']>): ReturnType<TargetsModel['targetGroupByName']> {
    return this.targets.targetGroupByName(...args)
  }

  activeInstances(...args: Parameters<AutoScalingModel['activeInstances']>): ReturnType<AutoScalingModel['activeInstances']> {
    return this.autoScaling.activeInstances(...args)
  }

  activeCount(...args: Parameters<AutoScalingModel['activeCount']>): ReturnType<AutoScalingModel['activeCount']> {
    return this.autoScaling.activeCount(...args)
  }

  /** Capacity units of a group's Pending/InService instances (their count when the group is not weighted). */
  activeUnits(...args: Parameters<AutoScalingModel['activeUnits']>): ReturnType<AutoScalingModel['activeUnits']> {
    return this.autoScaling.activeUnits(...args)
  }

  /** Capacity Rebalancing of a Spot instance: a replacement launches, the instance terminates once it is InService. */
  rebalanceSpot(...args: Parameters<AutoScalingModel['rebalanceSpot']>): ReturnType<AutoScalingModel['rebalanceSpot']> {
    return this.autoScaling.rebalanceSpot(...args)
  }

  /** Healthy capacity of a target group: its healthy targets, each counted by its instance's weight. */
  healthyUnits(targetGroupName: string): number {
    return this.targets.healthyUnitsArn(this.targets.targetGroupByName(targetGroupName).arn)
  }

  /** State of an instance in a target group, as DescribeTargetHealth reports it. */
  targetHealth(...args: Parameters<TargetsModel['targetHealth']>): ReturnType<TargetsModel['targetHealth']> {
    return this.targets.targetHealth(...args)
  }

  recordActivity(...args: Parameters<AutoScalingModel['recordActivity']>): ReturnType<AutoScalingModel['recordActivity']> {
    return this.autoScaling.recordActivity(...args)
  }

  /** Start terminating an instance of a group: targets drain, then the instance terminates. */
  beginTermination(...args: Parameters<AutoScalingModel['beginTermination']>): ReturnType<AutoScalingModel['beginTermination']> {
    return this.autoScaling.beginTermination(...args)
  }

  apiGroup(...args: Parameters<AutoScalingModel['apiGroup']>): ReturnType<AutoScalingModel['apiGroup']> {
    return this.autoScaling.apiGroup(...args)
  }

  updateGroup(...args: Parameters<AutoScalingModel['updateGroup']>): ReturnType<AutoScalingModel['updateGroup']> {
    return this.autoScaling.updateGroup(...args)
  }

  setDesiredCapacity(...args: Parameters<AutoScalingModel['setDesiredCapacity']>): ReturnType<AutoScalingModel['setDesiredCapacity']> {
    return this.autoScaling.setDesiredCapacity(...args)
  }

  setInstanceProtection(...args: Parameters<AutoScalingModel['setInstanceProtection']>): ReturnType<AutoScalingModel['setInstanceProtection']> {
    return this.autoScaling.setInstanceProtection(...args)
  }

  enterStandby(...args: Parameters<AutoScalingModel['enterStandby']>): ReturnType<AutoScalingModel['enterStandby']> {
    return this.autoScaling.enterStandby(...args)
  }

  exitStandby(...args: Parameters<AutoScalingModel['exitStandby']>): ReturnType<AutoScalingModel['exitStandby']> {
    return this.autoScaling.exitStandby(...args)
  }

  /** `by`: 'api' when a request (the code under test) detaches, 'test' when a test sets up a scene. */
  detachInstances(...args: Parameters<AutoScalingModel['detachInstances']>): ReturnType<AutoScalingModel['detachInstances']> {
    return this.autoScaling.detachInstances(...args)
  }

  terminateInstanceInGroup(...args: Parameters<AutoScalingModel['terminateInstanceInGroup']>): ReturnType<AutoScalingModel['terminateInstanceInGroup']> {
    return this.autoScaling.terminateInstanceInGroup(...args)
  }

  suspendProcesses(...args: Parameters<AutoScalingModel['suspendProcesses']>): ReturnType<AutoScalingModel['suspendProcesses']> {
    return this.autoScaling.suspendProcesses(...args)
  }

  resumeProcesses(...args: Parameters<AutoScalingModel['resumeProcesses']>): ReturnType<AutoScalingModel['resumeProcesses']> {
    return this.autoScaling.resumeProcesses(...args)
  }

  createOrUpdateTags(...args: Parameters<AutoScalingModel['createOrUpdateTags']>): ReturnType<AutoScalingModel['createOrUpdateTags']> {
    return this.autoScaling.createOrUpdateTags(...args)
  }

  deleteTags(...args: Parameters<AutoScalingModel['deleteTags']>): ReturnType<AutoScalingModel['deleteTags']> {
    return this.autoScaling.deleteTags(...args)
  }

  policyByArn(...args: Parameters<ScalingModel['policyByArn']>): ReturnType<ScalingModel['policyByArn']> {
    return this.scaling.policyByArn(...args)
  }

  putScalingPolicy(...args: Parameters<ScalingModel['putScalingPolicy']>): ReturnType<ScalingModel['putScalingPolicy']> {
    return this.scaling.putScalingPolicy(...args)
  }

  /** Alarms that fire the policy (managed ones for target tracking, any alarm naming its ARN otherwise). */
  policyAlarms(...args: Parameters<CloudWatchModel['policyAlarms']>): ReturnType<CloudWatchModel['policyAlarms']> {
    return this.cloudWatch.policyAlarms(...args)
  }

  deletePolicy(...args: Parameters<ScalingModel['deletePolicy']>): ReturnType<ScalingModel['deletePolicy']> {
    return this.scaling.deletePolicy(...args)
  }

  putMetricAlarm(...args: Parameters<CloudWatchModel['putMetricAlarm']>): ReturnType<CloudWatchModel['putMetricAlarm']> {
    return this.cloudWatch.putMetricAlarm(...args)
  }

  putScheduledAction(...args: Parameters<ScalingModel['putScheduledAction']>): ReturnType<ScalingModel['putScheduledAction']> {
    return this.scaling.putScheduledAction(...args)
  }

  deleteScheduledAction(...args: Parameters<ScalingModel['deleteScheduledAction']>): ReturnType<ScalingModel['deleteScheduledAction']> {
    return this.scaling.deleteScheduledAction(...args)
  }

  ec2TerminateInstances(...args: Parameters<Ec2Model['ec2TerminateInstances']>): ReturnType<Ec2Model['ec2TerminateInstances']> {
    return this.ec2.ec2TerminateInstances(...args)
  }

  /** EC2's DescribeInstanceAttribute / ModifyInstanceAttribute for `disableApiTermination`. */
  ec2Instance(...args: Parameters<Ec2Model['ec2Instance']>): ReturnType<Ec2Model['ec2Instance']> {
    return this.ec2.ec2Instance(...args)
  }
}

export interface GroupSnapshot {
  name: string
  arn: string
  min: number
  max: number
  desired: number
  instances: { id: string; lifecycle: string; health: string; version: string | undefined; protected: boolean; ec2State: string; az: string }[]
  tags: Record<string, string>
  suspendedProcesses: string[]
  policies: { name: string; type: string; arn: string; enabled: boolean; fields: Record<string, unknown> }[]
  scheduledActions: SimScheduledAction[]
  targetGroupArns: string[]
  trafficSources: SimTrafficSource[]
}
