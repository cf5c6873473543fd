// Loaded into the measured process with `node --import <this file>`: when the process exits, writes its CPU time
// and peak resident set size (process.resourceUsage) as JSON to the file named by BENCH_PROBE_OUT.
import { writeFileSync } from 'node:fs'

const out = process.env.BENCH_PROBE_OUT
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage()
    writeFileSync(out, JSON.stringify({ maxRssKiB: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 }))
  })
}
