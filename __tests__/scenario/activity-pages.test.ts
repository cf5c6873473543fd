// Issue 22: a health wait's scaling-activity reads stay one page per read however many instances move. A rollback
// of 150 instances makes 150 "Moving EC2 instance out of Standby" activities at once; only the first read after
// them pages back to the activities from before the wait (domain/activities.ts), the later ones read the newest page.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import type { SimWorld } from '../../test-support/world.js'
import { addService, newWorld } from '../../test-support/worlds.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

const INSTANCES = 150

/** The pages each DescribeScalingActivities read of `group` took since call number `from` (the older pages carry a NextToken). */
function pagesPerRead(w: SimWorld, group: string, from: number): number[] {
  const reads: number[] = []
  for (const c of w.calls.slice(from)) {
    const p = c.params as { AutoScalingGroupName?: string; NextToken?: string }
    if (c.operation !== 'DescribeScalingActivities' || p.AutoScalingGroupName !== group) continue
    if (p.NextToken === undefined) reads.push(1)
    else reads[reads.length - 1] = (reads[reads.length - 1] ?? 0) + 1
  }
  return reads
}

describe('the scaling activities of a rollback of 150 instances', () => {
  it('are read one page at a time once a read has seen the 150 ExitStandby activities', async () => {
    world = newWorld({ seed: 5 })
    const { blue } = addService(world, { instances: INSTANCES, max: 2 * INSTANCES })
    const deploy = await runAction(world, { mode: 'deploy', version: 'v2' })
    expect(deploy.errors).toEqual([])
    const from = world.calls.length
    const rollback = await runAction(world, { mode: 'rollback' })
    expect(rollback.errors).toEqual([])
    expect(rollback.outputs.state).toBe('rolled-back')
    const pages = pagesPerRead(world, blue, from)
    // The read that first sees the 150 pages back to the activities from before the wait; every later read of the
    // wait takes the newest page alone (before, each paged back through the 150 again).
    expect(pages.length).toBeGreaterThanOrEqual(3)
    expect(pages.filter((n) => n > 1)).toHaveLength(1)
  }, 120_000)
})
