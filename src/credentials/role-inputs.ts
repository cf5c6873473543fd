// role-to-assume and its companions: what STS accepts for a role ARN, session name and duration, checked
// before any AWS call (by readConfig, and again by the provider for callers that build one directly).
import { partitionOf } from '../aws/region.js'
import { Inputs } from '../config/inputs.js'
import type { InputReader } from '../config/reader.js'
import type { RoleConfig } from '../config/types.js'
import { InputError } from '../errors.js'

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com'
/** The audience AWS's own GitHub action documents for the China regions (aws-cn partition). */
export const CHINA_AUDIENCE = 'sts.amazonaws.com.cn'
export const DEFAULT_DURATION_SECONDS = 3600
export const MIN_DURATION_SECONDS = 900
export const MAX_DURATION_SECONDS = 43_200

// Any partition's spelling (aws, aws-cn, aws-us-gov, aws-iso-b, aws-eusc, ...): validateRolePartition
// then holds it to the region's partition, which the SDK's partition data knows.
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,64}$/
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/

/** The role to assume, or undefined when role-to-assume is not set (the ambient credentials are used). */
export function readRole(inputs: InputReader, env: Record<string, string | undefined>, region: string): RoleConfig | undefined {
  const get = (name: string): string => inputs.getInput(name)
  const arn = get(Inputs.roleToAssume)
  const others = [Inputs.roleSessionName, Inputs.roleDurationSeconds].filter((n) => get(n) !== '')
  if (arn === '') {
    if (others.length > 0) throw new InputError(others[0] as string, get(others[0] as string), 'It only applies together with role-to-assume.')
    return undefined
  }
  validateRoleArn(arn)
  validateRolePartition(arn, region)
  const sessionName = get(Inputs.roleSessionName) || defaultSessionName(env)
  validateSessionName(sessionName)
  const durationText = get(Inputs.roleDurationSeconds)
  const durationSeconds = durationText === '' ? DEFAULT_DURATION_SECONDS : /^\d+$/.test(durationText) ? Number(durationText) : Number.NaN
  if (Number.isNaN(durationSeconds)) {
    throw new InputError(Inputs.roleDurationSeconds, durationText, 'Expected whole seconds, e.g. 3600.')
  }
  validateDurationSeconds(durationSeconds)
  return { arn, audience: get(Inputs.audience) || DEFAULT_AUDIENCE, sessionName, durationSeconds }
}

export function validateRoleArn(arn: string): void {
  if (arn.length >= 20 && arn.length <= 2048 && ROLE_ARN.test(arn)) return
  let hint = 'Expected an IAM role ARN such as arn:aws:iam::123456789012:role/github-deploy.'
  if (/^arn:aws[\w-]*:sts::\d{12}:assumed-role\//.test(arn)) hint += ' This is an assumed-role session ARN; give the role ARN (…:iam::ACCOUNT:role/NAME).'
  else if (/^[\w+=,.@-]+$/.test(arn)) hint += ' A bare role name is not enough: include the partition and the 12-digit account id.'
  else if (/^arn:[^:]*:iam::\d{12}:user\//.test(arn)) hint += ' This is an IAM user, not a role.'
  throw new InputError(Inputs.roleToAssume, arn, hint)
}

/** STS in a region assumes only roles of the region's partition: say which partitions differ, and how to fix it. */
export function validateRolePartition(arn: string, region: string): void {
  const rolePartition = /^arn:([^:]+):/.exec(arn)?.[1] ?? ''
  const regionPartition = partitionOf(region)
  if (rolePartition === regionPartition) return
  const example = arn.replace(/^arn:[^:]+:/, `arn:${regionPartition}:`)
  throw new InputError(
    Inputs.roleToAssume,
    arn,
    `The role is in partition "${rolePartition}", but aws-region ${region} is in partition "${regionPartition}"; ` +
      `partitions do not share identities, so STS in ${region} cannot assume it. ` +
      `Give a role of the region's partition (such as ${example}) or the region the role belongs to.`
  )
}

export function validateSessionName(name: string): void {
  if (SESSION_NAME.test(name)) return
  throw new InputError(
    Inputs.roleSessionName,
    name,
    `STS requires 2 to 64 characters of letters, digits and + = , . @ _ - (got ${name.length} character${name.length === 1 ? '' : 's'}).`
  )
}

export function validateDurationSeconds(seconds: number): void {
  if (Number.isInteger(seconds) && seconds >= MIN_DURATION_SECONDS && seconds <= MAX_DURATION_SECONDS) return
  throw new InputError(
    Inputs.roleDurationSeconds,
    String(seconds),
    `Expected whole seconds from ${MIN_DURATION_SECONDS} (15 minutes) to ${MAX_DURATION_SECONDS} (12 hours), and no more than the role's maximum session duration.`
  )
}

export function validateAudience(audience: string): void {
  if (audience.trim() !== '') return
  throw new InputError(Inputs.audience, audience, `Expected the OIDC audience, usually ${DEFAULT_AUDIENCE}.`)
}

/** `gh-<repo>-<run_id>-<attempt>` from the runner's variables, cut and cleaned to STS's 2–64 `[\w+=,.@-]`. */
export function defaultSessionName(env: Record<string, string | undefined>): string {
  const clean = (s: string): string => s.replace(/[^\w+=,.@-]+/g, '-')
  const repo = clean((env['GITHUB_REPOSITORY'] ?? '').split('/').pop() ?? '').replace(/^-+|-+$/g, '') || 'action'
  const run = [env['GITHUB_RUN_ID'], env['GITHUB_RUN_ATTEMPT']].filter((v): v is string => !!v).map(clean)
  const suffix = run.length > 0 ? `-${run.join('-')}`.slice(0, 40) : ''
  return `gh-${repo}`.slice(0, 64 - suffix.length) + suffix
}
