// Pre-flight: every check for every pair before anything is written. A refusal names the pair and
// what to do; a notice marks a pair with nothing to do (e.g. deploying the version already live).
import { DEPLOY_RUN_TAG, FINALIZING_TAG, LAST_RUN_TAG, decodeLastRun, decodeList } from './markers.js'
import { formatDuration } from '../duration.js'
import { type Group, LEAVING_STATES, type Mode, type Pair, activeInstances, inStandby, launchHooks, terminationHooks } from './model.js'
import type { Phase } from './phase.js'
import { canaryBlocks, canaryChecks } from './canary.js'
import { capacityUnitRefusal } from './preflight-units.js'
import { trafficSourceRefusals } from './preflight-traffic.js'
import { forwardsToMove, topologyRefusals } from './traffic.js'
import { lockPreflight } from './lock.js'
import type { Verdict } from './verdict.js'

export interface PreflightOptions {
  mode: Mode
  version: string
  versionTagKey: string
  canaryCount?: number
  /** A bake is configured: a deploy (or canary) whose release already serves bakes it again (a re-run). */
  bake?: { timeMs: number }
  /** How long a deploy waits for new instances to turn healthy; launch hooks must fit in it. */
  healthTimeoutMs?: number
  /** This run (its URL) and the time, to refuse a pair under another run's live lock; `over`: runs GitHub reports over. */
  lock?: { me: string; now: number; over?: ReadonlySet<string> }
}

const FINAL_ACTIVITY = new Set(['Successful', 'Failed', 'Cancelled'])
/** Processes the group a deploy scales up needs: without them new instances never launch or never get traffic. */
const NEEDED_TO_LAUNCH = ['Launch', 'AddToLoadBalancer']

export function preflight(pair: Pair, phase: Phase, opts: PreflightOptions): Verdict {
  const refusals = structural(pair, opts.mode)
  if (opts.mode === 'status') return { refusals: [] }
  const held = opts.lock && lockPreflight(pair, opts.lock)
  if (held) return { refusals: [...refusals, held] }
  if (phase.kind === 'unknown') return { refusals: [...refusals, `${pair.base}: ${phase.reason}.`] }
  if (phase.kind === 'empty') {
    if (opts.mode === 'deploy') {
      refusals.push(`${pair.base}: neither ${pair.groups[0].name} nor ${pair.groups[1].name} serves (both at desired 0). Give one color the capacity it should serve, then deploy.`)
    }
    return refusals.length > 0 ? { refusals } : { refusals, nothingToDo: `${pair.base}: neither group serves; nothing to ${opts.mode}.` }
  }
  const verdict =
    opts.mode === 'deploy'
      ? deployChecks(pair, phase, opts)
      : opts.mode === 'canary'
        ? (canaryChecks(pair, phase, { version: opts.version, versionTagKey: opts.versionTagKey, count: opts.canaryCount ?? 1, rebake: rebakes(opts) }) ??
          deployChecks(pair, phase, opts))
        : opts.mode === 'finalize'
          ? finalizeChecks(pair, phase, opts)
          : rollbackChecks(pair, phase, opts)
  return { ...verdict, refusals: [...refusals, ...verdict.refusals] }
}

function structural(pair: Pair, mode: Mode): string[] {
  const [a, b] = pair.groups
  const out: string[] = []
  const tgA = [...a.targetGroupArns].sort().join(',')
  const tgB = [...b.targetGroupArns].sort().join(',')
  const lbA = [...a.loadBalancerNames].sort().join(',')
  const lbB = [...b.loadBalancerNames].sort().join(',')
  out.push(...topologyRefusals(pair, mode))
  if (lbA !== lbB) {
    // Traffic would move between load balancers, not between groups behind one (aws autoscaling attach-load-balancers).
    out.push(
      `${pair.base}: ${a.name} and ${b.name} are attached to different Classic Load Balancers (${names(a.loadBalancerNames)} vs ${names(b.loadBalancerNames)}); attach both to the same ones (aws autoscaling attach-load-balancers).`
    )
  }
  if (tgA === tgB && lbA === lbB && a.targetGroupArns.length === 0 && a.loadBalancerNames.length === 0) {
    out.push(`${pair.base}: ${a.name} and ${b.name} are attached to no target group and no Classic Load Balancer; blue/green needs both behind the same target group(s) or Classic Load Balancer(s).`)
  }
  for (const g of pair.groups) {
    if (g.warmPool) {
      out.push(
        `${g.name}: has a warm pool, which this action does not support: pooled instances ran their user data (such as examples/user-data/boot.sh) when they entered the pool, ` +
          `with the version tagged then, and cloud-init runs user data on the first boot only, so they would serve the old version when they leave the pool. ` +
          `Delete the warm pool (aws autoscaling delete-warm-pool --auto-scaling-group-name ${g.name}), then re-run.`
      )
    }
  }
  return out
}

function names(lbs: string[]): string {
  return lbs.length === 0 ? 'none' : lbs.join(', ')
}

/**
 * Activities that make a deploy unsafe to start. On the idle group, the termination of instances a
 * rollback or abort just drained is not one of them: they are leaving and the deploy ignores them.
 */
function busy(g: Group, idle = false): string[] {
  const out: string[] = []
  if (g.activeInstanceRefresh) {
    out.push(`${g.name}: instance refresh ${g.activeInstanceRefresh} is in progress; wait for it to finish or cancel it.`)
  }
  const running = g.activities.filter((a) => !FINAL_ACTIVITY.has(a.status) && !(idle && /^Terminating/i.test(a.description)))
  if (running.length > 0) {
    out.push(`${g.name}: a scaling activity is in progress ("${running[0]?.description}", ${running[0]?.status}); wait until it finishes, then re-run.`)
  }
  return out
}

function deployChecks(pair: Pair, phase: Phase, opts: PreflightOptions): Verdict {
  if (phase.kind === 'at-rest') {
    const { live, idle } = phase
    if (live.tags[opts.versionTagKey] === opts.version) {
      return { refusals: [], nothingToDo: `${pair.base}: ${opts.version} is already live on ${live.name}; nothing to deploy.` }
    }
    const out = [...busy(live), ...busy(idle, true)]
    const leftovers = idle.instances.filter((i) => !LEAVING_STATES.has(i.lifecycle))
    if (leftovers.length > 0) {
      out.push(`${idle.name}: the idle group still has ${leftovers.length} instance(s) (${leftovers.map((i) => `${i.id} ${i.lifecycle}`).slice(0, 5).join(', ')}); wait until they are gone, then re-run.`)
    }
    const blocked = NEEDED_TO_LAUNCH.filter((p) => idle.suspendedProcesses.includes(p))
    if (blocked.length > 0) {
      out.push(`${idle.name}: ${blocked.join(' and ')} ${blocked.length > 1 ? 'are' : 'is'} suspended, so new instances would never serve; resume ${blocked.length > 1 ? 'them' : 'it'} (aws autoscaling resume-processes).`)
    }
    if (idle.policies.length > 0 || idle.scheduledActions.length > 0) {
      const what = [...idle.policies.map((p) => `policy ${p.name}`), ...idle.scheduledActions.map((s) => `scheduled action ${s.name}`)]
      out.push(`${idle.name}: the idle group has its own ${what.join(', ')}; scaling belongs to the live group (${live.name}) and moves with the traffic. Delete them from the idle group.`)
    }
    const hookRefusal = launchHookRefusal(idle, opts.healthTimeoutMs)
    if (hookRefusal) out.push(hookRefusal)
    const unitRefusal = capacityUnitRefusal(pair.base, live, idle)
    if (unitRefusal) out.push(unitRefusal)
    out.push(...trafficSourceRefusals([live, idle]))
    if (live.capacity.desired > live.capacity.max || activeInstances(live).length === 0) {
      out.push(`${live.name}: the live group has no instance in service to take capacity from; fix it first.`)
    }
    return { refusals: out }
  }
  const next = phase.kind === 'deploying' ? phase.next : phase.kind === 'cut-over' ? phase.next : undefined
  if (!next) return { refusals: [] }
  const inFlight = next.tags[opts.versionTagKey] ?? '(no version tag)'
  const canary = inFlight !== opts.version ? canaryBlocks(pair, phase, opts.versionTagKey, 'deploy', opts.version) : undefined
  if (canary) return { refusals: [canary] }
  if (inFlight !== opts.version) {
    const what = phase.kind === 'deploying' ? 'is in progress' : 'is waiting for finalize or rollback'
    const run = next.tags[DEPLOY_RUN_TAG]
    return {
      refusals: [
        `${pair.base}: the deployment of ${inFlight} to ${next.name}${run ? ` (by ${run})` : ''} ${what}; run mode: finalize or mode: rollback first (or re-run deploy with version ${inFlight} to resume it).`
      ]
    }
  }
  if (phase.kind === 'cut-over' && phase.complete && !rebakes(opts)) {
    return { refusals: [], nothingToDo: `${pair.base}: ${opts.version} already serves from ${next.name} and waits for finalize or rollback.` }
  }
  return { refusals: [] }
}

/** With a bake configured, a deploy or canary whose release already serves watches it again. */
function rebakes(opts: PreflightOptions): boolean {
  return (opts.bake?.timeMs ?? 0) > 0
}

/**
 * Launch hooks hold new instances in Pending:Wait until the hook completes or its HeartbeatTimeout ends.
 * A hook allowed longer than health-timeout can hold instances past the deploy's wait.
 */
function launchHookRefusal(g: Group, healthTimeoutMs: number | undefined): string | undefined {
  if (healthTimeoutMs === undefined) return undefined
  const longest = [...launchHooks(g)].sort((a, b) => b.heartbeatTimeoutSeconds - a.heartbeatTimeoutSeconds)[0]
  if (!longest || longest.heartbeatTimeoutSeconds * 1000 <= healthTimeoutMs) return undefined
  const hook = formatDuration(longest.heartbeatTimeoutSeconds * 1000)
  const wait = formatDuration(healthTimeoutMs)
  return (
    `${g.name}: launch lifecycle hook ${longest.name} may hold new instances in Pending:Wait for up to ${hook} (HeartbeatTimeout ${longest.heartbeatTimeoutSeconds} s), ` +
    `longer than health-timeout ${wait}: the deploy would time out while the hook still holds them. Raise health-timeout to at least ${hook}, ` +
    `or lower the hook's timeout (aws autoscaling put-lifecycle-hook --auto-scaling-group-name ${g.name} --lifecycle-hook-name ${longest.name} ` +
    `--lifecycle-transition autoscaling:EC2_INSTANCE_LAUNCHING --heartbeat-timeout <seconds>, with the hook's other settings).`
  )
}

/**
 * Finalize retires standby instances by DetachInstances and EC2 TerminateInstances: neither runs the
 * group's termination lifecycle hooks (AWS runs hooks for launches and terminations by Auto Scaling only,
 * not for detach or standby), so whatever they do (drain, ship logs) would silently not happen.
 */
function terminationHookRefusal(previous: Group): string | undefined {
  const hooks = terminationHooks(previous)
  const standby = previous.instances.filter(inStandby).map((i) => i.id)
  if (hooks.length === 0 || standby.length === 0) return undefined
  const names = hooks.map((h) => h.name)
  const one = standby.length === 1
  const terminate = one
    ? `aws autoscaling terminate-instance-in-auto-scaling-group --instance-id ${standby[0]} --no-should-decrement-desired-capacity`
    : `for id in ${standby.join(' ')}; do aws autoscaling terminate-instance-in-auto-scaling-group --instance-id "$id" --no-should-decrement-desired-capacity; done`
  return (
    `${previous.name}: has termination lifecycle hook(s) ${names.join(', ')}. Finalize detaches the standby instances and terminates them through EC2, ` +
    `which does not run termination hooks, so what ${hooks.length === 1 ? 'it does' : 'they do'} (draining, log shipping) would not happen. Either terminate them through Auto Scaling ` +
    `so the hook runs, then re-run finalize to clear the deployment: ${terminate}; or, if skipping the hook is fine this once, remove it, re-run finalize, ` +
    `and add it back: ${names.map((n) => `aws autoscaling delete-lifecycle-hook --auto-scaling-group-name ${previous.name} --lifecycle-hook-name ${n}`).join('; ')}.`
  )
}

function finalizeChecks(pair: Pair, phase: Phase, opts: PreflightOptions): Verdict {
  if (phase.kind === 'at-rest') {
    return { refusals: [], nothingToDo: `${pair.base}: no deployment waits for a decision (${phase.live.name} serves, ${phase.idle.name} is idle); nothing to finalize.` }
  }
  const canary = canaryBlocks(pair, phase, opts.versionTagKey, 'finalize')
  if (canary) return { refusals: [canary] }
  if (phase.kind === 'deploying') {
    return { refusals: [`${pair.base}: the deployment to ${phase.next.name} has not cut over yet (${phase.live.name} still serves); re-run deploy to finish it, or roll back.`] }
  }
  if (phase.kind === 'cut-over') {
    // Instances still draining into Standby are fine (finalize waits for them); old instances still
    // serving, or scaling not yet handed over, mean the deploy did not finish its cutover.
    const { previous, next } = phase
    // Weights: the old instances stay in service; what must have moved is the weight of every forward.
    const serving = phase.weights ? forwardsToMove(phase.weights, previous, next).length : activeInstances(previous).length
    const scaling = previous.policies.length + previous.scheduledActions.length
    if (serving > 0 || scaling > 0) {
      const old = phase.weights ? `forward action(s) still giving ${previous.name} weight` : 'old instance(s) still in service'
      const what = serving > 0 ? `${serving} ${old}` : `${scaling} scaling policy/scheduled action(s) not yet moved to ${next.name}`
      return { refusals: [`${pair.base}: cutover from ${previous.name} to ${next.name} did not finish (${what}); re-run deploy to finish it, or roll back.`] }
    }
    const hooks = terminationHookRefusal(previous)
    if (hooks) return { refusals: [hooks] }
  }
  return { refusals: [] }
}

function rollbackChecks(pair: Pair, phase: Phase, opts: PreflightOptions): Verdict {
  if (phase.kind === 'at-rest') {
    // Per pair: a pair already back where it was (rolled back, aborted, or never touched by a deploy that
    // was stopped before its first change) is fine. Only after finalize is there nothing to go back to.
    const current = phase.live.tags[opts.versionTagKey] ?? '(untagged)'
    const last = decodeLastRun(pair.groups[0].tags[LAST_RUN_TAG])
    const previous = phase.idle.tags[opts.versionTagKey]
    // Without a record, an idle group that never held a version was never deployed to: nothing happened.
    if ((last && last.mode !== 'finalize') || (!last && previous === undefined)) {
      const what = last ? `last: ${last.mode} ${last.version}` : `${phase.idle.name} was never deployed to`
      return { refusals: [], nothingToDo: `${pair.base}: ${phase.live.name} serves ${current} and no deployment waits for a decision (${what}); nothing to roll back.` }
    }
    const hint = previous ? ` To go back, deploy the previous version: ${previous}.` : ''
    const why = last ? `the deployment of ${last.version} was finalized` : 'no deployment is waiting for a decision'
    return {
      refusals: [],
      cannot: `${pair.base}: nothing to roll back: ${why} (${phase.live.name} serves ${current}; ${phase.idle.name} is idle).${hint}`
    }
  }
  return { refusals: [] }
}

// ----------------------------------------------------------------- finalize: termination protection

/** What finalize terminates through EC2: the standby instances, and any an interrupted finalize already detached. */
export function finalizeTerminates(phase: Phase): string[] {
  // Weights: Auto Scaling scales the old group in; nothing goes through EC2's TerminateInstances.
  if (phase.kind !== 'cut-over' || phase.weights) return []
  const { previous } = phase
  const detached = decodeList(previous.tags[FINALIZING_TAG]).filter((id) => !previous.instances.some((i) => i.id === id))
  return [...detached, ...previous.instances.filter(inStandby).map((i) => i.id)]
}

/**
 * Finalize's pre-flight for termination protection. `protectedIds`: which of `finalizeTerminates(phase)`
 * have DisableApiTermination on. EC2 refuses to terminate those, and finalize detaches before it
 * terminates: they would keep running, billed, outside any group, and every re-run would fail the same way.
 */
export function finalizeProtectionChecks(phase: Phase, protectedIds: string[]): string[] {
  if (phase.kind !== 'cut-over') return []
  const { previous } = phase
  const refusal = terminationProtectionRefusal(previous.name, protectedIds.filter((id) => previous.instances.some((i) => i.id === id)))
  const detached = decodeList(previous.tags[FINALIZING_TAG]).filter((id) => protectedIds.includes(id) && !previous.instances.some((i) => i.id === id))
  const out = refusal ? [refusal] : []
  if (detached.length > 0) {
    out.push(
      `${previous.name}: ${detached.join(', ')} ${detached.length === 1 ? 'was' : 'were'} detached by an earlier finalize and ${detached.length === 1 ? 'is' : 'are'} still running outside any group: ` +
        `termination protection (DisableApiTermination) makes EC2 refuse to terminate ${detached.length === 1 ? 'it' : 'them'}. Turn it off, then re-run finalize (it terminates ${detached.length === 1 ? 'it' : 'them'}): ${enableTermination(detached)}.`
    )
  }
  return out
}

/**
 * The refusal for standby instances of `group` that have termination protection, or undefined when none
 * has. Pre-flight uses it, and so does each retire batch right before it detaches anything (protection
 * may be turned on after pre-flight).
 */
export function terminationProtectionRefusal(group: string, protectedIds: string[]): string | undefined {
  if (protectedIds.length === 0) return undefined
  const one = protectedIds.length === 1
  return (
    `${group}: ${protectedIds.join(', ')} ${one ? 'has' : 'have'} termination protection (DisableApiTermination) on. ` +
    `Finalize detaches standby instances and then terminates them through EC2, which would refuse and leave ${one ? 'it' : 'them'} running outside any group, ` +
    `so finalize does not detach ${one ? 'it' : 'them'}. Turn it off, then re-run finalize: ${enableTermination(protectedIds)}.`
  )
}

function enableTermination(ids: string[]): string {
  return ids.length === 1
    ? `aws ec2 modify-instance-attribute --instance-id ${ids[0]} --no-disable-api-termination`
    : `for id in ${ids.join(' ')}; do aws ec2 modify-instance-attribute --instance-id "$id" --no-disable-api-termination; done`
}
