// The typed steps a plan is made of: each is one AWS write (or one bounded wait), printable as a line.
import { classicName } from './classic.js'
import { type Capacity, type Forward, type LaunchSource, type ScalingPolicy, type ScheduledAction, formatCapacity } from './model.js'

export type Step =
  | { kind: 'tag'; group: string; tags: Record<string, string>; propagate: string[] }
  | { kind: 'untag'; tags: { group: string; key: string }[] }
  | { kind: 'set-capacity'; group: string; capacity: Capacity }
  /**
   * Deploy by image: a new version of the group's launch template, based on the version it launches now
   * (SourceVersion: everything else inherited) with this ImageId, and the group pinned to its number.
   */
  | { kind: 'set-image'; group: string; template: LaunchSource; imageId: string }
  /**
   * A deploy without image: the idle group launches exactly the live group's template version (`template`,
   * written where the idle group keeps its own), not the one it was left on (`from`). Domain: image-sync.ts.
   */
  | { kind: 'match-template'; group: string; live: string; template: LaunchSource; from: string }
  /** MinSize only: desired is left to whatever the group has at that moment. */
  | { kind: 'set-min'; group: string; min: number }
  | { kind: 'suspend'; group: string; processes: string[]; /** Printed with the step. */ why?: string }
  | { kind: 'resume'; group: string; processes: string[]; why?: string }
  | { kind: 'enter-standby'; group: string; instanceIds: string[] }
  | { kind: 'exit-standby'; group: string; instanceIds: string[] }
  | { kind: 'unprotect'; group: string; instanceIds: string[] }
  /** Detach standby instances EC2 no longer runs (terminated behind the group's back), no decrement. */
  | { kind: 'detach-dead'; group: string; instanceIds: string[] }
  /** Remember a batch on the group, detach it without a second decrement, terminate it. */
  | { kind: 'retire'; group: string; instanceIds: string[] }
  /** Terminate instances a killed finalize had detached (ids from the group's finalizing tag). */
  | { kind: 'terminate-detached'; group: string; instanceIds: string[] }
  /**
   * Weights: one forward action's weights rewritten (ModifyListener for a listener's default action,
   * ModifyRule for a rule), every other field of its actions kept; `to` is the group that gets the traffic.
   */
  | { kind: 'set-weights'; forward: Forward; weights: { arn: string; weight: number }[]; to: string }
  | { kind: 'move-policy'; from: string; to: string; policy: ScalingPolicy }
  | { kind: 'move-scheduled-action'; from: string; to: string; action: ScheduledAction }
  /**
   * `deploy`: new instances, may be given up early; `restore`: the previous version coming back, only the
   * timeout ends it. `targetGroupArns`: the group's target group ARNs, then its Classic LB keys (domain/classic.ts).
   */
  | { kind: 'wait-healthy'; group: string; count: number; targetGroupArns: string[]; purpose: 'deploy' | 'restore'; /** What count counts when not instances (a weighted group). */ unit?: string }
  /**
   * A read, not a write: every in-service instance of the group was launched with this version (its
   * propagated version tag). Two runs whose writes cross can leave one's instances in the other's group.
   */
  | { kind: 'check-versions'; group: string; versionTagKey: string; version: string; imageId?: string }
  /**
   * Until no instance of the group is still entering Standby (the drain is over) or pending; with `first`
   * (a rollback, which returns each instance as soon as it can), until one of them has reached Standby.
   */
  | { kind: 'wait-standby'; group: string; first?: boolean }
  /**
   * Weights: until the run's weight writes apply (a few seconds), and with target group stickiness until it has
   * passed (`stickySeconds`), so no request still sent to the group's target groups finds them emptied.
   */
  | { kind: 'wait-weights'; group: string; stickySeconds?: number }
  /**
   * Until traffic has left the group's leaving instances: every one entering Standby or terminating is
   * draining from its target groups, none is pending, and (when the group is scaled to 0) none is InService.
   */
  | { kind: 'wait-deregistering'; group: string }

export function isWait(s: Step): boolean {
  // wait-weights is a pause, not a wait on what AWS shows: the plan carries on after it without observing again.
  return s.kind === 'wait-healthy' || s.kind === 'wait-standby' || s.kind === 'wait-deregistering'
}

export const STANDBY_BATCH = 20 // EnterStandby / ExitStandby / DetachInstances accept at most 20 ids
export const PROTECTION_BATCH = 50 // SetInstanceProtection accepts at most 50 ids
/** Finalize batches are written to one tag first; 12 ids of 19 characters and 11 commas fit 256. */
export const RETIRE_BATCH = 12

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function ids(list: string[]): string {
  return list.length <= 4 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`
}

export function describeStep(s: Step): string {
  switch (s.kind) {
    case 'tag':
      return `tag ${s.group}: ${Object.entries(s.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`
    case 'untag':
      return `remove deployment tags: ${s.tags.map((t) => `${t.group} ${t.key}`).join(', ')}`
    case 'set-capacity':
      return `set ${s.group} to ${formatCapacity(s.capacity)}`
    case 'set-image':
      return `launch ${s.group} from a new version of launch template ${s.template.id ?? s.template.name} (based on the version it launches now, ${s.template.version}) with image ${s.imageId}, pinned by version number${s.template.mixed ? ' in its mixed instances policy' : ''}`
    case 'match-template':
      return `point ${s.group} at launch template ${s.template.id ?? s.template.name} version ${s.template.version}, the version ${s.live} (live) launches${s.template.mixed ? ' (in its mixed instances policy)' : ''}, instead of version ${s.from}: the new version starts on the live group's image`
    case 'set-min':
      return `lower the MinSize of ${s.group} to ${s.min} (desired and max unchanged)`
    case 'suspend':
      return `suspend ${s.processes.join(', ')} on ${s.group}${s.why ? ` (${s.why})` : ''}`
    case 'resume':
      return `resume ${s.processes.join(', ')} on ${s.group}${s.why ? ` (${s.why})` : ''}`
    case 'enter-standby':
      return `move ${s.instanceIds.length} instance(s) of ${s.group} to Standby (desired decremented): ${ids(s.instanceIds)}`
    case 'exit-standby':
      return `return ${s.instanceIds.length} instance(s) of ${s.group} from Standby to service: ${ids(s.instanceIds)}`
    case 'unprotect':
      return `remove scale-in protection from ${s.instanceIds.length} instance(s) of ${s.group}: ${ids(s.instanceIds)}`
    case 'detach-dead':
      return `detach ${s.instanceIds.length} standby instance(s) of ${s.group} that EC2 no longer runs (terminated behind the group's back; Auto Scaling launches replacements): ${ids(s.instanceIds)}`
    case 'retire':
      return `detach ${s.instanceIds.length} standby instance(s) from ${s.group} (no second decrement) and terminate them: ${ids(s.instanceIds)}`
    case 'terminate-detached':
      return `terminate ${s.instanceIds.length} instance(s) already detached from ${s.group}: ${ids(s.instanceIds)}`
    case 'set-weights':
      return `give ${s.to} the traffic of ${s.forward.label}: ${s.weights.map((t) => `${tgName(t.arn)} weight ${t.weight}`).join(', ')}${
        s.forward.stickySeconds !== undefined ? ` (stickiness on: clients already sent to a target group stay there up to ${s.forward.stickySeconds} s)` : ''
      }`
    case 'move-policy':
      return `move scaling policy ${s.policy.name} (${s.policy.type}${s.policy.alarmNames.length > 0 && s.policy.type !== 'TargetTrackingScaling' ? `, re-point alarm(s) ${s.policy.alarmNames.join(', ')}` : ''}) from ${s.from} to ${s.to}`
    case 'move-scheduled-action':
      return `move scheduled action ${s.action.name}${s.action.recurrence ? ` (${s.action.recurrence}${s.action.timeZone ? ` ${s.action.timeZone}` : ''})` : ''} from ${s.from} to ${s.to}`
    case 'wait-healthy':
      return `wait until ${s.count} ${s.unit ?? 'instance(s)'} of ${s.group} are InService and healthy in ${describeTraffic(s.targetGroupArns)}`
    case 'check-versions':
      return `check that every instance of ${s.group} was launched with ${s.versionTagKey}=${s.version} (its own tag)${s.imageId ? ` from image ${s.imageId} (its EC2 ImageId)` : ''}`
    case 'wait-standby':
      return s.first
        ? `wait until the next instance of ${s.group} still entering Standby (draining) reaches it`
        : `wait until ${s.group} has no instance still entering Standby (draining) or pending`
    case 'wait-weights':
      return `wait until the new weights apply${s.stickySeconds !== undefined ? ` and the target group stickiness (${s.stickySeconds} s) no longer keeps clients` : ''} on ${s.group}, before scaling it in`
    case 'wait-deregistering':
      return `wait until traffic has left ${s.group}: every leaving instance deregistering (draining) from its target groups`
  }
}

/** A target group's name from its ARN (arn:...:targetgroup/<name>/<id>). */
export function tgName(arn: string): string {
  return arn.split(':').pop()?.split('/')[1] ?? arn
}

/** "2 target group(s)", or with Classic LBs "1 target group(s) and Classic LB(s) web" (keys: domain/classic.ts). */
function describeTraffic(keys: string[]): string {
  const lbs = keys.flatMap((k) => classicName(k) ?? [])
  const tgs = `${keys.length - lbs.length} target group(s)`
  return lbs.length === 0 ? tgs : keys.length === lbs.length ? `Classic LB(s) ${lbs.join(', ')}` : `${tgs} and Classic LB(s) ${lbs.join(', ')}`
}
