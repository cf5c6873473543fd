// Who shipped what, when: a tag on the group that runs a version, written by the deploy that put it
// there, so status, the summary and out-of-order protection can read it from AWS alone.

export interface Release {
  commit: string
  actor: string
  at: string
  run: string
}

// Tag values allow only letters, digits, spaces and _ . : / = + - @ (at most 256).
const clean = (s: string): string => s.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-')

export function encodeRelease(r: Release): string {
  return clean(`commit ${r.commit} by ${r.actor} at ${r.at} run ${r.run}`).slice(0, 256)
}

export function decodeRelease(value: string | undefined): Release | undefined {
  const m = value ? /^commit (\S+) by (\S+) at (\S+) run (.+)$/.exec(value) : null
  if (!m) return undefined
  return { commit: m[1] as string, actor: m[2] as string, at: m[3] as string, run: m[4] as string }
}

export function describeRelease(value: string | undefined): string | undefined {
  const r = decodeRelease(value)
  return r ? `${r.commit.slice(0, 7)} by ${r.actor} at ${r.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}` : undefined
}
