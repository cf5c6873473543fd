// domain/activities.ts: what a health wait remembers of a group's scaling activities, and how far back a read of
// them pages (aws/autoscaling.ts `activities`, against the simulated Auto Scaling: newest first, 100 a page).
import { describe, expect, it } from '@jest/globals'
import { activities } from '../../src/aws/autoscaling.js'
import type { Aws } from '../../src/aws/call.js'
import type { Clients } from '../../src/aws/clients.js'
import { ActivityLog } from '../../src/domain/activities.js'
import type { Activity } from '../../src/domain/model.js'
import { simClients } from '../../packages/aws-sim/src/index.js'
import { newWorld } from '../../test-support/worlds.js'

const at = (s: number): Date => new Date(Date.UTC(2026, 11, 1, 0, 0, s))
const activity = (id: string, status: string, description: string, s: number): Activity => ({ id, status, description, startTime: at(s) })

describe('ActivityLog', () => {
  it('asks a read to page on only for an unfinished activity whose instance has left the group', () => {
    const log = new ActivityLog(new Set(['old']))
    log.note([
      activity('launch-a', 'InProgress', 'Launching a new EC2 instance: i-0aaaaaaaaaaaaaaaa', 10),
      activity('launch-b', 'InProgress', 'Launching a new EC2 instance: i-0bbbbbbbbbbbbbbbb', 11),
      activity('launch-c', 'Successful', 'Launching a new EC2 instance: i-0cccccccccccccccc', 12),
      activity('other', 'InProgress', 'Some activity about no instance', 13),
      activity('old', 'InProgress', 'Launching a new EC2 instance: i-0dddddddddddddddd', 1)
    ])
    const b = log.bookmark(new Set(['i-0aaaaaaaaaaaaaaaa', 'i-0cccccccccccccccc']))
    // i-…b left while its launch was unfinished: how it ended is on whatever page it is now. An activity naming no
    // instance is always read again; a finished one, or one whose instance is still there, is not.
    expect([...b.pending].sort()).toEqual(['launch-b', 'other'])
    expect([...b.known].sort()).toEqual(['launch-a', 'launch-b', 'launch-c', 'old', 'other'])
  })

  it('keeps what earlier reads saw, with the latest status, and leaves out the activities from before the wait', () => {
    const log = new ActivityLog(new Set(['old']))
    log.note([activity('launch-a', 'InProgress', 'Launching a new EC2 instance: i-0aaaaaaaaaaaaaaaa', 10), activity('old', 'Failed', 'Launching', 1)])
    const later = log.note([activity('launch-b', 'Failed', 'Launching a new EC2 instance. Status Reason: bad AMI', 20), activity('launch-a', 'Failed', 'Launching a new EC2 instance: i-0aaaaaaaaaaaaaaaa', 10)])
    expect(later.map((a) => `${a.id} ${a.status}`)).toEqual(['launch-b Failed', 'launch-a Failed'])
    // A read of the newest page alone no longer holds launch-a: the wait still has it.
    expect(log.note([activity('launch-c', 'InProgress', 'Launching a new EC2 instance: i-0cccccccccccccccc', 30)]).map((a) => a.id)).toEqual(['launch-c', 'launch-b', 'launch-a'])
  })
})

describe('a read of scaling activities with a bookmark', () => {
  function scene(count: number): { aws: Aws; ids: string[]; pages: () => number } {
    const world = newWorld({ seed: 1, pageSize: 100 })
    world.addGroup({ name: 'prod-web-blue', min: 0, max: 1, desired: 0, targetGroups: [], tags: {} })
    const group = world.apiGroup('prod-web-blue')
    const ids: string[] = []
    for (let n = 0; n < count; n++) {
      ids.push(world.recordActivity(group, { Description: `Moving EC2 instance out of Standby: i-${String(n).padStart(17, '0')}`, Cause: 'test', StatusCode: 'Successful', done: true }).ActivityId)
      world.advance(1000)
    }
    const clients = { autoscaling: simClients(world).autoScaling } as unknown as Clients
    const aws: Aws = { clients, call: (_what, fn) => fn(), write: (_what, fn) => fn(), log: () => undefined }
    return { aws, ids: ids.reverse(), pages: () => world.calls.filter((c) => c.operation === 'DescribeScalingActivities').length }
  }

  it('stops at the first page that holds an activity read before', async () => {
    const s = scene(250)
    const read = await activities(s.aws, 'prod-web-blue', { known: new Set([s.ids[120] as string]), pending: new Set() })
    expect({ pages: s.pages(), read: read.length }).toEqual({ pages: 2, read: 200 })
  })

  it('pages on until it has read every pending activity again', async () => {
    const s = scene(250)
    const read = await activities(s.aws, 'prod-web-blue', { known: new Set([s.ids[3] as string]), pending: new Set([s.ids[230] as string]) })
    expect({ pages: s.pages(), read: read.length }).toEqual({ pages: 3, read: 250 })
  })

  it('reads the newest page alone when nothing is known', async () => {
    const s = scene(250)
    await activities(s.aws, 'prod-web-blue', { known: new Set(), pending: new Set() })
    expect(s.pages()).toBe(1)
  })
})
