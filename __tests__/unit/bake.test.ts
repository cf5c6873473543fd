// The bake's decisions, pure: which alarms refuse a deploy before it starts, which alarm state or target
// health during the bake rolls the release back, and what the bake records alarm by alarm.
import { describe, expect, it } from '@jest/globals'
import {
  type AlarmSighting,
  type AlarmState,
  type AlarmStatus,
  TargetWatch,
  alarmPreflight,
  describeAlarmTrip,
  recordAlarms,
  trippedAlarm
} from '../../src/domain/bake.js'
import { trafficKeys } from '../../src/domain/classic.js'
import { assessHealth } from '../../src/domain/health.js'
import type { Group, Instance, TargetState } from '../../src/domain/model.js'
import { TG, group } from '../../test-support/fixtures.js'

const NOW = Date.parse('2026-11-28T10:00:00.000Z')
const alarm = (name: string, state: AlarmState, sinceMsAgo = 60_000, reason = `${name} threshold crossed`): AlarmStatus => ({ name, state, reason, since: NOW - sinceMsAgo })

describe('alarmPreflight: before a deploy or canary starts', () => {
  const names = ['web-5xx', 'web-latency']
  it.each<{ name: string; found: AlarmStatus[]; allow?: boolean; unknown: string[]; refusals: RegExp[] }>([
    { name: 'every alarm exists and is OK: go', found: [alarm('web-5xx', 'OK'), alarm('web-latency', 'OK')], unknown: [], refusals: [] },
    { name: 'INSUFFICIENT_DATA does not refuse a start', found: [alarm('web-5xx', 'INSUFFICIENT_DATA'), alarm('web-latency', 'OK')], unknown: [], refusals: [] },
    { name: 'an alarm CloudWatch does not know is reported as unknown (an input error)', found: [alarm('web-5xx', 'OK')], unknown: ['web-latency'], refusals: [] },
    { name: 'no alarm found at all: every name is unknown', found: [], unknown: ['web-5xx', 'web-latency'], refusals: [] },
    {
      name: 'an alarm in ALARM refuses the start: it says how long, why, and how to deploy anyway',
      found: [alarm('web-5xx', 'ALARM', 90_000, '5xx > 10'), alarm('web-latency', 'OK')],
      unknown: [],
      refusals: [/^alarm web-5xx is in ALARM \(for 90s: 5xx > 10\): a deploy now would start into an incident.*set allow-alarm-at-start: true to deploy anyway/]
    },
    {
      name: 'every alarm in ALARM refuses, one refusal each',
      found: [alarm('web-5xx', 'ALARM'), alarm('web-latency', 'ALARM')],
      unknown: [],
      refusals: [/^alarm web-5xx is in ALARM/, /^alarm web-latency is in ALARM/]
    },
    { name: 'allow-alarm-at-start: an alarm in ALARM does not refuse', found: [alarm('web-5xx', 'ALARM'), alarm('web-latency', 'OK')], allow: true, unknown: [], refusals: [] },
    { name: 'allow-alarm-at-start still reports unknown alarms', found: [alarm('web-5xx', 'ALARM')], allow: true, unknown: ['web-latency'], refusals: [] },
    { name: 'an alarm without a reason says so', found: [alarm('web-5xx', 'ALARM', 1_000, ''), alarm('web-latency', 'OK')], unknown: [], refusals: [/\(for 1s: no reason given\)/] },
    { name: 'under 2 minutes: seconds', found: [alarm('web-5xx', 'ALARM', 119_400), alarm('web-latency', 'OK')], unknown: [], refusals: [/\(for 119s:/] },
    { name: 'from 2 minutes: minutes', found: [alarm('web-5xx', 'ALARM', 120_000), alarm('web-latency', 'OK')], unknown: [], refusals: [/\(for 2m:/] },
    { name: 'under 2 hours: minutes', found: [alarm('web-5xx', 'ALARM', 7_199_000), alarm('web-latency', 'OK')], unknown: [], refusals: [/\(for 120m:/] },
    { name: 'from 2 hours: hours', found: [alarm('web-5xx', 'ALARM', 3 * 3_600_000), alarm('web-latency', 'OK')], unknown: [], refusals: [/\(for 3h:/] },
    { name: "a transition time after now (CloudWatch's clock ahead) reads 0s, never negative", found: [alarm('web-5xx', 'ALARM', -30_000), alarm('web-latency', 'OK')], unknown: [], refusals: [/\(for 0s:/] }
  ])('$name', ({ found, allow, unknown, refusals }) => {
    const verdict = alarmPreflight(names, found, allow ?? false, NOW)
    expect(verdict.unknown).toEqual(unknown)
    expect(verdict.refusals).toHaveLength(refusals.length)
    refusals.forEach((r, n) => expect(verdict.refusals[n]).toMatch(r))
  })
})

describe('trippedAlarm: the alarm that ends the bake', () => {
  it.each<{ name: string; alarms: AlarmStatus[]; insufficient?: boolean; excused?: string[]; tripped: string | undefined }>([
    { name: 'every alarm OK: the bake goes on', alarms: [alarm('a', 'OK'), alarm('b', 'OK')], tripped: undefined },
    { name: 'an alarm in ALARM ends it', alarms: [alarm('a', 'OK'), alarm('b', 'ALARM')], tripped: 'b' },
    { name: 'INSUFFICIENT_DATA does not end it by default', alarms: [alarm('a', 'INSUFFICIENT_DATA')], tripped: undefined },
    { name: 'INSUFFICIENT_DATA ends it when asked to (fail-on-insufficient-data)', alarms: [alarm('a', 'OK'), alarm('b', 'INSUFFICIENT_DATA')], insufficient: true, tripped: 'b' },
    { name: 'ALARM is named before INSUFFICIENT_DATA, whatever the order', alarms: [alarm('a', 'INSUFFICIENT_DATA'), alarm('b', 'ALARM')], insufficient: true, tripped: 'b' },
    { name: 'an alarm excused (in ALARM before the run, allowed) does not end it', alarms: [alarm('a', 'ALARM'), alarm('b', 'OK')], excused: ['a'], tripped: undefined },
    { name: 'an excused alarm does not hide another one in ALARM', alarms: [alarm('a', 'ALARM'), alarm('b', 'ALARM')], excused: ['a'], tripped: 'b' },
    { name: 'an excused alarm counts for nothing while excused, INSUFFICIENT_DATA included', alarms: [alarm('a', 'INSUFFICIENT_DATA')], insufficient: true, excused: ['a'], tripped: undefined },
    { name: 'no alarms: nothing trips', alarms: [], insufficient: true, tripped: undefined }
  ])('$name', ({ alarms, insufficient, excused, tripped }) => {
    expect(trippedAlarm(alarms, insufficient ?? false, new Set(excused ?? []))?.name).toBe(tripped)
  })
})

describe('describeAlarmTrip', () => {
  it.each<{ name: string; a: AlarmStatus; text: string }>([
    { name: 'names the alarm, its state and its reason', a: alarm('web-5xx', 'ALARM', 0, 'Threshold Crossed: 1 datapoint [12.0] > 10'), text: 'alarm web-5xx is in ALARM: Threshold Crossed: 1 datapoint [12.0] > 10' },
    { name: 'says when CloudWatch gave no reason', a: alarm('web-5xx', 'INSUFFICIENT_DATA', 0, ''), text: 'alarm web-5xx is in INSUFFICIENT_DATA: no reason given' }
  ])('$name', ({ a, text }) => {
    expect(describeAlarmTrip(a)).toBe(text)
  })
})

describe('recordAlarms: what the bake saw, alarm by alarm', () => {
  const T0 = NOW - 10 * 60_000
  const s = (state: AlarmState, since: number, seenAt: number, reason = 'r'): AlarmSighting => ({ state, since, reason, seenAt })
  const a = (name: string, state: AlarmState, since: number, reason = 'r'): AlarmStatus => ({ name, state, since, reason })
  it.each<{ name: string; readings: [at: number, alarms: AlarmStatus[]][]; history: Record<string, AlarmSighting[]> }>([
    { name: 'the first reading records every alarm as seen then', readings: [[NOW, [a('x', 'OK', T0), a('y', 'ALARM', T0)]]], history: { x: [s('OK', T0, NOW)], y: [s('ALARM', T0, NOW)] } },
    {
      name: 'the same state since the same time is not recorded again',
      readings: [
        [NOW, [a('x', 'OK', T0)]],
        [NOW + 15_000, [a('x', 'OK', T0)]]
      ],
      history: { x: [s('OK', T0, NOW)] }
    },
    {
      name: 'a new state is appended, with when the bake first saw it',
      readings: [
        [NOW, [a('x', 'OK', T0)]],
        [NOW + 15_000, [a('x', 'ALARM', NOW + 10_000, 'breach')]],
        [NOW + 30_000, [a('x', 'ALARM', NOW + 10_000, 'breach')]]
      ],
      history: { x: [s('OK', T0, NOW), s('ALARM', NOW + 10_000, NOW + 15_000, 'breach')] }
    },
    {
      name: 'the same state since a new time (it went and came back between two readings) is appended',
      readings: [
        [NOW, [a('x', 'OK', T0)]],
        [NOW + 15_000, [a('x', 'OK', NOW + 12_000)]]
      ],
      history: { x: [s('OK', T0, NOW), s('OK', NOW + 12_000, NOW + 15_000)] }
    },
    {
      name: 'an alarm missing from a reading keeps its history; an alarm first seen later starts its own',
      readings: [
        [NOW, [a('x', 'OK', T0)]],
        [NOW + 15_000, [a('y', 'INSUFFICIENT_DATA', T0)]]
      ],
      history: { x: [s('OK', T0, NOW)], y: [s('INSUFFICIENT_DATA', T0, NOW + 15_000)] }
    }
  ])('$name', ({ readings, history }) => {
    const seen: Record<string, AlarmSighting[]> = {}
    for (const [at, alarms] of readings) recordAlarms(seen, alarms, at)
    expect(seen).toEqual(history)
  })
})

describe("TargetWatch: the bake's watch on the new group's targets", () => {
  const BOOT = 300_000
  const POLL = 15_000
  const NAME = 'prod-web-green'
  /** One instance as one observation shows it: [id, lifecycle, state in the target group (undefined: not registered)]. */
  type Seen = [id: string, lifecycle: string, state?: TargetState]
  const groupOf = (seen: Seen[]): Group =>
    group(NAME, {
      capacity: { min: 0, desired: seen.length, max: 6 },
      instances: seen.map(
        ([id, lifecycle, state]): Instance => ({
          id,
          lifecycle,
          protectedFromScaleIn: false,
          targets: state ? { [TG]: { state, ...(state === 'unhealthy' ? { reason: 'Target.FailedHealthChecks' } : {}) } } : {}
        })
      )
    })
  const healthy = (id: string): Seen => [id, 'InService', 'healthy']
  const unhealthy = (id: string): Seen => [id, 'InService', 'unhealthy']
  /** `n` polls, one every POLL from `from`, each showing `seen`. */
  const polls = (n: number, seen: Seen[], from = POLL): [number, Seen[]][] => Array.from({ length: n }, (_, k) => [from + k * POLL, seen])

  interface Case {
    name: string
    /** The group when the bake began (at 0). */
    start: Seen[]
    observations: [at: number, seen: Seen[]][]
    /** Index of the observation that ends the bake, and why; undefined: the targets hold. */
    tripsAt: number | undefined
    why?: RegExp
    unhealthyPolls?: number
  }

  it.each<Case>([
    { name: 'healthy targets throughout: the bake holds', start: [healthy('i-a'), healthy('i-b')], observations: polls(10, [healthy('i-a'), healthy('i-b')]), tripsAt: undefined },
    {
      name: 'a target that served at the start, unhealthy 3 checks in a row: ends the bake at the 3rd (no boot time for it)',
      start: [healthy('i-a'), healthy('i-b')],
      observations: polls(5, [healthy('i-a'), unhealthy('i-b')]),
      tripsAt: 2,
      why: /^1 target\(s\) of prod-web-green unhealthy 3 checks in a row: 1 InService: unhealthy Target\.FailedHealthChecks \(i-b\)$/
    },
    {
      name: 'unhealthy twice, healthy once, unhealthy twice: the streak starts over, the bake holds',
      start: [healthy('i-a')],
      observations: [...polls(2, [unhealthy('i-a')]), ...polls(1, [healthy('i-a')], 3 * POLL), ...polls(2, [unhealthy('i-a')], 4 * POLL)],
      tripsAt: undefined
    },
    {
      name: 'targets initial or draining are not unhealthy: the bake holds',
      start: [healthy('i-a'), healthy('i-b')],
      observations: polls(6, [
        ['i-a', 'InService', 'initial'],
        ['i-b', 'InService', 'draining']
      ]),
      tripsAt: undefined
    },
    {
      name: 'several stuck targets are named together',
      start: [healthy('i-a'), healthy('i-b')],
      observations: polls(3, [unhealthy('i-a'), unhealthy('i-b')]),
      tripsAt: 2,
      why: /^2 target\(s\) of prod-web-green unhealthy 3 checks in a row: 2 InService: unhealthy Target\.FailedHealthChecks \(i-a, i-b\)$/
    },
    {
      name: 'an instance launched during the bake (scale-out) is given the boot time before its failing checks count',
      start: [healthy('i-a')],
      observations: polls(25, [healthy('i-a'), unhealthy('i-new')]),
      // first seen at POLL: counts from POLL + BOOT, i.e. the observation at 21 × POLL (index 20)
      tripsAt: BOOT / POLL,
      why: /^1 target\(s\) of prod-web-green unhealthy 3 checks in a row: 1 InService: unhealthy \S+ \(i-new\)$/
    },
    {
      name: 'a target unhealthy at the last check that Auto Scaling is terminating: ends the bake at once (replaced after failed checks)',
      start: [healthy('i-a'), healthy('i-b')],
      observations: [
        [POLL, [healthy('i-a'), unhealthy('i-b')]],
        [2 * POLL, [healthy('i-a'), ['i-b', 'Terminating', 'draining']]]
      ],
      tripsAt: 1,
      why: /^Auto Scaling took i-b \(unhealthy Target\.FailedHealthChecks\) out of prod-web-green after failed health checks$/
    },
    {
      name: 'a target unhealthy at the last check that is gone from the group: ends the bake at once',
      start: [healthy('i-a'), healthy('i-b')],
      observations: [
        [POLL, [healthy('i-a'), unhealthy('i-b')]],
        [2 * POLL, [healthy('i-a'), healthy('i-c')]]
      ],
      tripsAt: 1,
      why: /^Auto Scaling took i-b \(unhealthy Target\.FailedHealthChecks\) out of prod-web-green/
    },
    {
      name: 'a healthy target terminated (scale-in, Spot reclaim) is not a health failure: the bake holds',
      start: [healthy('i-a'), healthy('i-b')],
      observations: [
        [POLL, [healthy('i-a'), healthy('i-b')]],
        [2 * POLL, [healthy('i-a'), ['i-b', 'Terminating', 'draining']]],
        [3 * POLL, [healthy('i-a')]]
      ],
      tripsAt: undefined
    },
    {
      name: 'a target that recovered before it was terminated is not a health failure',
      start: [healthy('i-a'), healthy('i-b')],
      observations: [
        [POLL, [healthy('i-a'), unhealthy('i-b')]],
        [2 * POLL, [healthy('i-a'), healthy('i-b')]],
        [3 * POLL, [healthy('i-a')]]
      ],
      tripsAt: undefined
    },
    {
      name: 'the streak length is a parameter: 1 check ends the bake at the first unhealthy check',
      start: [healthy('i-a')],
      observations: polls(2, [unhealthy('i-a')]),
      tripsAt: 0,
      why: /unhealthy 1 checks in a row: 1 InService: unhealthy \S+ \(i-a\)/,
      unhealthyPolls: 1
    }
  ])('$name', (c) => {
    const watch = new TargetWatch(groupOf(c.start), 0, BOOT, c.unhealthyPolls)
    let tripped: { at: number; why: string } | undefined
    for (const [n, [at, seen]] of c.observations.entries()) {
      const g = groupOf(seen)
      const why = watch.observe(g, assessHealth(g, 0, trafficKeys(g)), at)
      if (why !== undefined) {
        tripped = { at: n, why }
        break
      }
    }
    expect(tripped?.at).toBe(c.tripsAt)
    if (c.why) expect(tripped?.why).toMatch(c.why)
  })
})
