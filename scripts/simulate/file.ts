// Rehearsal topologies: the JSON topology file (`--topology FILE`, docs/rehearse.md), parsed strictly:
// unknown keys are refused. Pure except loadTopologyFile, which reads the file.
import fs from 'node:fs'
import { type ServiceSettings, TopologyError, type TopologySpec } from './types.js'
import { bool, decimal, fail, inputsObject, isObject, LIMITS, namePart, noUnknownKeys, prefixValue, stringList, tagValue, targetGroupName, wholeNumber } from './values.js'

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

export function regionValue(where: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) fail(where, value, 'expected an AWS region such as us-east-1')
  return value
}
