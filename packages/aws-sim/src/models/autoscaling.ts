// EC2 Auto Scaling: groups, instance lifecycle (launch, standby, detach, terminate), capacity
// reconciliation, health checks, AZ rebalancing, launch failures, activities, processes, tags. Scaling
// policies fired by alarms and scheduled actions: scaling.ts.

import { SimError, validation } from '../core/errors.js'
import { iso } from '../core/time.js'
import type { Account, GroupOptions } from './account.js'
import type { CloudWatchModel } from './cloudwatch.js'
import type { ImagesModel } from './images.js'
import type { ScalingModel } from './scaling.js'
import type { TargetsModel } from './targets.js'
import { EC2_SHUTDOWN_MS, USER_SHUTDOWN } from './ec2.js'
import { countsUnits, nextInstanceType, peekInstanceType, unitsOf, validateOverrides, weightOfType } from './weights.js'
import {
  ALL_PROCESSES,
  type LaunchTemplateSpec,
  type SimActivity,
  type SimGroup,
  type SimInstance,
  type SimRefresh,
  type SimTargetGroup
} from '../core/types.js'

const ACTIVE: ReadonlySet<string> = new Set(['Pending', 'Pending:Wait', 'InService'])
const STANDBYISH: ReadonlySet<string> = new Set(['Standby', 'EnteringStandby'])
/** A Terminated instance stays listed in its group this long. */
const TERMINATED_LINGER_MS = 10_000
const LAUNCH_RETRY_MS = 10_000
const EXIT_STANDBY_SECONDS = 10
/**
 * Tags one CreateOrUpdateTags or DeleteTags call may add or remove (user guide, "Tag Auto Scaling groups and
 * instances": "The maximum number of tags that you can add or remove using a single call is 25."). A call
 * with more is refused whole: no tag of it lands.
 */
export const TAGS_PER_CALL = 25

function checkTagsPerCall(operation: string, count: number): void {
  // The wording is ours: AWS documents the limit, not the error's text.
  if (count > TAGS_PER_CALL) throw validation(`The number of tags in a ${operation} request (${count}) exceeds the maximum of ${TAGS_PER_CALL} tags per call.`)
}

/**
 * What Auto Scaling sees of the account: the shared state and the services it drives (targets, alarms,
 * images, and the scheduled actions of scaling.ts that its step runs).
 */
export interface AutoScalingAccount extends Account {
  readonly targets: TargetsModel
  readonly cloudWatch: CloudWatchModel
  readonly images: ImagesModel
  readonly scaling: ScalingModel
}

export class AutoScalingModel {
  constructor(private readonly w: AutoScalingAccount) {}

  addGroup(o: GroupOptions): SimGroup {
    if (this.w.groups.has(o.name)) throw new Error(`group ${o.name} exists`)
    validateOverrides(o.name, o.instanceTypes, o.desiredCapacityType)
    const tgArns = (o.targetGroups ?? []).map((n) => this.w.targets.targetGroupByName(n).arn)
    const tags = new Map<string, { key: string; value: string; propagateAtLaunch: boolean }>()
    for (const [key, v] of Object.entries(o.tags ?? {})) {
      tags.set(key, typeof v === 'string' ? { key, value: v, propagateAtLaunch: true } : { key, ...v })
    }
    const g: SimGroup = {
      name: o.name,
      arn: `arn:aws:autoscaling:${this.w.region}:${this.w.accountId}:autoScalingGroup:${this.w.ids.uuid()}:autoScalingGroupName/${o.name}`,
      min: o.min,
      max: o.max,
      desired: o.desired,
      targetGroupArns: tgArns,
      loadBalancerNames: o.loadBalancerNames ?? [],
      trafficSources: (o.trafficSources ?? []).map((t) => ({
        type: t.type,
        identifier:
          t.type === 'elbv2'
            ? this.w.targets.targetGroupByName(t.name).arn
            : t.type === 'vpc-lattice'
              ? `arn:aws:vpc-lattice:${this.w.region}:${this.w.accountId}:targetgroup/tg-${t.name}`
              : t.name
      })),
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
      createdTime: this.w.now(),
      availabilityZones: o.availabilityZones ?? [`${this.w.region}a`, `${this.w.region}b`],
      launchSeconds: o.launchSeconds ?? 60,
      launchFailure: undefined,
      nextLaunchAttempt: 0,
      refreshes: [],
      launchTemplate: o.launchTemplate,
      mixedInstanceTypes: o.mixedInstanceTypes,
      lifecycleHooks: o.lifecycleHooks ?? [],
      instanceType: o.instanceType ?? 't3.micro',
      overrides: o.instanceTypes,
      desiredCapacityType: o.desiredCapacityType,
      capacityRebalance: o.capacityRebalance ?? false,
      launchTurn: 0
    }
    for (const p of o.suspendedProcesses ?? []) g.suspended.set(p, `User suspended at ${iso(this.w.now())}`)
    this.w.groups.set(o.name, g)
    if (o.running) {
      // A weighted group fills its desired units (the last launch may overshoot them).
      while (unitsOf(this.activeInstances(g)) < o.desired) {
        const inst = this.launchInstance(g, unitsOf(this.activeInstances(g)), o.desired)
        inst.lifecycle = 'InService'
        inst.ec2State = 'running'
        inst.due = undefined
        inst.inServiceSince = this.w.now()
        this.completeActivity(g, inst)
        for (const tgArn of this.w.targets.trafficOf(g)) {
          const tg = this.w.targetGroups.get(tgArn) as SimTargetGroup
          const judged = this.w.targets.fateOf(inst)
          // A slow-booting version's app has long been up on instances that are already running.
          const fate = typeof judged === 'object' ? 'healthy' : judged
          tg.targets.set(inst.id, {
            id: inst.id,
            port: tg.port,
            state: fate === 'healthy' ? 'healthy' : fate === 'unhealthy' ? 'unhealthy' : 'initial',
            ...(fate === 'healthy' ? { reason: undefined, description: undefined } : this.w.targets.reasonFor(inst, fate)),
            due: undefined,
            next: undefined
          })
        }
      }
    }
    this.w.settle()
    return g
  }

  /**
   * Make launches fail (one `Failed` activity per attempt, Auto Scaling retrying every 10 s). With `times`,
   * only the next N attempts fail and the attempt after them succeeds; without it, until clearLaunchFailures.
   */
  failLaunches(groupName: string, message = 'We currently do not have sufficient t3.micro capacity in the Availability Zone you requested.', options: { times?: number } = {}): void {
    const g = this.w.mustGroup(groupName)
    g.launchFailure = message
    g.launchFailuresLeft = options.times
  }

  clearLaunchFailures(groupName: string): void {
    const g = this.w.mustGroup(groupName)
    g.launchFailure = undefined
    g.launchFailuresLeft = undefined
    g.nextLaunchAttempt = 0
    this.w.settle()
  }

  startInstanceRefresh(groupName: string): SimRefresh {
    const g = this.w.mustGroup(groupName)
    const r: SimRefresh = { InstanceRefreshId: this.w.ids.uuid(), Status: 'InProgress', StartTime: this.w.now(), EndTime: undefined, PercentageComplete: 0, StatusReason: undefined }
    g.refreshes.unshift(r)
    return r
  }

  finishInstanceRefresh(groupName: string, status = 'Successful'): void {
    for (const r of this.w.mustGroup(groupName).refreshes) {
      if (['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking'].includes(r.Status)) {
        r.Status = status
        r.EndTime = this.w.now()
        r.PercentageComplete = 100
      }
    }
  }

  /** Auto Scaling's next due events: lifecycle transitions, listing removals, scheduled actions, launch retries. */
  nextDueAsg(see: (t: number | undefined) => void): void {
    for (const i of this.w.instances.values()) {
      see(i.due)
      see(i.goneAt)
    }
    for (const g of this.w.groups.values()) {
      for (const s of g.scheduled.values()) see(s.StartTime)
      if (!g.suspended.has('Launch') && this.activeUnits(g) < g.desired && (g.launchFailure !== undefined || g.nextLaunchAttempt > this.w.now() || this.launchProblemOf(g) !== undefined)) see(g.nextLaunchAttempt)
    }
  }

  /** Lifecycle transitions due now, and Terminated instances leaving their group's listing. */
  stepInstances(now: number): void {
    for (const i of this.w.instances.values()) {
      if (i.due !== undefined && i.due <= now) {
        i.due = undefined
        this.transition(i)
      }
      if (i.goneAt !== undefined && i.goneAt <= now) {
        i.goneAt = undefined
        this.removeFromGroup(i)
      }
    }
  }

  /** Scheduled actions, health checks and capacity reconciliation of every group. */
  stepGroups(): void {
    const now = this.w.now()
    for (const g of this.w.groups.values()) {
      for (const s of [...g.scheduled.values()]) if (s.StartTime <= now) this.w.scaling.runScheduledAction(g, s)
    }
    this.w.scaling.stepTargetTracking(now)
    for (const g of this.w.groups.values()) this.healthCheck(g)
    for (const g of this.w.groups.values()) this.reconcile(g)
  }

  private transition(i: SimInstance): void {
    const g = i.group ? this.w.groups.get(i.group) : undefined
    switch (i.lifecycle) {
      case 'Pending':
        if (i.hookHoldMs !== undefined) {
          // A launch hook: the instance waits for it (launches only, never ExitStandby).
          i.lifecycle = 'Pending:Wait'
          i.due = this.w.now() + i.hookHoldMs
          i.hookHoldMs = undefined
          break
        }
      // falls through
      case 'Pending:Wait':
        i.hookName = undefined
        i.lifecycle = 'InService'
        i.inServiceSince = this.w.now()
        if (i.ec2State === 'pending') i.ec2State = 'running'
        if (g) {
          this.completeActivity(g, i)
          // Assumption: a suspended AddToLoadBalancer also blocks re-registration after ExitStandby.
          if (!g.suspended.has('AddToLoadBalancer') && i.ec2State === 'running') this.w.targets.register(g, i)
          this.finishRebalance(g, i)
        }
        break
      case 'EnteringStandby':
        i.lifecycle = 'Standby'
        if (g) this.completeActivity(g, i)
        break
      case 'Terminating':
        i.lifecycle = 'Terminated'
        if (i.ec2State !== 'terminated') {
          i.stateReason ??= USER_SHUTDOWN
          i.ec2State = 'shutting-down'
          i.ec2TerminatedAt = this.w.now() + EC2_SHUTDOWN_MS
        }
        i.goneAt = this.w.now() + TERMINATED_LINGER_MS
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
    const g = i.group ? this.w.groups.get(i.group) : undefined
    if (g) g.instanceIds = g.instanceIds.filter((id) => id !== i.id)
    i.group = undefined
  }

  private healthCheck(g: SimGroup): void {
    if (g.suspended.has('HealthCheck')) return
    for (const id of g.instanceIds) {
      const i = this.w.instances.get(id) as SimInstance
      if (i.lifecycle !== 'InService') continue
      let unhealthy = (i.ec2State === 'shutting-down' || i.ec2State === 'terminated') && (i.asgSeesEc2At ?? 0) <= this.w.now()
      const graceOver = (i.inServiceSince ?? 0) + g.healthCheckGracePeriod * 1000 <= this.w.now()
      if (!unhealthy && graceOver && g.healthCheckType.split(',').includes('ELB')) {
        // ELB health checks cover the group's Classic LBs as well as its target groups.
        unhealthy = this.w.targets.trafficOf(g).some((arn) => this.w.targetGroups.get(arn)?.targets.get(id)?.state === 'unhealthy')
      }
      if (unhealthy) i.healthStatus = 'Unhealthy'
    }
    if (g.suspended.has('ReplaceUnhealthy')) return
    for (const id of [...g.instanceIds]) {
      const i = this.w.instances.get(id) as SimInstance
      if (i.lifecycle === 'InService' && i.healthStatus === 'Unhealthy') {
        this.beginTermination(
          g,
          i,
          `At ${iso(this.w.now())} an instance was taken out of service in response to a ${i.ec2State === 'running' ? 'ELB' : 'EC2'} health check indicating it has been terminated or stopped.`
        )
      }
    }
  }

  private reconcile(g: SimGroup): void {
    const active = this.activeInstances(g)
    // Units: the instance count, or the sum of the weights in a weighted group.
    const count = unitsOf(active)
    if (count < g.desired && !g.suspended.has('Launch')) {
      // The template version the group's spec resolves to now ($Latest / $Default at launch time).
      const templateProblem = this.launchProblemOf(g)
      if (templateProblem !== undefined) {
        if (this.w.now() >= g.nextLaunchAttempt) {
          this.recordActivity(g, {
            Description: `Launching a new EC2 instance.  Status Reason: ${templateProblem}`,
            Cause: `At ${iso(this.w.now())} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${count} to ${g.desired}.`,
            StatusCode: 'Failed',
            StatusMessage: templateProblem,
            done: true
          })
          g.nextLaunchAttempt = this.w.now() + LAUNCH_RETRY_MS
        }
      } else if (g.launchFailure !== undefined) {
        if (this.w.now() >= g.nextLaunchAttempt) {
          this.recordActivity(g, {
            Description: 'Launching a new EC2 instance.  Status Reason: ' + g.launchFailure + ' Launching EC2 instance failed.',
            Cause: `At ${iso(this.w.now())} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${count} to ${g.desired}.`,
            StatusCode: 'Failed',
            StatusMessage: g.launchFailure,
            done: true
          })
          g.nextLaunchAttempt = this.w.now() + LAUNCH_RETRY_MS
          if (g.launchFailuresLeft !== undefined && --g.launchFailuresLeft <= 0) {
            // Transient: the next retry (10 s later) succeeds.
            g.launchFailure = undefined
            g.launchFailuresLeft = undefined
          }
        }
      } else if (this.w.now() >= g.nextLaunchAttempt) {
        // Launch until the desired units are met, even if the last instance overshoots them.
        for (let n = count; n < g.desired; ) n += this.launchInstance(g, count, g.desired).weight
      }
    }
    if (count > g.desired && !g.suspended.has('Terminate')) {
      // Scale in by whole instances, never below the desired units (a weighted group keeps its overshoot).
      let left = count
      const victims = active
        .filter((i) => !i.protectedFromScaleIn)
        .sort((a, b) => a.launchTime - b.launchTime || g.instanceIds.indexOf(a.id) - g.instanceIds.indexOf(b.id))
        .filter((i) => (left - i.weight >= g.desired ? ((left -= i.weight), true) : false))
      for (const v of victims) {
        this.beginTermination(
          g,
          v,
          `At ${iso(this.w.now())} a user request explicitly set group desired capacity changing the desired capacity from ${count} to ${g.desired}. At ${iso(this.w.now())} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${count} to ${g.desired}.`
        )
      }
    }
    this.rebalance(g)
  }

  /** AZRebalance (simplified): with a spread worse than 1 between zones, launch in the emptiest and terminate in the fullest. */
  private rebalance(g: SimGroup): void {
    if (g.availabilityZones.length < 2 || g.launchFailure !== undefined) return
    if (this.launchProblemOf(g) !== undefined) return
    if (['AZRebalance', 'Launch', 'Terminate'].some((p) => g.suspended.has(p))) return
    const active = this.activeInstances(g)
    if (countsUnits(g) || active.length !== g.desired) return
    const counts = new Map(g.availabilityZones.map((z) => [z, 0]))
    for (const i of active) counts.set(i.availabilityZone, (counts.get(i.availabilityZone) ?? 0) + 1)
    const sorted = [...counts.entries()].sort((a, b) => a[1] - b[1])
    const low = sorted[0]
    const high = sorted[sorted.length - 1]
    if (!low || !high || high[1] - low[1] <= 1) return
    const victim = active.filter((i) => i.availabilityZone === high[0] && !i.protectedFromScaleIn).sort((a, b) => a.launchTime - b.launchTime)[0]
    if (!victim) return
    this.launchInstance(g, active.length, g.desired, low[0], 'rebalancing')
    this.beginTermination(g, victim, `At ${iso(this.w.now())} an instance was taken out of service in response to an Availability Zone rebalancing operation.`)
  }

  /** Why the group's next launch (its next instance type, the template version that type resolves to) fails, if it does. */
  private launchProblemOf(g: SimGroup): string | undefined {
    const instanceType = peekInstanceType(g)
    return this.w.images.launchProblem(this.w.images.launchData(g, instanceType), instanceType)
  }

  private launchInstance(g: SimGroup, from: number, to: number, az?: string, why = 'capacity'): SimInstance {
    this.w.checks.inv4++
    if (g.instanceIds.some((id) => STANDBYISH.has(this.w.instances.get(id)?.lifecycle ?? ''))) {
      this.w.violate(`invariant 4: group ${g.name} launched an instance while it has instances in Standby/EnteringStandby`)
    }
    const tags: Record<string, string> = {}
    for (const t of g.tags.values()) if (t.propagateAtLaunch) tags[t.key] = t.value
    tags['aws:autoscaling:groupName'] = g.name
    const instanceType = nextInstanceType(g)
    const inst: SimInstance = {
      id: this.w.ids.instanceId(),
      group: g.name,
      lifecycle: 'Pending',
      healthStatus: 'Healthy',
      availabilityZone: az ?? this.emptiestZone(g),
      protectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
      launchTime: this.w.now(),
      instanceType,
      weight: weightOfType(g, instanceType),
      tags,
      version: tags[this.w.versionTagKey],
      ec2State: 'pending',
      due: this.w.now() + g.launchSeconds * 1000,
      goneAt: undefined,
      ec2TerminatedAt: undefined,
      inServiceSince: undefined,
      activityId: undefined,
      healthOverride: undefined,
      launchTemplate: g.launchTemplate,
      imageId: this.w.images.launchData(g, instanceType)?.ImageId
    }
    const hook = g.lifecycleHooks.find((h) => h.LifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING' && h.holdSeconds !== undefined)
    if (hook) {
      // Held at most HeartbeatTimeout; then the DefaultResult applies (CONTINUE assumed here).
      inst.hookHoldMs = Math.min(hook.holdSeconds ?? 0, hook.HeartbeatTimeout ?? 3600) * 1000
      inst.hookName = hook.LifecycleHookName
    }
    this.w.instances.set(inst.id, inst)
    g.instanceIds.push(inst.id)
    const cause =
      why === 'rebalancing'
        ? `At ${iso(this.w.now())} an instance was launched in response to an Availability Zone rebalancing operation.`
        : why === 'capacity-rebalance'
          ? `At ${iso(this.w.now())} an instance was launched in response to an EC2 instance rebalance recommendation.`
          : `At ${iso(this.w.now())} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`
    inst.activityId = this.recordActivity(g, { Description: `Launching a new EC2 instance: ${inst.id}`, Cause: cause, StatusCode: 'InProgress', done: false }).ActivityId
    return inst
  }

  private emptiestZone(g: SimGroup): string {
    const counts = new Map(g.availabilityZones.map((z) => [z, 0]))
    for (const i of this.activeInstances(g)) counts.set(i.availabilityZone, (counts.get(i.availabilityZone) ?? 0) + 1)
    return [...counts.entries()].sort((a, b) => a[1] - b[1])[0]?.[0] ?? `${this.w.region}a`
  }

  activeInstances(g: SimGroup): SimInstance[] {
    return g.instanceIds.map((id) => this.w.instances.get(id) as SimInstance).filter((i) => ACTIVE.has(i.lifecycle) && !i.atRisk)
  }

  /**
   * Capacity Rebalancing: EC2 sends a rebalance recommendation for a Spot instance; Auto Scaling launches a
   * replacement first and terminates the at-risk instance once the replacement is InService (it keeps
   * serving until then). Only for an InService instance of a group with CapacityRebalance.
   */
  rebalanceSpot(id: string): SimInstance {
    const i = this.w.mustInstance(id)
    const g = i.group ? this.w.groups.get(i.group) : undefined
    if (!g || !g.capacityRebalance) throw new Error(`${id} is not in a group with CapacityRebalance`)
    if (i.lifecycle !== 'InService' || i.atRisk) throw new Error(`${id} is ${i.lifecycle}${i.atRisk ? ' and already being replaced' : ''}; Capacity Rebalancing replaces InService instances`)
    i.atRisk = true
    const units = this.activeUnits(g)
    const replacement = this.launchInstance(g, units, g.desired, undefined, 'capacity-rebalance')
    replacement.replaces = i.id
    this.w.settle()
    return replacement
  }

  private finishRebalance(g: SimGroup, replacement: SimInstance): void {
    const old = replacement.replaces ? this.w.instances.get(replacement.replaces) : undefined
    replacement.replaces = undefined
    if (!old || old.group !== g.name || old.lifecycle !== 'InService') return
    this.beginTermination(g, old, `At ${iso(this.w.now())} an instance was taken out of service in response to an EC2 instance rebalance recommendation.`)
  }

  activeCount(g: SimGroup): number {
    return this.activeInstances(g).length
  }

  /** Capacity units of the Pending/InService instances (their count when the group is not weighted). */
  activeUnits(g: SimGroup): number {
    return unitsOf(this.activeInstances(g))
  }

  recordActivity(
    g: SimGroup,
    a: { Description: string; Cause: string; StatusCode: string; StatusMessage?: string; Progress?: number; done: boolean }
  ): SimActivity {
    const act: SimActivity = {
      ActivityId: this.w.ids.uuid(),
      AutoScalingGroupName: g.name,
      AutoScalingGroupARN: g.arn,
      Description: a.Description,
      Cause: a.Cause,
      StartTime: this.w.now(),
      EndTime: a.done ? this.w.now() : undefined,
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
      act.EndTime = this.w.now()
    }
    i.activityId = undefined
  }

  /** Start terminating an instance of a group: targets drain, then the instance terminates. */
  beginTermination(g: SimGroup, i: SimInstance, cause: string): SimActivity {
    const drain = this.w.targets.deregister(i)
    i.lifecycle = 'Terminating'
    i.due = this.w.now() + drain
    const act = this.recordActivity(g, { Description: `Terminating EC2 instance: ${i.id}`, Cause: cause, StatusCode: 'InProgress', Progress: 0, done: false })
    i.activityId = act.ActivityId
    return act
  }

  apiGroup(name: string | undefined): SimGroup {
    const g = name === undefined ? undefined : this.w.groups.get(name)
    if (!g) throw validation(`AutoScalingGroup name not found - AutoScalingGroup ${name ?? 'null'} not found`)
    return g
  }

  private groupInstance(g: SimGroup, id: string): SimInstance {
    const i = this.w.instances.get(id)
    if (!i || i.group !== g.name) throw validation(`The instance ${id} is not part of Auto Scaling group ${g.name}.`)
    return i
  }

  private limitIds(ids: string[], max: number, what: string): void {
    if (ids.length === 0) throw validation(`1 validation error detected: Value null at 'instanceIds' failed to satisfy constraint: Member must not be null`)
    if (ids.length > max) throw validation(`The number of instances for ${what} exceeds the maximum of ${max}.`)
  }

  updateGroup(name: string, p: { MinSize?: number; MaxSize?: number; DesiredCapacity?: number; NewInstancesProtectedFromScaleIn?: boolean; HealthCheckType?: string; HealthCheckGracePeriod?: number; LaunchTemplate?: LaunchTemplateSpec; MixedLaunchTemplate?: LaunchTemplateSpec }): void {
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
    if (p.LaunchTemplate !== undefined) {
      g.launchTemplate = p.LaunchTemplate
      // A plain LaunchTemplate replaces the mixed instances policy: its overrides (types, weights, their own templates or images) go too.
      g.mixedInstanceTypes = undefined
      g.overrides = undefined
    }
    // A MixedInstancesPolicy update names only what changes: here its launch template (the Overrides stay).
    if (p.MixedLaunchTemplate !== undefined) {
      if (g.mixedInstanceTypes === undefined) g.mixedInstanceTypes = [g.instanceType]
      g.launchTemplate = p.MixedLaunchTemplate
    }
    if (from !== desired) this.noteDesired(g, from, desired)
  }

  private noteDesired(g: SimGroup, from: number, to: number): void {
    this.recordActivity(g, {
      Description: `Set desired capacity from ${from} to ${to}`,
      Cause: `At ${iso(this.w.now())} a user request explicitly set group desired capacity changing the desired capacity from ${from} to ${to}.`,
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
    // Assumption (the API reference says "by the number of instances"): a weighted group is decremented by
    // the instances' weights, the units they counted for, never below 0 (an overshoot) (see the sim README).
    const to = decrement ? Math.max(0, from - unitsOf(insts)) : from
    if (to < g.min) {
      throw validation(
        `AutoScalingGroup ${g.name} has min-size=${g.min}, max-size=${g.max}, and desired-size=${g.desired}. To place into standby ${insts.length} instances, please update the AutoScalingGroup sizes appropriately.`
      )
    }
    this.w.checkEnterStandby(g, insts)
    g.desired = to
    return insts.map((i) => {
      const drain = this.w.targets.deregister(i)
      i.lifecycle = 'EnteringStandby'
      i.due = this.w.now() + drain
      const act = this.recordActivity(g, {
        Description: `Moving EC2 instance to Standby: ${i.id}`,
        Cause: `At ${iso(this.w.now())} instance ${i.id} was moved to standby in response to a user request${decrement ? `, shrinking the capacity from ${from} to ${to}` : ''}.`,
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
    // User guide, "Suspend and resume a process": "you can't return an instance in a standby state to service if
    // the Launch process is suspended, because the group can't scale" (the message is from public CLI output).
    if (g.suspended.has('Launch')) throw validation(`Cannot move instances out of Standby for AutoScalingGroup ${g.name} while the Launch process is suspended`)
    const from = g.desired
    const to = from + unitsOf(insts)
    // Assumption (AWS docs are silent): refuse rather than silently exceed MaxSize.
    if (to > g.max) {
      throw validation(
        `AutoScalingGroup ${g.name} has min-size=${g.min}, max-size=${g.max}, and desired-size=${g.desired}. To move ${insts.length} instances out of standby, please update the AutoScalingGroup sizes appropriately.`
      )
    }
    g.desired = to
    return insts.map((i) => {
      i.lifecycle = 'Pending'
      i.due = this.w.now() + EXIT_STANDBY_SECONDS * 1000
      const act = this.recordActivity(g, {
        Description: `Moving EC2 instance out of Standby: ${i.id}`,
        Cause: `At ${iso(this.w.now())} instance ${i.id} was moved out of standby in response to a user request, increasing the capacity from ${from} to ${to}.`,
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
    const to = decrement ? from - unitsOf(insts) : from
    if (to < g.min) {
      throw validation(
        `AutoScalingGroup ${g.name} has min-size=${g.min}, max-size=${g.max}, and desired-size=${g.desired}. To detach ${insts.length} instances, please update the AutoScalingGroup sizes appropriately.`
      )
    }
    g.desired = to
    return insts.map((i) => {
      const drain = this.w.targets.deregister(i)
      i.detachedBy = by
      i.lifecycle = 'Detaching'
      i.due = this.w.now() + drain
      const act = this.recordActivity(g, {
        Description: `Detaching EC2 instance: ${i.id}`,
        Cause: `At ${iso(this.w.now())} instance ${i.id} was detached in response to a user request${decrement ? `, shrinking the capacity from ${from} to ${to}` : ''}.`,
        StatusCode: 'InProgress',
        Progress: 50,
        done: false
      })
      i.activityId = act.ActivityId
      return { ...act }
    })
  }

  terminateInstanceInGroup(id: string, decrement: boolean | undefined): SimActivity {
    const i = this.w.instances.get(id)
    const g = i?.group ? this.w.groups.get(i.group) : undefined
    if (!i || !g) throw validation(`Instance Id not found - No managed instance found for instance ID: ${id}`)
    if (decrement === undefined) throw validation(`1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: Member must not be null`)
    if (decrement && g.desired - i.weight < g.min) {
      throw validation(
        `Currently, desiredSize equals minSize (${g.min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`
      )
    }
    if (i.lifecycle === 'Terminating' || i.lifecycle === 'Terminated') {
      return { ...(g.activities.find((a) => a.Description.endsWith(id)) as SimActivity) }
    }
    this.w.checkNotServing([i], 'TerminateInstanceInAutoScalingGroup')
    if (decrement) g.desired -= i.weight
    return { ...this.beginTermination(g, i, `At ${iso(this.w.now())} instance ${id} was taken out of service in response to a user request${decrement ? `, shrinking the capacity from ${g.desired + i.weight} to ${g.desired}` : ''}.`) }
  }

  suspendProcesses(name: string, processes: string[] | undefined): void {
    const g = this.apiGroup(name)
    const list = processes === undefined || processes.length === 0 ? [...ALL_PROCESSES] : processes
    for (const p of list) if (!(ALL_PROCESSES as readonly string[]).includes(p)) throw validation(`Process name '${p}' is not a valid process name.`)
    for (const p of list) if (!g.suspended.has(p)) g.suspended.set(p, `User suspended at ${iso(this.w.now())}`)
  }

  resumeProcesses(name: string, processes: string[] | undefined): void {
    const g = this.apiGroup(name)
    const list = processes === undefined || processes.length === 0 ? [...ALL_PROCESSES] : processes
    for (const p of list) if (!(ALL_PROCESSES as readonly string[]).includes(p)) throw validation(`Process name '${p}' is not a valid process name.`)
    for (const p of list) g.suspended.delete(p)
  }

  createOrUpdateTags(tags: { ResourceId?: string; ResourceType?: string; Key?: string; Value?: string; PropagateAtLaunch?: boolean }[]): void {
    checkTagsPerCall('CreateOrUpdateTags', tags.length)
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
    checkTagsPerCall('DeleteTags', tags.length)
    const groups = tags.map((t) => this.apiGroup(t.ResourceId))
    tags.forEach((t, n) => (groups[n] as SimGroup).tags.delete(t.Key ?? ''))
  }

}
