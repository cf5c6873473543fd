// The command line of `npm run simulate` (USAGE and parseArgs): flags and an optional JSON file into a
// resolved Topology and the run's options. Pure except that it reads the --topology file.
import { loadTopologyFile, regionValue } from './file.js'
import { SCENARIOS } from './presets.js'
import { parseExecStep, resolveTopology } from './resolve.js'
import { type CliOptions, type ServiceSettings, TopologyError, type TopologySpec } from './types.js'
import { commaList, decimal, DEFAULTS, fail, inputPair, LIMITS, namePart, prefixValue, REHEARSAL_INPUTS, tagValue, targetGroupName, wholeNumber } from './values.js'

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
  --image NAME               service tag value (default ${DEFAULTS.imageName})
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
