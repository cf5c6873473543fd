// Weighted capacity (mixed instances groups): how many capacity units each instance counts for, and which
// instance type a launch picks. Sources and simplifications: ../../README.md "Weighted capacity".
import type { DesiredCapacityType, InstanceTypeOverride, SimGroup, SimInstance } from '../core/types.js'

/** vCPUs and memory (MiB) of the instance types tests use (EC2 instance type specifications). */
const SPECS: Record<string, { vcpu: number; memoryMiB: number }> = {
  't3.micro': { vcpu: 2, memoryMiB: 1024 },
  't3.small': { vcpu: 2, memoryMiB: 2048 },
  't3.medium': { vcpu: 2, memoryMiB: 4096 },
  'c5.large': { vcpu: 2, memoryMiB: 4096 },
  'c5.xlarge': { vcpu: 4, memoryMiB: 8192 },
  'c5.2xlarge': { vcpu: 8, memoryMiB: 16384 },
  'm5.large': { vcpu: 2, memoryMiB: 8192 },
  'm5.xlarge': { vcpu: 4, memoryMiB: 16384 },
  'm5.2xlarge': { vcpu: 8, memoryMiB: 32768 }
}

export function validateOverrides(group: string, overrides: InstanceTypeOverride[] | undefined, type: DesiredCapacityType | undefined): void {
  if (!overrides || overrides.length === 0) {
    if (type && type !== 'units') throw new Error(`${group}: DesiredCapacityType ${type} needs a mixed instances policy`)
    return
  }
  const weighted = overrides.filter((o) => o.weight !== undefined).length
  if (weighted !== 0 && weighted !== overrides.length) throw new Error(`${group}: give WeightedCapacity for every override or for none (AWS refuses a mix)`)
  for (const o of overrides) {
    if (o.weight !== undefined && (!Number.isInteger(o.weight) || o.weight < 1 || o.weight > 999)) throw new Error(`${group}: WeightedCapacity must be 1–999`)
    if (type === 'vcpu' || type === 'memory-mib') {
      if (!SPECS[o.instanceType]) throw new Error(`${group}: the simulator does not know the size of ${o.instanceType}`)
      if (o.weight !== undefined) throw new Error(`${group}: with DesiredCapacityType ${type} Auto Scaling derives the weights; give none`)
    }
  }
}

/** Whether the group's capacity counts units rather than instances. */
export function countsUnits(g: SimGroup): boolean {
  return g.desiredCapacityType === 'vcpu' || g.desiredCapacityType === 'memory-mib' || (g.overrides ?? []).some((o) => o.weight !== undefined)
}

/** Units an instance of this type counts for in this group. */
export function weightOfType(g: SimGroup, instanceType: string): number {
  if (g.desiredCapacityType === 'vcpu') return SPECS[instanceType]?.vcpu ?? 1
  if (g.desiredCapacityType === 'memory-mib') return SPECS[instanceType]?.memoryMiB ?? 1
  return g.overrides?.find((o) => o.instanceType === instanceType)?.weight ?? 1
}

/** The instance type the next launch picks, without taking its turn. */
export function peekInstanceType(g: SimGroup): string {
  const list = g.overrides ?? []
  return list.length === 0 ? g.instanceType : (list[g.launchTurn % list.length] as InstanceTypeOverride).instanceType
}

/** The next instance type a launch picks: the overrides in turn (so a group holds a mix), else the group's type. */
export function nextInstanceType(g: SimGroup): string {
  const list = g.overrides ?? []
  if (list.length === 0) return g.instanceType
  const o = list[g.launchTurn % list.length] as InstanceTypeOverride
  g.launchTurn++
  return o.instanceType
}

export function unitsOf(instances: SimInstance[]): number {
  return instances.reduce((n, i) => n + i.weight, 0)
}
