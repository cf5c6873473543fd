// The scaling processes of the group that served before cutover, when a finalize or rollback gives it back:
// what the quarantine suspended comes back, what its owner had suspended stays suspended.
import { LIVE_SUSPENDED_TAG, QUARANTINE_PROCESSES, decodeList } from './markers.js'
import type { Group } from './model.js'
import type { Step } from './steps.js'

/** Resume what quarantine suspended, and nothing the owner had suspended before. */
export function restoreProcesses(previous: Group): Step[] {
  const ownerSuspended = decodeList(previous.tags[LIVE_SUSPENDED_TAG])
  const toResume = QUARANTINE_PROCESSES.filter((p) => previous.suspendedProcesses.includes(p) && !ownerSuspended.includes(p))
  return toResume.length > 0 ? [{ kind: 'resume', group: previous.name, processes: toResume }] : []
}

/**
 * A rollback's processes around its restore (`restoring`: it still has instances to return or capacity to wait
 * for). Auto Scaling refuses ExitStandby while Launch is suspended ("you can't return an instance in a standby
 * state to service if the Launch process is suspended, because the group can't scale": user guide, suspend and
 * resume processes), and a group without Launch cannot replace an instance that died in Standby either. So when
 * the owner had suspended Launch, the rollback resumes it for the restore and suspends it again once the group
 * is back and healthy. Planned from state: a re-plan after the exits (Launch already resumed) still ends with
 * the suspension, before the markers that record it are removed.
 */
export function rollbackProcesses(previous: Group, restoring: boolean): { before: Step[]; after: Step[] } {
  const before = restoreProcesses(previous)
  const ownerLaunch = decodeList(previous.tags[LIVE_SUSPENDED_TAG]).includes('Launch')
  if (!ownerLaunch) return { before, after: [] }
  const suspended = previous.suspendedProcesses.includes('Launch')
  if (suspended && !restoring) return { before, after: [] }
  if (suspended) {
    before.push({
      kind: 'resume',
      group: previous.name,
      processes: ['Launch'],
      why: `Launch was suspended by the owner; Auto Scaling refuses ExitStandby while Launch is suspended, so it is resumed until ${previous.name} is back and healthy, then suspended again`
    })
  }
  const reinstate: Step = { kind: 'suspend', group: previous.name, processes: ['Launch'], why: 'as the owner had it before the deploy' }
  return { before, after: [reinstate] }
}
