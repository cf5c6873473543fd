// The bundle assumes its role through GitHub OIDC itself: a loopback token server plays GitHub's
// token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN), the simulated STS checks the claims.
import { afterEach, describe, expect, it } from '@jest/globals'
import { type BundleRun, runBundle } from '../../test-support/bundle.js'
import { type OidcServer, startOidcServer } from '../../test-support/oidc-server.js'
import { type SimServer, startSimServer } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../../test-support/world.js'
import { addService, newWorld } from '../../test-support/worlds.js'

const ROLE = 'arn:aws:iam::123456789012:role/deploy-prod-web'
const ENV_SUB = 'repo:octo-org/web:environment:production'
const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '2m', 'role-to-assume': ROLE }

let aws: SimServer | undefined
let github: OidcServer | undefined
afterEach(async () => {
  await aws?.close()
  await github?.close()
  aws = undefined
  github = undefined
})

async function setup(sub = ENV_SUB): Promise<{ world: SimWorld; run: (inputs: Record<string, string>, env?: Record<string, string>) => Promise<BundleRun> }> {
  const world = newWorld()
  addService(world)
  aws = await startSimServer(world, { speed: 600 })
  // Tokens are minted on the simulator's clock (which runs 600× faster), as STS checks them on it.
  github = await startOidcServer({ sub, repository: 'octo-org/web', environment: 'production', ref: 'refs/heads/main' }, { now: () => world.clock.now() })
  const endpoint = aws.url
  const tokenEnv = github.env()
  return {
    world,
    run: (inputs, env = tokenEnv) => runBundle({ endpoint, inputs: { ...COMMON, ...inputs }, env: { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } })
  }
}

describe('credentials through GitHub OIDC', () => {
  it('deploy and finalize assume the role from a token with aud sts.amazonaws.com, and mask the secrets', async () => {
    const { world, run } = await setup()
    world.sts.trust = (claims, roleArn) => roleArn === ROLE && claims.sub === ENV_SUB && claims.aud === 'sts.amazonaws.com'
    const deploy = await run({ mode: 'deploy', version: 'v2' })
    expect(deploy.errors).toEqual([])
    expect(deploy.outputs.state).toBe('awaiting-finalize')
    const finalize = await run({ mode: 'finalize' })
    expect(finalize.outputs.state).toBe('finalized')
    // At least one session per run; the simulator's clock runs 600× faster than the runner's, so a
    // one-hour session ends every few real seconds and the SDK renews it (more calls, all granted).
    expect(world.sts.calls.length).toBeGreaterThanOrEqual(2)
    expect(new Set(world.sts.calls.map((c) => `${c.RoleArn} ${c.granted} ${c.DurationSeconds}`))).toEqual(new Set([`${ROLE} true 3600`]))
    expect(world.sts.calls[0]?.RoleSessionName).toMatch(/^gh-web-\d+/)
    expect(github?.requests.every((r) => r.audience === 'sts.amazonaws.com' && r.authorized)).toBe(true)
    // core masks each secret part of the session the moment it exists.
    expect((deploy.stdout.match(/^::add-mask::/gm) ?? []).length).toBeGreaterThanOrEqual(3)
  })

  it('a trust policy written for the branch refuses the environment job: the error shows the claims and the condition to add', async () => {
    const { world, run } = await setup()
    world.sts.trust = (claims) => claims.sub === 'repo:octo-org/web:ref:refs/heads/main'
    const r = await run({ mode: 'finalize' })
    expect(r.code).toBe(1)
    const message = r.errors.join('\n')
    expect(message).toMatch(/AccessDenied/)
    expect(message).toContain(ENV_SUB)
    expect(message).toContain('"token.actions.githubusercontent.com:sub": "repo:octo-org/web:environment:production"')
    expect(message).not.toMatch(/eyJ[\w-]+\.eyJ/) // never the token itself
    expect(world.writes()).toEqual([])
    expect(r.outputs.state).toBe('failed')
  })

  it('a job without id-token: write permission is told what to add', async () => {
    const { world, run } = await setup()
    const r = await run({ mode: 'status' }, {})
    expect(r.code).toBe(1)
    expect(r.errors.join('\n')).toMatch(/permissions: id-token: write/)
    expect(world.calls).toEqual([])
  })
})
