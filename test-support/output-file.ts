// The runner's GITHUB_OUTPUT file format, for tests that read what a step set.

/** Parses the GITHUB_OUTPUT file format (`name<<delimiter`, value lines, delimiter). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!m) continue
    const [, name, delimiter] = m as unknown as [string, string, string]
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string)
    out[name] = value.join('\n')
  }
  return out
}
