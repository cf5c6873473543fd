// What a simulated service is to the dispatcher: a protocol and a table of operations.

import { SimError } from '../../core/errors.js'
import type { CallRecord } from '../../core/types.js'
import type { World } from '../../world/world.js'
import type { XmlValue } from '../xml.js'

export type Bag = Record<string, unknown>
export type XmlResult = { [key: string]: XmlValue }

export interface Operation {
  write: boolean
  /** Returns the XML result members (Query/EC2) or the JSON document (JSON protocol). */
  run(world: World, params: Bag): XmlResult | undefined
}

export interface Service {
  name: CallRecord['service']
  protocol: 'query' | 'ec2' | 'json'
  xmlns: string
  ops: Record<string, Operation>
}

export const read = (run: Operation['run']): Operation => ({ write: false, run })
export const write = (run: Operation['run']): Operation => ({ write: true, run })

/**
 * Opaque paging: the token is the base64 of the next offset. `cap` (the world's pageSize) returns fewer items
 * than asked for, as AWS may: only callers that follow the token see everything.
 */
export function page<T>(
  items: T[],
  maxRecords: number | undefined,
  token: string | undefined,
  max: number,
  dflt: number,
  cap?: number
): { items: T[]; next: string | undefined } {
  const asked = maxRecords ?? dflt
  if (asked < 1 || asked > max) throw new SimError('ValidationError', `1 validation error detected: Value '${asked}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to ${max}`)
  const size = cap === undefined ? asked : Math.min(asked, cap)
  let start = 0
  if (token !== undefined) {
    start = Number(Buffer.from(token, 'base64').toString('utf8'))
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw new SimError('InvalidNextToken', 'The token is invalid.')
  }
  const end = start + size
  return { items: items.slice(start, end), next: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined }
}

/** `{ [key]: value }` when value is defined, else `{}` (keeps optional properties truly absent). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
