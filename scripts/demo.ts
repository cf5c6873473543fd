// `npm run demo`: the action's main job, end to end, with no AWS account. Starts the simulated AWS on a
// loopback port (one service, prod-web-blue live on v1 with 3 instances, prod-web-green idle, a step
// scaling policy fired by a CloudWatch alarm and a scheduled action on the live group), then runs the
// committed bundle (`node dist/index.js`) exactly as a GitHub runner would, four times:
// deploy v2 → rollback → deploy v2 → finalize. Exits 0 only if every step did what it should.
import { PutScalingPolicyCommand, PutScheduledUpdateGroupActionCommand } from '@aws-sdk/client-auto-scaling'
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import { type BundleRun, runBundle } from '../test-support/bundle.js'
import { type SimServer, simClients, startSimServer } from '../packages/aws-sim/src/index.js'
import type { SimWorld } from '../test-support/world.js'
import { START, addService, addWeightedService, newWorld } from '../test-support/worlds.js'

/**
 * On Node older than 22 the AWS SDK warns, once per process, that its releases published after the first
 * week of January 2027 will require Node >= 22 (@aws-sdk/core, emitWarningIfUnsupportedVersion). That is
 * about SDK upgrades, not about this demo: the action runs on Node 24 on GitHub's runners (action.yml,
 * runs.using: node24), and this repository pins its SDK version in package-lock.json. So the demo says that
 * once, in its own words, and turns the SDK's warning off (its documented switch) for itself and the bundle.
 */
const NODE_MAJOR = Number(process.versions.node.split('.')[0])
const SDK_NODE_WARNING_OFF: Record<string, string> = NODE_MAJOR < 22 ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {}
Object.assign(process.env, SDK_NODE_WARNING_OFF)

/** Virtual seconds per real second: a 60 s launch takes 1 s, a 300 s deregistration delay 5 s. */
const SPEED = 60
const COMMON = { prefix: 'prod-', service: 'web', 'poll-interval': '1s', 'health-timeout': '10m' }
const WIDTH = Math.max(100, Math.min(process.stdout.columns ?? 140, 180))

interface Step {
  title: string
  inputs: Record<string, string>
  expect: { state: string; live: string; version: string }
}

const STEPS: Step[] = [
  { title: 'deploy v2', inputs: { mode: 'deploy', version: 'v2' }, expect: { state: 'awaiting-finalize', live: 'green', version: 'v2' } },
  { title: 'rollback', inputs: { mode: 'rollback' }, expect: { state: 'rolled-back', live: 'blue', version: 'v1' } },
  { title: 'deploy v2 again', inputs: { mode: 'deploy', version: 'v2' }, expect: { state: 'awaiting-finalize', live: 'green', version: 'v2' } },
  { title: 'finalize', inputs: { mode: 'finalize' }, expect: { state: 'finalized', live: 'green', version: 'v2' } }
]

// ------------------------------------------------------------------ the summary, for a terminal

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

function unescapeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
    return ENTITIES[e.toLowerCase()] ?? all
  })
}

function cellText(html: string): string {
  return unescapeEntities(html.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim()
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    for (let w = word; w.length > 0; ) {
      const room = line === '' ? width : width - line.length - 1
      if (w.length <= room) {
        line = line === '' ? w : `${line} ${w}`
        w = ''
      } else if (line !== '') {
        lines.push(line)
        line = ''
      } else {
        lines.push(w.slice(0, width))
        w = w.slice(width)
      }
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line)
  return lines
}

/** An HTML table as aligned text columns (long cells wrap), header underlined. */
export function renderTable(html: string, width = WIDTH): string[] {
  const rows = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].map((tr) =>
    [...(tr[1] ?? '').matchAll(/<t([hd])[^>]*>([\s\S]*?)<\/t\1>/gi)].map((c) => cellText(c[2] ?? ''))
  )
  if (rows.length === 0) return []
  const n = Math.max(...rows.map((r) => r.length))
  const natural = Array.from({ length: n }, (_, i) => Math.max(1, ...rows.map((r) => (r[i] ?? '').length)))
  // Shrink the widest columns until the table fits the terminal.
  const widths = [...natural]
  const budget = width - 2 * (n - 1)
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths))
    if ((widths[widest] ?? 0) <= 12) break
    widths[widest] = (widths[widest] ?? 0) - 1
  }
  const out: string[] = []
  rows.forEach((row, r) => {
    const cells = widths.map((w, i) => wrap(row[i] ?? '', w))
    const height = Math.max(...cells.map((c) => c.length))
    for (let l = 0; l < height; l++) out.push(cells.map((c, i) => (c[l] ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd())
    if (r === 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '))
  })
  return out
}

/** The job summary (Markdown with HTML tables and details) as plain, aligned terminal text. */
export function renderSummaryForTerminal(markdown: string, width = WIDTH): string {
  const out: string[] = []
  const text = markdown.replace(/<table[\s\S]*?<\/table>/gi, (t) => `\n\u0000${Buffer.from(t).toString('base64')}\n`)
  for (const raw of text.split('\n')) {
    if (raw.startsWith('\u0000')) {
      out.push(...renderTable(Buffer.from(raw.slice(1), 'base64').toString('utf8'), width).map((l) => `  ${l}`))
      continue
    }
    let line = raw
      .replace(/<summary>([\s\S]*?)<\/summary>/gi, '▸ $1')
      .replace(/<br\s*\/?>/gi, ' ')
      .replace(/<\/?[a-z][^>]*>/gi, '')
      .replace(/\*\*(.+?)\*\*/g, '$1')
      .replace(/^> \[!(\w+)\]$/, '> $1:')
    line = unescapeEntities(line)
    if (line.trim() === '' && (out.length === 0 || out[out.length - 1] === '')) continue
    out.push(line.trimEnd())
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop()
  return out.join('\n')
}

// ------------------------------------------------------------------ the world

/** `npm run demo -- --weights`: each color on a target group of its own, the ALB listener forwarding to both. */
const WEIGHTS = process.argv.includes('--weights')

async function buildWorld(): Promise<SimWorld> {
  const world = newWorld()
  if (WEIGHTS) {
    addWeightedService(world, { base: 'prod-web', instances: 3, version: 'v1', healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
    world.startRequests({ perSecond: 10 })
  } else {
    addService(world, { base: 'prod-web', instances: 3, version: 'v1' })
  }
  // Scaling that must follow the traffic: a step policy fired by a CloudWatch alarm, and a scheduled
  // action with a time zone, created over the wire like any AWS client would.
  const aws = simClients(world)
  try {
    const policy = await aws.autoScaling.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'prod-web-blue',
        PolicyName: 'cpu-step-out',
        PolicyType: 'StepScaling',
        AdjustmentType: 'ChangeInCapacity',
        MetricAggregationType: 'Average',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]
      })
    )
    await aws.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'prod-web-cpu-high',
        AlarmActions: [policy.PolicyARN ?? ''],
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        Statistic: 'Average',
        Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'prod-web-blue' }],
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold'
      })
    )
    await aws.autoScaling.send(
      new PutScheduledUpdateGroupActionCommand({
        AutoScalingGroupName: 'prod-web-blue',
        ScheduledActionName: 'weekday-morning-peak',
        StartTime: new Date(START + 7 * 86_400_000),
        Recurrence: '0 8 * * 1-5',
        TimeZone: 'Europe/Paris',
        MinSize: 3,
        DesiredCapacity: 4,
        MaxSize: 6
      })
    )
  } finally {
    aws.destroy()
  }
  return world
}

/** Where the scaling configuration is, read straight from the simulated account. */
function scalingWhereabouts(world: SimWorld): string[] {
  const lines: string[] = []
  for (const name of ['prod-web-blue', 'prod-web-green']) {
    const g = world.group(name)
    const policies = g.policies.map((p) => `${p.name} (${p.type})`)
    const scheduled = g.scheduledActions.map((s) => `${s.ScheduledActionName} (${s.Recurrence ?? 'once'}, ${s.TimeZone ?? 'UTC'})`)
    lines.push(`${name}: policies ${policies.join(', ') || 'none'}; scheduled ${scheduled.join(', ') || 'none'}`)
  }
  const alarm = [...world.alarms.values()].find((a) => a.AlarmName === 'prod-web-cpu-high')
  const actions = (alarm?.config['AlarmActions'] as string[] | undefined) ?? []
  const targets = actions.map((arn) => /autoScalingGroupName\/([^:]+):policyName\/(.+)$/.exec(arn)).map((m) => (m ? `${m[1]}/${m[2]}` : '?'))
  lines.push(`alarm prod-web-cpu-high fires: ${targets.join(', ') || 'nothing'}`)
  return lines
}

/** Where the scaling configuration should be: on the group that serves. */
function scalingFollows(world: SimWorld, live: string): string | undefined {
  const idle = live === 'prod-web-blue' ? 'prod-web-green' : 'prod-web-blue'
  const l = world.group(live)
  const i = world.group(idle)
  const alarm = [...world.alarms.values()].find((a) => a.AlarmName === 'prod-web-cpu-high')
  const actions = (alarm?.config['AlarmActions'] as string[] | undefined) ?? []
  const policy = l.policies.find((p) => p.name === 'cpu-step-out')
  if (!policy) return `the step scaling policy is not on ${live}`
  if (i.policies.length > 0) return `${idle} still has scaling policies`
  if (!actions.includes(policy.arn)) return `the alarm prod-web-cpu-high does not fire the policy on ${live}`
  const s = l.scheduledActions.find((x) => x.ScheduledActionName === 'weekday-morning-peak')
  if (!s) return `the scheduled action is not on ${live}`
  if (s.TimeZone !== 'Europe/Paris') return `the scheduled action lost its time zone (now ${s.TimeZone ?? 'none'})`
  if (i.scheduledActions.length > 0) return `${idle} still has scheduled actions`
  return undefined
}

/** After a rollback the new group drains (deregistration delay); the next deploy waits for that. */
async function waitForQuietGroups(world: SimWorld, timeoutMs: number): Promise<number> {
  const started = Date.now()
  const busy = (): boolean =>
    ['prod-web-blue', 'prod-web-green'].some((n) => world.group(n).instances.some((i) => !['InService', 'Standby'].includes(i.lifecycle)))
  while (busy() && Date.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 200))
  return Date.now() - started
}

// ------------------------------------------------------------------ the run

function header(text: string): void {
  console.log('')
  console.log('═'.repeat(Math.min(WIDTH, 100)))
  console.log(text)
  console.log('═'.repeat(Math.min(WIDTH, 100)))
}

function check(step: Step, r: BundleRun, world: SimWorld): string | undefined {
  if (r.code !== 0) return `${step.title} exited with code ${r.code}${r.errors.length > 0 ? `: ${r.errors.join(' / ')}` : ''}`
  const o = r.outputs
  if (o.state !== step.expect.state) return `${step.title} ended in state "${o.state ?? ''}", expected "${step.expect.state}"`
  if (o['live-color'] !== step.expect.live) return `${step.title} left "${o['live-color'] ?? ''}" live, expected "${step.expect.live}"`
  if (o.version !== step.expect.version) return `${step.title} reports version "${o.version ?? ''}", expected "${step.expect.version}"`
  const live = `prod-web-${step.expect.live}`
  const serving = world.group(live).instances.filter((i) => i.lifecycle === 'InService' && i.version === step.expect.version)
  if (serving.length !== 3) return `${step.title}: ${live} has ${serving.length} InService instance(s) of ${step.expect.version}, expected 3`
  const scaling = scalingFollows(world, live)
  if (scaling) return `${step.title}: scaling did not follow the traffic: ${scaling}`
  if (world.violations.length > 0) return `${step.title}: the simulator recorded invariant violations:\n${world.violations.join('\n')}`
  if (WEIGHTS) console.log(`requests served so far, by version: ${['v1', 'v2'].map((v) => `${v} ${world.servedBy({ version: v })}`).join(', ')}; failed: ${world.servedBy({ status: 503 })}`)
  return undefined
}

async function main(): Promise<number> {
  const world = await buildWorld()
  let server: SimServer | undefined
  const demoStarted = Date.now()
  const timings: string[] = []
  try {
    server = await startSimServer(world, { speed: SPEED })
    if (NODE_MAJOR < 22) {
      console.log(
        `Node ${process.version}: fine for this demo and the tests. On GitHub the action runs on Node 24 (runs.using: node24). ` +
          'The AWS SDK says its releases after the first week of January 2027 will need Node >= 22; this repository pins its SDK ' +
          'version (package-lock.json), so that warning is turned off here.'
      )
    }
    header(`Simulated AWS on ${server.url} (virtual time runs ${SPEED}× real time)`)
    console.log(
      WEIGHTS
        ? 'prod-web-blue serves v1 on 3 instances from target group prod-web-blue; prod-web-green is idle on target group prod-web-green; the ALB listener forwards to both (weights 1 and 0)'
        : 'prod-web-blue serves v1 on 3 instances; prod-web-green is idle; both sit behind target group prod-web'
    )
    console.log('(deregistration delay 300 s, health check every 10 s, healthy after 2 checks; an instance launches in 60 s).')
    for (const l of scalingWhereabouts(world)) console.log(`  ${l}`)

    for (const [n, step] of STEPS.entries()) {
      if (n > 0 && step.inputs.mode === 'deploy') {
        const waited = await waitForQuietGroups(world, 60_000)
        if (waited > 500) console.log(`\n(waited ${(waited / 1000).toFixed(1)} s for the drained instances to finish terminating before deploying again)`)
      }
      const inputs = { ...COMMON, ...step.inputs }
      header(`Step ${n + 1}/${STEPS.length}: ${step.title}   node dist/index.js with ${Object.entries(inputs).map(([k, v]) => `${k}=${v}`).join(' ')}`)
      world.setBaseline()
      const r = await runBundle({ endpoint: server.url, inputs, env: SDK_NODE_WARNING_OFF })
      timings.push(`${step.title} ${(r.durationMs / 1000).toFixed(1)} s`)
      console.log(`exit code: ${r.code}   (${(r.durationMs / 1000).toFixed(1)} s real, ${r.stdout.split('\n').filter((l) => l.trim() !== '').length} log lines)`)
      console.log('')
      console.log('outputs:')
      const nameWidth = Math.max(...Object.keys(r.outputs).map((k) => k.length))
      for (const [name, value] of Object.entries(r.outputs)) {
        const [first, ...rest] = value.split('\n')
        console.log(`  ${name.padEnd(nameWidth)} = ${first ?? ''}`)
        for (const more of rest) console.log(`  ${' '.repeat(nameWidth)}   ${more}`)
      }
      console.log('')
      console.log('job summary:')
      console.log(
        renderSummaryForTerminal(r.summary)
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n')
      )
      console.log('')
      console.log('scaling, as the simulated account now has it:')
      for (const l of scalingWhereabouts(world)) console.log(`  ${l}`)
      const problem = check(step, r, world)
      if (problem) {
        if (r.stderr.trim() !== '') console.log(`\nstderr of the step:\n${r.stderr}`)
        console.log(`\nDEMO FAILED: ${problem}`)
        return 1
      }
      console.log(`\n✔ ${step.title}: ${step.expect.state}, ${step.expect.version} serves from prod-web-${step.expect.live}`)
    }

    const lost = world.lostInstances()
    if (lost.length > 0) {
      console.log(`\nDEMO FAILED: ${lost.length} instance(s) left running outside any group: ${lost.map((i) => i.id).join(', ')}`)
      return 1
    }
    // Weights: finalize scales blue in; Auto Scaling terminates its instances once they have drained.
    if (WEIGHTS) await waitForQuietGroups(world, 30_000)
    const v1 = [...world.instances.values()].filter((i) => i.version === 'v1')
    const v1Gone = v1.every((i) => i.ec2State === 'terminated' || i.ec2State === 'shutting-down')
    if (!v1Gone) {
      console.log('\nDEMO FAILED: finalize left v1 instances running')
      return 1
    }
    header('Recap')
    console.log(
      wrap(
        'The bundled action (node dist/index.js, run as a GitHub runner runs it: INPUT_* variables, GITHUB_OUTPUT and ' +
          'GITHUB_STEP_SUMMARY files) deployed v2 to the idle green group and cut over only once its 3 instances were healthy, ' +
          (WEIGHTS
            ? "by one weight write on the listener, blue's 3 v1 instances staying in service at weight 0; the rollback gave them the " +
              'weight back in one more write and returned green to idle; the second deploy of v2 cut over again, and finalize scaled blue in, leaving it idle for '
            : "parking blue's 3 v1 instances in Standby; the rollback put those same v1 instances back in service and returned " +
              'green to idle; the second deploy of v2 cut over again, and finalize terminated the v1 instances, leaving blue idle for ') +
          `the next release. Each step was a new process that knew only the prefix and image name: everything else came from AWS ` +
          `tags${WEIGHTS ? ', listener weights' : ''} and lifecycle states. The step scaling policy (with its CloudWatch alarm re-pointed) and the scheduled action ` +
          `(time zone kept) followed the traffic at every step, healthy capacity never dropped below 3, and the simulator ` +
          `recorded no invariant violation. Steps: ${timings.join(', ')}; the whole demo took ${((Date.now() - demoStarted) / 1000).toFixed(1)} s.`,
        Math.min(WIDTH, 100)
      ).join('\n')
    )
    return 0
  } catch (err) {
    console.log(`\nDEMO FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    return 1
  } finally {
    await server?.close()
  }
}

process.exitCode = await main()
