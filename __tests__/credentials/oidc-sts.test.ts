// role-to-assume end to end: the real `core.getIDToken` against a loopback token endpoint, and a real
// STSClient / AutoScalingClient against the simulated AWS. Time is virtual: no real waiting.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { inspect } from 'node:util'
import * as core from '@actions/core'
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2'
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { HttpRequest } from '@smithy/core/protocols'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { type OidcCredentialsProvider, type OidcRoleOptions, oidcCredentials } from '../../src/credentials/provider.js'
import { decodeJwtClaims } from '../../src/credentials/oidc-token.js'
import { type OidcClaims, type OidcServer, startOidcServer } from '../../test-support/oidc-server.js'
import { SimWorld } from '../../test-support/world.js'

const ROLE = 'arn:aws:iam::123456789012:role/github-deploy'
const MAIN: OidcClaims = { sub: 'repo:octo-org/web:ref:refs/heads/main', repository: 'octo-org/web', ref: 'refs/heads/main' }
const PRODUCTION: OidcClaims = {
  sub: 'repo:octo-org/web:environment:production',
  repository: 'octo-org/web',
  environment: 'production',
  ref: 'refs/heads/main'
}
const ENV_VARS = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'] as const
const MINUTE = 60_000

let world: SimWorld
let oidc: OidcServer
let saved: Record<string, string | undefined>
let stdout: string[]
let masked: string[]
let logs: string[]
let sleeps: number[]
const providers: OidcCredentialsProvider[] = []
const destroyers: (() => void)[] = []

beforeEach(async () => {
  world = new SimWorld({ start: Date.parse('2026-11-28T10:00:00Z') })
  oidc = await startOidcServer(MAIN, { now: () => world.now() })
  saved = Object.fromEntries(ENV_VARS.map((k) => [k, process.env[k]]))
  Object.assign(process.env, oidc.env())
  stdout = []
  masked = []
  logs = []
  sleeps = []
  // core.getIDToken writes ::debug:: and ::add-mask:: workflow commands to stdout: keep them for assertions.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(async () => {
  jest.restoreAllMocks()
  for (const p of providers.splice(0)) p.destroy()
  for (const d of destroyers.splice(0)) d()
  for (const k of ENV_VARS) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
  await oidc.close()
})

/** The provider as main.ts builds it, with the simulator's STS, a virtual clock and recorded sleeps. */
function provider(overrides: Partial<OidcRoleOptions> = {}): OidcCredentialsProvider {
  const p = oidcCredentials({
    roleArn: ROLE,
    audience: 'sts.amazonaws.com',
    sessionName: 'gh-web-1234-1',
    durationSeconds: 3600,
    region: 'us-east-1',
    getIdToken: (aud) => core.getIDToken(aud),
    mask: (s) => masked.push(s),
    log: (l) => logs.push(l),
    clock: {
      now: () => world.now(),
      sleep: async (ms) => {
        sleeps.push(ms)
        world.advance(ms)
      }
    },
    random: () => 0.5,
    stsClientConfig: { requestHandler: world.requestHandler, retryStrategy: new ConfiguredRetryStrategy(1, () => 0) },
    ...overrides
  })
  providers.push(p)
  return p
}

/** The error a call rejects with (fails the test if it resolves). */
async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call
  } catch (e) {
    return e as Error
  }
  throw new Error('expected the call to fail')
}

const stsCalls = (): typeof world.calls => world.calls.filter((c) => c.service === 'sts')
const tokenOf = (call: (typeof world.calls)[number]): string => String((call.params as Record<string, unknown>)['WebIdentityToken'])

/** A request handler that records the access key each signed request used, then lets the simulator answer. */
function recordingHandler(keys: string[]): typeof world.requestHandler {
  const inner = world.requestHandler
  return Object.assign(Object.create(inner) as typeof inner, {
    handle: (req: HttpRequest, opts?: { abortSignal?: AbortSignal }) => {
      const m = /Credential=([A-Z0-9]+)\//.exec(String(req.headers['authorization'] ?? ''))
      if (m?.[1]) keys.push(m[1])
      return inner.handle(req, opts)
    }
  })
}

function clientConfig(credentials: OidcCredentialsProvider, keys: string[]) {
  return {
    region: 'us-east-1',
    credentials,
    requestHandler: recordingHandler(keys),
    retryStrategy: new ConfiguredRetryStrategy(1, () => 0)
  }
}

describe('happy path', () => {
  it('gets a fresh token, assumes the role and returns masked credentials with an expiration', async () => {
    const creds = await provider()()

    expect(creds.expiration).toBeInstanceOf(Date)
    expect(creds.expiration.getTime()).toBe(world.now() + 3600_000)
    expect(creds.accessKeyId).toMatch(/^ASIA/)
    expect(masked).toEqual(expect.arrayContaining([creds.accessKeyId, creds.secretAccessKey, creds.sessionToken]))

    expect(oidc.requests).toEqual([{ audience: 'sts.amazonaws.com', authorized: true, status: 200 }])
    expect(world.sts.calls).toHaveLength(1)
    expect(world.sts.calls[0]).toMatchObject({ RoleArn: ROLE, RoleSessionName: 'gh-web-1234-1', DurationSeconds: 3600, granted: true })
    expect(world.sts.calls[0]?.claims).toMatchObject({ aud: 'sts.amazonaws.com', sub: MAIN.sub, iss: 'https://token.actions.githubusercontent.com' })
    const sent = stsCalls()[0]
    expect(sent && tokenOf(sent)).toBe(oidc.issued[0])
    // The token is a secret too: core masked it, and so did we.
    expect(stdout.join('')).toContain(`::add-mask::${oidc.issued[0]}`)
    expect(masked).toContain(oidc.issued[0])
    expect(logs.join('\n')).not.toContain(oidc.issued[0])
    expect(logs.join('\n')).toContain('assumed-role/github-deploy/gh-web-1234-1')
  })

  it('shares one assume between concurrent callers and several SDK clients', async () => {
    const p = provider()
    const keys: string[] = []
    const config = clientConfig(p, keys)
    const clients = [new AutoScalingClient(config), new ElasticLoadBalancingV2Client(config), new EC2Client(config), new CloudWatchClient(config)] as const
    destroyers.push(() => clients.forEach((c) => c.destroy()))
    await Promise.all([
      clients[0].send(new DescribeAutoScalingGroupsCommand({})),
      clients[1].send(new DescribeTargetGroupsCommand({})),
      clients[2].send(new DescribeInstancesCommand({})),
      clients[3].send(new DescribeAlarmsCommand({})),
      p(),
      p()
    ])
    expect(world.sts.calls).toHaveLength(1)
    expect(oidc.requests).toHaveLength(1)
    expect(keys).toHaveLength(4)
    expect(new Set(keys)).toEqual(new Set([(await p()).accessKeyId]))
    expect(world.sts.calls).toHaveLength(1) // still memoized
  })
})

describe('refresh', () => {
  it('an SDK client working for 40 minutes on a 15-minute session gets new sessions, each from a new token', async () => {
    // The SDK decides "less than 5 minutes left" with Date.now(): make that the simulator's virtual time.
    jest.spyOn(Date, 'now').mockImplementation(() => world.now())
    const p = provider({ durationSeconds: 900 })
    const keys: string[] = []
    const asg = new AutoScalingClient(clientConfig(p, keys))
    destroyers.push(() => asg.destroy())

    const start = world.now()
    const usedAt: { minute: number; key: string }[] = []
    for (const minute of [0, 5, 9, 11, 20, 26, 40]) {
      world.advance(start + minute * MINUTE - world.now())
      await asg.send(new DescribeAutoScalingGroupsCommand({}))
      usedAt.push({ minute, key: keys[keys.length - 1] ?? '' })
    }

    // Sessions: 0→15 (renewed at 11, < 5 min left), 11→26 (renewed at 26), 26→41 (renewed at 40).
    // (Rounded: API latency adds milliseconds.)
    expect(world.sts.calls.map((c) => Math.round((c.time - start) / MINUTE))).toEqual([0, 11, 26, 40])
    expect(world.sts.calls.every((c) => c.granted && c.DurationSeconds === 900)).toBe(true)
    expect(oidc.requests.map((r) => r.status)).toEqual([200, 200, 200, 200])
    const tokens = stsCalls().map(tokenOf)
    expect(new Set(tokens).size).toBe(4) // a fresh token for every AssumeRoleWithWebIdentity
    expect(tokens).toEqual(oidc.issued)

    // Every request was signed with the newest session, which had not expired.
    const issuedKeys = masked.filter((s) => s.startsWith('ASIA'))
    expect(issuedKeys).toHaveLength(4)
    const sessionOf = (key: string): number => issuedKeys.indexOf(key)
    expect(usedAt.map((u) => sessionOf(u.key))).toEqual([0, 0, 0, 1, 1, 2, 3])
    for (const u of usedAt) {
      const issuedAt = ((world.sts.calls[sessionOf(u.key)]?.time ?? 0) - start) / MINUTE
      expect(u.minute - issuedAt).toBeLessThan(15)
    }
  })

  it('the provider renews by itself once less than 6 minutes remain, and keeps the session before that', async () => {
    const p = provider({ durationSeconds: 900 })
    const first = await p()
    world.advance(8 * MINUTE)
    expect(await p()).toBe(first)
    world.advance(2 * MINUTE)
    const second = await p()
    expect(second.accessKeyId).not.toBe(first.accessKeyId)
    expect(world.sts.calls).toHaveLength(2)
    expect(oidc.requests).toHaveLength(2)
    expect((await p({ forceRefresh: true })).accessKeyId).not.toBe(second.accessKeyId)
    expect(world.sts.calls).toHaveLength(3)
  })
})

describe('retries', () => {
  it('retries token endpoint 500s and IDPCommunicationError with growing backoff, a new token each time', async () => {
    oidc.failNext(2)
    world.faults.inject({
      service: 'sts',
      operation: 'AssumeRoleWithWebIdentity',
      error: { code: 'IDPCommunicationError', status: 400, message: 'Communication with the identity provider failed.' },
      times: 1
    })
    const creds = await provider()()

    expect(creds.accessKeyId).toMatch(/^ASIA/)
    expect(oidc.requests.map((r) => r.status)).toEqual([500, 500, 200, 200])
    expect(stsCalls().map((c) => c.error ?? 'ok')).toEqual(['IDPCommunicationError', 'ok'])
    expect(new Set(stsCalls().map(tokenOf)).size).toBe(2)
    expect(sleeps).toEqual([750, 1500, 3000]) // 1 s, 2 s, 4 s ceilings, half fixed + half jitter (0.5)
    expect(logs.filter((l) => l.includes('retrying'))).toHaveLength(3)
    expect(logs.join('\n')).toContain('IDPCommunicationError')
  })

  it.each([
    ['Throttling', 'Throttling' as const],
    ['5xx', 'ServiceUnavailable' as const],
    ['500 InternalFailure', { code: 'InternalFailure', status: 500, message: 'internal' }]
  ])('retries %s from STS', async (_label, error) => {
    world.faults.inject({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', error, times: 2 })
    await provider()()
    expect(stsCalls().map((c) => c.ok)).toEqual([false, false, true])
    expect(sleeps).toHaveLength(2)
  })

  it('retries network errors', async () => {
    let drops = 1
    const inner = world.requestHandler
    const flaky = Object.assign(Object.create(inner) as typeof inner, {
      handle: (req: HttpRequest, opts?: { abortSignal?: AbortSignal }) => {
        if (drops-- > 0) return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
        return inner.handle(req, opts)
      }
    })
    await provider({ stsClientConfig: { requestHandler: flaky } })()
    expect(sleeps).toHaveLength(1)
    expect(world.sts.calls).toHaveLength(1)
    expect(oidc.requests).toHaveLength(2)
  })

  it('gives up after 5 attempts, saying how often it tried', async () => {
    world.faults.inject({
      service: 'sts',
      operation: 'AssumeRoleWithWebIdentity',
      error: { code: 'IDPCommunicationError', status: 400, message: 'Communication with the identity provider failed.' },
      times: 10
    })
    const err = await failure(provider()())
    expect(err.message).toMatch(/AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role\/github-deploy failed after 5 attempts: IDPCommunicationError/)
    expect(stsCalls()).toHaveLength(5)
    expect(sleeps).toEqual([750, 1500, 3000, 6000])

    // A failure is not cached: the next call tries again.
    world.faults.clear()
    await expect(provider()()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) })
  })

  it('gives up on the token endpoint after 5 attempts', async () => {
    oidc.failNext(99)
    await expect(provider()()).rejects.toThrow(/Could not get a GitHub OIDC token for audience "sts.amazonaws.com" after 5 attempts/)
    expect(oidc.requests).toHaveLength(5)
    expect(world.sts.calls).toHaveLength(0)
  })

  it.each([
    ['InvalidIdentityToken', 400],
    ['ValidationError', 400],
    ['RegionDisabledException', 403],
    ['MalformedPolicyDocument', 400]
  ])('does not retry %s', async (code, status) => {
    world.faults.inject({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', error: { code, status, message: `${code} message` } })
    await expect(provider()()).rejects.toThrow(code)
    expect(stsCalls()).toHaveLength(1)
    expect(oidc.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('does not retry an expired token (ExpiredTokenException)', async () => {
    oidc.setClaims({ ...MAIN, exp: Math.floor(world.now() / 1000) - 60 })
    await expect(provider()()).rejects.toThrow(/ExpiredTokenException: Token expired.*check the runner clock/s)
    expect(world.sts.calls).toHaveLength(1)
    expect(sleeps).toEqual([])
  })
})

describe('trust refusal', () => {
  it('an environment-gated job refused by a branch-only trust policy gets the claims and the condition that would accept them', async () => {
    world.sts.trust = (claims) => claims['sub'] === 'repo:octo-org/web:ref:refs/heads/main'
    oidc.setClaims(PRODUCTION)
    const err = await failure(provider()())

    const msg = err.message
    expect(msg).toContain('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity')
    expect(msg).toContain(ROLE)
    expect(msg).toContain('sub="repo:octo-org/web:environment:production"')
    expect(msg).toContain('aud="sts.amazonaws.com"')
    expect(msg).toContain('repository="octo-org/web"')
    expect(msg).toContain('environment="production"')
    expect(msg).toContain('ref="refs/heads/main"')
    expect(msg).toContain('`repo:OWNER/REPO:environment:NAME`')
    expect(msg).toContain(
      [
        '"StringEquals": {',
        '      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",',
        '      "token.actions.githubusercontent.com:sub": "repo:octo-org/web:environment:production"',
        '    }'
      ].join('\n')
    )
    expect(msg).toContain('arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com')

    // Never the token, not even in what an inspector would print.
    const jwt = oidc.issued[0] ?? 'missing'
    expect(jwt.split('.')).toHaveLength(3)
    expect(msg).not.toContain(jwt)
    expect(msg).not.toContain(jwt.split('.')[1])
    expect(inspect(err, { depth: 6, showHidden: true })).not.toContain(jwt)
    expect(logs.join('\n')).not.toContain(jwt)

    // A refusal is final: one token, one call, no waiting.
    expect(world.sts.calls).toEqual([expect.objectContaining({ granted: false })])
    expect(oidc.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('a branch job refused is reminded that environment jobs present another subject', async () => {
    world.sts.trust = () => false
    await expect(provider()()).rejects.toThrow(/repo:octo-org\/web:environment:NAME` instead of this branch\/tag subject/)
  })

  it('IDPRejectedClaim and InvalidIdentityToken show the presented claims too', async () => {
    world.faults.inject({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', error: { code: 'IDPRejectedClaim', status: 403, message: 'Rejected claim' } })
    await expect(provider()()).rejects.toThrow(/IDPRejectedClaim: Rejected claim[\s\S]*sub="repo:octo-org\/web:ref:refs\/heads\/main"[\s\S]*StringEquals/)
    world.faults.inject({ service: 'sts', operation: 'AssumeRoleWithWebIdentity', error: { code: 'InvalidIdentityToken', status: 400, message: 'No OpenIDConnect provider found' } })
    await expect(provider()()).rejects.toThrow(/InvalidIdentityToken: No OpenIDConnect provider found[\s\S]*sub=[\s\S]*IAM OIDC identity provider for https:\/\/token.actions.githubusercontent.com/)
  })

  it('a custom audience is what the token carries and what the condition names', async () => {
    world.sts.trust = () => false
    const err = await failure(provider({ audience: 'https://github.com/octo-org' })())
    expect(oidc.requests[0]?.audience).toBe('https://github.com/octo-org')
    expect(decodeJwtClaims(oidc.issued[0] ?? '')?.['aud']).toBe('https://github.com/octo-org')
    expect(err.message).toContain('"token.actions.githubusercontent.com:aud": "https://github.com/octo-org"')
    expect(err.message).toContain('not sts.amazonaws.com')
  })
})

describe('no OIDC token for this job', () => {
  it.each([['ACTIONS_ID_TOKEN_REQUEST_URL'], ['ACTIONS_ID_TOKEN_REQUEST_TOKEN']])(
    'without %s, says to add permissions: id-token: write, without retrying',
    async (name) => {
      delete process.env[name]
      const err = await failure(provider()())
      expect(err.message).toContain('permissions: id-token: write')
      expect(err.message).toContain(`${name} is not set`)
      expect(err.message).toContain('forks never get an OIDC token')
      expect(sleeps).toEqual([])
      expect(oidc.requests).toHaveLength(0)
      expect(world.sts.calls).toHaveLength(0)
    }
  )

  it('names both variables when both are missing', async () => {
    for (const k of ENV_VARS) delete process.env[k]
    await expect(provider()()).rejects.toThrow(/ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set\). Add `permissions: id-token: write`/)
  })
})
