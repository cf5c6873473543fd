// Rehearsal topologies: the layers (defaults, scenario, file, flags; lowest first) merged into one
// validated Topology, and the `--exec` steps. Pure.
import { type ExecMode, type ExecStep, type ServiceSettings, type ServiceTopology, type Topology, TopologyError, type TopologySpec } from './types.js'
import { decimal, DEFAULTS, fail, inputPair, MODES, REHEARSAL_INPUTS, tagValue, targetGroupName } from './values.js'

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
  for (const reserved of ['mode', 'prefix', 'service', 'version']) {
    if (reserved in inputs) throw new TopologyError(`invalid value "${reserved}" for --input: ${reserved} is set per step (--exec "deploy v2 service=web")`)
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
 * (`service=api`, `dry-run=true`, `health-timeout=1m`) and `expect=STATE` (the step passes when its
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
  if (inputs['service'] === undefined) {
    const names = imageNames(t)
    if (names.length > 1) fail(where, text, `this topology has several service names (${names.join(', ')}): add service=NAME to the step`)
    inputs['service'] = names[0] as string
  }
  return { kind: 'run', text: text.trim(), mode: mode as ExecMode, inputs, ...(expectState !== undefined ? { expectState } : {}) }
}

/** The inputs a step (or a printed command) passes to the action, by action.yml name. */
export function stepInputs(t: Topology, mode: ExecMode, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { mode, prefix: t.prefix }
  if (extra['service'] !== undefined) out['service'] = extra['service']
  if (extra.version !== undefined) out.version = extra.version
  return { ...out, ...t.inputs, ...extra }
}
