// The one word each pair's outcome is reported with (outputs, summary, annotations), and the word
// `status` reports for where a pair stands.
import type { Phase } from './phase.js'

export type PairState =
  | 'awaiting-finalize'
  | 'finalized'
  | 'rolled-back'
  | 'unchanged'
  | 'aborted'
  | 'failed'
  | 'deploying'
  | 'cutover-incomplete'
  | 'at-rest'
  | 'unknown'
  | 'planned'
  | 'refused'
  | 'canary'

/** The state a pair is in, as `status` reports it. */
export function stateOf(phase: Phase): PairState {
  switch (phase.kind) {
    case 'at-rest':
      return 'at-rest'
    case 'deploying':
      return phase.canary !== undefined ? 'canary' : 'deploying'
    case 'cut-over':
      return phase.complete ? 'awaiting-finalize' : 'cutover-incomplete'
    default:
      return 'unknown'
  }
}
