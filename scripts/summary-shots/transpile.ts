// The scenario runs go in a plain `node` process over JavaScript transpiled here, not under tsx. Why: the action
// loads some AWS clients with a dynamic import() (src/aws/clients.ts), and under tsx every import() is resolved by
// tsx's loader thread, a real round trip that the simulated AWS's virtual clock cannot see. While it is in flight
// the clock may count the process idle and jump to the next timer (a lock heartbeat, a poll), so the same run
// would take 5m30s once and 7m30s the next. Node's own loader answers an import() of a module it already has
// without leaving the thread, so with the clients preloaded the runs, and their summaries, repeat exactly.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  sourceMap: false
}

/** Where the last transpile recorded each output's source hash: an unchanged source is not transpiled again. */
const MANIFEST = '.sources.json'

/**
 * Transpiles `entry` and every project file it imports (relative `./x.js` imports of `./x.ts`), type-free and
 * file by file, into `outDir` with the same relative layout under `root`. Returns the entry's output path.
 */
export function transpileGraph(entry: string, root: string, outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true })
  const manifestFile = path.join(outDir, MANIFEST)
  const before = (fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : {}) as Record<string, string>
  const after: Record<string, string> = {}
  const queue = [path.resolve(entry)]
  const done = new Set<string>()
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (done.has(file)) continue
    done.add(file)
    const source = fs.readFileSync(file, 'utf8')
    const rel = path.relative(root, file)
    const target = path.join(outDir, rel).replace(/\.ts$/, '.js')
    const hash = crypto.createHash('sha256').update(`${ts.version}\0${source}`).digest('hex')
    after[rel] = hash
    fs.mkdirSync(path.dirname(target), { recursive: true })
    if (!file.endsWith('.ts')) {
      // Copied, not transpiled: compared by content, so nothing else written at the same path can pass for it.
      if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== source) fs.writeFileSync(target, source)
      continue
    }
    const fresh = before[rel] === hash && fs.existsSync(target)
    for (const { fileName: spec } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!spec.startsWith('.')) continue
      const base = path.resolve(path.dirname(file), spec)
      const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, path.join(base, 'index.ts')]
      const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile())
      if (!found) throw new Error(`${path.relative(root, file)}: cannot find ${spec}`)
      if (!found.startsWith(root + path.sep)) throw new Error(`${path.relative(root, file)}: ${spec} is outside the repository`)
      queue.push(found)
    }
    if (!fresh) fs.writeFileSync(target, ts.transpileModule(source, { compilerOptions: OPTIONS, fileName: file }).outputText)
  }
  // Inside node_modules/ the package scope would stop at the folder: say ESM here, unless the graph brought the
  // repository's own package.json (src/aws/clients.ts reads its version), which says it and must keep its content.
  if (!('package.json' in after)) fs.writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n')
  // Outputs of files the graph no longer reaches would not run, but would mislead a reader of the folder.
  for (const rel of Object.keys(before)) {
    if (!(rel in after)) fs.rmSync(path.join(outDir, rel).replace(/\.ts$/, '.js'), { force: true })
  }
  fs.writeFileSync(manifestFile, `${JSON.stringify(after, null, 1)}\n`)
  return path.join(outDir, path.relative(root, path.resolve(entry))).replace(/\.ts$/, '.js')
}
