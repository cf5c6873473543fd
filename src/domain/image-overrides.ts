// Deploy by image and mixed instances overrides that launch their own AMI. An override's
// LaunchTemplateSpecification ("some instance types might require a launch template with a different
// AMI") or ImageId ("the AMI to use for instances launched with this override") wins over the policy's
// launch template (Auto Scaling API reference, LaunchTemplateOverrides), and a deploy by image versions
// only that one: those instance types would keep launching their own image next to the new one. Pure.
import type { Group, LaunchOverride } from './model.js'
import type { Phase } from './phase.js'

function what(o: LaunchOverride, n: number): string {
  return o.instanceType ?? `the instance requirements of override ${n + 1}`
}

/** The overrides of a group that launch from their own template or image, described. */
export function ownImageOverrides(g: Group): string[] {
  return (g.launchTemplate?.overrides ?? []).flatMap((o, n) => [
    ...(o.template ? [`${what(o, n)} from launch template ${o.template.id ?? o.template.name} version ${o.template.version}`] : []),
    ...(o.imageId ? [`${what(o, n)} from image ${o.imageId} (the override's ImageId)`] : [])
  ])
}

/** The override list without their own templates and images: what the refusal's command sends. */
function plainOverrides(g: Group): string {
  const list = (g.launchTemplate?.overrides ?? []).filter((o) => o.instanceType !== undefined)
  return JSON.stringify({
    LaunchTemplate: { Overrides: list.map((o) => ({ InstanceType: o.instanceType, ...(o.weight ? { WeightedCapacity: o.weight } : {}) })) }
  })
}

/**
 * Pre-flight of a deploy by image, for a pair about to start one: the idle group's mixed instances
 * policy must launch every instance type from the policy's template (the one the deploy versions).
 */
export function overrideRefusals(phase: Phase): string[] {
  if (phase.kind !== 'at-rest') return []
  const { idle } = phase
  const own = ownImageOverrides(idle)
  if (own.length === 0) return []
  return [
    `${idle.name}: its mixed instances policy launches ${own.join('; ')}. A deploy by image versions only the policy's launch template, so these instance types would keep launching their own image and serve next to the new one. ` +
      `Give every override the policy's template (drop the overrides' LaunchTemplateSpecification and ImageId), e.g. aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${idle.name} --mixed-instances-policy '${plainOverrides(idle)}' (check the list first: it replaces the overrides), on both colors; or deploy this service without image.`
  ]
}
