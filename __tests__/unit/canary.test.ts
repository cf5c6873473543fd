// Canary mode in the pure domain: the plan from each phase, where a canary run may start or must refuse,
// what a canary blocks, and its share of the traffic. Phases are given directly: no simulator.
import { describe, expect, it } from '@jest/globals'
import { canaryBlocks, canaryCapacity, canaryChecks, canaryReady, canaryShare, planCanary, type CanaryOptions } from '../../src/domain/canary.js'
import { classicKey } from '../../src/domain/classic.js'
import { CANARY_TAG, DEPLOY_RUN_TAG, IDLE_CAPACITY_TAG, RELEASE_TAG } from '../../src/domain/markers.js'
import type { Capacity, Group } from '../../src/domain/model.js'
import type { Phase } from '../../src/domain/phase.js'
import type { Verdict } from '../../src/domain/verdict.js'
import type { Step } from '../../src/domain/steps.js'
import { TG, group, instance, liveGroup, pair } from '../../test-support/fixtures.js'

const KEY = 'docker:image:version'
const RUN = 'https://github.com/acme/web/actions/runs/7'
const OTHER_RUN = 'https://github.com/acme/web/actions/runs/6'
const LIVE = 'prod-web-blue'
const NEXT = 'prod-web-green'
const opts: CanaryOptions = { version: 'v2', versionTagKey: KEY, run: RUN, count: 1 }

const live = (extra: Partial<Group> = {}): Group => liveGroup(LIVE, 'v1', 4, extra)
const idle = (extra: Partial<Group> = {}): Group => group(NEXT, { tags: { 'docker:image:name': 'web', [KEY]: 'v0' }, ...extra })

/** The green group running a canary of `version` with `n` recorded; `healthy` of its instances healthy. */
function canaryGroup(o: { version?: string; recorded?: number; capacity?: Capacity; healthy?: number; initial?: number; run?: string; extra?: Partial<Group> } = {}): Group {
  const n = o.recorded ?? 1
  return group(NEXT, {
    capacity: o.capacity ?? { min: n, desired: n, max: 6 },
    tags: { 'docker:image:name': 'web', [KEY]: o.version ?? 'v2', [IDLE_CAPACITY_TAG]: '0/0/6', [DEPLOY_RUN_TAG]: o.run ?? RUN, [CANARY_TAG]: String(n) },
    instances: [...Array.from({ length: o.healthy ?? n }, () => instance()), ...Array.from({ length: o.initial ?? 0 }, () => instance('InService', 'initial'))],
    ...o.extra
  })
}

const atRest = (l = live(), i = idle()): Phase => ({ kind: 'at-rest', live: l, idle: i })
const canaryRunning = (next = canaryGroup()): Phase => {
  const recorded = Number(next.tags[CANARY_TAG])
  return { kind: 'deploying', live: live(), next, canary: recorded }
}
const deployStopped: Phase = { kind: 'deploying', live: live(), next: liveGroup(NEXT, 'v2', 4, { tags: { [KEY]: 'v2', [IDLE_CAPACITY_TAG]: '0/0/6' } }) }
const cutOver: Phase = { kind: 'cut-over', previous: group(LIVE, { tags: { [KEY]: 'v1' } }), next: liveGroup(NEXT, 'v2', 4), complete: true, finalizing: false, draining: [] }

const wait = (count: number, extra: Partial<Extract<Step, { kind: 'wait-healthy' }>> = {}): Step => ({
  kind: 'wait-healthy',
  group: NEXT,
  count,
  targetGroupArns: [TG],
  purpose: 'deploy',
  ...extra
})

describe('planCanary', () => {
  it.each<{ name: string; phase: Phase; opts?: Partial<CanaryOptions>; expected: Step[] }>([
    {
      name: 'at rest: tag the idle group (version propagated, its idle capacity, the run, the canary size), size it to the canary, wait for it',
      phase: atRest(),
      expected: [
        {
          kind: 'tag',
          group: NEXT,
          tags: { [KEY]: 'v2', [IDLE_CAPACITY_TAG]: '0/0/6', [DEPLOY_RUN_TAG]: RUN, [CANARY_TAG]: '1' },
          propagate: [KEY]
        },
        { kind: 'set-capacity', group: NEXT, capacity: { min: 1, desired: 1, max: 6 } },
        wait(1)
      ]
    },
    {
      name: 'at rest with a release record: it is tagged beside the version',
      phase: atRest(),
      opts: { releaseTag: 'abc123 by octocat' },
      expected: [
        {
          kind: 'tag',
          group: NEXT,
          tags: { [KEY]: 'v2', [RELEASE_TAG]: 'abc123 by octocat', [IDLE_CAPACITY_TAG]: '0/0/6', [DEPLOY_RUN_TAG]: RUN, [CANARY_TAG]: '1' },
          propagate: [KEY]
        },
        { kind: 'set-capacity', group: NEXT, capacity: { min: 1, desired: 1, max: 6 } },
        wait(1)
      ]
    },
    {
      name: "at rest: the idle capacity recorded is the idle group's own (to return to), and a canary above its MaxSize raises MaxSize",
      phase: atRest(live(), idle({ capacity: { min: 0, desired: 0, max: 2 } })),
      opts: { count: 3 },
      expected: [
        { kind: 'tag', group: NEXT, tags: { [KEY]: 'v2', [IDLE_CAPACITY_TAG]: '0/0/2', [DEPLOY_RUN_TAG]: RUN, [CANARY_TAG]: '3' }, propagate: [KEY] },
        { kind: 'set-capacity', group: NEXT, capacity: { min: 3, desired: 3, max: 3 } },
        wait(3)
      ]
    },
    {
      name: 'at rest, a group that counts units: the wait counts capacity units',
      phase: atRest(live({ capacityUnit: 'units' }), idle({ capacityUnit: 'units' })),
      opts: { count: 2 },
      expected: [
        { kind: 'tag', group: NEXT, tags: { [KEY]: 'v2', [IDLE_CAPACITY_TAG]: '0/0/6', [DEPLOY_RUN_TAG]: RUN, [CANARY_TAG]: '2' }, propagate: [KEY] },
        { kind: 'set-capacity', group: NEXT, capacity: { min: 2, desired: 2, max: 6 } },
        wait(2, { unit: 'capacity unit(s)' })
      ]
    },
    {
      name: 'at rest behind a Classic LB too: the wait covers the target group and the Classic LB',
      phase: atRest(live(), idle({ loadBalancerNames: ['web-classic'] })),
      expected: [
        { kind: 'tag', group: NEXT, tags: { [KEY]: 'v2', [IDLE_CAPACITY_TAG]: '0/0/6', [DEPLOY_RUN_TAG]: RUN, [CANARY_TAG]: '1' }, propagate: [KEY] },
        { kind: 'set-capacity', group: NEXT, capacity: { min: 1, desired: 1, max: 6 } },
        wait(1, { targetGroupArns: [TG, classicKey('web-classic')] })
      ]
    },
    { name: 'the canary already runs, sized, healthy, driven by this run: nothing to do', phase: canaryRunning(), expected: [] },
    {
      name: 'a new run takes over a healthy canary: only the run tag is rewritten (live and canary left alone)',
      phase: canaryRunning(canaryGroup({ run: OTHER_RUN })),
      expected: [{ kind: 'tag', group: NEXT, tags: { [DEPLOY_RUN_TAG]: RUN }, propagate: [] }]
    },
    {
      name: 'a canary resized from 1 to 2: record the new size, resize, wait for both',
      phase: canaryRunning(),
      opts: { count: 2 },
      expected: [{ kind: 'tag', group: NEXT, tags: { [CANARY_TAG]: '2' }, propagate: [] }, { kind: 'set-capacity', group: NEXT, capacity: { min: 2, desired: 2, max: 6 } }, wait(2)]
    },
    {
      name: 'a canary sized but not yet healthy: only wait (no write)',
      phase: canaryRunning(canaryGroup({ recorded: 2, healthy: 1, initial: 1 })),
      opts: { count: 2 },
      expected: [wait(2)]
    },
    {
      name: 'a canary run killed after tagging, before sizing: size it and wait (resumed from observed state)',
      phase: canaryRunning(canaryGroup({ capacity: { min: 0, desired: 0, max: 6 }, healthy: 0 })),
      expected: [{ kind: 'set-capacity', group: NEXT, capacity: { min: 1, desired: 1, max: 6 } }, wait(1)]
    },
    {
      name: 'a canary whose MinSize someone lowered is sized again (MinSize holds it against scale-in)',
      phase: canaryRunning(canaryGroup({ capacity: { min: 0, desired: 1, max: 6 } })),
      expected: [{ kind: 'set-capacity', group: NEXT, capacity: { min: 1, desired: 1, max: 6 } }, wait(1)]
    },
    { name: 'a deploy stopped before cutover (no canary marker): a canary plans nothing', phase: deployStopped, expected: [] },
    { name: 'cut over: a canary plans nothing', phase: cutOver, expected: [] },
    { name: 'an empty pair: a canary plans nothing', phase: { kind: 'empty' }, expected: [] },
    { name: 'an unknown state: a canary plans nothing', phase: { kind: 'unknown', reason: 'x' }, expected: [] }
  ])('$name', ({ phase, opts: extra, expected }) => {
    expect(planCanary(phase, { ...opts, ...extra })).toEqual(expected)
  })

  it('no plan ever writes to the live group', () => {
    const phases: Phase[] = [atRest(), canaryRunning(canaryGroup({ run: OTHER_RUN, capacity: { min: 0, desired: 0, max: 6 }, healthy: 0 }))]
    const touched = phases.flatMap((p) => planCanary(p, { ...opts, count: 2 })).map((s) => ('group' in s ? s.group : undefined))
    expect(touched).not.toContain(LIVE)
  })
})

describe('canaryCapacity', () => {
  it.each<{ name: string; max: number; count: number; expected: Capacity }>([
    { name: 'min = desired = count, MaxSize kept when it is above', max: 6, count: 2, expected: { min: 2, desired: 2, max: 6 } },
    { name: 'MaxSize equal to count is kept', max: 2, count: 2, expected: { min: 2, desired: 2, max: 2 } },
    { name: 'MaxSize below count is raised to count', max: 1, count: 2, expected: { min: 2, desired: 2, max: 2 } }
  ])('$name', ({ max, count, expected }) => {
    expect(canaryCapacity(group(NEXT, { capacity: { min: 0, desired: 0, max } }), count)).toEqual(expected)
  })
})

describe('canaryReady', () => {
  it.each<{ name: string; next: Group; count: number; ready: boolean }>([
    { name: 'desired = count and every instance healthy: ready', next: canaryGroup({ recorded: 2 }), count: 2, ready: true },
    { name: 'one instance still initial: not ready', next: canaryGroup({ recorded: 2, healthy: 1, initial: 1 }), count: 2, ready: false },
    { name: 'fewer healthy instances than count: not ready', next: canaryGroup({ recorded: 2, healthy: 1 }), count: 2, ready: false },
    {
      name: 'healthy instances but desired not yet at count (a resize not yet applied): not ready',
      next: canaryGroup({ recorded: 1, capacity: { min: 1, desired: 1, max: 6 }, healthy: 2 }),
      count: 2,
      ready: false
    },
    {
      name: 'healthy in the target group but not registered in the Classic LB: not ready',
      next: canaryGroup({ extra: { loadBalancerNames: ['web-classic'] } }),
      count: 1,
      ready: false
    }
  ])('$name', ({ next, count, ready }) => {
    expect(canaryReady(next, count)).toBe(ready)
  })
})

describe('canaryChecks: where a canary run may start, resume, or must refuse', () => {
  const p = pair(live(), idle())
  const checkOpts = { version: 'v2', versionTagKey: KEY, count: 1, rebake: false }
  it.each<{ name: string; phase: Phase; opts?: Partial<typeof checkOpts>; expected: Verdict | undefined | RegExp }>([
    { name: 'at rest, a smaller canary than the live group: left to the fresh-deploy checks', phase: atRest(), opts: { count: 3 }, expected: undefined },
    { name: 'at rest, the version already live: nothing to do', phase: atRest(), opts: { version: 'v1' }, expected: /^nothing: prod-web: v1 is already live on prod-web-blue; nothing to try as a canary\.$/ },
    {
      name: 'at rest, a canary as large as the live group: refused (a canary takes a small share)',
      phase: atRest(),
      opts: { count: 4 },
      expected: /^refused: prod-web: canary-count 4 is not fewer than the 4 instance\(s\) prod-web-blue serves with/
    },
    { name: 'at rest, a canary larger than the live group: refused', phase: atRest(), opts: { count: 5 }, expected: /^refused: prod-web: canary-count 5 is not fewer than the 4 instance\(s\)/ },
    {
      name: 'at rest, a group that counts units: the refusal counts capacity units',
      phase: atRest(live({ capacityUnit: 'units' })),
      opts: { count: 4 },
      expected: /^refused: .*not fewer than the 4 capacity unit\(s\) prod-web-blue serves with/
    },
    {
      name: 'a deploy (not a canary) in progress: refused, finish it or roll back',
      phase: deployStopped,
      expected: /^refused: prod-web: a deploy of v2 to prod-web-green is in progress \(not a canary\); re-run deploy with version v2 to finish it, or run mode: rollback first\.$/
    },
    {
      name: 'a canary of another version runs: refused, remove or promote it first',
      phase: canaryRunning(canaryGroup({ version: 'v3' })),
      expected: /^refused: prod-web: a canary of v3 runs on prod-web-green; remove it with mode: rollback \(or promote it with mode: deploy and version v3\) before a canary of v2\.$/
    },
    {
      name: 'the same canary already runs, healthy: nothing to do',
      phase: canaryRunning(),
      expected: /^nothing: prod-web: the canary of v2 already runs on prod-web-green \(1 healthy instance\(s\)\)\.$/
    },
    { name: 'the same canary already runs, asked to bake again: resumed', phase: canaryRunning(), opts: { rebake: true }, expected: { refusals: [] } },
    { name: 'the same version at another size: resumed (resized)', phase: canaryRunning(), opts: { count: 2 }, expected: { refusals: [] } },
    { name: 'the same canary, not yet healthy (an interrupted run): resumed', phase: canaryRunning(canaryGroup({ healthy: 0, initial: 1 })), expected: { refusals: [] } },
    {
      name: 'cut over: refused, a canary starts only from a pair at rest',
      phase: cutOver,
      expected: /^refused: prod-web: the deployment of v2 to prod-web-green waits for finalize or rollback; a canary starts only from a pair at rest\.$/
    },
    { name: 'an empty pair: left to the other checks', phase: { kind: 'empty' }, expected: undefined },
    { name: 'an unknown state: left to the other checks', phase: { kind: 'unknown', reason: 'x' }, expected: undefined }
  ])('$name', ({ phase, opts: extra, expected }) => {
    const verdict = canaryChecks(p, phase, { ...checkOpts, ...extra })
    if (expected instanceof RegExp) {
      // One line per verdict: `refused: <the single refusal>` or `nothing: <notice>`.
      const line =
        verdict === undefined
          ? 'undefined'
          : verdict.refusals.length === 1 && verdict.nothingToDo === undefined
            ? `refused: ${verdict.refusals[0]}`
            : verdict.refusals.length === 0 && verdict.nothingToDo !== undefined
              ? `nothing: ${verdict.nothingToDo}`
              : JSON.stringify(verdict)
      expect(line).toMatch(expected)
    } else {
      expect(verdict).toEqual(expected)
    }
  })
})

describe('canaryBlocks: a deploy of another version, or a finalize, while a canary runs', () => {
  const p = pair(live(), canaryGroup())
  it.each<{ name: string; phase: Phase; what: 'deploy' | 'finalize'; expected: RegExp | undefined }>([
    { name: 'no canary at rest: nothing blocks', phase: atRest(), what: 'deploy', expected: undefined },
    { name: 'a deploy stopped before cutover is not a canary: nothing blocks', phase: deployStopped, what: 'finalize', expected: undefined },
    { name: 'cut over: nothing blocks', phase: cutOver, what: 'finalize', expected: undefined },
    {
      name: 'a finalize while a canary runs: blocked, there is nothing to finalize before cutover',
      phase: canaryRunning(),
      what: 'finalize',
      expected: /^prod-web: a canary of v2 runs on prod-web-green \(1 instance\(s\) beside prod-web-blue\); there is nothing to finalize before cutover\. Promote it with mode: deploy and version v2/
    },
    {
      name: 'a deploy of another version while a canary runs: blocked until it is rolled back or promoted',
      phase: canaryRunning(),
      what: 'deploy',
      expected: /^prod-web: a canary of v2 runs on prod-web-green \(1 instance\(s\) beside prod-web-blue\); a deploy of v3 must wait until it is removed with mode: rollback \(or promote it: mode: deploy with version v2\)\.$/
    }
  ])('$name', ({ phase, what, expected }) => {
    const message = canaryBlocks(p, phase, KEY, what, 'v3')
    if (expected === undefined) expect(message).toBeUndefined()
    else expect(message).toMatch(expected)
  })
})

describe('canaryShare: the canary instances and their share of the serving instances', () => {
  it.each<{ name: string; blue: Group; green: Group; expected: { count: number; share: string } | undefined }>([
    { name: 'no canary marker on either group: no share', blue: live(), green: idle(), expected: undefined },
    { name: 'a canary of 1 beside 4 live instances: 1 of 5', blue: live(), green: canaryGroup(), expected: { count: 1, share: '1 of 5' } },
    { name: 'the canary in the first group of the pair: the same count', blue: canaryGroup({ recorded: 2, extra: { name: LIVE } }), green: liveGroup(NEXT, 'v1', 4), expected: { count: 2, share: '2 of 6' } },
    {
      name: 'instances in Standby or leaving do not serve: not counted',
      blue: live({ instances: [instance(), instance(), instance('Standby', undefined), instance('Terminating', undefined)] }),
      green: canaryGroup({ extra: { instances: [instance(), instance('Detaching', undefined)] } }),
      expected: { count: 1, share: '1 of 3' }
    },
    {
      name: 'groups that count units: the share is in capacity units (weights), not instances',
      blue: live({ capacityUnit: 'units', instances: [4, 4, 2].map((weight) => instance('InService', 'healthy', { weight })) }),
      green: canaryGroup({ extra: { capacityUnit: 'units', instances: [instance('InService', 'healthy', { weight: 2 })] } }),
      expected: { count: 1, share: '2 of 12 capacity unit(s)' }
    }
  ])('$name', ({ blue, green, expected }) => {
    const share = canaryShare(pair(blue, green))
    if (expected === undefined) {
      expect(share).toBeUndefined()
      return
    }
    const canary = [blue, green].find((g) => g.tags[CANARY_TAG] !== undefined)
    const serving = canary?.instances.filter((i) => i.lifecycle === 'InService').map((i) => i.id)
    expect(serving).toHaveLength(expected.count)
    expect(share).toEqual({ instances: serving, share: expected.share })
  })
})
