// Realism: the unpredictable parts of real AWS, behind one switch (SimWorldOptions.realism). Every choice is
// drawn from the world's seeded RNG, so a run is reproducible per seed.
//
// - latencyMs: each request takes [min, max] virtual ms before it is applied and answered.
// - readLagMs: after a write that changes a resource (a group's tags, capacity or instances' lifecycle
//   states; a target group's targets; an instance's EC2 state), Describe calls keep returning the previous
//   value of that resource for [min, max] ms (AWS Auto Scaling, ELB and EC2 APIs are eventually consistent).
// - deregisterLagMs: after EnterStandby (or a detach or termination), Auto Scaling's deregistration reaches
//   each target group [min, max] ms later; until then the target keeps its state and takes requests.
// - healthJitter: targets of one batch conclude their health checks 0–3 s apart, not on the same tick.
// - pageSize: 'random' = in about half of the worlds every paged Describe returns only 2–5 items per page.

/** The default for worlds that do not say (`realism` undefined). One place decides it. */
export const REALISM_BY_DEFAULT = true

export interface Realism {
  latencyMs: [number, number]
  readLagMs: [number, number]
  deregisterLagMs: [number, number]
  healthJitter: boolean
  /** A fixed cap, 'random' (2–5 in some worlds) or undefined (AWS's own page sizes). */
  pageSize: number | 'random' | undefined
}

export const HARSH: Realism = { latencyMs: [10, 80], readLagMs: [0, 3_000], deregisterLagMs: [0, 2_000], healthJitter: true, pageSize: 'random' }

/** The realism a world runs with (undefined = none: no latency, no lag, no jitter). */
export function resolveRealism(option: boolean | Partial<Realism> | undefined): Realism | undefined {
  const on = option ?? REALISM_BY_DEFAULT
  if (on === false) return undefined
  if (on === true) return { ...HARSH }
  return { ...HARSH, ...on }
}
