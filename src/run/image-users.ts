// Deploy by image: warn about the groups outside this run that launch the idle groups' templates
// through `$Latest` (the rule is domain/image-latest.ts; this reads the account's groups once).
import type { Fleet } from '../aws/port.js'
import { latestUsers, latestWarning } from '../domain/image-latest.js'
import type { Pair } from '../domain/model.js'
import { classify } from '../domain/phase.js'
import type { Logger } from '../log.js'

export async function warnLatestUsers(fleet: Fleet, pairs: Pair[], ready: readonly string[], imageId: string, log: Logger): Promise<void> {
  const starting = pairs.map((p) => classify(p)).flatMap((ph) => (ph.kind === 'at-rest' && ph.idle.launchTemplate && !ready.includes(ph.idle.name) ? [ph.idle] : []))
  if (starting.length === 0) return
  const ours = new Set(pairs.flatMap((p) => p.groups.map((g) => g.name)))
  const all = await fleet.allGroups()
  for (const idle of starting) {
    const template = idle.launchTemplate
    if (!template) continue
    const users = latestUsers(template, all, ours)
    if (users.length === 0) continue
    // What they run now: the template's latest version, before this deploy adds one.
    const latest = (await fleet.templateVersion(template, '$Latest')).number
    for (const u of users) log.warning(latestWarning(u, idle.name, imageId, latest))
  }
}
