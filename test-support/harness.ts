// Runs the action's real entry point (`run` from src/main.ts) in-process against a simulated AWS,
// with the files a GitHub runner provides, and returns what a user would see: outputs, summary,
// log, and whether the step failed.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { run } from '../src/main.js'
import type { RunResult } from '../src/run/result.js'
import { ImmediateRetryStrategy } from '../packages/aws-sim/src/index.js'
import type { SimWorld } from './world.js'
import { parseOutputFile } from './output-file.js'
import { noteKilledRun, noteRunStart } from './stats.js'

export { parseOutputFile }

export interface ActionRun {
  failed: boolean
  outputs: Record<string, string>
  summary: string
  log: string
  /** The `::error::` lines, decoded. */
  errors: string[]
  result: RunResult | undefined
}

export const DEFAULT_INPUTS: Record<string, string> = {
  prefix: 'prod-',
  service: 'web',
  'aws-region': 'us-east-1',
  'health-timeout': '10m',
  'poll-interval': '15s',
  'dry-run': 'false'
}

let files: { outputFile: string; summaryFile: string } | undefined
function runnerFiles(): { outputFile: string; summaryFile: string } {
  if (!files) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-run-'))
    files = { outputFile: path.join(dir, 'output'), summaryFile: path.join(dir, 'summary') }
  }
  return files
}

export async function runAction(
  world: SimWorld,
  inputs: Record<string, string>,
  opts: { signal?: AbortSignal; env?: Record<string, string>; requestHandler?: SimWorld['requestHandler']; retryStrategy?: unknown } = {}
): Promise<ActionRun> {
  // Invariant 1's baseline is the simulator's: taken at the world's first request unless the test chose one.
  noteRunStart(world, inputs.mode ?? '')
  const callsBefore = world.calls.length
  // @actions/core remembers the summary file path on first use, so one process keeps one file.
  const { outputFile, summaryFile } = runnerFiles()
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  const saved = { GITHUB_OUTPUT: process.env.GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: process.env.GITHUB_STEP_SUMMARY }
  process.env.GITHUB_OUTPUT = outputFile
  process.env.GITHUB_STEP_SUMMARY = summaryFile
  const all = { ...DEFAULT_INPUTS, ...inputs }
  const log: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  // Keep workflow commands (`::error::`) out of the test runner's own output.
  process.stdout.write = ((chunk: string | Uint8Array) => {
    log.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    return true
  }) as typeof process.stdout.write
  let result: RunResult | undefined
  try {
    result = await run({
      getInput: (name) => all[name] ?? '',
      env: opts.env ?? {},
      clock: world.clock,
      clientOverrides: {
        requestHandler: opts.requestHandler ?? world.requestHandler,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
        retryStrategy: opts.retryStrategy ?? new ImmediateRetryStrategy(8, world.clock)
      },
      ...(opts.signal ? { signal: opts.signal } : {})
    })
  } finally {
    process.stdout.write = write
    process.env.GITHUB_OUTPUT = saved.GITHUB_OUTPUT
    process.env.GITHUB_STEP_SUMMARY = saved.GITHUB_STEP_SUMMARY
  }
  const failed = process.exitCode === 1
  process.exitCode = 0
  const text = log.join('')
  const run_: ActionRun = {
    failed,
    outputs: parseOutputFile(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    log: text,
    errors: [...text.matchAll(/^::error[^:]*::(.*)$/gm)].map((m) => (m[1] ?? '').replace(/%0A/g, '\n').replace(/%25/g, '%')),
    result
  }
  noteKill(world, all.mode ?? '', callsBefore)
  return run_
}

const LOCK_TAG = 'blue-green:lock'
const isLockWrite = (operation: string, params: unknown): boolean =>
  (operation === 'CreateOrUpdateTags' || operation === 'DeleteTags') &&
  ((t) => t.length > 0 && t.every((x) => x.Key === LOCK_TAG))((params as { Tags?: { Key?: string }[] }).Tags ?? [])

/** A run that a simulated runner kill stopped (a write refused with "runner killed") is recorded for the figures. */
function noteKill(world: SimWorld, mode: string, since: number): void {
  const calls = world.calls.slice(since)
  const killed = calls.find((c) => c.write && !c.ok && /runner killed/i.test(c.error ?? ''))
  if (!killed) return
  const survived = calls.filter((c) => c.write && c.ok && c.seq < killed.seq && !isLockWrite(c.operation, c.params)).length
  noteKilledRun(world, { mode, survived, killedAt: killed.operation })
}
