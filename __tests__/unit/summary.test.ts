import { describe, expect, it } from '@jest/globals'
import type { PairOutcome, RunResult } from '../../src/run/result.js'
import { LIVE_CAPACITY_TAG, IDLE_CAPACITY_TAG, RELEASE_TAG } from '../../src/domain/markers.js'
import { encodeRelease } from '../../src/github/release.js'
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

/** One pair after a Standby deploy of v2 over v1, the release tag naming its commit. */
function oneDeploy(extra: Partial<RunResult> = {}): RunResult {
  const r = hugeRun(1, 3)
  const live = r.outcomes[0]?.after.groups[1]
  if (!live) throw new Error('no live group')
  live.tags[RELEASE_TAG] = encodeRelease({ commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', actor: 'octocat', at: '2026-12-03T10:00:00.000Z', run: 'https://github.com/octo-org/web/actions/runs/1' })
  return { ...r, ...extra }
}

/** The blocks of a markdown summary, blank-line separated. */
const blocks = (md: string): string[] => md.split(/\n\n+/).filter((b) => b.trim() !== '')

describe('job summary: the verdict first', () => {
  it('the block after the title says what serves, what waits and what to do next, with the run linked', () => {
    const md = renderSummary(oneDeploy())
    const [title, verdict] = blocks(md)
    expect(title).toBe('## Blue/green deploy of v2')
    expect(verdict).toBe(
      '⏸️ **prod-service-0: v2 serves from prod-service-0-green; v1 waits in Standby on prod-service-0-blue (3 instances).** ' +
        'Next: approve the finalize job to terminate them, or run mode: rollback: they return to service after their drain and the target groups’ health checks (minutes) ([this run](https://github.com/octo-org/web/actions/runs/1)).'
    )
    // A Standby rollback waits for health checks: nothing promises seconds.
    expect(md).not.toMatch(/in seconds/)
  })

  it('links the commit, names the quarantine instead of listing processes, and folds the timeline without a pair column for one pair', () => {
    const r = oneDeploy()
    const blue = r.outcomes[0]?.after.groups[0]
    if (!blue) throw new Error('no group')
    blue.suspendedProcesses = ['Launch', 'Terminate', 'HealthCheck', 'ReplaceUnhealthy', 'AZRebalance', 'AlarmNotification', 'ScheduledActions', 'InstanceRefresh']
    const md = renderSummary(r)
    expect(md).toContain('v2<br><sub><a href="https://github.com/octo-org/web/commit/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678">a1b2c3d</a> by octocat, 2026-12-03 10:00 UTC</sub>')
    expect(md).toContain('- `prod-service-0-blue`: quarantined: Auto Scaling neither launches, replaces nor terminates its instances until finalize or rollback')
    expect(md).not.toContain('AZRebalance')
    expect(md).toMatch(/<details><summary>Timeline: 1 step\(s\) in 10m<\/summary>\n\n<table><tr><th>At<\/th><th>Step<\/th>/)
    expect(renderSummary(hugeRun(2, 1))).toMatch(/<summary>Timeline: 2 step\(s\) in 10m<\/summary>\n\n<table><tr><th>Pair<\/th><th>At<\/th>/)
  })

  it('an idle group shows the version last tried there as such, not as one that shipped', () => {
    const r = oneDeploy({ config: config({ dryRun: true }) })
    const o = r.outcomes[0] as PairOutcome
    const [blue, green] = o.after.groups
    // At rest: blue serves v1; green is idle, still tagged with an aborted v-bad.
    const idle = { ...green, tags: { 'docker:image:version': 'v-bad' }, instances: [], capacity: { min: 0, desired: 0, max: 6 } }
    const live = liveGroup(blue.name, 'v1', 3)
    r.outcomes[0] = { ...o, state: 'planned', before: pair(live, idle, o.base), after: pair(live, idle, o.base) }
    const md = renderSummary(r)
    expect(md).toContain('<td>idle</td><td>—<br><sub>last tried: v-bad</sub></td>')
    expect(md).toMatch(/📝 \*\*prod-service-0: dry run: 1 step\(s\) planned, nothing changed; v1 serves from prod-service-0-blue\.\*\*/)
  })

  it('a rollback is titled with the version it rolled back and the one it went back to', () => {
    const r = oneDeploy({ config: config({ mode: 'rollback', version: '' }) })
    const o = r.outcomes[0] as PairOutcome
    const [blue, green] = o.after.groups
    const live = liveGroup(blue.name, 'v1', 3)
    const idle = { ...green, tags: { 'docker:image:version': 'v2' }, instances: [], capacity: { min: 0, desired: 0, max: 6 } }
    r.outcomes[0] = { ...o, state: 'rolled-back', after: pair(live, idle, o.base) }
    const [title, verdict] = blocks(renderSummary(r))
    expect(title).toBe('## Blue/green rollback of v2 (back to v1)')
    expect(verdict).toMatch(/^↩️ \*\*prod-service-0: v1 serves from prod-service-0-blue again; prod-service-0-green is idle\.\*\* Next: fix the release and deploy again/)
  })
})
