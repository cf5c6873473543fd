// Rehearsal topologies: defaults, limits and the strict value parsers shared by the JSON file and the
// flags (every error names the flag or JSON key and the value). Pure.
import { type ExecMode, TopologyError } from './types.js'

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

export const LIMITS = {
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

// AWS tag values (the version and service tags): letters, digits, spaces and _ . : / = + - @, ≤ 256.
const TAG_VALUE = /^[\p{L}\p{N}\p{Z}_.:/=+\-@]{1,256}$/u
// ASG names may hold almost anything; keep prefixes and service names to what shells and URLs like.
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
// ELBv2 target group names: ≤ 32 alphanumerics and hyphens, not starting or ending with a hyphen.
const TG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/
const INPUT_NAME = /^[a-z][a-z0-9-]*$/
export const MODES: readonly ExecMode[] = ['deploy', 'finalize', 'rollback', 'status']

// ------------------------------------------------------------------ value parsers

export function fail(where: string, value: unknown, expected: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value)
  throw new TopologyError(`invalid value ${shown} for ${where}: ${expected}`)
}

export function wholeNumber(where: string, value: unknown, [lo, hi]: readonly [number, number]): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < lo || n > hi) fail(where, value, `expected a whole number from ${lo} to ${hi}`)
  return n
}

export function decimal(where: string, value: unknown, [lo, hi]: readonly [number, number]): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isFinite(n) || n < lo || n > hi) fail(where, value, `expected a number from ${lo} to ${hi}`)
  return n
}

export function tagValue(where: string, value: unknown): string {
  if (typeof value !== 'string' || !TAG_VALUE.test(value)) {
    fail(where, value, 'expected an Auto Scaling tag value: 1 to 256 letters, digits, spaces and _ . : / = + - @')
  }
  return value
}

export function namePart(where: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME_PART.test(value) || value.length > 200) {
    fail(where, value, 'expected a name of letters, digits, ".", "_" and "-" that starts with a letter or digit')
  }
  return value
}

export function prefixValue(where: string, value: unknown): string {
  if (typeof value !== 'string' || !PREFIX.test(value) || value.length > 100) {
    fail(where, value, 'expected a group-name prefix of letters, digits, ".", "_" and "-" (e.g. prod-)')
  }
  return value
}

export function targetGroupName(where: string, value: unknown): string {
  if (typeof value !== 'string' || !TG_NAME.test(value)) {
    fail(where, value, 'expected a target group name: 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen')
  }
  return value
}

export function bool(where: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  return fail(where, value, 'expected true or false')
}

export function inputPair(where: string, text: string): [string, string] {
  const eq = text.indexOf('=')
  const name = eq < 0 ? '' : text.slice(0, eq)
  if (eq <= 0 || !INPUT_NAME.test(name)) fail(where, text, 'expected an action input as name=value, e.g. health-timeout=1m')
  return [name, text.slice(eq + 1)]
}

export function inputsObject(where: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, value, 'expected an object of input name → string value')
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) {
    if (!INPUT_NAME.test(k)) fail(`${where}.${k}`, k, 'expected an action input name such as health-timeout')
    if (typeof v !== 'string') fail(`${where}.${k}`, v, 'expected a string')
    out[k] = v
  }
  return out
}

export function stringList(where: string, value: unknown, each: (w: string, v: unknown) => string): string[] {
  if (!Array.isArray(value)) fail(where, value, 'expected an array')
  return value.map((v, i) => each(`${where}[${i}]`, v))
}

export function commaList(where: string, value: string, each: (w: string, v: unknown) => string): string[] {
  const parts = value.split(',').map((s) => s.trim())
  if (parts.some((p) => p === '')) fail(where, value, 'expected a comma-separated list with no empty items')
  return parts.map((p) => each(where, p))
}

export function noUnknownKeys(where: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw new TopologyError(`unknown key "${k}" in ${where} (known keys: ${known.join(', ')})`)
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
