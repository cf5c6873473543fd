// Was an instance taken away by AWS rather than by the release? EC2's StateReason says who stopped or
// terminated it: `Server.*` codes are EC2's own doing (a Spot interruption, a scheduled retirement, a host
// failure); `Client.*` ones are a request (Auto Scaling replacing an instance that failed its health checks,
// a person) or the instance's own OS shutting down. Only the former excuse an instance from the health wait
// and the bake: without Capacity Rebalancing, Auto Scaling replaces a Spot instance only after EC2 has
// interrupted it and its health check failed, so its target fails first.

/** What EC2 says about one instance (DescribeInstances). */
export interface InstanceFate {
  /** EC2 state name: pending, running, shutting-down, terminated, stopping, stopped. */
  state: string
  /** `StateReason.Code` of its last state change, when EC2 gives one. */
  reasonCode?: string
  /** `StateReason.Message`. */
  reasonMessage?: string
  /** `InstanceLifecycle`: `spot`, `scheduled`, `capacity-block`; absent for On-Demand. */
  lifecycle?: string
}

const NOT_RUNNING = new Set(['shutting-down', 'terminated', 'stopping', 'stopped'])

/** Why AWS took the instance away (for the log and the summary), or undefined when the release may be at fault. */
export function takenByAws(fate: InstanceFate | undefined): string | undefined {
  if (!fate || !NOT_RUNNING.has(fate.state) || !fate.reasonCode?.startsWith('Server.')) return undefined
  const code = fate.reasonCode
  const what = code.startsWith('Server.Spot')
    ? `Spot interruption${fate.lifecycle === 'spot' ? '' : ' (not reported as a Spot instance)'}`
    : code === 'Server.ScheduledStop'
      ? 'scheduled retirement'
      : code === 'Server.InternalError'
        ? 'EC2 internal error (host failure)'
        : 'taken away by EC2'
  return `${what}: ${fate.reasonMessage && fate.reasonMessage !== code ? fate.reasonMessage : code}, EC2 state ${fate.state}`
}

/** One instance AWS took away, as the log and the summary name it. */
export interface Interruption {
  instanceId: string
  why: string
}

export function describeInterruptions(list: Interruption[]): string {
  return list.map((i) => `${i.instanceId} (${i.why})`).join(', ')
}
