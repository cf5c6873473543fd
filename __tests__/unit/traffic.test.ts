// Weighted target groups, as pure logic: which pairs move traffic by weights, what is refused, and the
// plans (cutover, rollback, finalize) made for them.
import { describe, expect, it } from '@jest/globals'
import { CANARY_TAG, IDLE_CAPACITY_TAG, LIVE_CAPACITY_TAG, LIVE_SUSPENDED_TAG, QUARANTINE_PROCESSES } from '../../src/domain/markers.js'
import type { Forward, Group, Instance, Pair } from '../../src/domain/model.js'
import { classify } from '../../src/domain/phase.js'
import { planDeploy, planFinalize, planRollback } from '../../src/domain/plan.js'
import { preflight } from '../../src/domain/preflight.js'
import { describeStep } from '../../src/domain/steps.js'
import { topologyOf } from '../../src/domain/traffic.js'
import { showsWrite } from '../../src/domain/visible.js'
import { group, instanceId } from '../../test-support/fixtures.js'

const arn = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`
const BLUE_TG = arn('web-blue')
const GREEN_TG = arn('web-green')
const OTHER_TG = arn('web-other')
const LISTENER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2'
const RULE = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee'
const OPTS = { version: 'v2', versionTagKey: 'docker:image:version', run: 'https://github.com/o/r/actions/runs/2' }
const RECORD = { recordOn: 'prod-web-blue', versionTagKey: 'docker:image:version' }

function healthyIn(tg: string, state: Instance['targets'][string]['state'] = 'healthy'): Instance {
  return { id: instanceId(), lifecycle: 'InService', protectedFromScaleIn: false, targets: { [tg]: { state } } }
}

function forward(blue: number, green: number, extra: Partial<Forward> = {}): Forward {
  return { arn: LISTENER, on: 'listener', label: 'listener HTTP:80 of web', targetGroups: [{ arn: BLUE_TG, weight: blue }, { arn: GREEN_TG, weight: green }], ...extra }
}

function colors(blueCapacity: number, greenCapacity: number, extra: { blue?: Partial<Group>; green?: Partial<Group> } = {}): [Group, Group] {
  const make = (name: string, tg: string, n: number, version: string, more: Partial<Group> = {}) =>
    group(name, {
      targetGroupArns: [tg],
      capacity: { min: n, desired: n, max: 6 },
      instances: Array.from({ length: n }, () => healthyIn(tg)),
      tags: { 'docker:image:name': 'web', 'docker:image:version': version },
      ...more
    })
  return [make('prod-web-blue', BLUE_TG, blueCapacity, 'v1', extra.blue), make('prod-web-green', GREEN_TG, greenCapacity, 'v2', extra.green)]
}

function weighted(groups: [Group, Group], forwards: Forward[]): Pair {
  return { base: 'prod-web', groups, listeners: { listeners: [{ arn: LISTENER, label: 'listener HTTP:80 of web' }], forwards } }
}

/** Blue served v1 and a deploy has cut green (v2) over by `forwards`. */
function cutOver(forwards: Forward[], blueState: Instance['targets'][string]['state'] = 'healthy'): Pair {
  const [blue, green] = colors(3, 3, {
    blue: { tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '3/3/6', [LIVE_SUSPENDED_TAG]: '' }, suspendedProcesses: [...QUARANTINE_PROCESSES] },
    green: { tags: { 'docker:image:name': 'web', 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6' } }
  })
  blue.instances = blue.instances.map((i) => ({ ...i, targets: { [BLUE_TG]: { state: blueState } } }))
  return weighted([blue, green], forwards)
}

describe('topology: which pairs move traffic by weights', () => {
  it('colors on the same target group move by Standby', () => {
    const [blue, green] = colors(3, 0)
    expect(topologyOf({ base: 'prod-web', groups: [{ ...blue, targetGroupArns: [BLUE_TG] }, { ...green, targetGroupArns: [BLUE_TG] }] }).kind).toBe('standby')
  })

  it('colors on target groups of their own, forwarded together by the listener, move by weights', () => {
    expect(topologyOf(weighted(colors(3, 0), [forward(1, 0)])).kind).toBe('weights')
  })

  it('a rule that forwards to one color only is refused, naming the rule and what to change', () => {
    const rule: Forward = { arn: RULE, on: 'rule', label: 'rule 10 of listener HTTP:80 of web', targetGroups: [{ arn: BLUE_TG, weight: 1 }] }
    const t = topologyOf(weighted(colors(3, 0), [forward(1, 0), rule]))
    expect(t.kind).toBe('refused')
    expect(t.kind === 'refused' && t.reasons.join('\n')).toMatch(/rule 10 of listener HTTP:80 of web forwards to web-blue of prod-web-blue only.*one target group of each color/)
  })

  it('a forward to a third target group is refused, naming it', () => {
    const f = forward(1, 0, { targetGroups: [{ arn: BLUE_TG, weight: 1 }, { arn: GREEN_TG, weight: 0 }, { arn: OTHER_TG, weight: 1 }] })
    const t = topologyOf(weighted(colors(3, 0), [f]))
    expect(t.kind === 'refused' && t.reasons.join('\n')).toMatch(/listener HTTP:80 of web also forwards to web-other/)
  })

  it("a color's target group that no forward names is refused", () => {
    const [blue, green] = colors(3, 0)
    const t = topologyOf(weighted([blue, { ...green, targetGroupArns: [GREEN_TG, OTHER_TG] }], [forward(1, 0)]))
    expect(t.kind === 'refused' && t.reasons.join('\n')).toMatch(/Target group web-other of prod-web-green is in no forward action/)
  })

  it('target groups partly in common are refused, pointing at both ways to fix it', () => {
    const [blue, green] = colors(3, 0)
    const t = topologyOf(weighted([{ ...blue, targetGroupArns: [BLUE_TG, GREEN_TG] }, green], [forward(1, 0)]))
    expect(t.kind === 'refused' && t.reasons.join('\n')).toMatch(/web-green in common.*same target groups.*weights/)
  })

  it('pre-flight refuses mode canary on a weights pair (its instances would get no requests at weight 0)', () => {
    const p = weighted(colors(3, 0), [forward(1, 0)])
    expect(preflight(p, classify(p), { mode: 'canary', version: 'v2', versionTagKey: OPTS.versionTagKey }).refusals.join('\n')).toMatch(/no requests at weight 0/)
  })
})

describe('phases of a weights pair', () => {
  it('at rest with the weight on the idle group is a state to look at, not a pair to deploy to', () => {
    const p = weighted(colors(3, 0), [forward(0, 1)])
    const phase = classify(p)
    expect(phase.kind).toBe('unknown')
    expect(phase.kind === 'unknown' && phase.reason).toMatch(/does not give all the weight to prod-web-blue/)
  })

  it('cutover is complete once every forward gives the new group all the weight (the old instances still serve)', () => {
    expect(classify(cutOver([forward(0, 1)]))).toMatchObject({ kind: 'cut-over', complete: true, draining: [] })
    expect(classify(cutOver([forward(1, 0)]))).toMatchObject({ kind: 'cut-over', complete: false })
  })
})

describe('plans of a weights pair', () => {
  it('deploy: the weights move after the new instances are healthy and checked; no Standby, the live MinSize stays held', () => {
    const p = weighted(colors(3, 0), [forward(1, 0)])
    const steps = planDeploy(classify(p), OPTS)
    const kinds = steps.map((s) => s.kind)
    expect(kinds).not.toContain('enter-standby')
    expect(steps.filter((s) => s.kind === 'set-min' && s.group === 'prod-web-blue' && s.min === 0)).toEqual([])
    expect(kinds.indexOf('set-weights')).toBeGreaterThan(kinds.indexOf('check-versions'))
    expect(kinds.indexOf('check-versions')).toBeGreaterThan(kinds.indexOf('wait-healthy'))
    expect(steps.at(-1)).toMatchObject({ kind: 'set-weights', to: 'prod-web-green', weights: [{ arn: BLUE_TG, weight: 0 }, { arn: GREEN_TG, weight: 1 }] })
    expect(describeStep(steps.at(-1)!)).toBe('give prod-web-green the traffic of listener HTTP:80 of web: web-blue weight 0, web-green weight 1')
  })

  it('deploy re-run after a kill between two listener writes moves only the forward left', () => {
    const rule = forward(5, 0, { arn: RULE, on: 'rule', label: 'rule 10 of listener HTTP:80 of web' })
    const steps = planDeploy(classify(cutOver([forward(0, 1), rule])), OPTS)
    expect(steps.filter((s) => s.kind === 'set-weights')).toEqual([expect.objectContaining({ forward: rule, weights: [{ arn: BLUE_TG, weight: 0 }, { arn: GREEN_TG, weight: 5 }] })])
  })

  it('rollback with the old instances healthy: the weight write comes first, before anything else', () => {
    const steps = planRollback(classify(cutOver([forward(0, 1)])), RECORD)
    expect(steps[0]).toMatchObject({ kind: 'set-weights', to: 'prod-web-blue', weights: [{ arn: BLUE_TG, weight: 1 }, { arn: GREEN_TG, weight: 0 }] })
    expect(steps.map((s) => s.kind)).not.toContain('exit-standby')
    expect(steps.find((s) => s.kind === 'set-capacity')).toMatchObject({ group: 'prod-web-green', capacity: { min: 0, desired: 0, max: 6 } })
  })

  it('rollback with the old instances unhealthy: no weight goes back before they are waited for', () => {
    const steps = planRollback(classify(cutOver([forward(0, 1)], 'unhealthy')), RECORD)
    const kinds = steps.map((s) => s.kind)
    expect(kinds.indexOf('wait-healthy')).toBeGreaterThanOrEqual(0)
    expect(kinds.indexOf('set-weights')).toBeGreaterThan(kinds.indexOf('wait-healthy'))
    expect(kinds.indexOf('resume')).toBeLessThan(kinds.indexOf('wait-healthy'))
  })

  it('rollback before cutover puts back any weight the new group got before idling it', () => {
    const [blue, green] = colors(3, 3, { green: { tags: { 'docker:image:name': 'web', 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6', [CANARY_TAG]: '1' } } })
    const steps = planRollback(classify(weighted([blue, green], [forward(1, 1)])), RECORD)
    expect(steps[0]).toMatchObject({ kind: 'set-weights', to: 'prod-web-blue' })
  })

  it('finalize: the weights stay; Terminate and the rest are resumed before the old group scales to idle', () => {
    const steps = planFinalize(classify(cutOver([forward(0, 1)])), RECORD)
    const kinds = steps.map((s) => s.kind)
    expect(kinds).not.toContain('set-weights')
    expect(kinds).not.toContain('retire')
    expect(kinds.indexOf('resume')).toBeLessThan(kinds.indexOf('set-capacity'))
    expect(steps.find((s) => s.kind === 'set-capacity')).toMatchObject({ group: 'prod-web-blue', capacity: { min: 0, desired: 0, max: 6 } })
  })

  it('finalize is refused while a forward still gives the old group weight', () => {
    const p = cutOver([forward(1, 0)])
    expect(preflight(p, classify(p), { mode: 'finalize', version: 'v2', versionTagKey: OPTS.versionTagKey }).refusals.join('\n')).toMatch(
      /1 forward action\(s\) still giving prod-web-blue weight/
    )
  })

  it('a weight write shows once the forward reads back with the written weights', () => {
    const step = planDeploy(classify(weighted(colors(3, 0), [forward(1, 0)])), OPTS).at(-1)!
    expect(showsWrite(cutOver([forward(1, 0)]), step)).toBe(false)
    expect(showsWrite(cutOver([forward(0, 1)]), step)).toBe(true)
  })
})
