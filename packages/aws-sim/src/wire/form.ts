// Parse an AWS Query / EC2 Query form body ("Action=X&Tags.member.1.Key=k&InstanceId.1=i-1") into a
// nested value: `X.member.N` (Query) and `X.N` (EC2 flattened) become arrays, `X=` an empty string
// (how the Query serializer sends an empty list).

export type FormValue = string | FormValue[] | { [key: string]: FormValue }
export type FormObject = { [key: string]: FormValue }

export function parseForm(body: string): FormObject {
  const root: FormObject = {}
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split('.')
    let node: FormObject = root
    path.forEach((seg, n) => {
      if (n === path.length - 1) {
        node[seg] = value
        return
      }
      const child = node[seg]
      if (child === undefined || typeof child !== 'object' || Array.isArray(child)) node[seg] = {}
      node = node[seg] as FormObject
    })
  }
  return normalize(root) as FormObject
}

function normalize(v: FormValue): FormValue {
  if (typeof v === 'string' || Array.isArray(v)) return v
  const keys = Object.keys(v)
  const numeric = (o: FormObject): boolean => Object.keys(o).length > 0 && Object.keys(o).every((k) => /^\d+$/.test(k))
  const member = v['member']
  if (keys.length === 1 && member !== undefined && typeof member === 'object' && !Array.isArray(member) && numeric(member)) {
    return toArray(member)
  }
  if (numeric(v)) return toArray(v)
  const out: FormObject = {}
  for (const k of keys) out[k] = normalize(v[k] as FormValue)
  return out
}

function toArray(o: FormObject): FormValue[] {
  return Object.keys(o)
    .map(Number)
    .sort((a, b) => a - b)
    .map((k) => normalize(o[String(k)] as FormValue))
}

// ---- typed accessors for handlers

type Bag = Record<string, unknown>

export const str = (p: Bag, k: string): string | undefined => (typeof p[k] === 'string' ? (p[k] as string) : undefined)

export function num(p: Bag, k: string): number | undefined {
  const v = p[k]
  if (typeof v === 'number') return v
  if (typeof v !== 'string' || v === '') return undefined
  const n = Number(v)
  return Number.isFinite(n) ? n : undefined
}

export function bool(p: Bag, k: string): boolean | undefined {
  const v = p[k]
  if (typeof v === 'boolean') return v
  return v === 'true' ? true : v === 'false' ? false : undefined
}

/** Epoch ms from an ISO-8601 string (Query) or epoch seconds (JSON). */
export function date(p: Bag, k: string): number | undefined {
  const v = p[k]
  if (typeof v === 'number') return v * 1000
  if (typeof v !== 'string' || v === '') return undefined
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : t
}

export function list(p: Bag, k: string): unknown[] {
  const v = p[k]
  if (Array.isArray(v)) return v
  if (v === undefined || v === '') return []
  return [v]
}

export const strList = (p: Bag, k: string): string[] => list(p, k).filter((x): x is string => typeof x === 'string')

export const objList = (p: Bag, k: string): Bag[] => list(p, k).filter((x): x is Bag => typeof x === 'object' && x !== null && !Array.isArray(x))

export const obj = (p: Bag, k: string): Bag | undefined => {
  const v = p[k]
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Bag) : undefined
}
