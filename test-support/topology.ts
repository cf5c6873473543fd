// Rehearsal topologies for `npm run simulate` (scripts/simulate.ts) and its tests: the command line and
// an optional JSON file are parsed (strictly, with errors that name the flag or JSON key and the value)
// into a resolved `Topology`, and `buildWorld` turns that into a SimWorld with the SimWorld builders.
// Everything here is pure except `loadTopologyFile` (reads the file) and `buildWorld` (builds a world).
import fs from 'node:fs'
import { SimWorld } from './sim/index.js'
import { START } from './worlds.js'

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

// ------------------------------------------------------------------ limits and defaults

export const DEFAULTS = {
  prefix: 'prod-',
  region: 'us-east-1',
  speed: 60,
  port: 0,
  imageName: 'web',
  instances: 3,
  version: 'v1',
  targetGroups: 1,
  launchSeconds: 60,
  healthCheckIntervalSeconds: 10,
  healthyAfterChecks: 2,
  deregistrationDelaySeconds: 300,
  services: ['web']
} as const

/** Inputs that suit the simulator: the action's own waits run in real time, the simulator's ×speed. */
export const REHEARSAL_INPUTS: Readonly<Record<string, string>> = { 'poll-interval': '1s', 'health-timeout': '2m' }

const LIMITS = {
  instances: [1, 500],
  max: [1, 1000],
  targetGroups: [1, 5],
  launchSeconds: [0, 3600],
  healthCheckIntervalSeconds: [5, 300], // ELBv2 HealthCheckIntervalSeconds
  healthyAfterChecks: [2, 10], // ELBv2 HealthyThresholdCount
  deregistrationDelaySeconds: [0, 3600], // ELBv2 deregistration_delay.timeout_seconds
  speed: [0.1, 10_000],
  port: [0, 65_535],
  watchSeconds: [0, 3600],
  pairs: [1, 50]
} as const

// AWS tag values (the version and image-name tags): letters, digits, spaces and _ . : / = + - @, ≤ 256.
const TAG_VALUE = /^[\p{L}\p{N}\p{Z}_.:/=+\-@]{1,256}$/u
// ASG names may hold almost anything; keep prefixes and service names to what shells and URLs like.
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
// ELBv2 target group names: ≤ 32 alphanumerics and hyphens, not starting or ending with a hyphen.
const TG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/
const INPUT_NAME = /^[a-z][a-z0-9-]*$/
const MODES: readonly ExecMode[] = ['deploy', 'finalize', 'rollback', 'status']

// ------------------------------------------------------------------ presets

export const SCENARIOS: Readonly<Record<string, { description: string; spec: TopologySpec }>> = {
  single: {
    description: 'one service: prod-web-blue serves v1 on 3 instances, prod-web-green idle, one target group',
    spec: { services: [{ name: 'web' }] }
  },
  'two-services': {
    description: 'two pairs one run drives together (image api): prod-api-web (4 instances, 2 target groups) and prod-api-worker (2 instances)',
    spec: {
      defaults: { imageName: 'api' },
      services: [
        { name: 'api-web', instances: 4, targetGroups: ['prod-api-web-http', 'prod-api-web-grpc'] },
        { name: 'api-worker', instances: 2 }
      ]
    }
  },
  big: {
    description: 'one service with 45 instances (Standby moves go in batches of 20), max 90, with scaling policy, alarm and scheduled action',
    spec: { services: [{ name: 'web', instances: 45, max: 90, scaling: true }] }
  },
  'bad-release': {
    description: 'single, but v3 never gets healthy (502 from the health check): deploy v3 aborts once boot-time (3s here) has passed, v1 keeps serving',
    spec: { services: [{ name: 'web' }], badVersions: ['v3'], inputs: { 'boot-time': '3s' } }
  },
  'stuck-release': {
    description: 'single, but v4 stays `initial` forever: deploy v4 waits out health-timeout (set to 30s here), then aborts',
    spec: { services: [{ name: 'web' }], stuckVersions: ['v4'], inputs: { 'health-timeout': '30s' } }
  },
  'launch-failure': {
    description: 'single, but prod-web-green cannot launch (no capacity): deploy fails at once, v1 keeps serving',
    spec: { services: [{ name: 'web' }], failLaunches: { 'prod-web-green': '' } }
  },
  scaling: {
    description: 'single, with a step scaling policy fired by a CloudWatch alarm and a scheduled action on the live group',
    spec: { services: [{ name: 'web', scaling: true }] }
  }
}

// ------------------------------------------------------------------ value parsers

function fail(where: string, value: unknown, expected: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)
  throw new TopologyError(`invalid value ${shown} for ${where}: ${expected}`)
}

function wholeNumber(where: string, value: unknown, [lo, hi]: readonly [number, number]): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < lo || n > hi) fail(where, value, `expected a whole number from ${lo} to ${hi}`)
  return n
}

function decimal(where: string, value: unknown, [lo, hi]: readonly [number, number]): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isFinite(n) || n < lo || n > hi) fail(where, value, `expected a number from ${lo} to ${hi}`)
  return n
}

function tagValue(where: string, value: unknown): string {
  if (typeof value !== 'string' || !TAG_VALUE.test(value)) {
    fail(where, value, 'expected an Auto Scaling tag value: 1 to 256 letters, digits, spaces and _ . : / = + - @')
  }
  return value
}

function namePart(where: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME_PART.test(value) || value.length > 200) {
    fail(where, value, 'expected a name of letters, digits, ".", "_" and "-" that starts with a letter or digit')
  }
  return value
}

function prefixValue(where: string, value: unknown): string {
  if (typeof value !== 'string' || !PREFIX.test(value) || value.length > 100) {
    fail(where, value, 'expected a group-name prefix of letters, digits, ".", "_" and "-" (e.g. prod-)')
  }
  return value
}

function targetGroupName(where: string, value: unknown): string {
  if (typeof value !== 'string' || !TG_NAME.test(value)) {
    fail(where, value, 'expected a target group name: 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen')
  }
  return value
}

function bool(where: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return fail(where, value, 'expected true or false')
}

function inputPair(where: string, text: string): [string, string] {
  const eq = text.indexOf('=')
  const name = eq < 0 ? '' : text.slice(0, eq)
  if (eq <= 0 || !INPUT_NAME.test(name)) fail(where, text, 'expected an action input as name=value, e.g. health-timeout=1m')
  return [name, text.slice(eq + 1)]
}

function inputsObject(where: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, value, 'expected an object of input name → string value')
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (!INPUT_NAME.test(k)) fail(`${where}.${k}`, k, 'expected an action input name such as health-timeout')
    if (typeof v !== 'string') fail(`${where}.${k}`, v, 'expected a string')
    out[k] = v
  }
  return out
}

function stringList(where: string, value: unknown, each: (w: string, v: unknown) => string): string[] {
  if (!Array.isArray(value)) fail(where, value, 'expected an array')
  return value.map((v, i) => each(`${where}[${i}]`, v))
}

function commaList(where: string, value: string, each: (w: string, v: unknown) => string): string[] {
  const parts = value.split(',').map((s) => s.trim())
  if (parts.some((p) => p === '')) fail(where, value, 'expected a comma-separated list with no empty items')
  return parts.map((p) => each(where, p))
}

function noUnknownKeys(where: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw new TopologyError(`unknown key "${k}" in ${where} (known keys: ${known.join(', ')})`)
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

// ------------------------------------------------------------------ the JSON file

const SETTINGS_KEYS = [
  'imageName',
  'instances',
  'max',
  'version',
  'targetGroups',
  'launchSeconds',
  'healthCheckIntervalSeconds',
  'healthyAfterChecks',
  'deregistrationDelaySeconds',
  'scaling'
] as const
const TOP_KEYS = ['$comment', 'prefix', 'region', 'speed', 'port', 'watchSeconds', 'defaults', 'services', 'badVersions', 'stuckVersions', 'failLaunches', 'inputs'] as const

function settingsFrom(where: string, o: Record<string, unknown>): ServiceSettings {
  for (const key of ['instances', 'max', 'launchSeconds', 'healthCheckIntervalSeconds', 'healthyAfterChecks', 'deregistrationDelaySeconds'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'number') fail(`${where}.${key}`, o[key], 'expected a JSON number')
  }
  const s: ServiceSettings = {}
  if (o.imageName !== undefined) s.imageName = tagValue(`${where}.imageName`, o.imageName)
  if (o.instances !== undefined) s.instances = wholeNumber(`${where}.instances`, o.instances, LIMITS.instances)
  if (o.max !== undefined) s.max = wholeNumber(`${where}.max`, o.max, LIMITS.max)
  if (o.version !== undefined) s.version = tagValue(`${where}.version`, o.version)
  if (o.targetGroups !== undefined) {
    s.targetGroups = typeof o.targetGroups === 'number' ? wholeNumber(`${where}.targetGroups`, o.targetGroups, LIMITS.targetGroups) : stringList(`${where}.targetGroups`, o.targetGroups, targetGroupName)
    if (Array.isArray(s.targetGroups) && (s.targetGroups.length < 1 || s.targetGroups.length > LIMITS.targetGroups[1])) {
      fail(`${where}.targetGroups`, o.targetGroups, `expected 1 to ${LIMITS.targetGroups[1]} target group names, or a count`)
    }
  }
  if (o.launchSeconds !== undefined) s.launchSeconds = wholeNumber(`${where}.launchSeconds`, o.launchSeconds, LIMITS.launchSeconds)
  if (o.healthCheckIntervalSeconds !== undefined) s.healthCheckIntervalSeconds = wholeNumber(`${where}.healthCheckIntervalSeconds`, o.healthCheckIntervalSeconds, LIMITS.healthCheckIntervalSeconds)
  if (o.healthyAfterChecks !== undefined) s.healthyAfterChecks = wholeNumber(`${where}.healthyAfterChecks`, o.healthyAfterChecks, LIMITS.healthyAfterChecks)
  if (o.deregistrationDelaySeconds !== undefined) s.deregistrationDelaySeconds = wholeNumber(`${where}.deregistrationDelaySeconds`, o.deregistrationDelaySeconds, LIMITS.deregistrationDelaySeconds)
  if (o.scaling !== undefined) s.scaling = bool(`${where}.scaling`, o.scaling)
  return s
}

/** A topology file's JSON (already parsed), validated; `source` names the file in messages. */
export function parseTopologyJson(json: unknown, source = 'topology file'): TopologySpec {
  if (!isObject(json)) fail(source, json, 'expected a JSON object')
  noUnknownKeys(source, json, TOP_KEYS)
  for (const key of ['speed', 'port', 'watchSeconds'] as const) {
    if (json[key] !== undefined && typeof json[key] !== 'number') fail(`${source}: ${key}`, json[key], 'expected a JSON number')
  }
  const spec: TopologySpec = {}
  if (json.prefix !== undefined) spec.prefix = prefixValue(`${source}: prefix`, json.prefix)
  if (json.region !== undefined) spec.region = regionValue(`${source}: region`, json.region)
  if (json.speed !== undefined) spec.speed = decimal(`${source}: speed`, json.speed, LIMITS.speed)
  if (json.port !== undefined) spec.port = wholeNumber(`${source}: port`, json.port, LIMITS.port)
  if (json.watchSeconds !== undefined) spec.watchSeconds = decimal(`${source}: watchSeconds`, json.watchSeconds, LIMITS.watchSeconds)
  if (json.defaults !== undefined) {
    if (!isObject(json.defaults)) fail(`${source}: defaults`, json.defaults, 'expected an object')
    noUnknownKeys(`${source}: defaults`, json.defaults, SETTINGS_KEYS)
    spec.defaults = settingsFrom(`${source}: defaults`, json.defaults)
  }
  if (json.services !== undefined) {
    if (!Array.isArray(json.services) || json.services.length === 0 || json.services.length > LIMITS.pairs[1]) {
      fail(`${source}: services`, json.services, `expected an array of 1 to ${LIMITS.pairs[1]} services`)
    }
    spec.services = json.services.map((s: unknown, i: number) => {
      const where = `${source}: services[${i}]`
      if (typeof s === 'string') return { name: namePart(where, s) }
      if (!isObject(s)) fail(where, s, 'expected a service object ({ "name": "web", ... }) or a name')
      noUnknownKeys(where, s, ['name', ...SETTINGS_KEYS])
      if (s.name === undefined) throw new TopologyError(`missing key "name" in ${where}`)
      return { name: namePart(`${where}.name`, s.name), ...settingsFrom(where, s) }
    })
  }
  if (json.badVersions !== undefined) spec.badVersions = stringList(`${source}: badVersions`, json.badVersions, tagValue)
  if (json.stuckVersions !== undefined) spec.stuckVersions = stringList(`${source}: stuckVersions`, json.stuckVersions, tagValue)
  if (json.failLaunches !== undefined) {
    const where = `${source}: failLaunches`
    const fl = json.failLaunches
    if (Array.isArray(fl)) {
      spec.failLaunches = Object.fromEntries(fl.map((g: unknown, i: number) => [namePart(`${where}[${i}]`, g), '']))
    } else if (isObject(fl)) {
      spec.failLaunches = {}
      for (const [g, msg] of Object.entries(fl)) {
        namePart(`${where}`, g)
        if (typeof msg !== 'string') fail(`${where}.${g}`, msg, 'expected the failure message (a string; "" for the default)')
        spec.failLaunches[g] = msg
      }
    } else fail(where, fl, 'expected an array of group names or an object of group name → message')
  }
  if (json.inputs !== undefined) spec.inputs = inputsObject(`${source}: inputs`, json.inputs)
  return spec
}

/** Reads and validates a topology file (errors name the file and, for bad values, the key). */
export function loadTopologyFile(file: string): TopologySpec {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new TopologyError(`cannot read --topology ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new TopologyError(`--topology ${file} is not valid JSON: ${(err as Error).message}`)
  }
  return parseTopologyJson(json, file)
}

function regionValue(where: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) fail(where, value, 'expected an AWS region such as us-east-1')
  return value
}

// ------------------------------------------------------------------ resolving the layers

/** Merges layers (lowest first) into a validated topology. */
export function resolveTopology(layers: TopologySpec[]): Topology {
  const pick = <K extends keyof TopologySpec>(k: K): TopologySpec[K] | undefined => {
    let v: TopologySpec[K] | undefined
    for (const l of layers) if (l[k] !== undefined) v = l[k]
    return v
  }
  const prefix = pick('prefix') ?? DEFAULTS.prefix
  let defaults: ServiceSettings = {}
  let overrides: ServiceSettings = {}
  for (const l of layers) {
    defaults = { ...defaults, ...(l.defaults ?? {}) }
    overrides = { ...overrides, ...(l.overrides ?? {}) }
  }
  const specs = pick('services') ?? DEFAULTS.services.map((name) => ({ name }))

  const services: ServiceTopology[] = []
  const tgOwners = new Map<string, string>()
  for (const spec of specs) {
    const s = { ...defaults, ...spec, ...overrides }
    const base = `${prefix}${spec.name}`
    if (services.some((x) => x.base === base)) throw new TopologyError(`service "${spec.name}" is listed twice (groups ${base}-blue/-green)`)
    const instances = s.instances ?? DEFAULTS.instances
    const max = s.max ?? Math.max(6, instances * 2)
    if (max < instances) {
      throw new TopologyError(`invalid value ${max} for max of service ${spec.name}: it must be at least its ${instances} instances (set --max or "max" higher)`)
    }
    const tgSpec = s.targetGroups ?? DEFAULTS.targetGroups
    const targetGroups = typeof tgSpec === 'number' ? Array.from({ length: tgSpec }, (_, i) => (tgSpec === 1 ? base : `${base}-tg${i + 1}`)) : [...tgSpec]
    for (const tg of targetGroups) {
      targetGroupName(`target group of service ${spec.name} (name derived from the prefix and service; give "targetGroups" names in a --topology file)`, tg)
      const owner = tgOwners.get(tg)
      if (owner && owner !== base) throw new TopologyError(`target group ${tg} is used by two services (${owner} and ${base}); each pair needs its own target groups`)
      tgOwners.set(tg, base)
    }
    if (new Set(targetGroups).size !== targetGroups.length) throw new TopologyError(`service ${spec.name} lists a target group twice: ${targetGroups.join(', ')}`)
    services.push({
      name: spec.name,
      base,
      blue: `${base}-blue`,
      green: `${base}-green`,
      imageName: s.imageName ?? DEFAULTS.imageName,
      instances,
      max,
      version: s.version ?? DEFAULTS.version,
      targetGroups,
      launchSeconds: s.launchSeconds ?? DEFAULTS.launchSeconds,
      healthCheckIntervalSeconds: s.healthCheckIntervalSeconds ?? DEFAULTS.healthCheckIntervalSeconds,
      healthyAfterChecks: s.healthyAfterChecks ?? DEFAULTS.healthyAfterChecks,
      deregistrationDelaySeconds: s.deregistrationDelaySeconds ?? DEFAULTS.deregistrationDelaySeconds,
      scaling: s.scaling ?? false
    })
  }
  // Service names that are a prefix of another ("web" and "web-api") are fine for the action (it pairs by
  // exact base), but a group name must not be the other color of another pair.
  const groupNames = new Set(services.flatMap((s) => [s.blue, s.green]))
  if (groupNames.size !== services.length * 2) throw new TopologyError('two services produce the same group name; choose distinct service names')

  const badVersions = unique(pick('badVersions') ?? [])
  const stuckVersions = unique(pick('stuckVersions') ?? [])
  for (const v of badVersions) {
    if (stuckVersions.includes(v)) throw new TopologyError(`version ${v} is given both as --bad-version and --stuck-version; pick one`)
  }
  for (const v of [...badVersions, ...stuckVersions]) {
    const serving = services.find((s) => s.version === v)
    if (serving) {
      const flag = badVersions.includes(v) ? '--bad-version' : '--stuck-version'
      throw new TopologyError(`invalid value "${v}" for ${flag}: ${serving.blue} already serves ${v}, so it would start unhealthy; choose a version you will deploy`)
    }
  }
  const failLaunches = pick('failLaunches') ?? {}
  for (const g of Object.keys(failLaunches)) {
    if (!groupNames.has(g)) {
      throw new TopologyError(`invalid value "${g}" for --fail-launches: no such group in this topology (groups: ${[...groupNames].join(', ')})`)
    }
  }
  const inputs: Record<string, string> = { ...REHEARSAL_INPUTS }
  for (const l of layers) Object.assign(inputs, l.inputs ?? {})
  for (const reserved of ['mode', 'prefix', 'image-name', 'version']) {
    if (reserved in inputs) throw new TopologyError(`invalid value "${reserved}" for --input: ${reserved} is set per step (--exec "deploy v2 image-name=web")`)
  }
  return {
    prefix,
    region: pick('region') ?? DEFAULTS.region,
    speed: pick('speed') ?? DEFAULTS.speed,
    port: pick('port') ?? DEFAULTS.port,
    watchSeconds: pick('watchSeconds') ?? 0,
    services,
    badVersions,
    stuckVersions,
    failLaunches,
    inputs
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)]
}

/** The image names of the topology, in service order. */
export function imageNames(t: Topology): string[] {
  return unique(t.services.map((s) => s.imageName))
}

// ------------------------------------------------------------------ --exec steps

/**
 * `deploy v2`, `finalize`, `rollback`, `status`, optionally followed by action inputs as name=value
 * (`image-name=api`, `dry-run=true`, `health-timeout=1m`) and `expect=STATE` (the step passes when its
 * `state` output is STATE, whatever the exit code); or `wait SECONDS` (real seconds).
 */
export function parseExecStep(text: string, t: Topology): ExecStep {
  const where = '--exec'
  const words = text.trim().split(/\s+/).filter((w) => w !== '')
  const [mode, ...rest] = words
  if (mode === 'wait') {
    if (rest.length !== 1) fail(where, text, 'expected "wait SECONDS"')
    return { kind: 'wait', text: text.trim(), seconds: decimal(where, rest[0], [0, 3600]) }
  }
  if (!mode || !(MODES as readonly string[]).includes(mode)) fail(where, text, `expected a step starting with ${MODES.join(', ')} or wait`)
  const inputs: Record<string, string> = {}
  let expectState: string | undefined
  for (const w of rest) {
    if (w.includes('=')) {
      const [k, v] = inputPair(where, w)
      if (k === 'expect') expectState = v
      else if (k === 'mode') fail(where, text, 'the mode is the first word of the step')
      else inputs[k] = v
    } else if (mode === 'deploy' && inputs.version === undefined) {
      inputs.version = tagValue(`${where} "${text}" (version)`, w)
    } else {
      fail(where, text, `unexpected word "${w}" (give action inputs as name=value)`)
    }
  }
  if (mode === 'deploy' && inputs.version === undefined) fail(where, text, 'deploy needs a version: "deploy v2"')
  if (inputs['image-name'] === undefined) {
    const names = imageNames(t)
    if (names.length > 1) fail(where, text, `this topology has several image names (${names.join(', ')}): add image-name=NAME to the step`)
    inputs['image-name'] = names[0] as string
  }
  return { kind: 'run', text: text.trim(), mode: mode as ExecMode, inputs, ...(expectState !== undefined ? { expectState } : {}) }
}

/** The inputs a step (or a printed command) passes to the action, by action.yml name. */
export function stepInputs(t: Topology, mode: ExecMode, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { mode, prefix: t.prefix }
  if (extra['image-name'] !== undefined) out['image-name'] = extra['image-name']
  if (extra.version !== undefined) out.version = extra.version
  return { ...out, ...t.inputs, ...extra }
}

// ------------------------------------------------------------------ the command line

export const USAGE = `Usage: npm run simulate -- [options]

Starts a simulated AWS (Auto Scaling, ELBv2, EC2, CloudWatch) on 127.0.0.1 with your topology and prints
how to point the action at it. Ctrl-C stops it (and prints the invariant violations it recorded).

Topology (flags apply to every service and win over --scenario and --topology):
  --scenario NAME            start from a preset: ${Object.keys(SCENARIOS).join(', ')}
  --topology FILE            JSON topology file (see docs/rehearse.md, examples/rehearse/topology.json)
  --prefix STR               group-name prefix (default ${DEFAULTS.prefix}); groups are <prefix><service>-blue|green
  --services A,B             service names, one blue/green pair each (default ${DEFAULTS.services.join(',')})
  --pairs N                  N pairs named web-1 … web-N (instead of --services)
  --image NAME               image-name tag value (default ${DEFAULTS.imageName})
  --instances N              instances on the live (blue) group (default ${DEFAULTS.instances})
  --max N                    MaxSize of both groups (default max(6, 2 × instances))
  --version V                version the live group serves (default ${DEFAULTS.version})
  --target-groups N|A,B      target groups per service: a count, or names (one service only) (default ${DEFAULTS.targetGroups})
  --health-interval SECONDS  target group health-check interval (default ${DEFAULTS.healthCheckIntervalSeconds}; 5 to 300)
  --healthy-after N          passing checks before a target is healthy (default ${DEFAULTS.healthyAfterChecks}; 2 to 10)
  --deregistration-delay S   target group deregistration delay in seconds (default ${DEFAULTS.deregistrationDelaySeconds})
  --launch-seconds S         seconds an instance stays Pending (default ${DEFAULTS.launchSeconds})
  --bad-version V            instances of V fail their health checks (repeatable)
  --stuck-version V          targets of V stay "initial" forever (repeatable)
  --fail-launches GROUP      launches in GROUP fail for lack of capacity (repeatable)
  --scaling                  put a step scaling policy + alarm and a scheduled action on each live group

Simulator:
  --speed N                  virtual seconds per real second (default ${DEFAULTS.speed})
  --port N                   port on 127.0.0.1 (default 0: a free port; e.g. 4566)
  --region R                 region the simulated account lives in (default ${DEFAULTS.region})
  --watch SECONDS            print a status line per pair every SECONDS of real time (default off)
  --input NAME=VALUE         action input for every step and printed command (repeatable;
                             defaults ${Object.entries(REHEARSAL_INPUTS).map(([k, v]) => `${k}=${v}`).join(' ')})

Scripted run (instead of waiting for Ctrl-C):
  --exec STEP                run node dist/index.js for STEP, in order (repeatable), then exit:
                             "deploy V", "finalize", "rollback", "status", each optionally followed by
                             inputs as name=value and expect=STATE; or "wait SECONDS".
                             Exits 1 if a step failed (or missed its expect=) or an invariant was violated.
  -h, --help                 print this help

Examples:
  npm run simulate -- --scenario single --watch 5
  npm run simulate -- --services web,api --instances 6 --bad-version v3 --port 4566
  npm run simulate -- --scenario two-services --exec "deploy v2" --exec rollback --exec status
  npm run simulate -- --scenario bad-release --exec "deploy v3 expect=aborted" --exec "status expect=at-rest"
`

const VALUE_FLAGS = [
  '--scenario',
  '--topology',
  '--prefix',
  '--services',
  '--pairs',
  '--image',
  '--instances',
  '--max',
  '--version',
  '--target-groups',
  '--health-interval',
  '--healthy-after',
  '--deregistration-delay',
  '--launch-seconds',
  '--bad-version',
  '--stuck-version',
  '--fail-launches',
  '--speed',
  '--port',
  '--region',
  '--watch',
  '--input',
  '--exec'
] as const
const BOOLEAN_FLAGS = ['--scaling', '--help', '-h'] as const
type ValueFlag = (typeof VALUE_FLAGS)[number]

/**
 * Parses the command line (without `node script`). `readFile` loads `--topology` (injectable for tests).
 * Throws TopologyError naming the flag and the value.
 */
export function parseArgs(argv: readonly string[], readFile: (file: string) => TopologySpec = loadTopologyFile): CliOptions {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true, topology: resolveTopology([]), exec: [] }
  const values = new Map<ValueFlag, string[]>()
  const booleans = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const flag = eq > 0 ? arg.slice(0, eq) : arg
    if ((BOOLEAN_FLAGS as readonly string[]).includes(flag)) {
      if (eq > 0) throw new TopologyError(`${flag} takes no value (got "${arg}")`)
      booleans.add(flag)
      continue
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      throw new TopologyError(arg.startsWith('-') ? `unknown option ${flag} (see --help)` : `unexpected argument "${arg}" (options start with --; see --help)`)
    }
    let value: string | undefined
    if (eq > 0) value = arg.slice(eq + 1)
    else {
      value = argv[i + 1]
      if (value === undefined || (value.startsWith('--') && flag !== '--exec')) throw new TopologyError(`${flag} needs a value (see --help)`)
      i++
    }
    const list = values.get(flag as ValueFlag) ?? []
    list.push(value)
    values.set(flag as ValueFlag, list)
  }
  const one = (flag: ValueFlag): string | undefined => {
    const v = values.get(flag)
    if (v && v.length > 1) throw new TopologyError(`${flag} is given ${v.length} times; give it once`)
    return v?.[0]
  }
  const many = (flag: ValueFlag): string[] => values.get(flag) ?? []

  const layers: TopologySpec[] = []
  const scenario = one('--scenario')
  if (scenario !== undefined) {
    const preset = SCENARIOS[scenario]
    if (!preset) fail('--scenario', scenario, `expected one of ${Object.keys(SCENARIOS).join(', ')}`)
    layers.push(preset.spec)
  }
  const topologyFile = one('--topology')
  if (topologyFile !== undefined) layers.push(readFile(topologyFile))

  const flags: TopologySpec = {}
  const o: ServiceSettings = {}
  const v = (flag: ValueFlag): string | undefined => one(flag)
  let x: string | undefined
  if ((x = v('--prefix')) !== undefined) flags.prefix = prefixValue('--prefix', x)
  const servicesFlag = v('--services')
  const pairsFlag = v('--pairs')
  if (servicesFlag !== undefined && pairsFlag !== undefined) throw new TopologyError('give --services or --pairs, not both')
  if (servicesFlag !== undefined) flags.services = commaList('--services', servicesFlag, namePart).map((name) => ({ name }))
  if (pairsFlag !== undefined) {
    const n = wholeNumber('--pairs', pairsFlag, LIMITS.pairs)
    flags.services = Array.from({ length: n }, (_, i) => ({ name: n === 1 ? 'web' : `web-${i + 1}` }))
  }
  if ((x = v('--image')) !== undefined) o.imageName = tagValue('--image', x)
  if ((x = v('--instances')) !== undefined) o.instances = wholeNumber('--instances', x, LIMITS.instances)
  if ((x = v('--max')) !== undefined) o.max = wholeNumber('--max', x, LIMITS.max)
  if ((x = v('--version')) !== undefined) o.version = tagValue('--version', x)
  if ((x = v('--target-groups')) !== undefined) {
    if (/^\d+$/.test(x)) o.targetGroups = wholeNumber('--target-groups', x, LIMITS.targetGroups)
    else o.targetGroups = commaList('--target-groups', x, targetGroupName)
  }
  if ((x = v('--health-interval')) !== undefined) o.healthCheckIntervalSeconds = wholeNumber('--health-interval', x, LIMITS.healthCheckIntervalSeconds)
  if ((x = v('--healthy-after')) !== undefined) o.healthyAfterChecks = wholeNumber('--healthy-after', x, LIMITS.healthyAfterChecks)
  if ((x = v('--deregistration-delay')) !== undefined) o.deregistrationDelaySeconds = wholeNumber('--deregistration-delay', x, LIMITS.deregistrationDelaySeconds)
  if ((x = v('--launch-seconds')) !== undefined) o.launchSeconds = wholeNumber('--launch-seconds', x, LIMITS.launchSeconds)
  if (booleans.has('--scaling')) o.scaling = true
  if (many('--bad-version').length > 0) flags.badVersions = many('--bad-version').map((b) => tagValue('--bad-version', b))
  if (many('--stuck-version').length > 0) flags.stuckVersions = many('--stuck-version').map((b) => tagValue('--stuck-version', b))
  if (many('--fail-launches').length > 0) flags.failLaunches = Object.fromEntries(many('--fail-launches').map((g) => [namePart('--fail-launches', g), '']))
  if ((x = v('--speed')) !== undefined) flags.speed = decimal('--speed', x, LIMITS.speed)
  if ((x = v('--port')) !== undefined) flags.port = wholeNumber('--port', x, LIMITS.port)
  if ((x = v('--region')) !== undefined) flags.region = regionValue('--region', x)
  if ((x = v('--watch')) !== undefined) flags.watchSeconds = decimal('--watch', x, LIMITS.watchSeconds)
  if (many('--input').length > 0) flags.inputs = Object.fromEntries(many('--input').map((p) => inputPair('--input', p)))
  if (Object.keys(o).length > 0) flags.overrides = o
  layers.push(flags)

  if (Array.isArray(o.targetGroups)) {
    const count = resolveTopology(layers.map((l) => ({ ...l, overrides: { ...l.overrides, targetGroups: 1 } }))).services.length
    if (count > 1) fail('--target-groups', v('--target-groups'), 'target group names fit one service only; give a count, or names per service in a --topology file')
  }
  const topology = resolveTopology(layers)
  const exec = many('--exec').map((s) => parseExecStep(s, topology))
  return { help: false, topology, exec, ...(scenario !== undefined ? { scenario } : {}), ...(topologyFile !== undefined ? { topologyFile } : {}) }
}

// ------------------------------------------------------------------ the world

export const ALARM_SUFFIX = '-cpu-high'
export const POLICY_NAME = 'cpu-step-out'
export const SCHEDULED_ACTION_NAME = 'weekday-morning-peak'

/**
 * A SimWorld with the topology: per service, blue live (running, healthy), green idle (capacity 0).
 * `start` is the virtual time to begin at: tests keep the fixed default; the CLI passes the real time,
 * because the action compares scaling-activity times with its own clock.
 */
export function buildWorld(t: Topology, start: number = START): SimWorld {
  const world = new SimWorld({ start, region: t.region, accountId: '123456789012' })
  for (const s of t.services) {
    for (const name of s.targetGroups) {
      world.addTargetGroup({
        name,
        deregistrationDelaySeconds: s.deregistrationDelaySeconds,
        healthCheckIntervalSeconds: s.healthCheckIntervalSeconds,
        healthyAfterChecks: s.healthyAfterChecks
      })
    }
    world.addGroup({
      name: s.blue,
      min: s.instances,
      max: s.max,
      desired: s.instances,
      targetGroups: s.targetGroups,
      launchSeconds: s.launchSeconds,
      tags: { 'docker:image:name': s.imageName, 'docker:image:version': s.version },
      running: true
    })
    world.addGroup({
      name: s.green,
      min: 0,
      max: s.max,
      desired: 0,
      targetGroups: s.targetGroups,
      launchSeconds: s.launchSeconds,
      tags: { 'docker:image:name': s.imageName }
    })
    if (s.scaling) {
      const policy = world.putScalingPolicy({
        AutoScalingGroupName: s.blue,
        PolicyName: POLICY_NAME,
        PolicyType: 'StepScaling',
        AdjustmentType: 'ChangeInCapacity',
        MetricAggregationType: 'Average',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]
      })
      world.addAlarm({
        AlarmName: `${s.base}${ALARM_SUFFIX}`,
        AlarmActions: [policy.PolicyARN],
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        Statistic: 'Average',
        Dimensions: [{ Name: 'AutoScalingGroupName', Value: s.blue }],
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold'
      })
      world.putScheduledAction({
        AutoScalingGroupName: s.blue,
        ScheduledActionName: SCHEDULED_ACTION_NAME,
        StartTime: start + 7 * 86_400_000,
        Recurrence: '0 8 * * 1-5',
        TimeZone: 'Europe/Paris',
        MinSize: s.instances,
        DesiredCapacity: Math.min(s.max, s.instances + 1),
        MaxSize: s.max
      })
    }
  }
  for (const v of t.badVersions) world.setVersionHealth(v, 'unhealthy')
  for (const v of t.stuckVersions) world.setVersionHealth(v, 'stuck-initial')
  for (const [g, message] of Object.entries(t.failLaunches)) {
    if (message === '') world.failLaunches(g)
    else world.failLaunches(g, message)
  }
  return world
}

/** Human-readable description of the topology, one line per item. */
export function describeTopology(t: Topology): string[] {
  const lines: string[] = []
  for (const s of t.services) {
    lines.push(
      `${s.blue} serves ${s.version} on ${s.instances} instance(s) (max ${s.max}); ${s.green} is idle; image-name ${s.imageName}; ` +
        `target group(s) ${s.targetGroups.join(', ')}`
    )
    lines.push(
      `  health check every ${s.healthCheckIntervalSeconds} s, healthy after ${s.healthyAfterChecks} checks; deregistration delay ` +
        `${s.deregistrationDelaySeconds} s; an instance launches in ${s.launchSeconds} s` +
        (s.scaling ? `; scaling: step policy ${POLICY_NAME} fired by alarm ${s.base}${ALARM_SUFFIX}, scheduled action ${SCHEDULED_ACTION_NAME}` : '')
    )
  }
  if (t.badVersions.length > 0) lines.push(`never healthy (health checks fail with 502): ${t.badVersions.join(', ')}`)
  if (t.stuckVersions.length > 0) lines.push(`stuck in "initial" forever: ${t.stuckVersions.join(', ')}`)
  for (const [g, m] of Object.entries(t.failLaunches)) lines.push(`launches fail in ${g}${m ? `: ${m}` : ' (insufficient capacity)'}`)
  return lines
}

// ------------------------------------------------------------------ status

const LIFECYCLE_ORDER = ['Pending', 'InService', 'EnteringStandby', 'Standby', 'Detaching', 'Terminating', 'Terminated', 'Detached']

function counted(items: string[], order: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const x of items) counts.set(x, (counts.get(x) ?? 0) + 1)
  const keys = [...counts.keys()].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
  return keys.map((k) => `${counts.get(k)} ${k}`).join(', ')
}

/**
 * One line per pair: which color serves (has InService instances healthy in every target group), each group's version, min/desired/max and instances by
 * lifecycle state, and each target group's targets by health state.
 */
export function pairStatus(world: SimWorld, s: ServiceTopology): string {
  const states = s.targetGroups.map((name) => new Map(world.targetStates(name).map((t) => [t.id, t.state])))
  const colors = (['blue', 'green'] as const).map((color) => {
    const g = world.group(color === 'blue' ? s.blue : s.green)
    // Serving: InService and healthy in every target group of the pair.
    const serving = g.instances.filter((i) => i.lifecycle === 'InService' && states.every((m) => m.get(i.id) === 'healthy')).length
    const text = `${color} ${g.tags['docker:image:version'] ?? '(no version)'} ${g.min}/${g.desired}/${g.max} [${counted(
      g.instances.map((i) => i.lifecycle),
      LIFECYCLE_ORDER
    ) || 'no instances'}]`
    return { color, serving, text }
  })
  const serving = colors.filter((c) => c.serving > 0).map((c) => c.color)
  const live = serving.length === 1 ? serving[0] : serving.length === 0 ? 'none' : 'both'
  const tgs = s.targetGroups.map((name) => `${name}: ${counted(world.targetStates(name).map((t) => t.state), ['healthy', 'initial', 'unhealthy', 'draining']) || 'no targets'}`)
  return `${s.base}  serving=${live}  ${colors.map((c) => c.text).join('  ')}  ${tgs.join('; ')}`
}
