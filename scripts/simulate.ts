// `npm run simulate -- [options]`: rehearse on a laptop. Starts the simulated AWS on 127.0.0.1 with a
// topology of your choosing (scripts/simulate/ parses the flags / JSON file and builds the world),
// prints how to point the action at it, and either waits for Ctrl-C (optionally printing a status line per
// pair every --watch seconds) or, with --exec, runs the bundled action for each step and exits.
// See docs/rehearse.md.
import path from 'node:path'
import { BUNDLE, type BundleRun, REPO_ROOT, runBundle } from '../test-support/bundle.js'
import { type SimServer, iso, startSimServer } from '../packages/aws-sim/src/index.js'
import type { SimWorld } from '../test-support/world.js'
import { type CliOptions, type ExecMode, type ExecStep, type Topology, TopologyError } from './simulate/types.js'
import { USAGE, parseArgs } from './simulate/cli.js'
import { buildWorld, describeTopology, pairStatus } from './simulate/world.js'
import { imageNames, stepInputs } from './simulate/resolve.js'

/** Dummy credentials: the simulator checks no signature, the SDK only needs something to sign with. */
export const REHEARSAL_ENV: Readonly<Record<string, string>> = {
  AWS_ACCESS_KEY_ID: 'AKIDREHEARSAL',
  AWS_SECRET_ACCESS_KEY: 'rehearsal-secret-not-a-real-key',
  AWS_EC2_METADATA_DISABLED: 'true'
}

const QUIET_LIFECYCLES: ReadonlySet<string> = new Set(['InService', 'Standby'])

function log(line = ''): void {
  process.stdout.write(`${line}\n`)
}

/** Single-quotes a word for POSIX shells. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/** The simulator's loopback server, on a free port (0) or the one asked for. */
async function listen(world: SimWorld, speed: number, port: number): Promise<SimServer> {
  try {
    return await startSimServer(world, { speed, port })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new TopologyError(
      code === 'EADDRINUSE' ? `invalid value ${port} for --port: 127.0.0.1:${port} is already in use (use --port 0 for a free port)` : `cannot listen on 127.0.0.1:${port}: ${code ?? String(err)}`
    )
  }
}

// ------------------------------------------------------------------ what to print

/** The variables that point the AWS SDK (and so the action) at the simulator. */
export function endpointEnvironment(t: Topology, url: string): Record<string, string> {
  return { AWS_ENDPOINT_URL: url, AWS_REGION: t.region, ...REHEARSAL_ENV }
}

/** A ready-to-copy command that runs the bundle with INPUT_* variables (env: hyphenated names cannot be exported). */
export function bundleCommand(t: Topology, mode: ExecMode, extra: Record<string, string>): string {
  const inputs = stepInputs(t, mode, extra)
  const vars = Object.entries(inputs).map(([k, v]) => shellQuote(`INPUT_${k.replace(/ /g, '_').toUpperCase()}=${v}`))
  const bundle = path.relative(process.cwd(), BUNDLE) || BUNDLE
  return `env ${vars.join(' ')} node ${shellQuote(bundle.startsWith('..') ? BUNDLE : bundle)}`
}

function nextVersion(t: Topology): string {
  const current = t.services[0]?.version ?? 'v1'
  const m = /^(.*?)(\d+)$/.exec(current)
  let candidate = m ? `${m[1]}${Number(m[2]) + 1}` : 'v2'
  if (candidate === current) candidate = `${current}-next`
  return candidate
}

function printHowTo(t: Topology, url: string): void {
  log('Point the action at it (in another terminal, from the repository root):')
  log('')
  for (const [k, v] of Object.entries(endpointEnvironment(t, url))) log(`  export ${k}=${shellQuote(v)}`)
  log('')
  const images = imageNames(t)
  const good = nextVersion(t)
  for (const image of images) {
    const base = { 'service': image }
    if (images.length > 1) log(`  # service ${image}`)
    log(`  # deploy ${good} to the idle color; cut over once every new instance is healthy`)
    log(`  ${bundleCommand(t, 'deploy', { ...base, version: good })}`)
    for (const v of t.badVersions) {
      log(`  # deploy ${v}, which never gets healthy: the deploy aborts and the live color keeps serving`)
      log(`  ${bundleCommand(t, 'deploy', { ...base, version: v })}`)
    }
    for (const v of t.stuckVersions) {
      log(`  # deploy ${v}, which stays "initial": the deploy waits out health-timeout (${t.inputs['health-timeout'] ?? '10m'}), then aborts`)
      log(`  ${bundleCommand(t, 'deploy', { ...base, version: v })}`)
    }
    log('  # then either approve ...')
    log(`  ${bundleCommand(t, 'finalize', base)}`)
    log('  # ... or put the old instances back in service')
    log(`  ${bundleCommand(t, 'rollback', base)}`)
    log('  # what is live, what waits in Standby, what can be done next (changes nothing)')
    log(`  ${bundleCommand(t, 'status', base)}`)
    log('')
  }
  log('  Outputs appear as ::set-output lines; add GITHUB_OUTPUT=out.txt GITHUB_STEP_SUMMARY=summary.md (existing')
  log('  files) to the env to get them as a runner would. Any other AWS client works too (aws --endpoint-url ...).')
  log('')
}

function printHeader(o: CliOptions, server: SimServer): void {
  const t = o.topology
  const from = [o.scenario ? `scenario ${o.scenario}` : '', o.topologyFile ? `file ${o.topologyFile}` : ''].filter((x) => x !== '').join(' + ')
  log(`Simulated AWS on ${server.url} (region ${t.region}; virtual time runs ${t.speed}× real time${from ? `; ${from}` : ''})`)
  for (const l of describeTopology(t)) log(`  ${l}`)
  log('')
}

function statusLines(world: SimWorld, t: Topology): string[] {
  const clock = new Date(world.now()).toISOString().slice(11, 19)
  return t.services.map((s) => `[${clock}] ${pairStatus(world, s)}`)
}

function violationsLine(world: SimWorld): string {
  if (world.violations.length === 0) return 'invariant violations: none'
  return `invariant violations: ${world.violations.length}\n${world.violations.map((v) => `  ${v}`).join('\n')}`
}

// ------------------------------------------------------------------ --exec

async function waitForQuiet(world: SimWorld, t: Topology, timeoutMs: number): Promise<number> {
  const started = Date.now()
  const busy = (): boolean => t.services.some((s) => [s.blue, s.green].some((g) => world.group(g).instances.some((i) => !QUIET_LIFECYCLES.has(i.lifecycle))))
  while (busy() && Date.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 100))
  return Date.now() - started
}

function printRun(step: Extract<ExecStep, { kind: 'run' }>, r: BundleRun, ok: boolean): void {
  log(`exit code: ${r.code ?? `signal ${r.exitSignal ?? '?'}`} (${(r.durationMs / 1000).toFixed(1)} s)`)
  const logLines = r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('::'))
  if (logLines.length > 0) {
    log('log:')
    for (const l of logLines) log(`  │ ${l}`)
  }
  for (const e of r.errors) log(`error: ${e.split('\n').join('\n       ')}`)
  // `plan` repeats the log line by line; the rest is shown as the runner would pass it on.
  const shown = Object.entries(r.outputs).filter(([name]) => name !== 'plan' || logLines.length === 0)
  if (shown.length > 0) {
    log(`outputs${shown.length < Object.keys(r.outputs).length ? ' (plan: as in the log)' : ''}:`)
    const width = Math.max(...shown.map(([n]) => n.length))
    for (const [name, value] of shown) {
      const [first, ...rest] = value.split('\n')
      log(`  ${name.padEnd(width)} = ${first ?? ''}`)
      for (const more of rest) log(`  ${' '.repeat(width)}   ${more}`)
    }
  }
  if (!ok && r.stderr.trim() !== '') log(`stderr:\n${r.stderr.trimEnd()}`)
  const verdict = step.expectState !== undefined ? `state ${r.outputs.state ?? '(none)'}, expected ${step.expectState}` : `exit code ${r.code ?? 'none'}`
  log(`${ok ? '✔' : '✘'} ${step.text}: ${verdict}`)
}

async function runSteps(world: SimWorld, t: Topology, url: string, steps: ExecStep[], stopping: () => boolean): Promise<boolean> {
  let allOk = true
  const summary: string[] = []
  for (const [n, step] of steps.entries()) {
    if (stopping()) break
    log('')
    log(`── step ${n + 1}/${steps.length}: ${step.text} ${'─'.repeat(Math.max(3, 70 - step.text.length))}`)
    if (step.kind === 'wait') {
      await new Promise((r) => setTimeout(r, step.seconds * 1000))
      for (const l of statusLines(world, t)) log(l)
      summary.push(`${step.text}: done`)
      continue
    }
    if (step.mode === 'deploy') {
      const waited = await waitForQuiet(world, t, 120_000)
      if (waited > 300) log(`(waited ${(waited / 1000).toFixed(1)} s of real time for launching/draining instances to settle)`)
    }
    const inputs = stepInputs(t, step.mode, step.inputs)
    log(`node dist/index.js with ${Object.entries(inputs).map(([k, v]) => `${k}=${v}`).join(' ')}`)
    world.setBaseline()
    const r = await runBundle({ endpoint: url, inputs, env: { AWS_REGION: t.region } })
    const ok = step.expectState !== undefined ? r.outputs.state === step.expectState : r.code === 0
    printRun(step, r, ok)
    for (const l of statusLines(world, t)) log(l)
    allOk &&= ok
    summary.push(`${step.text}: exit ${r.code ?? r.exitSignal ?? '?'}, state ${r.outputs.state ?? '(none)'}${ok ? '' : ' ✘'}`)
  }
  log('')
  log('── result ' + '─'.repeat(70))
  for (const s of summary) log(`  ${s}`)
  log(violationsLine(world))
  return allOk && world.violations.length === 0
}

// ------------------------------------------------------------------ main

export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions
  try {
    options = parseArgs(argv)
  } catch (err) {
    if (err instanceof TopologyError) {
      process.stderr.write(`simulate: ${err.message}\nRun "npm run simulate -- --help" for the options.\n`)
      return 2
    }
    throw err
  }
  if (options.help) {
    log(USAGE)
    return 0
  }
  const t = options.topology
  // Virtual time starts at the real time (to the second) and then runs ahead of it, ×speed.
  const world = buildWorld(t, Math.floor(Date.now() / 1000) * 1000)
  let server: SimServer
  try {
    server = await listen(world, t.speed, t.port)
  } catch (err) {
    process.stderr.write(`simulate: ${(err as Error).message}\n`)
    return 2
  }
  printHeader(options, server)
  const started = Date.now()

  let stopping = false
  let resolveStop: () => void = () => {}
  const stopped = new Promise<void>((r) => (resolveStop = r))
  const onSignal = (): void => {
    stopping = true
    resolveStop()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  try {
    if (options.exec.length > 0) {
      const ok = await runSteps(world, t, server.url, options.exec, () => stopping)
      if (stopping) {
        log('interrupted')
        return 1
      }
      return ok ? 0 : 1
    }
    printHowTo(t, server.url)
    world.setBaseline()
    for (const l of statusLines(world, t)) log(l)
    log('')
    log(`Running${t.watchSeconds > 0 ? `; a status line per pair every ${t.watchSeconds} s` : ' (--watch 5 prints a status line per pair every 5 s)'}. Ctrl-C stops.`)
    const watch = t.watchSeconds > 0 ? setInterval(() => statusLines(world, t).forEach((l) => log(l)), t.watchSeconds * 1000) : undefined
    await stopped
    if (watch) clearInterval(watch)
    log('')
    for (const l of statusLines(world, t)) log(l)
    log(`stopped after ${((Date.now() - started) / 1000).toFixed(0)} s (virtual time ${iso(world.now())}); ${violationsLine(world)}`)
    return 0
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await server.close()
  }
}

// Run when executed (tsx scripts/simulate.ts), not when imported by a test.
const invoked = process.argv[1] ? path.resolve(process.argv[1]) : ''
if (invoked === path.join(REPO_ROOT, 'scripts', 'simulate.ts')) {
  process.exitCode = await main(process.argv.slice(2))
}
