// The AWS adapter behind the Fleet port: each method hands over to the adapter of its service
// (autoscaling.ts, elbv2.ts, classic.ts, ec2.ts, cloudwatch.ts, scaling.ts, images.ts), all of
// whose calls go through the same wrappers (call.ts).
import type { ActivityBookmark } from '../domain/activities.js'
import type { AlarmStatus } from '../domain/bake.js'
import type { ImageInfo, TemplateVersion } from '../domain/image.js'
import type { InstanceFate } from '../domain/interruption.js'
import type { Activity, Capacity, Forward, LaunchSource, PairListeners, ScalingPolicy, ScheduledAction, TargetHealth } from '../domain/model.js'
import type { Clock } from '../clock.js'
import * as autoscaling from './autoscaling.js'
import { type Aws, withClients } from './call.js'
import * as classic from './classic.js'
import { Coalescer } from './coalesce.js'
import type { Clients } from './clients.js'
import { describeAlarms } from './cloudwatch.js'
import * as ec2 from './ec2.js'
import * as elbv2 from './elbv2.js'
import * as images from './images.js'
import * as listeners from './listeners.js'
import { Pacer } from './pacer.js'
import type { Fleet, GroupDescription, TargetGroupDrain, TargetGroupHealthCheck } from './port.js'
import { movePolicy, moveScheduledAction } from './scaling.js'
import { chunk } from '../domain/steps.js'

/** How long a DescribeAutoScalingGroups waits for other pairs' requests to join it. */
const GROUPS_READ_WINDOW_MS = 10

export interface FleetOptions {
  /**
   * Whether the run must notice an instance refresh that starts after its first look (a deploy never cuts
   * over during one): then DescribeInstanceRefreshes is read at every look of a group with InService
   * instances; otherwise at the first look of each group only.
   */
  watchRefreshes: boolean
}

/**
 * One per run. Reads of several pairs share calls: DescribeAutoScalingGroups of requests made together
 * goes out as one call of up to 100 names, and each group's policies and lifecycle hooks (which only a
 * write changes), and its scheduled actions when it has none, are read once, then again at every look after
 * the run moved a policy or scheduled action of the group (read-your-writes: the reads after a write may lag it).
 */
export class AwsFleet implements Fleet {
  private readonly aws: Aws
  private readonly groupReads: Coalescer<GroupDescription>
  private readonly kept = new Map<string, autoscaling.KeptDetails>()
  /** Groups whose policies or scheduled actions this run moved: read afresh at every look from then on. */
  private readonly written = new Set<string>()

  /** Target groups' health-check settings, read once per run. */
  private readonly healthChecks = new Map<string, TargetGroupHealthCheck>()
  /** Every DescribeInstanceAttribute of the run waits its turn here (EC2's bucket of that API, ec2.ts). */
  private readonly attributeReads: Pacer
  /** The run's DeregisterTargets calls (elbv2.ts TARGET_WRITES): one without a token now is not made. */
  private readonly targetWrites: Pacer

  constructor(
    clients: Clients,
    private readonly clock: Clock,
    log: (line: string) => void = () => {},
    private readonly o: FleetOptions = { watchRefreshes: true }
  ) {
    this.aws = withClients(clients, clock, log)
    this.attributeReads = new Pacer(clock, ec2.ATTRIBUTE_READS)
    this.targetWrites = new Pacer(clock, elbv2.TARGET_WRITES)
    this.groupReads = new Coalescer({
      read: (names) => autoscaling.describeGroups(this.aws, names),
      keyOf: (g) => g.name,
      window: () => clock.sleep(GROUPS_READ_WINDOW_MS),
      maxKeys: autoscaling.GROUP_NAMES_PER_CALL
    })
  }

  listGroups(tagKey: string, tagValue: string): Promise<GroupDescription[]> {
    return autoscaling.listGroups(this.aws, tagKey, tagValue)
  }

  allGroups(): Promise<GroupDescription[]> {
    return autoscaling.listAllGroups(this.aws)
  }

  describeGroups(names: string[]): Promise<GroupDescription[]> {
    return this.groupReads.get(names)
  }

  activities(group: string, bookmark?: ActivityBookmark): Promise<Activity[]> {
    return autoscaling.activities(this.aws, group, bookmark)
  }

  async loadDetails(group: GroupDescription, busy = false): Promise<GroupDescription> {
    const fresh = (): boolean => !this.written.has(group.name)
    const kept = fresh() ? this.kept.get(group.name) : undefined
    const loaded = await autoscaling.loadDetails(this.aws, group, { kept, watchRefreshes: this.o.watchRefreshes, busy })
    // Not kept when a write to the group began meanwhile: this read may predate it.
    if (!kept && fresh()) {
      const { policies, scheduledActions, lifecycleHooks = [] } = loaded
      this.kept.set(group.name, { policies, lifecycleHooks, ...(scheduledActions.length === 0 ? { scheduledActions } : {}) })
    }
    return loaded
  }

  forgetDetails(): void {
    this.kept.clear()
  }

  targetHealth(targetGroupArn: string, instanceIds: string[]): Promise<Record<string, TargetHealth>> {
    return elbv2.targetHealth(this.aws, targetGroupArn, instanceIds)
  }

  classicHealth(loadBalancerName: string, instanceIds: string[]): Promise<Record<string, TargetHealth>> {
    return classic.instanceHealth(this.aws, loadBalancerName, instanceIds)
  }

  listeners(targetGroupArns: string[], known?: PairListeners['listeners']): Promise<PairListeners> {
    return listeners.readListeners(this.aws, targetGroupArns, known)
  }

  setWeights(forward: Forward, weights: { arn: string; weight: number }[]): Promise<string> {
    return listeners.setWeights(this.aws, forward, weights)
  }

  async targetGroupHealthChecks(arns: string[]): Promise<Record<string, TargetGroupHealthCheck>> {
    const missing = arns.filter((a) => !this.healthChecks.has(a))
    if (missing.length > 0) for (const [arn, hc] of Object.entries(await elbv2.targetGroupHealthChecks(this.aws, missing))) this.healthChecks.set(arn, hc)
    return Object.fromEntries(arns.flatMap((a) => (this.healthChecks.has(a) ? [[a, this.healthChecks.get(a) as TargetGroupHealthCheck]] : [])))
  }

  alarms(names: string[]): Promise<AlarmStatus[]> {
    return describeAlarms(this.aws, names)
  }

  deregistrationDelays(targetGroupArns: string[]): Promise<Record<string, TargetGroupDrain>> {
    return elbv2.deregistrationDelays(this.aws, targetGroupArns)
  }

  instancesGone(instanceIds: string[]): Promise<Set<string>> {
    return ec2.instancesGone(this.aws, instanceIds)
  }

  instanceTags(instanceIds: string[]): Promise<Record<string, Record<string, string>>> {
    return ec2.instanceTags(this.aws, instanceIds)
  }

  instanceImages(instanceIds: string[]): Promise<Record<string, string>> {
    return ec2.instanceImages(this.aws, instanceIds)
  }

  instanceFates(instanceIds: string[]): Promise<Record<string, InstanceFate>> {
    return ec2.instanceFates(this.aws, instanceIds)
  }

  tag(group: string, tags: Record<string, string>, propagate: string[]): Promise<void> {
    return autoscaling.tag(this.aws, group, tags, propagate)
  }

  tagAll(tags: { group: string; key: string; value: string }[]): Promise<void> {
    return autoscaling.tagAll(this.aws, tags)
  }

  untag(tags: { group: string; key: string }[]): Promise<void> {
    return autoscaling.untag(this.aws, tags)
  }

  setCapacity(group: string, capacity: Capacity): Promise<void> {
    return autoscaling.setCapacity(this.aws, group, capacity)
  }

  setMin(group: string, min: number): Promise<void> {
    return autoscaling.setMin(this.aws, group, min)
  }

  suspend(group: string, processes: string[]): Promise<void> {
    return autoscaling.suspend(this.aws, group, processes)
  }

  resume(group: string, processes: string[]): Promise<void> {
    return autoscaling.resume(this.aws, group, processes)
  }

  enterStandby(group: string, ids: string[]): Promise<void> {
    return autoscaling.enterStandby(this.aws, group, ids)
  }

  async deregisterTargets(targetGroupArn: string, ids: string[]): Promise<boolean> {
    const batches = chunk(ids, elbv2.TARGETS_PER_DEREGISTER)
    const calls = batches.filter(() => this.targetWrites.tryTake())
    await Promise.all(calls.map((batch) => elbv2.deregisterTargets(this.aws, targetGroupArn, batch)))
    return calls.length === batches.length
  }

  exitStandby(group: string, ids: string[]): Promise<void> {
    return autoscaling.exitStandby(this.aws, group, ids)
  }

  unprotect(group: string, ids: string[]): Promise<void> {
    return autoscaling.unprotect(this.aws, group, ids)
  }

  detach(group: string, ids: string[]): Promise<void> {
    return autoscaling.detach(this.aws, group, ids)
  }

  terminate(ids: string[]): Promise<void> {
    return ec2.terminate(this.aws, ids)
  }

  terminationProtected(ids: string[]): Promise<string[]> {
    return ec2.terminationProtected(this.aws, ids, this.attributeReads)
  }

  movePolicy(from: string, to: string, policy: ScalingPolicy): Promise<void> {
    this.written.add(from).add(to)
    return movePolicy(this.aws, { from, to, policy })
  }

  moveScheduledAction(from: string, to: string, action: ScheduledAction): Promise<void> {
    this.written.add(from).add(to)
    return moveScheduledAction(this.aws, { from, to, action, now: this.clock.now() })
  }

  findImage(image: string, owners: string[]): Promise<{ chosen?: ImageInfo; candidates: number }> {
    return images.findImage(this.aws, image, owners)
  }

  templateVersion(template: LaunchSource, version: string): Promise<TemplateVersion> {
    return images.templateVersion(this.aws, template, version)
  }

  setImage(group: string, template: LaunchSource, imageId: string): Promise<string> {
    return images.setImage(this.aws, group, template, imageId)
  }

  pointTemplate(group: string, template: LaunchSource): Promise<string> {
    return images.pointTemplate(this.aws, group, template)
  }
}
