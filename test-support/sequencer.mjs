// The fast suite's order: the bundle's e2e files first. They run real child processes for a minute or more
// each; started last (on a clean clone jest has no timings yet and orders by file size), they alone would
// stretch `npm test` by a minute on 2 cores. Then jest's own order (failed first, slowest first, largest first).
import Sequencer from '@jest/test-sequencer'

const Base = Sequencer.default ?? Sequencer
const rank = (path) => (/\/__tests__\/e2e\/kill\//.test(path) ? 0 : /\/__tests__\/e2e\//.test(path) ? 1 : 2)

export default class BundleFirst extends Base {
  sort(tests) {
    const ordered = super.sort(tests)
    return [...ordered].sort((a, b) => rank(a.path) - rank(b.path))
  }
}
