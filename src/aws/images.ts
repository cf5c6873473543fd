// Deploy by image, the AWS side: find the AMI (DescribeImages), read launch template versions
// (DescribeLaunchTemplateVersions), create one with the new image (CreateLaunchTemplateVersion with
// SourceVersion) and pin the idle group to its number (UpdateAutoScalingGroup).
import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling'
import { ActionError } from '../errors.js'
import type { ImageInfo, TemplateVersion } from '../domain/image.js'
import { isAmiId, isPinned } from '../domain/image.js'
import type { LaunchSource } from '../domain/model.js'
import { type Aws, allPages } from './call.js'
import { toImage } from './translate.js'

/**
 * The image to deploy: an AMI id as it is, or the newest (CreationDate) of the images named by a
 * pattern (`*` and `?` wildcards, DescribeImages `name` filter) among the owners'. Not found = undefined.
 */
export async function findImage(aws: Aws, image: string, owners: string[]): Promise<{ chosen?: ImageInfo; candidates: number }> {
  const { client, api } = await aws.clients.ec2()
  if (isAmiId(image)) {
    // An id EC2 does not know fails the call (InvalidAMIID.NotFound / .Malformed); a deregistered image
    // may still be listed for a while with State deregistered.
    try {
      const r = await aws.call(`DescribeImages (${image})`, () => client.send(new api.DescribeImagesCommand({ ImageIds: [image] })))
      const found = (r.Images ?? []).map(toImage)
      return found[0] ? { chosen: found[0], candidates: 1 } : { candidates: 0 }
    } catch (err) {
      if (/InvalidAMIID/.test((err as { awsError?: string }).awsError ?? '')) return { candidates: 0 }
      throw err
    }
  }
  const images = (
    await aws.call(`DescribeImages (name ${image}, owners ${owners.join(', ')})`, () =>
      allPages(
        api.paginateDescribeImages(
          { client },
          { Owners: owners, Filters: [{ Name: 'name', Values: [image] }, { Name: 'state', Values: ['available'] }], MaxResults: 1000 }
        ),
        (page) => page.Images
      )
    )
  ).map(toImage)
  const newest = [...images].sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '') || b.id.localeCompare(a.id))[0]
  return newest ? { chosen: newest, candidates: images.length } : { candidates: 0 }
}

function templateRef(t: LaunchSource): { LaunchTemplateId: string } | { LaunchTemplateName: string } {
  return t.id ? { LaunchTemplateId: t.id } : { LaunchTemplateName: t.name ?? '' }
}

/** One version of a template: a number, `$Latest` or `$Default`. */
export async function templateVersion(aws: Aws, t: LaunchSource, version: string): Promise<TemplateVersion> {
  const { client, api } = await aws.clients.ec2()
  // Paged, but one version is asked for: the first page has it (no paginator needed).
  const r = await aws.call(`DescribeLaunchTemplateVersions (${t.id ?? t.name} version ${version})`, () =>
    client.send(new api.DescribeLaunchTemplateVersionsCommand({ ...templateRef(t), Versions: [version] }))
  )
  const v = r.LaunchTemplateVersions?.[0]
  if (!v || v.VersionNumber === undefined) throw new ActionError(`Launch template ${t.id ?? t.name} has no version ${version}.`)
  return { number: v.VersionNumber, ...(v.LaunchTemplateData?.ImageId ? { imageId: v.LaunchTemplateData.ImageId } : {}) }
}

/**
 * Points `group` at a version of its template that launches `imageId`, pinned by number, and says what it
 * did. Idempotent: a group already pinned to such a version is left alone; when the template's newest
 * version already carries the image (a run killed between creating it and updating the group), that
 * version is reused rather than another one created.
 */
export async function setImage(aws: Aws, group: string, t: LaunchSource, imageId: string): Promise<string> {
  const current = await templateVersion(aws, t, t.version)
  if (isPinned(t.version) && current.imageId === imageId) return `already launches version ${current.number} with ${imageId}`
  const latest = await templateVersion(aws, t, '$Latest')
  let number: number
  let how: string
  if (latest.imageId === imageId && latest.number !== current.number) {
    number = latest.number
    how = `reused version ${number} (the newest, already with ${imageId})`
  } else {
    const { client, api } = await aws.clients.ec2()
    const r = await aws.write(`CreateLaunchTemplateVersion (${t.id ?? t.name} from version ${current.number}, image ${imageId})`, () =>
      client.send(
        new api.CreateLaunchTemplateVersionCommand({
          ...templateRef(t),
          SourceVersion: String(current.number),
          VersionDescription: `blue-green: ${imageId} for ${group}`.slice(0, 255),
          LaunchTemplateData: { ImageId: imageId }
        })
      )
    )
    const created = r.LaunchTemplateVersion?.VersionNumber
    if (created === undefined) throw new ActionError(`CreateLaunchTemplateVersion on ${t.id ?? t.name} returned no version number.`)
    number = created
    how = `created version ${number} from version ${current.number}`
  }
  await pointTemplate(aws, group, { ...t, version: String(number) })
  return `${how}; ${group} pinned to it`
}

/**
 * `UpdateAutoScalingGroup` with the group's launch template and version: `LaunchTemplate` for a plain group;
 * for a mixed instances group only `MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification` (what
 * an update leaves out is not changed: its overrides and distribution stay; `LaunchTemplate` would replace
 * the policy). New launches use it; running instances keep what they were launched with.
 */
export async function pointTemplate(aws: Aws, group: string, t: LaunchSource): Promise<string> {
  const spec = { ...templateRef(t), Version: t.version }
  await aws.write(`UpdateAutoScalingGroup ${group} (launch template ${t.id ?? t.name} version ${t.version})`, () =>
    aws.clients.autoscaling.send(
      t.mixed
        ? new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: spec } } })
        : new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, LaunchTemplate: spec })
    )
  )
  return `${group} launches launch template ${t.id ?? t.name} version ${t.version}${t.mixed ? ' (mixed instances policy)' : ''}`
}
