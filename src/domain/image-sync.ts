// A deploy without `image` launches what the live group launches. After a deploy by image the colors
// launch different versions of one launch template (the idle one its old image, or after a rollback the
// rejected one): the deploy first points the idle group at exactly the live group's template and version
// string. Colors on different templates are their owner's choice and are left alone. Pure.
import type { Group, LaunchSource } from './model.js'
import { sameTemplate } from './image.js'
import type { Phase } from './phase.js'
import type { Step } from './steps.js'

/**
 * The spec the idle group should launch from so its new instances start on the live group's image: the
 * live group's template and version, written where the idle group keeps its own (its mixed instances
 * policy or its plain `LaunchTemplate`). Undefined when there is nothing to point: no template on either,
 * different templates, or the same version already.
 */
export function templateToMatch(live: Group, idle: Group): LaunchSource | undefined {
  const l = live.launchTemplate
  const i = idle.launchTemplate
  if (!l || !i || !sameTemplate(l, i) || l.version === i.version) return undefined
  return { ...(i.id ? { id: i.id } : {}), ...(i.name && !i.id ? { name: i.name } : {}), version: l.version, mixed: i.mixed }
}

/** The step that points the idle group at the live group's template version (a deploy without image, at rest). */
export function matchTemplateSteps(live: Group, idle: Group): Step[] {
  const template = templateToMatch(live, idle)
  const from = idle.launchTemplate
  return template && from ? [{ kind: 'match-template', group: idle.name, live: live.name, template, from: from.version }] : []
}

/** A plan that starts a new deployment from rest (a canary's) matches the template first. */
export function matchingTemplateFirst(phase: Phase, steps: Step[]): Step[] {
  return phase.kind === 'at-rest' && steps.length > 0 ? [...matchTemplateSteps(phase.live, phase.idle), ...steps] : steps
}
