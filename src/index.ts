import { run } from './main.js'

// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later: abort waits so the run can undo
// what needs undoing (a deploy not yet cut over returns its new group to idle) and write its summary.
const controller = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (!controller.signal.aborted) process.stderr.write(`Received ${signal}: cancelling the run safely.\n`)
    controller.abort()
  })
}
await run({ signal: controller.signal })
process.removeAllListeners('SIGINT')
process.removeAllListeners('SIGTERM')
