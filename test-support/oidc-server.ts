// A loopback stand-in for GitHub's OIDC token endpoint, as `core.getIDToken` calls it:
//   GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<aud>   Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>
//   → 200 {"value":"<jwt>"}
// The URL already carries a query string (api-version), as GitHub's does. Tokens are well-formed JWTs with an
// unverifiable signature; `aud` is the requested audience (GitHub's default, the owner URL, without one).

import http from 'node:http'
import { randomBytes, randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'

export interface OidcClaims {
  sub: string
  repository: string
  iss?: string
  environment?: string
  ref?: string
  /** Overrides `now + 5 min` (seconds since epoch), e.g. to serve an expired token. */
  exp?: number
  [claim: string]: unknown
}

export interface OidcRequest {
  audience: string | undefined
  authorized: boolean
  status: number
}

export interface OidcServer {
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL (has `?api-version=2.0`). */
  url: string
  /** Value for ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  token: string
  /** Every request, in order (failed ones included). */
  requests: OidcRequest[]
  /** Every JWT handed out, in order. */
  issued: string[]
  /** Answer the next `n` requests with 500. */
  failNext(n: number): void
  /** Replace the claims of tokens minted from now on. */
  setClaims(claims: OidcClaims): void
  /** ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN pointing here, to merge into process.env. */
  env(): Record<string, string>
  close(): Promise<void>
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

export async function startOidcServer(initial: OidcClaims, options: { now?: () => number } = {}): Promise<OidcServer> {
  const now = options.now ?? Date.now
  const bearer = `oidc-request-${randomBytes(12).toString('hex')}`
  let claims = initial
  let failures = 0
  const requests: OidcRequest[] = []
  const issued: string[] = []

  const mint = (audience: string | undefined): string => {
    const iat = Math.floor(now() / 1000)
    const { exp, ...rest } = claims
    const [owner] = claims.repository.split('/')
    const payload = {
      jti: randomUUID(),
      iss: GITHUB_ISSUER,
      aud: audience ?? `https://github.com/${owner ?? ''}`,
      repository_owner: owner,
      ...rest,
      nbf: iat - 5,
      iat,
      exp: exp ?? iat + 300
    }
    return `${b64url({ typ: 'JWT', alg: 'RS256', kid: 'loopback' })}.${b64url(payload)}.${randomBytes(32).toString('base64url')}`
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const authorized = req.headers.authorization === `Bearer ${bearer}`
    const audience = url.searchParams.get('audience') ?? undefined
    const answer = (status: number, body: unknown): void => {
      requests.push({ audience, authorized, status })
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method !== 'GET' || url.pathname !== '/_apis/oidc/token' || url.searchParams.get('api-version') === null) {
      return answer(404, { message: 'not found' })
    }
    if (!authorized) return answer(401, { message: 'Bad credentials' })
    if (failures > 0) {
      failures--
      return answer(500, { message: 'Internal server error' })
    }
    const jwt = mint(audience)
    issued.push(jwt)
    answer(200, { count: 1, value: jwt })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}/_apis/oidc/token?api-version=2.0`

  return {
    url,
    token: bearer,
    requests,
    issued,
    failNext: (n) => {
      failures = n
    },
    setClaims: (c) => {
      claims = c
    },
    env: () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      })
  }
}
