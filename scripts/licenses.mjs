// Writes dist/licenses.txt from ncc's webpack stats: every package any chunk of the bundle includes.
// (ncc's own --license writes only the last chunk's packages once the bundle is split into chunks.)
// Usage: node scripts/licenses.mjs STATS_JSON OUT_FILE
import fs from 'node:fs'
import path from 'node:path'

const [statsFile, outFile] = process.argv.slice(2)
if (!statsFile || !outFile) {
  console.error('usage: node scripts/licenses.mjs STATS_JSON OUT_FILE')
  process.exit(2)
}
const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'))

/** Module paths of every chunk, nested modules (concatenated ones) included. */
function* modulePaths(modules = []) {
  for (const m of modules) {
    for (const id of [m.name, m.identifier]) if (typeof id === 'string') yield id
    yield* modulePaths(m.modules)
  }
}

const packages = new Map()
for (const id of modulePaths([...(stats.modules ?? []), ...(stats.chunks ?? []).flatMap((c) => c.modules ?? [])])) {
  // The file after any loader prefix ("loader!file"), then its innermost node_modules/<name> (or @scope/<name>).
  const file = path.resolve(id.split('!').at(-1).replace(/\\/g, '/').split(' ')[0])
  const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))/.exec(file)
  if (m && !packages.has(m[2]) && fs.existsSync(path.join(m[1], 'package.json'))) packages.set(m[2], m[1])
}

const LICENSE_FILES = /^(licen[cs]e|copying)(\.(md|txt))?$/i
const entries = [...packages.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, dir]) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
  const file = fs.readdirSync(dir).find((f) => LICENSE_FILES.test(f))
  const text = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : ''
  return [name, pkg.license ?? '', text].filter((x) => x !== '').join('\n')
})
fs.writeFileSync(outFile, `${entries.join('\n\n')}\n`)
console.log(`${outFile}: ${entries.length} packages`)
