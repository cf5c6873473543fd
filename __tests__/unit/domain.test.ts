import { describe, expect, it } from '@jest/globals'
import { discover } from '../../src/domain/discover.js'
import { DEPLOY_RUN_TAG,
  IDLE_CAPACITY_TAG, LIVE_CAPACITY_TAG, LIVE_SUSPENDED_TAG, QUARANTINE_PROCESSES } from '../../src/domain/markers.js'
import { type Phase, classify } from '../../src/domain/phase.js'
import { planDeploy, planFinalize, planRollback } from '../../src/domain/plan.js'
import { type PreflightOptions, preflight } from '../../src/domain/preflight.js'
import { describeStep } from '../../src/domain/steps.js'
import { stateOf } from '../../src/domain/pair-state.js'
import { TG, config, group, instance, liveGroup, pair } from '../../test-support/fixtures.js'

const opts: PreflightOptions = { mode: 'deploy', version: 'v2', versionTagKey: 'docker:image:version' }
const planOpts = { version: 'v2', versionTagKey: 'docker:image:version', run: 'https://github.com/acme/web/actions/runs/1' }
const record = { recordOn: 'prod-web-blue', versionTagKey: 'docker:image:version' }

describe('discover', () => {
  const c = config()
  it('pairs groups by base and color, several services at once', () => {
    const groups = ['prod-api-web-blue', 'prod-api-web-green', 'prod-api-worker-green', 'prod-api-worker-blue'].map((n) => group(n))
    const found = discover(groups, c)
    expect(found.refusals).toEqual([])
    expect(found.pairs.map((p) => [p.base, p.groups.map((g) => g.color)])).toEqual([
      ['prod-api-web', ['blue', 'green']],
      ['prod-api-worker', ['blue', 'green']]
    ])
  })
  it('ignores groups outside the prefix or of another image', () => {
    const other = group('prod-web-blue', { tags: { 'docker:image:name': 'api' } })
    const found = discover([group('staging-web-blue'), other], c)
    expect(found.refusals[0]).toMatch(/No Auto Scaling group starts with "prod-" and carries the tag docker:image:name=web/)
  })
  it('refuses a base with one color and a name without a color suffix', () => {
    const found = discover([group('prod-web-blue'), group('prod-web-canary')], c)
    expect(found.pairs).toEqual([])
    expect(found.refusals).toEqual([
      expect.stringMatching(/^prod-web-canary: the name does not end in -blue or -green/),
      expect.stringMatching(/^prod-web: only prod-web-blue exists; a blue\/green pair also needs prod-web-green/)
    ])
  })
})

describe('classify', () => {
  it('at rest: one serves, the other is idle', () => {
    const p = pair(liveGroup('prod-web-blue', 'v1'), group('prod-web-green'))
    expect(classify(p)).toMatchObject({ kind: 'at-rest', live: { name: 'prod-web-blue' }, idle: { name: 'prod-web-green' } })
  })
  it('both serving with no record is unknown', () => {
    const p = pair(liveGroup('prod-web-blue', 'v1'), liveGroup('prod-web-green', 'v2'))
    expect(classify(p)).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/both prod-web-blue and prod-web-green serve/) })
  })
  it('standby instances nobody recorded are unknown', () => {
    const blue = liveGroup('prod-web-blue', 'v1', 2)
    blue.instances.push(instance('Standby', undefined))
    expect(classify(pair(blue, group('prod-web-green')))).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/Standby/) })
  })
  it('a cut-over pair knows which group is which from the tags', () => {
    const blue = group('prod-web-blue', {
      tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '3/3/6', [LIVE_SUSPENDED_TAG]: '' },
      instances: [instance('Standby', undefined)]
    })
    const green = liveGroup('prod-web-green', 'v2', 3, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6' } })
    expect(classify(pair(blue, green))).toMatchObject({ kind: 'cut-over', previous: { name: 'prod-web-blue' }, next: { name: 'prod-web-green' }, complete: true })
  })
})

describe('preflight', () => {
  const atRest = () => pair(liveGroup('prod-web-blue', 'v1'), group('prod-web-green'))
  const check = (p = atRest(), o = opts) => preflight(p, classify(p), o)

  it('passes a healthy at-rest pair', () => expect(check()).toEqual({ refusals: [] }))
  it('deploying the live version is a no-op notice, not a failure', () => {
    expect(check(atRest(), { ...opts, version: 'v1' })).toEqual({ refusals: [], nothingToDo: expect.stringMatching(/v1 is already live on prod-web-blue/) })
  })
  it.each([
    ['different target groups', (p: ReturnType<typeof atRest>) => (p.groups[1].targetGroupArns = [`${TG}x`]), /attached to different target groups/],
    ['an instance refresh', (p: ReturnType<typeof atRest>) => (p.groups[0].activeInstanceRefresh = 'r-1 (InProgress)'), /instance refresh r-1 \(InProgress\) is in progress/],
    [
      'a scaling activity in progress',
      (p: ReturnType<typeof atRest>) =>
        (p.groups[0].activities = [{ id: 'a', status: 'InProgress', description: 'Launching a new EC2 instance', startTime: new Date() }]),
      /prod-web-blue: a scaling activity is in progress/
    ],
    ['Launch suspended on the idle group', (p: ReturnType<typeof atRest>) => (p.groups[1].suspendedProcesses = ['Launch']), /prod-web-green: Launch is suspended/],
    ['a warm pool', (p: ReturnType<typeof atRest>) => (p.groups[1].warmPool = true), /prod-web-green: has a warm pool/],
    ['a Classic Load Balancer', (p: ReturnType<typeof atRest>) => (p.groups[0].loadBalancerNames = ['web-elb']), /Classic Load Balancer/],
    [
      'policies on the idle group',
      (p: ReturnType<typeof atRest>) => (p.groups[1].policies = [{ name: 'cpu', arn: 'arn', type: 'TargetTrackingScaling', settings: {}, alarmNames: [] }]),
      /idle group has its own policy cpu/
    ]
  ])('refuses %s', (_what, mutate, message) => {
    const p = atRest()
    mutate(p)
    expect(check(p).refusals).toEqual([expect.stringMatching(message)])
  })
  it('refuses a new deploy while another waits for a decision, naming both ways out', () => {
    const blue = group('prod-web-blue', { tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '3/3/6' }, instances: [instance('Standby', undefined)] })
    const green = liveGroup('prod-web-green', 'v2', 3, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6' } })
    const p = pair(blue, green)
    expect(check(p, { ...opts, version: 'v3' }).refusals[0]).toMatch(/deployment of v2 to prod-web-green is waiting for finalize or rollback; run mode: finalize or mode: rollback first/)
  })
  it('rollback after finalize names the previous version to deploy instead', () => {
    const p = pair(group('prod-web-blue', { tags: { 'docker:image:version': 'v1' } }), liveGroup('prod-web-green', 'v2'))
    expect(check(p, { ...opts, mode: 'rollback' }).cannot).toMatch(/nothing to roll back.*To go back, deploy the previous version: v1\./)
  })
  it('finalize refuses a deploy that has not cut over', () => {
    const green = liveGroup('prod-web-green', 'v2', 3, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6' } })
    const p = pair(liveGroup('prod-web-blue', 'v1'), green)
    expect(check(p, { ...opts, mode: 'finalize' }).refusals[0]).toMatch(/has not cut over yet.*re-run deploy to finish it, or roll back/)
  })
})

describe('plan', () => {
  it('deploy from rest: tag and scale the idle group, wait, then cut over in batches of 20', () => {
    const blue = liveGroup('prod-web-blue', 'v1', 25, { capacity: { min: 25, desired: 25, max: 40 } })
    const p = pair(blue, group('prod-web-green'))
    const steps = planDeploy(classify(p), planOpts)
    expect(steps.map((s) => s.kind)).toEqual([
      'tag',
      'set-capacity',
      'wait-healthy',
      'check-versions',
      'tag',
      'suspend',
      'set-min',
      'enter-standby',
      'enter-standby',
      'wait-deregistering'
    ])
    expect(steps[0]).toMatchObject({ group: 'prod-web-green', tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6' } })
    expect(steps[1]).toMatchObject({ group: 'prod-web-green', capacity: { min: 25, desired: 25, max: 40 } })
    expect(steps[3]).toMatchObject({ group: 'prod-web-green', versionTagKey: 'docker:image:version', version: 'v2' })
    expect(steps[4]).toMatchObject({ group: 'prod-web-blue', tags: { [LIVE_CAPACITY_TAG]: '25/25/40', [LIVE_SUSPENDED_TAG]: '' } })
    expect(steps[6]).toMatchObject({ kind: 'set-min', group: 'prod-web-blue', min: 0 })
    expect(steps.filter((s) => s.kind === 'enter-standby').map((s) => (s as { instanceIds: string[] }).instanceIds.length)).toEqual([20, 5])
  })

  it('re-planning a cut-over pair plans only what is left', () => {
    const blue = group('prod-web-blue', {
      capacity: { min: 0, desired: 1, max: 6 },
      tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '3/3/6', [LIVE_SUSPENDED_TAG]: '' },
      suspendedProcesses: [...QUARANTINE_PROCESSES],
      instances: [instance('Standby', undefined), instance('Standby', undefined), instance('InService')]
    })
    const green = liveGroup('prod-web-green', 'v2', 3, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6', [DEPLOY_RUN_TAG]: planOpts.run } })
    const steps = planDeploy(classify(pair(blue, green)), planOpts)
    expect(steps.map(describeStep)).toEqual([
      `move 1 instance(s) of prod-web-blue to Standby (desired decremented): ${blue.instances[2]?.id}`,
      'wait until traffic has left prod-web-blue: every leaving instance deregistering (draining) from its target groups'
    ])
  })

  it('rollback during the drain returns each old instance as soon as it is in Standby, then waits for the next one', () => {
    const [parked, draining] = [instance('Standby', undefined), instance('EnteringStandby', 'draining')]
    const blue = group('prod-web-blue', {
      tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '2/2/6', [LIVE_SUSPENDED_TAG]: '' },
      suspendedProcesses: [...QUARANTINE_PROCESSES],
      instances: [parked, draining]
    })
    const green = liveGroup('prod-web-green', 'v2', 2, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6' } })
    const steps = planRollback(classify(pair(blue, green)), record)
    expect(steps.slice(0, 4)).toEqual([
      expect.objectContaining({ kind: 'resume' }),
      { kind: 'exit-standby', group: 'prod-web-blue', instanceIds: [parked.id] },
      { kind: 'wait-standby', group: 'prod-web-blue', first: true },
      { kind: 'exit-standby', group: 'prod-web-blue', instanceIds: [draining.id] }
    ])
  })
  it('rollback restores processes the action suspended but not the owner\'s own', () => {
    const blue = group('prod-web-blue', {
      tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '2/2/6', [LIVE_SUSPENDED_TAG]: 'AZRebalance' },
      suspendedProcesses: [...QUARANTINE_PROCESSES],
      instances: [instance('Standby', undefined), instance('Standby', undefined)]
    })
    const green = liveGroup('prod-web-green', 'v2', 2, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6' } })
    const steps = planRollback(classify(pair(blue, green)), record)
    expect(steps.map((s) => s.kind)).toEqual(['resume', 'exit-standby', 'set-capacity', 'wait-healthy', 'set-capacity', 'wait-deregistering', 'tag', 'untag'])
    expect(steps[0]).toMatchObject({ processes: QUARANTINE_PROCESSES.filter((p) => p !== 'AZRebalance') })
    expect(steps[2]).toMatchObject({ group: 'prod-web-blue', capacity: { min: 2, desired: 2, max: 6 } })
    expect(steps[4]).toMatchObject({ group: 'prod-web-green', capacity: { min: 0, desired: 0, max: 6 } })
  })

  it('finalize retires standby instances in batches that fit one tag', () => {
    const blue = group('prod-web-blue', {
      tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '30/30/40', [LIVE_SUSPENDED_TAG]: '' },
      capacity: { min: 0, desired: 0, max: 40 },
      suspendedProcesses: [...QUARANTINE_PROCESSES],
      instances: Array.from({ length: 30 }, () => instance('Standby', undefined))
    })
    const green = liveGroup('prod-web-green', 'v2', 30, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/40' } })
    const steps = planFinalize(classify(pair(blue, green)), record)
    expect(steps.map((s) => s.kind)).toEqual(['retire', 'retire', 'retire', 'resume', 'tag', 'untag'])
    for (const s of steps.filter((x) => x.kind === 'retire')) {
      expect((s as { instanceIds: string[] }).instanceIds.join(',').length).toBeLessThanOrEqual(256)
    }
  })
})

describe('traffic has moved (issue 9: the deploy ends when it has, not when the drain is over)', () => {
  function cutOver(targetState: 'healthy' | 'draining'): Phase {
    const blue = group('prod-web-blue', {
      tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '1/1/6', [LIVE_SUSPENDED_TAG]: '' },
      capacity: { min: 0, desired: 0, max: 6 },
      suspendedProcesses: [...QUARANTINE_PROCESSES],
      instances: [instance('EnteringStandby', targetState)]
    })
    const green = liveGroup('prod-web-green', 'v2', 1, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/6', [DEPLOY_RUN_TAG]: planOpts.run } })
    return classify(pair(blue, green))
  }

  it('an instance entering Standby that a target group still shows healthy has not left: the deploy waits', () => {
    const phase = cutOver('healthy')
    expect(phase).toMatchObject({ kind: 'cut-over', complete: false })
    expect(planDeploy(phase, planOpts).map((s) => s.kind)).toEqual(['wait-deregistering'])
  })

  it('once every target group shows it draining, the deploy is done although the drain goes on', () => {
    const phase = cutOver('draining')
    expect(phase).toMatchObject({ kind: 'cut-over', complete: true })
    expect(phase.kind === 'cut-over' && phase.draining.length).toBe(1)
    expect(planDeploy(phase, planOpts)).toEqual([])
    expect(stateOf(phase)).toBe('awaiting-finalize')
  })

  it('finalize and rollback still wait for the drain before they touch the instance', () => {
    const phase = cutOver('draining')
    expect(planFinalize(phase, record)[0]).toMatchObject({ kind: 'wait-standby' })
    expect(planRollback(phase, record).map((s) => s.kind)).toContain('wait-standby')
  })
})
