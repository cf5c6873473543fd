// Deploying a baked image (AMI) through launch templates: what pre-flight refuses, and when the idle
// group needs a new template version. Pure: the AWS side is src/aws/images.ts.
import type { Group, LaunchSource, Pair } from './model.js'
import type { Phase } from './phase.js'

/** An AMI as DescribeImages returns it. */
export interface ImageInfo {
  id: string
  name?: string
  state: string
  /** ISO 8601 (DescribeImages CreationDate). */
  created?: string
  owner?: string
}

/** One version of a launch template (DescribeLaunchTemplateVersions). */
export interface TemplateVersion {
  number: number
  imageId?: string
}

/** What a deploy by image knows about one group: the template version it launches now, resolved. */
export interface GroupImage {
  group: string
  source?: LaunchSource
  /** The version `source.version` resolves to (a number, `$Latest` or `$Default`); absent without a template. */
  current?: TemplateVersion
}

export const AMI_ID = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/

export function isAmiId(text: string): boolean {
  return AMI_ID.test(text)
}

export function describeSource(s: LaunchSource | undefined): string {
  if (!s) return 'no launch template'
  return `launch template ${s.id ?? s.name} version ${s.version}${s.mixed ? ' (in its mixed instances policy)' : ''}`
}

/**
 * The command that pins a group to a version of its template by number: `--launch-template` for a plain
 * group; for a mixed instances group `--mixed-instances-policy` naming only the policy's
 * LaunchTemplateSpecification (what an update leaves out is not changed: its overrides and distribution
 * stay). `--launch-template` would replace the mixed instances policy with a plain template.
 */
export function pinCommand(group: string, s: LaunchSource, number: number | undefined): string {
  const version = number === undefined ? '<number>' : String(number)
  const base = `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${group}`
  if (s.mixed) {
    const spec = { ...(s.id ? { LaunchTemplateId: s.id } : { LaunchTemplateName: s.name }), Version: version }
    return `${base} --mixed-instances-policy '${JSON.stringify({ LaunchTemplate: { LaunchTemplateSpecification: spec } })}'`
  }
  return `${base} --launch-template ${s.id ? `LaunchTemplateId=${s.id}` : `LaunchTemplateName=${s.name}`},Version=${version}`
}

export function sameTemplate(a: LaunchSource, b: LaunchSource): boolean {
  return (a.id !== undefined && a.id === b.id) || (a.name !== undefined && a.name === b.name)
}

/** Whether a version string names a version by number (pinned), not `$Latest` / `$Default`. */
export function isPinned(version: string): boolean {
  return /^\d+$/.test(version)
}

/**
 * Pre-flight of a deploy by image, for a pair about to start one (at rest): the idle group must launch
 * from a launch template, and the live group must not launch the same template through `$Latest` (the
 * version this deploy creates becomes the template's latest: the live group's next launch, a scale-out
 * or a replacement, would start the new image). `$Default` does not move: this action never changes a
 * template's default version.
 */
export function imageRefusals(phase: Phase, facts: GroupImage[]): string[] {
  if (phase.kind !== 'at-rest') return []
  const { live, idle } = phase
  const out: string[] = []
  if (!idle.launchTemplate) {
    out.push(
      idle.launchConfiguration
        ? `${idle.name}: launches from launch configuration ${idle.launchConfiguration}; a deploy by image creates launch template versions. Move the group to a launch template first (both colors), then deploy.`
        : `${idle.name}: has no launch template the action can read (DescribeAutoScalingGroups shows neither LaunchTemplate nor MixedInstancesPolicy.LaunchTemplate); a deploy by image needs one.`
    )
    return out
  }
  const l = live.launchTemplate
  if (l && sameTemplate(l, idle.launchTemplate) && l.version === '$Latest') {
    const now = facts.find((f) => f.group === live.name)?.current?.number
    const where = l.mixed ? "in its mixed instances policy's LaunchTemplateSpecification" : '(--launch-template)'
    out.push(
      `${live.name}: serves from ${describeSource(l)}, the same template ${idle.name} launches from. The new version this deploy creates would become $Latest and ${live.name}'s next launch would start the new image. ` +
        `Pin ${live.name} to the version it runs now ${where}: ${pinCommand(live.name, l, now)}, then deploy again.`
    )
  }
  return out
}

/**
 * Whether the idle group must get a new template version: not when it already launches a version pinned
 * by number whose image is the wanted one (a re-run after the version was set).
 */
export function needsImage(idle: Group, facts: GroupImage[], imageId: string): boolean {
  const f = facts.find((x) => x.group === idle.name)
  return !(idle.launchTemplate && isPinned(idle.launchTemplate.version) && f?.current?.imageId === imageId)
}

/** The groups of a pair whose launch template a deploy by image reads. */
export function groupsOf(pair: Pair): Group[] {
  return pair.groups.filter((g) => g.launchTemplate !== undefined)
}

/**
 * A launch that failed because of the image or the launch template: it never succeeds by retrying. The
 * image messages are Auto Scaling's (user guide, "Troubleshoot Amazon EC2 Auto Scaling: AMI issues"): "The
 * AMI ID <id> does not exist.", "AMI <id> is pending, and cannot be run.", "AMI '<id>' is disabled, and
 * cannot be run.", "Invalid device name <name>.", "Value (<id>) for parameter virtualName is invalid.", an
 * architecture mismatch (old and new wording), and EC2's InvalidAMIID wording.
 */
const IMAGE_LAUNCH_FAILURE = new RegExp(
  [
    'InvalidAMIID',
    "The AMI ID '?ami-[0-9a-f]+'? does not exist",
    "The image id '?\\[?ami-[0-9a-f]+\\]?'? does not exist",
    "AMI '?ami-[0-9a-f]+'? is [a-z]+, and cannot be run",
    'image .*is not available',
    'architecture .*does not match the architecture',
    'Invalid device name',
    'for parameter virtualName is invalid',
    'InvalidParameter',
    'InvalidLaunchTemplate',
    'launch template .*(does not exist|not found)',
    'InvalidGroup\\.NotFound',
    'groupName cannot be used with the parameter subnet',
    'InvalidBlockDeviceMapping',
    'InvalidSnapshot'
  ].join('|'),
  'i'
)

export function isImageLaunchFailure(message: string): boolean {
  return IMAGE_LAUNCH_FAILURE.test(message)
}
