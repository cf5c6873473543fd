// Everything a user of the action cares about in a simulated account, as plain JSON, so the end state of a
// run that was killed and re-run can be compared with the end state of a clean run of the same scenario.
//
// Instance ids are abstracted where a clean run and a killed run legitimately differ (which new instances
// were launched: counted per lifecycle state and version) but kept where they must match: the instances
// named in `keep` (typically the ones the scenario started with, which a rollback must bring back, and
// which get the same ids in every world built from the same seed) are listed by id.
//
// Normalised away: the pair lock (`blue-green:lock`, a run's heartbeat), the run in `blue-green:deploy-run`
// (a new workflow run takes a deployment over), `blue-green/last-run` beyond whether it says finalized
// (a pair a rollback found unchanged keeps its "deploy v2" record), the time and run URL inside
// `blue-green/last-deploy` (a re-run in a new workflow run legitimately records itself), the random part
// of scaling-policy ARNs, ids of launched instances inside tag values, and the start time of recurring
// scheduled actions (the next occurrence, derived from the recurrence). An idle group's version tag and
// `blue-green/last-deploy` are left out: whatever last ran there, it serves nothing (a deploy killed before
// it tagged the idle group, then rolled back, leaves no such tag; a completed deploy then rolled back does).
import type { SimWorld } from './world.js'

export interface GroupEndState {
  capacity: { min: number; desired: number; max: number }
  suspendedProcesses: string[]
  tags: Record<string, string>
  policies: Record<string, { type: string; enabled: boolean; settings: Record<string, unknown> }>
  scheduledActions: Record<string, Record<string, unknown>>
  /** `<lifecycle> <version> <health>[ protected]` → how many instances. */
  instances: Record<string, number>
  /** The kept instances in this group: `<id> <lifecycle> <version>`. */
  keptInstances: string[]
}

export interface EndState {
  groups: Record<string, GroupEndState>
  /** Alarm name (managed alarms: with the random part normalised) → its configuration, actions resolved. */
  alarms: Record<string, Record<string, unknown>>
  /** Target group → `<state> <version>` → how many targets, plus the kept instances' states by id. */
  targetHealth: Record<string, { counts: Record<string, number>; kept: string[] }>
  /** Instances running in EC2 outside any group (must be empty): `<id> <version> <ec2 state>`. */
  outsideGroups: string[]
}

export interface CaptureOptions {
  /** Instance ids that must match between runs (listed by id rather than counted). */
  keep?: Iterable<string>
  /** The version tag key (default `docker:image:version`). */
  versionTagKey?: string
}

const LOCK_TAG = 'blue-green:lock'
const DEPLOY_RUN_TAG = 'blue-green:deploy-run'
const LAST_RUN_TAG = 'blue-green/last-run'
const RELEASE_TAG = 'blue-green/last-deploy'
const POLICY_ARN = /^arn:aws:autoscaling:([^:]+):(\d+):scalingPolicy:[0-9a-f-]+:autoScalingGroupName\/(.+):policyName\/(.+)$/
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
const INSTANCE_ID = /\bi-[0-9a-f]{8,17}\b/g

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1
}

/** Objects with their keys sorted, all the way down (AWS returns members in its own order). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical)
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)])
    )
  }
  return v
}

function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** `blue-green/last-deploy` = `commit <sha> by <actor> at <time> run <url>`: keep commit and actor. */
function normaliseRelease(value: string): string {
  return value.replace(/ at \S+ run .+$/, ' at <time> run <run>')
}

export function captureEndState(world: SimWorld, opts: CaptureOptions = {}): EndState {
  const keep = new Set(opts.keep ?? [])
  const abstractIds = (s: string): string => s.replace(INSTANCE_ID, (id) => (keep.has(id) ? id : 'i-<new>'))
  const policyName = new Map<string, string>()
  for (const name of [...world.groups.keys()].sort()) for (const p of world.group(name).policies) policyName.set(p.arn, `policy ${name}/${p.name}`)
  const resolveArn = (arn: string): string => {
    const known = policyName.get(arn)
    if (known) return known
    const m = POLICY_ARN.exec(arn)
    return m ? `dangling policy ${m[3]}/${m[4]}` : arn.replace(UUID, '<uuid>')
  }

  const groups: Record<string, GroupEndState> = {}
  for (const name of [...world.groups.keys()].sort()) {
    const g = world.group(name)
    const tags: Record<string, string> = {}
    const idle = g.min === 0 && g.desired === 0 && g.instances.length === 0
    for (const [k, v] of Object.entries(g.tags)) {
      if (k === LOCK_TAG) continue
      // The run driving a deployment: a re-run in a new workflow run takes it over and records itself.
      if (k === DEPLOY_RUN_TAG) {
        tags[k] = '<run>'
        continue
      }
      // The last-run record differs by path (a pair a rollback found unchanged keeps "deploy v2"); what
      // matters is whether it says finalized (then nothing is left to roll back to).
      if (k === LAST_RUN_TAG) {
        tags[k] = v.startsWith('finalize ') ? v : '<not finalized>'
        continue
      }
      if (idle && (k === RELEASE_TAG || k === (opts.versionTagKey ?? 'docker:image:version'))) continue
      tags[k] = k === RELEASE_TAG ? normaliseRelease(v) : abstractIds(v)
    }
    tags[LAST_RUN_TAG] ??= '<not finalized>'
    // A tag holding a list of launched instance ids: the list's order and ids differ, the length does not.
    for (const [k, v] of Object.entries(tags)) {
      if (/^i-<new>(,i-<new>)*$/.test(v)) tags[k] = `${v.split(',').length} launched instance id(s)`
    }
    const policies: GroupEndState['policies'] = {}
    for (const p of g.policies) {
      const { AutoScalingGroupName: _group, PolicyName: _name, ...settings } = p.fields
      policies[p.name] = { type: p.type, enabled: p.enabled, settings: canonical(settings) as Record<string, unknown> }
    }
    const scheduledActions: GroupEndState['scheduledActions'] = {}
    for (const a of g.scheduledActions) {
      const { ScheduledActionName, ScheduledActionARN: _arn, StartTime, EndTime, ...rest } = a
      scheduledActions[ScheduledActionName] = sortedRecord({
        ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
        ...(a.Recurrence === undefined ? { StartTime: new Date(StartTime).toISOString() } : {}),
        ...(EndTime !== undefined ? { EndTime: new Date(EndTime).toISOString() } : {})
      })
    }
    const instances: Record<string, number> = {}
    const keptInstances: string[] = []
    for (const i of g.instances) {
      count(instances, `${i.lifecycle} ${i.version ?? '(no version)'} ${i.health}${i.protected ? ' protected' : ''}`)
      if (keep.has(i.id)) keptInstances.push(`${i.id} ${i.lifecycle} ${i.version ?? '(no version)'}`)
    }
    groups[name] = {
      capacity: { min: g.min, desired: g.desired, max: g.max },
      suspendedProcesses: [...g.suspendedProcesses].sort(),
      tags: sortedRecord(tags),
      policies: sortedRecord(policies),
      scheduledActions: sortedRecord(scheduledActions),
      instances: sortedRecord(instances),
      keptInstances: keptInstances.sort()
    }
  }

  const alarms: EndState['alarms'] = {}
  for (const a of world.alarms.values()) {
    const config: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(a.config)) {
      // An empty action list is no action list (the console and the API treat them alike).
      if (k === 'AlarmName' || (Array.isArray(v) && v.length === 0)) continue
      config[k] = Array.isArray(v) && /Actions$/.test(k) ? (v as string[]).map(resolveArn).sort() : typeof v === 'string' ? v.replace(UUID, '<uuid>') : v
    }
    alarms[a.AlarmName.replace(UUID, '<uuid>')] = canonical({ ...config, ...(a.managedBy ? { managedBy: resolveArn(a.managedBy) } : {}) }) as Record<string, unknown>
  }

  const targetHealth: EndState['targetHealth'] = {}
  for (const tg of [...world.targetGroups.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const counts: Record<string, number> = {}
    const kept: string[] = []
    for (const t of tg.targets.values()) {
      const version = world.instances.get(t.id)?.version ?? '(unknown)'
      count(counts, `${t.state} ${version}`)
      if (keep.has(t.id)) kept.push(`${t.id} ${t.state}`)
    }
    targetHealth[tg.name] = { counts: sortedRecord(counts), kept: kept.sort() }
  }

  // Every instance EC2 still runs outside any group, whoever detached it (lostInstances() forgives the
  // ones a test detached itself; an end state does not).
  const outsideGroups = [...world.instances.values()]
    .filter((i) => i.group === undefined && !i.forgotten && (i.ec2State === 'running' || i.ec2State === 'pending'))
    .map((i) => `${i.id} ${i.version ?? '(no version)'} ${i.ec2State}`)
    .sort()

  return { groups, alarms: sortedRecord(alarms), targetHealth, outsideGroups }
}

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v)
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Human-readable differences between two end states (or any JSON values), one line each, e.g.
 * `groups.prod-web-blue.capacity.min: expected 3, got 0`. `a` is the expectation (the clean run).
 */
export function diffEndStates(a: unknown, b: unknown, labels: { expected?: string; actual?: string } = {}): string[] {
  const exp = labels.expected ?? 'expected'
  const act = labels.actual ?? 'got'
  const out: string[] = []
  const walk = (x: unknown, y: unknown, at: string): void => {
    if (isPlainObject(x) && isPlainObject(y)) {
      for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) walk(x[k], y[k], at ? `${at}.${k}` : k)
      return
    }
    if (Array.isArray(x) && Array.isArray(y) && [...x, ...y].every((e) => typeof e !== 'object' || e === null)) {
      const xs = x.map((e) => JSON.stringify(e))
      const ys = y.map((e) => JSON.stringify(e))
      const missing = xs.filter((e) => !ys.includes(e))
      const extra = ys.filter((e) => !xs.includes(e))
      if (missing.length > 0 || extra.length > 0) {
        out.push(`${at}: ${missing.length ? `only ${exp}: [${missing.join(', ')}]` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `only ${act}: [${extra.join(', ')}]` : ''}`)
      } else if (xs.join() !== ys.join()) {
        out.push(`${at}: order differs: ${exp} ${show(x)}, ${act} ${show(y)}`)
      }
      return
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${at || '(root)'}: ${exp} ${show(x)}, ${act} ${show(y)}`)
  }
  walk(a, b, '')
  return out
}
