// What a run returns: each pair's outcome, the timeline of its steps and what a bake saw. The report
// (outputs, summary) and GitHub read these; they import nothing of the run that produces them.
import type { AlarmSighting } from '../domain/bake.js'
import type { Interruption } from '../domain/interruption.js'
import type { Pair } from '../domain/model.js'
import type { PairState } from '../domain/pair-state.js'
import type { Step } from '../domain/steps.js'
import type { Config } from '../config/types.js'
import { formatDuration } from '../duration.js'
import { ActionError } from '../errors.js'

export interface PairOutcome {
  base: string
  state: PairState
  before: Pair
  after: Pair
  /** The plan made from the state observed at the start (what dry-run prints). */
  plan: Step[]
  notice?: string
  error?: string
  /** What the bake after cutover (or after a canary is healthy) watched and found. */
  bake?: BakeReport
  /** A deploy that ended while old instances still drain: when the slowest target group's drain ends at the latest. */
  drainEndsAt?: number
  /**
   * The old instances drain from a Network Load Balancer's target group: it may still send them new
   * connections for a few minutes, and closes the ones open at drainEndsAt only with connection termination
   * on (`connectionTermination`: every NLB target group has it on).
   */
  networkDrain?: { connectionTermination: boolean }
}

export interface RunResult {
  config: Config
  outcomes: PairOutcome[]
  timeline: TimelineEntry[]
  /** Set when the run refused before any write (discovery or pre-flight). */
  refusals: string[]
  startedAt: number
  finishedAt: number
}

export interface TimelineEntry {
  pair: string
  step: string
  startedAt: number
  durationMs: number
  outcome: 'done' | 'failed'
  detail?: string
}

export type BakeResult = 'passed' | 'rolled-back' | 'skipped' | 'interrupted' | 'failed'

export interface BakeReport {
  result: BakeResult
  plannedMs: number
  watchedMs: number
  alarmNames: string[]
  /** The group whose target health was watched. */
  group: string
  /** Per alarm, each state the bake saw it in. */
  alarms: Record<string, AlarmSighting[]>
  /** Why the bake failed (the alarm and its reason, or the instances and their reason codes). */
  reason?: string
  /** Instances AWS took away during the bake (Spot interruption, retirement): not counted against the release. */
  interruptions?: Interruption[]
}

/** What the bake watched and for how long, as one line (the `bake-watched` output). */
export function describeWatched(r: BakeReport): string {
  const alarms = r.alarmNames.length > 0 ? `alarm(s) ${r.alarmNames.join(', ')} and ` : ''
  return `${alarms}the target health of ${r.group} for ${formatDuration(r.watchedMs)} of ${formatDuration(r.plannedMs)}`
}

export function assertNoRefusals(r: RunResult): void {
  if (r.refusals.length > 0) {
    throw new ActionError(`Nothing was changed: ${r.refusals.length} pre-flight check(s) failed:\n- ${r.refusals.join('\n- ')}`)
  }
}
