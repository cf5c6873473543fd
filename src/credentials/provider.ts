// `role-to-assume`: a credentials function for every SDK client, backed by GitHub OIDC and STS
// AssumeRoleWithWebIdentity.
//
// - A fresh OIDC token (they live ~5 minutes) is fetched right before every AssumeRoleWithWebIdentity.
// - The credentials carry `expiration`: the SDK memoizes them per client and calls the function again when
//   less than 5 minutes remain, so a long health wait never outlives the role session. The function memoizes
//   too (one session shared by all clients, one in-flight assume for concurrent callers) and renews a little
//   earlier than the SDK, so an SDK refresh always gets a new session.
// - Transient failures are retried with bounded exponential backoff and jitter (retry.ts); refusals are not,
//   and explain which token claims were presented and which trust-policy condition would accept them
//   (explain.ts).

import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { systemClock } from '../clock.js'
import { ActionError } from '../errors.js'
import { type AttemptState, explain, shortError } from './explain.js'
import { claimText, decodeJwtClaims } from './oidc-token.js'
import { backoffMs, isTransient } from './retry.js'
import {
  DEFAULT_AUDIENCE,
  DEFAULT_DURATION_SECONDS,
  defaultSessionName,
  validateAudience,
  validateDurationSeconds,
  validateRoleArn,
  validateRolePartition,
  validateSessionName
} from './role-inputs.js'

export const DEFAULT_MAX_ATTEMPTS = 5
/** The SDK asks again when less than 5 minutes remain (`EXPIRATION_MS` in @smithy/core); we renew 1 minute earlier. */
export const REFRESH_WINDOW_MS = 6 * 60_000

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

export function oidcCredentials(o: OidcRoleOptions): OidcCredentialsProvider {
  validateRoleArn(o.roleArn)
  validateRolePartition(o.roleArn, o.region)
  const audience = o.audience ?? DEFAULT_AUDIENCE
  validateAudience(audience)
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
        const delay = backoffMs(n, random)
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
