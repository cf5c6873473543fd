// The walkthrough of docs/GETTING-STARTED.md, run on a simulated AWS built from the starter kit's
// CloudFormation template: start the first version, look at the pair, ship v2, approve (finalize), ship v3,
// roll back. On a standby stack (TrafficSwitch=standby: both colors on one target group), the topology the
// guide's figures show: the template's default, weights, is being built in the action's src/, and the
// simulated AWS has no listeners yet. The guide's figures come from this script (run it:
// npx tsx test-support/starter/walkthrough.ts, it prints each step's log, outputs and job summary);
// __tests__/starter/getting-started.test.ts checks that what the guide quotes is still what the action prints.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateOrUpdateTagsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling'
import { runAction, type ActionRun } from '../harness.js'
import { simClients } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../world.js'
import { newWorld } from '../worlds.js'
import { buildWorld, loadTemplate, stackOf } from './cfn.js'

const github = (ref: string, run: number, sha: string): Record<string, string> => ({
  GITHUB_REPOSITORY: 'OWNER/REPO',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: String(run),
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: sha,
  GITHUB_ACTOR: 'octocat',
  GITHUB_REF_NAME: ref,
  GITHUB_WORKFLOW: 'release'
})

export const STEPS: [string, Record<string, string>, Record<string, string>][] = [
  ['status', { mode: 'status' }, github('main', 100, 'a'.repeat(40))],
  ['deploy v2', { mode: 'deploy', version: 'v2' }, github('v2', 101, 'b'.repeat(40))],
  ['finalize', { mode: 'finalize' }, github('v2', 101, 'b'.repeat(40))],
  ['deploy v3', { mode: 'deploy', version: 'v3' }, github('v3', 102, 'c'.repeat(40))],
  ['rollback', { mode: 'rollback' }, github('v3', 102, 'c'.repeat(40))]
]

export async function runWalkthrough(world: SimWorld = newWorld({ seed: 12 })): Promise<{ world: SimWorld; runs: [string, ActionRun][] }> {
  const built = buildWorld(world, stackOf(loadTemplate(), { TrafficSwitch: 'standby' }))
  const blue = built.groups.BlueGroup as string
  const clients = simClients(world)
  try {
    // start-first-version.sh prod-web v1 2
    await clients.autoScaling.send(
      new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: blue, ResourceType: 'auto-scaling-group', Key: 'docker:image:version', Value: 'v1', PropagateAtLaunch: true }] })
    )
    await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: blue, MinSize: 2, DesiredCapacity: 2 }))
    world.advance(5 * 60_000)
    const runs: [string, ActionRun][] = []
    for (const [title, inputs, env] of STEPS) {
      world.setBaseline()
      runs.push([title, await runAction(world, { ...inputs, 'github-token': '' }, { env })])
    }
    return { world, runs }
  } finally {
    clients.destroy()
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { world, runs } = await runWalkthrough()
  for (const [title, run] of runs) {
    console.log(`\n======== ${title}: ${run.failed ? 'FAILED' : 'ok'}\n-------- log`)
    console.log(run.log.trimEnd())
    console.log('-------- outputs')
    for (const [k, v] of Object.entries(run.outputs)) console.log(`${k}=${v}`)
    console.log('-------- summary')
    console.log(run.summary.trimEnd())
  }
  world.assertNoViolations()
}
