// Read-your-writes: whether an (eventually consistent) observation already shows a write the run made.
// A read that does not show it must not be planned from. Pure: a pair and a step in, a yes/no out.
import { describe, expect, it } from '@jest/globals'
import type { Group, Pair, ScalingPolicy, ScheduledAction } from '../../src/domain/model.js'
import type { Step } from '../../src/domain/steps.js'
import { showsWrite } from '../../src/domain/visible.js'
import { TG, group, instance, pair } from '../../test-support/fixtures.js'

const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const MISSING = 'prod-web-gone'

const policy: ScalingPolicy = { name: 'cpu-target', arn: 'arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1', type: 'TargetTrackingScaling', settings: {}, alarmNames: [] }
const action: ScheduledAction = { name: 'nightly-scale-in', recurrence: '0 22 * * *', timeZone: 'Europe/Paris', desired: 1 }

/** Blue as an observation shows it; `change` edits the copy one case needs. */
function observed(change: (blue: Group, green: Group) => void = () => {}): Pair {
  const blue = group(BLUE, {
    capacity: { min: 3, desired: 3, max: 6 },
    tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' },
    instances: [
      instance('InService', 'healthy', { id: 'i-serving' }),
      instance('Standby', undefined, { id: 'i-standby' }),
      instance('EnteringStandby', 'draining', { id: 'i-entering' }),
      instance('Detaching', undefined, { id: 'i-detaching' }),
      instance('Terminating', undefined, { id: 'i-terminating' }),
      instance('Pending', 'initial', { id: 'i-pending' }),
      instance('InService', 'healthy', { id: 'i-protected', protectedFromScaleIn: true })
    ],
    suspendedProcesses: ['Launch', 'Terminate'],
    policies: [policy],
    scheduledActions: [action]
  })
  const green = group(GREEN)
  change(blue, green)
  return pair(blue, green)
}

interface Case {
  name: string
  step: Step
  shows: boolean
}

const tg = [TG]

describe('showsWrite: the observation shows the write', () => {
  it.each<Case>([
    // tag / untag
    { name: 'tag: every tag written reads back with its value', step: { kind: 'tag', group: BLUE, tags: { 'docker:image:version': 'v1', 'docker:image:name': 'web' }, propagate: [] }, shows: true },
    { name: 'tag: a tag still at its old value is not visible yet', step: { kind: 'tag', group: BLUE, tags: { 'docker:image:version': 'v2' }, propagate: [] }, shows: false },
    { name: 'tag: one of several tags missing is not visible yet', step: { kind: 'tag', group: BLUE, tags: { 'docker:image:version': 'v1', 'blue-green:deploy-run': 'r' }, propagate: [] }, shows: false },
    { name: 'tag: a group the observation does not list judges nothing (visible)', step: { kind: 'tag', group: MISSING, tags: { a: 'b' }, propagate: [] }, shows: true },
    { name: 'untag: a removed tag is absent', step: { kind: 'untag', tags: [{ group: BLUE, key: 'blue-green:canary' }] }, shows: true },
    { name: 'untag: a removed tag still present is not visible yet', step: { kind: 'untag', tags: [{ group: BLUE, key: 'docker:image:version' }] }, shows: false },
    {
      name: 'untag: every removed tag on every group must be absent',
      step: { kind: 'untag', tags: [{ group: GREEN, key: 'blue-green:canary' }, { group: BLUE, key: 'docker:image:name' }] },
      shows: false
    },
    // capacity
    { name: 'set-capacity: min and max as written', step: { kind: 'set-capacity', group: BLUE, capacity: { min: 3, desired: 3, max: 6 } }, shows: true },
    {
      name: 'set-capacity: desired is not compared (scaling may already have moved it)',
      step: { kind: 'set-capacity', group: BLUE, capacity: { min: 3, desired: 5, max: 6 } },
      shows: true
    },
    { name: 'set-capacity: the old MinSize is not visible yet', step: { kind: 'set-capacity', group: BLUE, capacity: { min: 0, desired: 3, max: 6 } }, shows: false },
    { name: 'set-capacity: the old MaxSize is not visible yet', step: { kind: 'set-capacity', group: BLUE, capacity: { min: 3, desired: 3, max: 9 } }, shows: false },
    { name: 'set-capacity: a group not listed judges nothing', step: { kind: 'set-capacity', group: MISSING, capacity: { min: 1, desired: 1, max: 1 } }, shows: true },
    { name: 'set-min: the MinSize written', step: { kind: 'set-min', group: BLUE, min: 3 }, shows: true },
    { name: 'set-min: the old MinSize is not visible yet', step: { kind: 'set-min', group: BLUE, min: 0 }, shows: false },
    { name: 'set-min: a group not listed judges nothing', step: { kind: 'set-min', group: MISSING, min: 0 }, shows: true },
    // processes
    { name: 'suspend: every process suspended', step: { kind: 'suspend', group: BLUE, processes: ['Launch', 'Terminate'] }, shows: true },
    { name: 'suspend: a process not suspended yet is not visible', step: { kind: 'suspend', group: BLUE, processes: ['Launch', 'HealthCheck'] }, shows: false },
    { name: 'suspend: a group not listed judges nothing', step: { kind: 'suspend', group: MISSING, processes: ['Launch'] }, shows: true },
    { name: 'resume: no process still suspended', step: { kind: 'resume', group: BLUE, processes: ['HealthCheck', 'AZRebalance'] }, shows: true },
    { name: 'resume: a process still suspended is not visible yet', step: { kind: 'resume', group: BLUE, processes: ['HealthCheck', 'Launch'] }, shows: false },
    // standby
    {
      name: 'enter-standby: instances entering Standby, in Standby, or already leaving show it',
      step: { kind: 'enter-standby', group: BLUE, instanceIds: ['i-standby', 'i-entering', 'i-detaching', 'i-terminating'] },
      shows: true
    },
    { name: 'enter-standby: an instance no longer listed shows it', step: { kind: 'enter-standby', group: BLUE, instanceIds: ['i-unknown'] }, shows: true },
    { name: 'enter-standby: an instance still InService is not visible yet', step: { kind: 'enter-standby', group: BLUE, instanceIds: ['i-standby', 'i-serving'] }, shows: false },
    { name: 'exit-standby: instances back InService or Pending show it', step: { kind: 'exit-standby', group: BLUE, instanceIds: ['i-serving', 'i-pending'] }, shows: true },
    { name: 'exit-standby: an instance still in Standby is not visible yet', step: { kind: 'exit-standby', group: BLUE, instanceIds: ['i-serving', 'i-standby'] }, shows: false },
    { name: 'exit-standby: an instance still EnteringStandby is not visible yet', step: { kind: 'exit-standby', group: BLUE, instanceIds: ['i-entering'] }, shows: false },
    // leaving
    { name: 'retire: instances detaching, terminating or gone show it', step: { kind: 'retire', group: BLUE, instanceIds: ['i-detaching', 'i-terminating', 'i-unknown'] }, shows: true },
    { name: 'retire: an instance still in Standby is not visible yet', step: { kind: 'retire', group: BLUE, instanceIds: ['i-detaching', 'i-standby'] }, shows: false },
    { name: 'detach-dead: an instance detaching shows it', step: { kind: 'detach-dead', group: BLUE, instanceIds: ['i-detaching'] }, shows: true },
    { name: 'detach-dead: an instance still listed in Standby is not visible yet', step: { kind: 'detach-dead', group: BLUE, instanceIds: ['i-standby'] }, shows: false },
    // protection
    { name: 'unprotect: no instance named is still protected', step: { kind: 'unprotect', group: BLUE, instanceIds: ['i-serving', 'i-unknown'] }, shows: true },
    { name: 'unprotect: an instance still protected is not visible yet', step: { kind: 'unprotect', group: BLUE, instanceIds: ['i-serving', 'i-protected'] }, shows: false },
    // scaling handed over
    { name: 'move-policy: the policy is gone from the old group', step: { kind: 'move-policy', from: GREEN, to: BLUE, policy }, shows: true },
    { name: 'move-policy: the policy still on the old group is not visible yet', step: { kind: 'move-policy', from: BLUE, to: GREEN, policy }, shows: false },
    {
      name: 'move-policy: a policy of the same name being on the old group is what counts (not its settings)',
      step: { kind: 'move-policy', from: BLUE, to: GREEN, policy: { ...policy, arn: 'other', settings: { TargetValue: 50 } } },
      shows: false
    },
    { name: 'move-scheduled-action: the action is gone from the old group', step: { kind: 'move-scheduled-action', from: GREEN, to: BLUE, action }, shows: true },
    {
      name: 'move-scheduled-action: the action still on the old group is not visible yet',
      step: { kind: 'move-scheduled-action', from: BLUE, to: GREEN, action },
      shows: false
    },
    // writes that are not a simple read-back
    {
      name: 'set-image: not judged by read-back (visible)',
      step: { kind: 'set-image', group: BLUE, template: { id: 'lt-0abc', version: '3', mixed: false }, imageId: 'ami-0123456789abcdef0' },
      shows: true
    },
    { name: 'terminate-detached: not judged by read-back', step: { kind: 'terminate-detached', group: BLUE, instanceIds: ['i-serving'] }, shows: true },
    { name: 'wait-healthy (a wait, not a write) never holds a plan back', step: { kind: 'wait-healthy', group: BLUE, count: 9, targetGroupArns: tg, purpose: 'deploy' }, shows: true },
    { name: 'check-versions (a read) never holds a plan back', step: { kind: 'check-versions', group: BLUE, versionTagKey: 'docker:image:version', version: 'v9' }, shows: true }
  ])('$name', ({ step, shows }) => {
    expect(showsWrite(observed(), step)).toBe(shows)
  })
})

describe('showsWrite after the write lands', () => {
  it.each<{ name: string; step: Step; land: (blue: Group, green: Group) => void }>([
    {
      name: 'a tag not visible at first is visible once it reads back',
      step: { kind: 'tag', group: BLUE, tags: { 'docker:image:version': 'v2' }, propagate: ['docker:image:version'] },
      land: (b) => (b.tags['docker:image:version'] = 'v2')
    },
    { name: 'an instance InService is visible in Standby once it is EnteringStandby', step: { kind: 'enter-standby', group: BLUE, instanceIds: ['i-serving'] }, land: (b) => setLifecycle(b, 'i-serving', 'EnteringStandby') },
    {
      name: 'a policy move is visible once the policy left the old group',
      step: { kind: 'move-policy', from: BLUE, to: GREEN, policy },
      land: (b, g) => {
        b.policies = []
        g.policies = [policy]
      }
    },
    { name: 'a MinSize lowered to 0 is visible once min reads 0', step: { kind: 'set-min', group: BLUE, min: 0 }, land: (b) => (b.capacity = { ...b.capacity, min: 0 }) }
  ])('$name', ({ step, land }) => {
    expect(showsWrite(observed(), step)).toBe(false)
    expect(showsWrite(observed(land), step)).toBe(true)
  })
})

function setLifecycle(g: Group, id: string, lifecycle: string): void {
  const i = g.instances.find((x) => x.id === id)
  if (!i) throw new Error(`no ${id} in ${g.name}`)
  i.lifecycle = lifecycle
}
