// Simulator semantics of images and launch templates (packages/aws-sim/README.md "Images and launch
// templates"): the StatusMessage of a launch that fails because of its image, in the words of the Auto
// Scaling user guide ("Troubleshoot Amazon EC2 Auto Scaling: AMI issues").
import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2'
import { type InstanceTypeOverride, type SimClients, simClients } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { START } from './fixture.js'

let clients: SimClients | undefined
afterEach(() => clients?.destroy())

const AMI = 'ami-0a1b2c3d4e5f60001'
const ARM = 'ami-0a1b2c3d4e5f600a1'

function world(o: { state?: 'available' | 'pending' | 'disabled' | 'deregistered'; architecture?: 'x86_64' | 'arm64'; instanceType?: string; overrides?: InstanceTypeOverride[] } = {}): { w: SimWorld; template: string } {
  const w = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false })
  w.addImage({ id: AMI, name: 'web', state: o.state ?? 'available', architecture: o.architecture ?? 'x86_64' })
  const t = w.addLaunchTemplate({ name: 'web', data: { ImageId: AMI, InstanceType: 't3.micro' } })
  w.addGroup({ name: 'web', min: 0, max: 6, desired: 0, launchTemplate: { LaunchTemplateId: t.id, Version: '1' }, ...(o.instanceType ? { instanceType: o.instanceType } : {}), ...(o.overrides ? { instanceTypes: o.overrides } : {}) })
  return { w, template: t.id }
}

function failures(w: SimWorld): (string | undefined)[] {
  w.updateGroup('web', { DesiredCapacity: 2 })
  w.advance(25_000)
  return (w.groups.get('web')?.activities ?? []).filter((a) => a.StatusCode === 'Failed').map((a) => a.StatusMessage)
}

describe('a launch that fails because of its image', () => {
  it.each<[string, Parameters<typeof world>[0], string]>([
    ['a deregistered image', { state: 'deregistered' }, `The AMI ID ${AMI} does not exist. Launching EC2 instance failed.`],
    ['a pending image', { state: 'pending' }, `AMI ${AMI} is pending, and cannot be run. Launching EC2 instance failed.`],
    ['a disabled image', { state: 'disabled' }, `AMI '${AMI}' is disabled, and cannot be run. Launching EC2 instance failed.`]
  ])('%s: every attempt fails with the user guide wording, nothing launches', (_name, o, status) => {
    const { w } = world(o)
    expect(failures(w)).toEqual([status, status, status])
    expect(w.group('web').instances).toEqual([])
  })

  it('an arm64 image for an x86_64 instance type: the architecture mismatch, nothing launches', () => {
    const { w } = world({ architecture: 'arm64' })
    const f = failures(w)
    expect(f).toHaveLength(3)
    expect(f[0]).toMatch(/^The architecture 'x86_64' of the specified instance type does not match the architecture 'arm64' of the specified AMI\. .*Launching EC2 instance failed\.$/)
    expect(w.group('web').instances).toEqual([])
  })

  it('an arm64 image for a Graviton type launches', () => {
    const { w } = world({ architecture: 'arm64', instanceType: 'm7g.large' })
    expect(failures(w)).toEqual([])
    expect(w.group('web').instances).toHaveLength(2)
  })
})

describe('mixed instances overrides with their own launch template or image', () => {
  it('an override with LaunchTemplateSpecification launches its type from that template; one with ImageId from that image', () => {
    const { w } = world({
      overrides: [{ instanceType: 't3.micro' }, { instanceType: 'm7g.large', imageId: ARM }, { instanceType: 't3a.micro', launchTemplate: { LaunchTemplateName: 'web-amd', Version: '$Latest' } }]
    })
    w.addImage({ id: ARM, name: 'web-arm', architecture: 'arm64' })
    const amd = w.addLaunchTemplate({ name: 'web-amd', data: { ImageId: 'ami-0a1b2c3d4e5f600b1', InstanceType: 't3a.micro' } })
    w.addImage({ id: 'ami-0a1b2c3d4e5f600b1', name: 'web-amd' })
    w.updateGroup('web', { DesiredCapacity: 3 })
    w.advance(120_000)
    const byType = Object.fromEntries(w.activeInstances(w.mustGroup('web')).map((i) => [i.instanceType, i.imageId]))
    expect(byType).toEqual({ 't3.micro': AMI, 'm7g.large': ARM, 't3a.micro': 'ami-0a1b2c3d4e5f600b1' })
    expect(amd.id).toMatch(/^lt-/)
  })
})

describe('what the action reads of it over the wire', () => {
  it('DescribeAutoScalingGroups renders an override\'s LaunchTemplateSpecification and ImageId; DescribeInstances each instance\'s ImageId', async () => {
    const { w } = world({ overrides: [{ instanceType: 't3.micro' }, { instanceType: 'm7g.large', imageId: ARM }, { instanceType: 't3a.micro', launchTemplate: { LaunchTemplateName: 'web', Version: '$Latest' } }] })
    w.addImage({ id: ARM, name: 'web-arm', architecture: 'arm64' })
    w.updateGroup('web', { DesiredCapacity: 2 })
    w.advance(120_000)
    clients = simClients(w)
    const g = (await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }))).AutoScalingGroups?.[0]
    expect(g?.MixedInstancesPolicy?.LaunchTemplate?.Overrides).toEqual([
      { InstanceType: 't3.micro' },
      { InstanceType: 'm7g.large', ImageId: ARM },
      { InstanceType: 't3a.micro', LaunchTemplateSpecification: { LaunchTemplateName: 'web', Version: '$Latest' } }
    ])
    const r = await clients.ec2.send(new DescribeInstancesCommand({}))
    const images = Object.fromEntries((r.Reservations ?? []).flatMap((x) => x.Instances ?? []).map((i) => [i.InstanceType, i.ImageId]))
    expect(images).toEqual({ 't3.micro': AMI, 'm7g.large': ARM })
  })

  it('DescribeAutoScalingGroups with neither names nor filters lists every group of the account; a group on $Latest launches the newest version', async () => {
    const { w, template } = world()
    w.addGroup({ name: 'batch', min: 0, max: 2, desired: 0, launchTemplate: { LaunchTemplateId: template, Version: '$Latest' } })
    clients = simClients(w)
    const all = (await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ IncludeInstances: false }))).AutoScalingGroups ?? []
    expect(all.map((g) => [g.AutoScalingGroupName, g.LaunchTemplate?.Version, g.Instances])).toEqual([
      ['batch', '$Latest', undefined],
      ['web', '1', undefined]
    ])
    w.addImage({ id: ARM.replace('a1', 'b2'), name: 'web-2' })
    w.images.createVersion({ LaunchTemplateId: template, SourceVersion: '1', data: { ImageId: ARM.replace('a1', 'b2') } })
    w.updateGroup('batch', { DesiredCapacity: 1 })
    w.advance(120_000)
    expect(w.activeInstances(w.mustGroup('batch')).map((i) => i.imageId)).toEqual([ARM.replace('a1', 'b2')])
  })
})

describe('UpdateAutoScalingGroup re-points a group at a template version', () => {
  const NEWER = 'ami-0a1b2c3d4e5f600b2'

  it('the next launch uses the version given (a number or $Default, resolved at launch); running instances keep their image', async () => {
    const { w, template } = world({ overrides: [{ instanceType: 't3.micro' }, { instanceType: 't3a.micro' }] })
    w.addImage({ id: NEWER, name: 'web-2' })
    w.images.createVersion({ LaunchTemplateId: template, SourceVersion: '1', data: { ImageId: NEWER } })
    clients = simClients(w)
    await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: template, Version: '2' } } } }))
    w.updateGroup('web', { DesiredCapacity: 1 })
    w.advance(120_000)
    expect(w.activeInstances(w.mustGroup('web')).map((i) => i.imageId)).toEqual([NEWER])
    // Only the policy's template changed: the overrides stay.
    expect(w.groups.get('web')?.overrides?.map((o) => o.instanceType)).toEqual(['t3.micro', 't3a.micro'])

    await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: template, Version: '$Default' } } } }))
    w.updateGroup('web', { DesiredCapacity: 2 })
    w.advance(120_000)
    expect(w.activeInstances(w.mustGroup('web')).map((i) => i.imageId).sort()).toEqual([AMI, NEWER].sort())
  })

  it('a plain LaunchTemplate replaces the mixed instances policy, overrides included', async () => {
    const { w, template } = world({ overrides: [{ instanceType: 't3.micro' }, { instanceType: 'm7g.large', imageId: ARM }] })
    clients = simClients(w)
    await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', LaunchTemplate: { LaunchTemplateId: template, Version: '1' } }))
    const g = (await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }))).AutoScalingGroups?.[0]
    expect(g?.MixedInstancesPolicy).toBeUndefined()
    expect(g?.LaunchTemplate).toMatchObject({ LaunchTemplateId: template, Version: '1' })
  })
})
