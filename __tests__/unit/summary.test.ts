import { describe, expect, it } from '@jest/globals'
import type { PairOutcome, RunResult } from '../../src/run/result.js'
import { LIVE_CAPACITY_TAG, IDLE_CAPACITY_TAG } from '../../src/domain/markers.js'
import { chunk } from '../../src/domain/steps.js'
import { outputsOf } from '../../src/report/outputs.js'
import { renderSummary } from '../../src/report/summary.js'
import { config, group, instance, liveGroup, pair } from '../../test-support/fixtures.js'

const MiB = 1024 * 1024

function hugeRun(pairs: number, perPair: number): RunResult {
  const outcomes: PairOutcome[] = []
  const timeline: RunResult['timeline'] = []
  for (let p = 0; p < pairs; p++) {
    const base = `prod-service-${p}`
    const blue = group(`${base}-blue`, {
      tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: `${perPair}/${perPair}/${perPair * 2}` },
      instances: Array.from({ length: perPair }, () => instance('Standby', 'unused'))
    })
    const green = liveGroup(`${base}-green`, 'v2', perPair, { tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/10' } })
    const plan = chunk(
      blue.instances.map((i) => i.id),
      20
    ).map((ids) => ({ kind: 'enter-standby' as const, group: blue.name, instanceIds: ids }))
    for (const s of plan) timeline.push({ pair: base, step: `move ${s.instanceIds.length} instance(s) of ${blue.name} to Standby`, startedAt: 0, durationMs: 1000, outcome: 'done' })
    outcomes.push({ base, state: 'awaiting-finalize', before: pair(blue, green, base), after: pair(blue, green, base), plan })
  }
  return { config: config(), outcomes, timeline, refusals: [], startedAt: 0, finishedAt: 600_000 }
}

describe('job summary', () => {
  it('stays far below the runner\'s 1 MiB limit for 10 pairs of 1,000 instances, and says what it left out', () => {
    const md = renderSummary(hugeRun(10, 1000))
    expect(Buffer.byteLength(md)).toBeLessThan(MiB / 4)
    expect(md).toContain('… and 200 more steps') // 10 × 50 standby batches, the timeline shows the first 300
    expect(md).toContain('1000 Standby') // instances are counted by state, not listed
    // Outputs carry every id (they are what a later job acts on) and stay under the 1 MB job limit.
    const outputs = outputsOf(hugeRun(10, 1000))
    expect(JSON.parse(outputs['standby-instance-ids'] ?? '[]')).toHaveLength(10_000)
    expect(Object.values(outputs).reduce((n, v) => n + v.length, 0)).toBeLessThan(MiB)
  })

  it('escapes every string that came from AWS tags or names', () => {
    const r = hugeRun(1, 1)
    const g = r.outcomes[0]?.after.groups[1]
    if (!g) throw new Error('the run has no group to put the hostile tag on')
    g.tags['docker:image:version'] = '<img src=x onerror=alert(1)>|`x`'
    const md = renderSummary(r)
    expect(md).not.toContain('<img')
    expect(md).toContain('&#60;img src=x onerror=alert(1)&#62;&#124;&#96;x&#96;')
  })
})
