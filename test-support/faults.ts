// Shared helpers for the fault-injection scenario tests (__tests__/faults/): the pair's names and what the
// tests read of its groups. The catalogue of those scenarios is scripts/reliability/catalogue.ts.
import type { ActionRun } from './harness.js'
import type { SimWorld } from '../packages/aws-sim/src/index.js'
import { noteAssert } from './stats.js'

export const BLUE = 'prod-web-blue'
export const GREEN = 'prod-web-green'

/** What "the live group is left exactly as it was" compares. */
export function groupSnapshot(world: SimWorld, name: string) {
  const g = world.group(name)
  return {
    capacity: [g.min, g.desired, g.max],
    instances: g.instances.map((i) => [i.id, i.lifecycle]),
    suspended: g.suspendedProcesses,
    markers: markerTags(world, name)
  }
}

/** The deployment's marker tags (`blue-green:*`) on a group. */
export function markerTags(world: SimWorld, name: string): string[] {
  return Object.keys(world.group(name).tags)
    .filter((k) => k.startsWith('blue-green:'))
    .sort()
}

/** Versions of the instances that serve (InService) in a group, sorted. */
export function servingVersions(world: SimWorld, name: string): string[] {
  return world
    .group(name)
    .instances.filter((i) => i.lifecycle === 'InService')
    .map((i) => i.version ?? '(none)')
    .sort()
}

export function lifecycles(world: SimWorld, name: string): string[] {
  return world.group(name).instances.map((i) => i.lifecycle)
}

/** Calls of one operation, in order, as `ok` or the error code. */
export function attempts(world: SimWorld, operation: string, since = 0): string[] {
  return world.calls
    .slice(since)
    .filter((c) => c.operation === operation)
    .map((c) => (c.ok ? 'ok' : (c.error ?? 'error')))
}

/** Every line a user sees about a failed run: the annotations and the step's failure message. */
export function message(r: ActionRun): string {
  return r.errors.join('\n')
}

/** The end state "deploy done, old version waits in Standby": what a reviewer must see before approving. */
export function expectAwaitingFinalize(world: SimWorld, r: ActionRun, version: string, n = 3): void {
  noteAssert(`deploy ends awaiting-finalize: ${GREEN} serves ${version} at desired ${n}, all ${n} old instances of ${BLUE} out of the load balancer (draining into Standby, or in Standby), none lost`)
  expectation(r.failed === false, `run failed: ${message(r)}`)
  expectation(r.outputs.state === 'awaiting-finalize', `state ${r.outputs.state}`)
  const green = world.group(GREEN)
  expectation(green.desired === n && servingVersions(world, GREEN).join() === Array(n).fill(version).join(), `green serves ${servingVersions(world, GREEN).join()} at desired ${green.desired}`)
  // The deploy ends when traffic has moved: the old instances may still drain into Standby.
  expectation(lifecycles(world, BLUE).every((l) => l === 'Standby' || l === 'EnteringStandby') && lifecycles(world, BLUE).length === n, `blue is ${lifecycles(world, BLUE).join()}`)
  const old = new Set(world.group(BLUE).instances.map((i) => i.id))
  const serving = [...world.targetGroups.values()].flatMap((tg) => world.targetStates(tg.name)).filter((t) => old.has(t.id) && t.state !== 'draining')
  expectation(serving.length === 0, `old instances still registered: ${serving.map((t) => `${t.id} ${t.state}`).join(', ')}`)
  expectation(world.lostInstances().length === 0, 'instances lost')
}

function expectation(ok: boolean, what: string): void {
  if (!ok) throw new Error(what)
}
