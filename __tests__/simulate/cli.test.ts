// `npm run simulate` end to end: the script in a child process (node --import tsx, as npm runs it through
// tsx), the simulator on a loopback port, and the committed bundle run for each --exec step.
// dist/ must match src/: run `npm run package` first when src/ changed.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { REPO_ROOT } from '../../test-support/bundle.js'

const SCRIPT = path.join(REPO_ROOT, 'scripts', 'simulate.ts')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the script; `onOutput` may act on the child (e.g. send SIGINT) once stdout matches. */
function simulate(args: string[], onOutput?: { match: RegExp; act: (child: ReturnType<typeof spawn>) => void }, timeoutMs = 40_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    let acted = false
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8')
      if (onOutput && !acted && onOutput.match.test(stdout)) {
        acted = true
        onOutput.act(child)
      }
    })
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(killer)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('npm run simulate', () => {
  it('--exec: deploy v2 then finalize on the single preset, exit 0', async () => {
    const started = Date.now()
    const r = await simulate(['--scenario', 'single', '--speed', '300', '--exec', 'deploy v2', '--exec', 'finalize'])
    if (r.code !== 0) throw new Error(`exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`)
    expect(r.stdout).toMatch(/Simulated AWS on http:\/\/127\.0\.0\.1:\d+ .*scenario single/)
    expect(r.stdout).toMatch(/^ {2}state += awaiting-finalize$/m)
    expect(r.stdout).toMatch(/^ {2}state += finalized$/m)
    expect(r.stdout).toMatch(/✔ deploy v2: exit code 0/)
    expect(r.stdout).toMatch(/✔ finalize: exit code 0/)
    expect(r.stdout).toMatch(/prod-web {2}serving=green {2}blue v1 0\/0\/6 \[no instances\] {2}green v2 3\/3\/6 \[3 InService\] {2}prod-web: 3 healthy/)
    expect(r.stdout).toMatch(/invariant violations: none/)
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('--exec: expect= turns an expected abort into a pass; a failed step makes the exit code 1', async () => {
    const r = await simulate(['--scenario', 'bad-release', '--speed', '300', '--exec', 'deploy v3 expect=aborted', '--exec', 'deploy v3'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/✔ deploy v3 expect=aborted: state aborted, expected aborted/)
    expect(r.stdout).toMatch(/error: Deploy of v3 to prod-web aborted: .*Health checks failed with these codes: \[502\]/)
    expect(r.stdout).toMatch(/✘ deploy v3: exit code 1/)
    expect(r.stdout).toMatch(/^ {2}deploy v3 expect=aborted: exit 1, state aborted$/m)
    expect(r.stdout).toMatch(/^ {2}deploy v3: exit 1, state aborted ✘$/m)
    expect(r.stdout).toMatch(/invariant violations: none/)
  })

  it('without --exec: prints the exports and commands, watches, and on SIGINT reports violations and exits 0', async () => {
    const r = await simulate(['--services', 'web', '--instances', '2', '--watch', '0.2'], {
      match: /Ctrl-C stops\.\n[\s\S]*serving=blue/,
      act: (child) => child.kill('SIGINT')
    })
    expect(r.code).toBe(0)
    const port = /Simulated AWS on http:\/\/127\.0\.0\.1:(\d+)/.exec(r.stdout)?.[1]
    expect(port).toBeDefined()
    for (const line of [
      `export AWS_ENDPOINT_URL=http://127.0.0.1:${port}`,
      'export AWS_REGION=us-east-1',
      'export AWS_ACCESS_KEY_ID=AKIDREHEARSAL',
      'export AWS_EC2_METADATA_DISABLED=true',
      'env INPUT_MODE=deploy INPUT_PREFIX=prod- INPUT_SERVICE=web INPUT_VERSION=v2 INPUT_POLL-INTERVAL=1s INPUT_HEALTH-TIMEOUT=2m node dist/index.js',
      'env INPUT_MODE=finalize INPUT_PREFIX=prod- INPUT_SERVICE=web INPUT_POLL-INTERVAL=1s INPUT_HEALTH-TIMEOUT=2m node dist/index.js'
    ]) {
      expect(r.stdout).toContain(line)
    }
    expect(r.stdout).toMatch(/export AWS_SECRET_ACCESS_KEY=\S+/)
    expect(r.stdout).toMatch(/\] prod-web {2}serving=blue {2}blue v1 2\/2\/6 \[2 InService\]/)
    expect(r.stdout).toMatch(/stopped after \d+ s \(virtual time .*\); invariant violations: none\n$/)
  })

  it('--help prints the usage; a bad value exits 2 naming the flag', async () => {
    const help = await simulate(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: npm run simulate -- \[options\]/)
    const bad = await simulate(['--instances', 'many'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/simulate: invalid value "many" for --instances: expected a whole number from 1 to 500/)
  })
})
