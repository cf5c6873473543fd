// Inputs: one place owns their names, reads them once, validates them strictly and returns a Config.
// Nothing downstream reads inputs; bad values fail here, before any AWS call, naming input and value.
import os from 'node:os'
import { formatDuration, parseDuration } from './duration.js'
import { InputError } from './errors.js'
import {
  DEFAULT_AUDIENCE,
  DEFAULT_DURATION_SECONDS,
  RoleInputs,
  defaultSessionName,
  validateDurationSeconds,
  validateRoleArn,
  validateRolePartition,
  validateSessionName
} from './aws/credentials.js'
import { isRegionName } from './aws/clients.js'
import type { Mode } from './domain/model.js'
import { isAmiId } from './domain/image.js'

export const Inputs = {
  mode: 'mode',
  prefix: 'prefix',
  imageName: 'image-name',
  version: 'version',
  region: 'aws-region',
  healthTimeout: 'health-timeout',
  pollInterval: 'poll-interval',
  bootTime: 'boot-time',
  dryRun: 'dry-run',
  imageNameTagKey: 'image-name-tag-key',
  versionTagKey: 'version-tag-key',
  blueColor: 'blue-color',
  greenColor: 'green-color',
  githubToken: 'github-token',
  deploymentEnvironment: 'deployment-environment',
  allowOlderCommit: 'allow-older-commit',
  bakeTime: 'bake-time',
  alarmNames: 'alarm-names',
  allowAlarmAtStart: 'allow-alarm-at-start',
  failOnInsufficientData: 'fail-on-insufficient-data',
  canaryCount: 'canary-count',
  image: 'image',
  imageOwners: 'image-owners'
} as const

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

export type GetInput = (name: string) => string

const MODES: Mode[] = ['deploy', 'finalize', 'rollback', 'status', 'canary']
// AWS tag values: letters, digits and spaces in any language, and _ . : / = + - @ (max 256).
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u
const COLOR = /^[a-z0-9][a-z0-9_]{0,31}$/i
const MAX_HEALTH_TIMEOUT_MS = 6 * 3_600_000 // a GitHub-hosted job ends after 6 hours

export function readConfig(getInput: GetInput, env: Record<string, string | undefined> = {}): Config {
  const get = (name: string): string => getInput(name).trim()

  const mode = get(Inputs.mode).toLowerCase()
  if (!MODES.includes(mode as Mode)) throw new InputError(Inputs.mode, mode, `Use one of: ${MODES.join(', ')}.`)

  const prefix = get(Inputs.prefix)
  if (prefix === '') throw new InputError(Inputs.prefix, prefix, 'Give the Auto Scaling group name prefix that scopes discovery, e.g. "prod-".')

  const imageName = get(Inputs.imageName)
  if (imageName === '') throw new InputError(Inputs.imageName, imageName, 'Give the value of the image-name tag that marks this service\'s groups.')
  if (imageName.length > 256 || !TAG_VALUE.test(imageName)) {
    throw new InputError(Inputs.imageName, imageName, 'A tag value has at most 256 letters, digits, spaces and _ . : / = + - @.')
  }

  const version = get(Inputs.version)
  const image = readImage(get, mode)
  if (mode === 'canary' && version === '') throw new InputError(Inputs.version, version, `${mode} needs the version to deploy.`)
  if (mode === 'deploy' && version === '' && !image) throw new InputError(Inputs.version, version, `${mode} needs the version to deploy (or an image: the version is then the AMI id).`)
  if (version.length > 256) {
    throw new InputError(Inputs.version, `${version.slice(0, 40)}…`, `It has ${version.length} characters; an Auto Scaling tag value holds at most 256.`)
  }
  if (!TAG_VALUE.test(version)) {
    throw new InputError(Inputs.version, version, 'An Auto Scaling tag value may hold only letters, digits, spaces and _ . : / = + - @.')
  }

  const region = get(Inputs.region) || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
  if (region === '') throw new InputError(Inputs.region, region, 'Set aws-region (or AWS_REGION in the environment), e.g. "us-east-1".')
  if (!isRegionName(region)) {
    throw new InputError(Inputs.region, region, 'Expected a region name such as "us-east-1", "cn-north-1", "us-gov-west-1" or "eusc-de-east-1".')
  }

  const healthTimeoutMs = duration(get, Inputs.healthTimeout, '10m', 30_000, MAX_HEALTH_TIMEOUT_MS)
  const pollIntervalMs = duration(get, Inputs.pollInterval, '15s', 1_000, 5 * 60_000)
  if (pollIntervalMs > healthTimeoutMs) {
    throw new InputError(Inputs.pollInterval, formatDuration(pollIntervalMs), `It must not exceed health-timeout (${formatDuration(healthTimeoutMs)}).`)
  }

  const bootText = get(Inputs.bootTime).toLowerCase()
  const bootTimeMs = bootText === '' || bootText === 'auto' ? undefined : duration(get, Inputs.bootTime, 'auto', 0, MAX_HEALTH_TIMEOUT_MS)

  const dryRunText = get(Inputs.dryRun) || 'false'
  if (!/^(true|false)$/i.test(dryRunText)) throw new InputError(Inputs.dryRun, dryRunText, 'Use true or false.')

  const imageNameTagKey = get(Inputs.imageNameTagKey) || 'docker:image:name'
  const versionTagKey = get(Inputs.versionTagKey) || 'docker:image:version'
  for (const [input, key] of [
    [Inputs.imageNameTagKey, imageNameTagKey],
    [Inputs.versionTagKey, versionTagKey]
  ] as const) {
    if (!TAG_KEY.test(key) || key.toLowerCase().startsWith('aws:')) {
      throw new InputError(input, key, 'A tag key has 1–128 letters, digits, spaces and _ . : / = + - @, and may not start with "aws:".')
    }
  }
  if (imageNameTagKey === versionTagKey) {
    throw new InputError(Inputs.versionTagKey, versionTagKey, 'It must differ from image-name-tag-key.')
  }

  const blue = get(Inputs.blueColor) || 'blue'
  const green = get(Inputs.greenColor) || 'green'
  for (const [input, color] of [
    [Inputs.blueColor, blue],
    [Inputs.greenColor, green]
  ] as const) {
    if (!COLOR.test(color)) throw new InputError(input, color, 'A color is 1–32 letters, digits or _ (it is the group name suffix after "-").')
  }
  if (blue.toLowerCase() === green.toLowerCase()) throw new InputError(Inputs.greenColor, green, 'The two colors must differ.')

  const role = readRole(get, env, region)
  const allowOlder = get(Inputs.allowOlderCommit) || 'false'
  if (!/^(true|false)$/i.test(allowOlder)) throw new InputError(Inputs.allowOlderCommit, allowOlder, 'Use true or false.')
  const deploymentEnvironment = get(Inputs.deploymentEnvironment)
  if (deploymentEnvironment.length > 255) throw new InputError(Inputs.deploymentEnvironment, deploymentEnvironment.slice(0, 40), 'An environment name has at most 255 characters.')

  const bake = readBake(get)
  const canaryText = get(Inputs.canaryCount) || '1'
  const canaryCount = /^\d+$/.test(canaryText) ? Number(canaryText) : Number.NaN
  if (!Number.isInteger(canaryCount) || canaryCount < 1 || canaryCount > MAX_CANARY) {
    throw new InputError(Inputs.canaryCount, canaryText, `Expected a whole number of instances from 1 to ${MAX_CANARY}.`)
  }

  return {
    ...(role ? { role } : {}),
    // Absent means the default (no bake, no alarms; a canary of 1).
    ...(bake.timeMs > 0 || bake.alarmNames.length > 0 || bake.allowAlarmAtStart || bake.failOnInsufficientData ? { bake } : {}),
    ...(canaryCount !== 1 ? { canaryCount } : {}),
    ...(image ? { image } : {}),
    mode: mode as Mode,
    prefix,
    imageName,
    version,
    region,
    healthTimeoutMs,
    pollIntervalMs,
    ...(bootTimeMs !== undefined ? { bootTimeMs } : {}),
    dryRun: dryRunText.toLowerCase() === 'true',
    imageNameTagKey,
    versionTagKey,
    colors: [blue, green],
    runUrl: runUrlOf(env),
    github: {
      token: get(Inputs.githubToken),
      repository: env.GITHUB_REPOSITORY ?? '',
      sha: env.GITHUB_SHA ?? '',
      actor: env.GITHUB_ACTOR ?? '',
      apiUrl: env.GITHUB_API_URL ?? '',
      deploymentEnvironment,
      allowOlderCommit: allowOlder.toLowerCase() === 'true'
    }
  }
}

/** CloudWatch alarm names: 1–255 characters, no control characters (PutMetricAlarm, AlarmName). */
const ALARM_NAME = /^[^\p{Cc}]{1,255}$/u
/** DescribeAlarms takes at most 100 names per call; the action pages through more, but a bake watching more is a mistake. */
const MAX_ALARMS = 100
const MAX_CANARY = 1000

function readBake(get: (n: string) => string): BakeConfig {
  const timeMs = duration(get, Inputs.bakeTime, '0s', 0, MAX_HEALTH_TIMEOUT_MS)
  // One name per line, or comma-separated: alarm names may hold spaces but, in practice, no commas.
  const alarmNames = [...new Set(get(Inputs.alarmNames).split(/[\n,]/).map((n) => n.trim()).filter((n) => n !== ''))]
  const bad = alarmNames.find((n) => !ALARM_NAME.test(n))
  if (bad !== undefined) throw new InputError(Inputs.alarmNames, bad, 'An alarm name has 1–255 characters and no control characters.')
  if (alarmNames.length > MAX_ALARMS) throw new InputError(Inputs.alarmNames, `${alarmNames.length} names`, `Name at most ${MAX_ALARMS} alarms.`)
  return {
    timeMs,
    alarmNames,
    allowAlarmAtStart: bool(get, Inputs.allowAlarmAtStart),
    failOnInsufficientData: bool(get, Inputs.failOnInsufficientData)
  }
}

/** AMI names: 3–128 letters, digits, ( ) [ ] space . / - ' @ _ (EC2 RegisterImage, Name); patterns add * and ?. */
const IMAGE_PATTERN = /^[A-Za-z0-9()[\] ./\-'@_*?]{1,128}$/
/** DescribeImages Owners: an account id, self, or an owner alias. */
const IMAGE_OWNER = /^(\d{12}|self|amazon|aws-marketplace|aws-backup-vault)$/

function readImage(get: (n: string) => string, mode: string): ImageConfig | undefined {
  const spec = get(Inputs.image)
  const ownersText = get(Inputs.imageOwners)
  if (spec === '') {
    if (ownersText !== '') throw new InputError(Inputs.imageOwners, ownersText, 'It only applies together with image.')
    return undefined
  }
  if (mode === 'canary') throw new InputError(Inputs.image, spec, 'A canary launches next to the live group from the same launch template; deploy by image with mode: deploy.')
  if (/^ami-/i.test(spec)) {
    if (!isAmiId(spec)) throw new InputError(Inputs.image, spec, 'An AMI id is "ami-" and 8 or 17 lowercase hexadecimal digits, e.g. ami-0abcdef1234567890.')
  } else if (!IMAGE_PATTERN.test(spec) || spec.replace(/[*?]/g, '').length === 0) {
    throw new InputError(Inputs.image, spec, 'Give an AMI id (ami-…) or an AMI name pattern: letters, digits, ( ) [ ] space . / - \' @ _ and the wildcards * and ?, e.g. "web-*".')
  }
  const owners = [...new Set((ownersText || 'self').split(/[\n,]/).map((o) => o.trim()).filter((o) => o !== ''))]
  const bad = owners.find((o) => !IMAGE_OWNER.test(o))
  if (bad !== undefined) throw new InputError(Inputs.imageOwners, bad, 'An owner is an account id (12 digits), self, amazon, aws-marketplace or aws-backup-vault.')
  return { spec, owners }
}

function bool(get: (n: string) => string, input: string): boolean {
  const text = get(input) || 'false'
  if (!/^(true|false)$/i.test(text)) throw new InputError(input, text, 'Use true or false.')
  return text.toLowerCase() === 'true'
}

function readRole(get: (n: string) => string, env: Record<string, string | undefined>, region: string): RoleConfig | undefined {
  const arn = get(RoleInputs.roleToAssume)
  const others = [RoleInputs.roleSessionName, RoleInputs.roleDurationSeconds].filter((n) => get(n) !== '')
  if (arn === '') {
    if (others.length > 0) throw new InputError(others[0] as string, get(others[0] as string), 'It only applies together with role-to-assume.')
    return undefined
  }
  validateRoleArn(arn)
  validateRolePartition(arn, region)
  const sessionName = get(RoleInputs.roleSessionName) || defaultSessionName(env)
  validateSessionName(sessionName)
  const durationText = get(RoleInputs.roleDurationSeconds)
  const durationSeconds = durationText === '' ? DEFAULT_DURATION_SECONDS : /^\d+$/.test(durationText) ? Number(durationText) : Number.NaN
  if (Number.isNaN(durationSeconds)) {
    throw new InputError(RoleInputs.roleDurationSeconds, durationText, 'Expected whole seconds, e.g. 3600.')
  }
  validateDurationSeconds(durationSeconds)
  return { arn, audience: get(RoleInputs.audience) || DEFAULT_AUDIENCE, sessionName, durationSeconds }
}

/** The run's URL on GitHub; elsewhere (a laptop rehearsal) the host and process. */
export function runUrlOf(env: Record<string, string | undefined>): string {
  if (env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
  }
  // Tag values allow only letters, digits, spaces and _ . : / = + - @.
  return `local run on ${os.hostname()} pid ${process.pid}`.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-')
}

function duration(get: (n: string) => string, input: string, fallback: string, minMs: number, maxMs: number): number {
  const text = get(input) || fallback
  const ms = parseDuration(text)
  if (ms === undefined) throw new InputError(input, text, 'Expected a duration such as 90s, 10m or 1h30m.')
  if (ms < minMs || ms > maxMs) {
    throw new InputError(input, text, `It must be between ${formatDuration(minMs)} and ${formatDuration(maxMs)}.`)
  }
  return ms
}
