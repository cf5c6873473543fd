// docs/GETTING-STARTED.md quotes what the action prints at each step of the walkthrough. This runs the
// walkthrough (test-support/starter/walkthrough.ts: a world built from the CloudFormation template, the first
// version started, then status, deploy v2, finalize, deploy v3, rollback) and checks that every log line,
// output and "Next:" line the guide quotes is one the action printed, so the guide cannot drift from the code.
import fs from 'node:fs'
import { beforeAll, describe, expect, it } from '@jest/globals'
import type { ActionRun } from '../../test-support/harness.js'
import { runWalkthrough } from '../../test-support/starter/walkthrough.js'

const GUIDE = fs.readFileSync('docs/GETTING-STARTED.md', 'utf8')
/** The guide's fenced blocks without a language (what a step prints), as lists of lines. */
function printedBlocks(): string[][] {
  const blocks: string[][] = []
  let current: string[] | undefined
  let inOther = false
  for (const line of GUIDE.split('\n')) {
    if (line.startsWith('```')) {
      if (current) {
        blocks.push(current)
        current = undefined
      } else if (inOther) inOther = false
      else if (line === '```') current = []
      else inOther = true
    } else if (current) current.push(line)
  }
  return blocks
}
const printed = printedBlocks().flat().filter((l) => l.trim() !== '')
/** Instance ids and times differ from run to run on real AWS; the guide's must match the run's in shape. */
const norm = (s: string): string => s.replace(/i-[0-9a-f]{17}/g, 'i-ID').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'TIME').trim()

let runs: [string, ActionRun][]
beforeAll(async () => {
  runs = (await runWalkthrough()).runs
}, 120_000)

describe('docs/GETTING-STARTED.md', () => {
  it('walks through a cycle that works: each step ends as the guide says', () => {
    expect(runs.map(([title, r]) => `${title}: ${r.failed ? 'failed' : r.outputs.state}`)).toEqual([
      'status: at-rest',
      'deploy v2: awaiting-finalize',
      'finalize: finalized',
      'deploy v3: awaiting-finalize',
      'rollback: rolled-back'
    ])
  })

  it('quotes only log lines the action printed', () => {
    const logLines = new Set(runs.flatMap(([, r]) => r.log.split('\n').map(norm)))
    const quoted = printed.filter((l) => /^\s+prod-web: /.test(l) || /^(deploy|finalize|rollback|status) of web /.test(l))
    expect(quoted.length).toBeGreaterThan(20)
    expect(quoted.map(norm).filter((l) => !logLines.has(l))).toEqual([])
  })

  it('quotes only outputs the action set, each from the step it describes', () => {
    const outputs = runs.map(([, r]) => new Set(Object.entries(r.outputs).map(([k, v]) => norm(`${k}=${v}`))))
    const blocks = printedBlocks()
      .map((b) => b.filter((l) => /^[a-z-]+=/.test(l)))
      .filter((b) => b.length > 0)
    expect(blocks.length).toBe(4)
    for (const block of blocks) {
      // Some step printed every line of the block.
      expect(outputs.some((set) => block.every((l) => set.has(norm(l))))).toBe(true)
    }
  })

  it('quotes the job summaries\' "Next:" lines as they are', () => {
    const summaries = runs.map(([, r]) => r.summary).join('\n')
    const quoted = [...GUIDE.matchAll(/^> \*\*Next:\*\* (.*)$/gm)].map((m) => m[1] as string)
    expect(quoted.length).toBe(3)
    for (const q of quoted) expect(summaries).toContain(q)
  })
})
