// Deploy by image: the other users of the idle group's launch template through `$Latest`. The version a
// deploy creates becomes the template's latest ("If the value is $Latest, Amazon EC2 Auto Scaling
// selects the latest version of the launch template when launching instances" — Auto Scaling API
// reference, LaunchTemplateSpecification), so every group that launches it through `$Latest` starts the
// new image at its next launch. `$Default` does not move (this action never changes a default version).
// Pure: the groups are read by src/run/image-users.ts.
import { pinCommand, sameTemplate } from './image.js'
import type { Group, LaunchSource } from './model.js'

export interface LatestUser {
  group: string
  /** Through its own launch template (plain or the mixed instances policy's), or an override's. */
  via: 'template' | 'override'
  source: LaunchSource
  instanceType?: string
}

/** The groups (outside `exclude`) that launch `template` through `$Latest`. */
export function latestUsers(template: LaunchSource, groups: Pick<Group, 'name' | 'launchTemplate'>[], exclude: ReadonlySet<string>): LatestUser[] {
  const out: LatestUser[] = []
  for (const g of groups) {
    const s = g.launchTemplate
    if (!s || exclude.has(g.name)) continue
    if (sameTemplate(s, template) && s.version === '$Latest') out.push({ group: g.name, via: 'template', source: s })
    for (const o of s.overrides ?? []) {
      const t = o.template
      if (t && t.version === '$Latest' && sameTemplate({ ...t, mixed: false }, template)) {
        out.push({ group: g.name, via: 'override', source: { ...t, mixed: false }, ...(o.instanceType ? { instanceType: o.instanceType } : {}) })
      }
    }
  }
  return out
}

/** The warning for one such group: what will happen, and the command that pins it where that is one command. */
export function latestWarning(u: LatestUser, idle: string, imageId: string, latest: number | undefined): string {
  const template = u.source.id ?? u.source.name
  const what =
    u.via === 'template'
      ? `${u.group} launches launch template ${template}${u.source.mixed ? ' (in its mixed instances policy)' : ''} through $Latest`
      : `${u.group}'s mixed instances override${u.instanceType ? ` for ${u.instanceType}` : ''} launches launch template ${template} through $Latest`
  const fix =
    u.via === 'template'
      ? `Pin it to the version it runs now: ${pinCommand(u.group, u.source, latest)}`
      : `Pin that override's LaunchTemplateSpecification to version ${latest ?? '<number>'} (update-auto-scaling-group --mixed-instances-policy with the whole override list)`
  return (
    `${what}, the template this deploy versions for ${idle}: the new version becomes the template's $Latest, and ${u.group}'s next launch (a scale-out, a replacement) starts image ${imageId}. ` +
    `${fix}, or give ${idle} a template of its own.`
  )
}
