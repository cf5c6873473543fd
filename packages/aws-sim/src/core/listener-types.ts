// State records of ELBv2 load balancers, listeners, rules and the simulated requests they route
// (models/listeners.ts, models/routing.ts). Times are epoch milliseconds of virtual time.

export type LoadBalancerType = 'application' | 'network'

export interface SimLoadBalancer {
  name: string
  arn: string
  type: LoadBalancerType
  vpcId: string
  createdAt: number
}

/** One target group of a forward action and its weight (TargetGroupTuple). */
export interface SimWeightedTarget {
  targetGroupArn: string
  weight: number
}

/** TargetGroupStickinessConfig of a forward action. */
export interface SimStickiness {
  enabled: boolean
  durationSeconds: number | undefined
}

/**
 * A listener's or a rule's action as written (Action), validated. A forward written with TargetGroupArn
 * only has no `forward` (Describe shows no ForwardConfig); one written with ForwardConfig keeps it, and
 * `targetGroupArn` is filled when it names exactly one target group (as AWS renders it).
 */
export interface SimAction {
  type: 'forward' | 'fixed-response'
  order: number | undefined
  targetGroupArn: string | undefined
  forward: { targetGroups: SimWeightedTarget[]; stickiness: SimStickiness | undefined } | undefined
  fixedResponse: { statusCode: string; contentType: string | undefined; messageBody: string | undefined } | undefined
}

export interface SimListener {
  arn: string
  loadBalancerArn: string
  port: number
  protocol: string
  defaultActions: SimAction[]
  /** The ARN DescribeRules gives the listener's default rule. */
  defaultRuleArn: string
}

export interface SimRule {
  arn: string
  listenerArn: string
  priority: number
  /** The rule's path-pattern condition values (the only condition modelled). */
  pathPatterns: string[]
  actions: SimAction[]
}

/** What a route does with a request: forward by weights, or answer with a fixed response. */
export type SimRouting =
  | { kind: 'forward'; targets: SimWeightedTarget[]; stickiness: SimStickiness | undefined }
  | { kind: 'fixed'; status: number }

/**
 * A route: a listener's default action or a rule. `applied` is what requests get now; `pending` the written
 * changes still propagating (each applies at `at`, in order); `sticky` the weights clients' stickiness
 * cookies keep them on until `until` (models/routing.ts); `swrr` the smooth weighted round robin state.
 */
export interface SimRoute {
  arn: string
  applied: SimRouting
  pending: { at: number; routing: SimRouting }[]
  sticky: { until: number; targets: SimWeightedTarget[] } | undefined
  swrr: { key: string; current: number[] }
}

/** One simulated client request (world.requests). */
export interface ServedRequest {
  /** Virtual time (epoch ms). */
  at: number
  /** The listener (default action) or rule ARN that routed it. */
  route: string
  /** Name of the target group it was forwarded to. */
  targetGroup?: string
  instanceId?: string
  /** The serving instance's version (its version tag at launch). */
  version?: string
  /** 200 served by an instance, 503 no target to send it to, or a fixed-response action's status code. */
  status: number
}

/** Request generation (world.startRequests): `perSecond` requests per route, request k at t0 + k·1000/perSecond. */
export interface RequestSchedule {
  perSecond: number
  t0: number
  next: number
  /** Requests at or before this time were already generated (a restarted schedule skips them). */
  doneUntil: number
}
