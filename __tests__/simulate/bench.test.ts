// `npm run bench` as it is run: the script in a child process through tsx. docs/PERFORMANCE.md promises that
// every run with the same seed and settings gives the same virtual-time figures. That holds only if virtual
// time never moves while the run does work the clock cannot see: under tsx, loading a lazily imported client
// module (the EC2 client, first used by the version check before cutover) takes real time with the event loop
// idle, and a clock that jumped to its next timer meanwhile (the lock's renewal, ~38 s later) put that jump
// into the deploy's overhead and cutover lag in some runs and not in others.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'
import { REPO_ROOT } from '../../test-support/bundle.js'

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'bench.ts')

interface ModeFigures {
  mode: string
  failed: boolean
  durationMs: number
  cutoverLagMs?: number
}

async function benchDeploy(row: string): Promise<ModeFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'))
  const json = path.join(dir, 'bench.json')
  try {
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', SCRIPT, '--only', `${row}:deploy`, '--cold-runs', '0', '--no-switch', '--no-throttle-pass', '--json', json],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_NO_WARNINGS: '1' }, timeout: 120_000 }
    )
    const report = JSON.parse(fs.readFileSync(json, 'utf8')) as { scenarios: { modes: ModeFigures[] }[] }
    const deploy = report.scenarios[0]?.modes.find((m) => m.mode === 'deploy')
    if (!deploy) throw new Error(`no deploy figures in ${json}`)
    return deploy
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('npm run bench', () => {
  it('gives the same virtual-time figures on every run of the same row, seed and settings', async () => {
    // Several processes: whether a module load overlapped the clock's next jump depended on real time.
    const runs: ModeFigures[] = []
    for (let i = 0; i < 4; i++) runs.push(await benchDeploy('1x2'))
    for (const r of runs) expect(r.failed).toBe(false)
    const figures = runs.map((r) => ({ durationMs: r.durationMs, cutoverLagMs: r.cutoverLagMs }))
    expect(new Set(figures.map((f) => JSON.stringify(f))).size).toBe(1)
  }, 240_000)
})
