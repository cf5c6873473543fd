// `npm run lint:architecture`: the rules docs/ARCHITECTURE.md states, checked on the code.
// - no import circles anywhere in the tree (src, test-support, packages, scripts, __tests__), type-only
//   imports included: a circle of types is still a circle a reader has to untangle;
// - src/domain/ imports nothing outside src/domain/ but the leaf utilities listed in LEAVES;
// - the run (src/run/) reaches AWS only through the port (src/aws/port.ts) and GitHub only through its
//   RunHooks: it imports no AWS adapter and nothing of src/github/;
// - no file under src/ is longer than MAX_SRC_LINES lines.
// `--graph` prints every arrow of src/ as `from -> to` (for drawing the graph).
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const TREES = ['src', 'test-support', 'packages', 'scripts', '__tests__']
const MAX_SRC_LINES = 300
/** Files under src/ that import nothing of the project: domain code may use them. */
const LEAVES = ['src/clock.ts', 'src/config/inputs.ts', 'src/duration.ts', 'src/errors.ts', 'src/log.ts']

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full, out)
    else if (/\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full)
  }
  return out
}

function resolve(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined
  const base = path.resolve(path.dirname(fromFile), spec)
  const stem = base.replace(/\.(js|mjs|ts)$/, '')
  for (const candidate of [base, `${stem}.ts`, `${stem}.mts`, `${stem}.mjs`, `${stem}.js`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate
  }
  return undefined
}

const files = TREES.flatMap(tree => walk(path.join(ROOT, tree)))
const rel = file => path.relative(ROOT, file)
const graph = new Map()
for (const file of files) {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
  const targets = new Set()
  for (const ref of info.importedFiles) {
    const target = resolve(file, ref.fileName)
    if (target) targets.add(rel(target))
  }
  graph.set(rel(file), [...targets])
}

if (process.argv.includes('--graph')) {
  for (const [from, tos] of graph) if (from.startsWith('src/')) for (const to of tos) console.log(`${from} -> ${to}`)
  process.exit(0)
}

// Tarjan's strongly connected components: every component of more than one file is a circle.
let index = 0
const indices = new Map()
const lowlinks = new Map()
const stack = []
const onStack = new Set()
const circles = []
function connect(node) {
  indices.set(node, index)
  lowlinks.set(node, index)
  index++
  stack.push(node)
  onStack.add(node)
  for (const next of graph.get(node) ?? []) {
    if (!indices.has(next)) {
      connect(next)
      lowlinks.set(node, Math.min(lowlinks.get(node), lowlinks.get(next)))
    } else if (onStack.has(next)) {
      lowlinks.set(node, Math.min(lowlinks.get(node), indices.get(next)))
    }
  }
  if (lowlinks.get(node) === indices.get(node)) {
    const component = []
    let member
    do {
      member = stack.pop()
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1) circles.push(component.sort())
  }
}
for (const node of graph.keys()) if (!indices.has(node)) connect(node)

const problems = []
for (const circle of circles) problems.push(`import circle of ${circle.length} files: ${circle.join(', ')}`)
for (const [from, tos] of graph) {
  if (!from.startsWith('src/domain/')) continue
  for (const to of tos) {
    if (!to.startsWith('src/domain/') && !LEAVES.includes(to)) problems.push(`${from} imports ${to}: domain code imports only domain/ and the leaves (${LEAVES.join(', ')})`)
  }
}
for (const [from, tos] of graph) {
  if (!from.startsWith('src/run/')) continue
  for (const to of tos) {
    if ((to.startsWith('src/aws/') && to !== 'src/aws/port.ts') || to.startsWith('src/github/')) {
      problems.push(`${from} imports ${to}: the run reaches AWS only through src/aws/port.ts and GitHub only through run/hooks.ts`)
    }
  }
}
for (const leaf of LEAVES) {
  for (const to of graph.get(leaf) ?? []) problems.push(`${leaf} is listed as a leaf but imports ${to}`)
}
for (const file of files) {
  const name = rel(file)
  if (!name.startsWith('src/')) continue
  const lines = fs.readFileSync(file, 'utf8').split('\n').length - 1
  if (lines > MAX_SRC_LINES) problems.push(`${name} has ${lines} lines (src/ files stay at or under ${MAX_SRC_LINES}: split it by job)`)
}

const arrows = [...graph.entries()].filter(([from]) => from.startsWith('src/')).reduce((sum, [, tos]) => sum + tos.length, 0)
if (problems.length) {
  for (const problem of problems) console.error(`architecture: ${problem}`)
  console.error(`architecture: ${problems.length} problem(s) in ${files.length} files (${arrows} arrows in src/)`)
  process.exit(1)
}
console.log(`architecture: ${files.length} files, ${arrows} arrows in src/, 0 import circles, domain/ imports only domain/ and leaves, run/ only the AWS port, every src/ file ≤ ${MAX_SRC_LINES} lines`)
