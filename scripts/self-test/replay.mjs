#!/usr/bin/env node
// Runs the steps of .github/workflows/self-test.yml on this machine the way a runner does, so that what is
// proven here is what the runner runs: the same file, the same steps, in order.
//
//   uses: ./               node <action.yml runs.main> (dist/index.js) with INPUT_<NAME> for every input
//                          of action.yml (the `with:` value, else the default; hyphens kept, upper-cased),
//                          a fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY file per step
//   run:                   bash -e with the step's env
//   uses: actions/...      skipped (checkout and setup-node: this clone and this node stand in for them)
//   run: npm ci            skipped unless --npm-ci (node_modules is there already)
//
// Between steps, what a step appends to GITHUB_ENV goes into the environment of the next ones, and its
// outputs become `steps.<id>.outputs.<name>`. Expressions: only `${{ steps.<id>.outputs.<name> }}` and
// `${{ github.token }}` (empty here: no GitHub token on a laptop); anything else is refused, so the
// workflow stays within what this replay proves. A step runs when no earlier one failed, or with
// `if: always()`; any other `if:` is refused. Nothing else of the runner is modelled.
//
// Usage: node scripts/self-test/replay.mjs [--npm-ci] [--workflow FILE] [--job NAME]
// Exit code: 0 when every step passed, 1 when one failed, 2 for a workflow this replay cannot run.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

class Unsupported extends Error {}

/** GITHUB_OUTPUT / GITHUB_ENV files: `name=value` lines and `name<<DELIMITER` blocks. */
export function parseCommandFile(text) {
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      if (i >= lines.length) throw new Unsupported(`unterminated ${name}<<${delimiter} block`)
      out[name] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      if (eq <= 0) throw new Unsupported(`not a name=value line: ${line}`)
      out[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return out
}

/** Substitutes the expressions this replay knows; refuses the others. */
function evaluate(value, outputs) {
  return String(value).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr) => {
    if (expr === 'github.token') return ''
    const m = /^steps\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)$/.exec(expr)
    if (!m) throw new Unsupported(`expression \${{ ${expr} }} is not one this replay evaluates`)
    return outputs[m[1]]?.[m[2]] ?? ''
  })
}

function runnerEnv(dir, extra) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: path.join(dir, 'home'),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: root,
    GITHUB_REPOSITORY: 'OWNER/asg-blue-green-action',
    GITHUB_REPOSITORY_OWNER: 'OWNER',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKFLOW: 'self-test',
    GITHUB_JOB: 'self-test',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_ACTOR: 'octocat',
    GITHUB_ENV: path.join(dir, 'github_env'),
    RUNNER_TEMP: path.join(dir, 'runner_temp'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    ...extra
  }
}

function actionInputs(action, withBlock, outputs) {
  const env = {}
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    const given = withBlock?.[name]
    const value = given !== undefined ? evaluate(given, outputs) : evaluate(spec?.default ?? '', outputs)
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const name of Object.keys(withBlock ?? {}))
    if (!(name in (action.inputs ?? {}))) throw new Unsupported(`input "${name}" is not in action.yml`)
  return env
}

function label(step, n) {
  return step.name ?? (step.id ? `${step.id} (${step.uses})` : step.uses ?? String(step.run).split('\n')[0]) ?? `step ${n}`
}

async function main(argv) {
  let workflowFile = path.join(root, '.github', 'workflows', 'self-test.yml')
  let jobName = 'self-test'
  let npmCi = false
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--npm-ci') npmCi = true
    else if (argv[i] === '--workflow') workflowFile = path.resolve(argv[++i] ?? '')
    else if (argv[i] === '--job') jobName = argv[++i] ?? ''
    else {
      console.error('usage: replay.mjs [--npm-ci] [--workflow FILE] [--job NAME]')
      return 2
    }
  }
  const workflow = parse(readFileSync(workflowFile, 'utf8'))
  const job = workflow?.jobs?.[jobName]
  if (!job?.steps) {
    console.error(`replay: no job "${jobName}" with steps in ${workflowFile}`)
    return 2
  }
  const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8'))
  const main = path.join(root, action.runs.main)

  const dir = mkdtempSync(path.join(tmpdir(), 'self-test-'))
  mkdirSync(path.join(dir, 'home'))
  mkdirSync(path.join(dir, 'runner_temp'))
  writeFileSync(path.join(dir, 'github_env'), '')
  const outputs = {}
  const results = []
  let failed = false
  const started = Date.now()
  try {
    for (const [n, step] of job.steps.entries()) {
      const name = label(step, n + 1)
      const when = step.if === undefined ? 'success()' : String(step.if).replace(/^\$\{\{\s*|\s*\}\}$/g, '')
      if (when !== 'success()' && when !== 'always()') throw new Unsupported(`step "${name}": if: ${step.if}`)
      if (failed && when !== 'always()') {
        results.push(`skipped  ${name}`)
        continue
      }
      const isNpmCi = typeof step.run === 'string' && step.run.trim() === 'npm ci'
      if ((step.uses && step.uses !== './') || (isNpmCi && !npmCi)) {
        console.log(`\n── ${name}: skipped here (${step.uses ? 'the runner’s own action' : 'node_modules is installed; --npm-ci runs it'})`)
        results.push(`(skip)   ${name}`)
        continue
      }
      const fromEnvFile = parseCommandFile(readFileSync(path.join(dir, 'github_env'), 'utf8'))
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v, outputs)]))
      const t0 = Date.now()
      let code
      console.log(`\n── ${name}`)
      if (step.uses === './') {
        const outFile = path.join(dir, `output-${n}`)
        const summaryFile = path.join(dir, `summary-${n}`)
        writeFileSync(outFile, '')
        writeFileSync(summaryFile, '')
        const inputs = actionInputs(action, step.with, outputs)
        console.log(Object.entries(inputs).filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join(' '))
        const env = runnerEnv(dir, { ...fromEnvFile, ...stepEnv, ...inputs, GITHUB_OUTPUT: outFile, GITHUB_STEP_SUMMARY: summaryFile })
        const r = spawnSync(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] })
        code = r.status
        const stepOutputs = parseCommandFile(readFileSync(outFile, 'utf8'))
        if (step.id) outputs[step.id] = stepOutputs
        console.log('outputs:')
        for (const [k, v] of Object.entries(stepOutputs)) console.log(`  ${k} = ${v.split('\n').join('\n    ')}`)
        const summary = readFileSync(summaryFile, 'utf8')
        console.log(`job summary: ${summary.length} characters; first lines:`)
        for (const l of summary.split('\n').filter((x) => x.trim() !== '').slice(0, 6)) console.log(`  │ ${l}`)
      } else if (typeof step.run === 'string') {
        const env = runnerEnv(dir, { ...fromEnvFile, ...stepEnv })
        const r = spawnSync('bash', ['-e', '-c', step.run], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] })
        code = r.status
      } else throw new Unsupported(`step "${name}" has neither run: nor uses:`)
      const ok = code === 0
      failed ||= !ok
      results.push(`${ok ? 'ok' : 'FAILED'.padEnd(6)}${ok ? '      ' : '  '} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s${ok ? '' : `, exit ${code}`})`)
    }
  } catch (err) {
    if (!(err instanceof Unsupported)) throw err
    console.error(`replay: ${err.message}`)
    // Stop a simulator a start step left running.
    spawnSync('bash', [path.join(root, 'scripts', 'self-test', 'run.sh'), 'stop'], { env: runnerEnv(dir, {}), stdio: 'ignore' })
    rmSync(dir, { recursive: true, force: true })
    return 2
  }
  rmSync(dir, { recursive: true, force: true })
  console.log(`\n── result (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  for (const r of results) console.log(`  ${r}`)
  return failed ? 1 : 0
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
