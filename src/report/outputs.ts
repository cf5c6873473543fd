// Step outputs, from one typed object with constant names. Lists are JSON; several pairs are joined.
import { type RunResult, describeWatched } from '../run/result.js'
import { describeStep } from '../domain/steps.js'
import { viewOf } from './view.js'
import { canaryShare } from '../domain/canary.js'

export const Outputs = {
  state: 'state',
  liveColor: 'live-color',
  standbyColor: 'standby-color',
  liveGroup: 'live-group',
  standbyGroup: 'standby-group',
  version: 'version',
  previousVersion: 'previous-version',
  standbyInstanceIds: 'standby-instance-ids',
  drainEndsAt: 'drain-ends-at',
  pairs: 'pairs',
  plan: 'plan',
  bakeResult: 'bake-result',
  bakeWatched: 'bake-watched',
  canaryInstances: 'canary-instances',
  canaryShare: 'canary-share',
  imageId: 'image-id'
} as const

/** One value when every pair agrees, otherwise the pairs' values in order, comma-separated. */
function joined(values: string[]): string {
  const distinct = [...new Set(values)]
  return distinct.length <= 1 ? (distinct[0] ?? '') : values.join(',')
}

export function outputsOf(r: RunResult): Record<string, string> {
  const pairs = r.outcomes.map((o) => {
    const v = viewOf(o.after, r.config.versionTagKey)
    const canary = canaryShare(o.after)
    return {
      base: o.base,
      state: o.state,
      liveColor: v.live?.color ?? '',
      standbyColor: v.other?.color ?? '',
      liveGroup: v.live?.name ?? '',
      standbyGroup: v.other?.name ?? '',
      version: v.version,
      previousVersion: v.previousVersion,
      standbyInstanceIds: v.standbyInstanceIds,
      traffic: v.traffic,
      ...(o.drainEndsAt !== undefined ? { drainEndsAt: new Date(o.drainEndsAt).toISOString() } : {}),
      bakeResult: o.bake?.result ?? 'skipped',
      ...(o.bake ? { bakeWatched: describeWatched(o.bake) } : {}),
      ...(canary ? { canaryInstances: canary.instances, canaryShare: canary.share } : {}),
      ...(o.notice ? { notice: o.notice } : {}),
      ...(o.error ? { error: o.error } : {})
    }
  })
  return {
    [Outputs.state]: r.refusals.length > 0 ? 'refused' : joined(pairs.map((p) => p.state)),
    [Outputs.liveColor]: joined(pairs.map((p) => p.liveColor)),
    [Outputs.standbyColor]: joined(pairs.map((p) => p.standbyColor)),
    [Outputs.liveGroup]: pairs.map((p) => p.liveGroup).join(','),
    [Outputs.standbyGroup]: pairs.map((p) => p.standbyGroup).join(','),
    [Outputs.version]: joined(pairs.map((p) => p.version)),
    [Outputs.previousVersion]: joined(pairs.map((p) => p.previousVersion)),
    [Outputs.standbyInstanceIds]: JSON.stringify(pairs.flatMap((p) => p.standbyInstanceIds)),
    // The latest drain end over the pairs (ISO 8601 sort in time order).
    [Outputs.drainEndsAt]: pairs.map((p) => p.drainEndsAt ?? '').sort().at(-1) ?? '',
    [Outputs.pairs]: JSON.stringify(pairs),
    [Outputs.bakeResult]: joined(pairs.map((p) => p.bakeResult)),
    [Outputs.bakeWatched]: pairs.flatMap((p) => (p.bakeWatched ? [pairs.length > 1 ? `${p.base}: ${p.bakeWatched}` : p.bakeWatched] : [])).join('; '),
    [Outputs.canaryInstances]: JSON.stringify(pairs.flatMap((p) => p.canaryInstances ?? [])),
    [Outputs.canaryShare]: joined(pairs.flatMap((p) => (p.canaryShare ? [p.canaryShare] : []))),
    [Outputs.imageId]: r.config.image?.id ?? '',
    [Outputs.plan]: r.outcomes.flatMap((o) => o.plan.map((s) => `${o.base}: ${describeStep(s)}`)).join('\n')
  }
}
