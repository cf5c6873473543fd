// Which failures of getting credentials are worth another try, and how long to wait before it. The SDK's own
// classification (@smithy/core/retry) decides for STS; what it does not know is added here: IDPCommunicationError
// (STS's "the identity provider did not answer"), service faults named without a 5xx status, and the socket
// errors of Node and undici it does not list. Any token endpoint failure is retried, unless the job may not
// request a token at all.
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry'
import { ActionError } from '../errors.js'
import { missingVarsInError } from './oidc-token.js'

/** Which half of an attempt failed: fetching the GitHub OIDC token, or STS AssumeRoleWithWebIdentity. */
export type Step = 'token' | 'sts'

const BACKOFF_BASE_MS = 1_000
const BACKOFF_CAP_MS = 20_000

/** Checked on the wire code and the class name: the SDK knows these by status only, or not at all. */
const TRANSIENT_NAMES = new Set(['IDPCommunicationError', 'ServiceUnavailable', 'InternalFailure', 'InternalError'])
/** Socket errors beyond the SDK's NODEJS_TIMEOUT_ERROR_CODES and NODEJS_NETWORK_ERROR_CODES. */
const NETWORK_CODES = new Set(['ECONNABORTED', 'ENETDOWN', 'EPROTO', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])

interface ErrorFields {
  name?: unknown
  /** The error code on the wire (`IDPRejectedClaim`); `name` is the SDK's class (`IDPRejectedClaimException`). */
  Code?: unknown
  code?: unknown
}
type SdkError = Parameters<typeof isTransientError>[0]

/** AWS's name for the error, as its docs spell it: the wire code when the SDK kept it, else the error's name. */
export function awsCode(err: unknown): string {
  const e = (err ?? {}) as ErrorFields
  if (typeof e.Code === 'string' && e.Code !== '') return e.Code
  return typeof e.name === 'string' ? e.name : ''
}

/** Whether a failed attempt is worth another, given the step it failed in. */
export function isTransient(err: unknown, step: Step): boolean {
  if (step === 'token') return missingVarsInError(err).length === 0
  if (err instanceof ActionError || err === null || typeof err !== 'object') return false
  const e = err as ErrorFields
  const name = awsCode(err)
  if (name === 'AbortError' || e.name === 'AbortError') return false
  const sdk = err as SdkError
  if (isThrottlingError(sdk) || isTransientError(sdk) || isServerError(sdk)) return true
  // The wire code as well as the class name (the SDK's lists look at `name` only); any name saying throttled.
  if (TRANSIENT_NAMES.has(name) || TRANSIENT_NAMES.has(String(e.name)) || /throttl/i.test(name)) return true
  return typeof e.code === 'string' && NETWORK_CODES.has(e.code)
}

/** Exponential backoff with "equal jitter" before attempt `attempt + 1`: half fixed, half random, capped. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
