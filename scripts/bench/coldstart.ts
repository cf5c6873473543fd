// Cold start of a bundle as a runner starts it: `node <bundle>` in a fresh process with the environment a runner
// gives (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...; test-support/bundle.ts), AWS pointed at a loopback
// simulator. Measured per run: wall time from spawn to the simulator's first request, wall time to exit, CPU time
// and peak RSS (written at exit by probe.mjs, loaded with --import). Medians of N runs.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { BUNDLE, REPO_ROOT, runnerEnvironment } from '../../test-support/bundle.js'
import { SimWorld } from '../../test-support/world.js'
import { startSimServer } from '../../packages/aws-sim/src/index.js'

const PROBE = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'probe.mjs')).href

export interface ProcessSample {
  /** Spawn → first request the simulator received (undefined: none). */
  firstRequestMs: number | undefined
  /** Spawn → exit. */
  wallMs: number
  cpuMs: number
  maxRssMiB: number
  code: number | null
}

export interface Median {
  firstRequestMs: number | undefined
  wallMs: number
  cpuMs: number
  maxRssMiB: number
  runs: number
  failures: number
}

export interface BundleFigures {
  bundle: string
  /** `mode: status` against a 1-pair account: the whole run. */
  run: Median
  /** Invalid input: the action exits at input validation (no AWS request). */
  validation: Median
  /** Bytes of the bundle's .js files (the dist directory's, or the one file given). */
  bytes: number
  files: number
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
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

async function once(bundle: string, inputs: Record<string, string>, endpoint: string, firstRequest: { at: number | undefined }): Promise<ProcessSample> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-cold-'))
  try {
    const env = runnerEnvironment(dir, { endpoint, inputs })
    for (const key of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_PATH'] as const) fs.writeFileSync(env[key] as string, '')
    fs.mkdirSync(env.RUNNER_TEMP as string)
    fs.mkdirSync(env.GITHUB_WORKSPACE as string)
    const probeOut = path.join(dir, 'probe.json')
    env.BENCH_PROBE_OUT = probeOut
    firstRequest.at = undefined
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', PROBE, bundle], { cwd: dir, env, stdio: ['ignore', 'ignore', 'ignore'] })
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (c) => resolve(c))
    })
    const wallMs = performance.now() - started
    clearTimeout(killer)
    const probe = fs.existsSync(probeOut) ? (JSON.parse(fs.readFileSync(probeOut, 'utf8')) as { maxRssKiB: number; userMs: number; systemMs: number }) : undefined
    return {
      firstRequestMs: firstRequest.at === undefined ? undefined : firstRequest.at - started,
      wallMs,
      cpuMs: probe ? probe.userMs + probe.systemMs : NaN,
      maxRssMiB: probe ? probe.maxRssKiB / 1024 : NaN,
      code
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function summarize(samples: ProcessSample[], ok: (s: ProcessSample) => boolean): Median {
  const firsts = samples.map((s) => s.firstRequestMs).filter((x): x is number => x !== undefined)
  return {
    firstRequestMs: firsts.length > 0 ? median(firsts) : undefined,
    wallMs: median(samples.map((s) => s.wallMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    maxRssMiB: median(samples.map((s) => s.maxRssMiB)),
    runs: samples.length,
    failures: samples.filter((s) => !ok(s)).length
  }
}

function jsBytes(bundle: string): { bytes: number; files: number } {
  const dir = path.dirname(bundle)
  const files = path.resolve(bundle) === BUNDLE ? fs.readdirSync(dir).filter((f) => /\.(m|c)?js$/.test(f)).map((f) => path.join(dir, f)) : [bundle]
  return { bytes: files.reduce((n, f) => n + fs.statSync(f).size, 0), files: files.length }
}

/**
 * Cold start of each bundle, interleaved run by run (so both see the same machine load): `runs` runs of
 * `mode: status` and `runs` runs exiting at input validation.
 */
export async function coldStart(bundles: string[], runs: number): Promise<BundleFigures[]> {
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
  const status = { mode: 'status', prefix: 'prod-', 'image-name': 'web', 'aws-region': 'us-east-1' }
  const invalid = { mode: 'not-a-mode', prefix: 'prod-', 'image-name': 'web', 'aws-region': 'us-east-1' }
  const samples = bundles.map(() => ({ run: [] as ProcessSample[], validation: [] as ProcessSample[] }))
  try {
    for (let r = 0; r < runs; r++) {
      for (const [n, bundle] of bundles.entries()) {
        samples[n]?.run.push(await once(bundle, status, server.url, firstRequest))
        samples[n]?.validation.push(await once(bundle, invalid, server.url, firstRequest))
      }
    }
  } finally {
    await server.close()
  }
  return bundles.map((bundle, n) => ({
    bundle: path.relative(REPO_ROOT, bundle) || bundle,
    run: summarize(samples[n]?.run ?? [], (s) => s.code === 0),
    validation: summarize(samples[n]?.validation ?? [], (s) => s.code !== 0),
    ...jsBytes(bundle)
  }))
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
