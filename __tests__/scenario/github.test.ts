// What GitHub adds when the action has a token: who shipped what (a release tag), refusing an older
// commit over a newer one, Deployments on the environment, and lock takeover once a run is over.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { type FakeGitHub, startFakeGitHub } from '../../test-support/github-api.js'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'

const SHA_V1 = '1111111111111111111111111111111111111111'
const SHA_V2 = '2222222222222222222222222222222222222222'

let world: SimWorld
let gh: FakeGitHub
beforeEach(async () => {
  world = newWorld()
  addService(world)
  gh = await startFakeGitHub()
})
afterEach(async () => {
  await gh.close()
  world.assertNoViolations()
})

function env(sha: string, runId = '100'): Record<string, string> {
  return {
    GITHUB_REPOSITORY: 'octo-org/web',
    GITHUB_SHA: sha,
    GITHUB_ACTOR: 'octocat',
    GITHUB_RUN_ID: runId,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: gh.url
  }
}

const withToken = { 'github-token': 'ghs_example', 'deployment-environment': 'production' }

describe('release record and deployments', () => {
  it('tags the new group with commit, actor, time and run, and records the deployment on the environment', async () => {
    const r = await runAction(world, { mode: 'deploy', version: 'v2', ...withToken }, { env: env(SHA_V2) })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(world.group('prod-web-green').tags['blue-green/last-deploy']).toBe(
      `commit ${SHA_V2} by octocat at 2026-11-28T10:00:00.000Z run https://github.com/octo-org/web/actions/runs/100`
    )
    expect(r.summary).toContain(`<a href="https://github.com/octo-org/web/commit/${SHA_V2}">2222222</a> by octocat, 2026-11-28 10:00 UTC`)
    expect(gh.deployments).toEqual([
      expect.objectContaining({
        ref: SHA_V2,
        environment: 'production',
        statuses: [
          { state: 'in_progress', description: 'deploy running', log_url: 'https://github.com/octo-org/web/actions/runs/100' },
          { state: 'success', description: 'deploy: awaiting-finalize', log_url: 'https://github.com/octo-org/web/actions/runs/100' }
        ]
      })
    ])

    const f = await runAction(world, { mode: 'finalize', ...withToken }, { env: env(SHA_V2, '101') })
    expect(f.outputs.state).toBe('finalized')
    expect(gh.deployments).toHaveLength(1)
    expect(gh.deployments[0]?.statuses.map((s) => [s.state, s.description]).slice(2)).toEqual([
      ['in_progress', 'finalize running'],
      ['success', 'finalize: finalized']
    ])
  })

  it('a rollback records a deployment of the commit it brings back', async () => {
    await runAction(world, { mode: 'deploy', version: 'v2', ...withToken }, { env: env(SHA_V2) })
    await runAction(world, { mode: 'finalize', ...withToken }, { env: env(SHA_V2) })
    world.advance(10 * 60_000)
    await runAction(world, { mode: 'deploy', version: 'v3', ...withToken }, { env: env('3333333333333333333333333333333333333333', '102') })
    const r = await runAction(world, { mode: 'rollback', ...withToken }, { env: env(SHA_V2, '103') })
    expect(r.outputs.state).toBe('rolled-back')
    const last = gh.deployments.at(-1)
    expect(last).toMatchObject({ ref: SHA_V2, environment: 'production', description: 'rollback' })
    expect(last?.statuses.at(-1)).toMatchObject({ state: 'success', description: 'rollback: rolled-back' })
  })

  it('GitHub being down never fails the AWS side: warnings, and the deploy completes', async () => {
    gh.down = 503
    const r = await runAction(world, { mode: 'deploy', version: 'v2', ...withToken }, { env: env(SHA_V2) })
    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(r.log).toMatch(/::warning::Could not record the deployment start on GitHub \(environment production\)/)
  })
})

describe('out-of-order protection', () => {
  async function liveAtV2(): Promise<void> {
    await runAction(world, { mode: 'deploy', version: 'v2', ...withToken }, { env: env(SHA_V2) })
    await runAction(world, { mode: 'finalize', ...withToken }, { env: env(SHA_V2) })
    world.advance(10 * 60_000)
  }

  it('refuses to deploy a commit the live commit already contains, and says how to do it on purpose', async () => {
    await liveAtV2()
    gh.compare.set(`${SHA_V2}...${SHA_V1}`, 'behind')
    const writes = world.writes().length
    const r = await runAction(world, { mode: 'deploy', version: 'v1', ...withToken }, { env: env(SHA_V1, '200') })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('refused')
    expect(r.errors.join('\n')).toMatch(/prod-web: commit 1111111 is older than the live commit 2222222 \(2222222 by octocat at .*\): this looks like an old release re-run by mistake\. To go back on purpose, set allow-older-commit: true/)
    expect(world.writes().length).toBe(writes)

    const onPurpose = await runAction(world, { mode: 'deploy', version: 'v1', 'allow-older-commit': 'true', ...withToken }, { env: env(SHA_V1, '201') })
    expect(onPurpose.outputs.state).toBe('awaiting-finalize')
  })

  it('a newer commit deploys', async () => {
    await liveAtV2()
    gh.compare.set(`${SHA_V2}...3333333333333333333333333333333333333333`, 'ahead')
    const r = await runAction(world, { mode: 'deploy', version: 'v3', ...withToken }, { env: env('3333333333333333333333333333333333333333', '300') })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(gh.requests.some((q) => q.path.includes(`/compare/${SHA_V2}...3333333`))).toBe(true)
  })
})

describe('two runs on one pair (invariant 7)', () => {
  function lockBy(run: string, ageMs: number): void {
    world.createOrUpdateTags([{ ResourceId: 'prod-web-blue', Key: 'blue-green:lock', Value: `${run} ${new Date(world.now() - ageMs).toISOString()}`, PropagateAtLaunch: false }])
  }

  it('the second run refuses and names the run that holds the pair', async () => {
    lockBy('https://github.com/octo-org/web/actions/runs/41', 30_000)
    const r = await runAction(world, { mode: 'deploy', version: 'v2' }, { env: env(SHA_V2, '42') })
    expect(r.failed).toBe(true)
    expect(r.outputs.state).toBe('refused')
    expect(r.errors.join('\n')).toMatch(/prod-web: another run is driving this pair: https:\/\/github\.com\/octo-org\/web\/actions\/runs\/41 \(last heartbeat 3\ds ago\)/)
    expect(world.group('prod-web-green').desired).toBe(0)
  })

  it('status shows which run drives the pair, and does not need the lock', async () => {
    lockBy('https://github.com/octo-org/web/actions/runs/41', 20_000)
    const r = await runAction(world, { mode: 'status' }, { env: env(SHA_V2, '42') })
    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('at-rest')
    expect(r.summary).toContain('Locked by https://github.com/octo-org/web/actions/runs/41 (last heartbeat 20s before this report): that run drives the pair')
  })

  it('a lock whose heartbeat stopped is taken over without anyone editing tags', async () => {
    lockBy('https://github.com/octo-org/web/actions/runs/41', 6 * 60_000)
    const r = await runAction(world, { mode: 'deploy', version: 'v2' }, { env: env(SHA_V2, '42') })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(r.log).toMatch(/taking over the lock of https:\/\/github\.com\/octo-org\/web\/actions\/runs\/41, whose last heartbeat was 6m ago/)
    expect(world.group('prod-web-blue').tags['blue-green:lock']).toBeUndefined()
  })

  it('with a token, a lock whose run GitHub reports completed is taken over at once', async () => {
    lockBy('https://github.com/octo-org/web/actions/runs/41', 10_000)
    gh.runs.set('41', 'completed')
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'github-token': 'ghs_example' }, { env: env(SHA_V2, '42') })
    expect(r.outputs.state).toBe('awaiting-finalize')
    expect(r.log).toMatch(/taking over the lock of .*runs\/41: GitHub reports that run completed/)
  })

  it('two deploys started together: one drives the pair, the other backs off', async () => {
    const [a, b] = await Promise.all([
      runAction(world, { mode: 'deploy', version: 'v2' }, { env: env(SHA_V2, '51') }),
      runAction(world, { mode: 'deploy', version: 'v2' }, { env: env(SHA_V2, '52') })
    ])
    // (Both runs share this process's output files, so read each run's own result.)
    const states = [a, b].map((r) => (r.result?.refusals.length ? 'refused' : r.result?.outcomes[0]?.state)).sort()
    expect(states).toEqual(['awaiting-finalize', 'refused'])
    const refused = a.result?.refusals.length ? a : b
    expect(refused.result?.refusals.join('\n')).toMatch(/another run (took the lock at the same moment|is driving this pair)/)
    expect(world.group('prod-web-green').desired).toBe(3)
  })
})
