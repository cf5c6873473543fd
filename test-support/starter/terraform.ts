// Reads the starter kit's Terraform example with HashiCorp's own HCL parser (@cdktf/hcl2json, the Go
// library compiled to WebAssembly, offline), and derives from the action's code what it writes to an
// Auto Scaling group, as Terraform attributes and resource types, so a test can check that the example's
// lifecycle.ignore_changes covers it. Terraform itself (plan/apply) is not run here.
import fs from 'node:fs'
import path from 'node:path'
import { parse } from '@cdktf/hcl2json'
import type { PolicyDocument } from './iam.js'

export const TERRAFORM_DIR = path.resolve('examples/terraform')

type Block = Record<string, unknown>
export interface TerraformConfig {
  variable: Record<string, [Block]>
  resource: Record<string, Record<string, [Block]>>
  data: Record<string, Record<string, [Block]>>
  output?: Record<string, [Block]>
}

/** Every .tf file of the directory, parsed and merged (HCL → JSON, expressions kept as `${...}` strings). */
export async function loadTerraform(dir = TERRAFORM_DIR): Promise<TerraformConfig> {
  const merged: Record<string, Record<string, unknown>> = {}
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort()) {
    const json = (await parse(file, fs.readFileSync(path.join(dir, file), 'utf8'))) as Record<string, Record<string, unknown>>
    for (const [kind, blocks] of Object.entries(json)) {
      const into = (merged[kind] ??= {})
      for (const [k, v] of Object.entries(blocks)) {
        into[k] = typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...(into[k] as object), ...v } : v
      }
    }
  }
  return merged as unknown as TerraformConfig
}

/**
 * Evaluates the simple expressions of the example: `${var.x}` (the variable's default or `vars`),
 * `${each.key}`, `${data.aws_partition.current.partition}`, `${data.aws_caller_identity.current.account_id}`;
 * any other reference is left as written.
 */
export function interpolate(config: TerraformConfig, value: unknown, scope: { vars?: Record<string, string>; eachKey?: string } = {}): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (whole, expr: string) => {
      const v = expr.match(/^var\.(\w+)$/)?.[1]
      if (v) return scope.vars?.[v] ?? String(config.variable[v]?.[0]?.default ?? whole)
      if (expr === 'each.key' && scope.eachKey !== undefined) return scope.eachKey
      if (expr === 'data.aws_partition.current.partition') return 'aws'
      if (expr === 'data.aws_caller_identity.current.account_id') return '123456789012'
      return whole
    })
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(config, v, scope))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(config, v, scope)]))
  return value
}

/** The keys of a `for_each = toset([...])` of string literals, or [undefined] for a single resource. */
export function forEachKeys(block: Block): (string | undefined)[] {
  const fe = block.for_each
  if (fe === undefined) return [undefined]
  const m = String(fe).match(/^\$\{toset\(\[(.*)\]\)\}$/)
  if (!m) throw new Error(`for_each ${String(fe)} is not a toset([...]) of literals`)
  return (m[1] as string).split(',').map((s) => s.trim().replace(/^"|"$/g, ''))
}

/** An `aws_iam_policy_document` data source as the JSON policy it renders. */
export function policyDocument(config: TerraformConfig, name: string): PolicyDocument {
  const doc = config.data.aws_iam_policy_document?.[name]?.[0]
  if (!doc) throw new Error(`no data.aws_iam_policy_document.${name}`)
  const statements = (doc.statement ?? []) as Block[]
  return {
    Version: '2012-10-17',
    Statement: statements.map((raw) => {
      const s = interpolate(config, raw) as Block
      const condition: Record<string, Record<string, string[]>> = {}
      for (const c of (s.condition ?? []) as { test: string; variable: string; values: string[] }[]) (condition[c.test] ??= {})[c.variable] = c.values
      const principal: Record<string, string[]> = {}
      for (const p of (s.principals ?? []) as { type: string; identifiers: string[] }[]) principal[p.type] = p.identifiers
      return {
        ...(s.sid ? { Sid: String(s.sid) } : {}),
        Effect: String(s.effect ?? 'Allow'),
        Action: s.actions as string[],
        ...(s.resources ? { Resource: s.resources as string[] } : {}),
        ...(Object.keys(condition).length ? { Condition: condition } : {}),
        ...(Object.keys(principal).length ? { Principal: principal } : {})
      }
    })
  }
}

/**
 * A write the action makes, and what it changes that the Terraform example declares: attributes of the
 * aws_autoscaling_group, a resource type Terraform must not manage at all, or attributes of another
 * resource type that its lifecycle.ignore_changes must list.
 */
type Effect = { attributes: string[] } | { resourceType: string } | { resourceAttributes: { type: string; attributes: string[] } } | { instancesOnly: true }

/** Parameters of UpdateAutoScalingGroup the action may send, as aws_autoscaling_group attributes. */
const UPDATE_PARAM: Record<string, string | null> = {
  AutoScalingGroupName: null,
  MinSize: 'min_size',
  MaxSize: 'max_size',
  DesiredCapacity: 'desired_capacity',
  HealthCheckGracePeriod: 'health_check_grace_period',
  HealthCheckType: 'health_check_type',
  LaunchTemplate: 'launch_template',
  MixedInstancesPolicy: 'mixed_instances_policy',
  NewInstancesProtectedFromScaleIn: 'protect_from_scale_in',
  DefaultCooldown: 'default_cooldown'
}

const WRITE_EFFECT: Record<string, Effect> = {
  CreateOrUpdateTags: { attributes: ['tag'] },
  DeleteTags: { attributes: ['tag'] },
  SuspendProcesses: { attributes: ['suspended_processes'] },
  ResumeProcesses: { attributes: ['suspended_processes'] },
  PutScalingPolicy: { resourceType: 'aws_autoscaling_policy' },
  DeletePolicy: { resourceType: 'aws_autoscaling_policy' },
  PutScheduledUpdateGroupAction: { resourceType: 'aws_autoscaling_schedule' },
  DeleteScheduledAction: { resourceType: 'aws_autoscaling_schedule' },
  PutMetricAlarm: { resourceType: 'aws_cloudwatch_metric_alarm' },
  EnterStandby: { instancesOnly: true },
  ExitStandby: { instancesOnly: true },
  DetachInstances: { instancesOnly: true },
  SetInstanceProtection: { instancesOnly: true },
  TerminateInstances: { instancesOnly: true },
  AssumeRoleWithWebIdentity: { instancesOnly: true },
  // Deploy by image: a new version of a Terraform-managed template changes none of its declared arguments.
  CreateLaunchTemplateVersion: { attributes: [] },
  // Weighted target groups: cutover and rollback rewrite the weights of the forward actions (the whole
  // action list: ModifyListener/ModifyRule replace it), which the listener and its rules declare.
  ModifyListener: { resourceAttributes: { type: 'aws_lb_listener', attributes: ['default_action'] } },
  ModifyRule: { resourceAttributes: { type: 'aws_lb_listener_rule', attributes: ['action'] } }
}

const READ = /^(Describe|Get|List)/

/**
 * What the code under `dir` writes, from the SDK commands it sends: the aws_autoscaling_group attributes
 * (UpdateAutoScalingGroup's parameters are read from each call's object literal) and the resource types
 * whose objects it creates, deletes or rewrites. A write command or parameter this table does not know fails.
 */
export function writtenByCode(dir = 'src'): { attributes: string[]; resourceTypes: string[]; resourceAttributes: Record<string, string[]> } {
  const attributes = new Set<string>()
  const resourceTypes = new Set<string>()
  const resourceAttributes: Record<string, Set<string>> = {}
  const files = (d: string): string[] =>
    fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []))
  for (const file of files(dir)) {
    const text = fs.readFileSync(file, 'utf8')
    for (const m of text.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const op = m[1] as string
      if (READ.test(op)) continue
      if (op === 'UpdateAutoScalingGroup') {
        const args = text.slice((m.index ?? 0) + m[0].length).match(/^\s*\{([^}]*)\}/)?.[1]
        if (args === undefined) throw new Error(`${file}: UpdateAutoScalingGroupCommand without an object literal`)
        for (const key of args.split(',').map((p) => p.split(':')[0]?.trim() ?? '').filter(Boolean)) {
          if (!(key in UPDATE_PARAM)) throw new Error(`${file}: UpdateAutoScalingGroup parameter ${key} has no Terraform attribute in test-support/starter/terraform.ts`)
          const attr = UPDATE_PARAM[key]
          if (attr) attributes.add(attr)
        }
        continue
      }
      const effect = WRITE_EFFECT[op]
      if (!effect) throw new Error(`${file}: the action writes with ${op}, which test-support/starter/terraform.ts does not map to a Terraform attribute`)
      if ('attributes' in effect) for (const a of effect.attributes) attributes.add(a)
      if ('resourceType' in effect) resourceTypes.add(effect.resourceType)
      if ('resourceAttributes' in effect) for (const a of effect.resourceAttributes.attributes) (resourceAttributes[effect.resourceAttributes.type] ??= new Set()).add(a)
    }
  }
  return {
    attributes: [...attributes].sort(),
    resourceTypes: [...resourceTypes].sort(),
    resourceAttributes: Object.fromEntries(Object.entries(resourceAttributes).map(([t, a]) => [t, [...a].sort()]))
  }
}
