// Auto Scaling: reading groups and what hangs off them (policies, scheduled actions, activities,
// refreshes, hooks), and the writes that move a group through a deploy (tags, sizes, processes,
// Standby, protection, detach).
import {
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeLifecycleHooksCommand,
  DetachInstancesCommand,
  EnterStandbyCommand,
  ExitStandbyCommand,
  ResumeProcessesCommand,
  SetInstanceProtectionCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribePolicies,
  paginateDescribeScalingActivities,
  paginateDescribeScheduledActions
} from '@aws-sdk/client-auto-scaling'
import { capped } from '../domain/health.js'
import type { ActivityBookmark } from '../domain/activities.js'
import type { Activity, Capacity } from '../domain/model.js'
import { AwsCallFailed } from '../errors.js'
import { type Aws, allPages } from './call.js'
import type { GroupDescription } from './port.js'
import { activeRefreshOf, toActivity, toGroup, toLifecycleHook, toPolicy, toScheduledAction } from './translate.js'

/** Pages of 100 scaling activities read back at most while looking for the ones a wait has seen. */
const ACTIVITY_PAGES = 5

export async function listGroups(aws: Aws, tagKey: string, tagValue: string): Promise<GroupDescription[]> {
  const client = aws.clients.autoscaling
  const groups = await aws.call(`DescribeAutoScalingGroups (tag ${tagKey}=${tagValue})`, () =>
    allPages(paginateDescribeAutoScalingGroups({ client }, { Filters: [{ Name: `tag:${tagKey}`, Values: [tagValue] }], MaxRecords: 100 }), (page) => page.AutoScalingGroups)
  )
  return groups.map(toGroup)
}

/**
 * Every group of the account in this region (DescribeAutoScalingGroups with neither names nor filters:
 * the API cannot filter by launch template), without their instances, 100 a page.
 */
export async function listAllGroups(aws: Aws): Promise<GroupDescription[]> {
  const client = aws.clients.autoscaling
  const groups = await aws.call('DescribeAutoScalingGroups (every group, to find users of a launch template)', () =>
    allPages(paginateDescribeAutoScalingGroups({ client }, { MaxRecords: 100, IncludeInstances: false }), (page) => page.AutoScalingGroups)
  )
  return groups.map(toGroup)
}

/** DescribeAutoScalingGroups names at most this many groups per call (its MaxRecords maximum). */
export const GROUP_NAMES_PER_CALL = 100

export async function describeGroups(aws: Aws, names: string[]): Promise<GroupDescription[]> {
  const client = aws.clients.autoscaling
  const calls: string[][] = []
  for (let i = 0; i < names.length; i += GROUP_NAMES_PER_CALL) calls.push(names.slice(i, i + GROUP_NAMES_PER_CALL))
  // AWS may answer with fewer groups than asked for, and a NextToken.
  const answers = await Promise.all(
    calls.map((AutoScalingGroupNames) =>
      aws.call(`DescribeAutoScalingGroups (${capped(AutoScalingGroupNames)})`, () =>
        allPages(paginateDescribeAutoScalingGroups({ client }, { AutoScalingGroupNames, MaxRecords: GROUP_NAMES_PER_CALL }), (page) => page.AutoScalingGroups)
      )
    )
  )
  return answers.flat().map(toGroup)
}

export async function activities(aws: Aws, group: string, bookmark?: ActivityBookmark): Promise<Activity[]> {
  const client = aws.clients.autoscaling
  return aws.call(`DescribeScalingActivities for ${group}`, async () => {
    const out: Activity[] = []
    const pending = new Set(bookmark?.pending)
    let read = 0
    for await (const page of paginateDescribeScalingActivities({ client }, { AutoScalingGroupName: group, MaxRecords: 100 })) {
      const items = (page.Activities ?? []).map(toActivity)
      out.push(...items)
      for (const a of items) pending.delete(a.id)
      // Older pages only matter while they may hold activities not read yet, or read with a status that may have changed.
      if (!bookmark || bookmark.known.size === 0 || ++read >= ACTIVITY_PAGES) break
      if (pending.size === 0 && items.some((a) => bookmark.known.has(a.id))) break
    }
    return out
  })
}

/**
 * What a group's details keep between observations: what only a write changes. Not the scheduled actions
 * of a group that has any: AWS deletes a one-time action once it has run, so those are read at every look.
 */
export type KeptDetails = Pick<GroupDescription, 'policies' | 'lifecycleHooks'> & Partial<Pick<GroupDescription, 'scheduledActions'>>

export interface DetailReads {
  /** Policies, scheduled actions and lifecycle hooks read before: not read again. */
  kept?: KeptDetails | undefined
  /** Whether the run must notice an instance refresh that starts after its first look of the group. */
  watchRefreshes: boolean
  /**
   * Whether to read what pre-flight's busy check needs: the newest scaling activities (otherwise `activities`
   * is left as the description has it) and the instance refreshes.
   */
  busy: boolean
}

/**
 * What pre-flight and planning need beyond the group description: the newest scaling activities when asked;
 * policies, scheduled actions and lifecycle hooks unless kept (KeptDetails); the active instance refresh at the first look
 * (nothing kept), and later only in a run that watches for one and of a group with InService instances.
 */
export async function loadDetails(aws: Aws, group: GroupDescription, o: DetailReads): Promise<GroupDescription> {
  const name = group.name
  const client = aws.clients.autoscaling
  // An instance refresh replaces InService instances: later looks need it only where it could replace what serves.
  const refreshMatters = o.busy || (o.watchRefreshes && group.instances.some((i) => i.lifecycle === 'InService'))
  const [scaling, recent, refreshes] = await Promise.all([
    keptDetails(aws, name, o.kept),
    o.busy ? activities(aws, name) : group.activities,
    // Paged, but only the newest few matter: a refresh still running is among them.
    refreshMatters
      ? aws.call(`DescribeInstanceRefreshes for ${name}`, () => client.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: name, MaxRecords: 5 })))
      : undefined
  ])
  const active = activeRefreshOf(refreshes?.InstanceRefreshes ?? [])
  return { ...group, ...scaling, activities: recent, ...(active ? { activeInstanceRefresh: active } : {}) }
}

async function keptDetails(aws: Aws, name: string, kept: KeptDetails | undefined): Promise<Required<KeptDetails>> {
  const client = aws.clients.autoscaling
  const [policies, scheduledActions, lifecycleHooks] = await Promise.all([
    kept?.policies ??
      aws
        .call(`DescribePolicies for ${name}`, () => allPages(paginateDescribePolicies({ client }, { AutoScalingGroupName: name }), (page) => page.ScalingPolicies))
        .then((items) => items.map(toPolicy)),
    kept?.scheduledActions ??
      aws
        .call(`DescribeScheduledActions for ${name}`, () =>
          allPages(paginateDescribeScheduledActions({ client }, { AutoScalingGroupName: name }), (page) => page.ScheduledUpdateGroupActions)
        )
        .then((items) => items.map(toScheduledAction)),
    // Not paged (no paginator): a group has at most 50 lifecycle hooks, all in one answer.
    kept?.lifecycleHooks ??
      aws
        .call(`DescribeLifecycleHooks for ${name}`, () => client.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: name })))
        .then((out) => (out.LifecycleHooks ?? []).map(toLifecycleHook))
  ])
  return { policies, scheduledActions, lifecycleHooks }
}

/**
 * Tags one CreateOrUpdateTags or DeleteTags call may add or remove (user guide, "Tag Auto Scaling groups and
 * instances": "The maximum number of tags that you can add or remove using a single call is 25").
 */
export const TAGS_PER_CALL = 25

interface TagEntry {
  ResourceId: string
  ResourceType: string
  Key: string
}

/** The tags in calls of at most TAGS_PER_CALL, each group's tags in one call whenever they fit in one. */
export function tagCalls<T extends TagEntry>(tags: T[]): T[][] {
  const byGroup = new Map<string, T[]>()
  for (const t of tags) byGroup.set(t.ResourceId, [...(byGroup.get(t.ResourceId) ?? []), t])
  const calls: T[][] = []
  let current: T[] = []
  for (const own of byGroup.values()) {
    for (let i = 0; i < own.length; i += TAGS_PER_CALL) {
      const part = own.slice(i, i + TAGS_PER_CALL)
      if (current.length + part.length > TAGS_PER_CALL) {
        calls.push(current)
        current = []
      }
      current.push(...part)
    }
  }
  if (current.length > 0) calls.push(current)
  return calls
}

const groupsOf = (tags: TagEntry[]): string[] => [...new Set(tags.map((t) => t.ResourceId))]

/**
 * CreateOrUpdateTags in as many calls as the tags need, one after the other. A call that fails stops the
 * rest; its error says whose tags the calls before it wrote (those stay written).
 */
async function createTags(aws: Aws, tags: (TagEntry & { Value: string; PropagateAtLaunch: boolean })[]): Promise<void> {
  const calls = tagCalls(tags)
  const written: string[] = []
  for (const [n, Tags] of calls.entries()) {
    const what = `CreateOrUpdateTags on ${groupsOf(Tags).join(', ')}${calls.length > 1 ? ` (call ${n + 1} of ${calls.length})` : ''}`
    try {
      await aws.write(what, () => aws.clients.autoscaling.send(new CreateOrUpdateTagsCommand({ Tags })))
    } catch (err) {
      if (written.length === 0 || !(err instanceof AwsCallFailed)) throw err
      throw new AwsCallFailed(`${err.message} (the calls before it had written the tags of ${written.join(', ')})`, err.awsError)
    }
    written.push(...groupsOf(Tags))
  }
}

export async function tag(aws: Aws, group: string, tags: Record<string, string>, propagate: string[]): Promise<void> {
  await createTags(
    aws,
    Object.entries(tags).map(([Key, Value]) => ({ ResourceId: group, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: propagate.includes(Key) }))
  )
}

/** Several groups' tags (no propagation), each group's in one call; the calls before a failing one stay written. */
export async function tagAll(aws: Aws, tags: { group: string; key: string; value: string }[]): Promise<void> {
  await createTags(
    aws,
    tags.map((t) => ({ ResourceId: t.group, ResourceType: 'auto-scaling-group', Key: t.key, Value: t.value, PropagateAtLaunch: false }))
  )
}

/** DeleteTags in as many calls as the tags need; every call is made even when one fails (deleting is always safe). */
export async function untag(aws: Aws, tags: { group: string; key: string }[]): Promise<void> {
  const calls = tagCalls(tags.map((t) => ({ ResourceId: t.group, ResourceType: 'auto-scaling-group', Key: t.key })))
  const failed: AwsCallFailed[] = []
  for (const [n, Tags] of calls.entries()) {
    const what = `DeleteTags on ${groupsOf(Tags).join(', ')}${calls.length > 1 ? ` (call ${n + 1} of ${calls.length})` : ''}`
    try {
      await aws.write(what, () => aws.clients.autoscaling.send(new DeleteTagsCommand({ Tags })))
    } catch (err) {
      if (!(err instanceof AwsCallFailed) || calls.length === 1) throw err
      failed.push(err)
    }
  }
  const first = failed[0]
  if (first) throw new AwsCallFailed(failed.map((e) => e.message).join('; '), first.awsError)
}

export async function setCapacity(aws: Aws, group: string, c: Capacity): Promise<void> {
  await aws.write(`UpdateAutoScalingGroup ${group} (min ${c.min}, desired ${c.desired}, max ${c.max})`, () =>
    aws.clients.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: c.min, MaxSize: c.max, DesiredCapacity: c.desired }))
  )
}

export async function setMin(aws: Aws, group: string, min: number): Promise<void> {
  await aws.write(`UpdateAutoScalingGroup ${group} (min ${min})`, () =>
    aws.clients.autoscaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: min }))
  )
}

export async function suspend(aws: Aws, group: string, processes: string[]): Promise<void> {
  await aws.write(`SuspendProcesses on ${group}`, () =>
    aws.clients.autoscaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: group, ScalingProcesses: processes }))
  )
}

export async function resume(aws: Aws, group: string, processes: string[]): Promise<void> {
  await aws.write(`ResumeProcesses on ${group}`, () =>
    aws.clients.autoscaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: group, ScalingProcesses: processes }))
  )
}

export async function enterStandby(aws: Aws, group: string, ids: string[]): Promise<void> {
  await aws.write(`EnterStandby on ${group} (${ids.join(', ')})`, () =>
    aws.clients.autoscaling.send(new EnterStandbyCommand({ AutoScalingGroupName: group, InstanceIds: ids, ShouldDecrementDesiredCapacity: true }))
  )
}

export async function exitStandby(aws: Aws, group: string, ids: string[]): Promise<void> {
  await aws.write(`ExitStandby on ${group} (${ids.join(', ')})`, () =>
    aws.clients.autoscaling.send(new ExitStandbyCommand({ AutoScalingGroupName: group, InstanceIds: ids }))
  )
}

export async function unprotect(aws: Aws, group: string, ids: string[]): Promise<void> {
  await aws.write(`SetInstanceProtection on ${group}`, () =>
    aws.clients.autoscaling.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: group, InstanceIds: ids, ProtectedFromScaleIn: false }))
  )
}

export async function detach(aws: Aws, group: string, ids: string[]): Promise<void> {
  // The standby instances were already subtracted from desired when they entered Standby.
  await aws.write(`DetachInstances from ${group} (${ids.join(', ')})`, () =>
    aws.clients.autoscaling.send(new DetachInstancesCommand({ AutoScalingGroupName: group, InstanceIds: ids, ShouldDecrementDesiredCapacity: false }))
  )
}
