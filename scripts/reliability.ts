// Generates docs/RELIABILITY.md: runs the scenario, fault and end-to-end suites once (jest --json, with
// RELIABILITY_STATS_DIR set so the simulated AWS writes its counters, see test-support/stats.ts), then
// prints every fault scenario of test-support/faults-scenarios.ts with its result, and the figures.
//
//   npm run reliability
//
// Exits non-zero if a test failed, a suite did not run, a test of a described file has no entry in
// FAULT_SCENARIOS, or an entry matches no test (so the document cannot drift from the suite). The
// document is written in every case, failures included.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DESCRIBED_FILES, FAULT_SCENARIOS, RELIABILITY_AREAS, type FaultScenario, describes } from '../test-support/faults-scenarios.js'
import type { StatsLine } from '../test-support/stats.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SUITES = ['__tests__/scenario', '__tests__/faults', '__tests__/e2e']
const OUT = path.join(ROOT, 'docs', 'RELIABILITY.md')

interface Assertion {
  ancestorTitles: string[]
  title: string
  fullName: string
  status: 'passed' | 'failed' | 'pending' | 'todo' | 'skipped' | 'disabled' | 'focused'
  duration?: number | null
  failureMessages?: string[]
}
interface SuiteResult {
  name: string
  status: 'passed' | 'failed'
  message: string
  assertionResults: Assertion[]
}
interface JestJson {
  numTotalTests: number
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
  numTotalTestSuites: number
  testResults: SuiteResult[]
}

interface Test extends Assertion {
  file: string
}

// ---------------------------------------------------------------- run the suite

function runSuite(): { json: JestJson; stats: StatsLine[]; wallMs: number; exit: number | null } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-'))
  const statsDir = path.join(tmp, 'stats')
  const outputFile = path.join(tmp, 'jest.json')
  const env = {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '),
    NODE_NO_WARNINGS: '1',
    RELIABILITY_STATS_DIR: statsDir
  }
  console.error(`reliability: running ${SUITES.join(' ')} (stats in ${statsDir})`)
  const started = Date.now()
  const r = spawnSync('npx', ['jest', '--json', `--outputFile=${outputFile}`, ...SUITES], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] })
  const wallMs = Date.now() - started
  if (!fs.existsSync(outputFile)) {
    console.error(`reliability: jest wrote no results (exit ${r.status}, ${r.error?.message ?? 'no error'})`)
    process.exit(2)
  }
  const json = JSON.parse(fs.readFileSync(outputFile, 'utf8')) as JestJson
  const stats: StatsLine[] = []
  if (fs.existsSync(statsDir)) {
    for (const f of fs.readdirSync(statsDir).sort()) {
      for (const line of fs.readFileSync(path.join(statsDir, f), 'utf8').split('\n')) if (line.trim()) stats.push(JSON.parse(line) as StatsLine)
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true })
  return { json, stats, wallMs, exit: r.status }
}

// ---------------------------------------------------------------- formatting

const n = (x: number): string => x.toLocaleString('en-US')
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function duration(ms: number): string {
  const s = Math.round(ms / 1000)
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (d > 0) return `${d} d ${h} h ${m} min`
  if (h > 0) return `${h} h ${m} min`
  if (m > 0) return `${m} min ${sec} s`
  return `${(ms / 1000).toFixed(1)} s`
}

function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : ''
}

function resultMark(tests: Test[]): string {
  if (tests.length === 0) return '❌ no test'
  const failed = tests.filter((t) => t.status === 'failed').length
  const passed = tests.filter((t) => t.status === 'passed').length
  const other = tests.length - failed - passed
  const mark = failed > 0 ? '❌' : other > 0 ? '⚠️' : '✅'
  if (tests.length === 1) return failed > 0 ? '❌ failed' : other > 0 ? `⚠️ ${tests[0]?.status}` : '✅ passed'
  return `${mark} ${passed}/${tests.length} passed${other > 0 ? `, ${other} not run` : ''}`
}

// ---------------------------------------------------------------- main

function main(): void {
  const { json, stats, wallMs, exit } = runSuite()
  const problems: string[] = []

  const tests: Test[] = json.testResults.flatMap((s) => s.assertionResults.map((a) => ({ ...a, file: path.relative(ROOT, s.name) })))
  for (const s of json.testResults) {
    if (s.status === 'failed' && s.assertionResults.length === 0) problems.push(`suite did not run: ${path.relative(ROOT, s.name)}: ${s.message.split('\n').find((l) => l.trim()) ?? ''}`)
  }
  for (const t of tests) {
    if (t.status !== 'failed') continue
    // eslint-disable-next-line no-control-regex
    const first = (t.failureMessages?.[0] ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ').slice(0, 240)
    problems.push(`test failed: ${t.file} › ${t.fullName}${first ? ` (${first})` : ''}`)
  }

  // Entries ↔ tests, both ways.
  const byEntry = new Map<FaultScenario, Test[]>()
  for (const s of FAULT_SCENARIOS) {
    const matched = tests.filter((t) => describes(s, t.file, t.ancestorTitles, t.title))
    byEntry.set(s, matched)
    if (matched.length === 0) problems.push(`entry matches no test: ${s.file} › ${s.describe} › ${s.test}`)
  }
  const described = new Set(DESCRIBED_FILES)
  for (const t of tests) {
    if (!described.has(t.file)) continue
    const owners = FAULT_SCENARIOS.filter((s) => describes(s, t.file, t.ancestorTitles, t.title))
    if (owners.length === 0) problems.push(`test has no entry in FAULT_SCENARIOS: ${t.file} › ${t.fullName}`)
    if (owners.length > 1) problems.push(`test matched by ${owners.length} entries: ${t.file} › ${t.fullName}`)
  }
  for (const f of DESCRIBED_FILES) if (!json.testResults.some((s) => path.relative(ROOT, s.name) === f)) problems.push(`described file was not run: ${f}`)

  // Figures.
  const worlds = stats.filter((l): l is Extract<StatsLine, { kind: 'world' }> => l.kind === 'world')
  const kills = stats.filter((l): l is Extract<StatsLine, { kind: 'kill' }> => l.kind === 'kill')
  const sum = (key: 'ticks' | 'inv1' | 'inv2' | 'inv3' | 'inv4' | 'calls' | 'callErrors' | 'virtualMs' | 'violations', rows = worlds): number => rows.reduce((a, w) => a + w[key], 0)
  const killPoints = kills.reduce((a, k) => a + k.killPoints, 0)
  const perTest = (t: Test): { worlds: typeof worlds; kills: number } => ({
    worlds: worlds.filter((w) => w.file === t.file && w.test === t.fullName),
    kills: kills.filter((k) => k.file === t.file && k.test === t.fullName).reduce((a, k) => a + k.killPoints, 0)
  })
  const counted = (what: 'bad-input' | 'bad-state'): number => FAULT_SCENARIOS.filter((s) => s.counts === what).reduce((a, s) => a + (byEntry.get(s)?.length ?? 0), 0)
  const passed = tests.filter((t) => t.status === 'passed').length
  const failed = tests.filter((t) => t.status === 'failed').length
  const notRun = tests.length - passed - failed
  const scenarioTests = new Set([...byEntry.values()].flat())
  const serverWorlds = worlds.filter((w) => w.server)
  const eventWorlds = worlds.filter((w) => !w.server)

  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown'
  const dirty = git(['status', '--porcelain']) !== ''
  const now = new Date()

  const L: string[] = []
  L.push('# Reliability figures')
  L.push('')
  L.push(
    `> **Generated** by \`scripts/reliability.ts\` on ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC from commit \`${commit}\`${dirty ? ' (with uncommitted changes in the working tree)' : ''}, Node ${process.version}. Do not edit by hand: regenerate with \`npm run reliability\` (runs ${SUITES.map((s) => `\`${s}\``).join(', ')} once, ~${Math.max(1, Math.round(wallMs / 60_000))} min).`
  )
  L.push('')
  L.push(
    'Every test runs the action against a stateful simulated AWS (`test-support/sim/`) whose time is virtual: it jumps from one event (a launch finishing, a target turning healthy, a drain ending, a sleeper waking) to the next, and nothing changes in between. After every such step and every accepted write, the simulator checks the SPEC invariants and records any violation; every test asserts there is none. The fault scenarios below also assert their own end state: no instance lost, serving capacity never below the baseline taken when the run began, and each group\'s capacity, suspended processes, scaling policies and scheduled actions as SPEC.md says.'
  )
  L.push('')
  L.push('## Summary')
  L.push('')
  L.push('| figure | value |')
  L.push('| --- | --- |')
  L.push(`| test files run | ${n(json.numTotalTestSuites)} |`)
  L.push(`| tests run / passed / failed | ${n(tests.length)} / ${n(passed)} / ${n(failed)}${notRun > 0 ? ` (${n(notRun)} skipped or todo)` : ''} |`)
  L.push(`| fault scenarios (catalogue entries) / tests they cover | ${n(FAULT_SCENARIOS.length)} / ${n(scenarioTests.size)} |`)
  L.push(`| kill points tried (runs killed after their k-th write, then re-run or rolled back; \`killAfter\` calls) | ${n(killPoints)} |`)
  L.push(`| bad inputs tried / bad AWS states tried | ${n(counted('bad-input'))} / ${n(counted('bad-state'))} |`)
  L.push(`| simulated AWS accounts built | ${n(worlds.length)} (${n(serverWorlds.length)} of them behind a loopback HTTP server) |`)
  L.push(`| invariant checks: after each step of virtual time and each write (inv. 1) | ${n(sum('ticks'))} steps checked; ${n(sum('inv1'))} target-group counts compared with their baseline |`)
  L.push(`| invariant checks: EnterStandby calls checked (inv. 2) | ${n(sum('inv2'))} |`)
  L.push(`| invariant checks: instances checked before a terminate (inv. 3) | ${n(sum('inv3'))} |`)
  L.push(`| invariant checks: launches checked (inv. 4) | ${n(sum('inv4'))} |`)
  L.push(`| invariant violations left at the end of a test | ${n(sum('violations'))} |`)
  L.push(
    `| virtual time simulated | ${duration(sum('virtualMs'))}: ${duration(sum('virtualMs', eventWorlds))} in-process (event to event), ${duration(sum('virtualMs', serverWorlds))} behind the loopback server at 600× the wall clock (end-to-end tests, process start-ups included) |`
  )
  L.push(`| AWS calls served (of which answered with an error, injected faults included) | ${n(sum('calls'))} (${n(sum('callErrors'))}) |`)
  L.push(`| suite wall time (jest, all workers) | ${duration(wallMs)} |`)
  L.push('')

  for (const area of RELIABILITY_AREAS) {
    const entries = FAULT_SCENARIOS.filter((s) => s.area === area.area)
    if (entries.length === 0) continue
    L.push(`## ${area.title}`)
    L.push('')
    L.push(area.intro)
    L.push('')
    L.push('| scenario | fault | expected end state | result | measured |')
    L.push('| --- | --- | --- | --- | --- |')
    for (const s of entries) {
      const matched = byEntry.get(s) ?? []
      const figures = matched.map(perTest)
      const ws = figures.flatMap((f) => f.worlds)
      const k = figures.reduce((a, f) => a + f.kills, 0)
      const measured = [
        k > 0 ? `${n(k)} kill points` : '',
        ws.length > 0 ? `${n(sum('ticks', ws))} steps checked` : '',
        ws.length > 0 ? `${n(sum('calls', ws))} AWS calls` : '',
        ws.length > 0 ? `${duration(sum('virtualMs', ws))} virtual` : ''
      ]
        .filter(Boolean)
        .join(' · ')
      const name = `${s.describe} › ${s.test}${s.each ? ` (× ${matched.length})` : ''}`
      L.push(`| ${cell(name)} | ${cell(s.fault)} | ${cell(s.expected)} | ${resultMark(matched)} | ${measured || '—'} |`)
    }
    L.push('')
  }

  const others = tests.filter((t) => !described.has(t.file))
  if (others.length > 0) {
    L.push('## Other tests in the same run')
    L.push('')
    L.push('Scenario tests without an injected fault (the normal cycle, pre-flight refusals, scaling following the traffic). They run under the same invariant checks and count in the summary.')
    L.push('')
    L.push('| file | test | result |')
    L.push('| --- | --- | --- |')
    for (const t of others) L.push(`| \`${t.file}\` | ${cell(t.fullName)} | ${resultMark([t])} |`)
    L.push('')
  }

  const areaTests = (areas: string[]): number => FAULT_SCENARIOS.filter((s) => areas.includes(s.area)).reduce((a, s) => a + (byEntry.get(s)?.length ?? 0), 0)
  L.push('## Invariants and how they are checked')
  L.push('')
  L.push('| SPEC invariant | how it is checked | count |')
  L.push('| --- | --- | --- |')
  L.push(
    `| 1. Healthy serving capacity never below what the live group served when the run began | simulator, after every step of virtual time and every accepted write: healthy targets of each target group ≥ its baseline (\`world.setBaseline()\`, taken by each test before the run) | ${n(sum('ticks'))} steps, ${n(sum('inv1'))} comparisons |`
  )
  L.push(
    `| 2. The live group leaves the load balancer only after every new instance is healthy in every target group | simulator, at every accepted EnterStandby: every Pending/InService instance of the other groups sharing a target group is \`healthy\` in all of them, and there are at least as many as the instances moved | ${n(sum('inv2'))} EnterStandby calls |`
  )
  L.push(
    `| 3. No serving instance is terminated by the action; no instance lost | simulator, at every EC2 TerminateInstances / TerminateInstanceInAutoScalingGroup: no target instance is \`healthy\` or \`initial\`; tests assert \`world.lostInstances()\` is empty | ${n(sum('inv3'))} instances checked |`
  )
  L.push(
    `| 4. A standby group launches nothing by itself | simulator, at every launch (the only way a group gains an instance, run from the step check): the group has no Standby/EnteringStandby instance | ${n(sum('inv4'))} launches |`
  )
  // Entries whose expected end state says the live group was left as it was (the prose of FAULT_SCENARIOS).
  const keepsLive = /live group (exactly )?as it was|live as before|live group never left service/
  const inv5 = FAULT_SCENARIOS.filter((s) => keepsLive.test(s.expected)).reduce((a, s) => a + (byEntry.get(s)?.length ?? 0), 0)
  L.push(
    `| 5. A deploy that cannot finish leaves the live group as it was and the new group idle | assertions of the scenarios whose expected end state says so (failed health, launch failures, timeouts, storms that outlast the retries, cancellation): the live group compared with a snapshot taken before the run, the new group back to 0/0 without marker | ${n(inv5)} tests |`
  )
  L.push(`| 6. An interrupted run converges when run again; rollback restores from any point | the kill-point tests (every write of deploy, finalize, rollback), cancelled and failed runs re-run in the other areas | ${n(killPoints)} kill points |`)
  const lockTests = tests.filter((t) => t.fullName.includes('(invariant 7)'))
  L.push(
    `| 7. Two runs never drive the same pair at once | \`__tests__/scenario/github.test.ts\` "two runs on one pair (invariant 7)": a held lock refuses the second run naming the holder's URL, two runs started together leave one driving, a lock without heartbeat (or whose run GitHub reports completed) is taken over; kill points leave the lock out | ${n(lockTests.length)} tests (${lockTests.filter((t) => t.status === 'passed').length} passed) |`
  )
  L.push(`| 8. Restored means restored (capacity, processes, policies with alarms, scheduled actions with time zones) | the rollback kill-point tests compare both groups' min/desired/max, suspended processes, policies, scheduled actions and markers with the originals; throttled rollback compares group snapshots | ${n(areaTests(['interruptions']))} interruption tests |`)
  L.push('')
  if (problems.length > 0) {
    L.push('## Problems found by this run')
    L.push('')
    for (const p of problems) L.push(`- ${p.replace(/\n/g, ' ')}`)
    L.push('')
  }

  fs.mkdirSync(path.dirname(OUT), { recursive: true })
  fs.writeFileSync(OUT, L.join('\n'))
  console.error(`reliability: wrote ${path.relative(ROOT, OUT)} (${n(tests.length)} tests, ${n(failed)} failed, ${n(killPoints)} kill points, jest exit ${exit}, ${duration(wallMs)})`)
  if (problems.length > 0) {
    for (const p of problems) console.error(`reliability: ${p}`)
    process.exit(1)
  }
  if (exit !== 0) {
    console.error(`reliability: jest exited ${exit}`)
    process.exit(1)
  }
}

main()
