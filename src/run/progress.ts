// A wait's progress in the log: a line whenever what it sees changes, and at least every 30 s while
// nothing does, each with the time waited of the limit (`4 of 6 instance(s) healthy, 2 initial; 1m20s of 10m`).
import type { Clock } from '../clock.js'
import { formatDuration } from '../duration.js'
import type { Logger } from '../log.js'
import { POLL_GRID_MS } from './poll.js'

/** The longest a wait stays silent in the log while nothing changes. */
export const PROGRESS_EVERY_MS = 30_000

export class Progress {
  private last: string | undefined
  private lastAt = 0
  private readonly startedAt: number

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    /** Who waits for what, e.g. `prod-web: prod-web-green healthy`. */
    private readonly label: string,
    private readonly limitMs: number
  ) {
    this.startedAt = clock.now()
  }

  /** What the wait sees now; logged if it changed or the last line is PROGRESS_EVERY_MS old. */
  note(seen: string): void {
    const now = this.clock.now()
    // Looks land on the poll grid, up to half a step early: the one due just short of 30 s logs.
    if (seen === this.last && now - this.lastAt < PROGRESS_EVERY_MS - POLL_GRID_MS) return
    this.last = seen
    this.lastAt = now
    this.log.info(`${this.label}: ${seen}; ${formatDuration(now - this.startedAt)} of ${formatDuration(this.limitMs)}`)
  }
}
