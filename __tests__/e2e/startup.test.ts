// Issue 9 (cold start): the bundle loads the EC2 and CloudWatch clients and Octokit only when a run needs
// them (the EC2 client alone is about 2 MB of the 4.8 MB a single-file bundle had). Proven on a copy of the
// committed bundle without the EC2 chunk: a status from rest still succeeds (it never calls EC2), and a
// deploy, which must (it checks the new instances' version tags before cutover), fails.
// Issue 22 (cold start against configure-aws-credentials): the inputs are read before any AWS client module
// loads. The Auto Scaling and ELBv2 clients come with the run's own chunk, loaded once the inputs are valid;
// the STS client only with `role-to-assume`.
import { afterEach, describe, expect, it } from '@jest/globals'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BUNDLE, runBundle } from '../../test-support/bundle.js'
import { type SimServer, startSimServer } from '../../packages/aws-sim/src/index.js'
import { addService, newWorld } from '../../test-support/worlds.js'

const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '2m' }
const DIST = path.dirname(BUNDLE)

let server: SimServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** The dist/ chunk files (besides index.js) whose code contains `marker`. */
function chunksWith(marker: string): string[] {
  return fs.readdirSync(DIST).filter((f) => f !== 'index.js' && f.endsWith('.js') && fs.readFileSync(path.join(DIST, f), 'utf8').includes(marker))
}

describe('the bundle loads what a run needs, when it needs it', () => {
  // Markers: names only the package's own code contains (commands and endpoints the action never calls).
  it.each([
    ['the EC2 client', 'DescribeVpcsCommand'],
    ['the CloudWatch client', 'PutDashboardCommand'],
    ['the Classic Load Balancing client', 'CreateLBCookieStickinessPolicyCommand'],
    ['Octokit', 'getBranchProtection'],
    ['the Auto Scaling client', 'PutWarmPoolCommand'],
    ['the ELBv2 client', 'DescribeTrustStoresCommand'],
    ['the STS client', 'GetFederationTokenCommand']
  ])('%s is in a chunk of its own, not in the entry file', (_what, marker) => {
    expect(fs.readFileSync(BUNDLE, 'utf8')).not.toContain(marker)
    expect(chunksWith(marker)).toHaveLength(1)
  })

  /** A copy of dist/ without the chunks that contain any of the markers; its entry file's path. */
  function distWithout(markers: string[]): string {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-dist-'))
    copies.push(copy)
    for (const f of fs.readdirSync(DIST)) fs.copyFileSync(path.join(DIST, f), path.join(copy, f))
    for (const f of markers.flatMap(chunksWith)) fs.rmSync(path.join(copy, f), { force: true })
    return path.join(copy, 'index.js')
  }
  const copies: string[] = []
  afterEach(() => {
    for (const c of copies.splice(0)) fs.rmSync(c, { recursive: true, force: true })
  })

  it('a refused input is reported without any AWS client module: the bundle without them refuses it the same way', async () => {
    const bundle = distWithout(['PutWarmPoolCommand', 'DescribeTrustStoresCommand', 'GetFederationTokenCommand', 'DescribeVpcsCommand'])
    const r = await runBundle({ endpoint: 'http://127.0.0.1:9', inputs: { ...COMMON, mode: 'not-a-mode' }, bundle })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`Input 'mode' is invalid: "not-a-mode"`)
    expect(r.stdout).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|ENOENT/)
    // The same copy cannot run a valid input: the run's chunk is what it lacks.
    const valid = await runBundle({ endpoint: 'http://127.0.0.1:9', inputs: { ...COMMON, mode: 'status' }, bundle })
    expect(valid.code).toBe(1)
    expect(valid.stdout).toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|ENOENT/)
  })

  it('a status on the runner\'s credentials (no role-to-assume) runs without the STS chunk', async () => {
    const bundle = distWithout(['GetFederationTokenCommand'])
    const world = newWorld()
    addService(world, { instances: 2 })
    server = await startSimServer(world, { speed: 60 })
    const status = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'status' }, bundle })
    expect(status.code).toBe(0)
    expect(status.outputs.state).toBe('at-rest')
  })

  it('a status runs without the EC2 chunk; a deploy needs it (the version check before cutover)', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-dist-'))
    try {
      for (const f of fs.readdirSync(DIST)) fs.copyFileSync(path.join(DIST, f), path.join(copy, f))
      for (const f of chunksWith('DescribeVpcsCommand')) fs.rmSync(path.join(copy, f))
      const world = newWorld()
      addService(world, { instances: 2 })
      server = await startSimServer(world, { speed: 60 })
      const bundle = path.join(copy, 'index.js')
      const status = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'status' }, bundle })
      expect(status.code).toBe(0)
      expect(status.outputs.state).toBe('at-rest')
      expect(world.calls.some((c) => c.service === 'ec2')).toBe(false)
      const deploy = await runBundle({ endpoint: server.url, inputs: { ...COMMON, mode: 'deploy', version: 'v2' }, bundle })
      expect(deploy.code).toBe(1)
      expect(deploy.stdout).toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|ENOENT/)
    } finally {
      fs.rmSync(copy, { recursive: true, force: true })
    }
  })
})
