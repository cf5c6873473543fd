// The AWS adapter behind the Fleet port: Auto Scaling, ELBv2 target health, EC2 terminate and
// CloudWatch alarms, through the real SDK clients.
import {
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeLifecycleHooksCommand,
  DescribePoliciesCommand,
  DescribeScalingActivitiesCommand,
  DescribeScheduledActionsCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  ResumeProcessesCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
  type Activity as SdkActivity,
  type AutoScalingGroup,
  type ScalingPolicy as SdkPolicy
} from '@aws-sdk/client-auto-scaling'
import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Instance as Ec2Instance } from '@aws-sdk/client-ec2'
import type { AlarmStatus } from '../domain/bake.js'
import { describeAlarms } from './alarms.js'
import { classicInstanceHealth } from './classic.js'
import { classicName } from '../domain/classic.js'
import type { Clock } from '../clock.js'
import { ActionError, AwsCallFailed } from '../errors.js'
import type { Activity, Capacity, CapacityUnit, LaunchSource, ScalingPolicy, ScheduledAction, TargetHealth, TargetState } from '../domain/model.js'
import { chunk } from '../domain/steps.js'
import { movePolicy, moveScheduledAction } from './scaling.js'
import { findImage, setImage, templateVersion } from './images.js'
import type { ImageInfo, TemplateVersion } from '../domain/image.js'
import type { Clients } from './clients.js'
import type { Fleet, GroupDescription, TargetGroupHealthCheck } from './port.js'

const ACTIVE_REFRESH = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking'])
/** Auto Scaling refuses some writes while an activity runs; the SDK does not retry these, we do. */
const CONTENTION = new Set(['ScalingActivityInProgressFault', 'ResourceContentionFault', 'ScalingActivityInProgress', 'ResourceContention'])
const CONTENTION_ATTEMPTS = 6
/** Pages of 100 scaling activities read back at most while looking for the ones a wait has seen. */
const ACTIVITY_PAGES = 5
const GONE_EC2_STATES = new Set(['shutting-down', 'terminated'])

/** DescribeTargetHealth: instances named per call before asking for the whole target group instead. */
const TARGETS_PER_CALL = 100

export class AwsFleet implements Fleet {
  constructor(
    private readonly clients: Clients,
    private readonly clock: Clock,
    private readonly log: (line: string) => void = () => {}
  ) {}

  async listGroups(tagKey: string, tagValue: string): Promise<GroupDescription[]> {
    const groups: AutoScalingGroup[] = []
    let token: string | undefined
    do {
      const page = await this.call(`DescribeAutoScalingGroups (tag ${tagKey}=${tagValue})`, () =>
        this.clients.autoscaling.send(
          new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: `tag:${tagKey}`, Values: [tagValue] }], MaxRecords: 100, NextToken: token })
        )
      )
      groups.push(...(page.AutoScalingGroups ?? []))
      token = page.NextToken
    } while (token)
    return groups.map(toGroup)
  }

  async describeGroups(names: string[]): Promise<GroupDescription[]> {
    // AWS may answer with fewer groups than asked for, and a NextToken.
    return (
      await this.paged(`DescribeAutoScalingGroups (${names.join(', ')})`, async (NextToken) => {
        const r = await this.clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names, MaxRecords: 100, NextToken }))
        return { items: r.AutoScalingGroups ?? [], next: r.NextToken }
      })
    ).map(toGroup)
  }

  async activities(group: string, known?: ReadonlySet<string>): Promise<Activity[]> {
    const out: Activity[] = []
    let NextToken: string | undefined
    for (let page = 0; page < ACTIVITY_PAGES; page++) {
      const r = await this.call(`DescribeScalingActivities for ${group}`, () =>
        this.clients.autoscaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: group, MaxRecords: 100, NextToken }))
      )
      const items = (r.Activities ?? []).map(toActivity)
      out.push(...items)
      NextToken = r.NextToken
      // Older pages only matter while they may hold activities newer than the ones already known.
      if (!known || known.size === 0 || !NextToken || items.some((a) => known.has(a.id))) break
    }
    return out
  }

  async loadDetails(group: GroupDescription): Promise<GroupDescription> {
    const name = group.name
    const asg = this.clients.autoscaling
    const [policies, scheduledActions, activities, refreshes, hooks] = await Promise.all([
      this.paged(`DescribePolicies for ${name}`, async (NextToken) => {
        const r = await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: name, NextToken }))
        return { items: (r.ScalingPolicies ?? []).map(toPolicy), next: r.NextToken }
      }),
      this.paged(`DescribeScheduledActions for ${name}`, async (NextToken) => {
        const r = await asg.send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: name, NextToken }))
        return { items: (r.ScheduledUpdateGroupActions ?? []).map(toScheduledAction), next: r.NextToken }
      }),
      this.activities(name),
      this.call(`DescribeInstanceRefreshes for ${name}`, () =>
        asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: name, MaxRecords: 5 }))
      ),
      // Not paged: a group has at most 50 lifecycle hooks, all in one answer.
      this.call(`DescribeLifecycleHooks for ${name}`, () => asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: name })))
    ])
    const active = (refreshes.InstanceRefreshes ?? []).find((r) => ACTIVE_REFRESH.has(r.Status ?? ''))
    return {
      ...group,
      policies,
      scheduledActions,
      activities,
      lifecycleHooks: (hooks.LifecycleHooks ?? []).map((h) => ({
        name: h.LifecycleHookName ?? '',
        transition: h.LifecycleTransition ?? '',
        // AWS's default HeartbeatTimeout is one hour.
        heartbeatTimeoutSeconds: h.HeartbeatTimeout ?? 3600,
        ...(h.DefaultResult ? { defaultResult: h.DefaultResult } : {})
      })),
      ...(active ? { activeInstanceRefresh: `${active.InstanceRefreshId} (${active.Status})` } : {})
    }
  }

  async targetHealth(targetGroupArn: string, instanceIds: string[]): Promise<Record<string, TargetHealth>> {
    const out: Record<string, TargetHealth> = {}
    const asked = new Set(instanceIds)
    let listed: TargetHealthDescription[]
    if (instanceIds.length > TARGETS_PER_CALL) {
      // More than one call's worth: ask for the whole target group (its registered targets) in one call,
      // so a poll costs one call per target group whatever the fleet's size. Not listed = not registered.
      for (const id of instanceIds) out[id] = { state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group' }
      listed = await this.call(`DescribeTargetHealth for ${targetGroupArn}`, async () => {
        const r = await this.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))
        return r.TargetHealthDescriptions ?? []
      })
    } else {
      listed = await this.describeTargets(targetGroupArn, instanceIds)
    }
    for (const d of listed) {
      const id = d.Target?.Id
      if (!id || !asked.has(id)) continue
      out[id] = {
        state: (d.TargetHealth?.State ?? 'unavailable') as TargetState,
        ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
        ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {})
      }
    }
    return out
  }

  /**
   * One id EC2 has forgotten (an instance terminated over an hour ago, e.g. a Standby instance reclaimed
   * behind the group's back) fails DescribeTargetHealth for all: ask EC2 which ids are gone, ask again
   * without them.
   */
  private async describeTargets(targetGroupArn: string, ids: string[]): Promise<TargetHealthDescription[]> {
    // The wire code is InvalidTarget; the SDK names the error after its shape, InvalidTargetException.
    return this.withoutForgotten(`DescribeTargetHealth for ${targetGroupArn}`, ['InvalidTarget', 'InvalidTargetException'], ids, [], (list) =>
      this.call(`DescribeTargetHealth for ${targetGroupArn}`, async () => {
        const r = await this.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn, Targets: list.map((Id) => ({ Id })) }))
        return r.TargetHealthDescriptions ?? []
      })
    )
  }

  /**
   * A read naming instances fails whole when one of them is an id EC2 has forgotten (`codes`): ask EC2
   * which ids are gone, and read again without them (`none` when none is left).
   */
  private async withoutForgotten<T>(what: string, codes: string[], ids: string[], none: T, read: (ids: string[]) => Promise<T>): Promise<T> {
    try {
      return await read(ids)
    } catch (err) {
      if (!(err instanceof AwsCallFailed) || !codes.includes(err.awsError)) throw err
      const gone = await this.instancesGone(ids)
      if (gone.size === 0) throw err
      const known = ids.filter((id) => !gone.has(id))
      this.log(`${what}: ${err.awsError}; ${gone.size} instance(s) EC2 no longer runs left out (${[...gone].join(', ')})`)
      return known.length > 0 ? read(known) : none
    }
  }

  async classicHealth(loadBalancerName: string, instanceIds: string[]): Promise<Record<string, TargetHealth>> {
    // The wire code is InvalidInstance; the SDK names the error InvalidEndPointException.
    return this.withoutForgotten(`DescribeInstanceHealth for ${loadBalancerName}`, ['InvalidInstance', 'InvalidEndPointException', 'InvalidEndPoint'], instanceIds, {}, (ids) =>
      classicInstanceHealth(this.clients, (what, fn) => this.call(what, fn), loadBalancerName, ids)
    )
  }

  async targetGroupHealthChecks(keys: string[]): Promise<Record<string, TargetGroupHealthCheck>> {
    const out: Record<string, TargetGroupHealthCheck> = {}
    // A wait's keys include its Classic LBs (domain/classic.ts): not target groups, not asked here.
    const targetGroupArns = keys.filter((k) => classicName(k) === undefined)
    for (const arns of chunk(targetGroupArns, 20)) {
      const tgs = await this.paged(`DescribeTargetGroups (${arns.join(', ')})`, async (Marker) => {
        const r = await this.clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: arns, Marker }))
        return { items: r.TargetGroups ?? [], next: r.NextMarker }
      })
      for (const tg of tgs) {
        if (!tg.TargetGroupArn) continue
        out[tg.TargetGroupArn] = {
          intervalSeconds: tg.HealthCheckIntervalSeconds ?? 30,
          healthyThreshold: tg.HealthyThresholdCount ?? 5,
          unhealthyThreshold: tg.UnhealthyThresholdCount ?? 2
        }
      }
    }
    return out
  }

  async alarms(names: string[]): Promise<AlarmStatus[]> {
    return describeAlarms(this.clients, names, (what, page) => this.paged(what, page))
  }

  async deregistrationDelays(targetGroupArns: string[]): Promise<Record<string, number>> {
    const pairs = await Promise.all(
      targetGroupArns.map(async (arn) => {
        const attributes = await this.call(`DescribeTargetGroupAttributes for ${arn}`, async () => {
          const r = await this.clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }))
          return r.Attributes ?? []
        })
        const value = attributes.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value
        // ELBv2's default when the attribute is absent (it is always returned in practice).
        return [arn, value === undefined ? 300 : Number(value)] as const
      })
    )
    return Object.fromEntries(pairs)
  }

  async instancesGone(instanceIds: string[]): Promise<Set<string>> {
    const running = new Set<string>()
    for (const i of await this.describeInstances(instanceIds)) {
      if (i.InstanceId && !GONE_EC2_STATES.has(i.State?.Name ?? '')) running.add(i.InstanceId)
    }
    return new Set(instanceIds.filter((id) => !running.has(id)))
  }

  async instanceTags(instanceIds: string[]): Promise<Record<string, Record<string, string>>> {
    const out: Record<string, Record<string, string>> = {}
    for (const i of await this.describeInstances(instanceIds)) {
      if (i.InstanceId) out[i.InstanceId] = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']))
    }
    return out
  }

  private async describeInstances(instanceIds: string[]): Promise<Ec2Instance[]> {
    const out: Ec2Instance[] = []
    for (const ids of chunk(instanceIds, 100)) {
      // A filter (unlike InstanceIds) does not fail on ids EC2 has forgotten: they are simply not listed.
      const reservations = await this.paged(`DescribeInstances (${ids.length} instance(s))`, async (NextToken) => {
        const { client, api } = await this.clients.ec2()
        const r = await client.send(new api.DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ids }], MaxResults: 1000, NextToken }))
        return { items: r.Reservations ?? [], next: r.NextToken }
      })
      out.push(...reservations.flatMap((r) => r.Instances ?? []))
    }
    return out
  }

  async tag(group: string, tags: Record<string, string>, propagate: string[]): Promise<void> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({
      ResourceId: group,
      ResourceType: 'auto-scaling-group',
      Key,
      Value,
      PropagateAtLaunch: propagate.includes(Key)
    }))
    await this.write(`CreateOrUpdateTags on ${group}`, () => this.clients.autoscaling.send(new CreateOrUpdateTagsCommand({ Tags })))
  }

  async tagAll(tags: { group: string; key: string; value: string }[]): Promise<void> {
    const Tags = tags.map((t) => ({ ResourceId: t.group, ResourceType: 'auto-scaling-group', Key: t.key, Value: t.value, PropagateAtLaunch: false }))
    const groups = [...new Set(tags.map((t) => t.group))].join(', ')
    await this.write(`CreateOrUpdateTags on ${groups}`, () => this.clients.autoscaling.send(new CreateOrUpdateTagsCommand({ Tags })))
  }

  async untag(tags: { group: string; key: string }[]): Promise<void> {
    const Tags = tags.map((t) => ({ ResourceId: t.group, ResourceType: 'auto-scaling-group', Key: t.key }))
    const groups = [...new Set(tags.map((t) => t.group))].join(', ')
    await this.write(`DeleteTags on ${groups}`, () => this.clients.autoscaling.send(new DeleteTagsCommand({ Tags })))
  }

  async setCapacity(group: string, c: Capacity): Promise<void> {
    await this.write(`UpdateAutoScalingGroup ${group} (min ${c.min}, desired ${c.desired}, max ${c.max})`, () =>
      this.clients.autoscaling.send(
        new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: c.min, MaxSize: c.max, DesiredCapacity: c.desired })
      )
    )
  }

  async setMin(group: string, min: number): Promise<void> {
    await this.write(`UpdateAutoScalingGroup ${group} (min ${min})`, () =>
      this.clients.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: min }))
    )
  }

  async suspend(group: string, processes: string[]): Promise<void> {
    await this.write(`SuspendProcesses on ${group}`, () =>
      this.clients.autoscaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: group, ScalingProcesses: processes }))
    )
  }

  async resume(group: string, processes: string[]): Promise<void> {
    await this.write(`ResumeProcesses on ${group}`, () =>
      this.clients.autoscaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: group, ScalingProcesses: processes }))
    )
  }

  async enterStandby(group: string, ids: string[]): Promise<void> {
    await this.write(`EnterStandby on ${group} (${ids.join(', ')})`, () =>
      this.clients.autoscaling.send(new EnterStandbyCommand({ AutoScalingGroupName: group, InstanceIds: ids, ShouldDecrementDesiredCapacity: true }))
    )
  }

  async exitStandby(group: string, ids: string[]): Promise<void> {
    await this.write(`ExitStandby on ${group} (${ids.join(', ')})`, () =>
      this.clients.autoscaling.send(new ExitStandbyCommand({ AutoScalingGroupName: group, InstanceIds: ids }))
    )
  }

  async unprotect(group: string, ids: string[]): Promise<void> {
    await this.write(`SetInstanceProtection on ${group}`, () =>
      this.clients.autoscaling.send(
        new SetInstanceProtectionCommand({ AutoScalingGroupName: group, InstanceIds: ids, ProtectedFromScaleIn: false })
      )
    )
  }

  async detach(group: string, ids: string[]): Promise<void> {
    // The standby instances were already subtracted from desired when they entered Standby.
    await this.write(`DetachInstances from ${group} (${ids.join(', ')})`, () =>
      this.clients.autoscaling.send(new DetachInstancesCommand({ AutoScalingGroupName: group, InstanceIds: ids, ShouldDecrementDesiredCapacity: false }))
    )
  }

  async terminate(ids: string[]): Promise<void> {
    const refused = await this.terminateWhatEc2Allows(ids)
    if (refused.length > 0) throw new InstancesLeftRunning(refused)
  }

  /** Terminates every id EC2 lets us; returns those it refused (termination protection) with its reason. */
  private async terminateWhatEc2Allows(ids: string[]): Promise<{ id: string; reason: string }[]> {
    try {
      const { client, api } = await this.clients.ec2()
      await client.send(new api.TerminateInstancesCommand({ InstanceIds: ids }))
      return []
    } catch (err) {
      if (ids.length === 1) {
        if (isNotFound(err)) return [] // long gone
        if (isRefused(err)) return [{ id: ids[0] as string, reason: `${(err as Error).name}: ${(err as Error).message}` }]
        throw wrap(`TerminateInstances (${ids.join(', ')})`, err)
      }
      // One unknown id makes EC2 terminate nothing; one protected id stops every id of its zone. One by one.
      if (!isNotFound(err) && !isRefused(err)) throw wrap(`TerminateInstances (${ids.join(', ')})`, err)
      const refused: { id: string; reason: string }[] = []
      for (const id of ids) refused.push(...(await this.terminateWhatEc2Allows([id])))
      return refused
    }
  }

  async terminationProtected(ids: string[]): Promise<string[]> {
    const out: string[] = []
    // DescribeInstanceAttribute reads one instance per call: 20 per round (the EC2 client lets 8 out at
    // once, and EC2 refills that API's bucket at 20 a second).
    for (const batch of chunk(ids, 20)) {
      const flags = await Promise.all(
        batch.map((id) =>
          this.call(`DescribeInstanceAttribute disableApiTermination of ${id}`, async () => {
            try {
              const { client, api } = await this.clients.ec2()
              const r = await client.send(new api.DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'disableApiTermination' }))
              return r.DisableApiTermination?.Value === true
            } catch (err) {
              if (isNotFound(err)) return false // gone: nothing to terminate
              throw err
            }
          })
        )
      )
      out.push(...batch.filter((_, n) => flags[n]))
    }
    return out
  }

  async movePolicy(from: string, to: string, policy: ScalingPolicy): Promise<void> {
    await movePolicy(this.clients, { from, to, policy }, (what, fn) => this.write(what, fn))
  }

  async moveScheduledAction(from: string, to: string, action: ScheduledAction): Promise<void> {
    await moveScheduledAction(this.clients, { from, to, action, now: this.clock.now() }, (what, fn) => this.write(what, fn))
  }

  async findImage(image: string, owners: string[]): Promise<{ chosen?: ImageInfo; candidates: number }> {
    return findImage(this.clients, image, owners, (what, fn) => this.call(what, fn))
  }

  async templateVersion(template: LaunchSource, version: string): Promise<TemplateVersion> {
    return templateVersion(this.clients, template, version, (what, fn) => this.call(what, fn))
  }

  async setImage(group: string, template: LaunchSource, imageId: string): Promise<string> {
    return setImage(this.clients, group, template, imageId, (what, fn) => this.call(what, fn), (what, fn) => this.write(what, fn))
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw wrap(what, err)
    }
  }

  /** A write, retried with backoff while Auto Scaling reports a scaling activity or contention. */
  private async write<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (err) {
        const name = (err as { name?: string }).name ?? ''
        if (!CONTENTION.has(name) || attempt >= CONTENTION_ATTEMPTS) throw wrap(what, err)
        const delay = Math.min(2000 * 2 ** (attempt - 1), 30_000)
        this.log(`${what}: ${name}, retrying in ${delay / 1000}s (attempt ${attempt} of ${CONTENTION_ATTEMPTS})`)
        await this.clock.sleep(delay)
      }
    }
  }

  private async paged<T>(what: string, page: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>): Promise<T[]> {
    const out: T[] = []
    let token: string | undefined
    do {
      const r = await this.call(what, () => page(token))
      out.push(...r.items)
      token = r.next
    } while (token)
    return out
  }
}

function isNotFound(err: unknown): boolean {
  return (err as { name?: string }).name === 'InvalidInstanceID.NotFound'
}

/** EC2's answer to TerminateInstances on an instance with termination protection (DisableApiTermination). */
function isRefused(err: unknown): boolean {
  return (err as { name?: string }).name === 'OperationNotPermitted'
}

/**
 * EC2 refused to terminate instances finalize had already detached: they run, billed, outside any group.
 * Not an AwsCallFailed: re-observing and trying again cannot help until someone lifts the protection.
 */
export class InstancesLeftRunning extends ActionError {
  constructor(readonly refused: { id: string; reason: string }[]) {
    const ids = refused.map((r) => r.id)
    super(
      `EC2 refused to terminate ${ids.join(', ')} (${refused[0]?.reason}). ` +
        `${ids.length === 1 ? 'It is' : 'They are'} detached from ${ids.length === 1 ? 'its' : 'their'} Auto Scaling group and still running (and billed) outside any group. ` +
        `Turn termination protection off and terminate ${ids.length === 1 ? 'it' : 'them'}: ` +
        (ids.length === 1
          ? `aws ec2 modify-instance-attribute --instance-id ${ids[0]} --no-disable-api-termination; `
          : `for id in ${ids.join(' ')}; do aws ec2 modify-instance-attribute --instance-id "$id" --no-disable-api-termination; done; `) +
        `aws ec2 terminate-instances --instance-ids ${ids.join(' ')} (or turn protection off and re-run finalize, which remembers them).`
    )
    this.name = 'InstancesLeftRunning'
  }
}

export function wrap(what: string, err: unknown): ActionError {
  const e = err as { name?: string; message?: string }
  return new AwsCallFailed(`${what} failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, e.name ?? 'Error')
}

function toActivity(a: SdkActivity): Activity {
  return {
    id: a.ActivityId ?? '',
    status: a.StatusCode ?? '',
    description: a.Description ?? '',
    ...(a.StatusMessage ? { message: a.StatusMessage } : {}),
    startTime: a.StartTime ?? new Date(0)
  }
}

/**
 * What the group's sizes count: instance weights (MixedInstancesPolicy overrides with WeightedCapacity) make
 * them units; DesiredCapacityType vcpu / memory-mib makes them vCPUs / MiB. Otherwise instances.
 */
function capacityUnitOf(g: AutoScalingGroup): CapacityUnit | undefined {
  if (g.DesiredCapacityType === 'vcpu' || g.DesiredCapacityType === 'memory-mib') return g.DesiredCapacityType
  const overrides = g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []
  if (overrides.some((o) => o.WeightedCapacity !== undefined && o.WeightedCapacity !== '')) return 'units'
  return undefined
}

/** Each instance's WeightedCapacity (a string) in a group that counts units; absent otherwise (counts 1). */
function weightOfInstance(unit: CapacityUnit | undefined, w: string | undefined): { weight?: number } {
  if (unit === undefined || w === undefined) return {}
  const n = Number(w)
  return Number.isFinite(n) && n > 0 ? { weight: n } : {}
}

function toGroup(g: AutoScalingGroup): GroupDescription {
  const tags: Record<string, string> = {}
  for (const t of g.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? ''
  const unit = capacityUnitOf(g)
  return {
    name: g.AutoScalingGroupName ?? '',
    capacity: { min: g.MinSize ?? 0, desired: g.DesiredCapacity ?? 0, max: g.MaxSize ?? 0 },
    instances: (g.Instances ?? []).map((i) => ({
      id: i.InstanceId ?? '',
      lifecycle: i.LifecycleState ?? 'Pending',
      ...(i.HealthStatus ? { healthStatus: i.HealthStatus } : {}),
      protectedFromScaleIn: i.ProtectedFromScaleIn ?? false,
      ...weightOfInstance(unit, i.WeightedCapacity),
      targets: {}
    })),
    tags,
    targetGroupArns: g.TargetGroupARNs ?? [],
    loadBalancerNames: g.LoadBalancerNames ?? [],
    suspendedProcesses: (g.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? '').filter((p) => p !== ''),
    newInstancesProtected: g.NewInstancesProtectedFromScaleIn ?? false,
    ...(g.HealthCheckGracePeriod !== undefined ? { healthCheckGracePeriodSeconds: g.HealthCheckGracePeriod } : {}),
    warmPool: g.WarmPoolConfiguration !== undefined,
    ...launchSourceOf(g),
    policies: [],
    scheduledActions: [],
    activities: [],
    ...(unit ? { capacityUnit: unit } : {})
  }
}

/** Where a group's instances come from: a launch template (plain or in a mixed instances policy), or a launch configuration. */
function launchSourceOf(g: AutoScalingGroup): { launchTemplate?: LaunchSource; launchConfiguration?: string } {
  const mixed = g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification
  const spec = mixed ?? g.LaunchTemplate
  if (spec && (spec.LaunchTemplateId || spec.LaunchTemplateName)) {
    return {
      launchTemplate: {
        ...(spec.LaunchTemplateId ? { id: spec.LaunchTemplateId } : {}),
        ...(spec.LaunchTemplateName ? { name: spec.LaunchTemplateName } : {}),
        // Auto Scaling's default when no version is given is $Default (LaunchTemplateSpecification.Version).
        version: spec.Version ?? '$Default',
        mixed: mixed !== undefined
      }
    }
  }
  return g.LaunchConfigurationName ? { launchConfiguration: g.LaunchConfigurationName } : {}
}

const POLICY_ID_FIELDS = new Set(['AutoScalingGroupName', 'PolicyName', 'PolicyARN', 'PolicyType', 'Alarms'])

function toPolicy(p: SdkPolicy): ScalingPolicy {
  const settings: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(p)) if (!POLICY_ID_FIELDS.has(k) && v !== undefined) settings[k] = v
  return {
    name: p.PolicyName ?? '',
    arn: p.PolicyARN ?? '',
    type: p.PolicyType ?? 'SimpleScaling',
    settings,
    alarmNames: (p.Alarms ?? []).map((a) => a.AlarmName ?? '').filter((n) => n !== '')
  }
}

function toScheduledAction(a: {
  ScheduledActionName?: string | undefined
  StartTime?: Date | undefined
  EndTime?: Date | undefined
  Recurrence?: string | undefined
  TimeZone?: string | undefined
  MinSize?: number | undefined
  MaxSize?: number | undefined
  DesiredCapacity?: number | undefined
}): ScheduledAction {
  return {
    name: a.ScheduledActionName ?? '',
    ...(a.StartTime ? { startTime: a.StartTime } : {}),
    ...(a.EndTime ? { endTime: a.EndTime } : {}),
    ...(a.Recurrence ? { recurrence: a.Recurrence } : {}),
    ...(a.TimeZone ? { timeZone: a.TimeZone } : {}),
    ...(a.MinSize !== undefined ? { min: a.MinSize } : {}),
    ...(a.MaxSize !== undefined ? { max: a.MaxSize } : {}),
    ...(a.DesiredCapacity !== undefined ? { desired: a.DesiredCapacity } : {})
  }
}
