// GitHub Actions OIDC tokens: is a token available to this job, and what does a token claim.
// The token itself is a secret for its ~5 minutes of life: nothing here prints it.

export const ID_TOKEN_URL_VAR = 'ACTIONS_ID_TOKEN_REQUEST_URL'
export const ID_TOKEN_TOKEN_VAR = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'

/** Claims we show when AWS refuses a token, in this order. */
export const SHOWN_CLAIMS = ['sub', 'aud', 'repository', 'environment', 'ref', 'job_workflow_ref'] as const

/** What to do when the runner gave this job no way to request a token. */
export function missingIdTokenMessage(missing: readonly string[]): string {
  return (
    `role-to-assume needs a GitHub OIDC token, but this job cannot request one (${missing.join(' and ')} ` +
    `${missing.length === 1 ? 'is' : 'are'} not set). Add \`permissions: id-token: write\` to the job (or the workflow), ` +
    'next to the other permissions it needs, e.g. `contents: read`. Pull requests from forks never get an OIDC token; ' +
    'run deployments on push, workflow_dispatch or an environment-gated job instead.'
  )
}

/** The variables that are missing, or [] when the job can request a token. */
export function missingIdTokenVars(env: Record<string, string | undefined>): string[] {
  return [ID_TOKEN_URL_VAR, ID_TOKEN_TOKEN_VAR].filter((v) => !env[v])
}

/** Throws the permissions message when the job cannot request a token (call it before any AWS call). */
export function assertIdTokenAvailable(env: Record<string, string | undefined>): void {
  const missing = missingIdTokenVars(env)
  if (missing.length > 0) throw new Error(missingIdTokenMessage(missing))
}

/** The variables named in an error from `core.getIDToken` ("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable"). */
export function missingVarsInError(err: unknown): string[] {
  const text = err instanceof Error ? err.message : String(err)
  if (!/Unable to get ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN) env variable/.test(text)) return []
  return [ID_TOKEN_URL_VAR, ID_TOKEN_TOKEN_VAR].filter((v) => text.includes(v))
}

/** The payload of a JWT (no signature check), or undefined when it is not a JWT with a JSON object payload. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || parts[1] === undefined) return undefined
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** A claim as text (`aud` may be an array), or undefined. */
export function claimText(claims: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = claims?.[name]
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return v.map(String).join(', ')
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return undefined
}
