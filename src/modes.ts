// The run: observe every pair, pre-flight every pair, then (unless dry-run or status) drive all pairs
// in parallel. A failed deploy is aborted: the new group goes back to idle, the live one is kept.
import type { Fleet } from './aws/port.js'
import type { Clock } from './clock.js'
import { type Config, NO_BAKE } from './config/types.js'
import { ActionError, AwsCallFailed, errorMessage } from './errors.js'
import { formatDuration } from './duration.js'
import { Cancelled, Executor, type Logger, type TimelineEntry, inGroup } from './execute.js'
import type { Pair } from './domain/model.js'
import { type Phase, classify } from './domain/phase.js'
import { type RecordOptions, planDeploy, planFinalize, planRollback } from './domain/plan.js'
import { canaryReady, planCanary } from './domain/canary.js'
import { finalizeProtectionChecks, finalizeTerminates, preflight } from './domain/preflight.js'
import { type Step, isWait } from './domain/steps.js'
import { LockLost, type HeldLocks, acquireLocks } from './lock.js'
import { lockGroup } from './domain/lock.js'
import { DEPLOY_RUN_TAG, LAST_RUN_TAG, encodeLastRun } from './domain/markers.js'
import type { GitHubIntegration } from './github/integration.js'
import { observeAll } from './observe.js'
import { type BakeReport, watchBake } from './bake.js'
import { alarmPreflight } from './domain/bake.js'
import { InputError } from './errors.js'
import { Inputs } from './config/inputs.js'
import { MIN_BOOT_TIME_MS } from './domain/health.js'
import { type GroupImage, imageRefusals, isAmiId, needsImage } from './domain/image.js'

export type PairState =
  | 'awaiting-finalize'
  | 'finalized'
  | 'rolled-back'
  | 'unchanged'
  | 'aborted'
  | 'failed'
  | 'deploying'
  | 'cutover-incomplete'
  | 'at-rest'
  | 'unknown'
  | 'planned'
  | 'refused'
  | 'canary'

export interface PairOutcome {
  base: string
  state: PairState
  before: Pair
  after: Pair
  /** The plan made from the state observed at the start (what dry-run prints). */
  plan: Step[]
  notice?: string
  error?: string
  /** What the bake after cutover (or after a canary is healthy) watched and found. */
  bake?: BakeReport
  /** A deploy that ended while old instances still drain: when the slowest target group's drain ends at the latest. */
  drainEndsAt?: number
}

export interface RunResult {
  config: Config
  outcomes: PairOutcome[]
  timeline: TimelineEntry[]
  /** Set when the run refused before any write (discovery or pre-flight). */
  refusals: string[]
  startedAt: number
  finishedAt: number
}

export interface RunDeps {
  fleet: Fleet
  clock: Clock
  log: Logger
  signal?: AbortSignal | undefined
  /** What GitHub adds, when a token is given: order checks, lock ownership, deployment records. */
  github?: GitHubIntegration | undefined
}

export function planFor(config: Config, phase: Phase, pair: Pair): Step[] {
  const record = { recordOn: lockGroup(pair), versionTagKey: config.versionTagKey }
  switch (config.mode) {
    case 'deploy':
      return planDeploy(phase, {
        version: config.version,
        versionTagKey: config.versionTagKey,
        run: config.runUrl,
        releaseTag: config.releaseTag,
        ...(config.image?.id ? { image: { id: config.image.id, ready: config.image.ready ?? [] } } : {})
      })
    case 'canary':
      return planCanary(phase, { version: config.version, versionTagKey: config.versionTagKey, run: config.runUrl, releaseTag: config.releaseTag, count: (config.canaryCount ?? 1) })
    case 'finalize':
      return planFinalize(phase, record)
    case 'rollback':
      return planRollback(phase, record)
    case 'status':
      return []
  }
}

/** The state a pair is in, as `status` reports it. */
export function stateOf(phase: Phase): PairState {
  switch (phase.kind) {
    case 'at-rest':
      return 'at-rest'
    case 'deploying':
      return phase.canary !== undefined ? 'canary' : 'deploying'
    case 'cut-over':
      return phase.complete ? 'awaiting-finalize' : 'cutover-incomplete'
    default:
      return 'unknown'
  }
}

export async function runMode(given: Config, deps: RunDeps): Promise<RunResult> {
  let config = given
  const startedAt = deps.clock.now()
  const executor = new Executor({ ...deps, healthTimeoutMs: config.healthTimeoutMs, pollIntervalMs: config.pollIntervalMs, bootTimeMs: config.bootTimeMs })
  const result = (outcomes: PairOutcome[], refusals: string[]): RunResult => ({
    config,
    outcomes,
    timeline: executor.timeline,
    refusals,
    startedAt,
    finishedAt: deps.clock.now()
  })

  let prepared = await inGroup(deps.log, 'Discovery and pre-flight', () => prepare(given, deps))
  if (prepared.refusals.length > 0 && given.mode !== 'status') {
    // A read may lag a write made a moment ago (a finalize right after its deploy): look once more.
    await deps.clock.sleep(PREFLIGHT_RECHECK_MS, deps.signal).catch(() => undefined)
    prepared = await prepare(given, deps)
  }
  // A deploy by image knows its version (by default the AMI id) once the image is resolved.
  config = prepared.config
  if (prepared.discoveryFailed) return result([], prepared.refusals)
  const { planned, refusals } = prepared
  // Nothing runs when any pair is refused: every pair that had something to do is refused with it.
  const settled = (o: PairOutcome): boolean => o.notice !== undefined || o.error !== undefined
  const refuse = (why: string[]): RunResult => result(planned.map((o) => (settled(o) ? o : { ...o, state: 'refused' })), why)
  if (refusals.length > 0) return refuse(refusals)
  if (config.mode === 'status' || config.dryRun) return result(planned, [])

  const toRun = planned.filter((o) => !settled(o))
  if (toRun.length === 0) return result(planned, [])
  const outOfOrder = (await deps.github?.orderRefusals(toRun.map((o) => o.before))) ?? []
  if (outOfOrder.length > 0) return refuse(outOfOrder)
  const gh = deps.github
  // A deploy records its attempt with the lock, before its first change: a rollback can then tell a pair
  // that still serves its previous version from one whose deployment was finalized.
  const attempt: Record<string, string> = isDeployLike(config.mode) ? { [LAST_RUN_TAG]: encodeLastRun({ mode: config.mode as 'deploy' | 'canary', version: config.version }) } : {}
  const locks = await acquireLocks(
    toRun.map((o) => o.before),
    config.runUrl,
    { ...deps, ...(gh ? { isRunOver: (run: string) => gh.isRunOver(run) } : {}) },
    attempt
  )
  if (locks.refusals.length > 0) return refuse(locks.refusals)
  try {
    await gh?.started(toRun)
    const outcomes = await inGroup(deps.log, `${config.mode}: ${toRun.map((o) => o.base).join(', ')}`, () =>
      Promise.all(planned.map(async (o): Promise<PairOutcome> => (settled(o) ? o : runPair(config, executor, o, { ...deps, guard: guardFor(config, o.before, locks), runStartedAt: startedAt }))))
    )
    const done = result(outcomes, [])
    await gh?.finished(done)
    return done
  } finally {
    await locks.release()
  }
}

/** Discovery and pre-flight of every pair, and each pair's plan (or notice, or reason it cannot move). */
async function prepare(given: Config, deps: RunDeps): Promise<{ config: Config; planned: PairOutcome[]; refusals: string[]; discoveryFailed: boolean }> {
  let config = given
  const found = await observeAll(deps.fleet, config)
  for (const p of found.pairs) deps.log.info(`${p.base}: ${p.groups.map((g) => `${g.name} (${g.capacity.desired} desired, ${g.instances.length} instance(s))`).join(' and ')}`)
  if (found.refusals.length > 0) return { config, planned: [], refusals: found.refusals, discoveryFailed: true }
  const refusals: string[] = []
  if (config.image && config.mode === 'deploy') {
    const byImage = await prepareImage(config, found.pairs, deps)
    config = byImage.config
    refusals.push(...byImage.refusals)
  }
  // Finalize terminates through EC2, which refuses instances with termination protection: look first.
  const retiring = config.mode === 'finalize' ? found.pairs.flatMap((p) => finalizeTerminates(classify(p))) : []
  const protectedIds = retiring.length > 0 ? await deps.fleet.terminationProtected(retiring) : []
  const planned = found.pairs.map((pair): PairOutcome => {
    const phase = classify(pair)
    const verdict = preflight(pair, phase, config)
    refusals.push(...verdict.refusals, ...(config.mode === 'finalize' ? finalizeProtectionChecks(phase, protectedIds) : []))
    const { nothingToDo: notice, cannot } = verdict
    return {
      base: pair.base,
      state: config.mode === 'status' ? stateOf(phase) : cannot ? 'failed' : notice ? 'unchanged' : 'planned',
      before: pair,
      after: pair,
      plan: notice || cannot ? [] : planFor(config, phase, pair),
      ...(notice ? { notice } : {}),
      ...(cannot ? { error: cannot } : {})
    }
  })
  refusals.push(...(await alarmRefusals(config, planned, deps)))
  return { config, planned, refusals, discoveryFailed: false }
}

/**
 * Deploy by image: resolve the AMI (it must exist and be available), read the launch template version
 * each group launches now, and refuse what would leak the new image into a live group.
 */
async function prepareImage(config: Config, pairs: Pair[], deps: RunDeps): Promise<{ config: Config; refusals: string[] }> {
  const image = config.image as NonNullable<Config['image']>
  const { chosen } = await deps.fleet.findImage(image.spec, image.owners)
  if (!chosen) {
    throw new InputError(
      Inputs.image,
      image.spec,
      isAmiId(image.spec)
        ? `EC2 knows no image of this id in ${config.region} (DescribeImages); check the id, the region, and that the image is shared with this account.`
        : `No available image's name matches this pattern among the images of ${image.owners.join(', ')} in ${config.region} (DescribeImages, name filter). Check the pattern (wildcards * and ?) and image-owners.`
    )
  }
  if (chosen.state !== 'available') {
    throw new InputError(Inputs.image, image.spec, `Image ${chosen.id} is ${chosen.state}, not available: instances cannot launch from it.`)
  }
  deps.log.info(`image: ${chosen.id}${chosen.name ? ` (${chosen.name}${chosen.created ? `, created ${chosen.created}` : ''})` : ''}`)
  const refusals: string[] = []
  const ready: string[] = []
  for (const pair of pairs) {
    const phase = classify(pair)
    const facts: GroupImage[] = await Promise.all(
      pair.groups.map(async (g) => ({
        group: g.name,
        ...(g.launchTemplate ? { source: g.launchTemplate, current: await deps.fleet.templateVersion(g.launchTemplate, g.launchTemplate.version) } : {})
      }))
    )
    refusals.push(...imageRefusals(phase, facts))
    if (phase.kind === 'at-rest' && !needsImage(phase.idle, facts, chosen.id)) ready.push(phase.idle.name)
  }
  return { config: { ...config, version: config.version || chosen.id, image: { ...image, id: chosen.id, ready } }, refusals }
}

/**
 * The alarms a deploy or canary watches must exist, and none may already be in ALARM when a pair starts a
 * new deployment (deploying into an incident), unless allow-alarm-at-start. A run that resumes a
 * deployment is not refused: its bake rolls back while an alarm stays in ALARM.
 */
async function alarmRefusals(config: Config, planned: PairOutcome[], deps: RunDeps): Promise<string[]> {
  const bake = config.bake ?? NO_BAKE
  const names = bake.alarmNames
  if (names.length === 0 || !isDeployLike(config.mode)) return []
  const found = await deps.fleet.alarms(names)
  const { unknown, refusals } = alarmPreflight(names, found, bake.allowAlarmAtStart, deps.clock.now())
  if (unknown.length > 0) {
    throw new InputError(Inputs.alarmNames, unknown.join(', '), `CloudWatch has no alarm of ${unknown.length === 1 ? 'this name' : 'these names'} in ${config.region}; name existing alarms (metric or composite), exactly as CloudWatch spells them.`)
  }
  const starting = planned.filter((o) => o.state === 'planned' && classify(o.before).kind === 'at-rest')
  return starting.length > 0 ? refusals.map((r) => `${starting.map((o) => o.base).join(', ')}: ${r}`) : []
}

/** Modes that put a new version into service (and may bake it). */
export function isDeployLike(mode: Config['mode']): boolean {
  return mode === 'deploy' || mode === 'canary'
}

/**
 * The group that must serve when a finalize or rollback is done, from where the pair stood when the run
 * began: no run reports success for a version that does not serve (another run may have moved the pair).
 */
function servingAtEnd(mode: Config['mode'], start: Phase): string | undefined {
  if (mode === 'finalize' && start.kind === 'cut-over') return start.next.name
  if (mode === 'rollback') return start.kind === 'cut-over' ? start.previous.name : start.kind === 'deploying' ? start.live.name : undefined
  return undefined
}

const DONE_STATE: Record<string, PairState> = { deploy: 'awaiting-finalize', canary: 'canary', finalize: 'finalized', rollback: 'rolled-back' }

/** A deploy never cuts over while an instance refresh replaces the serving group's instances. */
function assertNoRefresh(phase: Phase): void {
  const serving = phase.kind === 'deploying' ? phase.live : phase.kind === 'cut-over' && !phase.complete ? phase.previous : undefined
  if (serving?.activeInstanceRefresh) {
    throw new ActionError(
      `${serving.name}: instance refresh ${serving.activeInstanceRefresh} started during the deploy; cutting over now would fight it.`
    )
  }
}

/** Pre-flight refusals are checked once more on a fresh observation this much later (reads may lag writes). */
const PREFLIGHT_RECHECK_MS = 5_000

/** How often a run re-observes and carries on after an AWS call failed (beyond the SDK's own retries). */
const RESUME_ATTEMPTS = 3
const RESUME_DELAY_MS = 5_000

/**
 * What every observation of a pair must show for this run to keep writing to it: its own lock, and, for a
 * deploy, its own version on the group being deployed, driven by this run (SPEC invariant 7). A run never
 * carries on a deployment it did not start or take over under its lock.
 */
function guardFor(config: Config, start: Pair, locks: HeldLocks): (pair: Pair) => void {
  // Values seen before this run took over: a read that still shows them lags our own writes.
  const before = new Set(start.groups.map((g) => g.tags[DEPLOY_RUN_TAG]))
  return (pair: Pair) => {
    locks.check(pair)
    if (!isDeployLike(config.mode)) return
    const phase = classify(pair)
    const next = phase.kind === 'deploying' || phase.kind === 'cut-over' ? phase.next : undefined
    if (!next) return
    const version = next.tags[config.versionTagKey]
    const run = next.tags[DEPLOY_RUN_TAG]
    if (version !== config.version) {
      throw new LockLost(pair.base, `a deployment of ${version ?? '(no version)'} to ${next.name}, not ${config.version}`)
    }
    if (run !== undefined && run !== config.runUrl && !before.has(run)) throw new LockLost(pair.base, run)
  }
}

interface PairDeps {
  log: Logger
  clock: Clock
  fleet: Fleet
  signal?: AbortSignal | undefined
  guard: (pair: Pair) => void
  /** When the run began (the bake excuses alarms already in ALARM then, with allow-alarm-at-start). */
  runStartedAt: number
}

async function driveResumably(executor: Executor, o: PairOutcome, planner: (phase: Phase, pair: Pair) => Step[], deps: PairDeps): Promise<Pair> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await executor.drive(o.before, planner, { guard: deps.guard })
    } catch (err) {
      // Plans are made from observed state, so picking up after a failed call is always safe.
      if (!(err instanceof AwsCallFailed) || attempt >= RESUME_ATTEMPTS) throw err
      deps.log.warning(`${o.base}: ${errorMessage(err)}; observing again and carrying on (attempt ${attempt + 1} of ${RESUME_ATTEMPTS}).`)
      await deps.clock.sleep(RESUME_DELAY_MS).catch(() => undefined)
    }
  }
}

async function runPair(config: Config, executor: Executor, o: PairOutcome, deps: PairDeps): Promise<PairOutcome> {
  const log = deps.log
  const planner = (phase: Phase, pair: Pair): Step[] => {
    if (config.mode === 'deploy') assertNoRefresh(phase)
    return planFor(config, phase, pair)
  }
  try {
    const serving = servingAtEnd(config.mode, classify(o.before))
    const done = (p: Phase): boolean =>
      config.mode === 'deploy'
        ? p.kind === 'cut-over' && p.complete
        : config.mode === 'canary'
          ? p.kind === 'deploying' && p.canary === (config.canaryCount ?? 1) && canaryReady(p.next, (config.canaryCount ?? 1))
          : p.kind === 'at-rest' && (serving === undefined || p.live.name === serving)
    // Verify the end state with a fresh observation before calling it done (reads may lag our last writes).
    const after = await executor.settle(await driveResumably(executor, o, planner, deps), done, deps.guard)
    const phase = classify(after)
    if (!done(phase)) {
      const now = phase.kind === 'at-rest' ? `at rest with ${phase.live.name} serving${serving ? `, not ${serving}` : ''}` : stateOf(phase)
      throw new ActionError(`${o.base}: the ${config.mode} finished its plan but the pair is ${now}${phase.kind === 'unknown' ? ` (${phase.reason})` : ''}; something else (another run?) changed the groups meanwhile. Run mode: status to see where it stands.`)
    }
    const drainEndsAt = config.mode === 'deploy' ? await drainEnd(executor, deps, o.base, phase) : undefined
    const arrived: PairOutcome = { ...o, state: DONE_STATE[config.mode] as PairState, after, ...(drainEndsAt !== undefined ? { drainEndsAt } : {}) }
    return isDeployLike(config.mode) && (config.bake?.timeMs ?? 0) > 0 ? await bakeAndJudge(config, executor, arrived, deps) : arrived
  } catch (err) {
    const reason = errorMessage(err)
    // Another run drives the pair now: undoing anything would fight it.
    if (!isDeployLike(config.mode) || err instanceof LockLost) return { ...o, state: 'failed', error: `${config.mode} of ${o.base} failed: ${reason}` }
    return abortDeploy(config, executor, o, reason, { log, guard: deps.guard }, err instanceof Cancelled)
  }
}

/**
 * The bake: the run keeps the pair (and its lock, renewed by the heartbeat) and watches the alarms and the
 * new group's targets. A trip rolls the release back with the very plan mode: rollback runs (from fresh
 * observations, so it converges from wherever cutover stands), then the pair fails naming the cause.
 */
async function bakeAndJudge(config: Config, executor: Executor, o: PairOutcome, deps: PairDeps): Promise<PairOutcome> {
  const phase = classify(o.after)
  const next = phase.kind === 'cut-over' || phase.kind === 'deploying' ? phase.next : undefined
  if (!next) return o
  const startedAt = deps.clock.now()
  const bake = config.bake ?? NO_BAKE
  const what = config.mode === 'canary' ? `canary of ${config.version}` : `deploy of ${config.version}`
  const watched = await watchBake(o.after, next.name, bake, {
    fleet: deps.fleet,
    clock: deps.clock,
    log: deps.log,
    signal: deps.signal,
    guard: deps.guard,
    pollIntervalMs: config.pollIntervalMs,
    bootTimeMs: config.bootTimeMs ?? MIN_BOOT_TIME_MS,
    ...(bake.allowAlarmAtStart ? { excuseAlarmsBefore: deps.runStartedAt } : {})
  })
  const { report } = watched
  executor.timeline.push({
    pair: o.base,
    step: `bake: watch ${bake.alarmNames.length > 0 ? `alarm(s) ${bake.alarmNames.join(', ')} and ` : ''}the target health of ${next.name} for ${formatDuration(bake.timeMs)}`,
    startedAt,
    durationMs: deps.clock.now() - startedAt,
    outcome: watched.trip || report.result === 'interrupted' ? 'failed' : 'done',
    detail: watched.trip ?? (report.result === 'interrupted' ? report.reason : 'quiet: nothing tripped')
  })
  if (report.result === 'interrupted') {
    return {
      ...o,
      after: watched.last,
      bake: report,
      error: `The ${what} on ${o.base} was not baked to the end (${report.reason} after ${formatDuration(report.watchedMs)} of ${formatDuration(report.plannedMs)}). It still serves: re-run the job to bake it again, or run mode: rollback.`
    }
  }
  if (!watched.trip) return { ...o, after: watched.last, bake: report }

  const trip = watched.trip
  deps.log.warning(`${o.base}: the bake of ${config.version} tripped after ${formatDuration(report.watchedMs)}: ${trip}. Rolling back.`)
  const record = (pair: Pair): RecordOptions => ({ recordOn: lockGroup(pair), versionTagKey: config.versionTagKey })
  const restoring = phase.kind === 'cut-over' ? phase.previous.name : phase.kind === 'deploying' ? phase.live.name : ''
  const back = (p: Phase): boolean => p.kind === 'at-rest' && p.live.name === restoring
  try {
    const rolled = await driveResumably(executor, { ...o, before: watched.last }, (ph, pair) => planRollback(ph, record(pair)), deps)
    const after = await executor.settle(rolled, back, deps.guard)
    const now = classify(after)
    if (!back(now)) throw new ActionError(`the rollback finished its plan but the pair is ${stateOf(now)}`)
    const restored = now.kind === 'at-rest' ? `${now.live.name} serves ${now.live.tags[config.versionTagKey] ?? '(untagged)'} again; ${now.idle.name} is idle` : ''
    return {
      ...o,
      state: 'rolled-back',
      after,
      bake: { ...report, result: 'rolled-back' },
      error: `The ${what} on ${o.base} failed its bake after ${formatDuration(report.watchedMs)}: ${trip}. It was rolled back automatically: ${restored}.`
    }
  } catch (err) {
    return {
      ...o,
      state: 'failed',
      after: o.after,
      bake: { ...report, result: 'failed' },
      error: `The ${what} on ${o.base} failed its bake after ${formatDuration(report.watchedMs)}: ${trip}. The automatic rollback did not finish: ${errorMessage(err)} Run mode: rollback to restore the previous version (it resumes from the current state).`
    }
  }
}

/**
 * The deploy ends when traffic has moved; the old instances drain on for the target groups' deregistration
 * delay. When that ends, at the latest: finalize and rollback wait for it.
 */
async function drainEnd(executor: Executor, deps: PairDeps, base: string, phase: Phase): Promise<number | undefined> {
  if (phase.kind !== 'cut-over' || phase.draining.length === 0) return undefined
  // A Classic LB's connection-draining timeout is not read (it would need DescribeLoadBalancerAttributes):
  // no drain end rather than one that ignores the Classic LBs.
  if (phase.previous.loadBalancerNames.length > 0) return undefined
  const movedAt = executor.trafficMovedAt.get(base) ?? deps.clock.now()
  try {
    const delays = await deps.fleet.deregistrationDelays(phase.previous.targetGroupArns)
    return movedAt + Math.max(0, ...Object.values(delays)) * 1000
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
  deps: { log: Logger; guard: (pair: Pair) => void },
  cancelled: boolean
): Promise<PairOutcome> {
  const log = deps.log
  const Deploy = config.mode === 'canary' ? 'Canary' : 'Deploy'
  log.warning(`${o.base}: ${Deploy.toLowerCase()} of ${config.version} cannot finish (${reason}); returning the pair to its previous state.`)
  try {
    // A cancelled job has seconds left: undo only what needs no wait (before cutover); after cutover,
    // leave a state that rollback or a re-run of deploy completes.
    const record = (pair: Pair): RecordOptions => ({ recordOn: lockGroup(pair), versionTagKey: config.versionTagKey })
    // Cancelled: no waiting either (the new instances still deregister on their own after the job is gone).
    const undo = (phase: Phase, pair: Pair): Step[] =>
      !cancelled ? planRollback(phase, record(pair)) : phase.kind === 'deploying' ? planRollback(phase, record(pair)).filter((s) => !isWait(s)) : []
    const after = await executor.drive(o.before, undo, { undo: true, guard: deps.guard })
    const phase = classify(after)
    if (phase.kind === 'at-rest') {
      const restored = `${phase.live.name} still serves ${phase.live.tags[config.versionTagKey] ?? '(untagged)'}; ${phase.idle.name} was returned to idle`
      return { ...o, state: 'aborted', after, error: `${Deploy} of ${config.version} to ${o.base} aborted: ${reason} ${restored}. Fix the release and re-run deploy.` }
    }
    return {
      ...o,
      state: 'failed',
      after,
      error: `${Deploy} of ${config.version} to ${o.base} stopped: ${reason} Cutover had begun, so the pair was left for mode: rollback (restores the previous version) or a re-run of deploy.`
    }
  } catch (undoErr) {
    return {
      ...o,
      state: 'failed',
      error:
        `${Deploy} of ${config.version} to ${o.base} failed: ${reason} Returning to the previous state also failed: ${errorMessage(undoErr)}. ` +
        'Run mode: rollback to restore the previous version (it resumes from the current state).'
    }
  }
}

export function assertNoRefusals(r: RunResult): void {
  if (r.refusals.length > 0) {
    throw new ActionError(`Nothing was changed: ${r.refusals.length} pre-flight check(s) failed:\n- ${r.refusals.join('\n- ')}`)
  }
}
