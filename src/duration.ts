// Durations as users write them in workflow files: `90s`, `10m`, `1h30m`, or plain seconds.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Parses a duration into milliseconds; returns undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim()
  if (/^\d+$/.test(t)) return Number(t) * 1000
  if (!/^(\d+(ms|s|m|h))+$/.test(t)) return undefined
  let total = 0
  for (const m of t.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number)
  return total
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  const rest = s % 60
  if (m < 60) return rest ? `${m}m${rest}s` : `${m}m`
  const h = Math.floor(m / 60)
  return m % 60 ? `${h}h${m % 60}m` : `${h}h`
}
