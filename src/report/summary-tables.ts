// The job summary's tables: both groups of a pair (six columns, to fit a normal pane) with the notes that
// do not fit a cell, and the run's timeline. Every user string is escaped.
import { formatDuration } from '../duration.js'
import { trafficKeys } from '../domain/classic.js'
import { QUARANTINE_PROCESSES, RELEASE_TAG } from '../domain/markers.js'
import { type Group, type Instance, type LifecycleHook, type Pair, activeInstances, launchHooks, terminationHooks, unitWord, unitsOf } from '../domain/model.js'
import { decodeRelease } from '../github/release.js'
import type { RunResult } from '../run/result.js'
import { viewOf } from './view.js'

const MAX_TIMELINE_ROWS = 300
/** A timeline step longer than this (a tag write names every tag) is cut; the plan above has it whole. */
const MAX_STEP_CHARS = 120

export function esc(text: string): string {
  return text.replace(/[&<>"'|`]/g, (c) => `&#${c.charCodeAt(0)};`)
}

const tr = (cells: string[], tag: string): string => `<tr>${cells.map((x) => `<${tag}>${x}</${tag}>`).join('')}</tr>`

/** Both groups, then one line per group for what does not fit a cell (scaling, quarantine, hooks). */
export function groupTable(pair: Pair, versionTagKey: string, repoUrl: string | undefined): string[] {
  const v = viewOf(pair, versionTagKey)
  const head = ['Group', 'Role', 'Version', 'Min / desired / max', 'Instances', 'Target health']
  const rows = pair.groups.map((g) => [
    `${esc(g.name)}<br><sub>${esc(g.color)}</sub>`,
    esc(v.roles[g.name] ?? ''),
    versionCell(g, versionTagKey, v.roles[g.name], repoUrl),
    `${g.capacity.min} / ${g.capacity.desired} / ${g.capacity.max}${g.capacityUnit ? ` ${esc(unitWord(g))}` : ''}`,
    esc(countBy(g.instances.map((i) => lifecycleOf(g, i))) || 'none') + unitsCell(g),
    esc(health(g))
  ])
  const notes = pair.groups.flatMap((g) => {
    const s = scaling(g)
    return s ? [`- \`${esc(g.name)}\`: ${esc(s)}`] : []
  })
  return [`<table>${tr(head, 'th')}${rows.map((r) => tr(r, 'td')).join('')}</table>`, '', ...(notes.length > 0 ? [...notes, ''] : [])]
}

function lifecycleOf(g: Group, i: Instance): string {
  if (i.gone) return `${i.lifecycle} but gone from EC2`
  const hooks = launchHooks(g)
  // Pending:Wait is a launch hook holding the instance until it completes or times out.
  if (i.lifecycle === 'Pending:Wait' && hooks.length > 0) return `Pending:Wait (waiting for launch hook ${hooks.map((h) => h.name).join(' or ')})`
  return i.lifecycle
}

/** In a group that counts units: what its serving instances count for, e.g. ` (8 capacity unit(s) active)`. */
function unitsCell(g: Group): string {
  return g.capacityUnit ? esc(` (${unitsOf(activeInstances(g))} ${unitWord(g)} active)`) : ''
}

/**
 * The version, and who shipped it (the commit linked when the run was on GitHub). An idle group's tag is
 * the last version tried there, not one that serves: it is shown as such.
 */
function versionCell(g: Group, versionTagKey: string, role: string | undefined, repoUrl: string | undefined): string {
  const tagged = g.tags[versionTagKey]
  if (role === 'idle' && activeInstances(g).length === 0) return tagged ? `—<br><sub>last tried: ${esc(tagged)}</sub>` : '—'
  const release = decodeRelease(g.tags[RELEASE_TAG])
  if (!release) return esc(tagged ?? '—')
  const sha = esc(release.commit.slice(0, 7))
  const commit = repoUrl && /^[0-9a-f]{7,40}$/i.test(release.commit) ? `<a href="${esc(`${repoUrl}/commit/${release.commit}`)}">${sha}</a>` : sha
  return `${esc(tagged ?? '—')}<br><sub>${commit} by ${esc(release.actor)}, ${esc(release.at.slice(0, 16).replace('T', ' '))} UTC</sub>`
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

/** Scaling that hangs off the group; the quarantine named as such rather than as eight process names. */
function scaling(g: Group): string {
  const parts: string[] = []
  if (g.policies.length > 0) parts.push(`${g.policies.length} scaling polic${g.policies.length === 1 ? 'y' : 'ies'}`)
  if (g.scheduledActions.length > 0) parts.push(`${g.scheduledActions.length} scheduled action(s)`)
  const quarantined = QUARANTINE_PROCESSES.every((p) => g.suspendedProcesses.includes(p))
  const others = g.suspendedProcesses.filter((p) => !quarantined || !(QUARANTINE_PROCESSES as readonly string[]).includes(p))
  if (quarantined) parts.push('quarantined: Auto Scaling neither launches, replaces nor terminates its instances until finalize or rollback')
  if (others.length > 0) parts.push(`suspended: ${others.join(', ')}`)
  const hook = (h: LifecycleHook): string => `${h.name} (${formatDuration(h.heartbeatTimeoutSeconds * 1000)})`
  if (launchHooks(g).length > 0) parts.push(`launch hook: ${launchHooks(g).map(hook).join(', ')}`)
  if (terminationHooks(g).length > 0) parts.push(`termination hook: ${terminationHooks(g).map(hook).join(', ')}`)
  return parts.join('; ')
}

/** The run's steps, folded: a pair column only when the run drove several pairs. */
export function timeline(r: RunResult): string[] {
  const several = new Set(r.timeline.map((t) => t.pair)).size > 1
  const rows = r.timeline.slice(0, MAX_TIMELINE_ROWS).map((t) => {
    const result = t.outcome === 'done' ? esc(t.detail ? `done: ${t.detail}` : 'done') : `<b>failed</b>: ${esc(t.detail ?? '')}`
    const step = t.step.length > MAX_STEP_CHARS ? `${t.step.slice(0, MAX_STEP_CHARS - 1)}…` : t.step
    return tr([...(several ? [esc(t.pair)] : []), `+${formatDuration(t.startedAt - r.startedAt)}`, esc(step), formatDuration(t.durationMs), result], 'td')
  })
  const columns = several ? 5 : 4
  if (r.timeline.length > MAX_TIMELINE_ROWS) rows.push(`<tr><td colspan="${columns}">… and ${r.timeline.length - MAX_TIMELINE_ROWS} more steps</td></tr>`)
  const head = tr([...(several ? ['Pair'] : []), 'At', 'Step', 'Took', 'Result'], 'th')
  const failed = r.timeline.some((t) => t.outcome === 'failed')
  return [
    `<details${failed ? ' open' : ''}><summary>Timeline: ${r.timeline.length} step(s) in ${formatDuration(r.finishedAt - r.startedAt)}</summary>`,
    '',
    `<table>${head}${rows.join('')}</table>`,
    '',
    '</details>',
    ''
  ]
}
