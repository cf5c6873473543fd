// Generates docs/RELIABILITY.md from what the tests recorded while they ran (test-support/stats.ts, with
// RELIABILITY_STATS_DIR set): every test of the described suites with the assertions it made (the source
// text of each expect(...) it executed, and the labels helpers note), the automatic after-test checks,
// the kill points by mode, the invariant checks, and the mutation table of the last `npm run mutate`
// (docs/mutations.json). The fault catalogue (scripts/reliability/catalogue.ts) only says which fault a
// test injects and where it goes in the document; what the end state must be is what the test asserts.
//
//   npm run reliability                          runs the suites once (exhaustive: every kill point), writes the document
//   npm run reliability -- --stats DIR           builds it from the stats a run already wrote (CI)
//   npm run reliability -- --stats DIR --check   compares with the committed file instead of writing it
//
// Only the deterministic parts are compared by --check (test list, assertions, after-test checks, kill
// points, mutation table); the figures that vary with timing (virtual time behind a real-time server,
// calls served, counts of checks) sit between `<!-- varies -->` and `<!-- /varies -->` and are ignored.
// Exits non-zero when a test of a described file has no catalogue entry (or an entry matches no test),
// a described suite did not run, or (--check) the committed document is stale.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  DESCRIBED_FILES,
  FAULT_SCENARIOS,
  RELIABILITY_AREAS,
  type FaultScenario,
  titlePattern
} from './reliability/catalogue.js'
import type { StatsLine } from '../test-support/stats.js'
import type { MutationReport } from './mutate.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SUITES = ['__tests__/scenario', '__tests__/faults', '__tests__/e2e']
const OUT = path.join(ROOT, 'docs', 'RELIABILITY.md')
const MUTATIONS = path.join(ROOT, 'docs', 'mutations.json')
const VARIES = '<!-- varies -->'
const VARIES_END = '<!-- /varies -->'

type WorldLine = Extract<StatsLine, { kind: 'world' }>
type TestLine = Extract<StatsLine, { kind: 'test' }>
type KillLine = Extract<StatsLine, { kind: 'kill' }>

// ---------------------------------------------------------------- input

function runSuites(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-'))
  const env = {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '),
    NODE_NO_WARNINGS: '1',
    // Every kill point, not the fast suite's sample: the document must not depend on a seed.
    TEST_SUITE: 'exhaustive',
    RELIABILITY_STATS_DIR: dir
  }
  console.error(`reliability: running ${SUITES.join(' ')} (stats in ${dir})`)
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...SUITES], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) {
    console.error(`reliability: jest exited ${r.status}; the document is not written from a failing run`)
    process.exit(1)
  }
  return dir
}

function readStats(dir: string): StatsLine[] {
  const lines: StatsLine[] = []
  for (const f of fs.readdirSync(dir).sort()) {
    if (!f.endsWith('.jsonl')) continue
    for (const l of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as StatsLine)
  }
  const inSuites = (file: string): boolean => SUITES.some((s) => file.split(path.sep).join('/').startsWith(`${s}/`))
  // The kill tests build their simulated accounts in one plan that starts before their tests run: which test
  // an account is counted under depends on timing (they are all still checked, at the end of the file), so
  // they count under none, and the figures CI compares stay the same from run to run.
  const sharedWorlds = (file: string): boolean => file.split(path.sep).join('/').startsWith('__tests__/e2e/kill/')
  return lines.filter((l) => inSuites(l.file)).map((l) => (l.kind === 'test' && sharedWorlds(l.file) ? { ...l, worldsChecked: 0 } : l))
}

// ---------------------------------------------------------------- formatting

const n = (x: number): string => x.toLocaleString('en-US')
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``

function duration(ms: number): string {
  const s = Math.round(ms / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (h > 0) return `${h} h ${m} min`
  if (m > 0) return `${m} min`
  return `${s} s`
}

/** Rounded down to two significant digits, shown as "≥": stable across runs whose timing differs a little. */
function atLeast(x: number): string {
  if (x < 100) return n(x)
  const p = 10 ** (Math.floor(Math.log10(x)) - 1)
  return `≥ ${n(Math.floor(x / p) * p)}`
}

/** Does a catalogue entry stand for this test (full name = describe titles + test title)? */
function entryMatches(s: FaultScenario, t: TestLine): boolean {
  if (s.file !== t.file) return false
  const body = titlePattern(s).source.replace(/^\^/, '').replace(/\$$/, '')
  const describe = s.describe.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^(?:.* )?${describe} ${body}$`).test(t.test)
}

/** What a group of tests asserted: helper labels first, then the expect(...) calls, without repeats. */
function assertedCell(tests: TestLine[], worlds: WorldLine[]): string {
  const labels = [...new Set(tests.flatMap((t) => t.asserted))]
  const expects = [...new Set(tests.flatMap((t) => t.expects))]
  const checked = tests.reduce((a, t) => a + t.worldsChecked, 0)
  const optOuts = [...new Set(tests.flatMap((t) => t.optOuts))]
  const expected = worlds.reduce((a, w) => a + w.expectedViolations, 0)
  const parts = [
    ...labels.map((l) => `✔ ${cell(l)}`),
    ...expects.map((e) => cell(code(e))),
    // (how many accounts a test builds can depend on timing in the end-to-end tests: not printed here)
    checked > 0 ? '✔ after the test: no invariant violation, no instance lost, in every simulated account it built' : '',
    ...optOuts.map((o) => `⚠ opt-out: ${cell(o)}${expected > 0 ? ` (${n(expected)} consumed)` : ''}`)
  ].filter(Boolean)
  return parts.length > 0 ? parts.join('<br>') : '⚠ no assertion recorded'
}

// ---------------------------------------------------------------- document

interface Built {
  text: string
  problems: string[]
}

export function build(stats: StatsLine[], mutations: MutationReport | undefined): Built {
  const problems: string[] = []
  const worlds = stats.filter((l): l is WorldLine => l.kind === 'world')
  const tests = stats.filter((l): l is TestLine => l.kind === 'test').sort((a, b) => a.file.localeCompare(b.file) || a.test.localeCompare(b.test))
  const kills = stats.filter((l): l is KillLine => l.kind === 'kill')
  const worldsOf = (t: TestLine): WorldLine[] => worlds.filter((w) => w.file === t.file && w.test === t.test)

  // Catalogue ↔ tests, both ways.
  const byEntry = new Map<FaultScenario, TestLine[]>()
  for (const s of FAULT_SCENARIOS) {
    const matched = tests.filter((t) => entryMatches(s, t))
    byEntry.set(s, matched)
    if (matched.length === 0) problems.push(`catalogue entry matches no test that ran: ${s.file} › ${s.describe} › ${s.test}`)
  }
  const described = new Set(DESCRIBED_FILES)
  for (const t of tests) {
    if (!described.has(t.file)) continue
    const owners = FAULT_SCENARIOS.filter((s) => entryMatches(s, t))
    if (owners.length !== 1) problems.push(`test matched by ${owners.length} catalogue entries (want 1): ${t.file} › ${t.test}`)
  }
  for (const f of DESCRIBED_FILES) if (!tests.some((t) => t.file === f)) problems.push(`described file did not run: ${f}`)
  // Not a failure (a test may judge by throwing, or have stopped before its first expect): shown as
  // "nothing recorded" in its row, and printed, so that a helper can learn to noteAssert what it checks.
  for (const t of tests) if (t.expects.length === 0 && t.asserted.length === 0) console.error(`reliability: note: no assertion recorded for ${t.file} › ${t.test}`)

  // Kill points: one per (test, mode, writes survived); a test may kill there more than once (then re-run, then roll back).
  const killKey = (k: KillLine): string => `${k.file}\u0000${k.test}\u0000${k.mode}\u0000${k.survived}`
  const points = new Map<string, KillLine[]>()
  for (const k of kills) points.set(killKey(k), [...(points.get(killKey(k)) ?? []), k])
  const modes = ['deploy', 'finalize', 'rollback'].filter((m) => kills.some((k) => k.mode === m))
  for (const m of new Set(kills.map((k) => k.mode))) if (!modes.includes(m)) modes.push(m)

  const sum = (key: 'ticks' | 'inv1' | 'inv2' | 'inv3' | 'inv4' | 'calls' | 'callErrors' | 'virtualMs', rows = worlds): number => rows.reduce((a, w) => a + w[key], 0)
  const checkedWorlds = tests.reduce((a, t) => a + t.worldsChecked, 0)
  const optOuts = tests.filter((t) => t.optOuts.length > 0)
  const files = new Set(tests.map((t) => t.file))
  const caught = mutations?.results.filter((r) => r.outcome === 'caught').length ?? 0

  const L: string[] = []
  L.push('# Reliability figures')
  L.push('')
  L.push(
    `> **Generated** by \`scripts/reliability.ts\` from the assertions the tests of ${SUITES.map(code).join(', ')} recorded while they ran, and from \`docs/mutations.json\` (the last \`npm run mutate\`). Do not edit by hand: \`npm run reliability\` runs those suites once and rewrites it. CI (\`.ci/run\`) rebuilds it from its own exhaustive run (\`npm run test:exhaustive\`) and fails when anything outside the "varies" blocks differs.`
  )
  L.push('')
  L.push(
    'Every test runs the action against a stateful simulated AWS (`packages/aws-sim/`) whose time is virtual. After every step of virtual time and every accepted write, the simulator checks the SPEC invariants and records any violation; after every test, `test-support/stats.ts` fails the test if any simulated account it built has a violation left or an instance that belongs to no group, unless the test consumed the violations it provoked on purpose (listed as opt-outs below). The "asserted" columns are the assertions each test executed, as written in its source.'
  )
  L.push('')
  L.push('## Summary')
  L.push('')
  L.push('| figure | value |')
  L.push('| --- | --- |')
  L.push(`| test files / tests | ${n(files.size)} / ${n(tests.length)} |`)
  L.push(`| fault scenarios (catalogue entries) / tests they cover | ${n(FAULT_SCENARIOS.length)} / ${n(new Set([...byEntry.values()].flat()).size)} |`)
  L.push(`| tests whose simulated AWS accounts were checked after the test (no violation left, no instance lost) | ${n(tests.filter((t) => t.worldsChecked > 0).length)} |`)
  L.push(`| tests that opted out of part of that check, with a reason | ${n(optOuts.length)} |`)
  L.push(`| kill points (a run killed after its k-th pair write; distinct test × mode × k) | ${n(points.size)}: ${modes.map((m) => `${m} ${n([...points.values()].filter((p) => p[0]?.mode === m).length)}`).join(', ')} |`)
  L.push(`| killed runs followed by another run on the same account (re-run or rollback) | ${n(kills.filter((k) => k.then !== '').length)} of ${n(kills.length)} |`)
  L.push(`| mutations caught (\`npm run mutate\`, docs/mutations.json) | ${mutations ? `${n(caught)} of ${n(mutations.results.length)}` : 'no docs/mutations.json'} |`)
  L.push('')
  L.push(VARIES)
  L.push('')
  L.push('Figures that depend on timing (end-to-end tests drive the simulator from the wall clock), rounded; not compared by CI:')
  L.push('')
  L.push('| figure | value |')
  L.push('| --- | --- |')
  L.push(`| simulated AWS accounts built / checked after their test | ${atLeast(worlds.length)} (${atLeast(worlds.filter((w) => w.server).length)} behind a loopback HTTP server) / ${atLeast(checkedWorlds)} |`)
  L.push(`| expect(...) calls made | ${atLeast(tests.reduce((a, t) => a + t.assertions, 0))} |`)
  L.push(`| invariant 1: steps of virtual time and writes checked / target-group counts compared with the baseline | ${atLeast(sum('ticks'))} / ${atLeast(sum('inv1'))} |`)
  L.push(`| invariant 2: EnterStandby calls checked | ${atLeast(sum('inv2'))} |`)
  L.push(`| invariant 3: instances checked before a terminate | ${atLeast(sum('inv3'))} |`)
  L.push(`| invariant 4: launches checked | ${atLeast(sum('inv4'))} |`)
  L.push(`| virtual time simulated | ${duration(sum('virtualMs', worlds.filter((w) => !w.server)))} in-process, ${duration(sum('virtualMs', worlds.filter((w) => w.server)))} behind the loopback server |`)
  L.push(`| AWS calls served (answered with an error, injected faults included) | ${atLeast(sum('calls'))} (${atLeast(sum('callErrors'))}) |`)
  L.push('')
  L.push(VARIES_END)
  L.push('')

  L.push('## Kill points by mode')
  L.push('')
  L.push('A kill point is a run killed after k of its pair writes (lock writes aside); the write named is the one that never reached AWS. Each is followed by a re-run (or a rollback) on the same simulated account, whose end state the test asserts.')
  L.push('')
  L.push('| mode | write that did not happen | kill points | then: re-run of the same mode | then: rollback | then: other |')
  L.push('| --- | --- | --- | --- | --- | --- |')
  for (const m of modes) {
    const ofMode = kills.filter((k) => k.mode === m)
    for (const op of [...new Set(ofMode.map((k) => k.killedAt))].sort()) {
      const ks = ofMode.filter((k) => k.killedAt === op)
      const p = new Set(ks.map(killKey)).size
      const same = ks.filter((k) => k.then === m).length
      const rb = ks.filter((k) => k.then === 'rollback' && m !== 'rollback').length
      const other = ks.length - same - rb
      L.push(`| ${m} | ${op} | ${n(p)} | ${n(same)} | ${n(rb)} | ${n(other)} |`)
    }
  }
  L.push('')

  L.push('## Mutation table')
  L.push('')
  if (mutations) {
    L.push(`Deliberate bugs applied one at a time to a copy of \`src/\` by \`npm run mutate\` (\`scripts/mutate.ts\`), each followed by the tests chosen for it, first as the fast suite runs them (\`npm test\`, kill sweeps sampled with KILL_SEED=1), then, if that missed it, as the exhaustive suite does; "caught" means a test failed an assertion, and the suite named is the one that caught it. From commit \`${mutations.commit}\`.`)
    L.push('')
    L.push('| mutation | bug | file | tests run | result |')
    L.push('| --- | --- | --- | --- | --- |')
    for (const r of mutations.results) {
      const result = r.outcome === 'caught' ? `✅ caught (${r.suite ?? 'exhaustive'} suite) by ${r.caughtBy.map((c) => cell(c.split(' › ').slice(1).join(' › '))).join('; ')}` : `❌ ${r.outcome}${r.detail ? `: ${cell(r.detail)}` : ''}`
      L.push(`| ${code(r.id)} | ${cell(r.title)} | \`${r.file}\` | ${r.tests.map((t) => `\`${t}\``).join(', ')}${r.only ? ` (\`-t ${cell(r.only)}\`)` : ''} | ${result} |`)
    }
  } else {
    L.push('No `docs/mutations.json`: run `npm run mutate`.')
  }
  L.push('')

  for (const area of RELIABILITY_AREAS) {
    const entries = FAULT_SCENARIOS.filter((s) => s.area === area.area)
    if (entries.length === 0) continue
    L.push(`## ${area.title}`)
    L.push('')
    L.push(area.intro)
    L.push('')
    L.push('| scenario | fault | asserted |')
    L.push('| --- | --- | --- |')
    for (const s of entries) {
      const matched = byEntry.get(s) ?? []
      const name = `${s.describe} › ${s.test}${s.each ? ` (× ${matched.length})` : ''}`
      L.push(`| ${cell(name)} | ${cell(s.fault)} | ${matched.length === 0 ? '❌ no test ran' : assertedCell(matched, matched.flatMap(worldsOf))} |`)
    }
    L.push('')
  }

  const others = tests.filter((t) => !described.has(t.file))
  if (others.length > 0) {
    L.push('## Other tests in the same suites')
    L.push('')
    L.push('Scenario tests without an injected fault (the normal cycle, pre-flight refusals, scaling following the traffic, paging, several target groups, re-runs checked against the full end state). Same after-test checks.')
    L.push('')
    L.push('| file | test | asserted |')
    L.push('| --- | --- | --- |')
    for (const t of others) L.push(`| \`${t.file}\` | ${cell(t.test)} | ${assertedCell([t], worldsOf(t))} |`)
    L.push('')
  }

  L.push('## Invariants and how they are checked')
  L.push('')
  L.push('| SPEC invariant | how it is checked |')
  L.push('| --- | --- |')
  L.push('| 1. Healthy serving capacity never below what the live group served when the run began | simulator, after every step of virtual time and every accepted write: healthy targets of each target group ≥ its baseline (taken by the harness before a world\'s first run, or by the test); any violation fails the test after it ends |')
  L.push('| 2. The live group leaves the load balancer only after every new instance is healthy in every target group | simulator, at every accepted EnterStandby (every target group of the group, two target groups with different timings in `target-groups.test.ts`) |')
  L.push('| 3. No serving instance is terminated; no instance lost | simulator, at every terminate; after every test, `world.lostInstances()` must be empty |')
  L.push('| 4. A standby group launches nothing by itself | simulator, at every launch |')
  L.push('| 5. A deploy that cannot finish leaves the live group as it was | the "Deploys that cannot finish" tests and storms/timeouts above (their assertions are listed) |')
  L.push(`| 6. An interrupted run converges when run again | ${n(points.size)} kill points (table above); \`rerun.test.ts\` compares each re-run's end state with an uninterrupted deploy's |`)
  L.push('| 7. Two runs never drive the same pair at once | `github.test.ts` "two runs on one pair (invariant 7)" |')
  L.push('| 8. Restored means restored | rollback kill-point tests compare capacity, processes, policies, scheduled actions and markers with the originals |')
  L.push('')
  if (problems.length > 0) {
    L.push('## Problems found by this run')
    L.push('')
    for (const p of problems) L.push(`- ${cell(p)}`)
    L.push('')
  }
  return { text: L.join('\n'), problems }
}

/** The parts CI compares: everything but the "varies" blocks. */
export function deterministic(doc: string): string {
  const out: string[] = []
  let skipping = false
  for (const line of doc.split('\n')) {
    if (line === VARIES) skipping = true
    else if (line === VARIES_END) skipping = false
    else if (!skipping) out.push(line)
  }
  return out.join('\n')
}

function firstDifference(a: string, b: string): string {
  const x = a.split('\n')
  const y = b.split('\n')
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1} (outside the varies blocks):\n  committed: ${(x[i] ?? '(end of file)').slice(0, 300)}\n  this run:  ${(y[i] ?? '(end of file)').slice(0, 300)}`
  }
  return ''
}

function main(): void {
  const argv = process.argv.slice(2)
  const statsArg = argv.find((_, i) => argv[i - 1] === '--stats')
  const check = argv.includes('--check')
  const dir = statsArg ?? runSuites()
  if (!fs.existsSync(dir)) {
    console.error(`reliability: no stats directory ${dir}`)
    process.exit(2)
  }
  const stats = readStats(dir)
  const mutations = fs.existsSync(MUTATIONS) ? (JSON.parse(fs.readFileSync(MUTATIONS, 'utf8')) as MutationReport) : undefined
  const { text, problems } = build(stats, mutations)
  for (const p of problems) console.error(`reliability: ${p}`)
  if (check) {
    const committed = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : ''
    const diff = firstDifference(deterministic(committed), deterministic(text))
    if (diff) {
      console.error(`reliability: docs/RELIABILITY.md is stale; regenerate it with npm run reliability and commit it. First difference at ${diff}`)
      process.exit(1)
    }
    console.error('reliability: docs/RELIABILITY.md matches this run')
  } else {
    fs.writeFileSync(OUT, text)
    console.error(`reliability: wrote ${path.relative(ROOT, OUT)}`)
  }
  if (problems.length > 0) process.exit(1)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
