// Holding the live group (src/domain/hold.ts) and what its owner's MinSize is meanwhile (markers.ts
// ownCapacityOf): the record follows a MinSize the owner set during the run and never exceeds desired.
import { describe, expect, it } from '@jest/globals'
import { holdSteps, releaseHoldSteps } from '../../src/domain/hold.js'
import { LIVE_MIN_TAG, ownCapacityOf } from '../../src/domain/markers.js'
import type { Capacity, Group } from '../../src/domain/model.js'
import type { Step } from '../../src/domain/steps.js'
import { liveGroup } from '../../test-support/fixtures.js'

const LIVE = 'prod-web-blue'
const live = (capacity: Capacity, record?: string): Group =>
  liveGroup(LIVE, 'v1', capacity.desired, { capacity, tags: { 'docker:image:version': 'v1', ...(record !== undefined ? { [LIVE_MIN_TAG]: record } : {}) } })

describe("the owner's MinSize while a run holds the live group", () => {
  it.each([
    { name: 'no record: MinSize as it is', g: live({ min: 2, desired: 6, max: 10 }), own: 2 },
    { name: 'held as recorded: the recorded own MinSize', g: live({ min: 6, desired: 6, max: 10 }, '2/6'), own: 2 },
    { name: 'scaled out above the hold: still the recorded one', g: live({ min: 6, desired: 8, max: 10 }, '2/6'), own: 2 },
    { name: 'a schedule set min 2 / desired 2 (the held 4 is gone): the owner\'s 2', g: live({ min: 2, desired: 2, max: 8 }, '3/4'), own: 2 },
    { name: 'a person raised MinSize to 5 (desired 5): the owner\'s 5', g: live({ min: 5, desired: 5, max: 8 }, '3/4'), own: 5 },
    { name: 'an older record (own only), MinSize fell below it: the owner\'s', g: live({ min: 2, desired: 2, max: 8 }, '3'), own: 2 },
    { name: 'an older record (own only), held: the recorded one', g: live({ min: 4, desired: 4, max: 8 }, '3'), own: 3 }
  ])('$name', ({ g, own }) => {
    expect(ownCapacityOf(g).min).toBe(own)
    expect(ownCapacityOf(g).min).toBeLessThanOrEqual(g.capacity.desired)
  })
})

describe('holdSteps and releaseHoldSteps', () => {
  const tag = (value: string): Step => ({ kind: 'tag', group: LIVE, tags: { [LIVE_MIN_TAG]: value }, propagate: [] })
  it.each([
    { name: 'MinSize below desired: record own/held, then hold', g: live({ min: 2, desired: 6, max: 10 }), steps: [tag('2/6'), { kind: 'set-min', group: LIVE, min: 6 }] },
    { name: 'MinSize already at desired, nothing recorded: nothing to hold', g: live({ min: 6, desired: 6, max: 10 }), steps: [] },
    { name: 'held as recorded: nothing', g: live({ min: 6, desired: 6, max: 10 }, '2/6'), steps: [] },
    { name: 'scaled out since: record the new hold, hold again', g: live({ min: 6, desired: 8, max: 10 }, '2/6'), steps: [tag('2/8'), { kind: 'set-min', group: LIVE, min: 8 }] },
    { name: 'a schedule set min 2 / desired 2: the record follows it, no MinSize above desired is sent', g: live({ min: 2, desired: 2, max: 8 }, '3/4'), steps: [tag('2/2')] }
  ])('$name', ({ g, steps }) => {
    expect(holdSteps(g)).toEqual(steps)
  })

  it('release gives back what the owner has now: the recorded MinSize, or nothing when a schedule set its own', () => {
    expect(releaseHoldSteps(live({ min: 6, desired: 6, max: 10 }, '2/6'))).toEqual([{ kind: 'set-min', group: LIVE, min: 2 }])
    expect(releaseHoldSteps(live({ min: 2, desired: 2, max: 8 }, '3/4'))).toEqual([])
    expect(releaseHoldSteps(live({ min: 2, desired: 3, max: 8 }, '3/4'))).toEqual([])
  })
})
