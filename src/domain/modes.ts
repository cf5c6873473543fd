// What each mode does differently, in one table: the run (src/run/) asks it instead of testing the mode
// name, so a rule changes in one place and a new mode is one row. Rules take narrow options, not Config.
import { canaryReady, planCanary } from './canary.js'
import { matchingTemplateFirst } from './image-sync.js'
import { lockGroup } from './lock.js'
import type { Mode, Pair } from './model.js'
import type { PairState } from './pair-state.js'
import type { Phase } from './phase.js'
import { type PlanOptions, type RecordOptions, planDeploy, planFinalize, planRollback } from './plan.js'
import type { Step } from './steps.js'

/** What the plans read of the run's inputs. */
export interface ModeOptions extends PlanOptions {
  /** How many instances (or capacity units) a canary runs. */
  canaryCount: number
}

export interface ModeRules {
  /**
   * Puts a new version into service: records its attempt with the lock, checks its alarms before it
   * starts, guards its version on every observation, may bake, and is undone (aborted) when it fails.
   * Refuses to start while a group scales or is refreshed, so only these modes read the groups' scaling
   * activities and instance refreshes at discovery (the other modes' first write does not wait for them).
   */
  deployLike: boolean
  /** Changes the groups: takes the pair locks and runs its plan. The other modes only report. */
  writes: boolean
  /** With an `image`, resolves the AMI and reads the launch templates before pre-flight. */
  deploysByImage: boolean
  /** Terminates instances through EC2, which refuses protected ones: pre-flight checks protection first. */
  terminatesThroughEc2: boolean
  /** Stops before cutover when an instance refresh starts on the serving group during the run. */
  refusesRefreshMidRun: boolean
  /** Reports when the old instances' drain ends (the deploy ends before it does). */
  reportsDrainEnd: boolean
  /** Refuses a commit older than the live one (out-of-order protection, with a GitHub token). */
  checksCommitOrder: boolean
  /** The state of a pair the mode brought where it wanted it (undefined: the mode never runs a plan). */
  doneState: PairState | undefined
  /** The steps that move the pair on from `phase`; empty when it is where the mode leaves it. */
  plan(phase: Phase, pair: Pair, o: ModeOptions): Step[]
  /**
   * The group that must serve when the mode is done, from where the pair stood when the run began: no
   * run reports success for a version that does not serve (another run may have moved the pair).
   */
  servingAtEnd(start: Phase): string | undefined
  /** Whether the pair stands where the mode leaves it (`serving`: what servingAtEnd said at the start). */
  arrived(phase: Phase, o: ModeOptions, serving: string | undefined): boolean
}

const record = (pair: Pair, o: ModeOptions): RecordOptions => ({ recordOn: lockGroup(pair), versionTagKey: o.versionTagKey })
const atRestServing = (phase: Phase, _o: ModeOptions, serving: string | undefined): boolean => phase.kind === 'at-rest' && (serving === undefined || phase.live.name === serving)

const NO_RULES = { deploysByImage: false, terminatesThroughEc2: false, refusesRefreshMidRun: false, reportsDrainEnd: false, checksCommitOrder: false }

export const MODE_RULES: Record<Mode, ModeRules> = {
  deploy: {
    ...NO_RULES,
    deployLike: true,
    writes: true,
    deploysByImage: true,
    refusesRefreshMidRun: true,
    reportsDrainEnd: true,
    checksCommitOrder: true,
    doneState: 'awaiting-finalize',
    plan: (phase, _pair, o) =>
      planDeploy(phase, { version: o.version, versionTagKey: o.versionTagKey, run: o.run, releaseTag: o.releaseTag, ...(o.image ? { image: o.image } : {}) }),
    servingAtEnd: () => undefined,
    arrived: (p) => p.kind === 'cut-over' && p.complete
  },
  canary: {
    ...NO_RULES,
    deployLike: true,
    writes: true,
    doneState: 'canary',
    // A canary never deploys by image: it launches what the live group launches (domain/image-sync.ts).
    plan: (phase, _pair, o) =>
      matchingTemplateFirst(phase, planCanary(phase, { version: o.version, versionTagKey: o.versionTagKey, run: o.run, releaseTag: o.releaseTag, count: o.canaryCount })),
    servingAtEnd: () => undefined,
    arrived: (p, o) => p.kind === 'deploying' && p.canary === o.canaryCount && canaryReady(p.next, o.canaryCount)
  },
  finalize: {
    ...NO_RULES,
    deployLike: false,
    writes: true,
    terminatesThroughEc2: true,
    doneState: 'finalized',
    plan: (phase, pair, o) => planFinalize(phase, record(pair, o)),
    servingAtEnd: (start) => (start.kind === 'cut-over' ? start.next.name : undefined),
    arrived: atRestServing
  },
  rollback: {
    ...NO_RULES,
    deployLike: false,
    writes: true,
    doneState: 'rolled-back',
    plan: (phase, pair, o) => planRollback(phase, record(pair, o)),
    servingAtEnd: (start) => (start.kind === 'cut-over' ? start.previous.name : start.kind === 'deploying' ? start.live.name : undefined),
    arrived: atRestServing
  },
  status: {
    ...NO_RULES,
    deployLike: false,
    writes: false,
    doneState: undefined,
    plan: () => [],
    servingAtEnd: () => undefined,
    arrived: atRestServing
  }
}

/** Modes that put a new version into service (and may bake it). */
export function isDeployLike(mode: Mode): boolean {
  return MODE_RULES[mode].deployLike
}
