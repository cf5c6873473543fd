// EC2 (EC2 Query, version 2016-11-15): TerminateInstances, a minimal DescribeInstances and the
// `disableApiTermination` instance attribute. Ids EC2 has forgotten (terminated long enough ago) are unknown.
// EC2 XML uses lowerCamel element names and <item> list entries.

import { notFound, SimError } from '../../core/errors.js'
import { bool, num, obj, objList, str, strList } from '../form.js'
import type { SimInstance } from '../../core/types.js'
import type { SimLaunchTemplate, SimTemplateVersion } from '../../models/images.js'
import type { XmlValue } from '../xml.js'
import { page, read, type Service, write } from './service.js'

const CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48 }
const state = (name: string): { code: number; name: string } => ({ code: CODES[name] ?? 0, name })

function ec2StateOf(v: { state: string; reason: SimInstance['stateReason'] }): Record<string, XmlValue> {
  return { instanceState: state(v.state), ...(v.reason ? { stateReason: { code: v.reason.code, message: v.reason.message } } : {}) }
}

function matches(i: SimInstance, filters: Record<string, unknown>[]): boolean {
  return filters.every((f) => {
    const name = str(f, 'Name') ?? ''
    const values = strList(f, 'Value')
    if (name === 'instance-state-name') return values.includes(i.ec2State)
    if (name === 'instance-id') return values.includes(i.id)
    if (name.startsWith('tag:')) return values.includes(i.tags[name.slice(4)] ?? '\u0000')
    if (name === 'tag-key') return Object.keys(i.tags).some((k) => values.includes(k))
    return true
  })
}

function renderVersion(t: SimLaunchTemplate, v: SimTemplateVersion): Record<string, XmlValue> {
  return {
    launchTemplateId: t.id,
    launchTemplateName: t.name,
    versionNumber: v.number,
    versionDescription: v.description,
    createTime: new Date(v.created),
    defaultVersion: v.number === t.defaultVersion,
    launchTemplateData: {
      imageId: v.data.ImageId,
      instanceType: v.data.InstanceType,
      securityGroupIdSet: v.data.SecurityGroupIds,
      securityGroupSet: v.data.SecurityGroups
    }
  }
}

export const ec2: Service = {
  name: 'ec2',
  protocol: 'ec2',
  xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  ops: {
    TerminateInstances: write((w, p) => ({
      instancesSet: w.ec2TerminateInstances(strList(p, 'InstanceId')).map((c) => ({
        instanceId: c.id,
        currentState: state(c.current),
        previousState: state(c.previous)
      }))
    })),
    DescribeInstances: read((w, p) => {
      const ids = strList(p, 'InstanceId')
      const filters = objList(p, 'Filter')
      const unknown = ids.filter((id) => !w.ec2Knows(id))
      if (unknown.length > 0) throw notFound(unknown)
      const all = [...w.instances.values()].filter((i) => !i.forgotten && (ids.length === 0 || ids.includes(i.id)) && matches(i, filters))
      const { items, next } = page(all, num(p, 'MaxResults'), str(p, 'NextToken'), 1000, 1000, w.pageSize)
      return {
        reservationSet: items.map((i) => ({
          reservationId: `r-${i.id.slice(2)}`,
          ownerId: w.accountId,
          instancesSet: [
            {
              instanceId: i.id,
              instanceType: i.instanceType,
              imageId: i.imageId,
              launchTime: new Date(i.launchTime),
              placement: { availabilityZone: i.availabilityZone },
              // Eventually consistent (realism): a recent TerminateInstances may not show yet (nor its reason).
              ...ec2StateOf(w.readLag.view(`ec2:${i.id}`, () => ({ state: i.ec2State, reason: i.stateReason }))),
              instanceLifecycle: i.instanceLifecycle,
              tagSet: Object.entries(i.tags).map(([key, value]) => ({ key, value }))
            }
          ]
        })),
        nextToken: next
      }
    }),
    DescribeImages: read((w, p) => {
      const images = w.images.describeImages({
        ImageIds: strList(p, 'ImageId'),
        Owners: strList(p, 'Owner'),
        Filters: objList(p, 'Filter').map((f) => ({ Name: str(f, 'Name') ?? '', Values: strList(f, 'Value') }))
      })
      const { items, next } = page(images, num(p, 'MaxResults'), str(p, 'NextToken'), 1000, 1000, w.pageSize)
      return {
        imagesSet: items.map((i) => ({ imageId: i.id, name: i.name, imageState: i.state, creationDate: new Date(i.created).toISOString(), imageOwnerId: i.owner })),
        nextToken: next
      }
    }),
    DescribeLaunchTemplateVersions: read((w, p) => {
      const { t, versions } = w.images.describeVersions({ LaunchTemplateId: str(p, 'LaunchTemplateId'), LaunchTemplateName: str(p, 'LaunchTemplateName'), Versions: strList(p, 'LaunchTemplateVersion') })
      return { launchTemplateVersionSet: versions.map((v) => renderVersion(t, v)) }
    }),
    CreateLaunchTemplateVersion: write((w, p) => {
      const data = obj(p, 'LaunchTemplateData') ?? {}
      const ids = strList(data, 'SecurityGroupId')
      const names = strList(data, 'SecurityGroup')
      const { t, version } = w.images.createVersion({
        LaunchTemplateId: str(p, 'LaunchTemplateId'),
        LaunchTemplateName: str(p, 'LaunchTemplateName'),
        SourceVersion: str(p, 'SourceVersion'),
        VersionDescription: str(p, 'VersionDescription'),
        data: {
          ...(str(data, 'ImageId') !== undefined ? { ImageId: str(data, 'ImageId') as string } : {}),
          ...(str(data, 'InstanceType') !== undefined ? { InstanceType: str(data, 'InstanceType') as string } : {}),
          ...(ids.length > 0 ? { SecurityGroupIds: ids } : {}),
          ...(names.length > 0 ? { SecurityGroups: names } : {})
        }
      })
      return { launchTemplateVersion: renderVersion(t, version) }
    }),
    DescribeInstanceAttribute: read((w, p) => {
      const i = w.ec2Instance(str(p, 'InstanceId'))
      const attribute = str(p, 'Attribute')
      if (attribute !== 'disableApiTermination') {
        throw new SimError('InvalidParameterValue', `Value (${attribute ?? ''}) for parameter attribute is invalid. The simulator supports only disableApiTermination.`)
      }
      return { instanceId: i.id, disableApiTermination: { value: i.disableApiTermination === true } }
    }),
    ModifyInstanceAttribute: write((w, p) => {
      const i = w.ec2Instance(str(p, 'InstanceId'))
      // Either the structure member (DisableApiTermination.Value=true) or Attribute + Value.
      let value = bool(obj(p, 'DisableApiTermination') ?? {}, 'Value')
      if (value === undefined && str(p, 'Attribute') === 'disableApiTermination') value = bool(p, 'Value')
      if (value === undefined) throw new SimError('InvalidParameterCombination', 'The simulator supports only the disableApiTermination attribute.')
      i.disableApiTermination = value
      return { return: true }
    })
  }
}
