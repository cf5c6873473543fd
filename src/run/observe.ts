// Observe: turn AWS state into pair snapshots (groups, details, target health of exactly their instances).
import type { Fleet, GroupDescription } from '../aws/port.js'
import type { ActivityBookmark } from '../domain/activities.js'
import { classicName, trafficKeys } from '../domain/classic.js'
import { type DiscoverOptions, type Discovery, discover } from '../domain/discover.js'
import { type Group, type Instance, type Pair, type TargetHealth } from '../domain/model.js'

/**
 * Every pair of the service: its groups found by tag and name (`opts`), each with its details and target
 * health; with `busy`, also what tells whether a group is busy (scaling activities, instance refreshes).
 */
export async function observeAll(fleet: Fleet, opts: DiscoverOptions, busy: boolean): Promise<Discovery> {
  const groups = await fleet.listGroups(opts.imageNameTagKey, opts.imageName)
  const found = discover(groups, opts)
  if (found.refusals.length > 0) return found
  const pairs = await Promise.all(found.pairs.map((p) => withDetails(fleet, p, busy)))
  return { pairs, refusals: [] }
}

export interface LightObservation {
  /** The group being waited on: its scaling activities are read (as far back as `bookmark` says). */
  activitiesOf?: string
  bookmark?: ActivityBookmark
}

/**
 * A fresh snapshot of one pair. Scaling activities are carried over from `pair`: a plan never looks at
 * them, and the run reads them where it needs them (pre-flight, the health waits). For polling, `light`
 * skips the groups' details and listeners, and reads the activities of `light.activitiesOf`, if any.
 */
export async function observePair(fleet: Fleet, pair: Pair, light?: LightObservation): Promise<Pair> {
  const described = await fleet.describeGroups(pair.groups.map((g) => g.name))
  const groups = pair.groups.map((old) => {
    const now = described.find((d) => d.name === old.name)
    if (!now) throw new Error(`Auto Scaling group ${old.name} disappeared while the action ran`)
    return { ...now, color: old.color, policies: old.policies, scheduledActions: old.scheduledActions, activities: old.activities }
  }) as [Group, Group]
  if (light) {
    const withActivities = await Promise.all(
      groups.map(async (g) => (g.name === light.activitiesOf ? { ...g, activities: await fleet.activities(g.name, light.bookmark) } : g))
    )
    return withHealth(fleet, { base: pair.base, groups: withActivities as [Group, Group], ...(pair.listeners ? { listeners: pair.listeners } : {}) })
  }
  return withDetails(fleet, { ...pair, groups }, false)
}

async function withDetails(fleet: Fleet, pair: Pair, busy: boolean): Promise<Pair> {
  // The target health depends only on the groups as described (their target groups and instances): read it
  // while the details are read.
  const [complete, health] = await Promise.all([details(fleet, pair, busy), readHealth(fleet, pair.groups)])
  return attachHealth(complete, health)
}

/**
 * A light look (the groups as described and their target health: a health wait's last) made a full snapshot
 * without reading the groups and the target health again: the groups' details, the listeners, Standby liveness.
 */
export function completeLook(fleet: Fleet, light: Pair): Promise<Pair> {
  return details(fleet, light, false)
}

async function details(fleet: Fleet, pair: Pair, busy: boolean): Promise<Pair> {
  const [groups, listeners] = await Promise.all([
    Promise.all(pair.groups.map(async (g) => ({ ...(await fleet.loadDetails(g as GroupDescription, busy)), color: g.color }))) as Promise<[Group, Group]>,
    listenersOf(fleet, pair.groups, pair.listeners)
  ])
  return withStandbyLiveness(fleet, { base: pair.base, groups, ...(listeners ? { listeners } : {}) })
}

/**
 * A pair whose colors use target groups of their own (none in common) may move traffic by weights
 * (domain/traffic.ts): read the forward actions in front of it, through the listeners found before if any.
 */
async function listenersOf(fleet: Fleet, [a, b]: Pair['groups'], before: Pair['listeners']): Promise<Pair['listeners']> {
  const disjoint = a.targetGroupArns.length > 0 && b.targetGroupArns.length > 0 && !a.targetGroupArns.some((arn) => b.targetGroupArns.includes(arn))
  return disjoint ? fleet.listeners([...a.targetGroupArns, ...b.targetGroupArns], before?.listeners) : undefined
}

/**
 * Auto Scaling does not health-check Standby instances: one terminated behind the group's back stays
 * listed as Standby and Healthy. Ask EC2 which of them still run.
 */
async function withStandbyLiveness(fleet: Fleet, pair: Pair): Promise<Pair> {
  const standby = pair.groups.flatMap((g) => g.instances.filter(parked).map((i) => i.id))
  if (standby.length === 0) return pair
  const gone = await fleet.instancesGone(standby)
  if (gone.size === 0) return pair
  const mark = (i: Instance): Instance => (gone.has(i.id) ? { ...i, gone: true } : i)
  return { ...pair, groups: pair.groups.map((g) => ({ ...g, instances: g.instances.map(mark) })) as [Group, Group] }
}

/** In Standby: out of every target group, so never asked about (EnteringStandby ones are still draining). */
function parked(i: Instance): boolean {
  return i.lifecycle === 'Standby'
}

/** Asks every target group and Classic LB of the pair about exactly the pair's instances (never the whole group). */
async function withHealth(fleet: Fleet, pair: Pair): Promise<Pair> {
  return attachHealth(pair, await readHealth(fleet, pair.groups))
}

type HealthByKey = (readonly [string, Record<string, TargetHealth>])[]

/**
 * Not asked about: Standby instances (out of every target group; one EC2 no longer runs is marked `gone`
 * only among them). Leaving (terminating, detaching) instances are: they take requests until their
 * targets deregister.
 */
async function readHealth(fleet: Fleet, groups: readonly Group[]): Promise<HealthByKey> {
  const keys = [...new Set(groups.flatMap(trafficKeys))]
  const ids = groups.flatMap((g) => g.instances.filter((i) => !parked(i) && !i.gone).map((i) => i.id))
  if (keys.length === 0 || ids.length === 0) return []
  return Promise.all(
    keys.map(async (key) => {
      const lb = classicName(key)
      return [key, await (lb === undefined ? fleet.targetHealth(key, ids) : fleet.classicHealth(lb, ids))] as const
    })
  )
}

function attachHealth(pair: Pair, byKey: HealthByKey): Pair {
  if (byKey.length === 0) return pair
  const groups = pair.groups.map((g) => {
    const own = trafficKeys(g)
    return {
      ...g,
      instances: g.instances.map((i) => {
        const targets = { ...i.targets }
        for (const [key, health] of byKey) {
          const h = health[i.id]
          if (h && own.includes(key)) targets[key] = h
        }
        return { ...i, targets }
      })
    }
  }) as [Group, Group]
  return { ...pair, groups }
}
