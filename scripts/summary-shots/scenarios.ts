// The runs whose job summaries are rendered: each a real run of the action (`run` from src/main.ts, driven by
// test-support/harness.ts) against the simulated AWS, in virtual time with a fixed seed, so the same source
// gives the same markdown byte for byte. Each run checks the state it ends in, so a scenario that stops showing
// what its name says fails instead of rendering something else.
import { type ActionRun, runAction } from '../../test-support/harness.js'
import type { SimWorld } from '../../test-support/world.js'
import { addService, addWeightedService, newWorld } from '../../test-support/worlds.js'

export interface Scenario {
  /** File name stem under docs/summary/. */
  name: string
  /** One line for docs/summary/README.md. */
  line: string
  /** The summary of the run the scenario is about (earlier runs only set the stage). */
  summary(): Promise<string>
}

const SEED = 21

/** What GitHub gives a run (a run URL, a commit), fixed; no token, so the action calls no GitHub API. */
const GITHUB_ENV: Record<string, string> = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'example-org/web',
  GITHUB_SHA: '4f1c2d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
  GITHUB_ACTOR: 'release-bot'
}

/** Each run of a scenario is a workflow run of its own: 7001, 7002, … */
const runsOf = new WeakMap<SimWorld, number>()

/** The simulated account, seeded; the default realism (API latency, read lag, jitter) drawn from the seed. */
function world(): SimWorld {
  return newWorld({ seed: SEED })
}

/** A run of the action that must end in `state` (the `state` output) and fail or not as said. */
async function step(w: SimWorld, inputs: Record<string, string>, expect: { state: string; failed?: boolean }): Promise<ActionRun> {
  const n = (runsOf.get(w) ?? 0) + 1
  runsOf.set(w, n)
  const r = await runAction(w, inputs, { env: { ...GITHUB_ENV, GITHUB_RUN_ID: String(7000 + n) } })
  const failed = expect.failed ?? false
  if (r.outputs.state !== expect.state || r.failed !== failed) {
    throw new Error(
      `mode ${inputs.mode}: expected state ${expect.state}${failed ? ' (step failed)' : ''}, got ${r.outputs.state ?? 'none'}${r.failed ? ' (step failed)' : ''}` +
        (r.errors.length > 0 ? `: ${r.errors.join(' | ')}` : '')
    )
  }
  return r
}

const DEPLOY_V2 = { mode: 'deploy', version: 'v2' }

export const SCENARIOS: Scenario[] = [
  {
    name: 'deploy-weights',
    line: 'One pair that moves traffic by listener weights (a target group per color): deploy v2, awaiting finalize.',
    async summary() {
      const w = world()
      addWeightedService(w, { instances: 3, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
      w.startRequests({ perSecond: 10 })
      return (await step(w, DEPLOY_V2, { state: 'awaiting-finalize' })).summary
    }
  },
  {
    name: 'deploy-standby',
    line: 'One pair on a shared target group: deploy v2; the old instances wait in Standby, awaiting finalize.',
    async summary() {
      const w = world()
      addService(w, { instances: 3 })
      return (await step(w, DEPLOY_V2, { state: 'awaiting-finalize' })).summary
    }
  },
  {
    name: 'rollback',
    line: 'The Standby pair after deploy v2: rollback puts v1 back in service.',
    async summary() {
      const w = world()
      addService(w, { instances: 3 })
      await step(w, DEPLOY_V2, { state: 'awaiting-finalize' })
      return (await step(w, { mode: 'rollback' }, { state: 'rolled-back' })).summary
    }
  },
  {
    name: 'finalize',
    line: 'The Standby pair after deploy v2: finalize terminates the v1 instances.',
    async summary() {
      const w = world()
      addService(w, { instances: 3 })
      await step(w, DEPLOY_V2, { state: 'awaiting-finalize' })
      return (await step(w, { mode: 'finalize' }, { state: 'finalized' })).summary
    }
  },
  {
    name: 'deploy-never-healthy',
    line: 'A deploy of a version whose instances never pass health checks: aborted, v1 untouched, the step fails.',
    async summary() {
      const w = world()
      addService(w, { instances: 3 })
      w.setVersionHealth('v-bad', 'unhealthy')
      return (await step(w, { mode: 'deploy', version: 'v-bad', 'health-timeout': '30m' }, { state: 'aborted', failed: true })).summary
    }
  },
  {
    name: 'status',
    line: '`mode: status` on the Standby pair awaiting finalize after deploy v2.',
    async summary() {
      const w = world()
      addService(w, { instances: 3 })
      await step(w, DEPLOY_V2, { state: 'awaiting-finalize' })
      return (await step(w, { mode: 'status' }, { state: 'awaiting-finalize' })).summary
    }
  },
  {
    name: 'dry-run',
    line: 'A dry run of deploy v2 on the Standby pair: the plan, nothing changed.',
    async summary() {
      const w = world()
      addService(w, { instances: 3 })
      return (await step(w, { ...DEPLOY_V2, 'dry-run': 'true' }, { state: 'planned' })).summary
    }
  },
  {
    name: 'deploy-three-pairs',
    line: 'Three pairs (prod-api, prod-web, prod-worker) of one service deployed to v2 in one run.',
    async summary() {
      const w = world()
      for (const base of ['prod-api', 'prod-web', 'prod-worker']) addService(w, { base, instances: 2 })
      return (await step(w, DEPLOY_V2, { state: 'awaiting-finalize' })).summary
    }
  }
]
