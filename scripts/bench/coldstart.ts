// Cold start of a bundle as a runner starts it: `node <bundle>` in a fresh process with the environment a runner
// gives (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...; test-support/bundle.ts). Two runs, interleaved round by
// round with the reference bundle's:
// - exit at input validation, for our bundle and the reference: each is given an input it refuses before any
//   network call. probe.cjs counts the network calls the process starts, and the AWS endpoints and proxies point at
//   a loopback tripwire that stops the run at its first connection: a refusal that was not one shows at once;
// - `mode: status` against a loopback simulator, for our bundle only (another action would never send the request
//   the run waits for): spawn → the simulator's first request, and the whole run.
// Measured per run: wall time from spawn to exit, CPU time and peak RSS (written at exit by probe.cjs, loaded with
// --require). Every process is killed after a timeout, and counted as timed out. Medians of N runs.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { BUNDLE, REPO_ROOT, errorCommands, runnerEnvironment } from '../../test-support/bundle.js'
import { SimWorld } from '../../test-support/world.js'
import { startSimServer } from '../../packages/aws-sim/src/index.js'

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'probe.cjs')

/** What our bundle refuses at input validation: an unknown mode, every other input valid. */
export const OUR_REFUSED_INPUTS: Record<string, string> = { mode: 'not-a-mode', prefix: 'prod-', service: 'web', 'aws-region': 'us-east-1' }
const STATUS_INPUTS: Record<string, string> = { mode: 'status', prefix: 'prod-', service: 'web', 'aws-region': 'us-east-1' }

export interface ProcessSample {
  /** Spawn → first request the simulator received (undefined: none). */
  firstRequestMs: number | undefined
  /** Spawn → exit. */
  wallMs: number
  cpuMs: number
  maxRssMiB: number
  code: number | null
  /** How it ended: by itself, killed after the timeout, or stopped at its first connection to the tripwire. */
  end: 'exited' | 'timed out' | 'called out'
  /** HTTP requests and socket connects the process started (probe.cjs). */
  networkCalls: number
  /** The first `::error::` it wrote. */
  error: string | undefined
}

export interface Median {
  /** Medians over the runs that exited by themselves (NaN / undefined when none did). */
  firstRequestMs: number | undefined
  wallMs: number
  cpuMs: number
  maxRssMiB: number
  runs: number
  timedOut: number
  /** Runs stopped at their first connection to the tripwire. */
  calledOut: number
  /** Runs that ended otherwise than expected: a status run not exiting 0, a refusal exiting 0 or calling out. */
  failures: number
  /** The most network calls one run started. */
  networkCalls: number
  /** The first run's `::error::`: for a refusal, what was refused. */
  error: string | undefined
}

export interface BundleFigures {
  bundle: string
  /** The inputs the bundle was given to refuse. */
  refusedInputs: Record<string, string>
  /** Spawn → exit at input validation (no network call). */
  validation: Median
  /** `mode: status` against a 1-pair account: our bundle only. */
  status: Median | undefined
  /** Bytes of the bundle's .js files (the dist directory's, or the one file given). */
  bytes: number
  files: number
}

export interface ColdStartFigures {
  ours: BundleFigures
  reference: BundleFigures | undefined
}

export interface ColdStartOptions {
  runs: number
  /** Every process is killed after this long. */
  timeoutMs: number
  reference?: { bundle: string; refusedInputs: Record<string, string> }
}

export interface SdkVersions {
  /** Distinct @aws-sdk/* and @smithy/* packages in the bundle (name@version). */
  packages: number
  /** Names present in more than one version, with their versions. */
  duplicated: Record<string, string[]>
  /** What the list was read from. */
  from: 'source map' | 'package-lock.json production entries'
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

/**
 * A loopback server for the AWS endpoints and proxies of the refused runs: a connection to it means the run did not
 * stop at input validation, and the run is stopped there rather than left to retry until the timeout.
 */
interface Tripwire {
  url: string
  onConnection: (() => void) | undefined
  close: () => Promise<void>
}

async function startTripwire(): Promise<Tripwire> {
  const server = net.createServer((socket) => {
    socket.destroy()
    wire.onConnection?.()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const wire: Tripwire = {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    onConnection: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
  return wire
}

interface Launch {
  bundle: string
  inputs: Record<string, string>
  /** AWS endpoint and proxy URL: the simulator's or the tripwire's. */
  endpoint: string
  tripwire?: Tripwire
  timeoutMs: number
  firstRequest: { at: number | undefined }
}

async function once({ bundle, inputs, endpoint, tripwire, timeoutMs, firstRequest }: Launch): Promise<ProcessSample> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-cold-'))
  try {
    const proxy = { HTTP_PROXY: endpoint, HTTPS_PROXY: endpoint, http_proxy: endpoint, https_proxy: endpoint }
    const env = runnerEnvironment(dir, { endpoint, inputs, env: proxy })
    for (const key of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_PATH'] as const) fs.writeFileSync(env[key] as string, '')
    fs.mkdirSync(env.RUNNER_TEMP as string)
    fs.mkdirSync(env.GITHUB_WORKSPACE as string)
    const probeOut = path.join(dir, 'probe.json')
    env.BENCH_PROBE_OUT = probeOut
    const stdoutFile = path.join(dir, 'stdout')
    const stdout = fs.openSync(stdoutFile, 'w')
    firstRequest.at = undefined
    let end = 'exited' as ProcessSample['end']
    const started = performance.now()
    const child = spawn(process.execPath, ['--require', PROBE, bundle], { cwd: dir, env, stdio: ['ignore', stdout, 'ignore'] })
    const stop = (why: ProcessSample['end']): void => {
      if (end === 'exited') end = why
      child.kill('SIGKILL')
    }
    const killer = setTimeout(() => stop('timed out'), timeoutMs)
    if (tripwire) tripwire.onConnection = () => stop('called out')
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (c) => resolve(c))
    }).finally(() => {
      clearTimeout(killer)
      if (tripwire) tripwire.onConnection = undefined
    })
    const wallMs = performance.now() - started
    fs.closeSync(stdout)
    const probe = fs.existsSync(probeOut) ? (JSON.parse(fs.readFileSync(probeOut, 'utf8')) as { maxRssKiB: number; userMs: number; systemMs: number; networkCalls: number }) : undefined
    return {
      firstRequestMs: firstRequest.at === undefined ? undefined : firstRequest.at - started,
      wallMs,
      cpuMs: probe ? probe.userMs + probe.systemMs : NaN,
      maxRssMiB: probe ? probe.maxRssKiB / 1024 : NaN,
      code,
      end,
      networkCalls: end === 'called out' ? Math.max(1, probe?.networkCalls ?? 0) : (probe?.networkCalls ?? NaN),
      error: errorCommands(fs.readFileSync(stdoutFile, 'utf8'))[0]
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function summarize(samples: ProcessSample[], ok: (s: ProcessSample) => boolean): Median {
  const exited = samples.filter((s) => s.end === 'exited')
  const calledOut = samples.filter((s) => s.end === 'called out').length
  const firsts = exited.map((s) => s.firstRequestMs).filter((x): x is number => x !== undefined)
  return {
    firstRequestMs: firsts.length > 0 ? median(firsts) : undefined,
    wallMs: median(exited.map((s) => s.wallMs)),
    cpuMs: median(exited.map((s) => s.cpuMs)),
    maxRssMiB: median(exited.map((s) => s.maxRssMiB)),
    runs: samples.length,
    timedOut: samples.filter((s) => s.end === 'timed out').length,
    calledOut,
    failures: calledOut + exited.filter((s) => !ok(s)).length,
    networkCalls: Math.max(0, ...samples.filter((s) => s.end !== 'timed out').map((s) => s.networkCalls)),
    error: samples[0]?.error
  }
}

function jsBytes(bundle: string): { bytes: number; files: number } {
  const dir = path.dirname(bundle)
  const files = path.resolve(bundle) === BUNDLE ? fs.readdirSync(dir).filter((f) => /\.(m|c)?js$/.test(f)).map((f) => path.join(dir, f)) : [bundle]
  return { bytes: files.reduce((n, f) => n + fs.statSync(f).size, 0), files: files.length }
}

/**
 * Cold start of our bundle and, when given, the reference, interleaved round by round (so both see the same machine
 * load): per round our refusal, the reference's refusal, our status run.
 */
export async function coldStart({ runs, timeoutMs, reference }: ColdStartOptions): Promise<ColdStartFigures> {
  const world = new SimWorld({ realism: false, seed: 3 })
  world.addTargetGroup({ name: 'prod-svc01', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  const tags = { 'docker:image:name': 'web', 'docker:image:version': 'v1' }
  world.addGroup({ name: 'prod-svc01-blue', min: 2, max: 4, desired: 2, targetGroups: ['prod-svc01'], tags, running: true })
  world.addGroup({ name: 'prod-svc01-green', min: 0, max: 4, desired: 0, targetGroups: ['prod-svc01'], tags: { 'docker:image:name': 'web' } })
  const firstRequest: { at: number | undefined } = { at: undefined }
  const note = world.noteRequest.bind(world)
  world.noteRequest = (): void => {
    firstRequest.at ??= performance.now()
    note()
  }
  const server = await startSimServer(world, { speed: 60 })
  const tripwire = await startTripwire()
  const refusal = (bundle: string, inputs: Record<string, string>): Launch => ({ bundle, inputs, endpoint: tripwire.url, tripwire, timeoutMs, firstRequest })
  const samples = { ours: [] as ProcessSample[], status: [] as ProcessSample[], reference: [] as ProcessSample[] }
  try {
    for (let r = 0; r < runs; r++) {
      samples.ours.push(await once(refusal(BUNDLE, OUR_REFUSED_INPUTS)))
      if (reference) samples.reference.push(await once(refusal(reference.bundle, reference.refusedInputs)))
      samples.status.push(await once({ bundle: BUNDLE, inputs: STATUS_INPUTS, endpoint: server.url, timeoutMs, firstRequest }))
    }
  } finally {
    await server.close()
    await tripwire.close()
  }
  const refused = (s: ProcessSample): boolean => s.code !== 0 && s.networkCalls === 0
  const figures = (bundle: string, refusedInputs: Record<string, string>, validation: ProcessSample[], status: ProcessSample[] | undefined): BundleFigures => ({
    bundle: bundle.startsWith(`${REPO_ROOT}${path.sep}`) ? path.relative(REPO_ROOT, bundle) : bundle,
    refusedInputs,
    validation: summarize(validation, refused),
    status: status && summarize(status, (s) => s.code === 0),
    ...jsBytes(bundle)
  })
  return {
    ours: figures(BUNDLE, OUR_REFUSED_INPUTS, samples.ours, samples.status),
    reference: reference && figures(reference.bundle, reference.refusedInputs, samples.reference, undefined)
  }
}

/**
 * Distinct @aws-sdk/* and @smithy/* package versions in the committed bundle: from its source map (which package
 * directories it was built from) × package-lock.json; without a source map, the production (non-dev) entries of
 * package-lock.json, which is what ncc can reach.
 */
export function sdkVersions(): SdkVersions | undefined {
  const mapFile = `${BUNDLE}.map`
  const lockFile = path.join(REPO_ROOT, 'package-lock.json')
  if (!fs.existsSync(lockFile)) return undefined
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { packages: Record<string, { version?: string; dev?: boolean }> }
  const dirs = new Set<string>()
  let from: SdkVersions['from']
  if (fs.existsSync(mapFile)) {
    from = 'source map'
    const map = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as { sources: string[] }
    for (const src of map.sources) {
      const m = /^(?:\.\.?\/)*((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)*node_modules\/(?:@aws-sdk|@smithy)\/[^/]+)/.exec(src.replace(/^webpack:\/\/[^/]*\//, ''))
      if (m?.[1]) dirs.add(m[1])
    }
  } else {
    from = 'package-lock.json production entries'
    for (const [dir, entry] of Object.entries(lock.packages)) if (/node_modules\/(@aws-sdk|@smithy)\/[^/]+$/.test(dir) && !entry.dev) dirs.add(dir)
  }
  const versions = new Map<string, Set<string>>()
  for (const dir of dirs) {
    const name = dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length)
    const version = lock.packages[dir]?.version ?? '?'
    if (!versions.has(name)) versions.set(name, new Set())
    versions.get(name)?.add(version)
  }
  const duplicated: Record<string, string[]> = {}
  let packages = 0
  for (const [name, vs] of versions) {
    packages += vs.size
    if (vs.size > 1) duplicated[name] = [...vs].sort()
  }
  return { packages, duplicated, from }
}
