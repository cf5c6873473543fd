#!/usr/bin/env node
// `npm run docs:inputs`: writes the README's inputs table from action.yml, between the markers
// <!-- inputs:start --> and <!-- inputs:end -->. `npm run docs:inputs -- --check` changes nothing and
// exits 1 when the README's table differs from what action.yml says (a unit test runs it, so `npm test`
// fails when they drift).
//
// action.yml's descriptions follow one shape: "<modes>: <meaning>", where <modes> is "all modes" or a list
// of modes (optionally ", with <input>"), and a computed default is the sentence "Default: <what>." at
// the end (such inputs declare no `default:`). Deprecated inputs (deprecationMessage) are listed after the
// table with their new names.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const START = '<!-- inputs:start -->'
const END = '<!-- inputs:end -->'
const MODES = ['deploy', 'canary', 'finalize', 'rollback', 'status']
const MODES_PREFIX = new RegExp(`^((?:all modes|(?:${MODES.join('|')})(?:, (?:${MODES.join('|')}))*)(?:, with [a-z-]+)?): `)

/** One input's row: its modes, default and meaning, from its action.yml entry. Throws on a description of another shape. */
export function rowOf(name, input) {
  const description = String(input.description ?? '').trim()
  const m = MODES_PREFIX.exec(description)
  if (!m) throw new Error(`action.yml: input ${name}: the description must start with its modes ("all modes: ", "deploy, canary: ", ...): ${description}`)
  let meaning = description.slice(m[0].length)
  const modes = m[1].replace(/^all modes/, 'all')
  let byDefault
  const computed = /\s*Default: ([^]*?)\.$/.exec(meaning)
  if (computed) {
    if (input.default !== undefined) throw new Error(`action.yml: input ${name} has a default and says "Default:" in its description; keep one`)
    byDefault = computed[1]
    meaning = meaning.slice(0, computed.index)
  }
  const required = input.required === true || /^Required\b/.test(meaning)
  meaning = meaning.replace(/^Required\.\s*/, '')
  if (required) byDefault = 'required'
  else if (input.default !== undefined) byDefault = input.default === '' ? 'empty' : `\`${input.default}\``
  else byDefault ??= 'not set'
  return { name, modes, byDefault, meaning: meaning.charAt(0).toUpperCase() + meaning.slice(1) }
}

const cell = (text) => text.replace(/\|/g, '\\|').replace(/</g, '&lt;')

/** The Markdown between the markers. */
export function inputsTable(actionYml) {
  const inputs = parse(actionYml).inputs ?? {}
  const current = Object.entries(inputs).filter(([, v]) => v.deprecationMessage === undefined)
  const deprecated = Object.entries(inputs).filter(([, v]) => v.deprecationMessage !== undefined)
  const lines = [
    '<!-- Generated from action.yml by `npm run docs:inputs`; edit action.yml, not this table. -->',
    '',
    '| input | modes | default | meaning |',
    '| --- | --- | --- | --- |',
    ...current.map(([name, v]) => {
      const r = rowOf(name, v)
      return `| \`${name}\` | ${cell(r.modes)} | ${cell(r.byDefault)} | ${cell(r.meaning)} |`
    })
  ]
  if (deprecated.length > 0) {
    const renamed = deprecated.map(([name, v]) => {
      const now = /^Deprecated: use ([a-z-]+)/.exec(String(v.description ?? ''))?.[1]
      if (!now || !inputs[now]) throw new Error(`action.yml: deprecated input ${name}: its description must say "Deprecated: use <new input>"`)
      return `\`${name}\` → \`${now}\``
    })
    lines.push(
      '',
      `Renamed inputs: ${renamed.join(', ')}. The old names still work and log a warning naming the new one; ` +
        'a step that gives both names with different values fails as an input error.'
    )
  }
  return lines.join('\n')
}

/** The README with its table replaced. */
export function withTable(readme, table) {
  const a = readme.indexOf(START)
  const b = readme.indexOf(END)
  if (a < 0 || b < a) throw new Error(`README.md: markers ${START} and ${END} not found`)
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check')
  const readmeFile = path.join(root, 'README.md')
  try {
    const readme = readFileSync(readmeFile, 'utf8')
    const next = withTable(readme, inputsTable(readFileSync(path.join(root, 'action.yml'), 'utf8')))
    if (next === readme) {
      console.log('docs:inputs: README.md inputs table matches action.yml')
    } else if (check) {
      console.error('docs:inputs: README.md inputs table differs from action.yml; run `npm run docs:inputs` and commit README.md')
      process.exit(1)
    } else {
      writeFileSync(readmeFile, next)
      console.log('docs:inputs: README.md inputs table rewritten from action.yml')
    }
  } catch (err) {
    console.error(`docs:inputs: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(2)
  }
}
