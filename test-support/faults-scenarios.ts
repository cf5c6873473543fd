// Shared helpers for the fault-injection scenario tests (__tests__/faults/), and the catalogue of those
// scenarios ({ name, fault, expected }) that a docs script can print as a table for docs/RELIABILITY.md.
import type { ActionRun } from './harness.js'
import type { SimWorld } from './sim/index.js'

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
  expectation(r.failed === false, `run failed: ${message(r)}`)
  expectation(r.outputs.state === 'awaiting-finalize', `state ${r.outputs.state}`)
  const green = world.group(GREEN)
  expectation(green.desired === n && servingVersions(world, GREEN).join() === Array(n).fill(version).join(), `green serves ${servingVersions(world, GREEN).join()} at desired ${green.desired}`)
  expectation(lifecycles(world, BLUE).every((l) => l === 'Standby') && lifecycles(world, BLUE).length === n, `blue is ${lifecycles(world, BLUE).join()}`)
  expectation(world.lostInstances().length === 0, 'instances lost')
}

function expectation(ok: boolean, what: string): void {
  if (!ok) throw new Error(what)
}

export interface FaultScenario {
  file: 'throttling' | 'slow' | 'interference' | 'bad-input'
  name: string
  fault: string
  expected: string
}

/** The scenarios of __tests__/faults, for docs/RELIABILITY.md (kept in step with the tests by hand). */
export const FAULT_SCENARIOS: FaultScenario[] = [
  { file: 'throttling', name: 'throttling bursts on every API of deploy → finalize', fault: '3 × Throttling / RequestLimitExceeded on every operation the run uses', expected: 'SDK retries each call; deploy → awaiting-finalize, finalize → finalized; attempts visible in the call log' },
  { file: 'throttling', name: 'throttling bursts on every API of deploy → rollback', fault: '3 × Throttling on every operation', expected: 'rollback → rolled-back, v1 serves, both groups as before' },
  { file: 'throttling', name: '5xx and contention on writes', fault: 'ServiceUnavailable on DescribeTargetHealth, ResourceContention and ScalingActivityInProgress on UpdateAutoScalingGroup / EnterStandby', expected: 'SDK retries 5xx, the action retries contention with backoff on the virtual clock; deploy succeeds' },
  { file: 'throttling', name: 'contention longer than the action retries', fault: '10 × ScalingActivityInProgress on UpdateAutoScalingGroup', expected: 'deploy aborted naming ScalingActivityInProgressFault, live untouched, new group idle; a re-run succeeds' },
  { file: 'throttling', name: 'throttling storm at discovery', fault: '30 × Throttling on DescribeAutoScalingGroups', expected: 'fails naming Throttling, nothing written' },
  { file: 'throttling', name: 'throttling storm during the health wait', fault: 'DescribeTargetHealth throttled beyond the SDK retries while waiting', expected: 'aborted (live untouched, new group idle) or failed with a hint; a rollback converges' },
  { file: 'throttling', name: 'throttling storm on TerminateInstances during finalize', fault: '20 × RequestLimitExceeded on TerminateInstances', expected: 'finalize fails naming RequestLimitExceeded; the detached instances are remembered in a tag; a re-run terminates them, nothing lost' },
  { file: 'throttling', name: 'dropped connection before a write', fault: 'one EnterStandby request fails at the network level (with and without ECONNRESET)', expected: 'ECONNRESET is retried by the SDK and the deploy succeeds; an unknown network error aborts cleanly and a re-run converges' },
  { file: 'throttling', name: 'lost response after a write', fault: 'EnterStandby applied, then its response lost (ECONNRESET); the SDK retries', expected: 'succeeds, or fails cleanly and a re-run converges; never an instance lost' },
  { file: 'slow', name: 'long deregistration delay', fault: '900 s deregistration delay: EnteringStandby lasts 15 minutes', expected: 'deploy waits for Standby (beyond a 10m health-timeout) and succeeds' },
  { file: 'slow', name: 'finalize while instances still enter Standby', fault: 'deploy job cancelled during the 15-minute drain, finalize started at once', expected: 'finalize waits for Standby, then finalizes' },
  { file: 'slow', name: 'NLB-like slow registration', fault: 'targets stay initial for 5 minutes', expected: 'succeeds with health-timeout 10m; fails cleanly (initial Elb.InitialHealthChecking) with 3m' },
  { file: 'slow', name: 'slow registration during rollback', fault: 'old instances re-register slowly after ExitStandby, rollback health-timeout too short', expected: 'rollback fails with the reason; a re-run with a longer timeout converges to v1' },
  { file: 'interference', name: 'new instance terminated by someone else', fault: 'EC2 TerminateInstances on a pending new instance while the deploy waits', expected: 'ASG replaces it; deploy succeeds' },
  { file: 'interference', name: 'new version turns unhealthy after cutover', fault: 'a new instance fails health checks after the deploy succeeded', expected: 'deploy already succeeded; rollback restores v1 without dropping capacity' },
  { file: 'interference', name: 'live group scales out during the wait (scheduled action)', fault: 'scheduled action on the live group: desired 3 → 5', expected: 'new group matches 5 before cutover; 5 in Standby' },
  { file: 'interference', name: 'live group scales in during the wait (alarm)', fault: 'scaling policy on the live group: desired 3 → 2', expected: 'new group matches 2 before cutover' },
  { file: 'interference', name: 'new group capacity edited by hand during the wait', fault: 'UpdateAutoScalingGroup on the new group (3 → 1) mid-wait', expected: 'the deploy restores the capacity it needs and succeeds (or fails fast naming the change)' },
  { file: 'interference', name: 'instance refresh on the live group mid-run', fault: 'StartInstanceRefresh on the live group while the deploy waits', expected: 'no cutover while the refresh runs: abort naming it, or wait for it' },
  { file: 'interference', name: 'deployment tags deleted by hand', fault: 'DeleteTags of blue-green:* markers while awaiting finalize', expected: 'every mode refuses with an unknown-state message naming the pair; nothing written' },
  { file: 'interference', name: 're-run right after an abort', fault: 'deploy re-run while the aborted new instances still drain', expected: 'the re-run proceeds (instances leaving the idle group do not block it)' },
  { file: 'bad-input', name: 'malformed inputs', fault: 'bad mode, prefix, image-name, version, durations, region, colors, tag keys, dry-run', expected: 'fails naming the input and the value, before any AWS call' },
  { file: 'bad-input', name: 'bad AWS state', fault: 'one color, mismatched target groups, both colors live, unrecorded standby', expected: 'refused in every mode, naming the pair; nothing written' }
]
