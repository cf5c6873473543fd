// The bake (bake-time, alarm-names): after cutover the run watches CloudWatch alarms and the new group's
// target health; an alarm in ALARM, or a new target unhealthy several checks in a row, rolls the release
// back by itself (the same rollback mode: rollback runs) and fails the step naming the cause. A quiet bake
// ends with the pair awaiting finalize, as a deploy without a bake does.
import { afterEach, describe, expect, it } from '@jest/globals'
import { type ActionRun, runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

const BAKE = { 'bake-time': '10m', 'alarm-names': 'web-5xx, web-latency' }

function setup(): { blue: string; green: string; tg: string; v1: string[] } {
  world = newWorld()
  const names = addService(world, { instances: 3 })
  world.addAlarm({ AlarmName: 'web-5xx', MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Threshold: 10 })
  world.addAlarm({ AlarmName: 'web-latency', MetricName: 'TargetResponseTime', Namespace: 'AWS/ApplicationELB', Threshold: 1 })
  world.setAlarmState('web-5xx', 'OK')
  world.setAlarmState('web-latency', 'OK')
  world.setBaseline()
  return { ...names, v1: inService(names.blue) }
}

function inService(name: string): string[] {
  return world
    .group(name)
    .instances.filter((i) => i.lifecycle === 'InService')
    .map((i) => i.id)
    .sort()
}

/** Runs `fn` `afterMs` of virtual time after the deploy's first EnterStandby (cutover), while the action runs. */
function afterCutover(afterMs: number, fn: () => void): void {
  let armed = true
  world.faults.beforeWrite = (op) => {
    if (op !== 'EnterStandby' || !armed) return
    armed = false
    void world.clock.sleep(afterMs).then(fn)
  }
}

/** The test itself breaks one target (the app failing): invariant 1 then holds the action to one less. */
function lowerBaselineByOne(): void {
  world.setBaseline()
  for (const [arn, n] of world.baseline) world.baseline.set(arn, n - 1)
}

function markers(group: string): string[] {
  return Object.keys(world.group(group).tags).filter((k) => k.startsWith('blue-green:'))
}

/** The rollback left v1 serving from the very instances that served before, and green idle. */
function expectRolledBack(blue: string, green: string, tg: string, v1: string[]): void {
  expect(inService(blue)).toEqual(v1)
  expect(world.group(blue)).toMatchObject({ min: 3, desired: 3, max: 6, suspendedProcesses: [] })
  expect(world.group(green)).toMatchObject({ min: 0, desired: 0, max: 6 })
  expect(world.healthyCount(tg)).toBe(3)
  expect(markers(blue)).toEqual([])
  expect(markers(green)).toEqual([])
}

describe('bake after cutover', () => {
  it('a quiet bake watches for bake-time and ends with the pair awaiting finalize; finalize works as before', async () => {
    const { blue, green } = setup()
    let cutoverAt = 0
    world.faults.beforeWrite = (op) => {
      if (op === 'EnterStandby' && cutoverAt === 0) cutoverAt = world.now()
    }
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE })
    world.faults.beforeWrite = undefined
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, 'bake-result': 'passed' })
    expect(deploy.outputs['bake-watched']).toBe('alarm(s) web-5xx, web-latency and the target health of prod-web-green for 10m of 10m')
    // The run held the pair for the whole bake after cutover.
    expect(world.now() - cutoverAt).toBeGreaterThanOrEqual(10 * 60_000)
    // The alarms were read during the bake, not only before it.
    const reads = world.calls.filter((c) => c.operation === 'DescribeAlarms' && c.time > cutoverAt)
    expect(reads.length).toBeGreaterThan(30)
    expect(deploy.summary).toContain('**Bake:** passed')
    expect(deploy.summary).toMatch(/<td>web-5xx<\/td><td>OK<\/td>/)
    expect(deploy.summary).toContain('Next: approve the finalize job')
    expect(world.group(blue).instances.map((i) => i.lifecycle)).toEqual(['Standby', 'Standby', 'Standby'])

    const finalize = await runAction(world, { mode: 'finalize' })
    expect(finalize.failed).toBe(false)
    expect(finalize.outputs).toMatchObject({ state: 'finalized', 'live-group': green, 'bake-result': 'skipped' })
  })

  it('an alarm entering ALARM mid-bake rolls back: v1 serves again from its own instances, the step fails naming the alarm and its reason', async () => {
    const { blue, green, tg, v1 } = setup()
    afterCutover(7 * 60_000, () => world.setAlarmState('web-5xx', 'ALARM', 'Threshold Crossed: 3 datapoints [42.0, 37.0, 51.0] were greater than the threshold (10.0).'))
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE })
    world.faults.beforeWrite = undefined
    expect(deploy.failed).toBe(true)
    expect(deploy.outputs).toMatchObject({ state: 'rolled-back', 'live-group': blue, version: 'v1', 'bake-result': 'rolled-back' })
    const error = deploy.errors.join('\n')
    expect(error).toContain('alarm web-5xx is in ALARM: Threshold Crossed: 3 datapoints [42.0, 37.0, 51.0] were greater than the threshold (10.0).')
    expect(error).toContain('rolled back automatically')
    expectRolledBack(blue, green, tg, v1)
    // The summary shows the alarm's states over the bake: OK, then ALARM with its reason.
    expect(deploy.summary).toMatch(/<td>web-5xx<\/td><td>OK<\/td>.*<td>web-5xx<\/td><td>ALARM<\/td><td>[^<]+<\/td><td>[^<]+<\/td><td>Threshold Crossed: 3 datapoints/s)
    // A later rollback finds nothing to do; a new deploy starts from a clean pair.
    const again = await runAction(world, { mode: 'rollback' })
    expect(again.outputs.state).toBe('unchanged')
  })

  it('an alarm firing while the old instances still drain: the rollback waits until they are in Standby, then returns the same instances', async () => {
    const { blue, green, tg, v1 } = setup()
    let enteredAt = 0
    let firedAt = 0
    world.faults.beforeWrite = (op) => {
      if (op !== 'EnterStandby' || enteredAt !== 0) return
      enteredAt = world.now()
      void world.clock.sleep(30_000).then(() => {
        firedAt = world.now()
        world.setAlarmState('web-5xx', 'ALARM', 'errors right after cutover')
      })
    }
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE })
    world.faults.beforeWrite = undefined
    expect(deploy.failed).toBe(true)
    expect(deploy.outputs).toMatchObject({ state: 'rolled-back', 'bake-result': 'rolled-back' })
    expect(deploy.errors.join('\n')).toContain('alarm web-5xx is in ALARM: errors right after cutover')
    // The bake tripped while the v1 instances were still deregistering (300 s delay)...
    expect(firedAt - enteredAt).toBeLessThan(300_000)
    const exit = world.calls.find((c) => c.operation === 'ExitStandby' && c.ok)
    // ...and ExitStandby came only once they had reached Standby.
    expect(exit?.time ?? 0).toBeGreaterThanOrEqual(enteredAt + 300_000)
    expectRolledBack(blue, green, tg, v1)
  })

  it('a new target turning unhealthy and staying so rolls back, naming the instance and its reason code', async () => {
    const { blue, green, tg, v1 } = setup()
    let bad = ''
    afterCutover(7 * 60_000, () => {
      bad = inService(green)[0] as string
      // The app breaks a target, not the action: from here on, capacity must not drop below what still serves.
      lowerBaselineByOne()
      world.makeUnhealthy(bad, 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [500]')
    })
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', 'bake-time': '10m' })
    world.faults.beforeWrite = undefined
    expect(deploy.failed).toBe(true)
    expect(deploy.outputs).toMatchObject({ state: 'rolled-back', version: 'v1', 'bake-result': 'rolled-back' })
    expect(deploy.outputs['bake-watched']).toMatch(/^the target health of prod-web-green for /)
    const error = deploy.errors.join('\n')
    expect(bad).not.toBe('')
    expect(error).toMatch(new RegExp(`1 InService: unhealthy Target\\.ResponseCodeMismatch "[^"]+" \\(${bad}\\)`))
    expect(error).toContain('3 checks in a row')
    expectRolledBack(blue, green, tg, v1)
  })

  it('a target unhealthy for one check only does not trip the bake', async () => {
    setup()
    const green = 'prod-web-green'
    afterCutover(7 * 60_000, () => {
      const id = inService(green)[0] as string
      lowerBaselineByOne()
      world.makeUnhealthy(id, 'Target.Timeout')
      void world.clock.sleep(16_000).then(() => world.makeHealthy(id))
    })
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', 'bake-time': '10m' })
    world.faults.beforeWrite = undefined
    expect(deploy.failed).toBe(false)
    expect(deploy.outputs).toMatchObject({ state: 'awaiting-finalize', 'bake-result': 'passed' })
  })

  it('INSUFFICIENT_DATA is not a failure by default; with fail-on-insufficient-data it rolls back', async () => {
    const { blue, green, tg, v1 } = setup()
    afterCutover(7 * 60_000, () => world.setAlarmState('web-latency', 'INSUFFICIENT_DATA'))
    const quiet = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE })
    expect(quiet.failed).toBe(false)
    expect(quiet.outputs).toMatchObject({ state: 'awaiting-finalize', 'bake-result': 'passed' })
    expect(quiet.summary).toMatch(/<td>web-latency<\/td><td>INSUFFICIENT_DATA<\/td>/)
    await runAction(world, { mode: 'rollback' })
    expectRolledBack(blue, green, tg, v1)

    world.setAlarmState('web-latency', 'OK')
    afterCutover(7 * 60_000, () => world.setAlarmState('web-latency', 'INSUFFICIENT_DATA'))
    const strict = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE, 'fail-on-insufficient-data': 'true' })
    world.faults.beforeWrite = undefined
    expect(strict.failed).toBe(true)
    expect(strict.outputs).toMatchObject({ state: 'rolled-back', 'bake-result': 'rolled-back' })
    expect(strict.errors.join('\n')).toContain('alarm web-latency is in INSUFFICIENT_DATA: Insufficient Data')
    expect(inService(blue)).toEqual(v1)
  })

  it('an alarm already in ALARM is refused before anything is written; allow-alarm-at-start deploys, and the bake excuses it until it recovers', async () => {
    const { blue, green } = setup()
    world.setAlarmState('web-5xx', 'ALARM', 'Threshold Crossed: 1 datapoint [99.0] was greater than the threshold (10.0).')
    world.advance(60_000)
    const writes = world.writes().length
    const refused = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE })
    expect(refused.failed).toBe(true)
    expect(refused.outputs.state).toBe('refused')
    expect(refused.errors.join('\n')).toMatch(/prod-web: alarm web-5xx is in ALARM \(for \d+s: Threshold Crossed: 1 datapoint \[99\.0\]/)
    expect(refused.errors.join('\n')).toContain('allow-alarm-at-start: true')
    expect(world.writes().length).toBe(writes)

    const allowed = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE, 'allow-alarm-at-start': 'true' })
    expect(allowed.failed).toBe(false)
    expect(allowed.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, 'bake-result': 'passed' })
    expect(world.group(blue).instances.map((i) => i.lifecycle)).toEqual(['Standby', 'Standby', 'Standby'])
  })

  it('an excused alarm that recovers and fires again trips the bake', async () => {
    const { blue, green, tg, v1 } = setup()
    world.setAlarmState('web-5xx', 'ALARM', 'already firing')
    world.advance(60_000)
    // Both well inside the bake (it starts at cutover, or once the old instances drained, and lasts 10m).
    afterCutover(7 * 60_000, () => {
      world.setAlarmState('web-5xx', 'OK')
      void world.clock.sleep(60_000).then(() => world.setAlarmState('web-5xx', 'ALARM', 'firing again'))
    })
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE, 'allow-alarm-at-start': 'true' })
    world.faults.beforeWrite = undefined
    expect(deploy.failed).toBe(true)
    expect(deploy.errors.join('\n')).toContain('alarm web-5xx is in ALARM: firing again')
    expectRolledBack(blue, green, tg, v1)
  })

  it('a job cancelled mid-bake leaves the release serving and fails; a re-run of the deploy bakes it again', async () => {
    const { blue, green } = setup()
    const cancel = new AbortController()
    afterCutover(5 * 60_000, () => cancel.abort())
    const cancelled = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE }, { signal: cancel.signal })
    world.faults.beforeWrite = undefined
    expect(cancelled.failed).toBe(true)
    expect(cancelled.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, 'bake-result': 'interrupted' })
    expect(cancelled.errors.join('\n')).toContain('was not baked to the end (the job was cancelled during the bake')
    expect(world.group(blue).instances.every((i) => ['EnteringStandby', 'Standby'].includes(i.lifecycle))).toBe(true)

    const before = world.now()
    const rerun = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE })
    expect(rerun.failed).toBe(false)
    expect(rerun.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-group': green, 'bake-result': 'passed' })
    expect(world.now() - before).toBeGreaterThanOrEqual(10 * 60_000)
    // Without a bake, the same re-run has nothing to do: the release still waits for finalize.
    const plain = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(plain.outputs).toMatchObject({ state: 'awaiting-finalize', 'bake-result': 'skipped' })
  })

  it('an alarm name CloudWatch does not know is an input error naming it, before any write', async () => {
    setup()
    const writes = world.writes().length
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'bake-time': '5m', 'alarm-names': 'web-5xx\nweb-typo' })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('invalid-input')
    expect(r.errors.join('\n')).toContain(`Input 'alarm-names' is invalid: "web-typo". CloudWatch has no alarm of this name`)
    expect(world.writes().length).toBe(writes)
  })
})

describe('another run while a bake holds the pair (invariant 7)', () => {
  const runEnv = (id: string): Record<string, string> => ({ GITHUB_REPOSITORY: 'octo-org/web', GITHUB_RUN_ID: id, GITHUB_SERVER_URL: 'https://github.com' })
  const BAKER = 'https://github.com/octo-org/web/actions/runs/71'
  /** A run's own verdict (concurrent runs share this process's output files). */
  const verdictOf = (r: ActionRun | undefined): { failed: boolean | undefined; states: string[]; refusals: string } => ({
    failed: r?.failed,
    states: r?.result?.outcomes.map((o) => o.state) ?? [],
    refusals: r?.result?.refusals.join('\n') ?? ''
  })

  it('a deploy of the version being baked is refused naming the baking run, not reported unchanged; the bake then rolls it back', async () => {
    const { blue, green, tg, v1 } = setup()
    const during: Promise<ActionRun>[] = []
    // Six minutes into the bake v2 serves and the old instances are in Standby: the pair looks settled.
    afterCutover(6 * 60_000, () => {
      during.push(runAction(world, { mode: 'deploy', version: 'v2' }, { env: runEnv('72') }))
      during.push(runAction(world, { mode: 'deploy', version: 'v3' }, { env: runEnv('73') }))
      void world.clock.sleep(60_000).then(() => world.setAlarmState('web-5xx', 'ALARM', 'errors under load'))
    })
    const baking = await runAction(world, { mode: 'deploy', version: 'v2', ...BAKE }, { env: runEnv('71') })
    world.faults.beforeWrite = undefined
    const [same, other] = await Promise.all(during)
    expect(verdictOf(baking)).toMatchObject({ failed: true, states: ['rolled-back'] })
    expectRolledBack(blue, green, tg, v1)
    // The run deploying the same version did not report v2 in place while the bake could still undo it.
    const v2 = verdictOf(same)
    expect(v2).toMatchObject({ failed: true, states: ['refused'] })
    expect(v2.refusals).toMatch(new RegExp(`prod-web: another run is driving this pair: ${BAKER.replace(/[/.]/g, '\\$&')} \\(last heartbeat \\d+s ago\\)`))
    expect(v2.refusals).toMatch(/Wait for it to finish, then re-run/)
    // The run deploying another version is told about the live lock, not to run modes the lock would refuse too.
    const v3 = verdictOf(other)
    expect(v3).toMatchObject({ failed: true, states: ['refused'] })
    expect(v3.refusals).toMatch(new RegExp(`prod-web: another run is driving this pair: ${BAKER.replace(/[/.]/g, '\\$&')}`))
    expect(v3.refusals).not.toMatch(/mode: finalize|mode: rollback|re-run deploy with version/)
  })
})
