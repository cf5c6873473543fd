// What a run is asked to do: the Config that readConfig builds from the inputs, in one shape per area.
import type { Mode } from '../domain/model.js'

export interface Config {
  mode: Mode
  prefix: string
  imageName: string
  /** Required for deploy; empty otherwise. */
  version: string
  region: string
  healthTimeoutMs: number
  pollIntervalMs: number
  /** How long a new instance may fail health checks while it boots; undefined = derived from AWS (`auto`). */
  bootTimeMs?: number
  dryRun: boolean
  imageNameTagKey: string
  versionTagKey: string
  colors: [string, string]
  /** Who this run is (the workflow run's URL on GitHub), as the pair lock records it. */
  runUrl: string
  /** Set when the action assumes a role through GitHub OIDC itself (`role-to-assume`). */
  role?: RoleConfig
  github: GitHubConfig
  /** Value of the release tag a deploy writes (commit, actor, time, run); set at run time. */
  releaseTag?: string
  /** What a deploy or canary watches once its new instances serve (bake-time 0: no bake). */
  /** readConfig always sets it; absent means no bake, no alarms. */
  bake?: BakeConfig
  /** How many instances a canary launches next to the live group (readConfig always sets it; default 1). */
  canaryCount?: number
  /** Deploy by image (AMI) through launch templates; `id` is set at run time once resolved. */
  image?: ImageConfig
}

export interface ImageConfig {
  /** An AMI id (`ami-…`) or a name pattern (`*` and `?` wildcards). */
  spec: string
  /** Whose images a name pattern searches (DescribeImages Owners). */
  owners: string[]
  /** The resolved AMI id (set by the run before pre-flight). */
  id?: string
  /** Groups that already launch a version pinned by number with this image (set by pre-flight). */
  ready?: string[]
}

export const NO_BAKE: BakeConfig = { timeMs: 0, alarmNames: [], allowAlarmAtStart: false, failOnInsufficientData: false }

export interface BakeConfig {
  /** How long to watch after cutover (or after a canary is healthy); 0 = no bake. */
  timeMs: number
  /** CloudWatch alarms watched during the bake and checked before a deploy or canary starts. */
  alarmNames: string[]
  /** Start a deploy even when one of the alarms is already in ALARM. */
  allowAlarmAtStart: boolean
  /** An alarm in INSUFFICIENT_DATA during the bake rolls back too. */
  failOnInsufficientData: boolean
}

export interface GitHubConfig {
  token: string
  repository: string
  sha: string
  actor: string
  apiUrl: string
  deploymentEnvironment: string
  allowOlderCommit: boolean
}

export interface RoleConfig {
  arn: string
  audience: string
  sessionName: string
  durationSeconds: number
}
