// role-to-assume inputs: role ARN, session name (and its default), duration, audience.
import { describe, expect, it } from '@jest/globals'
import { oidcCredentials } from '../../src/credentials/provider.js'
import { defaultSessionName, validateDurationSeconds, validateRoleArn, validateSessionName } from '../../src/credentials/role-inputs.js'
import { assertIdTokenAvailable, decodeJwtClaims } from '../../src/credentials/oidc-token.js'
import { SimWorld } from '../../test-support/world.js'

const ROLE = 'arn:aws:iam::123456789012:role/github-deploy'
const neverToken = (): Promise<string> => Promise.reject(new Error('not called'))

describe('validateRoleArn', () => {
  it.each([
    ROLE,
    'arn:aws-cn:iam::123456789012:role/deploy',
    'arn:aws-us-gov:iam::123456789012:role/deploy',
    'arn:aws:iam::123456789012:role/ci/github/deploy+web=prod,x.y@z-1'
  ])('accepts %s', (arn) => {
    expect(() => validateRoleArn(arn)).not.toThrow()
  })

  it.each([
    ['', /empty/],
    ['github-deploy', /bare role name/],
    ['arn:aws:iam::12345:role/deploy', /IAM role ARN/],
    ['arn:aws:sts::123456789012:assumed-role/deploy/session', /assumed-role session ARN/],
    ['arn:aws:iam::123456789012:user/bob', /not a role/],
    ['arn:amazon:iam::123456789012:role/deploy', /IAM role ARN/],
    ['arn:aws:iam::123456789012:role/', /IAM role ARN/],
    [' arn:aws:iam::123456789012:role/deploy', /IAM role ARN/]
  ])('rejects %j naming the input and the value', (arn, hint) => {
    expect(() => validateRoleArn(arn)).toThrow(/Input 'role-to-assume' is invalid/)
    expect(() => validateRoleArn(arn)).toThrow(hint)
    // The value is quoted; an empty one is named as such.
    expect(() => validateRoleArn(arn)).toThrow(arn === '' ? 'is invalid: empty.' : `"${arn}"`)
  })
})

describe('validateSessionName', () => {
  it.each(['ab', 'gh-web-123-1', 'a+b=c,d.e@f_g-h', 'x'.repeat(64)])('accepts %s', (name) => {
    expect(() => validateSessionName(name)).not.toThrow()
  })
  it.each(['a', '', 'has space', 'slash/no', 'x'.repeat(65), 'ünicode'])('rejects %j naming the input and the value', (name) => {
    expect(() => validateSessionName(name)).toThrow(/Input 'role-session-name' is invalid/)
    expect(() => validateSessionName(name)).toThrow(/2 to 64 characters/)
    expect(() => validateSessionName(name)).toThrow(name === '' ? 'is invalid: empty.' : `"${name}"`)
  })
})

describe('validateDurationSeconds', () => {
  it.each([900, 3600, 43200])('accepts %d', (s) => {
    expect(() => validateDurationSeconds(s)).not.toThrow()
  })
  it.each([899, 43201, 3600.5, Number.NaN, 0, -900])('rejects %d naming the input and the value', (s) => {
    expect(() => validateDurationSeconds(s)).toThrow(/Input 'role-duration-seconds' is invalid/)
    expect(() => validateDurationSeconds(s)).toThrow(`"${String(s)}"`)
  })
})

describe('defaultSessionName', () => {
  it('is gh-<repo>-<run id>-<attempt>', () => {
    expect(defaultSessionName({ GITHUB_REPOSITORY: 'octo-org/web', GITHUB_RUN_ID: '9876543210', GITHUB_RUN_ATTEMPT: '2' })).toBe(
      'gh-web-9876543210-2'
    )
  })

  it('falls back when the runner variables are missing', () => {
    expect(defaultSessionName({})).toBe('gh-action')
    expect(defaultSessionName({ GITHUB_REPOSITORY: 'octo-org/web' })).toBe('gh-web')
    expect(defaultSessionName({ GITHUB_RUN_ID: '42' })).toBe('gh-action-42')
  })

  it('replaces characters STS refuses and cuts the repository, never the run id', () => {
    expect(defaultSessionName({ GITHUB_REPOSITORY: 'octo/my repo!é', GITHUB_RUN_ID: '1', GITHUB_RUN_ATTEMPT: '1' })).toBe('gh-my-repo-1-1')
    const long = defaultSessionName({ GITHUB_REPOSITORY: `octo/${'a'.repeat(100)}`, GITHUB_RUN_ID: '12345678901', GITHUB_RUN_ATTEMPT: '3' })
    expect(long).toHaveLength(64)
    expect(long.endsWith('-12345678901-3')).toBe(true)
  })

  it.each([
    {},
    { GITHUB_REPOSITORY: '///' },
    { GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: 'x y/z'.repeat(30), GITHUB_RUN_ATTEMPT: '1' },
    { GITHUB_REPOSITORY: `o/${'ß'.repeat(80)}`, GITHUB_RUN_ID: '1' }
  ])('always satisfies STS (%j)', (env) => {
    expect(() => validateSessionName(defaultSessionName(env))).not.toThrow()
  })
})

describe('oidcCredentials checks its inputs before any call', () => {
  const base = { roleArn: ROLE, region: 'us-east-1', getIdToken: neverToken }
  it('bad role ARN, session name, duration or audience throw at once, naming input and value', () => {
    expect(() => oidcCredentials({ ...base, roleArn: 'deploy' })).toThrow(/'role-to-assume' is invalid: "deploy"/)
    expect(() => oidcCredentials({ ...base, sessionName: 'a b' })).toThrow(/'role-session-name' is invalid: "a b"/)
    expect(() => oidcCredentials({ ...base, durationSeconds: 60 })).toThrow(/'role-duration-seconds' is invalid: "60"/)
    expect(() => oidcCredentials({ ...base, audience: ' ' })).toThrow(/'audience' is invalid/)
  })

  it('defaults the session name from the runner variables: gh-<repo>-<run id>-<attempt> is what STS receives', async () => {
    const world = new SimWorld({ start: Date.parse('2026-11-28T10:00:00Z') })
    const token = `e30.${Buffer.from(JSON.stringify({ sub: 'repo:octo-org/web:ref:refs/heads/main', aud: 'sts.amazonaws.com' })).toString('base64url')}.sig`
    const saved = { repo: process.env.GITHUB_REPOSITORY, run: process.env.GITHUB_RUN_ID, attempt: process.env.GITHUB_RUN_ATTEMPT }
    Object.assign(process.env, { GITHUB_REPOSITORY: 'octo-org/web', GITHUB_RUN_ID: '9876543210', GITHUB_RUN_ATTEMPT: '2' })
    const p = oidcCredentials({ ...base, getIdToken: () => Promise.resolve(token), clock: world.clock, stsClientConfig: { requestHandler: world.requestHandler } })
    try {
      await p()
    } finally {
      p.destroy()
      for (const [k, v] of [['GITHUB_REPOSITORY', saved.repo], ['GITHUB_RUN_ID', saved.run], ['GITHUB_RUN_ATTEMPT', saved.attempt]] as const) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
    expect(world.sts.calls.map((c) => c.RoleSessionName)).toEqual(['gh-web-9876543210-2'])
  })
})

describe('GitHub OIDC helpers', () => {
  it('assertIdTokenAvailable asks for permissions: id-token: write', () => {
    expect(() => assertIdTokenAvailable({})).toThrow(/permissions: id-token: write/)
    expect(() => assertIdTokenAvailable({ ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x/?a=1' })).toThrow(/ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set/)
    expect(() => assertIdTokenAvailable({ ACTIONS_ID_TOKEN_REQUEST_URL: 'u', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' })).not.toThrow()
  })

  it('decodeJwtClaims reads the payload and refuses non-JWTs', () => {
    const jwt = `e30.${Buffer.from(JSON.stringify({ sub: 'repo:o/r:ref:refs/heads/main' })).toString('base64url')}.sig`
    expect(decodeJwtClaims(jwt)).toEqual({ sub: 'repo:o/r:ref:refs/heads/main' })
    expect(decodeJwtClaims('not-a-jwt')).toBeUndefined()
    expect(decodeJwtClaims('a.bm90IGpzb24.c')).toBeUndefined()
    expect(decodeJwtClaims(`a.${Buffer.from('[1]').toString('base64url')}.c`)).toBeUndefined()
  })
})
