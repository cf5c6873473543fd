// Read-your-writes: AWS Auto Scaling and ELB reads are eventually consistent, so an observation made
// right after a write may still show the state before it. A plan made from such a read goes backwards
// (e.g. it sees the live group before cutover and idles the new group while the old instances drain).
// Each write the run made says what an observation must show once the write is visible.
import { LEAVING_STATES, type Pair, STANDBY_STATES } from './model.js'
import type { Step } from './steps.js'

/** Whether `pair` shows the effect of `step` (true for steps whose effect is not a simple read-back). */
export function showsWrite(pair: Pair, step: Step): boolean {
  const group = (name: string) => pair.groups.find((g) => g.name === name)
  const lifecycle = (name: string, id: string) => group(name)?.instances.find((i) => i.id === id)?.lifecycle
  switch (step.kind) {
    case 'tag': {
      const g = group(step.group)
      return !g || Object.entries(step.tags).every(([k, v]) => g.tags[k] === v)
    }
    case 'untag':
      return step.tags.every((t) => group(t.group)?.tags[t.key] === undefined)
    case 'set-capacity': {
      const c = group(step.group)?.capacity
      return !c || (c.min === step.capacity.min && c.max === step.capacity.max)
    }
    case 'match-template':
      return (group(step.group)?.launchTemplate?.version ?? step.template.version) === step.template.version
    case 'set-min':
      return (group(step.group)?.capacity.min ?? step.min) === step.min
    case 'suspend':
      return step.processes.every((p) => group(step.group)?.suspendedProcesses.includes(p) ?? true)
    case 'resume':
      return step.processes.every((p) => !group(step.group)?.suspendedProcesses.includes(p))
    case 'enter-standby':
      return step.instanceIds.every((id) => {
        const l = lifecycle(step.group, id)
        return l === undefined || STANDBY_STATES.has(l) || LEAVING_STATES.has(l)
      })
    case 'exit-standby':
      return step.instanceIds.every((id) => !STANDBY_STATES.has(lifecycle(step.group, id) ?? ''))
    case 'retire':
    case 'detach-dead':
      return step.instanceIds.every((id) => {
        const l = lifecycle(step.group, id)
        return l === undefined || LEAVING_STATES.has(l)
      })
    case 'unprotect':
      return step.instanceIds.every((id) => !group(step.group)?.instances.find((i) => i.id === id)?.protectedFromScaleIn)
    case 'set-weights': {
      // A forward no longer read (its rule deleted meanwhile) shows nothing more to wait for.
      const f = pair.listeners?.forwards.find((x) => x.arn === step.forward.arn)
      return !f || step.weights.every((w) => f.targetGroups.find((t) => t.arn === w.arn)?.weight === w.weight)
    }
    case 'move-policy':
      return !group(step.from)?.policies.some((p) => p.name === step.policy.name)
    case 'move-scheduled-action':
      return !group(step.from)?.scheduledActions.some((a) => a.name === step.action.name)
    default:
      return true
  }
}
