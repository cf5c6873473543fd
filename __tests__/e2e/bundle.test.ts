// The committed bundle, tested as the runner runs it: every step is a new `node dist/index.js` process
// with INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and an environment built from
// scratch, talking to the simulated AWS over loopback HTTP (AWS_ENDPOINT_URL). Virtual time runs 600×
// real time (a 60 s launch takes 0.1 s, a 300 s deregistration delay 0.5 s); the action's own waits
// (poll-interval 1s) are real.
//
// dist/ must match src/: run `npm run package` first when src/ changed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling'
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import { type BundleRun, SERVICE_ENDPOINT_VARIABLES, runBundle, runnerEnvironment, expectExit } from '../../test-support/bundle.js'
import { type SimServer, simClients, startSimServer } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { addService, newWorld } from '../../test-support/worlds.js'

const SPEED = 600
const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '2m' }
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'

let server: SimServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function setup(): Promise<{ world: SimWorld; endpoint: string }> {
  const world = newWorld()
  addService(world, { instances: 3, version: 'v1' })
  server = await startSimServer(world, { speed: SPEED })
  return { world, endpoint: server.url }
}

function run(endpoint: string, inputs: Record<string, string>, extra: Partial<Parameters<typeof runBundle>[0]> = {}): Promise<BundleRun> {
  return runBundle({ endpoint, inputs: { ...COMMON, ...inputs }, ...extra })
}

function ids(world: SimWorld, group: string, lifecycle?: string): string[] {
  return world
    .group(group)
    .instances.filter((i) => lifecycle === undefined || i.lifecycle === lifecycle)
    .map((i) => i.id)
    .sort()
}

/** Wait (real time) until no instance of the pair is launching, draining or terminating. */
async function quiet(world: SimWorld, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  const busy = (): boolean => [BLUE, GREEN].some((n) => world.group(n).instances.some((i) => !['InService', 'Standby'].includes(i.lifecycle)))
  while (busy()) {
    if (Date.now() - started > timeoutMs) throw new Error('the pair did not settle')
    await new Promise((r) => setTimeout(r, 50))
  }
}

function deploymentTags(world: SimWorld, group: string): string[] {
  return Object.keys(world.group(group).tags).filter((k) => k.startsWith('blue-green:'))
}

describe('the bundle, run as a GitHub runner runs it', () => {
  it('deploy → rollback → deploy → finalize, each step a new process: colors alternate, old instances end only at finalize', async () => {
    const { world, endpoint } = await setup()
    const v1 = ids(world, BLUE, 'InService')
    expect(v1).toHaveLength(3)
    const running = (): boolean => v1.every((id) => world.instance(id).ec2State === 'running')

    // 1. deploy v2: green serves, blue's instances wait in Standby, still running.
    world.setBaseline()
    const deploy = await run(endpoint, { mode: 'deploy', version: 'v2' })
    expectExit(deploy, 0)
    expect(deploy.errors).toEqual([])
    expect(deploy.outputs).toMatchObject({
      state: 'awaiting-finalize',
      'live-color': 'green',
      'standby-color': 'blue',
      'live-group': GREEN,
      'standby-group': BLUE,
      version: 'v2',
      'previous-version': 'v1'
    })
    expect(JSON.parse(deploy.outputs['standby-instance-ids'] ?? 'null').sort()).toEqual(v1)
    expect(JSON.parse(deploy.outputs.pairs ?? '[]')).toEqual([expect.objectContaining({ base: 'prod-web', state: 'awaiting-finalize', liveColor: 'green' })])
    expect(deploy.outputs.plan).toContain('Standby')
    expect(deploy.summary).toContain('## Blue/green deploy of v2')
    expect(deploy.summary).toContain('### ⏸️ prod-web: awaiting-finalize')
    expect(deploy.summary).toContain('mode: rollback')
    // The deploy ended when traffic had moved: the old instances drain (a 300 s delay is 0.5 s here) into Standby.
    expect([...ids(world, BLUE, 'EnteringStandby'), ...ids(world, BLUE, 'Standby')].sort()).toEqual(v1)
    expect(world.group(BLUE)).toMatchObject({ min: 0, desired: 0, max: 6 })
    expect(world.group(GREEN)).toMatchObject({ min: 3, desired: 3, max: 6 })
    expect(world.group(GREEN).instances.map((i) => [i.lifecycle, i.version])).toEqual(Array(3).fill(['InService', 'v2']))
    expect(world.healthyCount('prod-web')).toBe(3)
    expect(running()).toBe(true)
    world.assertNoViolations()

    // 2. rollback, from AWS state alone: the same v1 instances serve again, green returns to idle.
    world.setBaseline()
    const rollback = await run(endpoint, { mode: 'rollback' })
    expectExit(rollback, 0)
    expect(rollback.outputs).toMatchObject({
      state: 'rolled-back',
      'live-color': 'blue',
      'standby-color': 'green',
      'live-group': BLUE,
      'standby-group': GREEN,
      version: 'v1',
      'previous-version': 'v2',
      'standby-instance-ids': '[]'
    })
    expect(rollback.summary).toContain('### ↩️ prod-web: rolled-back')
    expect(ids(world, BLUE, 'InService')).toEqual(v1)
    expect(world.group(BLUE)).toMatchObject({ min: 3, desired: 3, max: 6, suspendedProcesses: [] })
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0, max: 6 })
    expect(deploymentTags(world, BLUE)).toEqual([])
    expect(deploymentTags(world, GREEN)).toEqual([])
    expect(running()).toBe(true)
    world.assertNoViolations()

    // Green's v2 instances drain (deregistration delay) before the next deploy may start.
    await quiet(world)

    // 3. deploy v2 again: green again, the same v1 instances are parked in Standby again.
    world.setBaseline()
    const again = await run(endpoint, { mode: 'deploy', version: 'v2' })
    expectExit(again, 0)
    expect(again.outputs).toMatchObject({ state: 'awaiting-finalize', 'live-color': 'green', 'standby-color': 'blue', version: 'v2', 'previous-version': 'v1' })
    expect(JSON.parse(again.outputs['standby-instance-ids'] ?? 'null').sort()).toEqual(v1)
    expect([...ids(world, BLUE, 'EnteringStandby'), ...ids(world, BLUE, 'Standby')].sort()).toEqual(v1)
    expect(running()).toBe(true)
    world.assertNoViolations()

    // 4. finalize, from AWS state alone: only now are the v1 instances terminated.
    world.setBaseline()
    const finalize = await run(endpoint, { mode: 'finalize' })
    expectExit(finalize, 0)
    expect(finalize.outputs).toMatchObject({
      state: 'finalized',
      'live-color': 'green',
      'standby-color': 'blue',
      'live-group': GREEN,
      'standby-group': BLUE,
      version: 'v2',
      'previous-version': 'v1',
      'standby-instance-ids': '[]'
    })
    expect(finalize.summary).toContain('### ✅ prod-web: finalized')
    for (const id of v1) expect(['shutting-down', 'terminated']).toContain(world.instance(id).ec2State)
    expect(world.group(BLUE)).toMatchObject({ min: 0, desired: 0, max: 6, suspendedProcesses: [], instances: [] })
    expect(world.group(GREEN)).toMatchObject({ min: 3, desired: 3, max: 6, suspendedProcesses: [] })
    expect(ids(world, GREEN, 'InService')).toHaveLength(3)
    // (blue-green:finalizing is left behind: see the failing test below)
    expect(deploymentTags(world, BLUE).filter((k) => k !== 'blue-green:finalizing')).toEqual([])
    expect(deploymentTags(world, GREEN)).toEqual([])
    expect(world.lostInstances()).toEqual([])
    world.assertNoViolations()
  })

  // BUG (src/domain/plan.ts planFinalize + src/run/act.ts 'retire'): finalize plans its "remove deployment
  // tags" step from the tags present at the start; the `retire` step then writes blue-green:finalizing on
  // the old group, and finalize has no wait that would re-plan, so the tag (the retired instance ids)
  // survives a successful finalize. README: the tag exists "during finalize". It rides along until the next
  // finalize removes it. Remove `.failing` once fixed.
  it('finalize leaves no deployment marker behind', async () => {
    const { world, endpoint } = await setup()
    expectExit(await run(endpoint, { mode: 'deploy', version: 'v2' }), 0)
    const finalize = await run(endpoint, { mode: 'finalize' })
    expectExit(finalize, 0)
    expect(finalize.outputs.state).toBe('finalized')
    expect(deploymentTags(world, GREEN)).toEqual([])
    expect(world.group(BLUE).tags).not.toHaveProperty(['blue-green:finalizing'])
  })

  it('a missing required input (mode) fails with an error naming it and writes nothing', async () => {
    const { world, endpoint } = await setup()
    const r = await run(endpoint, { version: 'v2' })
    expectExit(r, 1)
    expect(r.stdout).toMatch(/^::error::.*'mode'/m)
    expect(r.errors.join('\n')).toContain("Input 'mode' is invalid")
    expect(world.writes()).toEqual([])
  })

  it('a bad input value fails naming the input and the value, before any AWS call', async () => {
    const { world, endpoint } = await setup()
    const r = await run(endpoint, { mode: 'deploy', version: 'v2', 'health-timeout': 'soon' })
    expectExit(r, 1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain('health-timeout')
    expect(r.errors[0]).toContain('"soon"')
    expect(world.calls).toEqual([])
  })

  it('a pre-flight refusal (a prefix that matches nothing) fails, writes nothing and explains in the summary', async () => {
    const { world, endpoint } = await setup()
    const r = await run(endpoint, { mode: 'deploy', version: 'v2', prefix: 'staging-' })
    expectExit(r, 1)
    expect(r.outputs.state).toBe('refused')
    expect(r.errors.join('\n')).toContain('staging-')
    expect(world.writes()).toEqual([])
    expect(world.calls.length).toBeGreaterThan(0) // it did look
    expect(r.summary).toContain('Pre-flight refused the run; nothing was changed anywhere')
    expect(r.summary).toMatch(/No Auto Scaling group starts with &#34;staging-&#34;/)
  })

  // BUG (src/report/summary.ts + src/run/prepare.ts): when pre-flight refuses a pair it discovered, the pair's
  // outcome keeps the state "planned", so the summary shows "### prod-web: planned" and "Next: Dry run:
  // nothing was changed. Run again without `dry-run: true` to apply this plan." on a run that was not a
  // dry run, next to the plan it refused to apply. Remove `.failing` once fixed.
  it('a pre-flight refusal of a discovered pair is not reported as a dry run', async () => {
    const { world, endpoint } = await setup()
    // Scaling on the idle group: pre-flight refuses (it belongs to the live one).
    world.putScalingPolicy({ AutoScalingGroupName: GREEN, PolicyName: 'stray', PolicyType: 'SimpleScaling', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 })
    const r = await run(endpoint, { mode: 'deploy', version: 'v2' })
    expectExit(r, 1)
    expect(r.outputs.state).toBe('refused')
    expect(r.errors.join('\n')).toContain('stray')
    expect(world.writes()).toEqual([])
    expect(r.summary).toContain('Pre-flight refused the run')
    expect(r.summary).not.toContain('Dry run')
    expect(r.summary).not.toContain(': planned')
  })

  it('dry-run: exit 0, state planned, the plan lists the writes, nothing is written', async () => {
    const { world, endpoint } = await setup()
    const before = { blue: world.group(BLUE), green: world.group(GREEN) }
    const r = await run(endpoint, { mode: 'deploy', version: 'v2', 'dry-run': 'true' })
    expectExit(r, 0)
    expect(r.outputs.state).toBe('planned')
    const plan = (r.outputs.plan ?? '').split('\n')
    expect(plan.length).toBeGreaterThanOrEqual(6)
    for (const step of [
      'tag prod-web-green: docker:image:version=v2',
      'set prod-web-green to min 3 / desired 3 / max 6',
      'suspend ',
      'move 3 instance(s) of prod-web-blue to Standby'
    ]) {
      expect(plan.some((l) => l.includes(step))).toBe(true)
    }
    expect(r.summary).toContain('dry run')
    expect(world.writes()).toEqual([])
    expect(world.group(BLUE)).toEqual(before.blue)
    expect(world.group(GREEN)).toEqual(before.green)
  })

  it('a bad version aborts: the error names the instances and the reason code, the live group is untouched, the new group idle again', async () => {
    const { world, endpoint } = await setup()
    world.setVersionHealth('v-bad', 'unhealthy')
    const live = world.group(BLUE)
    world.setBaseline()
    // The action's clock is real time while the simulator's runs ×600: give the app seconds, not minutes.
    const r = await run(endpoint, { mode: 'deploy', version: 'v-bad', 'boot-grace': '3s' })
    expectExit(r, 1)
    const error = r.errors.join('\n')
    const bad = [...world.instances.values()].filter((i) => i.version === 'v-bad').map((i) => i.id)
    expect(bad).toHaveLength(3)
    for (const id of bad) expect(error).toContain(id)
    expect(error).toContain('Target.ResponseCodeMismatch')
    expect(r.outputs.state).toBe('aborted')
    expect(r.summary).toContain('Target.ResponseCodeMismatch')
    // The live group exactly as it was.
    const after = world.group(BLUE)
    expect(after).toMatchObject({ min: live.min, desired: live.desired, max: live.max, suspendedProcesses: live.suspendedProcesses, tags: live.tags })
    expect(ids(world, BLUE, 'InService')).toEqual(live.instances.map((i) => i.id).sort())
    expect(world.healthyCount('prod-web')).toBe(3)
    // The new group back to idle, its deployment marker gone.
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0, max: 6 })
    expect(deploymentTags(world, GREEN)).toEqual([])
    world.assertNoViolations()
  })

  it('a cancelled job (SIGINT while waiting for health) exits within seconds and returns the new group to idle', async () => {
    // SIGINT ~1 s after the deploy starts waiting for the new instances' health (counted from that log
    // line rather than from the spawn, so a slow machine cannot signal before the launch).
    const { world, endpoint } = await setup()
    world.setVersionHealth('v-stuck', 'stuck-initial')
    const live = world.group(BLUE)
    world.setBaseline()
    const r = await run(endpoint, { mode: 'deploy', version: 'v-stuck', 'health-timeout': '10m' }, { signalAfterMs: { signal: 'SIGINT', afterMs: 1000, afterOutput: /wait until 3 instance\(s\) of prod-web-green are InService and healthy/ } })
    expect(r.exitSignal).toBeNull() // it handled the signal and exited by itself
    expect(r.code).not.toBe(0)
    expect(r.exitAfterSignalMs).toBeLessThan(5000)
    expect(r.stderr).toContain('Received SIGINT')
    // It had started: green launched the new version before the signal.
    expect([...world.instances.values()].some((i) => i.version === 'v-stuck')).toBe(true)
    expect(world.group(GREEN)).toMatchObject({ min: 0, desired: 0, max: 6 })
    expect(deploymentTags(world, GREEN)).toEqual([])
    const after = world.group(BLUE)
    expect(after).toMatchObject({ min: live.min, desired: live.desired, max: live.max, suspendedProcesses: live.suspendedProcesses, tags: live.tags })
    expect(ids(world, BLUE, 'InService')).toEqual(live.instances.map((i) => i.id).sort())
    expect(r.summary).not.toBe('') // a cancelled run still explains itself
    world.assertNoViolations()
  })

  it('honours the per-service endpoint variables (AWS_ENDPOINT_URL_<SERVICE>) for all four services', async () => {
    const { world, endpoint } = await setup()
    // A step policy and its alarm on the live group, so the deploy calls CloudWatch; finalize calls EC2.
    const aws = simClients(world)
    try {
      const policy = await aws.autoScaling.send(
        new PutScalingPolicyCommand({ AutoScalingGroupName: BLUE, PolicyName: 'out', PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] })
      )
      await aws.cloudWatch.send(
        new PutMetricAlarmCommand({ AlarmName: 'cpu-high', AlarmActions: [policy.PolicyARN ?? ''], MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'Average', Period: 60, EvaluationPeriods: 2, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold' })
      )
    } finally {
      aws.destroy()
    }
    const env = runnerEnvironment('/tmp/x', { endpoint, inputs: {}, endpointVariables: 'per-service' })
    expect(env.AWS_ENDPOINT_URL).toBeUndefined()
    for (const name of SERVICE_ENDPOINT_VARIABLES) expect(env[name]).toBe(endpoint)

    const first = world.calls.length
    world.setBaseline()
    const deploy = await run(endpoint, { mode: 'deploy', version: 'v2' }, { endpointVariables: 'per-service' })
    expectExit(deploy, 0)
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    const finalize = await run(endpoint, { mode: 'finalize' }, { endpointVariables: 'per-service' })
    expectExit(finalize, 0)
    expect(finalize.outputs.state).toBe('finalized')
    const services = new Set(world.calls.slice(first).map((c) => c.service))
    expect([...services].sort()).toEqual(['autoscaling', 'cloudwatch', 'ec2', 'elbv2'])
    expect(world.calls.slice(first).filter((c) => c.operation === 'TerminateInstances')).toHaveLength(1)
    expect((world.alarms.get('cpu-high')?.config['AlarmActions'] as string[])[0]).toContain(`autoScalingGroupName/${GREEN}:`)
    world.assertNoViolations()
  })

  it('builds the child environment from scratch: nothing but PATH comes from the caller', () => {
    process.env.BG_E2E_SENTINEL = 'leak'
    process.env.INPUT_DRY_RUN = 'true'
    try {
      const env = runnerEnvironment('/tmp/x', { endpoint: 'http://127.0.0.1:1', inputs: { service: 'web', 'service-tag-key': 'app:name', mode: 'status' } })
      expect(env.BG_E2E_SENTINEL).toBeUndefined()
      expect(env.INPUT_DRY_RUN).toBeUndefined()
      expect(env.INPUT_SERVICE).toBe('web')
      // The runner keeps hyphens in the variable's name.
      expect(env['INPUT_SERVICE-TAG-KEY']).toBe('app:name')
      expect(env.INPUT_MODE).toBe('status')
      expect(env.PATH).toBe(process.env.PATH)
      expect(env.NODE_OPTIONS).toBeUndefined()
      expect(env).toMatchObject({ GITHUB_ACTIONS: 'true', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' })
    } finally {
      delete process.env.BG_E2E_SENTINEL
      delete process.env.INPUT_DRY_RUN
    }
  })
})
