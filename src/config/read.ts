// Inputs: read once, validated strictly, returned as a Config. Nothing downstream reads inputs; bad values
// fail here, before any AWS call, naming input and value. Each area's rules live next to this file
// (bake-inputs, image-inputs, version-inputs, renamed; the role's in credentials/role-inputs), the names in
// inputs.ts. The defaults applied here are the ones action.yml declares (__tests__/unit/action-yml.test.ts).
import os from 'node:os'
import * as core from '@actions/core'
import { isRegionName } from '../aws/region.js'
import { readRole } from '../credentials/role-inputs.js'
import type { Mode } from '../domain/model.js'
import { formatDuration } from '../duration.js'
import { InputError } from '../errors.js'
import { readBake } from './bake-inputs.js'
import { readImage } from './image-inputs.js'
import { Inputs, Renamed } from './inputs.js'
import { type GetInput, type InputReader, MAX_WAIT_MS, readBoolean, readDuration, readerOf } from './reader.js'
import { type Warn, readRenamed } from './renamed.js'
import type { Config } from './types.js'
import { TAG_VALUE, readVersion } from './version-inputs.js'

const MODES: Mode[] = ['deploy', 'finalize', 'rollback', 'status', 'canary']
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u
const COLOR = /^[a-z0-9][a-z0-9_]{0,31}$/i
const MAX_CANARY = 1000

/**
 * `inputs`: `core` in production; a function from name to value in tests and rehearsals. `warn` gets what the
 * user should change but need not stop for (a deprecated input name): the runner's warning by default.
 */
export function readConfig(inputs: InputReader | GetInput, env: Record<string, string | undefined> = {}, warn: Warn = (m) => core.warning(m)): Config {
  const reader = typeof inputs === 'function' ? readerOf(inputs) : inputs
  const get = (name: string): string => reader.getInput(name)

  const mode = get(Inputs.mode).toLowerCase()
  if (!MODES.includes(mode as Mode)) throw new InputError(Inputs.mode, mode, `Use one of: ${MODES.join(', ')}.`)

  const prefix = get(Inputs.prefix)
  if (prefix === '') throw new InputError(Inputs.prefix, prefix, 'Give the Auto Scaling group name prefix that scopes discovery, e.g. "prod-".')

  const service = readRenamed(reader, Inputs.service, warn)
  const imageName = service.value
  if (imageName === '') throw new InputError(service.input, imageName, "Give the value of the service tag (service-tag-key) that marks this service's groups, e.g. \"web\".")
  if (imageName.length > 256 || !TAG_VALUE.test(imageName)) {
    throw new InputError(service.input, imageName, 'A tag value has at most 256 letters, digits, spaces and _ . : / = + - @.')
  }

  const image = readImage(reader, mode)
  const version = readVersion(reader, mode, image !== undefined)

  const region = get(Inputs.region) || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
  if (region === '') throw new InputError(Inputs.region, region, 'Set aws-region (or AWS_REGION in the environment), e.g. "us-east-1".')
  if (!isRegionName(region)) {
    throw new InputError(Inputs.region, region, 'Expected a region name such as "us-east-1", "cn-north-1", "us-gov-west-1" or "eusc-de-east-1".')
  }

  const healthTimeoutMs = readDuration(reader, Inputs.healthTimeout, '10m', 30_000, MAX_WAIT_MS)
  const pollIntervalMs = readDuration(reader, Inputs.pollInterval, '15s', 1_000, 5 * 60_000)
  if (pollIntervalMs > healthTimeoutMs) {
    throw new InputError(Inputs.pollInterval, formatDuration(pollIntervalMs), `It must not exceed health-timeout (${formatDuration(healthTimeoutMs)}).`)
  }

  const boot = readRenamed(reader, Inputs.bootGrace, warn)
  const bootTimeMs =
    boot.value === '' || boot.value.toLowerCase() === 'auto' ? undefined : readDuration(readerOf(() => boot.value), boot.input, 'auto', 0, MAX_WAIT_MS)

  const dryRun = readBoolean(reader, Inputs.dryRun)

  const serviceTagKey = readRenamed(reader, Inputs.serviceTagKey, warn)
  const imageNameTagKey = serviceTagKey.value || Renamed[Inputs.serviceTagKey].default
  const versionTagKey = get(Inputs.versionTagKey) || 'docker:image:version'
  for (const [input, key] of [
    [serviceTagKey.input, imageNameTagKey],
    [Inputs.versionTagKey, versionTagKey]
  ] as const) {
    if (!TAG_KEY.test(key) || key.toLowerCase().startsWith('aws:')) {
      throw new InputError(input, key, 'A tag key has 1–128 letters, digits, spaces and _ . : / = + - @, and may not start with "aws:".')
    }
  }
  if (imageNameTagKey === versionTagKey) {
    throw new InputError(Inputs.versionTagKey, versionTagKey, 'It must differ from service-tag-key.')
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

  const role = readRole(reader, env, region)
  const allowOlderCommit = readBoolean(reader, Inputs.allowOlderCommit)
  const deploymentEnvironment = get(Inputs.deploymentEnvironment)
  if (deploymentEnvironment.length > 255) throw new InputError(Inputs.deploymentEnvironment, deploymentEnvironment.slice(0, 40), 'An environment name has at most 255 characters.')

  const bake = readBake(reader)
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
    dryRun,
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
      allowOlderCommit
    }
  }
}

/** The run's URL on GitHub; elsewhere (a laptop rehearsal) the host and process. */
function runUrlOf(env: Record<string, string | undefined>): string {
  if (env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    return `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
  }
  // Tag values allow only letters, digits, spaces and _ . : / = + - @.
  return `local run on ${os.hostname()} pid ${process.pid}`.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-')
}
