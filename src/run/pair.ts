// One pair's lifecycle in a run: drive it where the mode wants it, check it got there, bake what a deploy
// put into service, and abort a deploy that cannot finish (the new group goes back to idle, the live one
// is kept: invariant 5).
import type { Fleet } from '../aws/port.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config/types.js'
import type { Pair } from '../domain/model.js'
import { MODE_RULES } from '../domain/modes.js'
import { type PairState, stateOf } from '../domain/pair-state.js'
import { type Phase, classify } from '../domain/phase.js'
import { type Step, isWait } from '../domain/steps.js'
import { ActionError, Cancelled, errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import { bakeAndJudge } from './bake-verdict.js'
import type { Executor } from './drive.js'
import type { Guard } from './guard.js'
import { modeOptionsOf } from './mode-options.js'
import { LockLost } from './pair-locks.js'
import type { PairOutcome } from './result.js'

export interface PairDeps {
  log: Logger
  clock: Clock
  fleet: Fleet
  signal?: AbortSignal | undefined
  guard: Guard
  /** When the run began (the bake excuses alarms already in ALARM then, with allow-alarm-at-start). */
  runStartedAt: number
}

export async function runPair(config: Config, executor: Executor, o: PairOutcome, deps: PairDeps): Promise<PairOutcome> {
  const rules = MODE_RULES[config.mode]
  const options = modeOptionsOf(config)
  const planner = (phase: Phase, pair: Pair): Step[] => {
    if (rules.refusesRefreshMidRun) assertNoRefresh(phase)
    return rules.plan(phase, pair, options)
  }
  try {
    const serving = rules.servingAtEnd(classify(o.before))
    const done = (p: Phase): boolean => rules.arrived(p, options, serving)
    // Verify the end state with a fresh observation before calling it done (reads may lag our last writes).
    const after = await executor.settle(await executor.driveResumably(o.before, planner, deps.guard), done, deps.guard)
    const phase = classify(after)
    if (!done(phase)) {
      const now = phase.kind === 'at-rest' ? `at rest with ${phase.live.name} serving${serving ? `, not ${serving}` : ''}` : stateOf(phase)
      throw new ActionError(`${o.base}: the ${config.mode} finished its plan but the pair is ${now}${phase.kind === 'unknown' ? ` (${phase.reason})` : ''}; something else (another run?) changed the groups meanwhile. Run mode: status to see where it stands.`)
    }
    const drain = rules.reportsDrainEnd ? await drainEnd(executor, deps, o.base, phase) : undefined
    const arrived: PairOutcome = { ...o, state: rules.doneState as PairState, after, ...drain }
    return rules.deployLike && (config.bake?.timeMs ?? 0) > 0 ? await bakeAndJudge(config, executor, arrived, deps) : arrived
  } catch (err) {
    const reason = errorMessage(err)
    // Another run drives the pair now: undoing anything would fight it.
    if (!rules.deployLike || err instanceof LockLost) return { ...o, state: 'failed', error: `${config.mode} of ${o.base} failed: ${reason}` }
    return abortDeploy(config, executor, o, reason, { log: deps.log, guard: deps.guard }, err instanceof Cancelled)
  }
}

/** A deploy never cuts over while an instance refresh replaces the serving group's instances. */
function assertNoRefresh(phase: Phase): void {
  const serving = phase.kind === 'deploying' ? phase.live : phase.kind === 'cut-over' && !phase.complete ? phase.previous : undefined
  if (serving?.activeInstanceRefresh) {
    throw new ActionError(
      `${serving.name}: instance refresh ${serving.activeInstanceRefresh} started during the deploy; cutting over now would fight it.`
    )
  }
}

/**
 * The deploy ends when traffic has moved; the old instances drain on for the target groups' deregistration
 * delay. When that ends, at the latest: finalize and rollback wait for it.
 */
async function drainEnd(executor: Executor, deps: PairDeps, base: string, phase: Phase): Promise<Pick<PairOutcome, 'drainEndsAt' | 'networkDrain'> | undefined> {
  if (phase.kind !== 'cut-over' || phase.draining.length === 0) return undefined
  // A Classic LB's connection-draining timeout is not read (it would need DescribeLoadBalancerAttributes):
  // no drain end rather than one that ignores the Classic LBs.
  if (phase.previous.loadBalancerNames.length > 0) return undefined
  const movedAt = executor.trafficMovedAt.get(base) ?? deps.clock.now()
  try {
    const arns = phase.previous.targetGroupArns
    const [delays, kinds] = await Promise.all([deps.fleet.deregistrationDelays(arns), deps.fleet.targetGroupHealthChecks(arns)])
    const drainEndsAt = movedAt + Math.max(0, ...Object.values(delays).map((d) => d.delaySeconds)) * 1000
    // An NLB's target group (DescribeTargetGroups: Protocol TCP/TLS/UDP...) is not drained as an ALB's is.
    const network = arns.filter((a) => kinds[a]?.network === true)
    if (network.length === 0) return { drainEndsAt }
    return { drainEndsAt, networkDrain: { connectionTermination: network.every((a) => delays[a]?.connectionTermination === true) } }
  } catch (err) {
    deps.log.warning(`Could not read the deregistration delay of ${phase.previous.name}'s target groups (${errorMessage(err)}); the drain end is not reported.`)
    return undefined
  }
}

/** Invariant 5: a deploy that cannot finish leaves the live group as it was and the new group idle. */
async function abortDeploy(
  config: Config,
  executor: Executor,
  o: PairOutcome,
  reason: string,
  deps: { log: Logger; guard: Guard },
  cancelled: boolean
): Promise<PairOutcome> {
  const log = deps.log
  // Only the deploy-like modes abort: 'Deploy' or 'Canary'.
  const Deploy = config.mode === 'canary' ? 'Canary' : 'Deploy'
  // The outcome's error is the failure's one annotation; this line only marks the turn in the log.
  executor.phase(o.base, 'return to the previous state')
  log.info(`${o.base}: ${Deploy.toLowerCase()} of ${config.version} cannot finish (${reason}); returning the pair to its previous state.`)
  try {
    // A cancelled job has seconds left: undo only what needs no wait (before cutover); after cutover,
    // leave a state that rollback or a re-run of deploy completes.
    const rollback = (phase: Phase, pair: Pair): Step[] => MODE_RULES.rollback.plan(phase, pair, modeOptionsOf(config))
    // Cancelled: no waiting either (the new instances still deregister on their own after the job is gone).
    const undo = (phase: Phase, pair: Pair): Step[] =>
      !cancelled ? rollback(phase, pair) : phase.kind === 'deploying' ? rollback(phase, pair).filter((s) => !isWait(s)) : []
    const after = await executor.drive(o.before, undo, { undo: true, guard: deps.guard })
    const phase = classify(after)
    if (phase.kind === 'at-rest') {
      const restored = `${phase.live.name} still serves ${phase.live.tags[config.versionTagKey] ?? '(untagged)'}; ${phase.idle.name} was returned to idle`
      return { ...o, state: 'aborted', after, error: `${Deploy} of ${config.version} to ${o.base} aborted: ${restored}. Why: ${reason} Fix the release and re-run deploy.` }
    }
    return {
      ...o,
      state: 'failed',
      after,
      error: `${Deploy} of ${config.version} to ${o.base} stopped after cutover had begun: the pair was left for mode: rollback (restores the previous version) or a re-run of deploy. Why: ${reason}`
    }
  } catch (undoErr) {
    return {
      ...o,
      state: 'failed',
      error:
        `${Deploy} of ${config.version} to ${o.base} failed, and returning to the previous state failed too (${errorMessage(undoErr)}): ` +
        `run mode: rollback to restore the previous version (it resumes from the current state). Why: ${reason}`
    }
  }
}
