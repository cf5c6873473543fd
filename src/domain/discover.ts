// Discovery: the groups a prefix and an image name select, paired by `<base>-<color>`.
import type { Group, Pair } from './model.js'

export interface Discovery {
  pairs: Pair[]
  refusals: string[]
}

export interface DiscoverOptions {
  prefix: string
  imageName: string
  imageNameTagKey: string
  colors: [string, string]
}

/** Pairs every selected group with its other color; `groups` come back from AWS already filtered by tag. */
export function discover(groups: Omit<Group, 'color'>[], opts: DiscoverOptions): Discovery {
  const selected = groups
    .filter((g) => g.name.startsWith(opts.prefix) && g.tags[opts.imageNameTagKey] === opts.imageName)
    .sort((a, b) => a.name.localeCompare(b.name))
  if (selected.length === 0) {
    return {
      pairs: [],
      refusals: [
        `No Auto Scaling group starts with "${opts.prefix}" and carries the tag ${opts.imageNameTagKey}=${opts.imageName}. ` +
          'Check the prefix and service inputs (and service-tag-key), and the region.'
      ]
    }
  }
  const refusals: string[] = []
  const byBase = new Map<string, Map<string, Omit<Group, 'color'>>>()
  for (const g of selected) {
    const color = opts.colors.find((c) => g.name.endsWith(`-${c}`))
    if (!color) {
      refusals.push(
        `${g.name}: the name does not end in -${opts.colors[0]} or -${opts.colors[1]}, so its pair cannot be found. ` +
          'Rename it, set blue-color/green-color to the suffixes you use, or remove its service tag.'
      )
      continue
    }
    const base = g.name.slice(0, g.name.length - color.length - 1)
    const colors = byBase.get(base) ?? new Map()
    colors.set(color, g)
    byBase.set(base, colors)
  }
  const pairs: Pair[] = []
  for (const [base, colors] of byBase) {
    const [first, second] = opts.colors.map((c) => colors.get(c))
    if (!first || !second) {
      const have = opts.colors.find((c) => colors.has(c)) as string
      const missing = opts.colors.find((c) => !colors.has(c)) as string
      refusals.push(
        `${base}: only ${base}-${have} exists; a blue/green pair also needs ${base}-${missing} ` +
          `(same target groups, capacity 0, tag ${opts.imageNameTagKey}=${opts.imageName}).`
      )
      continue
    }
    pairs.push({
      base,
      groups: [
        { ...first, color: opts.colors[0] },
        { ...second, color: opts.colors[1] }
      ]
    })
  }
  return { pairs, refusals }
}
