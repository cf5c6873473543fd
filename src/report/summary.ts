// The job summary a reviewer decides from: the verdict first (what serves, what waits, what to do next),
// then per pair both groups, the plan and the bake, and the timeline folded. A pure function returning
// markdown (with HTML tables); every user string is escaped.
import { formatDuration } from '../duration.js'
import { describeInterruptions } from '../domain/interruption.js'
import { type Group, type LifecycleHook, type Pair, standbyInstances } from '../domain/model.js'
import { describeStep } from '../domain/steps.js'
import { type BakeReport, type PairOutcome, type RunResult, describeWatched } from '../run/result.js'
import { viewOf } from './view.js'
import { LOCK_TAG, decodeLock } from '../domain/lock.js'
import { canaryShare } from '../domain/canary.js'
import { MODE_RULES } from '../domain/modes.js'
import { esc, groupTable, timeline } from './summary-tables.js'
import { STATE_ICON, pairVerdict, runHeadline } from './verdict.js'

export { esc }

const MAX_PLAN_LINES = 200

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
  lines.push(`## ${TITLES[c.mode]}${esc(titleVersions(r))}${c.dryRun ? ' (dry run: nothing was changed)' : ''}`, '')
  lines.push(runVerdict(r), '')
  lines.push(`<sub>Services tagged \`${esc(c.imageNameTagKey)}=${esc(c.imageName)}\` in groups starting with \`${esc(c.prefix)}\`, region ${esc(c.region)}; run took ${formatDuration(r.finishedAt - r.startedAt)}.</sub>`, '')
  if (r.refusals.length > 0) {
    lines.push('**Pre-flight refused the run; nothing was changed anywhere:**', '')
    for (const x of r.refusals) lines.push(`- ${esc(x)}`)
    lines.push('')
  }
  for (const o of r.outcomes) lines.push(...pairSection(o, r))
  if (r.timeline.length > 0) lines.push(...timeline(r))
  return lines.join('\n')
}

/** ` of v2` for a deploy; ` of v2 (back to v1)` for a rollback, from what the pairs show after it. */
function titleVersions(r: RunResult): string {
  const c = r.config
  if (MODE_RULES[c.mode].deployLike) return c.version ? ` of ${c.version}` : ''
  if (c.mode !== 'rollback') return ''
  const views = r.outcomes.filter((o) => o.state === 'rolled-back').map((o) => viewOf(o.after, c.versionTagKey))
  const undone = new Set(views.map((v) => v.previousVersion))
  const back = new Set(views.map((v) => v.version))
  const [from] = undone
  const [to] = back
  return undone.size === 1 && back.size === 1 && from && to ? ` of ${from} (back to ${to})` : ''
}

/** The run's one line: one pair's verdict, or the count of pairs per state; the run linked when on GitHub. */
function runVerdict(r: RunResult): string {
  const link = /^https?:\/\//.test(r.config.runUrl) ? ` ([this run](${r.config.runUrl}))` : ''
  const only = r.outcomes.length === 1 ? r.outcomes[0] : undefined
  if (only) {
    const v = pairVerdict(only, r.config)
    return `${STATE_ICON[only.state]} **${esc(only.base)}: ${esc(v.headline)}.** Next: ${esc(v.next)}${link}.`
  }
  const states = new Set(r.outcomes.map((o) => o.state))
  const [state] = states
  const icon = states.size === 1 && state ? STATE_ICON[state] : r.outcomes.some((o) => o.error) ? '❌' : '⚠️'
  const next = states.size === 1 && r.outcomes[0] ? `Next: ${esc(pairVerdict(r.outcomes[0], r.config).next)}${link}.` : `Each pair below says what to do next${link}.`
  return `${icon} **${esc(runHeadline(r))}.** ${next}`
}

function pairSection(o: PairOutcome, r: RunResult): string[] {
  const c = r.config
  const out: string[] = [`### ${STATE_ICON[o.state]} ${esc(o.base)}: ${o.state}`, '']
  if (r.outcomes.length > 1) {
    const v = pairVerdict(o, c)
    out.push(`**${esc(v.headline)}.** Next: ${esc(v.next)}.`, '')
  }
  if (o.error) out.push(`> [!CAUTION]`, `> ${esc(o.error)}`, '')
  if (o.notice) out.push(`> [!NOTE]`, `> ${esc(o.notice)}`, '')
  out.push(...groupTable(withHooks(o.after, o.before), c.versionTagKey, repoUrlOf(c.runUrl)))
  const lock = decodeLock(o.after.groups[0].tags[LOCK_TAG])
  if (lock && c.mode === 'status') {
    out.push(`Locked by ${esc(lock.run)} (last heartbeat ${formatDuration(Math.max(0, r.finishedAt - lock.at))} before this report): that run drives the pair, or has released it a moment ago (reads lag writes).`, '')
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
  const notes = pairNotes(o, r)
  if (notes) out.push(notes, '')
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

/** The repository's page, from the run's URL (`https://github.com/o/r/actions/runs/1` → `https://github.com/o/r`). */
function repoUrlOf(runUrl: string): string | undefined {
  return /^(https?:\/\/.+)\/actions\/runs\/\d+/.exec(runUrl)?.[1]
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

/** Observations made while waiting do not re-read lifecycle hooks: take them from the run's first look. */
function withHooks(after: Pair, before: Pair): Pair {
  const hooksOf = (g: Group): LifecycleHook[] | undefined => g.lifecycleHooks ?? before.groups.find((b) => b.name === g.name)?.lifecycleHooks
  return { ...after, groups: after.groups.map((g) => ({ ...g, lifecycleHooks: hooksOf(g) ?? [] })) as [Group, Group] }
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

/** What the verdict line has no room for: how long the old instances drain, what stickiness keeps, who is gone. */
function pairNotes(o: PairOutcome, r: RunResult): string {
  const v = viewOf(o.after, r.config.versionTagKey)
  const other = v.other ? `\`${esc(v.other.name)}\`` : 'the other group'
  switch (o.state) {
    case 'awaiting-finalize': {
      if (v.traffic === 'weights') return `Its instances get no requests and are still health-checked.${stickyWords(v.stickySeconds)}`.trim()
      const kept = v.other ? standbyInstances(v.other) : []
      const gone = kept.filter((i) => i.gone)
      const warning =
        gone.length > 0
          ? ` ${gone.length} of them (${esc(gone.slice(0, 10).map((i) => i.id).join(', '))}) are gone: EC2 no longer runs them (terminated outside this action); a rollback has Auto Scaling launch replacements, a finalize detaches them.`
          : ''
      const draining = v.other ? v.other.instances.filter((i) => i.lifecycle === 'EnteringStandby' && !i.gone).length : 0
      const these = `${kept.length} instance(s) of ${other} (${esc(v.previousVersion)})`
      const drain =
        draining > 0
          ? `${these} ${drainingWords(o, draining)}, then wait in Standby. A finalize or rollback started before then waits for the drain; a rollback then waits for the target groups' health checks to pass again (healthy threshold × interval).`
          : `${these} wait in Standby, out of the load balancer; a rollback waits for the target groups' health checks to pass again (healthy threshold × interval).`
      return `${drain}${warning}`
    }
    case 'rolled-back':
      return stickyWords(v.stickySeconds).trim()
    case 'finalized':
      return `To go back now, deploy ${esc(v.previousVersion || 'the previous version')} again.`
    default:
      return ''
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
