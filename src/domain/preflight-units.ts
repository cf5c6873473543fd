// Pre-flight for a deploy's sizes: the deploy gives the idle group the live group's min/desired/max, numbers
// each group reads in its own unit (LaunchTemplateOverrides.WeightedCapacity: "you must specify these sizes
// with the same units that you use for weighting instances"; DesiredCapacityType units | vcpu | memory-mib).
// Two colors counting differently would serve a different fleet after cutover (live 8 instances, idle weight
// 4: "8 units" = 2 instances, a quarter of it), so they must count the same way with the same weights.
import type { Group } from './model.js'

/** What a group's sizes count, for comparing and for the message. */
function unitOf(g: Group): { key: string; text: string } {
  const weights = g.weights ?? []
  switch (g.capacityUnit) {
    case 'vcpu':
      return { key: 'vcpu', text: 'vCPUs (DesiredCapacityType vcpu)' }
    case 'memory-mib':
      return { key: 'memory-mib', text: 'MiB of memory (DesiredCapacityType memory-mib)' }
    case 'units':
      return { key: `units:${weights.join(',')}`, text: `capacity units (WeightedCapacity ${weights.join(', ')})` }
    default:
      return { key: 'instances', text: 'instances (no weights)' }
  }
}

/** The refusal when the two colors count capacity differently (unit or weights), or undefined. */
export function capacityUnitRefusal(base: string, live: Group, idle: Group): string | undefined {
  const a = unitOf(live)
  const b = unitOf(idle)
  if (a.key === b.key) return undefined
  const { min, desired, max } = live.capacity
  return (
    `${base}: ${live.name} counts its capacity in ${a.text} and ${idle.name} in ${b.text}. The deploy gives ${idle.name} the live group's ` +
    `min ${min} / desired ${desired} / max ${max}, which ${idle.name} would count in its own unit, so after cutover it would serve a different fleet ` +
    `(fewer or more instances than ${live.name} serves with). Give ${idle.name} the same DesiredCapacityType and the same WeightedCapacity for each instance type as ${live.name} ` +
    `(aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${idle.name} --mixed-instances-policy ... / --desired-capacity-type ...), then re-run.`
  )
}
