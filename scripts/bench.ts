// `npm run bench -- [options]`: the performance benchmark (docs/PERFORMANCE.md). Drives the action's real code
// in-process against the simulated AWS with virtual time and realistic timings, for several sizes and modes
// deploy, rollback, finalize; measures the action's overhead over the floor the simulated AWS imposes, the
// cutover lag, API calls per poll, throttling under per-API rate limits, parallelism; then the cold start of the
// committed bundle as a real process (optionally beside a reference bundle: any action's, compared at input
// validation). Prints a markdown table.
// Nothing here asserts: goals are shown with ✓ / ✗.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { BUNDLE, REPO_ROOT } from '../test-support/bundle.js'
import { OUR_REFUSED_INPUTS, coldStart, sdkVersions } from './bench/coldstart.js'
import { type BenchReport, markdown } from './bench/report.js'
import { type BenchSettings, DEFAULT_SETTINGS, type Mode, type Scenario, type ScenarioFigures, runScenario } from './bench/scenario.js'
import { runSwitch } from './bench/traffic-switch.js'

const ROWS: Scenario[] = [
  { id: '1x2', pairs: 1, instances: 2 },
  { id: '1x20', pairs: 1, instances: 20 },
  { id: '1x100', pairs: 1, instances: 100 },
  { id: '1x200', pairs: 1, instances: 200 },
  { id: '20x20', pairs: 20, instances: 20 },
  { id: '50x100', pairs: 50, instances: 100 }
]
/** The default set leaves 50 × 100 out (its simulation alone takes minutes here): `--all` or `--only 50x100`. */
const DEFAULT_ROWS = ['1x2', '1x20', '1x100', '1x200', '20x20']
const QUICK_ROWS = ['1x2', '1x20', '1x200']
/** Rows whose rollback figure is also measured for both topologies (issue 20; 50 × 100 only when its row runs). */
const SWITCH_ROWS = ['1x2', '20x20', '50x100']

const USAGE = `usage: npm run bench -- [options]

  --quick              rows ${QUICK_ROWS.join(', ')} and 5 cold-start runs
  --all                every row (${ROWS.map((r) => r.id).join(', ')}); default: ${DEFAULT_ROWS.join(', ')}
  --only ROWS          comma-separated rows, e.g. 1x200,20x20 (any PxN works); PxN:MODE+MODE limits a row's
                       modes, e.g. 50x100:deploy
  --modes LIST         of deploy,rollback,finalize (default all three)
  --json PATH          also write every figure as JSON
  --reference PATH     a reference bundle (any action's dist/index.js) for the cold-start ratios: it is started
                       with inputs it refuses at input validation (--reference-input), beside ours refusing
                       ${Object.entries(OUR_REFUSED_INPUTS).map(([k, v]) => `${k}: ${v}`).join(', ')}
  --reference-input NAME=VALUE
                       an input of the reference's refused run (repeatable; default: no inputs), e.g.
                       'aws-region=not a region'; a run that calls out instead is stopped and shown as such
  --cold-runs N        cold-start runs per bundle and measure (default 15); 0 = skip the cold start
  --cold-only          only the cold start (no rows, no rollback figure)
  --cold-timeout S     kill a cold-start process after S seconds, reported as timed out (default 30)
  --no-throttle-pass   skip the second pass with per-API rate limits enforced
  --switch-rows LIST   the rows of the rollback figure (default ${SWITCH_ROWS.join(', ')}, those among the rows run)
  --no-switch          skip the rollback figure of both topologies (weights, standby) for rows ${SWITCH_ROWS.join(', ')}
  --throttle-only      only the pass with rate limits (no timing pass)
  --boot S             instance boot (Pending → InService) seconds (default ${DEFAULT_SETTINGS.bootSeconds})
  --hc-interval S      health-check interval seconds (default ${DEFAULT_SETTINGS.healthIntervalSeconds})
  --hc-threshold N     passing checks to healthy (default ${DEFAULT_SETTINGS.healthyThreshold})
  --drain S            deregistration delay seconds (default ${DEFAULT_SETTINGS.drainSeconds})
  --poll S             the action's poll-interval seconds (default ${DEFAULT_SETTINGS.pollSeconds})
  --latency MIN-MAX    API latency in ms (default ${DEFAULT_SETTINGS.latencyMs.join('-')})
  --read-lag MIN-MAX   read-after-write lag in ms (default ${DEFAULT_SETTINGS.readLagMs.join('-')})
 --limits LIST        rate limits per service, replacing the defaults: e.g. autoscaling=100/20,ec2=200/50
                       (bucket capacity / refill per second; every rule of the service)
  --page-size N        cap every Describe page (default: AWS's page sizes)
  --seed N             (default ${DEFAULT_SETTINGS.seed})
`

/** A scenario, optionally with its own modes (`50x100:deploy`). */
type Row = Scenario & { modes?: Mode[] }

interface Cli {
  rows: Row[]
  modes: Mode[]
  json: string | undefined
  reference: string | undefined
  referenceInputs: Record<string, string>
  coldRuns: number
  coldTimeoutMs: number
  throttlePass: boolean
  timingPass: boolean
  switchPass: boolean
  switchRows?: string[]
  settings: BenchSettings
}

function parse(argv: string[]): Cli {
  const settings: BenchSettings = { ...DEFAULT_SETTINGS, rateLimits: false, limitOverrides: {} }
  let rowIds = DEFAULT_ROWS
  let coldRuns = 15
  let modes: Mode[] = ['deploy', 'rollback', 'finalize']
  let json: string | undefined
  let reference: string | undefined
  const referenceInputs: Record<string, string> = {}
  let coldTimeoutMs = 30_000
  let coldOnly = false
  let throttlePass = true
  let timingPass = true
  let switchPass = true
  let switchRows: string[] | undefined
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v)
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got ${v ?? 'nothing'}`)
    return n
  }
  const range = (flag: string, v: string | undefined): [number, number] => {
    const m = /^(\d+)-(\d+)$/.exec(v ?? '')
    if (!m) throw new Error(`${flag} needs MIN-MAX, got ${v ?? 'nothing'}`)
    return [Number(m[1]), Number(m[2])]
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    const v = (): string | undefined => argv[++i]
    switch (a) {
      case '--quick':
        rowIds = QUICK_ROWS
        coldRuns = 5
        break
      case '--all':
        rowIds = ROWS.map((r) => r.id)
        break
      case '--only':
        rowIds = (v() ?? '').split(',').filter(Boolean)
        break
      case '--modes':
        modes = (v() ?? '').split(',').filter(Boolean) as Mode[]
        if (modes.length === 0 || modes.some((m) => !['deploy', 'rollback', 'finalize'].includes(m))) throw new Error('--modes takes deploy,rollback,finalize')
        break
      case '--json':
        json = v()
        break
      case '--reference':
        reference = v()
        if (!reference || !fs.existsSync(reference)) throw new Error(`--reference: no file ${reference ?? ''}`)
        break
      case '--reference-input': {
        const m = /^([^=]+)=(.*)$/s.exec(v() ?? '')
        if (!m) throw new Error('--reference-input needs NAME=VALUE')
        referenceInputs[m[1] as string] = m[2] as string
        break
      }
      case '--cold-runs':
        coldRuns = num(a, v())
        break
      case '--cold-only':
        coldOnly = true
        break
      case '--cold-timeout':
        coldTimeoutMs = num(a, v()) * 1000
        break
      case '--no-throttle-pass':
        throttlePass = false
        break
      case '--switch-rows':
        switchRows = (v() ?? '').split(',').filter(Boolean)
        break
      case '--no-switch':
        switchPass = false
        break
      case '--throttle-only':
        timingPass = false
        break
      case '--boot':
        settings.bootSeconds = num(a, v())
        break
      case '--hc-interval':
        settings.healthIntervalSeconds = num(a, v())
        break
      case '--hc-threshold':
        settings.healthyThreshold = num(a, v())
        break
      case '--drain':
        settings.drainSeconds = num(a, v())
        break
      case '--poll':
        settings.pollSeconds = num(a, v())
        break
      case '--latency':
        settings.latencyMs = range(a, v())
        break
      case '--read-lag':
        settings.readLagMs = range(a, v())
        break
      case '--limits':
        for (const part of (v() ?? '').split(',').filter(Boolean)) {
          const m = /^([a-z0-9]+)=(\d+)\/(\d+(?:\.\d+)?)$/.exec(part)
          if (!m) throw new Error(`--limits: expected service=CAPACITY/REFILL, got ${part}`)
          settings.limitOverrides[m[1] as string] = { capacity: Number(m[2]), refillPerSecond: Number(m[3]) }
        }
        break
      case '--page-size':
        settings.pageSize = num(a, v())
        break
      case '--seed':
        settings.seed = num(a, v())
        break
      case '--help':
      case '-h':
        process.stdout.write(USAGE)
        process.exit(0)
        break
      default:
        throw new Error(`unknown option ${a}\n\n${USAGE}`)
    }
  }
  const rows = (coldOnly ? [] : rowIds).map((spec): Row => {
    const [id = '', only] = spec.split(':')
    const m = /^(\d+)x(\d+)$/.exec(id)
    if (!m) throw new Error(`row ${spec}: expected PAIRSxINSTANCES[:MODE+MODE], e.g. 1x200 or 50x100:deploy`)
    const rowModes = only ? (only.split('+') as Mode[]) : undefined
    if (rowModes?.some((x) => !['deploy', 'rollback', 'finalize'].includes(x))) throw new Error(`row ${spec}: modes are deploy, rollback, finalize`)
    return { id, pairs: Number(m[1]), instances: Number(m[2]), ...(rowModes ? { modes: rowModes } : {}) }
  })
  return { rows, modes, json, reference, referenceInputs, coldRuns, coldTimeoutMs, throttlePass, timingPass, switchPass, ...(switchRows ? { switchRows } : {}), settings }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

async function main(): Promise<void> {
  const cli = parse(process.argv.slice(2))
  const real0 = performance.now()
  const dirty = git(['status', '--porcelain', '--', 'src', 'dist']) !== '' ? ' (src/dist with uncommitted changes)' : ''
  const report: BenchReport = {
    settings: cli.settings,
    commit: `${git(['rev-parse', '--short', 'HEAD']) || 'unknown commit'}${dirty}`,
    node: process.version,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    scenarios: [],
    throttled: [],
    switches: [],
    realMs: 0,
    load: { start: os.loadavg(), end: [], cpus: os.cpus().length }
  }
  // A warm-up run first, not reported: the modules the action loads on first use (the EC2 client before
  // cutover, the SDK's own lazy parts) load in real time, and a virtual clock would count that wait as idle
  // time and jump to the next timer (tens of virtual seconds added to whichever row ran first).
  if (cli.timingPass || cli.throttlePass || cli.switchPass) {
    progress('bench: warm-up run (1 × 2, all modes; not reported) ...')
    await runScenario({ id: '1x2', pairs: 1, instances: 2 }, cli.settings, ['deploy', 'rollback', 'finalize'], cli.settings.drainSeconds * 1000 + 10_000)
  }
  // Each drain is over before the next mode starts: rollback and finalize start from a deploy that has landed.
  const gapMs = cli.settings.drainSeconds * 1000 + 10_000
  for (const row of cli.rows) {
    const modes = row.modes ?? cli.modes
    if (cli.timingPass) {
      progress(`bench: ${row.pairs} × ${row.instances}: ${modes.join(', ')} ...`)
      const f = await runScenario(row, cli.settings, modes, gapMs)
      progress(`  ${f.modes.map((m) => `${m.mode} ${(m.durationMs / 1000).toFixed(1)} s virtual${m.failed ? ' FAILED' : ''}`).join(', ')}; ${(f.realMs / 1000).toFixed(1)} s real`)
      report.scenarios.push(f)
    }
    if (cli.throttlePass) {
      progress(`bench: ${row.pairs} × ${row.instances} with rate limits ...`)
      const t: ScenarioFigures = await runScenario(row, { ...cli.settings, rateLimits: true }, modes, gapMs)
      progress(`  ${t.modes.map((m) => `${m.mode} ${m.throttled} throttled${m.failed ? ' FAILED' : ''}`).join(', ')}; ${(t.realMs / 1000).toFixed(1)} s real`)
      report.throttled.push(t)
    }
  }
  for (const row of cli.switchPass ? cli.rows.filter((r) => (cli.switchRows ?? SWITCH_ROWS).includes(r.id)) : []) {
    for (const topology of ['weights', 'standby'] as const) {
      progress(`bench: ${row.pairs} × ${row.instances} rollback figure, ${topology} ...`)
      const f = await runSwitch(row.pairs, row.instances, topology, cli.settings)
      progress(`  rollback ${(f.rollbackMs / 1000).toFixed(1)} s, bake trip ${(f.tripMs / 1000).toFixed(1)} s${f.failed.length > 0 ? ` FAILED: ${f.failed.join('; ')}` : ''}`)
      report.switches.push(f)
    }
  }
  if (cli.coldRuns > 0) {
    if (!fs.existsSync(BUNDLE)) throw new Error(`no bundle at ${BUNDLE}: npm run package`)
    progress(`bench: cold start, ${cli.coldRuns} run(s) per measure ...`)
    const reference = cli.reference ? { bundle: path.resolve(cli.reference), refusedInputs: cli.referenceInputs } : undefined
    const figures = await coldStart({ runs: cli.coldRuns, timeoutMs: cli.coldTimeoutMs, ...(reference ? { reference } : {}) })
    report.cold = { runs: cli.coldRuns, timeoutMs: cli.coldTimeoutMs, ...figures, sdk: sdkVersions() }
  }
  report.realMs = performance.now() - real0
  report.load.end = os.loadavg()
  process.stdout.write(markdown(report))
  if (cli.json) fs.writeFileSync(cli.json, `${JSON.stringify(report, null, 2)}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 2
})
