// The job summary a reviewer decides from: per pair both groups, what happens next, the plan and the
// timeline. A pure function returning markdown (with HTML tables); every user string is escaped.
import { formatDuration } from '../duration.js'
import { trafficKeys } from '../domain/classic.js'
import { describeInterruptions } from '../domain/interruption.js'
import { type Group, type Instance, type LifecycleHook, type Pair, activeInstances, launchHooks, standbyInstances, terminationHooks, unitWord, unitsOf } from '../domain/model.js'
import { describeStep } from '../domain/steps.js'
import { type BakeReport, type PairOutcome, type RunResult, describeWatched } from '../run/result.js'
import { viewOf } from './view.js'
import { describeRelease } from '../github/release.js'
import { RELEASE_TAG } from '../domain/markers.js'
import { LOCK_TAG, decodeLock } from '../domain/lock.js'
import { canaryShare } from '../domain/canary.js'
import { MODE_RULES } from '../domain/modes.js'

const MAX_PLAN_LINES = 200
const MAX_TIMELINE_ROWS = 300

export function esc(text: string): string {
  return text.replace(/[&<>"'|`]/g, (c) => `&#${c.charCodeAt(0)};`)
}

const TITLES: Record<string, string> = {
  deploy: 'Blue/green deploy',
  canary: 'Blue/green canary',
  finalize: 'Blue/green finalize',
  rollback: 'Blue/green rollback',
  status: 'Blue/green status'
}

export function renderSummary(r: RunResult): string {
  const c = r.config
  const lines: string[] = []
  const what = MODE_RULES[c.mode].deployLike ? ` of ${esc(c.version)}` : ''
  lines.push(`## ${TITLES[c.mode]}${what}${c.dryRun ? ' (dry run: nothing was changed)' : ''}`, '')
  lines.push(`Services tagged \`${esc(c.imageNameTagKey)}=${esc(c.imageName)}\` in groups starting with \`${esc(c.prefix)}\`, region ${esc(c.region)}.`, '')
  if (r.refusals.length > 0) {
    lines.push('**Pre-flight refused the run; nothing was changed anywhere:**', '')
    for (const x of r.refusals) lines.push(`- ${esc(x)}`)
    lines.push('')
  }
  for (const o of r.outcomes) lines.push(...pairSection(o, r))
  if (r.timeline.length > 0) lines.push(...timeline(r))
  lines.push(`<sub>Run took ${formatDuration(r.finishedAt - r.startedAt)}.</sub>`, '')
  return lines.join('\n')
}

function pairSection(o: PairOutcome, r: RunResult): string[] {
  const c = r.config
  const out: string[] = [`### ${esc(o.base)}: ${esc(o.state)}`, '']
  if (o.error) out.push(`> [!CAUTION]`, `> ${esc(o.error)}`, '')
  if (o.notice) out.push(`> [!NOTE]`, `> ${esc(o.notice)}`, '')
  out.push(groupTable(withHooks(o.after, o.before), c.versionTagKey), '')
  const lock = decodeLock(o.after.groups[0].tags[LOCK_TAG])
  if (lock && c.mode === 'status') {
    out.push(`Driven right now by ${esc(lock.run)} (last heartbeat ${formatDuration(Math.max(0, r.finishedAt - lock.at))} before this report).`, '')
  }
  const canary = canaryShare(o.after)
  if (canary) {
    const of = o.after.groups.some((g) => g.capacityUnit !== undefined) ? 'of the serving capacity' : 'of the serving instances'
    const zonal = canary.byZone
      ? ` That is its share of the requests where the load balancer spreads them over every target in every zone (an Application Load Balancer; a Network Load Balancer only with cross-zone load balancing on). A Network Load Balancer without it (its default) gives each zone an equal part, split among that zone's targets only: by zone the canary holds ${esc(canary.byZone)}.`
      : ''
    out.push(`**Canary:** ${canary.instances.length} instance(s) (${esc(canary.instances.join(', ') || 'none yet')}) hold ${esc(canary.share)} ${of}.${zonal}`, '')
  }
  if (o.bake) out.push(...bakeSection(o.bake, r.startedAt))
  out.push(`**Next:** ${nextStep(o, r)}`, '')
  if (o.plan.length > 0) {
    const shown = o.plan.slice(0, MAX_PLAN_LINES).map((s, i) => `${i + 1}. ${esc(describeStep(s))}`)
    if (o.plan.length > MAX_PLAN_LINES) shown.push(`… and ${o.plan.length - MAX_PLAN_LINES} more steps`)
    const label = c.dryRun
      ? 'Plan: the AWS writes this run would make, in order'
      : o.state === 'refused'
        ? 'Plan that was not run (refused)'
        : 'Plan made from the state found at the start'
    out.push(`<details${c.dryRun ? ' open' : ''}><summary>${label} (${o.plan.length} steps)</summary>`, '', ...shown, '', '</details>', '')
  }
  return out
}

const BAKE_RESULT: Record<BakeReport['result'], string> = {
  passed: 'passed',
  'rolled-back': 'tripped: rolled back',
  failed: 'tripped: the rollback did not finish',
  interrupted: 'interrupted',
  skipped: 'skipped'
}

/** The bake: what it watched, for how long, and every state each alarm was seen in. */
function bakeSection(b: BakeReport, runStart: number): string[] {
  const lost = b.interruptions?.length ? ` AWS took away ${esc(describeInterruptions(b.interruptions))} during the bake; not counted against the release.` : ''
  const out = [`**Bake:** ${esc(BAKE_RESULT[b.result])}; watched ${esc(describeWatched(b))}.${b.reason ? ` ${esc(b.reason)}.` : ''}${lost}`, '']
  const names = Object.keys(b.alarms)
  if (names.length === 0) return out
  const rows = names.flatMap((name) =>
    (b.alarms[name] ?? []).map(
      (x) =>
        `<tr><td>${esc(name)}</td><td>${esc(x.state)}</td><td>${esc(new Date(x.since).toISOString())}</td><td>+${formatDuration(Math.max(0, x.seenAt - runStart))}</td><td>${esc(x.reason)}</td></tr>`
    )
  )
  out.push(`<table><tr><th>Alarm</th><th>State</th><th>Since</th><th>Seen at</th><th>Reason</th></tr>${rows.join('')}</table>`, '')
  return out
}

function groupTable(pair: Pair, versionTagKey: string): string {
  const v = viewOf(pair, versionTagKey)
  const head = ['Color', 'Group', 'Role', 'Version', 'Min / desired / max', 'Instances', 'Target health', 'Scaling and hooks']
  const rows = pair.groups.map((g) => [
    esc(g.color),
    esc(g.name),
    esc(v.roles[g.name] ?? ''),
    versionCell(g, versionTagKey),
    `${g.capacity.min} / ${g.capacity.desired} / ${g.capacity.max}${g.capacityUnit ? ` ${esc(unitWord(g))}` : ''}`,
    esc(countBy(g.instances.map((i) => lifecycleOf(g, i))) || 'none') + unitsCell(g),
    esc(health(g)),
    esc(scaling(g))
  ])
  const tr = (cells: string[], tag: string): string => `<tr>${cells.map((x) => `<${tag}>${x}</${tag}>`).join('')}</tr>`
  return `<table>${tr(head, 'th')}${rows.map((r) => tr(r, 'td')).join('')}</table>`
}

/** Observations made while waiting do not re-read lifecycle hooks: take them from the run's first look. */
function withHooks(after: Pair, before: Pair): Pair {
  const hooksOf = (g: Group): LifecycleHook[] | undefined => g.lifecycleHooks ?? before.groups.find((b) => b.name === g.name)?.lifecycleHooks
  return { ...after, groups: after.groups.map((g) => ({ ...g, lifecycleHooks: hooksOf(g) ?? [] })) as [Group, Group] }
}

function lifecycleOf(g: Group, i: Instance): string {
  if (i.gone) return `${i.lifecycle} but gone from EC2`
  const hooks = launchHooks(g)
  // Pending:Wait is a launch hook holding the instance until it completes or times out.
  if (i.lifecycle === 'Pending:Wait' && hooks.length > 0) return `Pending:Wait (waiting for launch hook ${hooks.map((h) => h.name).join(' or ')})`
  return i.lifecycle
}

/** In a group that counts units: what its serving instances count for, e.g. ` (8 capacity unit(s) serving)`. */
function unitsCell(g: Group): string {
  return g.capacityUnit ? esc(` (${unitsOf(activeInstances(g))} ${unitWord(g)} active)`) : ''
}

function versionCell(g: Group, versionTagKey: string): string {
  const release = describeRelease(g.tags[RELEASE_TAG])
  return `${esc(g.tags[versionTagKey] ?? '—')}${release ? `<br><sub>${esc(release)}</sub>` : ''}`
}

function countBy(items: string[]): string {
  const counts = new Map<string, number>()
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1)
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ')
}

function health(g: Group): string {
  const states: string[] = []
  for (const i of g.instances) {
    for (const arn of trafficKeys(g)) {
      const t = i.targets[arn]
      if (t) states.push(t.reason && t.state !== 'healthy' ? `${t.state} (${t.reason})` : t.state)
    }
  }
  const summary = countBy(states)
  const lbs = g.loadBalancerNames.length
  const across = lbs === 0 ? `${g.targetGroupArns.length} target groups` : `${g.targetGroupArns.length} target group(s) and ${lbs} Classic LB(s)`
  return summary === '' ? '—' : trafficKeys(g).length > 1 ? `${summary} across ${across}` : summary
}

function scaling(g: Group): string {
  const parts: string[] = []
  if (g.policies.length > 0) parts.push(`${g.policies.length} polic${g.policies.length === 1 ? 'y' : 'ies'}`)
  if (g.scheduledActions.length > 0) parts.push(`${g.scheduledActions.length} scheduled`)
  if (g.suspendedProcesses.length > 0) parts.push(`suspended: ${g.suspendedProcesses.join(', ')}`)
  const hook = (h: LifecycleHook): string => `${h.name} (${formatDuration(h.heartbeatTimeoutSeconds * 1000)})`
  if (launchHooks(g).length > 0) parts.push(`launch hook: ${launchHooks(g).map(hook).join(', ')}`)
  if (terminationHooks(g).length > 0) parts.push(`termination hook: ${terminationHooks(g).map(hook).join(', ')}`)
  return parts.join('; ') || '—'
}

/**
 * What deregistration means, by load balancer type: an ALB sends a deregistering target no new requests;
 * an NLB may still send it new connections for a few minutes, and closes the ones open when the
 * deregistration delay ends only with connection termination on (NLB user guide, deregistration delay).
 */
function drainingWords(o: PairOutcome, draining: number): string {
  if (!o.networkDrain) {
    const until = o.drainEndsAt !== undefined ? ` until ${utcSecond(o.drainEndsAt)} at the latest (the target groups' deregistration delay)` : ''
    return `left the load balancer; ${draining} still drain open connections${until}`
  }
  const closing = o.networkDrain.connectionTermination
    ? 'the load balancer closes the connections still open then (connection termination on deregistration is on)'
    : 'connections still open then are not closed by the load balancer (connection termination on deregistration is off)'
  const until = o.drainEndsAt !== undefined ? ` until ${utcSecond(o.drainEndsAt)} at the latest (the deregistration delay), when ${closing}` : ''
  return `were deregistered from the target groups of a Network Load Balancer, which may still send them new connections for a few minutes; ${draining} drain open connections${until}`
}

function nextStep(o: PairOutcome, r: RunResult): string {
  const c = r.config
  const v = viewOf(o.after, c.versionTagKey)
  const live = v.live ? `\`${esc(v.live.name)}\`` : 'the live group'
  const other = v.other ? `\`${esc(v.other.name)}\`` : 'the other group'
  switch (o.state) {
    case 'planned':
      return 'Dry run: nothing was changed. Run again without `dry-run: true` to apply this plan.'
    case 'refused':
      return 'Nothing was changed: fix what pre-flight reported above, then run again.'
    case 'awaiting-finalize': {
      if (v.traffic === 'weights') {
        return (
          `${esc(v.version)} serves from ${live}: every listener forward gives it the weight. ${v.standbyInstanceIds.length} instance(s) of ${other} (${esc(v.previousVersion)}) ` +
            `stay InService in their own target groups at weight 0 (no requests; still health-checked).${stickyWords(v.stickySeconds)} ` +
            'Approve the finalize job (`mode: finalize`) to terminate them, or run `mode: rollback`: one weight write per listener or rule gives them the traffic back in seconds.'
        )
      }
      const n = v.other ? standbyInstances(v.other).length : 0
      const gone = v.other ? standbyInstances(v.other).filter((i) => i.gone) : []
      const warning =
        gone.length > 0
          ? ` ${gone.length} of them (${esc(gone.slice(0, 10).map((i) => i.id).join(', '))}) are gone: EC2 no longer runs them (terminated outside this action); a rollback has Auto Scaling launch replacements, a finalize detaches them.`
          : ''
      const draining = v.other ? v.other.instances.filter((i) => i.lifecycle === 'EnteringStandby' && !i.gone).length : 0
      const where =
        draining > 0
          ? `${n} instance(s) of ${other} (${esc(v.previousVersion)}) ${drainingWords(o, draining)}, then wait in Standby. A finalize started before then waits for the drain; ` +
            `a rollback returns each instance as soon as its drain ends${o.drainEndsAt !== undefined ? ` (${utcSecond(o.drainEndsAt)} at the latest)` : ''}, then waits for the target groups' health checks to pass again (healthy threshold × interval).`
          : `${n} instance(s) of ${other} (${esc(v.previousVersion)}) wait in Standby, out of the load balancer.`
      return (
        `${esc(v.version)} serves from ${live}; ${where}${warning} ` +
        'Approve the finalize job (`mode: finalize`) to terminate them, or run `mode: rollback` to put them back in service in seconds.'
      )
    }
    case 'finalized':
      return `${esc(v.version)} serves from ${live}; ${other} is idle and is the target of the next deploy. To go back now, deploy ${esc(v.previousVersion || 'the previous version')}.`
    case 'rolled-back':
      return `${esc(v.version)} serves again from ${live}; ${other} is idle.${stickyWords(v.stickySeconds)} Fix the release and deploy again.`
    case 'canary': {
      const share = canaryShare(o.after)
      const version = esc(v.other?.tags[c.versionTagKey] ?? c.version)
      return `A canary of ${version} runs ${esc(share?.share ?? '')} of the serving instances beside ${live}. Promote it with \`mode: deploy\` and version ${version} (its instances stay; the group scales to full capacity and cuts over), or remove it with \`mode: rollback\`.`
    }
    case 'aborted':
      return `${live} still serves ${esc(v.version)}; ${other} is idle again. Fix the release and re-run deploy.`
    case 'failed':
      return 'Run `mode: status` to see the pair, then `mode: rollback` to restore the previous version (it resumes from any state), or re-run this job.'
    case 'deploying':
    case 'cutover-incomplete':
      return `A deployment stopped part-way: re-run deploy with version ${esc(v.other?.tags[c.versionTagKey] ?? v.version)} to finish it, or run \`mode: rollback\`.`
    case 'at-rest':
      return `${live} serves ${esc(v.version)} with ${v.live ? activeInstances(v.live).length : 0} instance(s)${v.live?.capacityUnit ? ` (${unitsOf(activeInstances(v.live))} ${esc(unitWord(v.live))})` : ''}; ready for the next deploy.`
    case 'unchanged':
      return esc(o.notice ?? 'Nothing to do.')
    default:
      return 'The pair is in a state the action will not touch; see the reason above.'
  }
}

/** Weights with target group stickiness: who keeps going where after a switch. */
function stickyWords(seconds: number | undefined): string {
  return seconds === undefined
    ? ''
    : ` Target group stickiness is on: a client already sent to the other target group keeps going there for up to ${formatDuration(seconds * 1000)} after the switch.`
}

/** 2026-11-28 10:07:06 UTC (rounded up: "at the latest"). */
function utcSecond(ms: number): string {
  return `${new Date(Math.ceil(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

function timeline(r: RunResult): string[] {
  const rows = r.timeline.slice(0, MAX_TIMELINE_ROWS).map((t) => {
    const at = formatDuration(t.startedAt - r.startedAt)
    const result = t.outcome === 'done' ? (t.detail ? `done: ${t.detail}` : 'done') : `**failed**: ${t.detail ?? ''}`
    return `<tr><td>${esc(t.pair)}</td><td>+${at}</td><td>${esc(t.step)}</td><td>${formatDuration(t.durationMs)}</td><td>${result.startsWith('**') ? `<b>failed</b>: ${esc(t.detail ?? '')}` : esc(result)}</td></tr>`
  })
  if (r.timeline.length > MAX_TIMELINE_ROWS) rows.push(`<tr><td colspan="5">… and ${r.timeline.length - MAX_TIMELINE_ROWS} more steps</td></tr>`)
  return ['### Timeline', '', `<table><tr><th>Pair</th><th>At</th><th>Step</th><th>Took</th><th>Result</th></tr>${rows.join('')}</table>`, '']
}
