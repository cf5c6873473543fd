// The SDK clients, built once per run from the region and whatever the caller injects (credentials,
// a request handler for tests). They honour the SDK's standard configuration, AWS_ENDPOINT_URL_* included.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import type { EC2Client } from '@aws-sdk/client-ec2'
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import type { Clock } from '../clock.js'
// The bundler inlines this JSON at build time (dist/ carries the version it was built from, not a file read at run time).
import packageJson from '../../package.json' with { type: 'json' }

export type Ec2Api = typeof import('@aws-sdk/client-ec2')
export type CloudWatchApi = typeof import('@aws-sdk/client-cloudwatch')
export type ElbApi = typeof import('@aws-sdk/client-elastic-load-balancing')

export interface Clients {
  autoscaling: AutoScalingClient
  elbv2: ElasticLoadBalancingV2Client
  /**
   * Loaded on first use. The EC2 client is about 40 % of the bundle and a deploy from rest never calls
   * it (only standby liveness and finalize do); CloudWatch is called only to re-point alarms.
   */
  ec2(): Promise<{ client: EC2Client; api: Ec2Api }>
  cloudwatch(): Promise<{ client: CloudWatchClient; api: CloudWatchApi }>
  /** Classic Load Balancing (DescribeInstanceHealth): only fleets attached to a Classic LB call it. */
  elb(): Promise<{ client: ElasticLoadBalancingClient; api: ElbApi }>
  destroy(): void
}

/** Extra client settings: credentials (OIDC), or a request handler and retry strategy in tests. */
export type ClientOverrides = Record<string, unknown>

/** Sent with every AWS call (the user agent's `app` part): the action's name and version, from package.json. */
export const USER_AGENT: [string, string] = [packageJson.name, packageJson.version]

/**
 * Calls in flight per service, account-wide for the run. AWS throttles per account and API (token
 * buckets): many pairs starting together would otherwise send dozens of calls in one instant, and the
 * SDK's retry quota runs out. A call waiting for a slot has not started; a throttled call keeps its slot
 * while the SDK backs off, which is what lowers the pressure.
 */
export const MAX_IN_FLIGHT_PER_SERVICE = 8

interface Sendable {
  middlewareStack: {
    add(middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>, options: { step: 'initialize'; name: string }): void
  }
}

/** A command that only reads (Describe*, List*, Get*): it waits behind the writes for a slot. */
export function isRead(commandName: string | undefined): boolean {
  return /^(Describe|List|Get)/.test(commandName ?? '')
}

/**
 * Adds a slot limit to a client: every command waits for one of `limit` slots (retries included). Writes
 * take a free slot before any waiting read: when many pairs poll at once, a cutover's writes (which move
 * the traffic) do not queue behind the other pairs' looks.
 */
export function limitInFlight<C>(client: C, limit = MAX_IN_FLIGHT_PER_SERVICE): C {
  let active = 0
  const writes: (() => void)[] = []
  const reads: (() => void)[] = []
  const acquire = (read: boolean): Promise<void> =>
    active < limit ? (active++, Promise.resolve()) : new Promise((resolve) => (read ? reads : writes).push(() => (active++, resolve())))
  const release = (): void => {
    active--
    ;(writes.shift() ?? reads.shift())?.()
  }
  ;(client as unknown as Sendable).middlewareStack.add(
    (next, context) => async (args) => {
      await acquire(isRead(context.commandName))
      try {
        return await next(args)
      } finally {
        release()
      }
    },
    { step: 'initialize', name: 'blueGreenInFlightLimit' }
  )
  return client
}

/**
 * `clock` sees the lazily loaded clients' module loads (`Clock.busyWhile`): a simulated run's clock must not
 * move while one loads.
 */
export function createClients(region: string, clock: Clock, overrides: ClientOverrides = {}): Clients {
  // Throttling is normal at scale: the SDK retries it (and 5xx) with backoff; give it room to.
  const config = { region, maxAttempts: 8, customUserAgent: [USER_AGENT], ...overrides }
  const loaded: { destroy(): void }[] = []
  const lazy = <C extends { destroy(): void }, A>(load: () => Promise<A>, make: (api: A) => C): (() => Promise<{ client: C; api: A }>) => {
    let once: Promise<{ client: C; api: A }> | undefined
    return () =>
      (once ??= clock.busyWhile(load).then((api) => {
        const client = limitInFlight(make(api))
        loaded.push(client)
        return { client, api }
      }))
  }
  const autoscaling = limitInFlight(new AutoScalingClient(config))
  const elbv2 = limitInFlight(new ElasticLoadBalancingV2Client(config))
  return {
    autoscaling,
    elbv2,
    ec2: lazy(() => import('@aws-sdk/client-ec2'), (api) => new api.EC2Client(config)),
    cloudwatch: lazy(() => import('@aws-sdk/client-cloudwatch'), (api) => new api.CloudWatchClient(config)),
    elb: lazy(() => import('@aws-sdk/client-elastic-load-balancing'), (api) => new api.ElasticLoadBalancingClient(config)),
    destroy: () => {
      autoscaling.destroy()
      elbv2.destroy()
      for (const c of loaded) c.destroy()
    }
  }
}
