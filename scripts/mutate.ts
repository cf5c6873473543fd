// Mutation table: proves the tests catch deliberate bugs. Each mutation's tests run first as the fast suite
// runs them (`npm test`: kill sweeps sampled, with KILL_SEED=1), and, when that does not catch it, as the
// exhaustive suite runs them (every kill point, every bundle e2e test); the row records which suite caught it. Each mutation is a short text replacement in
// one file of src/ (the catalogue: scripts/mutate/catalogue.ts), applied one at a time to a copy of the project (src/ itself is never written, so
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
import { MUTATIONS } from './mutate/catalogue.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const JSON_OUT = path.join(ROOT, 'docs', 'mutations.json')
/** What the copy needs to run the tests (node_modules is linked, not copied). */
const COPIED = ['src', 'packages', 'test-support', 'scripts', '__tests__', 'package.json', 'jest.config.js', 'tsconfig.json']
const RUN_TIMEOUT_MS = 6 * 60_000

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
