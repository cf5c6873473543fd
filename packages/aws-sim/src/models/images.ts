// EC2 images (AMIs) and launch templates with versions, and what a group's launch resolves to:
// DescribeImages, DescribeLaunchTemplateVersions, CreateLaunchTemplateVersion (SourceVersion inherits),
// `$Latest` / `$Default` resolved at launch time, and the launch failure a missing image causes.

import { SimError } from '../core/errors.js'
import type { LaunchTemplateSpec, SimGroup } from '../core/types.js'
import type { Account } from './account.js'

export interface SimImage {
  id: string
  name: string
  /** Account id, as DescribeImages reports OwnerId. */
  owner: string
  /** Epoch ms (CreationDate). */
  created: number
  state: 'available' | 'pending' | 'deregistered' | 'failed' | 'disabled'
  /** DescribeImages Architecture (default x86_64). */
  architecture: ImageArchitecture
}

export type ImageArchitecture = 'x86_64' | 'arm64' | 'i386'

/**
 * The architecture of an instance type, by its name (a simplification of DescribeInstanceTypes
 * ProcessorInfo.SupportedArchitectures): Graviton families (`a1`, and a `g` after the generation digit:
 * `t4g`, `m7g`, `c6gn`, `x2gd`, `im4gn`) are arm64; every other type x86_64.
 */
export function architectureOf(instanceType: string): ImageArchitecture {
  const family = instanceType.split('.')[0] ?? ''
  return family === 'a1' || /^[a-z]+\d+g[a-z]*$/.test(family) ? 'arm64' : 'x86_64'
}

/** The launch parameters of one version (a subset of LaunchTemplateData). */
export interface SimTemplateData {
  ImageId?: string
  InstanceType?: string
  /** Security group ids: the form a launch into a VPC subnet needs. */
  SecurityGroupIds?: string[]
  /** Security group names: EC2-Classic / default VPC only; a launch into a subnet with them fails. */
  SecurityGroups?: string[]
}

export interface SimTemplateVersion {
  number: number
  description?: string
  created: number
  data: SimTemplateData
}

export interface SimLaunchTemplate {
  id: string
  name: string
  versions: SimTemplateVersion[]
  defaultVersion: number
}

export class ImagesModel {
  readonly images = new Map<string, SimImage>()
  readonly templates = new Map<string, SimLaunchTemplate>()

  constructor(private readonly w: Account) {}

  addImage(o: { id?: string; name: string; owner?: string; created?: number | string; state?: SimImage['state']; architecture?: ImageArchitecture }): SimImage {
    const id = o.id ?? `ami-${this.w.ids.uuid().replace(/-/g, '').slice(0, 17)}`
    const image: SimImage = {
      id,
      name: o.name,
      owner: o.owner ?? this.w.accountId,
      created: typeof o.created === 'string' ? Date.parse(o.created) : (o.created ?? this.w.now()),
      state: o.state ?? 'available',
      architecture: o.architecture ?? 'x86_64'
    }
    this.images.set(id, image)
    return image
  }

  /** DeregisterImage as its owner does it: launches from it fail from now on. */
  deregisterImage(id: string): void {
    const i = this.images.get(id)
    if (!i) throw new Error(`no image ${id}`)
    i.state = 'deregistered'
  }

  addLaunchTemplate(o: { name: string; id?: string; data: SimTemplateData }): SimLaunchTemplate {
    const id = o.id ?? `lt-${this.w.ids.uuid().replace(/-/g, '').slice(0, 17)}`
    const t: SimLaunchTemplate = { id, name: o.name, versions: [{ number: 1, created: this.w.now(), data: { ...o.data } }], defaultVersion: 1 }
    this.templates.set(id, t)
    return t
  }

  template(spec: { LaunchTemplateId?: string | undefined; LaunchTemplateName?: string | undefined }): SimLaunchTemplate | undefined {
    if (spec.LaunchTemplateId) return this.templates.get(spec.LaunchTemplateId)
    return [...this.templates.values()].find((t) => t.name === spec.LaunchTemplateName)
  }

  private mustTemplate(spec: { LaunchTemplateId?: string | undefined; LaunchTemplateName?: string | undefined }): SimLaunchTemplate {
    const t = this.template(spec)
    if (!t) {
      // EC2's wording for an unknown template (InvalidLaunchTemplateId.NotFound / InvalidLaunchTemplateName.NotFoundException).
      if (spec.LaunchTemplateId) throw new SimError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${spec.LaunchTemplateId}, does not exist.`)
      throw new SimError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${spec.LaunchTemplateName ?? ''}, does not exist.`)
    }
    return t
  }

  /** A version string (number, `$Latest`, `$Default`) → the version, as EC2 resolves it at that moment. */
  version(t: SimLaunchTemplate, v: string | undefined): SimTemplateVersion | undefined {
    const wanted = v === undefined || v === '$Default' ? t.defaultVersion : v === '$Latest' ? Math.max(...t.versions.map((x) => x.number)) : Number(v)
    return t.versions.find((x) => x.number === wanted)
  }

  describeVersions(p: { LaunchTemplateId?: string | undefined; LaunchTemplateName?: string | undefined; Versions: string[] }): { t: SimLaunchTemplate; versions: SimTemplateVersion[] } {
    const t = this.mustTemplate(p)
    const versions = p.Versions.length === 0 ? [...t.versions] : p.Versions.map((v) => {
      const found = this.version(t, v)
      if (!found) throw new SimError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${v} for launch template ${t.id}.`)
      return found
    })
    return { t, versions }
  }

  /**
   * CreateLaunchTemplateVersion: with SourceVersion the new version inherits every launch parameter of the
   * source and the given ones overwrite theirs; without it, it has only the given ones. Numbered in order;
   * the default version does not move (EC2 API reference, CreateLaunchTemplateVersion).
   */
  createVersion(p: { LaunchTemplateId?: string | undefined; LaunchTemplateName?: string | undefined; SourceVersion?: string | undefined; VersionDescription?: string | undefined; data: SimTemplateData }): { t: SimLaunchTemplate; version: SimTemplateVersion } {
    const t = this.mustTemplate(p)
    let base: SimTemplateData = {}
    if (p.SourceVersion !== undefined) {
      const source = this.version(t, p.SourceVersion)
      if (!source) throw new SimError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${p.SourceVersion} for launch template ${t.id}.`)
      base = source.data
    }
    const version: SimTemplateVersion = {
      number: Math.max(...t.versions.map((x) => x.number)) + 1,
      created: this.w.now(),
      data: { ...structuredClone(base), ...structuredClone(p.data) },
      ...(p.VersionDescription !== undefined ? { description: p.VersionDescription } : {})
    }
    t.versions.push(version)
    return { t, version }
  }

  /**
   * What the group's next launch (of `instanceType`) uses: the template version its spec resolves to now,
   * if the template is known. A mixed instances override of that type may name its own launch template
   * (LaunchTemplateOverrides.LaunchTemplateSpecification: "some instance types might require a launch
   * template with a different AMI") or its own image (LaunchTemplateOverrides.ImageId); both win over the
   * policy's template.
   */
  launchData(g: SimGroup, instanceType?: string): SimTemplateData | undefined {
    const override = instanceType === undefined ? undefined : g.overrides?.find((o) => o.instanceType === instanceType)
    const spec: LaunchTemplateSpec | undefined = override?.launchTemplate ?? g.launchTemplate
    const t = spec ? this.template(spec) : undefined
    const data = t && spec ? this.version(t, spec.Version)?.data : undefined
    if (override?.imageId !== undefined) return { ...(data ?? {}), ImageId: override.imageId }
    return data
  }

  /**
   * Why a launch from this data (of this instance type) fails, in the words Auto Scaling records on the
   * Failed activity (StatusMessage), or undefined. The image messages are the ones the Auto Scaling user
   * guide lists ("Troubleshoot Amazon EC2 Auto Scaling: AMI issues"): a missing or deregistered image
   * "The AMI ID <id> does not exist. Launching EC2 instance failed.", a pending one "AMI <id> is pending,
   * and cannot be run. Launching EC2 instance failed.", a disabled one "AMI '<id>' is disabled, and cannot
   * be run. Launching EC2 instance failed.", and an instance type of another architecture "The
   * architecture '<type's>' of the specified instance type does not match the architecture '<image's>' of
   * the specified AMI...". Security group names in a group that launches into VPC subnets: "The parameter
   * groupName cannot be used with the parameter subnet" (InvalidParameterCombination; every simulated
   * group launches into subnets).
   */
  launchProblem(data: SimTemplateData | undefined, instanceType?: string): string | undefined {
    if (!data) return undefined
    if (data.ImageId !== undefined) {
      const id = data.ImageId
      const image = this.images.get(id)
      if (!image || image.state === 'deregistered' || image.state === 'failed') return `The AMI ID ${id} does not exist. Launching EC2 instance failed.`
      if (image.state === 'disabled') return `AMI '${id}' is disabled, and cannot be run. Launching EC2 instance failed.`
      if (image.state !== 'available') return `AMI ${id} is ${image.state}, and cannot be run. Launching EC2 instance failed.`
      if (instanceType !== undefined && architectureOf(instanceType) !== image.architecture) {
        return (
          `The architecture '${architectureOf(instanceType)}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI. ` +
          "Specify an instance type and an AMI that have matching architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover the architecture of the instance type or AMI. Launching EC2 instance failed."
        )
      }
    }
    if ((data.SecurityGroups ?? []).length > 0) return 'The parameter groupName cannot be used with the parameter subnet. Launching EC2 instance failed.'
    return undefined
  }

  /** DescribeImages: ids (unknown → InvalidAMIID.NotFound), or owners + filters (`name` with * and ?, `state`). */
  describeImages(p: { ImageIds: string[]; Owners: string[]; Filters: { Name: string; Values: string[] }[] }): SimImage[] {
    if (p.ImageIds.length > 0) {
      const malformed = p.ImageIds.find((id) => !/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id))
      if (malformed) throw new SimError('InvalidAMIID.Malformed', `Invalid id: "${malformed}" (expecting "ami-...")`)
      // Deregistered images stay listed for a while (API reference: "for an unspecified interval").
      const unknown = p.ImageIds.filter((id) => !this.images.has(id))
      if (unknown.length > 0) throw new SimError('InvalidAMIID.NotFound', `The image id '[${unknown.join(', ')}]' does not exist`)
    }
    const owners = p.Owners.map((o) => (o === 'self' ? this.w.accountId : o))
    return [...this.images.values()].filter(
      (i) =>
        (p.ImageIds.length === 0 || p.ImageIds.includes(i.id)) &&
        (owners.length === 0 || owners.includes(i.owner)) &&
        p.Filters.every((f) => {
          if (f.Name === 'name') return f.Values.some((v) => wildcard(v).test(i.name))
          if (f.Name === 'state') return f.Values.includes(i.state)
          if (f.Name === 'image-id') return f.Values.includes(i.id)
          return true
        })
    )
  }
}

/** EC2 filter values: `*` any characters, `?` one character (EC2 API reference, "Filter"). */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`)
}
