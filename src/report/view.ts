// What a pair looks like to a reader: which color is live, which waits in standby, which versions.
import { type Group, type Pair, activeInstances, standbyInstances } from '../domain/model.js'
import { classify } from '../domain/phase.js'
import { stickiness } from '../domain/traffic.js'

export interface PairView {
  base: string
  live?: Group
  other?: Group
  /** Role of each group by name: live, idle, standby, deploying. */
  roles: Record<string, string>
  version: string
  previousVersion: string
  /**
   * The old version's instances kept for a rollback: in Standby, or (weights) InService in their own target
   * groups at weight 0.
   */
  standbyInstanceIds: string[]
  /** How traffic moves between the colors: Standby (shared target groups) or weights (domain/traffic.ts). */
  traffic: 'standby' | 'weights'
  /** Weights with stickiness on: clients stay on their target group up to this many seconds after a switch. */
  stickySeconds?: number
}

export function viewOf(pair: Pair, versionTagKey: string): PairView {
  const phase = classify(pair)
  const v = (g: Group | undefined): string => (g ? (g.tags[versionTagKey] ?? '') : '')
  const weights = 'weights' in phase ? phase.weights : undefined
  const sticky = weights ? stickiness(weights) : undefined
  const traffic = { traffic: weights ? ('weights' as const) : ('standby' as const), ...(sticky !== undefined ? { stickySeconds: sticky } : {}) }
  return { ...viewByPhase(pair, phase, v), ...traffic }
}

function viewByPhase(pair: Pair, phase: ReturnType<typeof classify>, v: (g: Group | undefined) => string): Omit<PairView, 'traffic'> {
  switch (phase.kind) {
    case 'at-rest':
      return view(pair, phase.live, phase.idle, 'live', 'idle', v)
    case 'deploying':
      return view(pair, phase.live, phase.next, 'live', phase.canary !== undefined ? 'canary' : 'deploying', v)
    case 'cut-over':
      return {
        ...view(pair, phase.next, phase.previous, 'live', 'standby', v),
        standbyInstanceIds: (phase.weights ? activeInstances(phase.previous) : standbyInstances(phase.previous)).map((i) => i.id)
      }
    default: {
      const roles: Record<string, string> = {}
      for (const g of pair.groups) roles[g.name] = activeInstances(g).length > 0 ? 'serving' : 'not serving'
      return { base: pair.base, roles, version: '', previousVersion: '', standbyInstanceIds: [] }
    }
  }
}

function view(pair: Pair, live: Group, other: Group, liveRole: string, otherRole: string, v: (g: Group) => string): Omit<PairView, 'traffic'> {
  return {
    base: pair.base,
    live,
    other,
    roles: { [live.name]: liveRole, [other.name]: otherRole },
    version: v(live),
    previousVersion: v(other),
    standbyInstanceIds: []
  }
}
