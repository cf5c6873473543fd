// `node runs.js ROOT OUT [NAME…]`: the scenario runs' summaries as JSON (`[{ name, line, markdown }, …]`, in the
// order of SCENARIOS) written to the file OUT; names limit the runs. ROOT is the repository. Run by
// scripts/summary-shots.ts in a plain node process over transpiled JavaScript (transpile.ts says why), not under tsx.
import fs from 'node:fs'
import path from 'node:path'
import { SCENARIOS } from './scenarios.js'

const [root, outFile, ...only] = process.argv.slice(2)
if (!root || !outFile) throw new Error('usage: node runs.js ROOT OUT [NAME…]')

/** The packages src/ imports on demand (`import('@aws-sdk/client-ec2')`, …), found in the source. */
function dynamicImports(dir: string): string[] {
  const found = new Set<string>()
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
    const text = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')
    for (const m of text.matchAll(/\bimport\(\s*'([^'.][^']*)'\s*\)/g)) found.add(m[1] as string)
  }
  return [...found].sort()
}

// Loaded once here, so that every run's import() of them finds them loaded and costs no real time.
await Promise.all(dynamicImports(path.join(root, 'src')).map((p) => import(p)))

const out: { name: string; line: string; markdown: string }[] = []
for (const s of SCENARIOS) {
  if (only.length > 0 && !only.includes(s.name)) continue
  out.push({ name: s.name, line: s.line, markdown: await s.summary() })
}
fs.writeFileSync(outFile, `${JSON.stringify(out)}\n`)
