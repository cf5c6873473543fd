// The walkthrough of docs/GETTING-STARTED.md, run on a simulated AWS built from the starter kit's
// CloudFormation template: start the first version, look at the pair, ship v2, approve (finalize), ship v3,
// roll back. On the template's default stack (TrafficSwitch weights: each color on its own target group,
// the load balancer's listener forwarding to both with weights), with requests flowing through that
// listener from the moment v1 serves; `params` gives another stack (TrafficSwitch=standby). The guide's
// figures come from this script (run it: npx tsx test-support/starter/walkthrough.ts [standby], it prints
// each step's log, outputs and job summary); __tests__/starter/getting-started.test.ts checks that what the
// guide quotes is still what the action prints, and what a user of the stack sees after each step.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateOrUpdateTagsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling'
import { runAction, type ActionRun } from '../harness.js'
import { simClients } from '../../packages/aws-sim/src/index.js'
import type { SimWorld } from '../world.js'
import { newWorld } from '../worlds.js'
import { buildWorld, loadTemplate, stackOf, type BuiltStack } from './cfn.js'

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

/** The listener's weights propagate to the requests within 1.5 s of a write (the simulator): look after that. */
const LOOK_AFTER_MS = 2_000

/** What a user of the stack sees once a step's job has ended. */
export interface Seen {
  /** The weights that apply to the requests of each listener (by logical id), by target group name. */
  weights: Record<string, Record<string, number>>
  /** Each group's instances as `<id> <lifecycle state>` (sorted), by group name. */
  instances: Record<string, string[]>
}

export interface WalkthroughStep {
  title: string
  run: ActionRun
  /** Virtual time at the start and the end of the step's run. */
  startedAt: number
  endedAt: number
  /** LOOK_AFTER_MS after the run ended. */
  seen: Seen
}

export async function runWalkthrough(
  world: SimWorld = newWorld({ seed: 12 }),
  params: Record<string, string> = {}
): Promise<{ world: SimWorld; built: BuiltStack; runs: [string, ActionRun][]; steps: WalkthroughStep[] }> {
  const built = buildWorld(world, stackOf(loadTemplate(), params))
  const blue = built.groups.BlueGroup as string
  const clients = simClients(world)
  const look = (): Seen => ({
    weights: Object.fromEntries(Object.entries(built.listeners).map(([id, arn]) => [id, world.forwardWeights(arn)])),
    instances: Object.fromEntries(Object.values(built.groups).map((g) => [g, world.group(g).instances.map((i) => `${i.id} ${i.lifecycle}`).sort()]))
  })
  try {
    // start-first-version.sh prod-web v1 2
    await clients.autoScaling.send(
      new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: blue, ResourceType: 'auto-scaling-group', Key: 'docker:image:version', Value: 'v1', PropagateAtLaunch: true }] })
    )
    await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: blue, MinSize: 2, DesiredCapacity: 2 }))
    world.advance(5 * 60_000)
    // Clients use the service from now on: every listener route gets requests each virtual second.
    world.startRequests({ perSecond: 10 })
    const steps: WalkthroughStep[] = []
    for (const [title, inputs, env] of STEPS) {
      world.setBaseline()
      const startedAt = world.now()
      const run = await runAction(world, { ...inputs, 'github-token': '' }, { env })
      const endedAt = world.now()
      world.advance(LOOK_AFTER_MS)
      steps.push({ title, run, startedAt, endedAt, seen: look() })
    }
    return { world, built, runs: steps.map((s) => [s.title, s.run]), steps }
  } finally {
    clients.destroy()
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const switchTo = process.argv[2]
  const { world, steps } = await runWalkthrough(undefined, switchTo ? { TrafficSwitch: switchTo } : {})
  for (const { title, run, seen } of steps) {
    console.log(`\n======== ${title}: ${run.failed ? 'FAILED' : 'ok'}\n-------- log`)
    console.log(run.log.trimEnd())
    console.log('-------- outputs')
    for (const [k, v] of Object.entries(run.outputs)) console.log(`${k}=${v}`)
    console.log('-------- summary')
    console.log(run.summary.trimEnd())
    console.log('-------- seen 2 s later')
    console.log(JSON.stringify(seen))
  }
  world.assertNoViolations()
}
