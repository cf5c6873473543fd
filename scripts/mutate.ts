// Mutation table: proves the tests catch deliberate bugs. Each mutation's tests run first as the fast suite
// runs them (`npm test`: kill sweeps sampled, with KILL_SEED=1), and, when that does not catch it, as the
// exhaustive suite runs them (every kill point, every bundle e2e test); the row records which suite caught it. Each mutation is a short text replacement in
// one file of src/, applied one at a time to a copy of the project (src/ itself is never written, so
// nothing is left behind by a crash or Ctrl-C); the tests chosen for it run against the copy, and the
// mutation counts as caught only when a test *failed an assertion* (a suite that does not compile or
// does not run proves nothing).
//
//   npm run mutate                       every mutation, table on stdout, docs/mutations.json written
//   npm run mutate -- --only a,b         the named mutations; their rows of docs/mutations.json are replaced
//   npm run mutate -- --list             the mutations and their tests, nothing run
//   npm run mutate -- --no-baseline      skip the unmutated run of the selected tests
//
// Exits non-zero when a mutation survives, its pattern no longer matches exactly once (the table must not
// rot silently while src/ changes), or the unmutated tests fail.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const JSON_OUT = path.join(ROOT, 'docs', 'mutations.json')
/** What the copy needs to run the tests (node_modules is linked, not copied). */
const COPIED = ['src', 'test-support', '__tests__', 'package.json', 'jest.config.js', 'tsconfig.json']
const RUN_TIMEOUT_MS = 6 * 60_000

export interface Mutation {
  id: string
  /** The bug, as a reviewer would describe it. */
  title: string
  /** File under src/. */
  file: string
  /** Text that must occur exactly once in the file. */
  find: string
  replace: string
  /** Test files (from the repository root) that should catch it. */
  tests: string[]
  /** Optional jest -t filter (regular expression on the test's full name). */
  only?: string
}

const T = {
  cycle: '__tests__/scenario/cycle.test.ts',
  failures: '__tests__/scenario/failures.test.ts',
  interference: '__tests__/faults/interference.test.ts',
  github: '__tests__/scenario/github.test.ts',
  interruptions: '__tests__/scenario/interruptions.test.ts',
  paging: '__tests__/scenario/paging.test.ts',
  protection: '__tests__/scenario/protection.test.ts',
  rerun: '__tests__/scenario/rerun.test.ts',
  scaling: '__tests__/scenario/scaling.test.ts',
  targetGroups: '__tests__/scenario/target-groups.test.ts',
  throttling: '__tests__/faults/throttling.test.ts',
  traffic: '__tests__/scenario/traffic.test.ts',
  race: '__tests__/scenario/race.test.ts',
  idempotency: '__tests__/scenario/idempotency.test.ts',
  realAws: '__tests__/scenario/real-aws.test.ts',
  slow: '__tests__/faults/slow.test.ts',
  drain: '__tests__/scenario/drain.test.ts',
  cadence: '__tests__/scenario/cadence.test.ts',
  rateLimits: '__tests__/faults/rate-limits.test.ts',
  hooks: '__tests__/scenario/hooks.test.ts',
  weights: '__tests__/scenario/weights.test.ts',
  classic: '__tests__/scenario/classic-lb.test.ts',
  ami: '__tests__/scenario/ami.test.ts'
}

export const MUTATIONS: Mutation[] = [
  {
    id: 'health-first-target-group',
    title: 'health is judged in the first target group only',
    file: 'src/domain/health.ts',
    find: 'const targets = targetGroupArns\n',
    replace: 'const targets = targetGroupArns.slice(0, 1)\n',
    tests: [T.targetGroups]
  },
  {
    id: 'standby-before-health',
    title: 'deploy enters Standby without waiting for the new group to be healthy',
    file: 'src/domain/plan.ts',
    find: "steps.push({ kind: 'wait-healthy', group: idle.name",
    replace: "if (false) steps.push({ kind: 'wait-healthy', group: idle.name",
    tests: [T.cycle]
  },
  {
    id: 'rerun-skips-quarantine',
    title: "a re-run skips the standby group's quarantine (suspend) once the live capacity was recorded",
    file: 'src/domain/plan.ts',
    find: 'if (toSuspend.length > 0) steps.push',
    replace: 'if (toSuspend.length > 0 && previous.tags[LIVE_CAPACITY_TAG] === undefined) steps.push',
    tests: [T.rerun],
    only: 'killed'
  },
  {
    id: 'keep-scale-in-protection',
    title: 'scale-in protection is never removed before the new group is idled',
    file: 'src/domain/plan.ts',
    find: 'chunk(protectedIds, PROTECTION_BATCH)',
    replace: 'chunk(protectedIds.slice(0, 0), PROTECTION_BATCH)',
    tests: [T.protection]
  },
  {
    id: 'next-token-groups',
    title: 'DescribeAutoScalingGroups ignores NextToken (first page of groups only)',
    file: 'src/aws/fleet.ts',
    find: 'token = page.NextToken',
    replace: 'token = undefined',
    tests: [T.paging]
  },
  {
    id: 'next-token-details',
    title: 'DescribePolicies / DescribeScheduledActions ignore NextToken',
    file: 'src/aws/fleet.ts',
    find: 'token = r.next',
    replace: 'token = undefined',
    tests: [T.paging]
  },
  {
    id: 'next-token-alarms',
    title: 'DescribeAlarms (alarms to re-point) ignores NextToken',
    file: 'src/aws/scaling.ts',
    find: 'NextToken = page.NextToken',
    replace: 'NextToken = undefined',
    tests: [T.paging]
  },
  {
    id: 'owner-suspended-resumed',
    title: "rollback and finalize resume the processes the owner had suspended",
    file: 'src/domain/plan.ts',
    find: 'const ownerSuspended = decodeList(previous.tags[LIVE_SUSPENDED_TAG])',
    replace: 'const ownerSuspended: string[] = []',
    tests: [T.rerun],
    only: 'owner'
  },
  {
    id: 'detach-decrements',
    title: 'DetachInstances decrements desired capacity (a second time)',
    file: 'src/aws/fleet.ts',
    find: 'ShouldDecrementDesiredCapacity: false',
    replace: 'ShouldDecrementDesiredCapacity: true',
    tests: [T.cycle]
  },
  {
    id: 'alarms-not-repointed',
    title: 'alarms are not re-pointed at a moved step/simple policy',
    file: 'src/aws/scaling.ts',
    find: "policy.type !== 'TargetTrackingScaling' && created.PolicyARN",
    replace: 'false && created.PolicyARN',
    tests: [T.scaling],
    only: 'scaling follows the traffic moves policies'
  },
  {
    id: 'timezone-dropped',
    title: "a moved scheduled action loses its TimeZone",
    file: 'src/aws/scaling.ts',
    find: 'TimeZone: action.timeZone,',
    replace: '',
    tests: [T.scaling],
    only: 'scaling follows the traffic moves policies'
  },
  {
    id: 'min-not-lowered',
    title: 'MinSize is not lowered before EnterStandby',
    file: 'src/domain/plan.ts',
    find: 'if (previous.capacity.min > 0) {',
    replace: 'if (false) {',
    tests: [T.cycle]
  },
  {
    id: 'standby-batch-21',
    title: 'standby calls are chunked by 21 instances',
    file: 'src/domain/steps.ts',
    find: 'STANDBY_BATCH = 20',
    replace: 'STANDBY_BATCH = 21',
    tests: [T.scaling],
    only: 'more than 20 instances'
  },
  {
    id: 'lock-ignored',
    title: "the lock ignores another run's lock",
    file: 'src/domain/lock.ts',
    find: "if (!holder) return { kind: 'free' }",
    replace: "if (holder || !holder) return { kind: 'free' }",
    tests: [T.github],
    only: 'invariant 7'
  },
  {
    id: 'retire-unrecorded',
    title: 'finalize detaches a batch without first recording it on the group',
    file: 'src/execute.ts',
    find: 'await f.tag(s.group, { [FINALIZING_TAG]',
    replace: 'if (false) await f.tag(s.group, { [FINALIZING_TAG]',
    tests: [T.interruptions],
    only: 'batch sequence'
  },
  {
    id: 'unhealthy-never-gives-up',
    title: 'a target still unhealthy after boot-time and 3 checks in a row does not stop the wait early',
    file: 'src/domain/health.ts',
    find: 'if (stuck.length > 0) {',
    replace: 'if (false) {',
    tests: [T.failures],
    only: 'never gets healthy'
  },
  {
    id: 'launch-failures-ignored',
    title: 'a launch failure that repeats identically does not stop the health wait',
    file: 'src/domain/health.ts',
    find: 'if (repeated) return',
    replace: 'if (false) return',
    tests: [T.failures],
    only: 'repeats identically'
  },
  {
    id: 'rollback-shrinks',
    title: 'rollback restores the recorded desired capacity even though traffic grew',
    file: 'src/domain/plan.ts',
    find: 'Math.max(recorded.desired, next.capacity.desired, previous.capacity.desired)',
    replace: 'recorded.desired',
    tests: [T.traffic]
  },
  {
    id: 'rollback-replan-shrinks',
    title: 'a rollback re-planned after it idled the new group sets the restored group back to the recorded desired',
    file: 'src/domain/plan.ts',
    find: 'Math.max(recorded.desired, next.capacity.desired, previous.capacity.desired)',
    replace: 'Math.max(recorded.desired, next.capacity.desired)',
    tests: [T.traffic]
  },
  {
    id: 'rollback-launches-new',
    title: 'rollback scales the old group up with new instances instead of bringing the standby ones back',
    file: 'src/domain/plan.ts',
    find: "chunk(alive, STANDBY_BATCH)) steps.push({ kind: 'exit-standby'",
    replace: "chunk(alive.slice(0, 0), STANDBY_BATCH)) steps.push({ kind: 'exit-standby'",
    tests: [T.cycle]
  },
  {
    id: 'wait-ignores-lowered-capacity',
    title: 'the health wait does not notice the new group was scaled below what it waits for',
    file: 'src/execute.ts',
    find: 'if (group.capacity.desired < s.count) {',
    replace: 'if (false) {',
    tests: [T.interference],
    only: 'capacity lowered'
  },
  {
    id: 'refresh-ignored-mid-run',
    title: 'an instance refresh started during the deploy does not stop the cutover',
    file: 'src/modes.ts',
    find: 'if (serving?.activeInstanceRefresh) {',
    replace: 'if (false) {',
    tests: [T.interference],
    only: 'refresh'
  },
  {
    id: 'no-contention-retry',
    title: 'Auto Scaling contention (ScalingActivityInProgress) is not retried',
    file: 'src/aws/fleet.ts',
    find: 'CONTENTION_ATTEMPTS = 6',
    replace: 'CONTENTION_ATTEMPTS = 1',
    tests: [T.throttling],
    only: 'contention'
  },
  {
    id: 'lock-not-checked-on-observation',
    title: 'a run does not check the lock at its observations (only when it takes it)',
    file: 'src/modes.ts',
    find: '    locks.check(pair)\n',
    replace: '\n',
    tests: [T.race]
  },
  {
    id: 'rollback-refuses-settled-pairs',
    title: 'rollback refuses a pair that already serves its previous version instead of leaving it unchanged',
    file: 'src/domain/preflight.ts',
    find: "if ((last && last.mode !== 'finalize') || (!last && previous === undefined)) {",
    replace: 'if (false) {',
    tests: [T.idempotency],
    only: 'rollback'
  },
  {
    id: 'live-group-not-held',
    title: 'the live group can scale in while the new group boots (MinSize not held)',
    file: 'src/domain/plan.ts',
    find: 'if (live.capacity.min >= live.capacity.desired) return steps',
    replace: 'return steps',
    tests: [T.interference],
    only: 'scale-in alarm'
  },
  {
    id: 'scaling-moves-after-drain',
    title: 'scaling policies move only after the old instances drained (no group can scale out meanwhile)',
    file: 'src/domain/plan.ts',
    find: "  for (const policy of previous.policies) steps.push({ kind: 'move-policy', from: previous.name, to: next.name, policy })\n",
    replace: "  for (const policy of previous.instances.some((i) => i.lifecycle === 'InService' || i.lifecycle === 'EnteringStandby') ? [] : previous.policies) steps.push({ kind: 'move-policy', from: previous.name, to: next.name, policy })\n",
    tests: [T.realAws],
    only: 'drain'
  },
  {
    id: 'unhealthy-during-boot-aborts',
    title: 'an instance unhealthy while it boots aborts the deploy (boot-time ignored)',
    file: 'src/domain/health.ts',
    find: '&& now - (this.firstSeen.get(id) ?? now) >= this.o.bootTimeMs',
    replace: '',
    tests: [T.realAws],
    only: 'boots'
  },
  {
    id: 'transient-launch-failure-aborts',
    title: 'one failed launch (a capacity shortage Auto Scaling retries) aborts the deploy',
    file: 'src/domain/health.ts',
    find: 'if (count >= LAUNCH_FAILURE_REPEATS) return { message, count }',
    replace: 'if (count >= 1) return { message, count }',
    tests: [T.realAws],
    only: 'retries by itself'
  },
  {
    id: 'dead-standby-exited',
    title: 'rollback returns a standby instance EC2 no longer runs instead of detaching it',
    file: 'src/domain/plan.ts',
    find: 'const dead = standby.filter((i) => i.gone).map((i) => i.id)',
    replace: 'const dead: string[] = []',
    tests: [T.realAws],
    only: 'behind the group'
  },
  {
    id: 'reads-trusted-after-writes',
    title: "an observation right after the run's own writes is trusted although it may lag them",
    file: 'src/execute.ts',
    find: '      if (!this.stillUnseen(current)) return current',
    replace: '      return current',
    tests: [T.slow],
    only: 'EnteringStandby'
  },
  {
    id: 'deploy-waits-out-drain',
    title: 'the deploy waits until the old instances reach Standby (the whole deregistration delay)',
    file: 'src/domain/plan.ts',
    find: "steps.push({ kind: 'wait-deregistering', group: previous.name })",
    replace: "steps.push({ kind: 'wait-standby', group: previous.name })",
    tests: [T.drain],
    only: 'ends with the old instances draining'
  },
  {
    id: 'traffic-moved-on-lagging-read',
    title: 'traffic is taken as moved from a read that does not show the EnterStandby yet',
    file: 'src/execute.ts',
    find: 'return waiting === 0 && !this.stillUnseen(now, true) ?',
    replace: 'return waiting === 0 ?',
    tests: [T.drain],
    only: 'ends with the old instances draining'
  },
  {
    id: 'health-polled-at-interval-only',
    title: 'the health wait looks only every poll-interval, even when targets are about to turn healthy',
    file: 'src/execute.ts',
    find: 'nextIntervalMs: () => cadence.nextDelayMs(this.o.clock.now()),',
    replace: '',
    tests: [T.cadence]
  },
  {
    id: 'calls-unlimited-in-flight',
    title: 'every pair sends its calls at once (no per-service limit): a burst spends the SDK retry quota',
    file: 'src/aws/clients.ts',
    find: 'export const MAX_IN_FLIGHT_PER_SERVICE = 8',
    replace: 'export const MAX_IN_FLIGHT_PER_SERVICE = 1000',
    tests: [T.rateLimits]
  },
  {
    id: 'light-polls-held-by-policy-moves',
    title: "a wait's light polls (which do not re-read policies) wait for the policies' move to show",
    file: 'src/execute.ts',
    find: 'return pending.some((w) => !(light && NOT_IN_LIGHT_OBSERVATIONS.has(w.step.kind)))',
    replace: 'return pending.length > 0',
    tests: [T.scaling],
    only: 'moves policies'
  },
  {
    id: 'rollback-done-while-new-serves',
    title: 'a rollback reports done while the new version still takes requests (its targets not yet deregistering)',
    file: 'src/domain/plan.ts',
    find: "steps.push({ kind: 'wait-deregistering', group: next.name })",
    replace: '// (no wait)',
    tests: [T.drain],
    only: 'rollback started during the drain'
  },
  {
    id: 'cutover-to-another-release',
    title: "a deploy cuts over to instances launched with another run's version (crossed writes)",
    file: 'src/execute.ts',
    find: "const other = ids.filter((id) => (tags[id]?.[s.versionTagKey] ?? s.version) !== s.version)",
    replace: 'const other: string[] = []',
    tests: [T.race],
    only: 'crossed writes'
  },
  {
    id: 'weights-counted-as-instances',
    title: 'readiness counts instances, not capacity units, in a weighted group',
    file: 'src/domain/health.ts',
    find: 'healthy += weightOf(inst)',
    replace: 'healthy += 1',
    tests: [T.weights]
  },
  {
    id: 'classic-draining-read-as-healthy',
    title: "a Classic LB's deregistering (connection draining) instance read as still serving",
    file: 'src/domain/classic.ts',
    find: "if (state === 'InService') return text && DEREGISTERING.test(text) ? health('draining') : { state: 'healthy' }",
    replace: "if (state === 'InService') return { state: 'healthy' }",
    tests: [T.classic]
  },
  {
    id: 'bad-image-retried',
    title: 'a launch failing because of its image or template is waited on like a transient one',
    file: 'src/domain/health.ts',
    find: 'const broken = this.o.patient ? undefined : report.failedActivities.find((a) => isImageLaunchFailure(a.message ?? a.description))',
    replace: 'const broken = undefined as Activity | undefined',
    tests: [T.ami]
  },
  {
    id: 'shared-latest-template-allowed',
    title: 'a deploy by image goes ahead while the live group launches the same template through $Latest',
    file: 'src/domain/image.ts',
    find: "l.version === '$Latest'",
    replace: 'false',
    tests: [T.ami]
  },
  {
    id: 'termination-hook-skipped',
    title: 'finalize detaches and terminates instances of a group with a termination lifecycle hook',
    file: 'src/domain/preflight.ts',
    find: 'if (hooks) return { refusals: [hooks] }',
    replace: 'void hooks',
    tests: [T.hooks]
  },
  {
    id: 'launch-hook-longer-than-wait',
    title: 'a deploy starts although a launch hook may hold instances past health-timeout',
    file: 'src/domain/preflight.ts',
    find: 'if (hookRefusal) out.push(hookRefusal)',
    replace: 'void hookRefusal',
    tests: [T.hooks]
  }
]

export type Outcome = 'caught' | 'SURVIVED' | 'pattern not found' | 'error'

export interface MutationResult {
  id: string
  title: string
  file: string
  tests: string[]
  only?: string
  outcome: Outcome
  /** Tests that failed an assertion under the mutation (file › full name), sorted. */
  caughtBy: string[]
  detail?: string
  /** The first suite whose run of the tests caught it: the fast one (KILL_SEED=1) or, failing that, the exhaustive one. */
  suite?: Suite
  seconds: number
}

type Suite = 'fast' | 'exhaustive'

/** The seed the fast suite's sampled sweeps use here, so that a row can be reproduced. */
const FAST_SEED = '1'

export interface MutationReport {
  /** Commit of the tree the mutations were applied to. */
  commit: string
  results: MutationResult[]
}

// ---------------------------------------------------------------- the copy

function makeCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutate-'))
  for (const entry of COPIED) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  return dir
}

interface JestJson {
  testResults: { name: string; status: string; message: string; assertionResults: { fullName: string; status: string }[] }[]
}

let child: ReturnType<typeof spawn> | undefined

function runJest(dir: string, tests: string[], only: string | undefined, suite: Suite): Promise<{ json: JestJson | undefined; code: number | null; timedOut: boolean; stderr: string }> {
  const out = path.join(dir, `jest-${Date.now()}.json`)
  const args = [path.join(dir, 'node_modules', 'jest', 'bin', 'jest.js'), '--json', `--outputFile=${out}`, '--ci', ...(only ? ['-t', only] : []), ...tests]
  const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '), NODE_NO_WARNINGS: '1', RELIABILITY_STATS_DIR: '', TEST_SUITE: suite === 'exhaustive' ? 'exhaustive' : '', KILL_SEED: FAST_SEED }
  return new Promise((resolve) => {
    let stderr = ''
    let timedOut = false
    const c = spawn(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] })
    child = c
    c.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-20_000)
    })
    const timer = setTimeout(() => {
      timedOut = true
      c.kill('SIGKILL')
    }, RUN_TIMEOUT_MS)
    c.on('close', (code) => {
      clearTimeout(timer)
      child = undefined
      let json: JestJson | undefined
      try {
        json = JSON.parse(fs.readFileSync(out, 'utf8')) as JestJson
        fs.rmSync(out, { force: true })
      } catch {
        json = undefined
      }
      resolve({ json, code, timedOut, stderr })
    })
  })
}

function failedTests(dir: string, json: JestJson): { failed: string[]; broken: string[] } {
  const failed: string[] = []
  const broken: string[] = []
  for (const s of json.testResults) {
    const file = path.relative(dir, s.name)
    if (s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed')) broken.push(`${file}: ${firstLine(s.message)}`)
    for (const a of s.assertionResults) if (a.status === 'failed') failed.push(`${file} › ${a.fullName}`)
  }
  return { failed: failed.sort(), broken }
}

function firstLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return (text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('●')) ?? '').slice(0, 200)
}

function occurrences(text: string, find: string): number {
  let n = 0
  for (let i = text.indexOf(find); i !== -1; i = text.indexOf(find, i + find.length)) n++
  return n
}

// ---------------------------------------------------------------- table

function table(results: MutationResult[]): string {
  const rows = results.map((r) => [
    r.id,
    r.file.replace(/^src\//, ''),
    r.tests.map((t) => path.basename(t, '.test.ts')).join(', ') + (r.only ? ` (-t ${r.only})` : ''),
    r.outcome === 'caught' ? `caught (${r.suite ?? 'exhaustive'} suite) by ${r.caughtBy[0] ?? '?'}${r.caughtBy.length > 1 ? ` (+${r.caughtBy.length - 1})` : ''}` : `${r.outcome}${r.detail ? `: ${r.detail}` : ''}`
  ])
  const head = ['mutation', 'file', 'tests run', 'result']
  const widths = head.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))))
  const fmt = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n')
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const onlyArg = argv.find((_, i) => argv[i - 1] === '--only') ?? argv.find((a) => a.startsWith('--only='))?.slice(7)
  const selected = onlyArg ? MUTATIONS.filter((m) => onlyArg.split(',').includes(m.id)) : MUTATIONS
  if (onlyArg && selected.length === 0) throw new Error(`no mutation named ${onlyArg}; --list shows them`)
  if (argv.includes('--list')) {
    for (const m of selected) console.log(`${m.id}\t${m.file}\t${m.tests.join(' ')}${m.only ? ` -t '${m.only}'` : ''}\t${m.title}`)
    return
  }
  const ids = MUTATIONS.map((m) => m.id)
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i)
  if (dup.length > 0) throw new Error(`duplicate mutation ids: ${dup.join(', ')}`)

  const dir = makeCopy()
  const cleanup = (): void => {
    child?.kill('SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
  }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      console.error(`mutate: ${sig}, stopping (src/ was never modified; the copy ${dir} is removed)`)
      cleanup()
      process.exit(130)
    })
  }
  const started = Date.now()
  let bad = false
  try {
    // Tests that fail without any mutation prove nothing: a mutation whose selection includes one is an error.
    let baselineFailures: string[] = []
    if (!argv.includes('--no-baseline')) {
      const files = [...new Set(selected.flatMap((m) => m.tests))].sort()
      console.error(`mutate: baseline (no mutation): ${files.length} test files`)
      const base = await runJest(dir, files, undefined, 'exhaustive')
      const f = base.json ? failedTests(dir, base.json) : { failed: [], broken: ['no jest results'] }
      if (base.timedOut || f.broken.length > 0 || !base.json) {
        console.error(`mutate: the unmutated test files do not run, nothing can be judged:\n  ${f.broken.join('\n  ') || base.stderr.slice(-2000)}`)
        process.exitCode = 2
        return
      }
      baselineFailures = f.failed
      for (const t of baselineFailures) console.error(`mutate: fails without any mutation: ${t}`)
    }
    const results: MutationResult[] = []
    for (const m of selected) {
      const t0 = Date.now()
      const target = path.join(dir, m.file)
      const original = fs.readFileSync(target, 'utf8')
      const base: Omit<MutationResult, 'outcome' | 'caughtBy' | 'seconds'> = { id: m.id, title: m.title, file: m.file, tests: m.tests, ...(m.only ? { only: m.only } : {}) }
      const n = occurrences(original, m.find)
      if (n !== 1) {
        results.push({ ...base, outcome: 'pattern not found', caughtBy: [], detail: n === 0 ? 'no match' : `${n} matches`, seconds: 0 })
        console.error(`mutate: ${m.id}: pattern ${n === 0 ? 'not found' : `found ${n} times`} in ${m.file}`)
        continue
      }
      const unfit = baselineFailures.filter((t) => m.tests.some((f) => t.startsWith(`${f} › `)) && (!m.only || new RegExp(m.only).test(t.split(' › ').slice(1).join(' '))))
      if (unfit.length > 0) {
        results.push({ ...base, outcome: 'error', caughtBy: [], detail: `fails without the mutation: ${unfit.join('; ')}`, seconds: 0 })
        console.error(`mutate: ${m.id}: skipped, its tests fail without the mutation`)
        continue
      }
      fs.writeFileSync(target, original.replace(m.find, m.replace))
      try {
        console.error(`mutate: ${m.id} (${m.file}) → ${m.tests.join(' ')}${m.only ? ` -t '${m.only}'` : ''}`)
        // A fast run that catches it settles the row; otherwise the exhaustive run judges it.
        const fast = await runJest(dir, m.tests, m.only, 'fast')
        const caughtFast = fast.json !== undefined && failedTests(dir, fast.json).failed.length > 0
        const suite: Suite = caughtFast ? 'fast' : 'exhaustive'
        const r = caughtFast ? fast : await runJest(dir, m.tests, m.only, 'exhaustive')
        const seconds = Math.round((Date.now() - t0) / 1000)
        if (r.timedOut) {
          results.push({ ...base, outcome: 'error', caughtBy: [], detail: `timed out after ${RUN_TIMEOUT_MS / 60_000} min`, seconds })
        } else if (!r.json) {
          results.push({ ...base, outcome: 'error', caughtBy: [], detail: `jest wrote no results: ${firstLine(r.stderr)}`, seconds })
        } else {
          const f = failedTests(dir, r.json)
          const ran = r.json.testResults.reduce((a, s) => a + s.assertionResults.filter((x) => x.status === 'passed' || x.status === 'failed').length, 0)
          if (f.failed.length > 0) results.push({ ...base, outcome: 'caught', caughtBy: f.failed, suite, seconds })
          else if (f.broken.length > 0) results.push({ ...base, outcome: 'error', caughtBy: [], detail: `suite did not run: ${f.broken.join('; ')}`, seconds })
          else if (ran === 0) results.push({ ...base, outcome: 'error', caughtBy: [], detail: 'no test ran (check the -t filter)', seconds })
          else results.push({ ...base, outcome: 'SURVIVED', caughtBy: [], detail: `${ran} tests passed`, seconds })
        }
      } finally {
        fs.writeFileSync(target, original)
      }
      const last = results[results.length - 1] as MutationResult
      console.error(`mutate: ${m.id}: ${last.outcome}${last.caughtBy[0] ? ` by ${last.caughtBy[0]}` : ''}${last.detail ? ` (${last.detail})` : ''} [${last.seconds}s]`)
    }
    console.log(table(results))
    const failed = results.filter((r) => r.outcome !== 'caught')
    console.log(`\n${results.length - failed.length} of ${results.length} mutations caught in ${Math.round((Date.now() - started) / 1000)} s`)
    const commit = await git(['rev-parse', '--short', 'HEAD'])
    let rows = results
    if (onlyArg && fs.existsSync(JSON_OUT)) {
      // Replace the rows of the mutations run now; keep the others; order as in MUTATIONS.
      const previous = (JSON.parse(fs.readFileSync(JSON_OUT, 'utf8')) as MutationReport).results
      const byId = new Map([...previous, ...results].map((r) => [r.id, r]))
      rows = MUTATIONS.map((m) => byId.get(m.id)).filter((r): r is MutationResult => r !== undefined)
    }
    const report: MutationReport = { commit, results: rows }
    fs.writeFileSync(JSON_OUT, JSON.stringify(report, null, 2) + '\n')
    console.error(`mutate: wrote ${path.relative(ROOT, JSON_OUT)}`)
    bad = failed.length > 0
  } finally {
    cleanup()
  }
  if (bad) process.exitCode = 1
}

function git(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    c.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')))
    c.on('close', (code) => resolve(code === 0 ? out.trim() : 'unknown'))
  })
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`mutate: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(2)
  })
}
