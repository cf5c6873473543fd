// The verdict a reviewer reads first: per pair what serves now, what waits and what to do next, in one
// line, and the run's above them. The same words close the log (result lines) and open the job summary.
import type { Config } from '../config/types.js'
import { activeInstances, standbyInstances, unitWord, unitsOf } from '../domain/model.js'
import { canaryShare } from '../domain/canary.js'
import { capped } from '../domain/health.js'
import type { PairState } from '../domain/pair-state.js'
import type { PairOutcome, RunResult } from '../run/result.js'
import { viewOf } from './view.js'

export interface PairVerdict {
  /** What serves now and what waits, e.g. `v2 serves from prod-web-green; v1 waits in Standby on prod-web-blue (6 instances)`. */
  headline: string
  /** What the reviewer does next, e.g. `approve the finalize job to terminate them, or run mode: rollback (...)`. */
  next: string
}

/** An icon per state (named as the `state` output names it), so a page of summaries reads at a glance. */
export const STATE_ICON: Record<PairState, string> = {
  'awaiting-finalize': '⏸️',
  canary: '⏸️',
  finalized: '✅',
  'at-rest': '✅',
  'rolled-back': '↩️',
  unchanged: '➖',
  planned: '📝',
  aborted: '❌',
  failed: '❌',
  refused: '❌',
  deploying: '⚠️',
  'cutover-incomplete': '⚠️',
  unknown: '⚠️'
}

export function pairVerdict(o: PairOutcome, c: Config): PairVerdict {
  const v = viewOf(o.after, c.versionTagKey)
  const live = v.live?.name ?? 'the live group'
  const other = v.other?.name ?? 'the other group'
  const serves = v.live ? `${v.version || '(untagged)'} serves from ${live}` : 'no group serves as the live color'
  switch (o.state) {
    case 'awaiting-finalize': {
      if (v.traffic === 'weights') {
        return {
          headline: `${serves}; ${v.previousVersion} stays in service on ${other} at weight 0 (${count(v.standbyInstanceIds.length)})`,
          next: 'approve the finalize job to terminate them, or run mode: rollback: one listener write gives them the traffic back in seconds'
        }
      }
      const kept = v.other ? standbyInstances(v.other).length : 0
      const draining = v.other ? v.other.instances.filter((i) => i.lifecycle === 'EnteringStandby' && !i.gone).length : 0
      return {
        headline: `${serves}; ${v.previousVersion} waits in Standby on ${other} (${count(kept)}${draining > 0 ? `, ${draining} still draining` : ''})`,
        next: 'approve the finalize job to terminate them, or run mode: rollback: they return to service after their drain and the target groups\u2019 health checks (minutes)'
      }
    }
    case 'finalized':
      return { headline: `${serves}; the ${v.previousVersion || 'previous'} instances were terminated and ${other} is idle`, next: `nothing waits; the next deploy goes to ${other}` }
    case 'rolled-back':
      return { headline: `${serves} again; ${other} is idle`, next: 'fix the release and deploy again' }
    case 'canary': {
      const share = canaryShare(o.after)
      const version = v.other?.tags[c.versionTagKey] ?? c.version
      return {
        headline: `a canary of ${version} takes ${share?.share ?? 'part'} of the serving ${v.live?.capacityUnit ? 'capacity' : 'instances'} beside ${live} (${v.version})`,
        next: `promote it with mode: deploy and version ${version}, or remove it with mode: rollback`
      }
    }
    case 'aborted':
      return { headline: `${c.mode} of ${c.version} aborted: ${serves} as before; ${other} is idle again`, next: 'fix the release and deploy again' }
    case 'failed':
      return {
        headline: `${c.mode} ${c.version ? `of ${c.version} ` : ''}stopped part-way${v.live ? `; ${serves}` : ''}`,
        next: 'run mode: rollback to restore the previous version (it resumes from any state), or re-run this job'
      }
    case 'refused':
      return { headline: `refused before any change${v.live ? `; ${serves}` : ''}`, next: 'fix what pre-flight reported, then run again' }
    case 'planned':
      return { headline: `dry run: ${o.plan.length} step(s) planned, nothing changed${v.live ? `; ${serves}` : ''}`, next: 'run again without dry-run to apply the plan' }
    case 'unchanged':
      return { headline: `nothing to do${v.live ? `; ${serves}` : ''}`, next: 'nothing' }
    case 'at-rest': {
      const units = v.live?.capacityUnit ? `, ${unitsOf(activeInstances(v.live))} ${unitWord(v.live)}` : ''
      return { headline: `${serves} (${count(v.live ? activeInstances(v.live).length : 0)}${units}); ${other} is idle`, next: 'ready for the next deploy' }
    }
    case 'deploying':
    case 'cutover-incomplete':
      return {
        headline: `a deployment of ${v.other?.tags[c.versionTagKey] ?? 'a new version'} stopped part-way${v.live ? `; ${serves}` : ''}`,
        next: `re-run deploy with version ${v.other?.tags[c.versionTagKey] ?? v.version} to finish it, or run mode: rollback`
      }
    default:
      return { headline: 'the pair is in a state the action will not touch', next: 'run mode: status and read the reason' }
  }
}

const count = (n: number): string => `${n} instance${n === 1 ? '' : 's'}`

/** The run in one line: how many pairs ended in which state, e.g. `deploy of v2: 3 of 3 pairs awaiting finalize`. */
export function runHeadline(r: RunResult): string {
  const c = r.config
  const what = `${c.mode}${c.version && c.mode !== 'status' ? ` of ${c.version}` : ''}${c.dryRun ? ' (dry run)' : ''}`
  if (r.refusals.length > 0 && r.outcomes.every((o) => o.state === 'refused' || o.notice !== undefined)) return `${what}: refused before any change`
  if (r.outcomes.length === 0) return `${what}: no pair ran`
  const byState = new Map<PairState, string[]>()
  for (const o of r.outcomes) byState.set(o.state, [...(byState.get(o.state) ?? []), o.base])
  const total = r.outcomes.length
  const parts = [...byState].map(([state, bases]) => (total === 1 ? state : `${bases.length} of ${total} pairs ${state}${bases.length < total ? ` (${capped(bases)})` : ''}`))
  return `${what}: ${parts.join(', ')}`
}

/** The log's closing lines: the run, then each pair's verdict (what `status` prints too). */
export function resultLines(r: RunResult): string[] {
  const pairs = r.outcomes.map((o) => {
    const v = pairVerdict(o, r.config)
    return `${o.base}: ${o.state}: ${v.headline}. Next: ${v.next}.`
  })
  return [`Result: ${runHeadline(r)}.`, ...pairs]
}
