// Reliability figures for docs/RELIABILITY.md (scripts/reliability.ts). Every SimWorld registers itself
// here when it is built, and kill.ts notes every kill point it arms. Only when RELIABILITY_STATS_DIR is
// set is anything kept or written: then, when the test file ends, one JSON line per world and per test
// that armed kill points is appended to a file of its own in that directory (one file per test file and
// process, so parallel jest workers never write to the same file). Without the variable every function
// here returns at once and nothing is retained. A world's figures are taken when the test that built it
// ends (then the world is let go), or when the file ends for worlds built outside a test.
import fs from 'node:fs'
import path from 'node:path'

/** What stats.ts reads from a SimWorld (structural, so this file does not import the simulator). */
export interface StatsSource {
  readonly checks: { ticks: number; inv1: number; inv2: number; inv3: number; inv4: number }
  readonly calls: readonly { ok: boolean }[]
  readonly violations: readonly string[]
  readonly startedAt: number
  /** The world's VirtualClock (its private `realtime` is set once a loopback server drives it). */
  readonly clock: object
  now(): number
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
      /** Violations still recorded when the file ended (tests may clear ones they caused on purpose). */
      violations: number
    }
  | { kind: 'kill'; file: string; test: string; killPoints: number }

const DIR = process.env.RELIABILITY_STATS_DIR

interface Tracked {
  world: StatsSource
  test: string
}

const worlds: Tracked[] = []
const kills = new Map<string, number>()
let flushed = false

interface JestGlobals {
  afterAll?: (fn: () => void) => void
  afterEach?: (fn: () => void) => void
  expect?: { getState?: () => { currentTestName?: string; testPath?: string } }
}

function jestState(): { currentTestName?: string; testPath?: string } {
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
const testName = (): string => jestState().currentTestName ?? '(file setup)'

/** Called by the SimWorld constructor. */
export function trackWorld(world: StatsSource): void {
  if (!DIR) return
  worlds.push({ world, test: testName() })
}

/** Called by killAfter (test-support/kill.ts): one kill point armed. */
export function noteKillPoint(): void {
  if (!DIR) return
  const t = testName()
  kills.set(t, (kills.get(t) ?? 0) + 1)
}

function line(world: StatsSource, file: string, test: string): StatsLine {
  return {
    kind: 'world',
    file,
    test,
    ...world.checks,
    calls: world.calls.length,
    callErrors: world.calls.filter((c) => !c.ok).length,
    virtualMs: world.now() - world.startedAt,
    server: (world.clock as { realtime?: unknown }).realtime !== undefined,
    violations: world.violations.length
  }
}

const done: StatsLine[] = []

/**
 * At the end of each test: freeze the figures of the worlds that test built (a world on a real-time
 * server keeps its clock running after the test) and let go of them.
 */
function endTest(): void {
  if (!DIR) return
  const test = testName()
  const file = testFile()
  for (let i = worlds.length - 1; i >= 0; i--) {
    const t = worlds[i] as Tracked
    if (t.test !== test) continue
    done.push(line(t.world, file, t.test))
    worlds.splice(i, 1)
  }
}

function flush(): void {
  if (!DIR || flushed) return
  flushed = true
  const file = testFile()
  const lines: StatsLine[] = [...done, ...worlds.map(({ world, test }) => line(world, file, test))]
  for (const [test, killPoints] of kills) lines.push({ kind: 'kill', file, test, killPoints })
  worlds.length = 0
  done.length = 0
  kills.clear()
  if (lines.length === 0) return
  fs.mkdirSync(DIR, { recursive: true })
  const name = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.jsonl`
  fs.appendFileSync(path.join(DIR, name), lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
}

// Jest gives every test file a fresh module registry, so this runs once per test file, while the file is
// being loaded (world.ts imports this module at the top of the test file's import graph): the hooks
// registered here are top-level hooks of that file. Outside jest (or if hooks cannot be added any
// more), flush when the process exits.
if (DIR) {
  const g = globalThis as JestGlobals
  let hooked = false
  if (typeof g.afterAll === 'function') {
    try {
      g.afterAll(flush)
      hooked = true
      if (typeof g.afterEach === 'function') g.afterEach(endTest)
    } catch {
      hooked = false
    }
  }
  if (!hooked) process.once('exit', flush)
}
