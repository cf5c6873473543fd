// The scaling activities a health wait has seen, so that a poll reads only the newest page of them.
import type { Activity } from './model.js'

/** Statuses an activity never leaves (DescribeScalingActivities StatusCode). */
const FINAL = new Set(['Successful', 'Failed', 'Cancelled'])

/**
 * Where a read of a group's scaling activities (newest first) may stop: at a page holding one of `known`
 * (read before: what lies below it was read then), once it has read again every one of `pending` (seen before
 * with a status that may still change, and that may have changed). Nothing known: the newest page alone.
 */
export interface ActivityBookmark {
  known: ReadonlySet<string>
  pending: ReadonlySet<string>
}

const INSTANCE_ID = /\bi-[0-9a-f]{8,17}\b/

/**
 * The activities of one group since a wait began. A rollback that moves 200 instances out of Standby makes
 * 200 activities: paging back through all of them at every poll made the calls grow with the instances.
 * Now a poll reads the newest page, plus older ones only to learn how an unfinished activity ended whose
 * instance has left the group (a launch that failed after it started: the group description, read at every
 * look, shows that first). The wait still judges every activity it has seen since it began.
 */
export class ActivityLog {
  private readonly seen = new Map<string, Activity>()

  /** `before`: the ids of the activities the group had when the wait began. */
  constructor(readonly before: ReadonlySet<string>) {}

  /** `present`: the group's instances at its latest look. */
  bookmark(present: ReadonlySet<string>): ActivityBookmark {
    const pending = new Set<string>()
    for (const a of this.seen.values()) {
      if (FINAL.has(a.status)) continue
      const instance = INSTANCE_ID.exec(a.description)?.[0]
      if (instance === undefined || !present.has(instance)) pending.add(a.id)
    }
    return { known: new Set([...this.before, ...this.seen.keys()]), pending }
  }

  /** Takes in one read; returns every activity of the wait so far, newest first, each with its latest status. */
  note(read: readonly Activity[]): Activity[] {
    for (const a of read) if (!this.before.has(a.id)) this.seen.set(a.id, a)
    return [...this.seen.values()].sort((a, b) => b.startTime.getTime() - a.startTime.getTime())
  }
}
