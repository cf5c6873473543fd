// Preloaded into the measured process with `node --require <this file>`: counts the network calls the process
// starts and, when it exits, writes that count, its CPU time and peak resident set size (process.resourceUsage) as
// JSON to the file named by BENCH_PROBE_OUT.
// It must not change what it measures:
// - CommonJS and --require, not --import: with --import, Node 20 loads a CommonJS bundle through the ES module
//   loader, which first scans the whole file for its exports (0.65 s of CPU and 28 MiB more for a 3 MB bundle here).
// - Counted from diagnostics channels, not by wrapping net.Socket: requiring node:net would load the network
//   stack (8 MiB) into a process that refuses its inputs without it. The channels see every HTTP(S) request of the
//   http and https modules (the AWS SDK's handler, proxy agents), every request and connect of undici (fetch,
//   @actions/http-client) and every net.connect; a bare tls.connect would go unseen.
const dc = require('node:diagnostics_channel')
const { writeFileSync } = require('node:fs')

const out = process.env.BENCH_PROBE_OUT
if (out) {
  let networkCalls = 0
  const count = () => {
    networkCalls++
  }
  for (const channel of ['http.client.request.start', 'undici:request:create', 'net.client.socket']) dc.subscribe(channel, count)
  process.on('exit', () => {
    const u = process.resourceUsage()
    writeFileSync(out, JSON.stringify({ maxRssKiB: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, networkCalls }))
  })
}
