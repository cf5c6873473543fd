// action.yml is what users read (and GitHub shows): each input's default there must be the one the code
// applies, each description must say which modes it applies to, the renamed inputs must be declared as
// deprecated, and README.md's inputs table must be the one generated from it (npm run docs:inputs).
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { readConfig } from '../../src/config/read.js'
import { Inputs, Renamed } from '../../src/config/inputs.js'
import { DEFAULT_AUDIENCE, DEFAULT_DURATION_SECONDS } from '../../src/credentials/role-inputs.js'
import { inputsTable, rowOf } from '../../scripts/inputs-table.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const actionYml = fs.readFileSync(path.join(root, 'action.yml'), 'utf8')
interface InputSpec {
  description: string
  required?: boolean
  default?: string
  deprecationMessage?: string
}
const inputs = (parse(actionYml) as { inputs: Record<string, InputSpec> }).inputs
const current = Object.entries(inputs).filter(([, v]) => v.deprecationMessage === undefined)

const ROLE = 'arn:aws:iam::123456789012:role/deploy-prod-web'
const ENV = { GITHUB_REPOSITORY: 'octo-org/web', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1' }
/** One step per mode (and one with a role, one deploying an image), as a workflow would give them. */
const STEPS: Record<string, string>[] = (
  [
  { mode: 'deploy', version: 'v2' },
  { mode: 'deploy', image: 'web-*' },
  { mode: 'canary', version: 'v2' },
  { mode: 'finalize' },
  { mode: 'rollback' },
  { mode: 'status' },
  { mode: 'status', 'role-to-assume': ROLE }
  ] as Record<string, string>[]
).map((s) => ({ prefix: 'prod-', service: 'web', 'aws-region': 'us-east-1', ...s }))

function read(given: Record<string, string>): { config: unknown; warnings: string[] } {
  const warnings: string[] = []
  const config = readConfig((n) => given[n] ?? '', ENV, (m) => warnings.push(m))
  return { config, warnings }
}

/** action.yml's literal defaults: what a runner passes for an input a step does not give. */
const literalDefaults = Object.fromEntries(
  current.filter(([, v]) => v.default !== undefined && !String(v.default).includes('${{')).map(([k, v]) => [k, String(v.default)])
)

describe('action.yml defaults are the defaults the code applies', () => {
  it.each(Object.entries(literalDefaults))('%s: %s', (name, value) => {
    for (const step of STEPS) {
      if (name in step) continue
      expect({ step, config: read({ ...step, [name]: value }) }).toEqual({ step, config: read(step) })
    }
  })

  it('every step works with all of them filled in, as a runner fills them in', () => {
    for (const step of STEPS) expect(read({ ...literalDefaults, ...step })).toEqual(read(step))
  })

  it('a computed default is stated in the description and declares none', () => {
    const computed = Object.fromEntries(current.map(([k, v]) => [k, rowOf(k, v).byDefault]))
    expect(computed[Inputs.region]).toBe('AWS_REGION, then AWS_DEFAULT_REGION from the environment')
    expect(computed[Inputs.roleDurationSeconds]).toBe(String(DEFAULT_DURATION_SECONDS))
    expect(computed[Inputs.roleSessionName]).toBe('gh-<repo>-<run id>-<attempt>')
    expect(literalDefaults[Inputs.audience]).toBe(DEFAULT_AUDIENCE)
    const session = readConfig((n) => ({ ...STEPS[6] })[n] ?? '', ENV, () => undefined).role
    expect(session).toMatchObject({ sessionName: 'gh-web-42-1', durationSeconds: DEFAULT_DURATION_SECONDS, audience: DEFAULT_AUDIENCE })
    for (const [name, v] of current) expect({ name, default: v.default }).not.toEqual({ name, default: '' })
  })

  it('the inputs the code reads are the inputs action.yml declares', () => {
    const declared = Object.keys(inputs).sort()
    const known = [...Object.values(Inputs), ...Object.values(Renamed).map((r) => r.old)].sort()
    expect(declared).toEqual(known)
  })
})

describe('action.yml describes each input by mode, and keeps the renamed ones as deprecated', () => {
  it.each(current.map(([k]) => k))('%s says which modes it applies to', (name) => {
    expect(() => rowOf(name, inputs[name] as InputSpec)).not.toThrow()
  })

  it.each(Object.entries(Renamed))('%s replaces %o: the old name is deprecated, has no default, and names the new one', (now, { old, default: byDefault }) => {
    const spec = inputs[old] as InputSpec
    expect(spec.deprecationMessage).toContain(now)
    expect(spec.description).toBe(`Deprecated: use ${now} (same meaning).`)
    // A runner passes an input's default to every step: the old name must have none, or it would always be "given".
    expect(spec.default).toBeUndefined()
    expect(inputs[now]?.default ?? '').toBe(byDefault)
  })
})

describe('README.md inputs table', () => {
  it('is the one npm run docs:inputs generates from action.yml (npm run docs:inputs -- --check)', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'inputs-table.mjs'), '--check'], { cwd: root, encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(inputsTable(actionYml))
  })

  it('fails the check when the README differs, and says how to fix it', () => {
    const dir = fs.mkdtempSync(path.join(root, 'node_modules', '.inputs-table-'))
    try {
      fs.mkdirSync(path.join(dir, 'scripts'))
      fs.copyFileSync(path.join(root, 'scripts', 'inputs-table.mjs'), path.join(dir, 'scripts', 'inputs-table.mjs'))
      fs.copyFileSync(path.join(root, 'action.yml'), path.join(dir, 'action.yml'))
      fs.writeFileSync(path.join(dir, 'README.md'), '# x\n\n<!-- inputs:start -->\n| stale |\n<!-- inputs:end -->\n')
      const script = path.join(dir, 'scripts', 'inputs-table.mjs')
      const check = spawnSync(process.execPath, [script, '--check'], { cwd: dir, encoding: 'utf8' })
      expect(check.status).toBe(1)
      expect(check.stderr).toContain('run `npm run docs:inputs`')
      const write = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' })
      expect(write.status).toBe(0)
      expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('| `service` | all | required |')
      expect(spawnSync(process.execPath, [script, '--check'], { cwd: dir, encoding: 'utf8' }).status).toBe(0)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
