// The narrow, domain-shaped view of AWS the rest of the action uses. The adapter behind it owns
// pagination, batching to API limits, retries the SDK cannot know about, and error wording.
import type { ActivityBookmark } from '../domain/activities.js'
import type { AlarmStatus } from '../domain/bake.js'
import type { ImageInfo, TemplateVersion } from '../domain/image.js'
import type { InstanceFate } from '../domain/interruption.js'
import type { Capacity, Forward, Group, LaunchSource, PairListeners, ScalingPolicy, ScheduledAction, TargetHealth } from '../domain/model.js'

export type GroupDescription = Omit<Group, 'color'>

/** A target group's health-check timing (DescribeTargetGroups). */
export interface TargetGroupHealthCheck {
  intervalSeconds: number
  healthyThreshold: number
  unhealthyThreshold: number
  /** A Network Load Balancer's target group (Protocol TCP, TLS, UDP, TCP_UDP, QUIC or TCP_QUIC), not an ALB's. */
  network?: boolean
}

/** How a target group drains a deregistered target (DescribeTargetGroupAttributes). */
export interface TargetGroupDrain {
  delaySeconds: number
  /** NLB only: `deregistration_delay.connection_termination.enabled` (undefined: the attribute is not there, an ALB's). */
  connectionTermination?: boolean
}

export interface Fleet {
  /** Every group whose tag `tagKey` equals `tagValue` (instances, tags, capacity, processes, target groups). */
  listGroups(tagKey: string, tagValue: string): Promise<GroupDescription[]>
  /** Every group of the account and region, without instances (deploy by image: who else launches a template). */
  allGroups(): Promise<GroupDescription[]>
  /** The named groups (same detail as listGroups); requests made together may share one call. */
  describeGroups(names: string[]): Promise<GroupDescription[]>
  /**
   * Scaling activities of one group, newest first: every page up to the first one holding an activity `bookmark.known`
   * lists, once its `pending` ones were all read again (domain/activities.ts); the newest page alone without it.
   */
  activities(group: string, bookmark?: ActivityBookmark): Promise<Group['activities']>
  /**
   * Fills in what pre-flight and planning need beyond the group description: with `busy`, what tells whether
   * the group is busy (the newest scaling activities and the active instance refresh; otherwise the group's
   * activities are kept as given); policies and lifecycle hooks once per
   * group, scheduled actions once while the group has none (AWS deletes a one-time action after it runs), and
   * all of them at every call after this fleet moved a policy or scheduled action of the group;
   * the active instance refresh also where the run watches for one (see AwsFleet).
   */
  loadDetails(group: GroupDescription, busy?: boolean): Promise<GroupDescription>
  /** The next loadDetails of every group reads its policies, scheduled actions and hooks again. */
  forgetDetails(): void
  /**
   * Target health of these instances in one target group, in one call however many they are. Up to 100
   * are named (instances EC2 no longer knows are left out: asking about them fails the whole call with
   * InvalidTarget); beyond that the whole target group is read, and an instance it does not list is unused.
   */
  targetHealth(targetGroupArn: string, instanceIds: string[]): Promise<Record<string, TargetHealth>>
  /**
   * Health of these instances in one Classic Load Balancer (DescribeInstanceHealth), in target group terms
   * (domain/classic.ts). Instances EC2 no longer knows are left out, as for targetHealth.
   */
  classicHealth(loadBalancerName: string, instanceIds: string[]): Promise<Record<string, TargetHealth>>
  /**
   * The ALB listeners in front of these target groups (found through their load balancers, or `known`) and
   * every forward action of them that names one of the target groups.
   */
  listeners(targetGroupArns: string[], known?: PairListeners['listeners']): Promise<PairListeners>
  /** Rewrites one forward action's weights (ModifyListener / ModifyRule), every other field kept; says what it wrote. */
  setWeights(forward: Forward, weights: { arn: string; weight: number }[]): Promise<string>
  /** Health-check timing of each target group. */
  targetGroupHealthChecks(targetGroupArns: string[]): Promise<Record<string, TargetGroupHealthCheck>>
  /** The state of these CloudWatch alarms (metric and composite); names CloudWatch does not know are left out. */
  alarms(names: string[]): Promise<AlarmStatus[]>
  /** Each target group's deregistration delay in seconds (how long a deregistering target drains) and NLB connection termination. */
  deregistrationDelays(targetGroupArns: string[]): Promise<Record<string, TargetGroupDrain>>
  /** Of these instance ids, the ones EC2 no longer runs (terminated, shutting down, or forgotten). */
  instancesGone(instanceIds: string[]): Promise<Set<string>>
  /** Each instance's EC2 tags (the group's PropagateAtLaunch tags as they were at its launch); unknown ids are left out. */
  instanceTags(instanceIds: string[]): Promise<Record<string, Record<string, string>>>
  /** Each instance's AMI (EC2 ImageId), what it really launched from; unknown ids are left out. */
  instanceImages(instanceIds: string[]): Promise<Record<string, string>>
  /** Each instance's EC2 state, StateReason and InstanceLifecycle (who took it away); unknown ids are left out. */
  instanceFates(instanceIds: string[]): Promise<Record<string, InstanceFate>>

  // Auto Scaling takes at most 25 tags per CreateOrUpdateTags / DeleteTags call: the tag writes below are
  // made in as many calls as they need, each group's tags in one call whenever they fit (at most 25).
  tag(group: string, tags: Record<string, string>, propagate: string[]): Promise<void>
  /**
   * Several groups' tags (no propagation), in calls of at most 25, each group's tags in one call. Not all or
   * none across calls: when one fails, the tags of the calls before it stay written.
   */
  tagAll(tags: { group: string; key: string; value: string }[]): Promise<void>
  /** Several groups' tags removed, in calls of at most 25 (each group's in one call); every call is tried. */
  untag(tags: { group: string; key: string }[]): Promise<void>
  setCapacity(group: string, capacity: Capacity): Promise<void>
  setMin(group: string, min: number): Promise<void>
  suspend(group: string, processes: string[]): Promise<void>
  resume(group: string, processes: string[]): Promise<void>
  enterStandby(group: string, instanceIds: string[]): Promise<void>
  /**
   * DeregisterTargets of these instances from one target group (calls of up to 100), each call only if the
   * run's share of ELB's write bucket has one left now; false when some instances were left out for that.
   */
  deregisterTargets(targetGroupArn: string, instanceIds: string[]): Promise<boolean>
  exitStandby(group: string, instanceIds: string[]): Promise<void>
  unprotect(group: string, instanceIds: string[]): Promise<void>
  detach(group: string, instanceIds: string[]): Promise<void>
  /** EC2 TerminateInstances; fails naming the instances EC2 refused (termination protection), after terminating the rest. */
  terminate(instanceIds: string[]): Promise<void>
  /** Those of the instances with termination protection (DisableApiTermination) on; unknown ids are not. */
  terminationProtected(instanceIds: string[]): Promise<string[]>
  /** Creates (or overwrites) the policy on `to`, re-points its alarms from `from`, deletes it from `from`. */
  movePolicy(from: string, to: string, policy: ScalingPolicy): Promise<void>
  moveScheduledAction(from: string, to: string, action: ScheduledAction): Promise<void>

  /** Deploy by image: an AMI id, or the newest image whose name matches the pattern among the owners'. */
  findImage(image: string, owners: string[]): Promise<{ chosen?: ImageInfo; candidates: number }>
  /** One version (a number, `$Latest`, `$Default`) of a launch template. */
  templateVersion(template: LaunchSource, version: string): Promise<TemplateVersion>
  /** A version of the group's template with this image, the group pinned to its number; says what it did. */
  setImage(group: string, template: LaunchSource, imageId: string): Promise<string>
  /** Points the group at this template and version (`LaunchTemplate`, or inside its mixed instances policy when `mixed`). */
  pointTemplate(group: string, template: LaunchSource): Promise<string>
}
