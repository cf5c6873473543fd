// One step of a plan, performed: a write through the fleet, a check, or one of the waits.
import type { Fleet } from '../aws/port.js'
import { FINALIZING_TAG } from '../domain/markers.js'
import { type Pair, activeInstances } from '../domain/model.js'
import { terminationProtectionRefusal } from '../domain/preflight.js'
import type { Step } from '../domain/steps.js'
import { ActionError } from '../errors.js'
import type { Guard } from './guard.js'
import type { ProtectionReads } from './protection.js'
import type { Waits } from './waits.js'

/**
 * Performs `s` on `pair`; returns what the timeline says about it, if anything. `protection` reads the
 * termination protection of the round's retire batches (`s` is one of its plan's steps).
 */
export async function act(f: Fleet, waits: Waits, pair: Pair, s: Step, guard: Guard | undefined, protection: ProtectionReads): Promise<string | void> {
  switch (s.kind) {
    case 'tag':
      return f.tag(s.group, s.tags, s.propagate)
    case 'untag':
      return f.untag(s.tags)
    case 'set-capacity':
      return f.setCapacity(s.group, s.capacity)
    case 'set-min':
      return f.setMin(s.group, s.min)
    case 'set-image':
      return f.setImage(s.group, s.template, s.imageId)
    case 'match-template':
      return f.pointTemplate(s.group, s.template)
    case 'suspend':
      return f.suspend(s.group, s.processes)
    case 'resume':
      return f.resume(s.group, s.processes)
    case 'enter-standby':
      return f.enterStandby(s.group, s.instanceIds)
    case 'exit-standby':
      return f.exitStandby(s.group, s.instanceIds)
    case 'unprotect':
      return f.unprotect(s.group, s.instanceIds)
    case 'detach-dead':
      return f.detach(s.group, s.instanceIds)
    case 'retire': {
      // Termination protection turned on after pre-flight: stop before detaching what EC2 would not terminate.
      // Once this batch reads clean, the next batch's read starts, to run while this batch is written.
      const refused = terminationProtectionRefusal(s.group, await protection.before(s))
      if (refused) throw new ActionError(refused)
      // Remember the batch first: a run killed between detach and terminate must not lose instances.
      await f.tag(s.group, { [FINALIZING_TAG]: s.instanceIds.join(',') }, [])
      await f.detach(s.group, s.instanceIds)
      return f.terminate(s.instanceIds)
    }
    case 'terminate-detached':
      return f.terminate(s.instanceIds)
    case 'set-weights': {
      const wrote = await f.setWeights(s.forward, s.weights)
      waits.weightsMoved(pair.base)
      return wrote
    }
    case 'move-policy':
      return f.movePolicy(s.from, s.to, s.policy)
    case 'move-scheduled-action':
      return f.moveScheduledAction(s.from, s.to, s.action)
    case 'check-versions':
      return checkVersions(f, pair, s)
    case 'wait-healthy':
      return waits.healthy(pair, s, guard)
    case 'wait-standby':
      return waits.standby(pair, s.group, guard, s.first ?? false)
    case 'wait-deregistering':
      return waits.deregistering(pair, s.group, guard)
    case 'wait-weights':
      return waits.weightsApplied(pair, s)
  }
}

/**
 * Auto Scaling copies the group's version tag onto each instance at launch. An instance whose copy names
 * another version was launched before this run's tag reached the group: another run's deployment, whose
 * writes crossed this run's. It must not take the traffic. An instance without the tag (a group whose
 * version tag does not propagate) cannot be checked and passes.
 */
async function checkVersions(fleet: Fleet, pair: Pair, s: Extract<Step, { kind: 'check-versions' }>): Promise<string> {
  const group = pair.groups.find((g) => g.name === s.group)
  const ids = group ? activeInstances(group).map((i) => i.id) : []
  if (ids.length === 0) return 'no instance to check'
  const tags = await fleet.instanceTags(ids)
  const other = ids.filter((id) => (tags[id]?.[s.versionTagKey] ?? s.version) !== s.version)
  if (other.length > 0) {
    const versions = [...new Set(other.map((id) => tags[id]?.[s.versionTagKey]))].join(', ')
    throw new ActionError(
      `${s.group}: ${other.length} of ${ids.length} instance(s) were launched with ${s.versionTagKey}=${versions}, not ${s.version} ` +
        `(${other.slice(0, 5).join(', ')}${other.length > 5 ? ', …' : ''}): another run deployed to this group at the same moment and their writes crossed. ` +
        `Nothing was cut over to them. Let one release deploy at a time (a workflow concurrency group per service), then re-run deploy.`
    )
  }
  if (s.imageId) await checkImages(fleet, s.group, ids, s.imageId)
  const unchecked = ids.filter((id) => tags[id]?.[s.versionTagKey] === undefined).length
  return unchecked === 0 ? `${ids.length} instance(s) launched with ${s.version}` : `${ids.length - unchecked} instance(s) launched with ${s.version}; ${unchecked} carry no version tag (not checked)`
}

/**
 * Deploy by image: every instance about to take the traffic must run the chosen AMI, as EC2 reports it
 * (ImageId). The version tag says what the group was told, not what launched: a mixed instances override
 * with its own launch template or ImageId, or a template change since pre-flight, launches another image.
 */
async function checkImages(fleet: Fleet, group: string, ids: string[], imageId: string): Promise<void> {
  const images = await fleet.instanceImages(ids)
  const other = ids.filter((id) => images[id] !== undefined && images[id] !== imageId)
  if (other.length === 0) return
  const listed = other.slice(0, 10).map((id) => `${id} (${images[id]})`).join(', ')
  throw new ActionError(
    `${group}: ${other.length} of ${ids.length} instance(s) run another image than ${imageId}: ${listed}${other.length > 10 ? ', …' : ''}. ` +
      `Their launch did not use the template version this deploy set: a mixed instances override with its own launch template or ImageId, or a change to ${group} or its template since pre-flight. ` +
      `Nothing was cut over to them. Give every override the policy's launch template (no LaunchTemplateSpecification or ImageId of its own), then re-run deploy.`
  )
}
