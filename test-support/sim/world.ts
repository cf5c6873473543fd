// SimWorld: the state and semantics of the simulated AWS account (Auto Scaling, ELBv2 target groups,
// EC2 instances, CloudWatch alarms, STS). No wire format here: the handlers translate requests into
// calls on this class and its results back into XML/JSON.

import { VirtualClock } from './clock.js'
import { notFound, SimError, validation } from './errors.js'
import { Faults } from './faults.js'
import { IdFactory } from './ids.js'
import { checkEnterStandby, checkTickInvariants } from './invariants.js'
import { SimHandler, type SimHandlerOptions } from './handler.js'
import { ReadLag } from './consistency.js'
import { LAG_SOURCES } from './handlers/views.js'
import { type Realism, resolveRealism } from './realism.js'
import { SeededRandom } from './rng.js'
import { StsSim } from './sts.js'
import { trackWorld } from '../stats.js'
import {
  ALL_PROCESSES,
  type CallRecord,
  type LaunchTemplateSpec,
  type ScalingEvent,
  type SimActivity,
  type SimAlarm,
  type SimGroup,
  type SimInstance,
  type SimPolicy,
  type SimRefresh,
  type SimScheduledAction,
  type SimTarget,
  type SimTargetGroup,
  type VersionHealth,
  type WarmPoolOptions
} from './types.js'

export interface SimWorldOptions {
  start?: number
  region?: string
  accountId?: string
  /** Tag whose value (copied onto the instance at launch) is the instance's version. */
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
}

export interface TargetGroupOptions {
  name: string
  port?: number
  protocol?: string
  deregistrationDelaySeconds?: number
  healthCheckIntervalSeconds?: number
  /** Passing checks before `initial` → `healthy` (also reported as HealthyThresholdCount). */
  healthyAfterChecks?: number
  /** Failing checks before a target is `unhealthy` (reported as UnhealthyThresholdCount; default 2). */
  unhealthyAfterChecks?: number
  healthCheckTimeoutSeconds?: number
  loadBalancerArns?: string[]
}

export interface GroupOptions {
  name: string
  min: number
  max: number
  desired: number
  targetGroups?: string[]
  loadBalancerNames?: string[]
  /** Plain values propagate at launch; use `{ value, propagateAtLaunch }` to choose. */
  tags?: Record<string, string | { value: string; propagateAtLaunch: boolean }>
  /** Create the desired instances already InService and healthy in every target group. */
  running?: boolean
  launchSeconds?: number
  healthCheckType?: string
  healthCheckGracePeriod?: number
  newInstancesProtectedFromScaleIn?: boolean
  availabilityZones?: string[]
  warmPool?: WarmPoolOptions
  suspendedProcesses?: string[]
  launchTemplate?: LaunchTemplateSpec
  lifecycleHooks?: { LifecycleHookName: string; LifecycleTransition: string }[]
  instanceType?: string
}

export interface AlarmOptions {
  AlarmName: string
  AlarmActions?: string[]
  OKActions?: string[]
  InsufficientDataActions?: string[]
  MetricName?: string
  Namespace?: string
  Statistic?: string
  Dimensions?: { Name: string; Value: string }[]
  Period?: number
  EvaluationPeriods?: number
  Threshold?: number
  ComparisonOperator?: string
  ActionsEnabled?: boolean
  [key: string]: unknown
}

const ACTIVE: ReadonlySet<string> = new Set(['Pending', 'InService'])
const STANDBYISH: ReadonlySet<string> = new Set(['Standby', 'EnteringStandby'])
const TERMINATED_LINGER_MS = 10_000
const LAUNCH_RETRY_MS = 10_000
const EXIT_STANDBY_SECONDS = 10
const EC2_SHUTDOWN_MS = 5_000

export const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z')

export class SimWorld {
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
  readonly readLag: ReadLag
  readonly faults = new Faults()
  readonly sts: StsSim
  /** Every request in arrival order. */
  readonly calls: CallRecord[] = []
  /** Invariant violations, each prefixed with the virtual time. */
  readonly violations: string[] = []
  /** Alarm-triggered policy executions and scheduled actions, executed or skipped. */
  readonly scalingEvents: ScalingEvent[] = []
  /** Per target group ARN: healthy count that must never be undercut (see setBaseline). */
  readonly baseline = new Map<string, number>()
  /**
   * How many invariant checks this world made (counting only; nothing here changes behaviour): `ticks`
   * = runs of the tick check (after every step of virtual time and every accepted write), `inv1` =
   * target groups compared with their baseline, `inv2` = EnterStandby calls checked, `inv3` = instances
   * checked before a terminate, `inv4` = launches checked. Read by test-support/stats.ts.
   */
  readonly checks = { ticks: 0, inv1: 0, inv2: 0, inv3: 0, inv4: 0 }
  /** Virtual time at construction (for the "virtual time simulated" figure). */
  readonly startedAt: number
  readonly requestHandler: SimHandler

  readonly groups = new Map<string, SimGroup>()
  readonly targetGroups = new Map<string, SimTargetGroup>()
  readonly instances = new Map<string, SimInstance>()
  readonly alarms = new Map<string, SimAlarm>()
  readonly versionHealth = new Map<string, VersionHealth>()
  private time: number
  private processing = false
  /** Invariant 1: 'auto' takes the baseline at the first request; setBaseline/clearBaseline decide otherwise. */
  private baselineMode: 'auto' | 'auto-taken' | 'explicit' | 'off' = 'auto'

  constructor(options: SimWorldOptions = {}) {
    this.time = options.start ?? Date.parse('2026-11-28T10:00:00Z')
    this.region = options.region ?? 'us-east-1'
    this.accountId = options.accountId ?? '123456789012'
    this.versionTagKey = options.versionTagKey ?? 'docker:image:version'
    this.ids = new IdFactory(options.seed)
    this.rng = new SeededRandom(options.seed)
    this.ec2ForgetMs = options.ec2ForgetMs ?? 60_000
    this.realism = resolveRealism(options.realism)
    const realPage = this.realism?.pageSize
    this.pageSize = options.pageSize ?? (realPage === 'random' ? (this.rng.next() < 0.5 ? this.rng.int(2, 5) : undefined) : realPage)
    this.readLag = new ReadLag(this)
    for (const source of LAG_SOURCES) this.readLag.addSource(source)
    this.clock = new VirtualClock(this.time, (t) => this.processUntil(t))
    this.sts = new StsSim(this)
    this.requestHandler = new SimHandler(this)
    this.startedAt = this.time
    trackWorld(this)
  }

  /** Current virtual time (epoch ms). */
  now(): number {
    return this.time
  }

  // ---------------------------------------------------------------- builders

  addTargetGroup(o: TargetGroupOptions): SimTargetGroup {
    const arn = `arn:aws:elasticloadbalancing:${this.region}:${this.accountId}:targetgroup/${o.name}/${this.ids.hex(16)}`
    const tg: SimTargetGroup = {
      name: o.name,
      arn,
      port: o.port ?? 80,
      protocol: o.protocol ?? 'HTTP',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      deregistrationDelaySeconds: o.deregistrationDelaySeconds ?? 300,
      healthCheckIntervalSeconds: o.healthCheckIntervalSeconds ?? 30,
      healthyAfterChecks: o.healthyAfterChecks ?? 5,
      unhealthyThresholdCount: o.unhealthyAfterChecks ?? 2,
      healthCheckTimeoutSeconds: o.healthCheckTimeoutSeconds ?? 5,
      healthCheckPath: '/',
      loadBalancerArns: o.loadBalancerArns ?? [
        `arn:aws:elasticloadbalancing:${this.region}:${this.accountId}:loadbalancer/app/${o.name}-alb/${this.ids.hex(16)}`
      ],
      targets: new Map()
    }
    this.targetGroups.set(arn, tg)
    return tg
  }

  addGroup(o: GroupOptions): SimGroup {
    if (this.groups.has(o.name)) throw new Error(`group ${o.name} exists`)
    const tgArns = (o.targetGroups ?? []).map((n) => this.targetGroupByName(n).arn)
    const tags = new Map<string, { key: string; value: string; propagateAtLaunch: boolean }>()
    for (const [key, v] of Object.entries(o.tags ?? {})) {
      tags.set(key, typeof v === 'string' ? { key, value: v, propagateAtLaunch: true } : { key, ...v })
    }
    const g: SimGroup = {
      name: o.name,
      arn: `arn:aws:autoscaling:${this.region}:${this.accountId}:autoScalingGroup:${this.ids.uuid()}:autoScalingGroupName/${o.name}`,
      min: o.min,
      max: o.max,
      desired: o.desired,
      targetGroupArns: tgArns,
      loadBalancerNames: o.loadBalancerNames ?? [],
      tags,
      suspended: new Map(),
      instanceIds: [],
      policies: new Map(),
      scheduled: new Map(),
      activities: [],
      healthCheckType: o.healthCheckType ?? 'EC2',
      healthCheckGracePeriod: o.healthCheckGracePeriod ?? 0,
      newInstancesProtectedFromScaleIn: o.newInstancesProtectedFromScaleIn ?? false,
      warmPool: o.warmPool,
      createdTime: this.time,
      availabilityZones: o.availabilityZones ?? [`${this.region}a`, `${this.region}b`],
      launchSeconds: o.launchSeconds ?? 60,
      launchFailure: undefined,
      nextLaunchAttempt: 0,
      refreshes: [],
      launchTemplate: o.launchTemplate,
      lifecycleHooks: o.lifecycleHooks ?? [],
      instanceType: o.instanceType ?? 't3.micro'
    }
    for (const p of o.suspendedProcesses ?? []) g.suspended.set(p, `User suspended at ${iso(this.time)}`)
    this.groups.set(o.name, g)
    if (o.running) {
      for (let i = 0; i < o.desired; i++) {
        const inst = this.launchInstance(g, g.instanceIds.length, o.desired)
        inst.lifecycle = 'InService'
        inst.ec2State = 'running'
        inst.due = undefined
        inst.inServiceSince = this.time
        this.completeActivity(g, inst)
        for (const tgArn of g.targetGroupArns) {
          const tg = this.targetGroups.get(tgArn) as SimTargetGroup
          const judged = this.fateOf(inst)
          // A slow-booting version's app has long been up on instances that are already running.
          const fate = typeof judged === 'object' ? 'healthy' : judged
          tg.targets.set(inst.id, {
            id: inst.id,
            port: tg.port,
            state: fate === 'healthy' ? 'healthy' : fate === 'unhealthy' ? 'unhealthy' : 'initial',
            ...(fate === 'healthy' ? { reason: undefined, description: undefined } : this.reasonFor(inst, fate)),
            due: undefined,
            next: undefined
          })
        }
      }
    }
    this.settle()
    return g
  }

  addAlarm(o: AlarmOptions): SimAlarm {
    return this.putMetricAlarm(o as Record<string, unknown>, undefined)
  }

  // ---------------------------------------------------------------- test controls

  setVersionHealth(version: string, health: VersionHealth): void {
    this.versionHealth.set(version, health)
    // Targets still in `initial` are re-judged; settled ones keep their state.
    for (const tg of this.targetGroups.values()) {
      for (const t of tg.targets.values()) {
        const inst = this.instances.get(t.id)
        if (inst && t.state === 'initial' && inst.version === version && !inst.healthOverride) this.scheduleHealth(tg, t, inst)
      }
    }
  }

  /** Make an instance fail its health checks from now on, in every target group it is registered in. */
  makeUnhealthy(instanceId: string, reason = 'Target.ResponseCodeMismatch', description?: string): void {
    const inst = this.mustInstance(instanceId)
    inst.healthOverride = {
      state: 'unhealthy',
      reason,
      description: description ?? (reason === 'Target.ResponseCodeMismatch' ? 'Health checks failed with these codes: [502]' : 'Health checks failed')
    }
    for (const tg of this.targetGroups.values()) {
      const t = tg.targets.get(instanceId)
      if (t && t.state !== 'draining') Object.assign(t, { state: 'unhealthy', reason, description: inst.healthOverride.description, due: undefined, next: undefined, after: undefined })
    }
    this.settle()
  }

  /** Undo makeUnhealthy: registered targets pass their checks again. */
  makeHealthy(instanceId: string): void {
    const inst = this.mustInstance(instanceId)
    inst.healthOverride = undefined
    for (const tg of this.targetGroups.values()) {
      const t = tg.targets.get(instanceId)
      if (t && t.state !== 'draining') Object.assign(t, { state: 'healthy', reason: undefined, description: undefined, due: undefined, next: undefined, after: undefined })
    }
    this.settle()
  }

  /**
   * Make launches fail (one `Failed` activity per attempt, Auto Scaling retrying every 10 s). With `times`,
   * only the next N attempts fail and the attempt after them succeeds; without it, until clearLaunchFailures.
   */
  failLaunches(groupName: string, message = 'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested.', options: { times?: number } = {}): void {
    const g = this.mustGroup(groupName)
    g.launchFailure = message
    g.launchFailuresLeft = options.times
  }

  clearLaunchFailures(groupName: string): void {
    const g = this.mustGroup(groupName)
    g.launchFailure = undefined
    g.launchFailuresLeft = undefined
    g.nextLaunchAttempt = 0
    this.settle()
  }

  /**
   * EC2 TerminateInstances as a person or a Spot reclaim would do it: not a request of the code under test
   * (not in `calls`, not a write, not checked by invariant 3). A protected instance (DisableApiTermination)
   * is refused as EC2 would refuse it (throws).
   */
  terminateBehindOurBack(instanceId: string): void {
    const i = this.mustInstance(instanceId)
    if (i.forgotten) throw new Error(`EC2 has forgotten ${instanceId}`)
    if (i.disableApiTermination) throw new Error(`${instanceId} is protected from termination (DisableApiTermination)`)
    this.ec2Terminate([i])
    this.settle()
  }

  /** EC2 termination protection (`DisableApiTermination`) of one instance. */
  protectFromTermination(instanceId: string, on = true): void {
    this.mustInstance(instanceId).disableApiTermination = on
  }

  /**
   * An extra request handler bound to this world (for a second set of clients), e.g. one whose writes are
   * held `writeDelayMs` of virtual time (±30 %, seeded) before being applied and answered; reads are not delayed.
   */
  handler(options: SimHandlerOptions = {}): SimHandler {
    return new SimHandler(this, options)
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

  /** EC2's view: the instance exists (not forgotten). */
  ec2Knows(id: string): boolean {
    const i = this.instances.get(id)
    return i !== undefined && !i.forgotten
  }

  startInstanceRefresh(groupName: string): SimRefresh {
    const g = this.mustGroup(groupName)
    const r: SimRefresh = { InstanceRefreshId: this.ids.uuid(), Status: 'InProgress', StartTime: this.time, EndTime: undefined, PercentageComplete: 0, StatusReason: undefined }
    g.refreshes.unshift(r)
    return r
  }

  finishInstanceRefresh(groupName: string, status = 'Successful'): void {
    for (const r of this.mustGroup(groupName).refreshes) {
      if (['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking'].includes(r.Status)) {
        r.Status = status
        r.EndTime = this.time
        r.PercentageComplete = 100
      }
    }
  }

  /** Execute the alarm's AlarmActions that are scaling policies (see scalingEvents for the outcome). */
  fireAlarm(alarmName: string): ScalingEvent[] {
    const alarm = this.alarms.get(alarmName)
    if (!alarm) throw new Error(`no alarm ${alarmName}`)
    if (alarm.StateValue !== 'ALARM') alarm.StateTransitionedTimestamp = this.time
    alarm.StateValue = 'ALARM'
    alarm.StateUpdatedTimestamp = this.time
    alarm.StateReason = 'Threshold Crossed (simulated)'
    const out: ScalingEvent[] = []
    const log = (e: Omit<ScalingEvent, 'time' | 'kind' | 'name'>): void => {
      const ev: ScalingEvent = { time: this.time, kind: 'alarm', name: alarmName, ...e }
      this.scalingEvents.push(ev)
      out.push(ev)
    }
    const actions = (alarm.config['AlarmActions'] as string[] | undefined) ?? []
    if (alarm.config['ActionsEnabled'] === false) {
      log({ group: undefined, outcome: 'skipped', reason: 'actions disabled on the alarm' })
      return out
    }
    for (const arn of actions) {
      if (!arn.includes(':scalingPolicy:')) continue
      const found = this.policyByArn(arn)
      if (!found) {
        log({ group: undefined, policyArn: arn, outcome: 'skipped', reason: 'policy does not exist' })
        continue
      }
      const { group: g, policy } = found
      if (g.suspended.has('AlarmNotification')) {
        log({ group: g.name, policyArn: arn, outcome: 'skipped', reason: 'AlarmNotification suspended' })
        continue
      }
      if (!policy.Enabled) {
        log({ group: g.name, policyArn: arn, outcome: 'skipped', reason: 'policy disabled' })
        continue
      }
      const from = g.desired
      const to = Math.min(g.max, Math.max(g.min, this.policyTarget(policy, from, alarm)))
      g.desired = to
      if (to !== from) {
        this.recordActivity(g, {
          Description: `Set desired capacity from ${from} to ${to}`,
          Cause: `At ${iso(this.time)} a monitor alarm ${alarmName} in state ALARM triggered policy ${policy.PolicyName} changing the desired capacity from ${from} to ${to}.`,
          StatusCode: 'Successful',
          done: true
        })
      }
      log({ group: g.name, policyArn: arn, outcome: 'executed', from, to })
    }
    this.settle()
    return out
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

  /** Baseline = current healthy count of every target group (or of the named ones). */
  setBaseline(targetGroupNames?: string[]): void {
    this.baselineMode = 'explicit'
    this.baseline.clear()
    for (const tg of this.targetGroups.values()) {
      if (targetGroupNames && !targetGroupNames.includes(tg.name)) continue
      this.baseline.set(tg.arn, this.healthyCountArn(tg.arn))
    }
  }

  /** Turn invariant 1 off (also the automatic baseline) for a test that breaks it on purpose. */
  clearBaseline(): void {
    this.baselineMode = 'off'
    this.baseline.clear()
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

  // ---------------------------------------------------------------- inspection

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
      targetGroupArns: [...g.targetGroupArns]
    }
  }

  instance(id: string): SimInstance {
    return this.mustInstance(id)
  }

  targetStates(targetGroupName: string): { id: string; state: string; reason?: string }[] {
    const tg = this.targetGroupByName(targetGroupName)
    return [...tg.targets.values()].map((t) => ({ id: t.id, state: t.state, ...(t.reason ? { reason: t.reason } : {}) }))
  }

  healthyCount(targetGroupName: string): number {
    return this.healthyCountArn(this.targetGroupByName(targetGroupName).arn)
  }

  healthyCountArn(arn: string): number {
    const tg = this.targetGroups.get(arn)
    if (!tg) return 0
    let n = 0
    for (const t of tg.targets.values()) if (t.state === 'healthy') n++
    return n
  }

  /**
   * Instances lost track of: running in EC2 (not shutting down or terminated) yet in no group — ghosts, and
   * instances the code under test detached but never terminated. Instances a test detached itself (semantic
   * `detachInstances` call) do not count.
   */
  lostInstances(): SimInstance[] {
    return [...this.instances.values()].filter((i) => i.group === undefined && i.ec2State !== 'terminated' && i.ec2State !== 'shutting-down' && i.detachedBy !== 'test')
  }

  targetGroupByName(name: string): SimTargetGroup {
    for (const tg of this.targetGroups.values()) if (tg.name === name) return tg
    throw new Error(`no target group ${name}`)
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

  // ---------------------------------------------------------------- time

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
    for (const i of this.instances.values()) {
      see(i.due)
      see(i.goneAt)
      see(i.ec2TerminatedAt)
      see(i.forgetAt)
    }
    for (const tg of this.targetGroups.values()) for (const tt of tg.targets.values()) see(tt.due)
    for (const g of this.groups.values()) {
      for (const s of g.scheduled.values()) see(s.StartTime)
      if (!g.suspended.has('Launch') && this.activeCount(g) < g.desired && (g.launchFailure !== undefined || g.nextLaunchAttempt > this.time)) see(g.nextLaunchAttempt)
    }
    return min
  }

  private step(): void {
    const now = this.time
    for (const i of this.instances.values()) {
      if (i.due !== undefined && i.due <= now) {
        i.due = undefined
        this.transition(i)
      }
      if (i.ec2TerminatedAt !== undefined && i.ec2TerminatedAt <= now) {
        i.ec2TerminatedAt = undefined
        i.ec2State = 'terminated'
        i.forgetAt = now + this.ec2ForgetMs
      }
      if (i.forgetAt !== undefined && i.forgetAt <= now) {
        i.forgetAt = undefined
        i.forgotten = true
      }
      if (i.goneAt !== undefined && i.goneAt <= now) {
        i.goneAt = undefined
        this.removeFromGroup(i)
      }
    }
    for (const tg of this.targetGroups.values()) {
      for (const t of [...tg.targets.values()]) {
        if (t.due === undefined || t.due > now || !t.next) continue
        const next = t.next
        t.due = undefined
        t.next = undefined
        if (next.state === 'removed') tg.targets.delete(t.id)
        else Object.assign(t, { state: next.state, reason: next.reason, description: next.description })
        if (t.after && next.state !== 'removed') {
          t.due = t.after.due
          t.next = t.after.next
          t.after = undefined
        }
      }
    }
    for (const g of this.groups.values()) {
      for (const s of [...g.scheduled.values()]) if (s.StartTime <= now) this.runScheduledAction(g, s)
    }
    for (const g of this.groups.values()) this.healthCheck(g)
    for (const g of this.groups.values()) this.reconcile(g)
    checkTickInvariants(this)
  }

  private transition(i: SimInstance): void {
    const g = i.group ? this.groups.get(i.group) : undefined
    switch (i.lifecycle) {
      case 'Pending':
        i.lifecycle = 'InService'
        i.inServiceSince = this.time
        if (i.ec2State === 'pending') i.ec2State = 'running'
        if (g) {
          this.completeActivity(g, i)
          // Assumption: a suspended AddToLoadBalancer also blocks re-registration after ExitStandby.
          if (!g.suspended.has('AddToLoadBalancer') && i.ec2State === 'running') this.register(g, i)
        }
        break
      case 'EnteringStandby':
        i.lifecycle = 'Standby'
        if (g) this.completeActivity(g, i)
        break
      case 'Terminating':
        i.lifecycle = 'Terminated'
        if (i.ec2State !== 'terminated') {
          i.ec2State = 'shutting-down'
          i.ec2TerminatedAt = this.time + EC2_SHUTDOWN_MS
        }
        i.goneAt = this.time + TERMINATED_LINGER_MS
        if (g) this.completeActivity(g, i)
        break
      case 'Detaching':
        i.lifecycle = 'Detached'
        if (g) this.completeActivity(g, i)
        this.removeFromGroup(i)
        delete i.tags['aws:autoscaling:groupName']
        break
      default:
        break
    }
  }

  private removeFromGroup(i: SimInstance): void {
    const g = i.group ? this.groups.get(i.group) : undefined
    if (g) g.instanceIds = g.instanceIds.filter((id) => id !== i.id)
    i.group = undefined
  }

  private healthCheck(g: SimGroup): void {
    if (g.suspended.has('HealthCheck')) return
    for (const id of g.instanceIds) {
      const i = this.instances.get(id) as SimInstance
      if (i.lifecycle !== 'InService') continue
      let unhealthy = i.ec2State === 'shutting-down' || i.ec2State === 'terminated'
      const graceOver = (i.inServiceSince ?? 0) + g.healthCheckGracePeriod * 1000 <= this.time
      if (!unhealthy && graceOver && g.healthCheckType.split(',').includes('ELB')) {
        unhealthy = g.targetGroupArns.some((arn) => this.targetGroups.get(arn)?.targets.get(id)?.state === 'unhealthy')
      }
      if (unhealthy) i.healthStatus = 'Unhealthy'
    }
    if (g.suspended.has('ReplaceUnhealthy')) return
    for (const id of [...g.instanceIds]) {
      const i = this.instances.get(id) as SimInstance
      if (i.lifecycle === 'InService' && i.healthStatus === 'Unhealthy') {
        this.beginTermination(
          g,
          i,
          `At ${iso(this.time)} an instance was taken out of service in response to a ${i.ec2State === 'running' ? 'ELB' : 'EC2'} health check indicating it has been terminated or stopped.`
        )
      }
    }
  }

  private reconcile(g: SimGroup): void {
    const active = this.activeInstances(g)
    const count = active.length
    if (count < g.desired && !g.suspended.has('Launch')) {
      if (g.launchFailure !== undefined) {
        if (this.time >= g.nextLaunchAttempt) {
          this.recordActivity(g, {
            Description: 'Launching a new EC2 instance.  Status Reason: ' + g.launchFailure + ' Launching EC2 instance failed.',
            Cause: `At ${iso(this.time)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${count} to ${g.desired}.`,
            StatusCode: 'Failed',
            StatusMessage: g.launchFailure,
            done: true
          })
          g.nextLaunchAttempt = this.time + LAUNCH_RETRY_MS
          if (g.launchFailuresLeft !== undefined && --g.launchFailuresLeft <= 0) {
            // Transient: the next retry (10 s later) succeeds.
            g.launchFailure = undefined
            g.launchFailuresLeft = undefined
          }
        }
      } else if (this.time >= g.nextLaunchAttempt) {
        for (let n = count; n < g.desired; n++) this.launchInstance(g, count, g.desired)
      }
    }
    if (count > g.desired && !g.suspended.has('Terminate')) {
      const victims = active
        .filter((i) => !i.protectedFromScaleIn)
        .sort((a, b) => a.launchTime - b.launchTime || g.instanceIds.indexOf(a.id) - g.instanceIds.indexOf(b.id))
        .slice(0, count - g.desired)
      for (const v of victims) {
        this.beginTermination(
          g,
          v,
          `At ${iso(this.time)} a user request explicitly set group desired capacity changing the desired capacity from ${count} to ${g.desired}. At ${iso(this.time)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${count} to ${g.desired}.`
        )
      }
    }
    this.rebalance(g)
  }

  /** AZRebalance (simplified): with a spread worse than 1 between zones, launch in the emptiest and terminate in the fullest. */
  private rebalance(g: SimGroup): void {
    if (g.availabilityZones.length < 2 || g.launchFailure !== undefined) return
    if (['AZRebalance', 'Launch', 'Terminate'].some((p) => g.suspended.has(p))) return
    const active = this.activeInstances(g)
    if (active.length !== g.desired) return
    const counts = new Map(g.availabilityZones.map((z) => [z, 0]))
    for (const i of active) counts.set(i.availabilityZone, (counts.get(i.availabilityZone) ?? 0) + 1)
    const sorted = [...counts.entries()].sort((a, b) => a[1] - b[1])
    const low = sorted[0]
    const high = sorted[sorted.length - 1]
    if (!low || !high || high[1] - low[1] <= 1) return
    const victim = active.filter((i) => i.availabilityZone === high[0] && !i.protectedFromScaleIn).sort((a, b) => a.launchTime - b.launchTime)[0]
    if (!victim) return
    this.launchInstance(g, active.length, g.desired, low[0], 'rebalancing')
    this.beginTermination(g, victim, `At ${iso(this.time)} an instance was taken out of service in response to an Availability Zone rebalancing operation.`)
  }

  private launchInstance(g: SimGroup, from: number, to: number, az?: string, why = 'capacity'): SimInstance {
    this.checks.inv4++
    if (g.instanceIds.some((id) => STANDBYISH.has(this.instances.get(id)?.lifecycle ?? ''))) {
      this.violate(`invariant 4: group ${g.name} launched an instance while it has instances in Standby/EnteringStandby`)
    }
    const tags: Record<string, string> = {}
    for (const t of g.tags.values()) if (t.propagateAtLaunch) tags[t.key] = t.value
    tags['aws:autoscaling:groupName'] = g.name
    const inst: SimInstance = {
      id: this.ids.instanceId(),
      group: g.name,
      lifecycle: 'Pending',
      healthStatus: 'Healthy',
      availabilityZone: az ?? this.emptiestZone(g),
      protectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
      launchTime: this.time,
      instanceType: g.instanceType,
      tags,
      version: tags[this.versionTagKey],
      ec2State: 'pending',
      due: this.time + g.launchSeconds * 1000,
      goneAt: undefined,
      ec2TerminatedAt: undefined,
      inServiceSince: undefined,
      activityId: undefined,
      healthOverride: undefined,
      launchTemplate: g.launchTemplate
    }
    this.instances.set(inst.id, inst)
    g.instanceIds.push(inst.id)
    const cause =
      why === 'rebalancing'
        ? `At ${iso(this.time)} an instance was launched in response to an Availability Zone rebalancing operation.`
        : `At ${iso(this.time)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`
    inst.activityId = this.recordActivity(g, { Description: `Launching a new EC2 instance: ${inst.id}`, Cause: cause, StatusCode: 'InProgress', done: false }).ActivityId
    return inst
  }

  private emptiestZone(g: SimGroup): string {
    const counts = new Map(g.availabilityZones.map((z) => [z, 0]))
    for (const i of this.activeInstances(g)) counts.set(i.availabilityZone, (counts.get(i.availabilityZone) ?? 0) + 1)
    return [...counts.entries()].sort((a, b) => a[1] - b[1])[0]?.[0] ?? `${this.region}a`
  }

  activeInstances(g: SimGroup): SimInstance[] {
    return g.instanceIds.map((id) => this.instances.get(id) as SimInstance).filter((i) => ACTIVE.has(i.lifecycle))
  }

  activeCount(g: SimGroup): number {
    return this.activeInstances(g).length
  }

  // ---------------------------------------------------------------- targets

  private fateOf(i: SimInstance): VersionHealth {
    if (i.healthOverride) return 'unhealthy'
    if (i.ec2State === 'terminated' || i.ec2State === 'shutting-down') return 'unhealthy'
    return (i.version !== undefined ? this.versionHealth.get(i.version) : undefined) ?? 'healthy'
  }

  private reasonFor(i: SimInstance, fate: VersionHealth): { reason: string; description: string } {
    if (typeof fate === 'object') return { reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }
    if (fate === 'stuck-initial') return { reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' }
    if (i.healthOverride) return { reason: i.healthOverride.reason, description: i.healthOverride.description }
    if (i.ec2State !== 'running' && i.ec2State !== 'pending') return { reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }
    return { reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [502]' }
  }

  private register(g: SimGroup, i: SimInstance): void {
    for (const arn of g.targetGroupArns) {
      const tg = this.targetGroups.get(arn)
      if (!tg) continue
      const t: SimTarget = {
        id: i.id,
        port: tg.port,
        state: 'initial',
        reason: 'Elb.InitialHealthChecking',
        description: 'Initial health checks in progress',
        due: undefined,
        next: undefined,
        registeredAt: this.time
      }
      tg.targets.set(i.id, t)
      this.scheduleHealth(tg, t, i)
    }
  }

  private scheduleHealth(tg: SimTargetGroup, t: SimTarget, i: SimInstance): void {
    const fate = this.fateOf(i)
    t.after = undefined
    if (fate === 'stuck-initial') {
      t.due = undefined
      t.next = undefined
      return
    }
    const interval = tg.healthCheckIntervalSeconds * 1000
    if (typeof fate === 'object') {
      // Slow boot: checks fail until the app answers (N s ± 20 % after the first registration); after
      // UnhealthyThresholdCount failures the target is `unhealthy`; HealthyThresholdCount passes after the
      // app is up it is `healthy`.
      const registered = t.registeredAt ?? this.time
      i.appReadyAt ??= registered + Math.round(this.rng.vary(fate.unhealthyForSeconds, 0.2) * 1000)
      const healthyAt = Math.max(i.appReadyAt, registered) + tg.healthyAfterChecks * interval + this.healthJitterMs()
      const unhealthyAt = registered + tg.unhealthyThresholdCount * interval
      if (i.appReadyAt > unhealthyAt) {
        t.due = Math.max(this.time, unhealthyAt)
        t.next = { state: 'unhealthy', ...this.reasonFor(i, fate) }
        t.after = { due: Math.max(t.due, healthyAt), next: { state: 'healthy' } }
      } else {
        t.due = Math.max(this.time, healthyAt)
        t.next = { state: 'healthy' }
      }
      return
    }
    t.due = this.time + interval * tg.healthyAfterChecks + this.healthJitterMs()
    t.next = fate === 'healthy' ? { state: 'healthy' } : { state: 'unhealthy', ...this.reasonFor(i, fate) }
  }

  /** Targets of one batch do not all conclude on the same tick (realism only). */
  private healthJitterMs(): number {
    return this.realism?.healthJitter ? this.rng.int(0, 3_000) : 0
  }

  /** Put the instance's targets into `draining`; returns the longest deregistration delay (ms). */
  private deregister(i: SimInstance): number {
    let longest = 0
    for (const tg of this.targetGroups.values()) {
      const t = tg.targets.get(i.id)
      if (!t) continue
      if (t.state !== 'draining') {
        Object.assign(t, {
          state: 'draining',
          reason: 'Target.DeregistrationInProgress',
          description: 'Target deregistration is in progress',
          due: this.time + tg.deregistrationDelaySeconds * 1000,
          next: { state: 'removed' },
          after: undefined
        })
      }
      longest = Math.max(longest, (t.due ?? this.time) - this.time)
    }
    return longest
  }

  /** State of an instance in a target group, as DescribeTargetHealth reports it. */
  targetHealth(tg: SimTargetGroup, id: string): { state: string; reason?: string; description?: string; port: number } | 'invalid' {
    const t = tg.targets.get(id)
    if (t) return { state: t.state, port: t.port, ...(t.reason ? { reason: t.reason } : {}), ...(t.description ? { description: t.description } : {}) }
    const inst = this.instances.get(id)
    if (!inst || inst.forgotten) return 'invalid'
    if (inst.ec2State === 'terminated' || inst.ec2State === 'shutting-down') {
      return { state: 'unused', reason: 'Target.InvalidState', description: 'Target is in the stopped or terminated state', port: tg.port }
    }
    return { state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group', port: tg.port }
  }

  // ---------------------------------------------------------------- activities

  recordActivity(
    g: SimGroup,
    a: { Description: string; Cause: string; StatusCode: string; StatusMessage?: string; Progress?: number; done: boolean }
  ): SimActivity {
    const act: SimActivity = {
      ActivityId: this.ids.uuid(),
      AutoScalingGroupName: g.name,
      AutoScalingGroupARN: g.arn,
      Description: a.Description,
      Cause: a.Cause,
      StartTime: this.time,
      EndTime: a.done ? this.time : undefined,
      StatusCode: a.StatusCode,
      StatusMessage: a.StatusMessage,
      Progress: a.Progress ?? (a.done ? 100 : 0),
      Details: JSON.stringify({ 'Availability Zone': g.availabilityZones[0] ?? '' })
    }
    g.activities.unshift(act)
    return act
  }

  private completeActivity(g: SimGroup, i: SimInstance): void {
    const act = g.activities.find((a) => a.ActivityId === i.activityId)
    if (act) {
      act.StatusCode = 'Successful'
      act.Progress = 100
      act.EndTime = this.time
    }
    i.activityId = undefined
  }

  /** Start terminating an instance of a group: targets drain, then the instance terminates. */
  beginTermination(g: SimGroup, i: SimInstance, cause: string): SimActivity {
    const drain = this.deregister(i)
    i.lifecycle = 'Terminating'
    i.due = this.time + drain
    const act = this.recordActivity(g, { Description: `Terminating EC2 instance: ${i.id}`, Cause: cause, StatusCode: 'InProgress', Progress: 0, done: false })
    i.activityId = act.ActivityId
    return act
  }

  // ---------------------------------------------------------------- Auto Scaling operations

  apiGroup(name: string | undefined): SimGroup {
    const g = name === undefined ? undefined : this.groups.get(name)
    if (!g) throw validation(`AutoScalingGroup name not found - AutoScalingGroup ${name ?? 'null'} not found`)
    return g
  }

  private groupInstance(g: SimGroup, id: string): SimInstance {
    const i = this.instances.get(id)
    if (!i || i.group !== g.name) throw validation(`The instance ${id} is not part of Auto Scaling group ${g.name}.`)
    return i
  }

  private limitIds(ids: string[], max: number, what: string): void {
    if (ids.length === 0) throw validation(`1 validation error detected: Value null at 'instanceIds' failed to satisfy constraint: Member must not be null`)
    if (ids.length > max) throw validation(`The number of instances for ${what} exceeds the maximum of ${max}.`)
  }

  updateGroup(name: string, p: { MinSize?: number; MaxSize?: number; DesiredCapacity?: number; NewInstancesProtectedFromScaleIn?: boolean; HealthCheckType?: string; HealthCheckGracePeriod?: number; LaunchTemplate?: LaunchTemplateSpec }): void {
    const g = this.apiGroup(name)
    const min = p.MinSize ?? g.min
    const max = p.MaxSize ?? g.max
    if (min > max) throw validation(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`)
    let desired = p.DesiredCapacity
    if (desired !== undefined) {
      if (desired < min || desired > max) throw validation(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`)
    } else {
      desired = Math.min(max, Math.max(min, g.desired))
    }
    const from = g.desired
    g.min = min
    g.max = max
    g.desired = desired
    if (p.NewInstancesProtectedFromScaleIn !== undefined) g.newInstancesProtectedFromScaleIn = p.NewInstancesProtectedFromScaleIn
    if (p.HealthCheckType !== undefined) g.healthCheckType = p.HealthCheckType
    if (p.HealthCheckGracePeriod !== undefined) g.healthCheckGracePeriod = p.HealthCheckGracePeriod
    if (p.LaunchTemplate !== undefined) g.launchTemplate = p.LaunchTemplate
    if (from !== desired) this.noteDesired(g, from, desired)
  }

  private noteDesired(g: SimGroup, from: number, to: number): void {
    this.recordActivity(g, {
      Description: `Set desired capacity from ${from} to ${to}`,
      Cause: `At ${iso(this.time)} a user request explicitly set group desired capacity changing the desired capacity from ${from} to ${to}.`,
      StatusCode: 'Successful',
      done: true
    })
  }

  setDesiredCapacity(name: string, desired: number): void {
    const g = this.apiGroup(name)
    if (desired > g.max) throw validation(`New SetDesiredCapacity value ${desired} is above max value ${g.max} for the AutoScalingGroup.`)
    if (desired < g.min) throw validation(`New SetDesiredCapacity value ${desired} is below min value ${g.min} for the AutoScalingGroup.`)
    const from = g.desired
    g.desired = desired
    if (from !== desired) this.noteDesired(g, from, desired)
  }

  setInstanceProtection(name: string, ids: string[], value: boolean): void {
    const g = this.apiGroup(name)
    if (ids.length > 50) throw validation('The number of instances for SetInstanceProtection exceeds the maximum of 50.')
    const insts = ids.map((id) => this.groupInstance(g, id))
    for (const i of insts) i.protectedFromScaleIn = value
  }

  enterStandby(name: string, ids: string[], decrement: boolean | undefined): SimActivity[] {
    const g = this.apiGroup(name)
    if (decrement === undefined) throw validation(`1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null`)
    this.limitIds(ids, 20, 'EnterStandby')
    const insts = ids.map((id) => this.groupInstance(g, id))
    for (const i of insts) if (i.lifecycle !== 'InService') throw validation(`The instance ${i.id} is not in InService.`)
    const from = g.desired
    const to = decrement ? from - insts.length : from
    if (to < g.min) {
      throw validation(
        `AutoScalingGroup ${g.name} has min-size=${g.min}, max-size=${g.max}, and desired-size=${g.desired}. To place into standby ${insts.length} instances, please update the AutoScalingGroup sizes appropriately.`
      )
    }
    checkEnterStandby(this, g, insts)
    g.desired = to
    return insts.map((i) => {
      const drain = this.deregister(i)
      i.lifecycle = 'EnteringStandby'
      i.due = this.time + drain
      const act = this.recordActivity(g, {
        Description: `Moving EC2 instance to Standby: ${i.id}`,
        Cause: `At ${iso(this.time)} instance ${i.id} was moved to standby in response to a user request${decrement ? `, shrinking the capacity from ${from} to ${to}` : ''}.`,
        StatusCode: 'InProgress',
        Progress: 50,
        done: false
      })
      i.activityId = act.ActivityId
      return { ...act }
    })
  }

  exitStandby(name: string, ids: string[]): SimActivity[] {
    const g = this.apiGroup(name)
    this.limitIds(ids, 20, 'ExitStandby')
    const insts = ids.map((id) => this.groupInstance(g, id))
    for (const i of insts) if (i.lifecycle !== 'Standby') throw validation(`The instance ${i.id} is not in Standby.`)
    const from = g.desired
    const to = from + insts.length
    // Assumption (AWS docs are silent): refuse rather than silently exceed MaxSize.
    if (to > g.max) {
      throw validation(
        `AutoScalingGroup ${g.name} has min-size=${g.min}, max-size=${g.max}, and desired-size=${g.desired}. To move ${insts.length} instances out of standby, please update the AutoScalingGroup sizes appropriately.`
      )
    }
    g.desired = to
    return insts.map((i) => {
      i.lifecycle = 'Pending'
      i.due = this.time + EXIT_STANDBY_SECONDS * 1000
      const act = this.recordActivity(g, {
        Description: `Moving EC2 instance out of Standby: ${i.id}`,
        Cause: `At ${iso(this.time)} instance ${i.id} was moved out of standby in response to a user request, increasing the capacity from ${from} to ${to}.`,
        StatusCode: 'PreInService',
        Progress: 30,
        done: false
      })
      i.activityId = act.ActivityId
      return { ...act }
    })
  }

  /** `by`: 'api' when a request (the code under test) detaches, 'test' when a test sets up a scene. */
  detachInstances(name: string, ids: string[], decrement: boolean | undefined, by: 'api' | 'test' = 'test'): SimActivity[] {
    const g = this.apiGroup(name)
    if (decrement === undefined) throw validation(`1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null`)
    this.limitIds(ids, 20, 'DetachInstances')
    const insts = ids.map((id) => this.groupInstance(g, id))
    for (const i of insts) if (i.lifecycle !== 'InService' && i.lifecycle !== 'Standby') throw validation(`The instance ${i.id} is not in InService or Standby.`)
    const from = g.desired
    const to = decrement ? from - insts.length : from
    if (to < g.min) {
      throw validation(
        `AutoScalingGroup ${g.name} has min-size=${g.min}, max-size=${g.max}, and desired-size=${g.desired}. To detach ${insts.length} instances, please update the AutoScalingGroup sizes appropriately.`
      )
    }
    g.desired = to
    return insts.map((i) => {
      const drain = this.deregister(i)
      i.detachedBy = by
      i.lifecycle = 'Detaching'
      i.due = this.time + drain
      const act = this.recordActivity(g, {
        Description: `Detaching EC2 instance: ${i.id}`,
        Cause: `At ${iso(this.time)} instance ${i.id} was detached in response to a user request${decrement ? `, shrinking the capacity from ${from} to ${to}` : ''}.`,
        StatusCode: 'InProgress',
        Progress: 50,
        done: false
      })
      i.activityId = act.ActivityId
      return { ...act }
    })
  }

  terminateInstanceInGroup(id: string, decrement: boolean | undefined): SimActivity {
    const i = this.instances.get(id)
    const g = i?.group ? this.groups.get(i.group) : undefined
    if (!i || !g) throw validation(`Instance Id not found - No managed instance found for instance ID: ${id}`)
    if (decrement === undefined) throw validation(`1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null`)
    if (decrement && g.desired - 1 < g.min) {
      throw validation(
        `Currently, desiredSize equals minSize (${g.min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`
      )
    }
    if (i.lifecycle === 'Terminating' || i.lifecycle === 'Terminated') {
      return { ...(g.activities.find((a) => a.Description.endsWith(id)) as SimActivity) }
    }
    this.checkNotServing([i], 'TerminateInstanceInAutoScalingGroup')
    if (decrement) g.desired--
    return { ...this.beginTermination(g, i, `At ${iso(this.time)} instance ${id} was taken out of service in response to a user request${decrement ? `, shrinking the capacity from ${g.desired + 1} to ${g.desired}` : ''}.`) }
  }

  /** Invariant 3: an API call must not terminate an instance that is healthy/initial in a target group. */
  checkNotServing(insts: SimInstance[], operation: string): void {
    for (const i of insts) {
      this.checks.inv3++
      for (const tg of this.targetGroups.values()) {
        const t = tg.targets.get(i.id)
        if (t && (t.state === 'healthy' || t.state === 'initial')) {
          this.violate(`invariant 3: ${operation} terminated ${i.id} while it is ${t.state} in target group ${tg.name}`)
        }
      }
    }
  }

  suspendProcesses(name: string, processes: string[] | undefined): void {
    const g = this.apiGroup(name)
    const list = processes === undefined || processes.length === 0 ? [...ALL_PROCESSES] : processes
    for (const p of list) if (!(ALL_PROCESSES as readonly string[]).includes(p)) throw validation(`Process name '${p}' is not a valid process name.`)
    for (const p of list) if (!g.suspended.has(p)) g.suspended.set(p, `User suspended at ${iso(this.time)}`)
  }

  resumeProcesses(name: string, processes: string[] | undefined): void {
    const g = this.apiGroup(name)
    const list = processes === undefined || processes.length === 0 ? [...ALL_PROCESSES] : processes
    for (const p of list) if (!(ALL_PROCESSES as readonly string[]).includes(p)) throw validation(`Process name '${p}' is not a valid process name.`)
    for (const p of list) g.suspended.delete(p)
  }

  createOrUpdateTags(tags: { ResourceId?: string; ResourceType?: string; Key?: string; Value?: string; PropagateAtLaunch?: boolean }[]): void {
    tags.forEach((t, n) => {
      if (!t.Key) throw validation(`1 validation error detected: Value null at 'tags.${n + 1}.member.key' failed to satisfy constraint: Member must not be null`)
      if (t.Key.length > 128) throw validation(`1 validation error detected: Value '${t.Key}' at 'tags.${n + 1}.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`)
      if ((t.Value ?? '').length > 256) throw validation(`1 validation error detected: Value '${t.Value ?? ''}' at 'tags.${n + 1}.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`)
      if (t.ResourceType !== undefined && t.ResourceType !== 'auto-scaling-group') throw validation(`Invalid resource type: ${t.ResourceType}`)
    })
    const groups = tags.map((t) => this.apiGroup(t.ResourceId))
    for (const g of new Set(groups)) {
      const keys = new Set([...g.tags.keys()].filter((k) => !k.startsWith('aws:')))
      for (const t of tags) if (t.ResourceId === g.name && !(t.Key as string).startsWith('aws:')) keys.add(t.Key as string)
      if (keys.size > 50) throw new SimError('LimitExceeded', `The number of tags for AutoScalingGroup ${g.name} would exceed the limit of 50.`)
    }
    tags.forEach((t, n) => {
      const g = groups[n] as SimGroup
      g.tags.set(t.Key as string, { key: t.Key as string, value: t.Value ?? '', propagateAtLaunch: t.PropagateAtLaunch ?? false })
    })
  }

  deleteTags(tags: { ResourceId?: string; Key?: string }[]): void {
    const groups = tags.map((t) => this.apiGroup(t.ResourceId))
    tags.forEach((t, n) => (groups[n] as SimGroup).tags.delete(t.Key ?? ''))
  }

  // ---------------------------------------------------------------- policies, alarms, scheduled actions

  policyByArn(arn: string): { group: SimGroup; policy: SimPolicy } | undefined {
    for (const g of this.groups.values()) for (const p of g.policies.values()) if (p.PolicyARN === arn) return { group: g, policy: p }
    return undefined
  }

  private policyTarget(p: SimPolicy, current: number, alarm: SimAlarm): number {
    if (p.PolicyType === 'TargetTrackingScaling') {
      // Approximation: each firing of the high alarm adds one instance, of the low alarm removes one.
      return alarm.AlarmName.includes('-AlarmLow-') ? current - 1 : current + 1
    }
    let adj = p.fields['ScalingAdjustment'] as number | undefined
    if (adj === undefined) {
      const steps = (p.fields['StepAdjustments'] as { ScalingAdjustment?: number }[] | undefined) ?? []
      adj = steps[0]?.ScalingAdjustment ?? 0
    }
    switch (p.fields['AdjustmentType']) {
      case 'ExactCapacity':
        return adj
      case 'PercentChangeInCapacity': {
        const delta = Math.trunc((current * adj) / 100)
        const minMag = (p.fields['MinAdjustmentMagnitude'] as number | undefined) ?? 0
        return current + (Math.abs(delta) < minMag ? Math.sign(adj) * minMag : delta)
      }
      default:
        return current + adj
    }
  }

  putScalingPolicy(fields: Record<string, unknown>): { PolicyARN: string; Alarms: { AlarmName: string; AlarmARN: string }[] } {
    const g = this.apiGroup(fields['AutoScalingGroupName'] as string | undefined)
    const name = fields['PolicyName'] as string | undefined
    if (!name) throw validation(`1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null`)
    const type = (fields['PolicyType'] as string | undefined) ?? 'SimpleScaling'
    if (!['SimpleScaling', 'StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'].includes(type)) throw validation(`Invalid policy type: ${type}`)
    if ((type === 'SimpleScaling' || type === 'StepScaling') && !fields['AdjustmentType']) throw validation('AdjustmentType must be specified for SimpleScaling and StepScaling policies.')
    if (type === 'SimpleScaling' && fields['ScalingAdjustment'] === undefined) throw validation('ScalingAdjustment must be specified for SimpleScaling policies.')
    if (type === 'StepScaling' && !Array.isArray(fields['StepAdjustments'])) throw validation('StepAdjustments must be specified for StepScaling policies.')
    if (type === 'TargetTrackingScaling' && !fields['TargetTrackingConfiguration']) throw validation('TargetTrackingConfiguration must be specified for TargetTrackingScaling policies.')
    const existing = g.policies.get(name)
    if (!existing && g.policies.size >= 50) throw new SimError('LimitExceeded', `You have reached the limit of 50 scaling policies for AutoScalingGroup ${g.name}.`)
    const arn = existing?.PolicyARN ?? `arn:aws:autoscaling:${this.region}:${this.accountId}:scalingPolicy:${this.ids.uuid()}:autoScalingGroupName/${g.name}:policyName/${name}`
    const stored: Record<string, unknown> = { ...fields }
    delete stored['AutoScalingGroupName']
    delete stored['PolicyName']
    delete stored['PolicyType']
    delete stored['Enabled']
    const policy: SimPolicy = { fields: stored, PolicyName: name, PolicyType: type, PolicyARN: arn, Enabled: (fields['Enabled'] as boolean | undefined) ?? true, managedAlarms: existing?.managedAlarms ?? [] }
    if (type === 'TargetTrackingScaling' && policy.managedAlarms.length === 0) {
      const tt = fields['TargetTrackingConfiguration'] as { TargetValue?: number } | undefined
      const target = tt?.TargetValue ?? 50
      for (const [suffix, op, threshold, periods] of [
        ['AlarmHigh', 'GreaterThanThreshold', target, 3],
        ['AlarmLow', 'LessThanThreshold', target * 0.9, 15]
      ] as const) {
        const alarmName = `TargetTracking-${g.name}-${suffix}-${this.ids.uuid()}`
        this.putMetricAlarm(
          {
            AlarmName: alarmName,
            AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${arn}.`,
            ActionsEnabled: true,
            AlarmActions: [arn],
            MetricName: 'CPUUtilization',
            Namespace: 'AWS/EC2',
            Statistic: 'Average',
            Dimensions: [{ Name: 'AutoScalingGroupName', Value: g.name }],
            Period: 60,
            EvaluationPeriods: periods,
            Threshold: threshold,
            ComparisonOperator: op
          },
          arn
        )
        policy.managedAlarms.push(alarmName)
      }
    }
    g.policies.set(name, policy)
    return { PolicyARN: arn, Alarms: this.policyAlarms(policy) }
  }

  /** Alarms that fire the policy (managed ones for target tracking, any alarm naming its ARN otherwise). */
  policyAlarms(p: SimPolicy): { AlarmName: string; AlarmARN: string }[] {
    const out: { AlarmName: string; AlarmARN: string }[] = []
    for (const a of this.alarms.values()) {
      const actions = [a.config['AlarmActions'], a.config['OKActions'], a.config['InsufficientDataActions']].flatMap((x) => (Array.isArray(x) ? (x as string[]) : []))
      if (actions.includes(p.PolicyARN)) out.push({ AlarmName: a.AlarmName, AlarmARN: a.AlarmArn })
    }
    return out
  }

  deletePolicy(groupName: string | undefined, policyName: string): void {
    let g: SimGroup | undefined
    let p: SimPolicy | undefined
    if (policyName.startsWith('arn:')) {
      const found = this.policyByArn(policyName)
      g = found?.group
      p = found?.policy
    } else {
      g = this.apiGroup(groupName)
      p = g.policies.get(policyName)
    }
    if (!g || !p) throw validation(`Policy ${policyName} does not exist`)
    g.policies.delete(p.PolicyName)
    for (const name of p.managedAlarms) this.alarms.delete(name)
    // Step/simple: the alarm stays, the action pointing at the deleted policy is removed.
    for (const a of this.alarms.values()) {
      for (const key of ['AlarmActions', 'OKActions', 'InsufficientDataActions']) {
        const list = a.config[key]
        if (Array.isArray(list)) a.config[key] = (list as string[]).filter((x) => x !== p.PolicyARN)
      }
    }
  }

  putMetricAlarm(config: Record<string, unknown>, managedBy: string | undefined): SimAlarm {
    const name = config['AlarmName'] as string | undefined
    if (!name) throw validation(`1 validation error detected: Value null at 'alarmName' failed to satisfy constraint: Member must not be null`)
    for (const key of ['AlarmActions', 'OKActions', 'InsufficientDataActions']) {
      const list = config[key]
      if (Array.isArray(list) && list.length > 5) throw new SimError('LimitExceeded', `The maximum number of ${key} is 5.`)
    }
    const existing = this.alarms.get(name)
    // PutMetricAlarm replaces the whole configuration: whatever was not sent is gone. Tags only count at creation.
    const { Tags: tags, ...rest } = config
    const alarm: SimAlarm = {
      config: { ActionsEnabled: true, ...rest },
      ...(existing ? (existing.tags ? { tags: existing.tags } : {}) : Array.isArray(tags) ? { tags: tags as { Key: string; Value: string }[] } : {}),
      AlarmName: name,
      AlarmArn: existing?.AlarmArn ?? `arn:aws:cloudwatch:${this.region}:${this.accountId}:alarm:${name}`,
      StateValue: existing?.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: existing?.StateReason ?? 'Unchecked: Initial alarm creation',
      StateUpdatedTimestamp: existing?.StateUpdatedTimestamp ?? this.time,
      StateTransitionedTimestamp: existing?.StateTransitionedTimestamp ?? existing?.StateUpdatedTimestamp ?? this.time,
      AlarmConfigurationUpdatedTimestamp: this.time,
      managedBy: existing?.managedBy ?? managedBy
    }
    this.alarms.set(name, alarm)
    return alarm
  }

  putScheduledAction(p: { AutoScalingGroupName?: string; ScheduledActionName?: string; StartTime?: number; EndTime?: number; Recurrence?: string; MinSize?: number; MaxSize?: number; DesiredCapacity?: number; TimeZone?: string }): void {
    const g = this.apiGroup(p.AutoScalingGroupName)
    const name = p.ScheduledActionName
    if (!name) throw validation(`1 validation error detected: Value null at 'scheduledActionName' failed to satisfy constraint: Member must not be null`)
    if (p.MinSize === undefined && p.MaxSize === undefined && p.DesiredCapacity === undefined) throw validation('At least one of MinSize, MaxSize or DesiredCapacity must be specified.')
    if (p.StartTime !== undefined && p.StartTime < this.time) throw validation('Given start time is in the past')
    if (p.EndTime !== undefined && p.StartTime !== undefined && p.EndTime <= p.StartTime) throw validation('End time must be after start time')
    const start = p.StartTime ?? (p.Recurrence ? nextDaily(p.Recurrence, this.time) : this.time)
    const existing = g.scheduled.get(name)
    if (!existing && g.scheduled.size >= 125) throw new SimError('LimitExceeded', `You have reached the limit of 125 scheduled actions for AutoScalingGroup ${g.name}.`)
    g.scheduled.set(name, {
      ScheduledActionName: name,
      ScheduledActionARN: existing?.ScheduledActionARN ?? `arn:aws:autoscaling:${this.region}:${this.accountId}:scheduledUpdateGroupAction:${this.ids.uuid()}:autoScalingGroupName/${g.name}:scheduledActionName/${name}`,
      StartTime: start,
      EndTime: p.EndTime,
      Recurrence: p.Recurrence,
      MinSize: p.MinSize,
      MaxSize: p.MaxSize,
      DesiredCapacity: p.DesiredCapacity,
      TimeZone: p.TimeZone
    })
  }

  deleteScheduledAction(groupName: string | undefined, name: string): void {
    const g = this.apiGroup(groupName)
    if (!g.scheduled.delete(name)) throw validation(`Scheduled action name not found - ${name}`)
  }

  private runScheduledAction(g: SimGroup, s: SimScheduledAction): void {
    if (g.suspended.has('ScheduledActions')) {
      this.scalingEvents.push({ time: this.time, kind: 'scheduled-action', name: s.ScheduledActionName, group: g.name, outcome: 'skipped', reason: 'ScheduledActions suspended' })
    } else {
      const from = g.desired
      g.min = s.MinSize ?? g.min
      g.max = s.MaxSize ?? g.max
      g.desired = Math.min(g.max, Math.max(g.min, s.DesiredCapacity ?? g.desired))
      this.scalingEvents.push({ time: this.time, kind: 'scheduled-action', name: s.ScheduledActionName, group: g.name, outcome: 'executed', from, to: g.desired })
      this.recordActivity(g, {
        Description: `Set desired capacity from ${from} to ${g.desired}`,
        Cause: `At ${iso(this.time)} a scheduled action update of AutoScalingGroup constraints to min: ${g.min}, max: ${g.max}, desired: ${g.desired} changing the desired capacity from ${from} to ${g.desired}.`,
        StatusCode: 'Successful',
        done: true
      })
    }
    // Recurrence approximated as daily (+24 h), whatever the cron expression says.
    if (s.Recurrence && (s.EndTime === undefined || s.StartTime + 86_400_000 <= s.EndTime)) s.StartTime += 86_400_000
    else g.scheduled.delete(s.ScheduledActionName)
  }

  // ---------------------------------------------------------------- EC2

  ec2TerminateInstances(ids: string[]): { id: string; previous: string; current: string }[] {
    if (ids.length > 1000) throw new SimError('InvalidParameterValue', 'The maximum number of instance ids is 1000.')
    const unknown = ids.filter((id) => !this.ec2Knows(id))
    if (unknown.length > 0) throw notFound(unknown)
    const insts = ids.map((id) => this.instances.get(id) as SimInstance)
    // Termination protection fails the whole call; nothing is terminated.
    const protectedOne = insts.find((i) => i.disableApiTermination && i.ec2State !== 'terminated')
    if (protectedOne) {
      throw new SimError('OperationNotPermitted', `The instance '${protectedOne.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`)
    }
    this.checkNotServing(insts, 'EC2 TerminateInstances')
    return this.ec2Terminate(insts)
  }

  /** EC2's DescribeInstanceAttribute / ModifyInstanceAttribute for `disableApiTermination`. */
  ec2Instance(id: string | undefined): SimInstance {
    if (id === undefined || !this.ec2Knows(id)) throw notFound([id ?? ''])
    return this.instances.get(id) as SimInstance
  }

  private ec2Terminate(insts: SimInstance[]): { id: string; previous: string; current: string }[] {
    return insts.map((i) => {
      const previous = i.ec2State
      if (i.ec2State === 'pending' || i.ec2State === 'running') {
        i.ec2State = 'shutting-down'
        i.ec2TerminatedAt = this.time + EC2_SHUTDOWN_MS
        const g = i.group ? this.groups.get(i.group) : undefined
        for (const tg of this.targetGroups.values()) {
          const t = tg.targets.get(i.id)
          if (t && t.state !== 'draining') Object.assign(t, { state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed', due: undefined, next: undefined, after: undefined })
        }
        if (!g) {
          // Not in a group: leave every target group at once (the ELB sees it go).
          this.deregister(i)
        } else if (i.lifecycle === 'Standby') {
          // Stays in the group as a "ghost": Standby, health frozen at Healthy.
        } else if (i.lifecycle === 'Pending' || i.lifecycle === 'InService') {
          if (i.lifecycle === 'Pending') i.due = this.time
          i.healthStatus = 'Unhealthy'
        }
      }
      return { id: i.id, previous, current: i.ec2State }
    })
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
}

/** Next occurrence of a "M H * * *" cron (UTC) after `now`; anything else: now + 24 h. */
function nextDaily(cron: string, now: number): number {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim())
  if (!m) return now + 86_400_000
  const d = new Date(now)
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), Number(m[2]), Number(m[1]))
  if (t <= now) t += 86_400_000
  return t
}
