// Runs the committed bundle (`node dist/index.js`, the file users run) in a child process, the way a
// GitHub runner does: inputs as INPUT_<NAME> variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, the
// runner's context variables, and an environment built from scratch (nothing leaks in from the caller
// but PATH). AWS is whatever `endpoint` serves: in tests and the demo, the simulator's loopback server.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseOutputFile } from './output-file.js'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const BUNDLE = path.join(REPO_ROOT, 'dist', 'index.js')

/** The SDK's per-service endpoint variables for the four services the action calls. */
export const SERVICE_ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL_AUTO_SCALING',
  'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2',
  'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING',
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ENDPOINT_URL_CLOUDWATCH'
] as const

export interface RunBundleOptions {
  /** Base URL of the (simulated) AWS endpoint, e.g. `http://127.0.0.1:41234`. */
  endpoint: string
  /** Action inputs by their action.yml names (`service`, `dry-run`, ...). */
  inputs: Record<string, string>
  /** Extra variables, applied last (they override the defaults below). */
  env?: Record<string, string>
  /**
   * Send a signal to the child after a delay (a cancelled job: the runner sends SIGINT, then SIGTERM).
   * The delay counts from the spawn, or, with `afterOutput`, from the first stdout line that matches it.
   */
  signalAfterMs?: { signal: 'SIGINT' | 'SIGTERM'; afterMs: number; afterOutput?: RegExp }
  /** `global` (default): one AWS_ENDPOINT_URL; `per-service`: only the AWS_ENDPOINT_URL_<SERVICE> variables. */
  endpointVariables?: 'global' | 'per-service'
  /** Kill the child with SIGKILL after this long (a safety net; default 5 minutes). */
  killAfterMs?: number
  /**
   * Called with the child right after the spawn, e.g. to SIGKILL it from a simulator hook at an exact
   * AWS call (`child.kill('SIGKILL')`: the runner dies with no chance to clean up).
   */
  onSpawn?: (child: ChildProcess) => void
  /** Another copy of the bundle's entry file (default: the committed dist/index.js). */
  bundle?: string
}

export interface BundleRun {
  /** Exit code (null when killed by a signal). */
  code: number | null
  /** The signal that ended the child, if any. */
  exitSignal: NodeJS.Signals | null
  outputs: Record<string, string>
  summary: string
  stdout: string
  stderr: string
  /** The `::error::` workflow commands, decoded. */
  errors: string[]
  /** Real time from spawn to exit. */
  durationMs: number
  /** Real time from the signal (if one was sent) to exit. */
  exitAfterSignalMs?: number
}

/** Decodes a workflow command's message (`%25`, `%0D`, `%0A`), as the runner does. */
function unescapeCommandData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

export function errorCommands(stdout: string): string[] {
  return [...stdout.matchAll(/^::error(?: [^:]*)?::(.*)$/gm)].map((m) => unescapeCommandData(m[1] ?? ''))
}

export function runnerEnvironment(dir: string, opts: RunBundleOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'octo-org/web',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKFLOW: 'release',
    GITHUB_JOB: 'deploy',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/tags/v2',
    GITHUB_REF_NAME: 'v2',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKSPACE: path.join(dir, 'workspace'),
    GITHUB_OUTPUT: path.join(dir, 'github_output'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'step_summary'),
    GITHUB_ENV: path.join(dir, 'github_env'),
    GITHUB_STATE: path.join(dir, 'github_state'),
    GITHUB_PATH: path.join(dir, 'github_path'),
    RUNNER_TEMP: path.join(dir, 'runner_temp'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 1',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_EC2_METADATA_DISABLED: 'true'
  }
  if ((opts.endpointVariables ?? 'global') === 'global') env.AWS_ENDPOINT_URL = opts.endpoint
  else for (const name of SERVICE_ENDPOINT_VARIABLES) env[name] = opts.endpoint
  // The runner keeps hyphens and upper-cases the name: `dry-run` → `INPUT_DRY-RUN`.
  for (const [name, value] of Object.entries(opts.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  return { ...env, ...(opts.env ?? {}) }
}

export async function runBundle(opts: RunBundleOptions): Promise<BundleRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-bundle-'))
  try {
    const env = runnerEnvironment(dir, opts)
    for (const key of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_PATH'] as const) {
      fs.writeFileSync(env[key] as string, '')
    }
    fs.mkdirSync(env.RUNNER_TEMP as string)
    fs.mkdirSync(env.GITHUB_WORKSPACE as string)

    const started = Date.now()
    const child = spawn(process.execPath, [opts.bundle ?? BUNDLE], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
    opts.onSpawn?.(child)
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stderr.on('data', (c: Buffer) => stderr.push(c))

    let signalledAt: number | undefined
    const timers: NodeJS.Timeout[] = []
    let armed = false
    const arm = (): void => {
      if (armed || !opts.signalAfterMs) return
      armed = true
      const { signal, afterMs } = opts.signalAfterMs
      timers.push(
        setTimeout(() => {
          signalledAt = Date.now()
          child.kill(signal)
        }, afterMs)
      )
    }
    child.stdout.on('data', (c: Buffer) => {
      stdout.push(c)
      const pattern = opts.signalAfterMs?.afterOutput
      if (pattern && !armed && pattern.test(Buffer.concat(stdout).toString('utf8'))) arm()
    })
    if (opts.signalAfterMs && !opts.signalAfterMs.afterOutput) arm()
    timers.push(setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 5 * 60_000))

    const [code, exitSignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (c, s) => resolve([c, s]))
    })
    const ended = Date.now()
    for (const t of timers) clearTimeout(t)

    const out = Buffer.concat(stdout).toString('utf8')
    return {
      code,
      exitSignal,
      outputs: parseOutputFile(fs.readFileSync(env.GITHUB_OUTPUT as string, 'utf8')),
      summary: fs.readFileSync(env.GITHUB_STEP_SUMMARY as string, 'utf8'),
      stdout: out,
      stderr: Buffer.concat(stderr).toString('utf8'),
      errors: errorCommands(out),
      durationMs: ended - started,
      ...(signalledAt !== undefined ? { exitAfterSignalMs: ended - signalledAt } : {})
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Asserts the exit code; on a mismatch the failure shows the child's log. */
export function expectExit(r: BundleRun, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code} (signal ${r.exitSignal})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`)
}
