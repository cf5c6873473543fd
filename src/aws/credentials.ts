// `role-to-assume`: a credentials function for every SDK client, backed by GitHub OIDC and STS
// AssumeRoleWithWebIdentity.
//
// - A fresh OIDC token (they live ~5 minutes) is fetched right before every AssumeRoleWithWebIdentity.
// - The credentials carry `expiration`: the SDK memoizes them per client and calls the function again when
//   less than 5 minutes remain, so a long health wait never outlives the role session. The function memoizes
//   too (one session shared by all clients, one in-flight assume for concurrent callers) and renews a little
//   earlier than the SDK, so an SDK refresh always gets a new session.
// - Transient failures (token endpoint hiccups, IDPCommunicationError, throttling, 5xx, network) are retried
//   with bounded exponential backoff and jitter; refusals are not, and explain which token claims were
//   presented and which trust-policy condition would accept them.

import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { ActionError, InputError } from '../errors.js'
import { systemClock } from '../clock.js'
import { partitionOf } from './clients.js'
import {
  ID_TOKEN_TOKEN_VAR,
  ID_TOKEN_URL_VAR,
  SHOWN_CLAIMS,
  claimText,
  decodeJwtClaims,
  missingIdTokenMessage,
  missingIdTokenVars,
  missingVarsInError
} from '../github/oidc.js'

export const RoleInputs = {
  roleToAssume: 'role-to-assume',
  roleSessionName: 'role-session-name',
  roleDurationSeconds: 'role-duration-seconds',
  audience: 'audience'
} as const

export const DEFAULT_AUDIENCE = 'sts.amazonaws.com'
/** The audience AWS's own GitHub action documents for the China regions (aws-cn partition). */
export const CHINA_AUDIENCE = 'sts.amazonaws.com.cn'
export const DEFAULT_DURATION_SECONDS = 3600
export const MIN_DURATION_SECONDS = 900
export const MAX_DURATION_SECONDS = 43_200
export const DEFAULT_MAX_ATTEMPTS = 5
/** The SDK asks again when less than 5 minutes remain (`EXPIRATION_MS` in @smithy/core); we renew 1 minute earlier. */
export const REFRESH_WINDOW_MS = 6 * 60_000
const BACKOFF_BASE_MS = 1_000
const BACKOFF_CAP_MS = 20_000
const GITHUB_ISSUER_HOST = 'token.actions.githubusercontent.com'

export interface TemporaryCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}

/** Structurally an `AwsCredentialIdentityProvider`: pass it as `credentials` to any SDK v3 client. */
export interface OidcCredentialsProvider {
  (options?: { forceRefresh?: boolean }): Promise<TemporaryCredentials>
  /** Closes the STS client's sockets. */
  destroy(): void
}

export interface OidcRoleOptions {
  /** arn:<partition>:iam::<12 digits>:role/[path/]name, in the region's partition */
  roleArn: string
  /** Default 'sts.amazonaws.com'. */
  audience?: string
  /** Default `defaultSessionName(process.env)`. */
  sessionName?: string
  /** 900..43200, default 3600. */
  durationSeconds?: number
  region: string
  /** Production: `(aud) => core.getIDToken(aud)`. */
  getIdToken: (audience: string) => Promise<string>
  /** Backoff waits and expiry checks; default the wall clock (the run hands in its own). */
  clock?: { now(): number; sleep(ms: number): Promise<void> }
  /** Extra STSClient settings (tests: requestHandler, endpoint, retryStrategy). Default: SDK retries off, ours only. */
  stsClientConfig?: Record<string, unknown>
  log?: (line: string) => void
  /** Production: `core.setSecret`. */
  mask?: (secret: string) => void
  /** Attempts per assume, token fetch included (default 5). */
  maxAttempts?: number
  /** [0, 1) source for backoff jitter (tests). */
  random?: () => number
}

// ------------------------------------------------------------------------------------------- validation

// Any partition's spelling (aws, aws-cn, aws-us-gov, aws-iso-b, aws-eusc, ...): validateRolePartition
// then holds it to the region's partition, which the SDK's partition data knows.
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,64}$/
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/

export function validateRoleArn(arn: string): void {
  if (arn.length >= 20 && arn.length <= 2048 && ROLE_ARN.test(arn)) return
  let hint = 'Expected an IAM role ARN such as arn:aws:iam::123456789012:role/github-deploy.'
  if (/^arn:aws[\w-]*:sts::\d{12}:assumed-role\//.test(arn)) hint += ' This is an assumed-role session ARN; give the role ARN (…:iam::ACCOUNT:role/NAME).'
  else if (/^[\w+=,.@-]+$/.test(arn)) hint += ' A bare role name is not enough: include the partition and the 12-digit account id.'
  else if (/^arn:[^:]*:iam::\d{12}:user\//.test(arn)) hint += ' This is an IAM user, not a role.'
  throw new InputError(RoleInputs.roleToAssume, arn, hint)
}

/** STS in a region assumes only roles of the region's partition: say which partitions differ, and how to fix it. */
export function validateRolePartition(arn: string, region: string): void {
  const rolePartition = /^arn:([^:]+):/.exec(arn)?.[1] ?? ''
  const regionPartition = partitionOf(region)
  if (rolePartition === regionPartition) return
  const example = arn.replace(/^arn:[^:]+:/, `arn:${regionPartition}:`)
  throw new InputError(
    RoleInputs.roleToAssume,
    arn,
    `The role is in partition "${rolePartition}", but aws-region ${region} is in partition "${regionPartition}"; ` +
      `partitions do not share identities, so STS in ${region} cannot assume it. ` +
      `Give a role of the region's partition (such as ${example}) or the region the role belongs to.`
  )
}

export function validateSessionName(name: string): void {
  if (SESSION_NAME.test(name)) return
  throw new InputError(
    RoleInputs.roleSessionName,
    name,
    `STS requires 2 to 64 characters of letters, digits and + = , . @ _ - (got ${name.length} character${name.length === 1 ? '' : 's'}).`
  )
}

export function validateDurationSeconds(seconds: number): void {
  if (Number.isInteger(seconds) && seconds >= MIN_DURATION_SECONDS && seconds <= MAX_DURATION_SECONDS) return
  throw new InputError(
    RoleInputs.roleDurationSeconds,
    String(seconds),
    `Expected whole seconds from ${MIN_DURATION_SECONDS} (15 minutes) to ${MAX_DURATION_SECONDS} (12 hours), and no more than the role's maximum session duration.`
  )
}

/** `gh-<repo>-<run_id>-<attempt>` from the runner's variables, cut and cleaned to STS's 2–64 `[\w+=,.@-]`. */
export function defaultSessionName(env: Record<string, string | undefined>): string {
  const clean = (s: string): string => s.replace(/[^\w+=,.@-]+/g, '-')
  const repo = clean((env['GITHUB_REPOSITORY'] ?? '').split('/').pop() ?? '').replace(/^-+|-+$/g, '') || 'action'
  const run = [env['GITHUB_RUN_ID'], env['GITHUB_RUN_ATTEMPT']].filter((v): v is string => !!v).map(clean)
  const suffix = run.length > 0 ? `-${run.join('-')}`.slice(0, 40) : ''
  return `gh-${repo}`.slice(0, 64 - suffix.length) + suffix
}

// ------------------------------------------------------------------------------------------ the provider

export function oidcCredentials(o: OidcRoleOptions): OidcCredentialsProvider {
  validateRoleArn(o.roleArn)
  validateRolePartition(o.roleArn, o.region)
  const audience = o.audience ?? DEFAULT_AUDIENCE
  if (audience.trim() === '') throw new InputError(RoleInputs.audience, audience, `Expected the OIDC audience, usually ${DEFAULT_AUDIENCE}.`)
  const sessionName = o.sessionName ?? defaultSessionName(process.env)
  validateSessionName(sessionName)
  const durationSeconds = o.durationSeconds ?? DEFAULT_DURATION_SECONDS
  validateDurationSeconds(durationSeconds)
  const maxAttempts = Math.max(1, o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)
  const clock = o.clock ?? systemClock
  const random = o.random ?? Math.random
  const log = o.log ?? ((): void => {})
  const mask = o.mask ?? ((): void => {})

  let sts: STSClient | undefined
  const stsClient = (): STSClient =>
    // AssumeRoleWithWebIdentity is unsigned: no credentials. Our loop owns retries (fresh token each time).
    (sts ??= new STSClient({ region: o.region, maxAttempts: 1, ...o.stsClientConfig }))

  async function attempt(state: AttemptState): Promise<TemporaryCredentials> {
    state.step = 'token'
    state.claims = undefined
    const token = await o.getIdToken(audience)
    mask(token)
    state.claims = decodeJwtClaims(token)
    state.step = 'sts'
    const out = await stsClient().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: o.roleArn,
        RoleSessionName: sessionName,
        WebIdentityToken: token,
        DurationSeconds: durationSeconds
      })
    )
    const c = out.Credentials
    if (c?.AccessKeyId) mask(c.AccessKeyId)
    if (c?.SecretAccessKey) mask(c.SecretAccessKey)
    if (c?.SessionToken) mask(c.SessionToken)
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new ActionError(`AssumeRoleWithWebIdentity for ${o.roleArn} returned no complete credentials.`)
    }
    const expiration = c.Expiration instanceof Date ? c.Expiration : new Date(c.Expiration)
    log(
      `Assumed ${out.AssumedRoleUser?.Arn ?? o.roleArn} with the GitHub OIDC token of ${claimText(state.claims, 'sub') ?? 'this job'}; ` +
        `the session expires at ${expiration.toISOString()}.`
    )
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration }
  }

  async function assume(): Promise<TemporaryCredentials> {
    log(`Assuming ${o.roleArn} (session ${sessionName}, ${durationSeconds} s) with a GitHub OIDC token for audience ${audience}.`)
    for (let n = 1; ; n++) {
      const state: AttemptState = { step: 'token', claims: undefined }
      try {
        return await attempt(state)
      } catch (err) {
        const transient = isTransient(err, state.step)
        if (!transient || n >= maxAttempts) throw explain(err, state, { roleArn: o.roleArn, audience, attempts: n, transient })
        // Exponential backoff with "equal jitter": half fixed, half random, capped.
        const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (n - 1))
        const delay = Math.round(ceiling / 2 + random() * (ceiling / 2))
        log(`${state.step === 'token' ? 'Getting the GitHub OIDC token' : 'AssumeRoleWithWebIdentity'} failed (${shortError(err)}); retrying in ${delay} ms (attempt ${n + 1} of ${maxAttempts}).`)
        await clock.sleep(delay)
      }
    }
  }

  let current: TemporaryCredentials | undefined
  let inflight: Promise<TemporaryCredentials> | undefined

  const provider = async (options?: { forceRefresh?: boolean }): Promise<TemporaryCredentials> => {
    if (current && !options?.forceRefresh && current.expiration.getTime() - clock.now() > REFRESH_WINDOW_MS) return current
    if (!inflight) {
      const p = assume().then((c) => (current = c))
      inflight = p
      p.then(
        () => (inflight = undefined),
        () => (inflight = undefined)
      )
    }
    return inflight
  }
  return Object.assign(provider, { destroy: (): void => sts?.destroy() })
}

// --------------------------------------------------------------------------------- retry classification

interface AttemptState {
  step: 'token' | 'sts'
  claims: Record<string, unknown> | undefined
}

const TRANSIENT_NAMES = new Set([
  'IDPCommunicationError',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError'
])
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EPROTO',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT'
])

interface ErrorFields {
  name?: unknown
  /** The error code on the wire (`IDPRejectedClaim`); `name` is the SDK's class (`IDPRejectedClaimException`). */
  Code?: unknown
  code?: unknown
  message?: unknown
  $metadata?: { httpStatusCode?: number }
  $retryable?: unknown
}

/** AWS's name for the error, as its docs spell it: the wire code when the SDK kept it, else the error's name. */
function awsCode(err: unknown): string {
  const e = (err ?? {}) as ErrorFields
  if (typeof e.Code === 'string' && e.Code !== '') return e.Code
  return typeof e.name === 'string' ? e.name : ''
}

function isTransient(err: unknown, step: 'token' | 'sts'): boolean {
  if (step === 'token') return missingVarsInError(err).length === 0 // any other token endpoint failure: try again
  if (err instanceof ActionError) return false
  const e = (err ?? {}) as ErrorFields
  const name = awsCode(err)
  if (name === 'AbortError' || e.name === 'AbortError') return false
  if (TRANSIENT_NAMES.has(name) || TRANSIENT_NAMES.has(String(e.name)) || /throttl/i.test(name)) return true
  if (e.$retryable) return true
  const status = e.$metadata?.httpStatusCode
  if (typeof status === 'number' && status >= 500) return true
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true
  return false
}

function union(a: string[], b: string[]): string[] {
  return [ID_TOKEN_URL_VAR, ID_TOKEN_TOKEN_VAR].filter((v) => a.includes(v) || b.includes(v))
}

function shortError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const name = awsCode(err)
  return name && name !== 'Error' && !err.message.startsWith(name) ? `${name}: ${err.message}` : err.message
}

// ------------------------------------------------------------------------------------------ explanations

const REFUSALS = new Set(['AccessDenied', 'AccessDeniedException', 'IDPRejectedClaim', 'InvalidIdentityToken'])

function explain(
  err: unknown,
  state: AttemptState,
  ctx: { roleArn: string; audience: string; attempts: number; transient: boolean }
): ActionError {
  const tries = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : ''
  let out: ActionError
  if (state.step === 'token') {
    // core.getIDToken names only the first variable it misses; the environment tells the whole story.
    const missing = missingVarsInError(err).length > 0 ? union(missingVarsInError(err), missingIdTokenVars(process.env)) : []
    out =
      missing.length > 0
        ? new ActionError(missingIdTokenMessage(missing))
        : new ActionError(`Could not get a GitHub OIDC token for audience "${ctx.audience}"${tries}: ${shortError(err)}`)
  } else {
    const name = err instanceof Error ? awsCode(err) : ''
    if (REFUSALS.has(name)) out = refusal(err as Error, name, state.claims, ctx)
    else if (name === 'ExpiredTokenException') {
      out = new ActionError(
        `ExpiredTokenException: ${(err as Error).message} — STS saw the GitHub OIDC token as expired when assuming ${ctx.roleArn}. ` +
          'Tokens live about 5 minutes and this action requests one right before each AssumeRoleWithWebIdentity, so check the runner clock.'
      )
    } else if (err instanceof ActionError) out = err
    else {
      out = new ActionError(
        `AssumeRoleWithWebIdentity for ${ctx.roleArn} failed${tries}: ${shortError(err)}` +
          (ctx.transient ? ' (a transient error; re-run the job if AWS or GitHub had an incident).' : '')
      )
    }
  }
  if (out !== err) Object.defineProperty(out, 'cause', { value: err, enumerable: false, configurable: true })
  return out
}

function refusal(err: Error, code: string, claims: Record<string, unknown> | undefined, ctx: { roleArn: string; audience: string }): ActionError {
  const lines: string[] = [`${code}: ${err.message} — role ${ctx.roleArn} refused this job's GitHub OIDC token.`]
  if (!claims) {
    lines.push('The token presented could not be decoded (it is not a JWT), so its claims cannot be shown.')
    return new ActionError(lines.join('\n'))
  }
  const shown = SHOWN_CLAIMS.flatMap((k) => {
    const v = claimText(claims, k)
    return v === undefined ? [] : [[k, v] as const]
  })
  lines.push(`Claims presented: ${shown.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}.`)

  const sub = claimText(claims, 'sub') ?? ''
  const aud = claimText(claims, 'aud') ?? ctx.audience
  const repository = claimText(claims, 'repository')
  const environment = claimText(claims, 'environment')
  const iss = claimText(claims, 'iss')
  const host = iss ? iss.replace(/^https:\/\//, '').replace(/\/+$/, '') : GITHUB_ISSUER_HOST
  const account = /:iam::(\d{12}):/.exec(ctx.roleArn)?.[1] ?? 'ACCOUNT'
  const partition = /^arn:(aws[\w-]*):/.exec(ctx.roleArn)?.[1] ?? 'aws'
  const owner = repository ?? 'OWNER/REPO'
  if (partition === 'aws-cn' && aud === DEFAULT_AUDIENCE) {
    lines.push(
      `The role is in the China partition (aws-cn), where the IAM OIDC provider usually lists the audience ${CHINA_AUDIENCE}: ` +
        `set the action's audience input to ${CHINA_AUDIENCE} (and the trust policy's aud condition to match), or add ${DEFAULT_AUDIENCE} to the provider's audiences.`
    )
  }

  if (code === 'InvalidIdentityToken') {
    lines.push(
      `AWS did not accept the token itself: check that account ${account} has an IAM OIDC identity provider for https://${host} ` +
        `whose audiences (client IDs) include "${aud}".`
    )
  } else {
    if (environment !== undefined || sub.includes(':environment:')) {
      lines.push(
        `This job runs in the GitHub environment "${environment ?? sub.split(':environment:')[1]}", so its subject is the environment form ` +
          '`repo:OWNER/REPO:environment:NAME`, not the branch/tag form `repo:OWNER/REPO:ref:refs/heads/BRANCH`. ' +
          'Environment-gated finalize/rollback jobs present this subject: the trust policy must allow it.'
      )
    } else if (sub.includes(':ref:') || sub.endsWith(':pull_request')) {
      lines.push(
        `Note: jobs that use a GitHub environment (e.g. environment-gated finalize/rollback jobs) present \`repo:${owner}:environment:NAME\` ` +
          'instead of this branch/tag subject; allow those subjects too.'
      )
    }
    if (/^repo:[^/:]+@\d+\//.test(sub)) {
      lines.push('This is an immutable subject (owner and repository ids): trust policies written for `repo:OWNER/REPO:…` do not match it.')
    }
    if (aud !== DEFAULT_AUDIENCE) {
      lines.push(`The audience is "${aud}", not ${DEFAULT_AUDIENCE}: the IAM OIDC provider must list it as a client ID.`)
    }
    lines.push(
      'A trust-policy condition that accepts this token:',
      '  "Condition": {',
      '    "StringEquals": {',
      `      "${host}:aud": ${JSON.stringify(aud)},`,
      `      "${host}:sub": ${JSON.stringify(sub)}`,
      '    }',
      '  }',
      `with Principal {"Federated": "arn:${partition}:iam::${account}:oidc-provider/${host}"} and Action "sts:AssumeRoleWithWebIdentity" ` +
        '(to admit several jobs, give StringEquals a list of subjects, e.g. the environment and the branch form; ' +
        `avoid broad StringLike wildcards such as "repo:${owner}:*", which also admit pull-request jobs).`
    )
  }
  return new ActionError(lines.join('\n'))
}
