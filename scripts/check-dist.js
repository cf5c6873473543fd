// Fails when dist/ differs from a fresh build of src/ (run after `npm run package`).
import { execFileSync } from 'node:child_process'

const changed = execFileSync('git', ['status', '--porcelain', '--', 'dist'], { encoding: 'utf8' }).trim()
if (changed) {
  console.error('dist/ does not match src/: users run dist/index.js straight from the tag.')
  console.error(changed)
  console.error('Fix: npm run package && git add dist && git commit')
  process.exit(1)
}
console.log('dist/ matches a fresh build of src/.')
