// Reads the starter kit's CloudFormation template (YAML with the short intrinsic-function tags), resolves
// what a stack would get from it, builds a simulated AWS from its resources, and replays on that world
// what CloudFormation sends on a stack update (so a test can check that an update after a deploy does
// not undo the deploy). Only the intrinsic functions and resource types the template uses are modelled
// (a listener rule resource, which the template has none of, is refused rather than left out).
import fs from 'node:fs'
import path from 'node:path'
import { CreateOrUpdateTagsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling'
import YAML, { type Tags } from 'yaml'
import type { SimWorld } from '../world.js'
import type { SimClients } from '../../packages/aws-sim/src/index.js'

export const TEMPLATE = path.resolve('examples/cloudformation/blue-green.yaml')

const INTRINSICS = ['Ref', 'Sub', 'GetAtt', 'Equals', 'If', 'Not', 'And', 'Or', 'Join', 'Select', 'Split', 'GetAZs', 'Base64', 'FindInMap', 'ImportValue', 'Condition']
const longName = (n: string): string => (n === 'Ref' || n === 'Condition' ? n : `Fn::${n}`)

/** `!Ref X` → `{ Ref: 'X' }`, `!GetAtt A.B` → `{ 'Fn::GetAtt': ['A', 'B'] }`, `!Sub s` → `{ 'Fn::Sub': s }`, ... */
const customTags: Tags = INTRINSICS.flatMap((n) => [
  {
    tag: `!${n}`,
    resolve: (value: string) => ({ [longName(n)]: n === 'GetAtt' ? value.split('.', 2) : value })
  },
  {
    tag: `!${n}`,
    collection: 'seq' as const,
    resolve: (value: unknown) => ({ [longName(n)]: (value as { toJSON(): unknown }).toJSON() })
  },
  {
    tag: `!${n}`,
    collection: 'map' as const,
    resolve: (value: unknown) => ({ [longName(n)]: (value as { toJSON(): unknown }).toJSON() })
  }
])

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export interface Resource {
  Type: string
  Condition?: string
  UpdatePolicy?: Record<string, Record<string, Json>>
  Properties: Record<string, Json>
}

export interface Template {
  Parameters: Record<string, { Type: string; Default?: string | number; AllowedPattern?: string; MinValue?: number; MaxValue?: number }>
  Rules?: Record<string, Json>
  Conditions?: Record<string, Json>
  Resources: Record<string, Resource>
  Outputs?: Record<string, Json>
}

export function loadTemplate(file = TEMPLATE): Template {
  return YAML.parse(fs.readFileSync(file, 'utf8'), { customTags }) as Template
}

export interface Stack {
  template: Template
  params: Record<string, string>
  /** The stack's name (docs/GETTING-STARTED.md: `--stack-name prod-web`): part of the names CloudFormation generates. */
  name: string
  accountId: string
  region: string
  /** What `Ref` of a resource gives in the simulated world: the group name, the target group's name, ... */
  refs: Record<string, string>
}

/** A stack of the template with its parameter defaults, overridden by `params`. */
export function stackOf(
  template: Template,
  params: Record<string, string> = {},
  where: { name?: string; accountId?: string; region?: string } = {}
): Stack {
  const all: Record<string, string> = {}
  for (const [k, p] of Object.entries(template.Parameters)) all[k] = p.Default !== undefined ? String(p.Default) : placeholder(k, p.Type)
  Object.assign(all, params)
  const stack: Stack = { template, params: all, name: 'prod-web', accountId: '123456789012', region: 'us-east-1', ...where, refs: {} }
  // Resources Ref'd by name in the simulated world: groups by their AutoScalingGroupName, target groups by Name.
  for (const [id, r] of Object.entries(template.Resources)) {
    const name = r.Properties.AutoScalingGroupName ?? r.Properties.Name
    stack.refs[id] = name !== undefined ? String(resolve(stack, name)) : id
  }
  return stack
}

/** A value for a parameter the user must give (a VPC, subnets, the registry): a made-up one of the right shape. */
function placeholder(name: string, type: string): string {
  // The registry docs/GETTING-STARTED.md creates (an ECR repository in the documentation's example account).
  if (name === 'ImageRegistry') return '123456789012.dkr.ecr.us-east-1.amazonaws.com/'
  const kind = type.match(/AWS::EC2::(\w+)::Id/)?.[1]?.toLowerCase() ?? name.toLowerCase()
  const id = (n: number): string => `${kind === 'vpc' ? 'vpc' : kind === 'subnet' ? 'subnet' : kind}-0${n}23456789abcdef0`
  return type.startsWith('List<') ? [id(1), id(2)].join(',') : id(1)
}

/** What `!Ref AWS::NoValue` resolves to: the property or list item is left out. */
const NO_VALUE = '<AWS::NoValue>'

/** Evaluates the intrinsic functions in `node` (resource attributes other than names come back as `<Id.Attr>`). */
export function resolve(stack: Stack, node: Json | undefined): Json {
  if (node === undefined || node === null || typeof node !== 'object') return node ?? null
  if (Array.isArray(node)) return node.map((n) => resolve(stack, n)).filter((n) => n !== NO_VALUE)
  const keys = Object.keys(node)
  if (keys.length === 1) {
    const k = keys[0] as string
    const v = node[k] as Json
    switch (k) {
      case 'Ref':
        return ref(stack, String(v))
      case 'Fn::Sub': {
        // !Sub 'text ${Name}' or !Sub ['text ${Var}', { Var: <value> }]
        const [text, vars] = Array.isArray(v) ? [String(v[0]), resolve(stack, v[1] ?? {}) as Record<string, Json>] : [String(v), {}]
        return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          if (name in vars) return String(vars[name])
          const [id, attr] = name.split('.', 2) as [string, string | undefined]
          return attr ? `<${id}.${attr}>` : String(ref(stack, id))
        })
      }
      case 'Fn::Split':
        return String(resolve(stack, (v as Json[])[1])).split(String((v as Json[])[0]))
      case 'Fn::Select': {
        const list = resolve(stack, (v as Json[])[1]) as Json[]
        const index = Number(resolve(stack, (v as Json[])[0]))
        // CloudFormation fails the stack operation on an index out of range.
        if (!Array.isArray(list) || index < 0 || index >= list.length) throw new Error(`template: Fn::Select index ${index} out of range of ${JSON.stringify(list)}`)
        return list[index] as Json
      }
      case 'Fn::And':
        return (v as Json[]).every((c) => resolve(stack, c) === true)
      case 'Fn::Or':
        return (v as Json[]).some((c) => resolve(stack, c) === true)
      case 'Fn::GetAtt':
        return `<${(v as string[]).join('.')}>`
      case 'Fn::Equals':
        return resolve(stack, (v as Json[])[0]) === resolve(stack, (v as Json[])[1])
      case 'Fn::Not':
        return !resolve(stack, (v as Json[])[0])
      case 'Fn::If': {
        const [cond, yes, no] = v as [string, Json, Json]
        return resolve(stack, condition(stack, cond) ? yes : no)
      }
      case 'Fn::Base64':
        return resolve(stack, v)
      case 'Fn::Join':
        return (resolve(stack, (v as Json[])[1]) as Json[]).join(String((v as Json[])[0]))
    }
  }
  return Object.fromEntries(
    Object.entries(node)
      .map(([k, v]) => [k, resolve(stack, v)] as const)
      .filter(([, v]) => v !== NO_VALUE)
  )
}

function ref(stack: Stack, name: string): Json {
  if (name === 'AWS::AccountId') return stack.accountId
  if (name === 'AWS::Region') return stack.region
  if (name === 'AWS::Partition') return 'aws'
  if (name === 'AWS::NoValue') return NO_VALUE
  if (name in stack.params) {
    const type = stack.template.Parameters[name]?.Type ?? ''
    const value = stack.params[name] as string
    return type.startsWith('List<') || type === 'CommaDelimitedList' ? value.split(',') : value
  }
  if (name in stack.template.Resources) return stack.refs[name] as string
  throw new Error(`template: Ref to unknown ${name}`)
}

export function condition(stack: Stack, name: string): boolean {
  const c = stack.template.Conditions?.[name]
  if (c === undefined) throw new Error(`template: unknown condition ${name}`)
  return resolve(stack, c) === true
}

export function resourcesOfType(stack: Stack, type: string): [string, Resource][] {
  return Object.entries(stack.template.Resources).filter(([, r]) => r.Type === type && (!r.Condition || condition(stack, r.Condition)))
}

/** A resource's properties with every intrinsic function evaluated. */
export function props(stack: Stack, id: string): Record<string, Json> {
  const r = stack.template.Resources[id]
  if (!r) throw new Error(`template: no resource ${id}`)
  return resolve(stack, r.Properties) as Record<string, Json>
}

interface CfnTag {
  Key: string
  Value: string
  PropagateAtLaunch: boolean
}

export interface BuiltStack {
  /** Group names by logical id. */
  groups: Record<string, string>
  /** Target group names by logical id. */
  targetGroups: Record<string, string>
  /** Load balancer names by logical id. */
  loadBalancers: Record<string, string>
  /** Listener ARNs by logical id. */
  listeners: Record<string, string>
}

/**
 * The name CloudFormation gives a load balancer whose template sets no Name: stack name, logical id and a
 * random suffix, cut to the 32 characters a load balancer name may have. The shape is an approximation (the
 * exact rule is not documented); the suffix here is derived from the stack so that runs are repeatable.
 */
export function generatedLoadBalancerName(stack: Stack, id: string): string {
  let h = 0x811c9dc5
  for (const c of `${stack.accountId}/${stack.region}/${stack.name}/${id}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0
  const suffix = h.toString(36).toUpperCase().padStart(7, '0')
  return `${stack.name}-${id}`.slice(0, 32 - suffix.length - 1) + `-${suffix}`
}

interface CfnForward {
  Type: string
  TargetGroupArn?: string
  ForwardConfig?: {
    TargetGroups: { TargetGroupArn: string; Weight?: number | string }[]
    TargetGroupStickinessConfig?: { Enabled?: boolean | string; DurationSeconds?: number | string }
  }
}

/**
 * Creates in `world` what the stack creates that the action sees: the target groups (health check and
 * deregistration delay as declared), the Auto Scaling groups (sizes, target groups, tags, health check,
 * launch template), as CloudFormation would at stack creation (DesiredCapacity absent → MinSize), and the
 * load balancer with its listeners' default actions as declared: with TrafficSwitch weights a forward to
 * blue's and green's target groups with WeightsLiveColor's weights (a weights pair), with standby a plain
 * forward to the one target group.
 */
export function buildWorld(world: SimWorld, stack: Stack): BuiltStack {
  if (resourcesOfType(stack, 'AWS::ElasticLoadBalancingV2::ListenerRule').length > 0) throw new Error('template: listener rules are not modelled by buildWorld')
  const out: BuiltStack = { groups: {}, targetGroups: {}, loadBalancers: {}, listeners: {} }
  for (const [id] of resourcesOfType(stack, 'AWS::ElasticLoadBalancingV2::TargetGroup')) {
    const p = props(stack, id)
    const attrs = Object.fromEntries(((p.TargetGroupAttributes ?? []) as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]))
    const name = String(p.Name)
    world.addTargetGroup({
      name,
      port: Number(p.Port),
      protocol: String(p.Protocol),
      healthCheckIntervalSeconds: Number(p.HealthCheckIntervalSeconds),
      healthCheckTimeoutSeconds: Number(p.HealthCheckTimeoutSeconds),
      healthyAfterChecks: Number(p.HealthyThresholdCount),
      unhealthyAfterChecks: Number(p.UnhealthyThresholdCount),
      deregistrationDelaySeconds: Number(attrs['deregistration_delay.timeout_seconds'] ?? 300)
    })
    out.targetGroups[id] = name
  }
  const tgNameByRef = new Map(Object.entries(out.targetGroups).map(([id, name]) => [stack.refs[id], name]))
  for (const [id] of resourcesOfType(stack, 'AWS::AutoScaling::AutoScalingGroup')) {
    const p = props(stack, id)
    const min = Number(p.MinSize)
    const tags: Record<string, { value: string; propagateAtLaunch: boolean }> = {}
    for (const t of (p.Tags ?? []) as unknown as CfnTag[]) tags[t.Key] = { value: String(t.Value), propagateAtLaunch: t.PropagateAtLaunch === true }
    const lt = p.LaunchTemplate as Record<string, string> | undefined
    world.addGroup({
      name: String(p.AutoScalingGroupName),
      min,
      max: Number(p.MaxSize),
      desired: p.DesiredCapacity !== undefined ? Number(p.DesiredCapacity) : min,
      targetGroups: ((p.TargetGroupARNs ?? []) as string[]).map((r) => tgNameByRef.get(r) ?? r),
      tags,
      healthCheckType: String(p.HealthCheckType ?? 'EC2'),
      healthCheckGracePeriod: Number(p.HealthCheckGracePeriod ?? 0),
      ...(lt ? { launchTemplate: { LaunchTemplateName: String(lt.LaunchTemplateId), Version: String(lt.Version) } } : {})
    })
    out.groups[id] = String(p.AutoScalingGroupName)
  }
  const lbByRef = new Map<string, string>()
  for (const [id] of resourcesOfType(stack, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    const p = props(stack, id)
    const name = p.Name !== undefined && p.Name !== null ? String(p.Name) : generatedLoadBalancerName(stack, id)
    world.addLoadBalancer({ name, type: p.Type === 'network' ? 'network' : 'application' })
    lbByRef.set(stack.refs[id] as string, name)
    out.loadBalancers[id] = name
  }
  for (const [id] of resourcesOfType(stack, 'AWS::ElasticLoadBalancingV2::Listener')) {
    const p = props(stack, id)
    const loadBalancer = lbByRef.get(String(p.LoadBalancerArn))
    if (!loadBalancer) throw new Error(`template: listener ${id} on ${String(p.LoadBalancerArn)}, not a load balancer of the stack`)
    const actions = (p.DefaultActions ?? []) as unknown as CfnForward[]
    const action = actions[0]
    if (actions.length !== 1 || action?.Type !== 'forward') throw new Error(`template: listener ${id}: only one forward default action is modelled`)
    const tg = (ref: string): string => {
      const name = tgNameByRef.get(ref)
      if (!name) throw new Error(`template: listener ${id} forwards to ${ref}, not a target group of the stack`)
      return name
    }
    const port = Number(p.Port)
    const protocol = String(p.Protocol) as 'HTTP' | 'HTTPS' | 'TCP'
    const forward = action.ForwardConfig
    const sticky = forward?.TargetGroupStickinessConfig
    const arn = forward
      ? world.addListener({
          loadBalancer,
          port,
          protocol,
          forward: forward.TargetGroups.map((t) => ({ targetGroup: tg(t.TargetGroupArn), weight: t.Weight === undefined ? 1 : Number(t.Weight) })),
          ...(sticky ? { stickiness: { enabled: String(sticky.Enabled) === 'true', durationSeconds: Number(sticky.DurationSeconds) } } : {})
        }).arn
      : world.addListener({ loadBalancer, port, protocol, forward: [{ targetGroup: tg(String(action.TargetGroupArn)), weight: 1 }], singleTarget: true }).arn
    out.listeners[id] = arn
  }
  return out
}

/** Group properties a stack update re-applies, and the tags it re-writes, per group (worst case: all declared). */
export function declaredGroupState(stack: Stack, id: string): { update: Record<string, number | string>; tags: CfnTag[] } {
  const p = props(stack, id)
  const update: Record<string, number | string> = {}
  for (const k of ['MinSize', 'MaxSize', 'DesiredCapacity', 'HealthCheckGracePeriod', 'DefaultCooldown']) if (p[k] !== undefined) update[k] = Number(p[k])
  if (p.HealthCheckType !== undefined) update.HealthCheckType = String(p.HealthCheckType)
  return { update, tags: (p.Tags ?? []) as unknown as CfnTag[] }
}

/**
 * What CloudFormation sends to Auto Scaling when a stack update touches the groups, conservatively: every
 * non-size property the template declares through UpdateAutoScalingGroup, every declared tag through
 * CreateOrUpdateTags (as an update that changes the Tags property, e.g. a new cost tag, would), and the
 * size properties (MinSize, MaxSize, DesiredCapacity) too unless the group has UpdatePolicy
 * AutoScalingScheduledAction.IgnoreUnmodifiedGroupSizeProperties (the template is replayed unmodified, so
 * they are unmodified) or `worstCase` says to ignore that policy. Tags the template does not declare are
 * left alone (CloudFormation manages the tags of its template only).
 */
export async function applyStackUpdate(clients: SimClients, stack: Stack, opts: { worstCase?: boolean } = {}): Promise<void> {
  for (const [id, r] of resourcesOfType(stack, 'AWS::AutoScaling::AutoScalingGroup')) {
    const name = stack.refs[id] as string
    const { update, tags } = declaredGroupState(stack, id)
    const ignoreSizes = !opts.worstCase && r.UpdatePolicy?.AutoScalingScheduledAction?.IgnoreUnmodifiedGroupSizeProperties === true
    if (ignoreSizes) for (const k of ['MinSize', 'MaxSize', 'DesiredCapacity']) delete update[k]
    await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, ...update }))
    if (tags.length > 0) {
      await clients.autoScaling.send(
        new CreateOrUpdateTagsCommand({
          Tags: tags.map((t) => ({ ResourceId: name, ResourceType: 'auto-scaling-group', Key: t.Key, Value: String(t.Value), PropagateAtLaunch: t.PropagateAtLaunch }))
        })
      )
    }
  }
}
