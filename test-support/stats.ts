// Every SimWorld of the test kit registers itself here when it is built (trackWorld, plugged into every world
// and fork by test-support/world.ts). Two uses:
//
// 1. Automatic invariant checks. After every test (test-support/jest-setup.ts adds the hook), each world
//    the test built must have no invariant violation left (`world.violations`) and no instance lost
//    (`world.lostInstances()`), unless the test consumed the violations it provoked on purpose with
//    `expectViolations(world, /pattern/, reason)` or declared a lost instance with
//    `allowLostInstances(world, reason)`. Worlds built outside a test (file setup) are checked when the file
//    ends. The simulator's own tests (__tests__/sim/) provoke violations to prove the checks and are exempt.
//
// 2. Reliability figures for docs/RELIABILITY.md (scripts/reliability.ts). Only when RELIABILITY_STATS_DIR
//    is set is anything written: when a test file ends, one JSON line per world, per test (what it asserted:
//    jest's assertion count, the labels recorded with `noteAssert`, the automatic checks) and per killed run
//    is appended to a file of its own in that directory (one per test file and process, so parallel jest
//    workers never write to the same file).
//
// State lives on globalThis: the setup file and the test file may load this module as two instances.
import fs from 'node:fs'
import path from 'node:path'

/** What stats.ts reads from a SimWorld (structural, so this file does not import the simulator). */
export interface StatsSource {
  readonly checks: { ticks: number; inv1: number; inv2: number; inv3: number; inv4: number }
  readonly calls: readonly { ok: boolean }[]
  readonly violations: string[]
  readonly startedAt: number
  readonly baseline: ReadonlyMap<string, number>
  /** The world's VirtualClock (its private `realtime` is set once a loopback server drives it). */
  readonly clock: object
  now(): number
  lostInstances(): readonly { id: string }[]
}

/** One line of a stats file. */
export type StatsLine =
  | {
      kind: 'world'
      file: string
      test: string
      ticks: number
      inv1: number
      inv2: number
      inv3: number
      inv4: number
      /** Requests the simulated AWS answered (including the faults it injected). */
      calls: number
      /** Of those, answered with an error (injected faults and genuine AWS errors). */
      callErrors: number
      virtualMs: number
      /** Driven by a loopback server: its virtual time followed the wall clock × speed (e2e tests). */
      server: boolean
      /** Violations still recorded when the test ended (0 unless the check below was skipped). */
      violations: number
      /** Violations the test provoked on purpose and consumed with expectViolations. */
      expectedViolations: number
    }
  | {
      kind: 'test'
      file: string
      test: string
      /** expect(...) calls jest counted in the test. */
      assertions: number
      /** What the test recorded it asserted (noteAssert), in order, without repeats. */
      asserted: string[]
      /** The expect(...) calls the test made, as written in the test file (first-seen order, no repeats). */
      expects: string[]
      /** Worlds the automatic after-test check covered (no violation left, no instance lost). */
      worldsChecked: number
      /** Opt-outs of the automatic check, with their reasons. */
      optOuts: string[]
    }
  | {
      kind: 'kill'
      file: string
      test: string
      /** The mode of the run that was killed. */
      mode: string
      /** Pair writes (lock writes aside) that reached AWS before the kill. */
      survived: number
      /** The write that did not reach AWS. */
      killedAt: string
      /** What the test did next with the same world: the mode of the following run ('' if none). */
      then: string
    }

interface Tracked {
  world: StatsSource
  test: string
}

interface TestNotes {
  asserted: string[]
  optOuts: string[]
  /** Source text of the expect(...) calls made, in first-seen order, without repeats. */
  expects: string[]
}

interface Registry {
  worlds: Tracked[]
  lostOk: WeakMap<object, string>
  expected: WeakMap<object, number>
  notes: Map<string, TestNotes>
  lines: StatsLine[]
  /** Killed runs waiting to learn what ran next on their world. */
  pendingKills: WeakMap<object, Extract<StatsLine, { kind: 'kill' }>>
  flushed: boolean
}

const KEY = Symbol.for('asg-blue-green.test-stats')
function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>
  let r = g[KEY]
  if (!r) {
    r = { worlds: [], lostOk: new WeakMap(), expected: new WeakMap(), notes: new Map(), lines: [], pendingKills: new WeakMap(), flushed: false }
    g[KEY] = r
  }
  return r
}

const DIR = (): string | undefined => process.env.RELIABILITY_STATS_DIR || undefined

interface JestGlobals {
  expect?: { getState?: () => { currentTestName?: string; testPath?: string; assertionCalls?: number } }
}

function jestState(): { currentTestName?: string; testPath?: string; assertionCalls?: number } {
  try {
    return (globalThis as JestGlobals).expect?.getState?.() ?? {}
  } catch {
    return {}
  }
}

const testFile = (): string => {
  const p = jestState().testPath
  return p ? path.relative(process.cwd(), p) : '(outside jest)'
}
const OUTSIDE = '(file setup)'
const testName = (): string => jestState().currentTestName ?? OUTSIDE

function notes(): TestNotes {
  const r = registry()
  const t = testName()
  let n = r.notes.get(t)
  if (!n) {
    n = { asserted: [], optOuts: [], expects: [] }
    r.notes.set(t, n)
  }
  return n
}

/** Called by the SimWorld constructor. */
export function trackWorld(world: StatsSource): void {
  // Outside jest (demo, simulate) nothing checks worlds: keep none.
  if (typeof (globalThis as JestGlobals).expect?.getState !== 'function') return
  registry().worlds.push({ world, test: testName() })
}

/**
 * A world kept only to be forked from (a kill sweep's snapshot of a run stopped mid-write, test-support/kill.ts):
 * it is a frozen moment of a run, not an account a test ended in, so the after-test checks skip it. The forks
 * taken from it to run on are tracked as usual.
 */
export function untrackWorld(world: StatsSource): void {
  const r = registry()
  r.worlds = r.worlds.filter((t) => t.world !== world)
}

/**
 * The test provoked violations matching `pattern` on purpose (`reason` says why): removes them from
 * `world.violations` so the after-test check passes, and fails at once if none matched (so the opt-out
 * cannot outlive the behaviour it excuses). Other violations stay and still fail the test.
 */
export function expectViolations(world: StatsSource, pattern: RegExp, reason: string): string[] {
  const matched = world.violations.filter((v) => pattern.test(v))
  if (matched.length === 0) {
    throw new Error(`expected a violation matching ${pattern} (${reason}), got ${world.violations.length === 0 ? 'none' : world.violations.join('\n')}`)
  }
  for (let i = world.violations.length - 1; i >= 0; i--) if (pattern.test(world.violations[i] as string)) world.violations.splice(i, 1)
  const r = registry()
  r.expected.set(world, (r.expected.get(world) ?? 0) + matched.length)
  notes().optOuts.push(`violations ${pattern} expected: ${reason}`)
  return matched
}

/** The test leaves instances outside every group on purpose (`reason` says why): not a failure. */
export function allowLostInstances(world: StatsSource, reason: string): void {
  registry().lostOk.set(world, reason)
  notes().optOuts.push(`lost instances allowed: ${reason}`)
}

/** Records, for docs/RELIABILITY.md, one thing the current test asserted (a short sentence, no figures). */
export function noteAssert(label: string): void {
  const n = notes()
  if (!n.asserted.includes(label)) n.asserted.push(label)
}

/** Called by the harness after a run that a simulated runner kill stopped. */
export function noteKilledRun(world: StatsSource, kill: { mode: string; survived: number; killedAt: string }): void {
  if (!DIR()) return
  const line: Extract<StatsLine, { kind: 'kill' }> = { kind: 'kill', file: testFile(), test: testName(), ...kill, then: '' }
  registry().lines.push(line)
  registry().pendingKills.set(world, line)
}

/** Called by the harness before every run: a killed run on the same world learns what followed it. */
export function noteRunStart(world: StatsSource, mode: string): void {
  const r = registry()
  const k = r.pendingKills.get(world)
  if (!k) return
  k.then = mode
  r.pendingKills.delete(world)
}

/** Kept for test-support/kill.ts (arming a kill point); the harness records the runs actually killed. */
export function noteKillPoint(): void {}

function worldLine(world: StatsSource, file: string, test: string): StatsLine {
  return {
    kind: 'world',
    file,
    test,
    ...world.checks,
    calls: world.calls.length,
    callErrors: world.calls.filter((c) => !c.ok).length,
    virtualMs: world.now() - world.startedAt,
    server: (world.clock as { realtime?: unknown }).realtime !== undefined,
    violations: world.violations.length,
    expectedViolations: registry().expected.get(world) ?? 0
  }
}

/** The automatic check of one world: what is wrong with it (empty when nothing is). */
function problems(world: StatsSource): string[] {
  const out: string[] = []
  if (world.violations.length > 0) out.push(`simulator invariant violations:\n  ${world.violations.join('\n  ')}`)
  if (!registry().lostOk.has(world)) {
    const lost = world.lostInstances()
    if (lost.length > 0) out.push(`instances lost (running, in no group): ${lost.map((i) => i.id).join(', ')}`)
  }
  return out
}

const exempt = (file: string): boolean => file.split(path.sep).join('/').startsWith('__tests__/sim/')

/**
 * After each test (jest-setup.ts): check and let go of the worlds the test built; record the test's
 * figures. Throws (failing the test) when a world has violations left or lost instances.
 */
export function afterTest(): void {
  const r = registry()
  const test = testName()
  const file = testFile()
  const mine = r.worlds.filter((t) => t.test === test)
  r.worlds = r.worlds.filter((t) => t.test !== test)
  const n = r.notes.get(test) ?? { asserted: [], optOuts: [], expects: [] }
  r.notes.delete(test)
  const failures: string[] = []
  if (!exempt(file)) for (const t of mine) failures.push(...problems(t.world))
  if (DIR()) {
    for (const t of mine) r.lines.push(worldLine(t.world, file, test))
    r.lines.push({ kind: 'test', file, test, assertions: jestState().assertionCalls ?? 0, asserted: n.asserted, expects: n.expects, worldsChecked: exempt(file) ? 0 : mine.length, optOuts: n.optOuts })
  }
  if (failures.length > 0) throw new Error(`after-test check (test-support/stats.ts) of ${mine.length} simulated world(s):\n${failures.join('\n')}`)
}

/** When the test file ends (jest-setup.ts): check worlds built outside any test, write the stats file. */
export function afterFile(): void {
  const r = registry()
  const file = testFile()
  const rest = r.worlds
  r.worlds = []
  const failures: string[] = []
  if (!exempt(file)) for (const t of rest) failures.push(...problems(t.world))
  const dir = DIR()
  if (dir && !r.flushed) {
    r.flushed = true
    const lines = [...r.lines, ...rest.map((t) => worldLine(t.world, file, t.test))]
    r.lines = []
    if (lines.length > 0) {
      fs.mkdirSync(dir, { recursive: true })
      const name = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.jsonl`
      fs.appendFileSync(path.join(dir, name), lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    }
  }
  if (failures.length > 0) throw new Error(`after-file check (test-support/stats.ts) of worlds built outside a test:\n${failures.join('\n')}`)
}

// ---------------------------------------------------------------- recording expect(...) by its source

const sourceCache = new Map<string, string[]>()

/** Skips a balanced (...) starting at `open`; returns the index after the closing parenthesis. */
function skipParens(text: string, open: number): number {
  let depth = 0
  let quote: string | undefined
  for (let i = open; i < text.length; i++) {
    const c = text[i] as string
    if (c === '\\') i++ // an escaped character, in a string or a regular expression: \( is no parenthesis
    else if (quote) {
      if (c === quote) quote = undefined
    } else if (c === "'" || c === '"' || c === '`') quote = c
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i + 1
  }
  return text.length
}

/**
 * The assertion whose matcher is called at `file:line:column`, as one line of text:
 * `expect(...)[.not|.resolves|.rejects].matcher(...)` (multi-line calls joined, spaces collapsed).
 */
function callText(file: string, line: number, column: number): string | undefined {
  let lines = sourceCache.get(file)
  if (!lines) {
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n')
    } catch {
      return undefined
    }
    sourceCache.set(file, lines)
  }
  const first = Math.max(0, line - 8)
  const chunk = lines.slice(first, line + 8).join('\n')
  const at = lines.slice(first, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1
  const start = chunk.lastIndexOf('expect(', at)
  if (start < 0) return undefined
  let i = skipParens(chunk, start + 'expect'.length)
  const rest = /^\s*((?:\.(?:not|resolves|rejects)\s*)*\.\s*[A-Za-z]+\s*)\(/.exec(chunk.slice(i))
  if (!rest) return undefined
  i = skipParens(chunk, i + (rest[0].length - 1))
  return chunk.slice(start, i).replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')')
}

/** Where in the test file (or a test-support helper) this expect(...) was called. */
function callSite(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? []
  for (const frame of stack.slice(2)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+\.ts):(\d+):(\d+)\)?$/.exec(frame.trim())
    if (!m || /test-support\/(stats|jest-setup)\.ts$/.test(m[1] ?? '')) continue
    const file = (m[1] ?? '').replace(/^file:\/\//, '')
    if (file.includes('/node_modules/')) continue
    const text = callText(file, Number(m[2]), Number(m[3]))
    return text && text.startsWith('expect') ? text : undefined
  }
  return undefined
}

/**
 * Wraps every matcher jest knows (built-in and extended ones, kept in jest's global matchers object) so
 * that each call records the source text of its expect(...) for the current test.
 */
export function recordMatcherCalls(): boolean {
  const holder = (globalThis as unknown as Record<symbol, { matchers?: Record<string, (...a: unknown[]) => unknown> } | undefined>)[Symbol.for('$$jest-matchers-object')]
  const matchers = holder?.matchers
  if (!matchers) return false
  for (const [name, fn] of Object.entries(matchers)) {
    if (typeof fn !== 'function' || (fn as { recorded?: boolean }).recorded) continue
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const text = callSite()
      if (text) {
        const n = notes()
        if (!n.expects.includes(text)) n.expects.push(text)
      }
      return fn.apply(this, args)
    }
    Object.defineProperty(wrapped, 'recorded', { value: true })
    Object.defineProperty(wrapped, 'name', { value: fn.name })
    matchers[name] = wrapped
  }
  return true
}
