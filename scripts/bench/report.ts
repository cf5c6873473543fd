// The bench's markdown: every measured value beside its goal, with ✓ / ✗.
import { type SwitchFigures, switchTable } from './traffic-switch.js'
import type { ColdStartFigures, Median, SdkVersions } from './coldstart.js'
import type { BenchSettings, ModeFigures, ScenarioFigures } from './scenario.js'

export interface BenchReport {
  settings: BenchSettings
  commit: string
  node: string
  date: string
  /** Rate limits off: the action against the AWS floor. */
  scenarios: ScenarioFigures[]
  /** The same scenarios with the simulator's per-API rate limits enforced. */
  throttled: ScenarioFigures[]
  /** The rollback figure of both topologies (issue 20), for the rows it is measured for. */
  switches: SwitchFigures[]
  cold?: ColdStartFigures & { runs: number; timeoutMs: number; sdk: SdkVersions | undefined }
  realMs: number
  /** os.loadavg() at the start and the end: the machine is shared, cold-start times move with its load. */
  load: { start: number[]; end: number[]; cpus: number }
}

const sec = (ms: number | undefined, digits = 1): string => (ms === undefined || Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(digits)} s`)
const mark = (ok: boolean): string => (ok ? '✓' : '✗')
const label = (f: ScenarioFigures): string => `${f.scenario.pairs} × ${f.scenario.instances}`

function opList(byOp: Record<string, number>, limit = 99): string {
  const entries = Object.entries(byOp).sort(([, a], [, b]) => b - a)
  const shown = entries.slice(0, limit).map(([op, n]) => `${op} ${n}`)
  return entries.length > limit ? `${shown.join(', ')}, …` : shown.join(', ') || '—'
}

export function timeTable(r: BenchReport): string {
  const goalOverhead = r.settings.pollSeconds * 1000 + 1000
  const rows = [
    `| pairs × instances | mode | result | end-to-end | AWS floor (from the simulation) | overhead (goal ≤ ${sec(goalOverhead, 0)}) | cutover lag (goal < 2 s) | rollback − floor (goal ≤ 2 s) | bench real time |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const f of r.scenarios) {
    for (const m of f.modes) {
      const result = m.failed ? `✗ failed: ${(m.errors[0] ?? '').slice(0, 80)}` : m.violations.length > 0 || m.lost > 0 ? `✗ ${m.violations.length} violation(s), ${m.lost} lost` : '✓ succeeded'
      const action = m.cutoverActionMs === undefined ? '' : `; the action's part ${sec(m.cutoverActionMs)} ${mark(m.cutoverActionMs < 2000)}`
      const cut = m.cutoverLagMs === undefined ? '' : `${sec(m.cutoverLagMs)} ${mark(m.cutoverLagMs < 2000)} (seen after ${sec(m.detectMs)}${action})`
      const rb = m.mode === 'rollback' ? `${sec(m.overheadMs)} ${mark(m.overheadMs <= 2000)}` : ''
      rows.push(
        `| ${label(f)} | ${m.mode}${m.mode === 'deploy' ? (m.waitedDrain ? ' (waits for the drain)' : ' (ends when traffic moved)') : ''} | ${result} | ${sec(m.durationMs)} | ${sec(m.floorMs)}: ${m.floorParts} | ${sec(m.overheadMs)} ${mark(m.overheadMs <= goalOverhead)} | ${cut} | ${rb} | ${sec(m.realMs)} |`
      )
    }
  }
  return rows.join('\n')
}

export function callTable(r: BenchReport): string {
  const rows = [
    '| pairs × instances | mode | API calls | describes per pair per poll (health wait) | rate limits on: throttled calls | rate limits on: finished (goal: every run) | rate limits on: end-to-end |',
    '| --- | --- | --- | --- | --- | --- | --- |'
  ]
  const all = [...r.scenarios, ...r.throttled.filter((t) => !r.scenarios.some((f) => f.scenario.pairs === t.scenario.pairs && f.scenario.instances === t.scenario.instances))]
  for (const f of all) {
    const t = r.throttled.find((x) => x.scenario.pairs === f.scenario.pairs && x.scenario.instances === f.scenario.instances)
    for (const m of f.modes) {
      const perPoll = m.perPoll ? `${m.perPoll.total} (${opList(m.perPoll.byOperation)}; ${m.perPoll.polls} polls)` : '—'
      const tm = t?.modes.find((x) => x.mode === m.mode)
      const timed = r.scenarios.includes(f)
      const throttled = !t ? 'not run' : !tm ? 'not reached (deploy failed)' : `${tm.throttled}${tm.throttled > 0 ? ` (${opList(tm.throttledByOperation)})` : ''}`
      const finished = !t ? '' : !tm ? '✗' : tm.failed ? `✗ ${(tm.errors[0] ?? '').slice(0, 90)}` : '✓'
      rows.push(`| ${label(f)} | ${m.mode} | ${timed ? `${m.calls} (${opList(m.callsByOperation, 4)})` : '(no timing pass)'} | ${timed ? perPoll : ''} | ${throttled} | ${finished} | ${tm ? sec(tm.durationMs) : ''} |`)
    }
  }
  return rows.join('\n')
}

/** Whether describes per poll stay constant as instances grow (the largest single-pair row against the smallest with ≥ 20). */
export function scalingLine(r: BenchReport): string {
  const single = r.scenarios.filter((f) => f.scenario.pairs === 1 && f.scenario.instances >= 20).sort((a, b) => a.scenario.instances - b.scenario.instances)
  const small = single[0]
  const big = single[single.length - 1]
  if (!small || !big || small === big) return 'Describes per poll against instance count: needs two single-pair rows with ≥ 20 instances.'
  const lines: string[] = []
  for (const mode of ['deploy', 'rollback'] as const) {
    const a = small.modes.find((m) => m.mode === mode)?.perPoll
    const b = big.modes.find((m) => m.mode === mode)?.perPoll
    if (!a || !b) continue
    const growth = Object.keys({ ...a.byOperation, ...b.byOperation })
      .filter((op) => (b.byOperation[op] ?? 0) > (a.byOperation[op] ?? 0) * 1.2 + 0.1)
      .map((op) => `${op} ${a.byOperation[op] ?? 0} → ${b.byOperation[op] ?? 0}`)
    lines.push(
      `- ${mode}: ${a.total} describes per pair per poll at ${label(small)}, ${b.total} at ${label(big)} ${mark(growth.length === 0)}${growth.length > 0 ? ` (grows: ${growth.join(', ')})` : ' (constant)'}`
    )
  }
  return lines.join('\n')
}

export function parallelismTable(r: BenchReport): string {
  const rows = ['| pairs × instances | deploy end-to-end | one pair × same instances | ratio (goal ≤ 1.2) |', '| --- | --- | --- | --- |']
  for (const f of r.scenarios.filter((x) => x.scenario.pairs > 1)) {
    const one = r.scenarios.find((x) => x.scenario.pairs === 1 && x.scenario.instances === f.scenario.instances)
    const many = f.modes.find((m) => m.mode === 'deploy')
    const single = one?.modes.find((m) => m.mode === 'deploy')
    if (!many || !single) {
      rows.push(`| ${label(f)} | ${sec(many?.durationMs)} | (no 1 × ${f.scenario.instances} row) | — |`)
      continue
    }
    const ratio = many.durationMs / single.durationMs
    rows.push(`| ${label(f)} | ${sec(many.durationMs)} | ${sec(single.durationMs)} | ${ratio.toFixed(2)} ${mark(ratio <= 1.2)} |`)
  }
  return rows.join('\n')
}

const mib = (x: number): string => (Number.isNaN(x) ? '—' : `${x.toFixed(0)} MiB`)
const cellText = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ')

/** A median, with how many of its runs were stopped (timed out, or at a network call of a refused run). */
function measured(m: Median | undefined, value: string): string {
  if (!m) return ''
  const stopped = [m.calledOut > 0 ? `${m.calledOut} of ${m.runs} stopped at a network call` : '', m.timedOut > 0 ? `${m.timedOut} of ${m.runs} timed out` : ''].filter(Boolean).join(', ')
  if (m.timedOut + m.calledOut === m.runs) return stopped
  return stopped ? `${value} (${stopped})` : value
}

export function coldTable(r: BenchReport): string {
  const c = r.cold
  if (!c) return 'Cold start not measured (--cold-runs 0).'
  const { ours, reference: ref } = c
  const ratio = (a: number | undefined, b: number | undefined, goal = false): string =>
    a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || !b ? '—' : `${(a / b).toFixed(2)}×${goal ? ` ${mark(a <= b)}` : ''}`
  // A bundle that did not refuse at once (it called out, or exited 0) did more than validate its inputs.
  const refusalRatio = (a: number, b: number | undefined): string =>
    ours.validation.failures > 0 || (ref?.validation.failures ?? 0) > 0 ? `${ratio(a, b)} (not comparable: see the note)` : ratio(a, b, true)
  const rows = [
    `| measure (median of ${c.runs}, runs interleaved) | ours: ${ours.bundle} | ${ref ? `reference: ${ref.bundle}` : 'reference'} | ours / reference (goal ≤ 1) |`,
    '| --- | --- | --- | --- |'
  ]
  const line = (what: string, a: string, b: string, q: string): void => {
    rows.push(`| ${what} | ${a} | ${ref ? b : 'no reference given'} | ${ref ? q : '—'} |`)
  }
  const [v, rv] = [ours.validation, ref?.validation]
  const refused = (inputs: Record<string, string>, m: Median | undefined): string =>
    `${Object.keys(inputs).length > 0 ? Object.entries(inputs).map(([k, x]) => `\`${k}: ${x}\``).join(', ') : 'no inputs'} → ${m?.error ? `\`${cellText(m.error)}\`` : 'no ::error::'}`
  const networkCalls = (m: Median | undefined): string =>
    !m ? '' : m.timedOut === m.runs ? `timed out (all ${m.runs})` : `${m.calledOut > 0 ? `≥ ${m.networkCalls} (stopped at the first in ${m.calledOut} of ${m.runs} runs)` : m.networkCalls} ${mark(m.networkCalls === 0)}`
  line('exit at input validation: the inputs → the error', refused(ours.refusedInputs, v), ref ? refused(ref.refusedInputs, rv) : '', '')
  line('exit at input validation: network calls started (most in one run; goal 0)', networkCalls(v), networkCalls(rv), '')
  line('exit at input validation: spawn → exit (wall)', measured(v, sec(v.wallMs, 3)), measured(rv, sec(rv?.wallMs, 3)), refusalRatio(v.wallMs, rv?.wallMs))
  line('exit at input validation: CPU (user + system)', measured(v, sec(v.cpuMs, 3)), measured(rv, sec(rv?.cpuMs, 3)), refusalRatio(v.cpuMs, rv?.cpuMs))
  line('exit at input validation: peak RSS', measured(v, mib(v.maxRssMiB)), measured(rv, mib(rv?.maxRssMiB ?? NaN)), refusalRatio(v.maxRssMiB, rv?.maxRssMiB))
  const st = ours.status
  const notRun = 'not run (only ours: a reference is never waited on for an AWS request)'
  line('`mode: status`: spawn → first AWS request', measured(st, sec(st?.firstRequestMs, 3)), notRun, '—')
  line('`mode: status`: whole run, wall / CPU / peak RSS', measured(st, `${sec(st?.wallMs, 3)} / ${sec(st?.cpuMs, 3)} / ${mib(st?.maxRssMiB ?? NaN)}`), notRun, '—')
  line('bundle size (.js files)', `${(ours.bytes / 1024 / 1024).toFixed(2)} MiB in ${ours.files} file(s)`, ref ? `${(ref.bytes / 1024 / 1024).toFixed(2)} MiB in ${ref.files} file(s)` : '', ratio(ours.bytes, ref?.bytes))
  const sdk = c.sdk
  const sdkLine = sdk
    ? `@aws-sdk/* and @smithy/* packages in our bundle (from the ${sdk.from}): ${sdk.packages} (name@version)${Object.keys(sdk.duplicated).length > 0 ? `; in more than one version: ${Object.entries(sdk.duplicated).map(([n, x]) => `${n} (${x.join(', ')})`).join('; ')}` : '; none in more than one version'}.`
    : 'SDK package versions: no source map or lockfile to read them from.'
  const timings: [string, string, Median][] = [
    [ours.bundle, 'refused-input', ours.validation],
    ...(ref ? [[ref.bundle, 'refused-input', ref.validation] as [string, string, Median]] : []),
    ...(st ? [[ours.bundle, 'status', st] as [string, string, Median]] : [])
  ]
  const fails = [
    ...[ours, ...(ref ? [ref] : [])].map((b) => (b.validation.failures > 0 ? `${b.bundle}: ${b.validation.failures} of ${b.validation.runs} run(s) with refused inputs exited 0 or made a network call, so they did not exit at input validation${b === ref ? ' (--reference-input NAME=VALUE gives it an input it refuses)' : ''}` : '')),
    st && st.failures > 0 ? `${ours.bundle}: ${st.failures} of ${st.runs} status run(s) did not exit 0` : '',
    ...timings.map(([bundle, what, m]) => (m.timedOut > 0 ? `${bundle}: ${m.timedOut} of ${m.runs} ${what} run(s) timed out` : ''))
  ].filter(Boolean)
  const how = `Each process is started as a runner starts it (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY files) and killed after ${sec(c.timeoutMs, 0)}; the refused runs have their AWS endpoints and proxies on a loopback port that stops a run at its first connection.`
  return `${rows.join('\n')}\n\n${how} ${sdkLine}${fails.length > 0 ? `\n\nNote: ${fails.join('; ')}.` : ''}`
}

function limitsText(r: BenchReport): string {
  const o = r.settings.limitOverrides
  const base = 'packages/aws-sim/src/core/ratelimit.ts defaults: EC2 100 + 20/s per Describe API, ELBv2 Describe* 40 + 10/s, Auto Scaling 40 + 10/s for all actions'
  const extra = Object.entries(o).map(([svc, b]) => `${svc} ${b.capacity} + ${b.refillPerSecond}/s`)
  return extra.length > 0 ? `${base}; replaced: ${extra.join(', ')}` : base
}

export function markdown(r: BenchReport): string {
  const s = r.settings
  const header = `Bench of ${r.commit} on Node ${r.node}, ${r.date}; bench real time ${sec(r.realMs, 0)}; ${r.load.cpus} CPUs, load average ${r.load.start.map((x) => x.toFixed(1)).join('/')} at the start, ${r.load.end.map((x) => x.toFixed(1)).join('/')} at the end.`
  const cold = ['### Cold start of the committed bundle', '', coldTable(r), '']
  // --cold-only: no simulated rows, so only the cold start.
  if (r.scenarios.length === 0 && r.throttled.length === 0 && r.switches.length === 0) return [header, '', ...cold].join('\n')
  return [
    header,
    `Settings: boot ${s.bootSeconds} s, health checks every ${s.healthIntervalSeconds} s × ${s.healthyThreshold} to healthy (+0–3 s jitter), deregistration delay ${s.drainSeconds} s, poll-interval ${s.pollSeconds} s, API latency ${s.latencyMs[0]}–${s.latencyMs[1]} ms, read lag ${s.readLagMs[0]}–${s.readLagMs[1]} ms, deregistration lag ${s.deregisterLagMs[0]}–${s.deregisterLagMs[1]} ms, page size ${s.pageSize ?? "AWS's"}, seed ${s.seed}; the SDK retries with its standard strategy (${s.maxAttempts} attempts), backing off in virtual time. Times: rate limits off${r.throttled.length > 0 ? `; a second pass with the simulator's per-API rate limits on gives the throttling columns (${limitsText(r)})` : ''}.`,
    '',
    '### Time',
    '',
    timeTable(r),
    '',
    '### AWS API calls and throttling',
    '',
    callTable(r),
    '',
    scalingLine(r),
    '',
    '### Parallelism',
    '',
    parallelismTable(r),
    '',
    ...(r.switches.length > 0 ? [switchTable(r.switches), ''] : []),
    ...cold
  ].join('\n')
}

export type { ModeFigures }
