// The transpiler behind `npm run summary-shots` (scripts/summary-shots/transpile.ts) keeps a cache between runs.
// A second run over an unchanged source must give the same output folder as the first: in particular the
// repository's own package.json, which src/aws/clients.ts imports for its version, must not be replaced by the
// folder's `{ "type": "module" }` marker (that turned every second `summary-shots --check` into a failed deploy:
// "Cannot read properties of undefined (reading 'split')").
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { transpileGraph } from '../../scripts/summary-shots/transpile.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** A tiny repository: src/entry.ts imports src/helper.ts, and (when asked) ../package.json as JSON. */
function repo(withPackageJson: boolean): { root: string; out: string; entry: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'transpile-'))
  dirs.push(root)
  fs.mkdirSync(path.join(root, 'src'))
  fs.writeFileSync(path.join(root, 'package.json'), `${JSON.stringify({ name: 'x', version: '1.2.3', type: 'module' })}\n`)
  fs.writeFileSync(path.join(root, 'src', 'helper.ts'), 'export const answer: number = 42\n')
  const imports = [`import { answer } from './helper.js'`]
  if (withPackageJson) imports.push(`import pkg from '../package.json' with { type: 'json' }`)
  fs.writeFileSync(path.join(root, 'src', 'entry.ts'), `${imports.join('\n')}\nexport const v = ${withPackageJson ? 'pkg.version' : 'answer'}\n`)
  return { root, out: path.join(root, 'out'), entry: path.join(root, 'src', 'entry.ts') }
}

const read = (file: string): string => fs.readFileSync(file, 'utf8')

describe('summary-shots transpile cache', () => {
  it('keeps the repository package.json the graph imports, on the first run and on a cached second run', () => {
    const { root, out, entry } = repo(true)
    const original = read(path.join(root, 'package.json'))
    transpileGraph(entry, root, out)
    expect(read(path.join(out, 'package.json'))).toBe(original)
    transpileGraph(entry, root, out)
    expect(read(path.join(out, 'package.json'))).toBe(original)
    expect(read(path.join(out, 'src', 'helper.js'))).toContain('42')
  })

  it('repairs a copied file whose output was overwritten while its source did not change', () => {
    const { root, out, entry } = repo(true)
    transpileGraph(entry, root, out)
    fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n')
    transpileGraph(entry, root, out)
    expect(JSON.parse(read(path.join(out, 'package.json'))).version).toBe('1.2.3')
  })

  it('marks the output folder as ESM when the graph brings no package.json', () => {
    const { root, out, entry } = repo(false)
    transpileGraph(entry, root, out)
    transpileGraph(entry, root, out)
    expect(JSON.parse(read(path.join(out, 'package.json')))).toEqual({ type: 'module' })
  })
})
