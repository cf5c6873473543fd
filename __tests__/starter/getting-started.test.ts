// docs/GETTING-STARTED.md quotes what the action prints at each step of the walkthrough. This runs the
// walkthrough (test-support/starter/walkthrough.ts: a world built from the CloudFormation template's default
// stack, TrafficSwitch weights, the first version started and requests flowing through the listener, then
// status, deploy v2, finalize, deploy v3, rollback) and checks that every log line, output, job summary row
// and "Next:" line the guide quotes is one the action printed, so the guide cannot drift from the code; and
// that each step leaves what the guide says a user sees: the listener's weights, the old instances, which
// version the requests reached.
import fs from 'node:fs'
import { beforeAll, describe, expect, it } from '@jest/globals'
import type { SimWorld } from '../../test-support/world.js'
import { runWalkthrough, type WalkthroughStep } from '../../test-support/starter/walkthrough.js'

const GUIDE = fs.readFileSync('docs/GETTING-STARTED.md', 'utf8')
/** The guide's fenced blocks without a language (what a step prints), as lists of lines. */
function printedBlocks(): string[][] {
  const blocks: string[][] = []
  let current: string[] | undefined
  let inOther = false
  for (const line of GUIDE.split('\n')) {
    if (line.startsWith('```')) {
      if (current) {
        blocks.push(current)
        current = undefined
      } else if (inOther) inOther = false
      else if (line === '```') current = []
      else inOther = true
    } else if (current) current.push(line)
  }
  return blocks
}
const printed = printedBlocks().flat().filter((l) => l.trim() !== '')
/** Instance ids and times differ from run to run on real AWS; the guide's must match the run's in shape. */
const norm = (s: string): string =>
  s
    .replace(/i-[0-9a-f]{17}/g, 'i-ID')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'TIME')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, 'TIME')
    .trim()

let world: SimWorld
let steps: WalkthroughStep[]
beforeAll(async () => {
  ;({ world, steps } = await runWalkthrough())
}, 120_000)

const step = (title: string): WalkthroughStep => {
  const s = steps.find((x) => x.title === title)
  if (!s) throw new Error(`no step ${title}`)
  return s
}
/** When the step's run first had a weight write accepted (the cutover, or the rollback's switch back). */
const weightWrite = (s: WalkthroughStep): number => {
  const c = world.calls.find((x) => x.time >= s.startedAt && x.time <= s.endedAt && x.ok && (x.operation === 'ModifyListener' || x.operation === 'ModifyRule'))
  if (!c) throw new Error(`${s.title}: no weight write`)
  return c.time
}
/** Requests reach the listener's new weights within 1.5 s of a write (the simulator's propagation). */
const APPLIED_MS = 1_500
const BLUE = 'prod-web-blue'
const GREEN = 'prod-web-green'
const inService = (ids: string[]): string[] => ids.filter((i) => i.endsWith(' InService'))

describe('docs/GETTING-STARTED.md', () => {
  it('walks through a cycle that works: each step ends as the guide says, on a pair that moves traffic by weights', () => {
    expect(steps.map(({ title, run }) => `${title}: ${run.failed ? 'failed' : run.outputs.state}`)).toEqual([
      'status: at-rest',
      'deploy v2: awaiting-finalize',
      'finalize: finalized',
      'deploy v3: awaiting-finalize',
      'rollback: rolled-back'
    ])
    for (const { run } of steps) expect(JSON.parse(run.outputs.pairs ?? '[]')[0]).toMatchObject({ traffic: 'weights' })
  })

  it('deploy: no request reaches v2 before the cutover; then the listener gives green all the weight and the v1 instances stay InService', () => {
    const before = step('status').seen
    const after = step('deploy v2').seen
    expect(before.weights).toEqual({ Listener: { 'prod-web': 1, 'prod-web-green': 0 } })
    expect(after.weights).toEqual({ Listener: { 'prod-web': 0, 'prod-web-green': 1 } })
    // The same two v1 instances, still in service (no Standby), next to two new ones.
    expect(inService(before.instances[BLUE] ?? [])).toHaveLength(2)
    expect(after.instances[BLUE]).toEqual(before.instances[BLUE])
    expect(inService(after.instances[GREEN] ?? [])).toHaveLength(2)
    expect(world.calls.some((c) => c.operation === 'EnterStandby')).toBe(false)
    const deploy = step('deploy v2')
    const cutover = weightWrite(deploy)
    expect(world.servedBy({ version: 'v1', since: deploy.startedAt, until: cutover })).toBeGreaterThan(0)
    expect(world.servedBy({ version: 'v2', until: cutover })).toBe(0)
    expect(world.servedBy({ version: 'v1', since: cutover + APPLIED_MS, until: step('finalize').endedAt })).toBe(0)
    expect(world.servedBy({ version: 'v2', since: cutover + APPLIED_MS, until: step('finalize').endedAt })).toBeGreaterThan(0)
  })

  it('finalize: the weights stay, blue scales to idle; the next deploy goes to blue by weights, v3 reached only after its cutover', () => {
    const f = step('finalize').seen
    expect(f.weights).toEqual({ Listener: { 'prod-web': 0, 'prod-web-green': 1 } })
    expect(inService(f.instances[BLUE] ?? [])).toEqual([])
    const deploy = step('deploy v3')
    expect(deploy.seen.weights).toEqual({ Listener: { 'prod-web': 1, 'prod-web-green': 0 } })
    expect(deploy.seen.instances[GREEN]).toEqual(f.instances[GREEN])
    expect(world.servedBy({ version: 'v3', until: weightWrite(deploy) })).toBe(0)
  })

  it('rollback: green gets the weight back and its v2 instances, which never left service, take every request; no request failed all along', () => {
    const deploy = step('deploy v3')
    const rollback = step('rollback')
    expect(rollback.seen.weights).toEqual({ Listener: { 'prod-web': 0, 'prod-web-green': 1 } })
    expect(rollback.seen.instances[GREEN]).toEqual(deploy.seen.instances[GREEN])
    expect(inService(rollback.seen.instances[GREEN] ?? [])).toHaveLength(2)
    const back = weightWrite(rollback)
    expect(world.servedBy({ version: 'v3', since: weightWrite(deploy) + APPLIED_MS, until: rollback.startedAt })).toBeGreaterThan(0)
    expect(world.servedBy({ version: 'v3', since: back + APPLIED_MS })).toBe(0)
    expect(world.servedBy({ version: 'v2', since: back + APPLIED_MS })).toBeGreaterThan(0)
    expect(world.calls.some((c) => c.operation === 'ExitStandby')).toBe(false)
    // Every request of the walkthrough was answered by an instance.
    expect(world.requests.length).toBeGreaterThan(1_000)
    expect(world.requests.filter((r) => r.status !== 200)).toEqual([])
  })

  it('quotes only log lines the action printed', () => {
    const logLines = new Set(steps.flatMap(({ run }) => run.log.split('\n').map(norm)))
    const quoted = printed.filter((l) => /^\s+prod-web: /.test(l) || /^(deploy|finalize|rollback|status) of web /.test(l))
    expect(quoted.length).toBeGreaterThan(20)
    expect(quoted.map(norm).filter((l) => !logLines.has(l))).toEqual([])
  })

  it('quotes only outputs the action set, each from the step it describes', () => {
    const outputs = steps.map(({ run }) => new Set(Object.entries(run.outputs).map(([k, v]) => norm(`${k}=${v}`))))
    const blocks = printedBlocks()
      .map((b) => b.filter((l) => /^[a-z-]+=/.test(l)))
      .filter((b) => b.length > 0)
    expect(blocks.length).toBe(4)
    for (const block of blocks) {
      // Some step printed every line of the block.
      expect(outputs.some((set) => block.every((l) => set.has(norm(l))))).toBe(true)
    }
  })

  it('quotes the job summary\'s table rows as the action wrote them', () => {
    // The summary writes its tables in HTML; the guide quotes them as Markdown tables (same cells).
    const cells = (row: string, tag: string): string => [...row.matchAll(new RegExp(`<${tag}>(.*?)</${tag}>`, 'g'))].map((m) => norm(m[1] as string)).join(' | ')
    const written = new Set(
      steps.flatMap(({ run }) => [...run.summary.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => m[1] as string).map((r) => cells(r, r.includes('<th>') ? 'th' : 'td')))
    )
    const quoted = [...GUIDE.matchAll(/^> \| (.*) \|$/gm)].map((m) => m[1] as string).filter((r) => !/^[-| ]+$/.test(r))
    expect(quoted.length).toBeGreaterThanOrEqual(3)
    expect(quoted.map((r) => r.split(' | ').map(norm).join(' | ')).filter((r) => !written.has(r))).toEqual([])
  })

  it('quotes only boot log lines the boot script prints (its log lines, with a value for each variable)', () => {
    const script = fs.readFileSync('examples/user-data/boot.sh', 'utf8')
    const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const formats = [...script.matchAll(/^\s*log "([^"]+)"/gm)].map((m) => new RegExp(`^boot: ${m[1]?.split(/\$[A-Z_]+/).map(escape).join('\\S+')}$`))
    expect(formats.length).toBeGreaterThanOrEqual(4)
    const quoted = printed.filter((l) => l.startsWith('boot: ') && !l.startsWith('boot: FAILED'))
    expect(quoted.length).toBeGreaterThanOrEqual(4)
    expect(quoted.filter((l) => !formats.some((f) => f.test(l)))).toEqual([])
    // The failures it quotes inline are the script's own messages.
    const failures = [...script.matchAll(/fail "([^"]+)"/g)].map((f) => new RegExp(`^${(f[1] as string).split(/\$[A-Z_]+/).map(escape).join('\\S+')}$`))
    const inline = [...GUIDE.matchAll(/`boot: FAILED: ([^`]+)`/g)].map((m) => m[1] as string)
    expect(inline.length).toBeGreaterThanOrEqual(2)
    expect(inline.filter((l) => !failures.some((f) => f.test(l)))).toEqual([])
  })

  it('documents the version shape the boot script accepts, in the order a new user needs it, with the action\'s current input names', () => {
    const script = fs.readFileSync('examples/user-data/boot.sh', 'utf8')
    expect(script).toContain('[[ "$VERSION" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]')
    expect(script).toContain('[[ "$VERSION" =~ ^sha256:[0-9a-f]{64}$ ]]')
    expect(GUIDE).toContain('`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`')
    expect(GUIDE).toContain('`sha256:<64 lowercase hex>`')
    // The action's status output is shown once a workflow exists to run it (step 3), not before.
    const at = (heading: string): number => GUIDE.indexOf(heading)
    expect(at('## 3. Add the workflows')).toBeGreaterThan(0)
    expect(GUIDE.indexOf('state=at-rest')).toBeGreaterThan(at('## 3. Add the workflows'))
    // The image is pushed before the tag that deploys it, and the workflow's placeholder build is removed.
    const step4 = GUIDE.slice(at('## 4. Ship a version'), at('## 5. Approve'))
    expect(step4.indexOf('docker push')).toBeGreaterThan(0)
    expect(step4.indexOf('docker push')).toBeLessThan(step4.indexOf('git push origin v2'))
    // Instances are reachable through the EC2 API only (no key, no SSM unless asked).
    expect(GUIDE).toContain('aws ec2 get-console-output --instance-id')
    expect(GUIDE).toContain('aws ssm start-session --target')
    expect(GUIDE).toContain('## Tear down')
    expect(GUIDE).toContain('aws cloudformation delete-stack --stack-name prod-web')
    // The input renames: service, service-tag-key, boot-grace.
    expect(GUIDE).not.toMatch(/image-name|boot-time/)
    expect(GUIDE).toContain('`service: web`')
  })

  it('quotes the job summaries\' verdict lines as they are', () => {
    const summaries = steps.map(({ run }) => run.summary).join('\n')
    const quoted = [...GUIDE.matchAll(/^> ((?:⏸️|✅|↩️) \*\*prod-web: .*)$/gmu)].map((m) => m[1] as string)
    expect(quoted.length).toBe(3)
    for (const q of quoted) expect(summaries).toContain(q)
  })
})
