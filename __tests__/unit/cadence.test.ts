// When a health wait looks again: at the poll interval, except in the window where a registering target
// is expected to turn healthy (HealthyThresholdCount × interval after it registered), where it looks fast.
// Pure: observations and times are given; nothing sleeps.
import { describe, expect, it } from '@jest/globals'
import { type CadenceOptions, HealthCadence } from '../../src/domain/cadence.js'
import type { Instance, TargetState } from '../../src/domain/model.js'
import { TG, group } from '../../test-support/fixtures.js'

const TG2 = `${TG.slice(0, -1)}e`
const POLL = 15_000
const TO_HEALTHY = 30_000 // e.g. HealthyThresholdCount 3 × interval 10 s
const FAST = 2_000
const LATE = 5_000 // how long past the expected moment the wait keeps looking fast

/** One instance as one observation shows it: its state in each waited target group (undefined: not registered). */
type Seen = [id: string, states: (TargetState | undefined)[]]

interface Case {
  name: string
  /** Observations of the waited group, in order: [time, instances]. */
  notes: [at: number, instances: Seen[]][]
  now: number
  expected: number
  options?: Partial<CadenceOptions>
  targetGroupArns?: string[]
}

function instanceOf([id, states]: Seen, arns: string[]): Instance {
  const targets: Instance['targets'] = {}
  arns.forEach((arn, n) => {
    const state = states[n]
    if (state !== undefined) targets[arn] = { state }
  })
  return { id, lifecycle: 'InService', protectedFromScaleIn: false, targets }
}

function delayAfter(c: Case): number {
  const arns = c.targetGroupArns ?? [TG]
  const cadence = new HealthCadence({ pollMs: POLL, toHealthyMs: TO_HEALTHY, fastMs: () => FAST, ...c.options })
  for (const [at, seen] of c.notes) cadence.note(group('prod-web-green', { instances: seen.map((s) => instanceOf(s, arns)) }), arns, at)
  return cadence.nextDelayMs(c.now)
}

describe('HealthCadence.nextDelayMs', () => {
  it.each<Case>([
    { name: 'nothing observed yet: the poll interval', notes: [], now: 0, expected: POLL },
    { name: 'no instance registered in the target group yet: the poll interval', notes: [[0, [['i-a', [undefined]]]]], now: 0, expected: POLL },
    {
      name: 'a target registering: sleep only until its window opens (expected − poll), not a whole poll',
      notes: [[0, [['i-a', ['initial']]]]],
      now: 5_000,
      expected: TO_HEALTHY - POLL - 5_000
    },
    { name: 'at the moment the window opens: look fast', notes: [[0, [['i-a', ['initial']]]]], now: TO_HEALTHY - POLL, expected: FAST },
    { name: 'at the expected healthy moment: look fast', notes: [[0, [['i-a', ['initial']]]]], now: TO_HEALTHY, expected: FAST },
    { name: `still fast up to ${LATE} ms late (health checks answer with jitter)`, notes: [[0, [['i-a', ['initial']]]]], now: TO_HEALTHY + LATE, expected: FAST },
    { name: 'past the late margin the window is over: back to the poll interval', notes: [[0, [['i-a', ['initial']]]]], now: TO_HEALTHY + LATE + 1, expected: POLL },
    {
      name: 'the window counts from when the target was FIRST seen registering, not from the latest observation',
      notes: [
        [0, [['i-a', ['initial']]]],
        [10_000, [['i-a', ['initial']]]]
      ],
      now: TO_HEALTHY - POLL + 1_000,
      expected: FAST
    },
    {
      name: 'a target healthy in every target group is no longer waited for: the poll interval',
      notes: [
        [0, [['i-a', ['initial']]]],
        [20_000, [['i-a', ['healthy']]]]
      ],
      now: 20_000,
      expected: POLL
    },
    {
      name: 'healthy in one target group, not yet registered in the other: still waited for (fast in its window)',
      notes: [[0, [['i-a', ['healthy', undefined]]]]],
      now: TO_HEALTHY,
      expected: FAST,
      targetGroupArns: [TG, TG2]
    },
    {
      name: 'initial in one target group, healthy in the other: waited for (fast in its window)',
      notes: [[0, [['i-a', ['initial', 'healthy']]]]],
      now: TO_HEALTHY - POLL,
      expected: FAST,
      targetGroupArns: [TG, TG2]
    },
    { name: 'a target failing its checks (unhealthy) is not about to turn healthy: the poll interval', notes: [[0, [['i-a', ['unhealthy']]]]], now: TO_HEALTHY, expected: POLL },
    {
      name: 'an instance the latest observation no longer shows registering is not waited for',
      notes: [
        [0, [['i-a', ['initial']]]],
        [16_000, [['i-a', [undefined]]]]
      ],
      now: 16_000,
      expected: POLL
    },
    {
      name: 'several registering targets: sleep until the earliest window opens',
      notes: [
        [0, [['i-a', ['initial']]]],
        [10_000, [['i-a', ['initial']], ['i-b', ['initial']]]]
      ],
      now: 12_000,
      expected: TO_HEALTHY - POLL - 12_000
    },
    {
      name: 'several registering targets: fast while any one of them is in its window',
      notes: [
        [0, [['i-a', ['healthy']], ['i-b', ['initial']]]],
        [10_000, [['i-a', ['healthy']], ['i-c', ['initial']], ['i-b', ['initial']]]]
      ],
      now: TO_HEALTHY - POLL + 1,
      expected: FAST
    },
    { name: 'a window opening sooner than the fast delay: wait the fast delay, never less', notes: [[0, [['i-a', ['initial']]]]], now: TO_HEALTHY - POLL - 500, expected: FAST },
    {
      name: 'a fast delay above the poll interval (many waits in flight) is capped at the poll interval',
      notes: [[0, [['i-a', ['initial']]]]],
      now: TO_HEALTHY,
      expected: POLL,
      options: { fastMs: () => 60_000 }
    },
    {
      name: 'targets turning healthy sooner than one poll: the window is open from the first sight',
      notes: [[0, [['i-a', ['initial']]]]],
      now: 0,
      expected: FAST,
      options: { toHealthyMs: 10_000 }
    }
  ])('$name', (c) => {
    expect(delayAfter(c)).toBe(c.expected)
  })
})
