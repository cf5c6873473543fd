// Rehearsal topologies for `npm run simulate` (../simulate.ts): the shapes of a topology (as the JSON file
// and the flags give it, and resolved) and of the command line's options.


// ------------------------------------------------------------------ types

export type Color = 'blue' | 'green'

/** Per-service settings as a preset, a file or the command line gives them (all optional). */
export interface ServiceSettings {
  imageName?: string
  instances?: number
  max?: number
  version?: string
  /** Target group names, or how many to create (named after the service). */
  targetGroups?: string[] | number
  launchSeconds?: number
  healthCheckIntervalSeconds?: number
  healthyAfterChecks?: number
  deregistrationDelaySeconds?: number
  /** A step scaling policy + CloudWatch alarm and a scheduled action on the live group. */
  scaling?: boolean
}

export interface ServiceSpec extends ServiceSettings {
  /** The part between the prefix and the color: groups are `<prefix><name>-blue|green`. */
  name: string
}

/** One layer of configuration (a preset, a file or the command line); later layers win. */
export interface TopologySpec {
  prefix?: string
  region?: string
  speed?: number
  port?: number
  /** Real seconds between status lines; 0 = off. */
  watchSeconds?: number
  /** Defaults for every service of this layer and the layers below. */
  defaults?: ServiceSettings
  /** Replaces the service list of the layers below. */
  services?: ServiceSpec[]
  /** Applied to every service, over everything else (command-line flags such as --instances). */
  overrides?: ServiceSettings
  badVersions?: string[]
  stuckVersions?: string[]
  /** Group name → message of the failed scaling activities (empty: the simulator's default message). */
  failLaunches?: Record<string, string>
  /** Extra action inputs for every step and the printed commands (e.g. `health-timeout`). */
  inputs?: Record<string, string>
}

export interface ServiceTopology {
  name: string
  /** `<prefix><name>`: the pair's groups are `<base>-blue` (live) and `<base>-green` (idle). */
  base: string
  blue: string
  green: string
  imageName: string
  instances: number
  max: number
  version: string
  targetGroups: string[]
  launchSeconds: number
  healthCheckIntervalSeconds: number
  healthyAfterChecks: number
  deregistrationDelaySeconds: number
  scaling: boolean
}

export interface Topology {
  prefix: string
  region: string
  speed: number
  port: number
  watchSeconds: number
  services: ServiceTopology[]
  badVersions: string[]
  stuckVersions: string[]
  failLaunches: Record<string, string>
  inputs: Record<string, string>
}

export type ExecMode = 'deploy' | 'finalize' | 'rollback' | 'status'

export type ExecStep =
  | { kind: 'run'; text: string; mode: ExecMode; inputs: Record<string, string>; expectState?: string }
  | { kind: 'wait'; text: string; seconds: number }

export interface CliOptions {
  help: boolean
  topology: Topology
  exec: ExecStep[]
  /** The layers the topology was resolved from, for messages. */
  scenario?: string
  topologyFile?: string
}

export class TopologyError extends Error {
  override name = 'TopologyError'
}
