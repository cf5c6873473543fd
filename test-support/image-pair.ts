// A blue/green pair that launches from launch templates, for the deploy-by-image scenarios: blue serves
// image OLD from template prod-web version 1; green (idle) launches the same template.
import type { InstanceTypeOverride } from '../packages/aws-sim/src/index.js'
import type { SimWorld } from './world.js'
import { newWorld } from './worlds.js'

export const BLUE = 'prod-web-blue'
export const GREEN = 'prod-web-green'
export const OLD = 'ami-0a1b2c3d4e5f60001'
export const NEW = 'ami-0a1b2c3d4e5f60002'

export interface ImagePairOptions {
  blueVersion?: string
  greenVersion?: string
  /** A mixed instances policy with these overrides on both colors. */
  overrides?: InstanceTypeOverride[]
  /** Architecture of the NEW image (default x86_64, as the t3 types). */
  newArchitecture?: 'x86_64' | 'arm64'
}

export function imagePair(o: ImagePairOptions = {}): { world: SimWorld; template: string } {
  const world = newWorld()
  world.addImage({ id: OLD, name: 'web-2026-11-01', created: '2026-11-01T00:00:00Z' })
  world.addImage({ id: NEW, name: 'web-2026-11-20', created: '2026-11-20T00:00:00Z', ...(o.newArchitecture ? { architecture: o.newArchitecture } : {}) })
  const t = world.addLaunchTemplate({ name: 'prod-web', data: { ImageId: OLD, InstanceType: 't3.micro', SecurityGroupIds: ['sg-0123456789abcdef0'] } })
  world.addTargetGroup({ name: 'prod-web', deregistrationDelaySeconds: 300, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  const common = { max: 6, targetGroups: ['prod-web'], ...(o.overrides ? { instanceTypes: o.overrides } : {}) }
  world.addGroup({ name: BLUE, min: 3, desired: 3, ...common, tags: { 'docker:image:name': 'web', 'docker:image:version': OLD }, running: true, launchTemplate: { LaunchTemplateId: t.id, Version: o.blueVersion ?? '1' } })
  world.addGroup({ name: GREEN, min: 0, desired: 0, ...common, tags: { 'docker:image:name': 'web' }, launchTemplate: { LaunchTemplateId: t.id, Version: o.greenVersion ?? '1' } })
  return { world, template: t.id }
}

/** Every instance the group ever launched (still listed or not), with its image. */
export function imagesLaunchedBy(world: SimWorld, group: string): string[] {
  return [...world.instances.values()].filter((i) => i.tags['aws:autoscaling:groupName'] === group || i.group === group).map((i) => i.imageId ?? '(none)')
}
