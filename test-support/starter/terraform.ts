// Reads the starter kit's Terraform example with HashiCorp's own HCL parser (@cdktf/hcl2json, the Go
// library compiled to WebAssembly, offline), evaluates the subset of expressions it uses (so a test can
// look at each instance a variable value makes: traffic_switch = "weights" or "standby"), and derives from
// the action's code what it writes to an Auto Scaling group or a listener, as Terraform attributes and
// resource types, so a test can check that the example's lifecycle.ignore_changes covers it. Terraform
// itself (plan/apply) is not run here.
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

/** What an expression sees: variable values (else their defaults), each.key, count.index, dynamic block iterators. */
export interface Scope {
  vars?: Record<string, string>
  eachKey?: string
  countIndex?: number
  iterators?: Record<string, { key: unknown; value: unknown }>
}

/** An expression (or a part of one) this evaluator does not model: the caller keeps it as written. */
class Unsupported extends Error {}

/** A function call that fails in Terraform too (a regex with no match): try() and can() catch it. */
class CallFailed extends Error {}

/** Terraform's regex(): RE2 syntax, close enough to JavaScript's for the example's patterns ((?P<n>...) → (?<n>...)). */
function tfRegex(pattern: string, value: string): unknown {
  const m = new RegExp(pattern.replace(/\(\?P</g, '(?<')).exec(value)
  if (!m) throw new CallFailed(`regex ${pattern} does not match ${value}`)
  if (m.groups) return { ...m.groups }
  return m.length > 1 ? m.slice(1).map((g) => g ?? null) : m[0]
}

/** Terraform's format(): %s and %d verbs, %% a percent sign. */
function tfFormat(spec: string, args: unknown[]): string {
  let i = 0
  return spec.replace(/%[sd%]/g, (verb) => (verb === '%%' ? '%' : String(args[i++])))
}

type Node =
  | { k: 'lit'; v: unknown }
  | { k: 'list'; items: Node[] }
  | { k: 'ref'; root: string; steps: ({ attr: string } | { index: Node } | { splat: true })[] }
  | { k: 'call'; fn: string; args: Node[] }
  | { k: 'not'; x: Node }
  | { k: 'bin'; op: '==' | '!=' | '&&' | '||'; a: Node; b: Node }
  | { k: 'cond'; c: Node; t: Node; f: Node }

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(\d+(?:\.\d+)?)|([A-Za-z_][\w-]*)|(==|!=|&&|\|\||[!?:.,()[\]*]))/y

function tokenize(expr: string): string[] {
  const out: string[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < expr.length) {
    if (/^\s*$/.test(expr.slice(TOKEN.lastIndex))) break
    const m = TOKEN.exec(expr)
    if (!m) throw new Unsupported(`cannot read ${expr.slice(TOKEN.lastIndex)}`)
    out.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string)
  }
  return out
}

/** Parses the subset of HCL expressions the example uses: literals, lists, references, calls, !, ==, !=, &&, ||, ?:. */
function parseExpression(expr: string): Node {
  const t = tokenize(expr)
  let i = 0
  const peek = (): string | undefined => t[i]
  const eat = (tok: string): void => {
    if (t[i] !== tok) throw new Unsupported(`expected ${tok} in ${expr}`)
    i++
  }
  const cond = (): Node => {
    const c = or()
    if (peek() !== '?') return c
    eat('?')
    const tr = cond()
    eat(':')
    return { k: 'cond', c, t: tr, f: cond() }
  }
  const binary = (ops: string[], next: () => Node) => (): Node => {
    let a = next()
    while (ops.includes(peek() ?? '')) {
      const op = t[i++] as '==' | '!=' | '&&' | '||'
      a = { k: 'bin', op, a, b: next() }
    }
    return a
  }
  const unary = (): Node => {
    if (peek() === '!') {
      i++
      return { k: 'not', x: unary() }
    }
    return postfix()
  }
  const eq = binary(['==', '!='], unary)
  const and = binary(['&&'], eq)
  const or = binary(['||'], and)
  const postfix = (): Node => {
    const p = primary()
    if (p.k !== 'ref') return p
    for (;;) {
      if (peek() === '.') {
        i++
        p.steps.push({ attr: t[i++] as string })
      } else if (peek() === '[') {
        i++
        if (peek() === '*') {
          i++
          p.steps.push({ splat: true })
        } else p.steps.push({ index: cond() })
        eat(']')
      } else return p
    }
  }
  const primary = (): Node => {
    const tok = t[i++]
    if (tok === undefined) throw new Unsupported(`unexpected end of ${expr}`)
    if (tok.startsWith('"')) {
      if (tok.includes('${')) throw new Unsupported(`template inside ${expr}`)
      return { k: 'lit', v: JSON.parse(tok) }
    }
    if (/^\d/.test(tok)) return { k: 'lit', v: Number(tok) }
    if (tok === 'true' || tok === 'false') return { k: 'lit', v: tok === 'true' }
    if (tok === 'null') return { k: 'lit', v: null }
    if (tok === '(') {
      const x = cond()
      eat(')')
      return x
    }
    if (tok === '[') {
      const items: Node[] = []
      while (peek() !== ']') {
        items.push(cond())
        if (peek() === ',') i++
        else break
      }
      eat(']')
      return { k: 'list', items }
    }
    if (/^[A-Za-z_]/.test(tok)) {
      if (peek() === '(') {
        i++
        const args: Node[] = []
        while (peek() !== ')') {
          args.push(cond())
          if (peek() === ',') i++
          else break
        }
        eat(')')
        return { k: 'call', fn: tok, args }
      }
      return { k: 'ref', root: tok, steps: [] }
    }
    throw new Unsupported(`unexpected ${tok} in ${expr}`)
  }
  const node = cond()
  if (i !== t.length) throw new Unsupported(`trailing ${t.slice(i).join(' ')} in ${expr}`)
  return node
}

function localsOf(config: TerraformConfig): Record<string, unknown> {
  return Object.assign({}, ...Object.values((config as unknown as { locals?: Record<string, Block> }).locals ?? {}))
}

/** How many instances a resource's count or for_each makes, by their index or key. */
function instanceKeys(config: TerraformConfig, block: Block, scope: Scope): (number | string | undefined)[] {
  if (block.count !== undefined) {
    const n = interpolate(config, block.count, { vars: scope.vars })
    if (typeof n !== 'number') throw new Error(`count ${String(block.count)} is not a number`)
    return [...Array(n).keys()]
  }
  return forEachKeys(block)
}

function renderRef(root: string, steps: string[]): string {
  return `\${${[root, ...steps].join('')}}`
}

function evalNode(config: TerraformConfig, n: Node, scope: Scope): unknown {
  switch (n.k) {
    case 'lit':
      return n.v
    case 'list':
      return n.items.map((x) => evalNode(config, x, scope))
    case 'not':
      return !evalNode(config, n.x, scope)
    case 'cond':
      return evalNode(config, n.c, scope) === true ? evalNode(config, n.t, scope) : evalNode(config, n.f, scope)
    case 'bin': {
      const a = evalNode(config, n.a, scope)
      if (n.op === '&&') return a === true && evalNode(config, n.b, scope) === true
      if (n.op === '||') return a === true || evalNode(config, n.b, scope) === true
      const b = evalNode(config, n.b, scope)
      if (typeof a === 'string' && a.startsWith('${') && a !== b) throw new Unsupported(`comparison with the unknown ${a}`)
      return n.op === '==' ? a === b : a !== b
    }
    case 'call': {
      // try(a, b, ...): the first argument that evaluates; can(x): whether x evaluates.
      if (n.fn === 'try' || n.fn === 'can') {
        for (const x of n.args) {
          try {
            const v = evalNode(config, x, scope)
            return n.fn === 'can' ? true : v
          } catch (e) {
            if (!(e instanceof CallFailed)) throw e
          }
        }
        if (n.fn === 'can') return false
        throw new CallFailed('try: no argument evaluated')
      }
      const args = n.args.map((x) => evalNode(config, x, scope))
      const unknown = args.find((a) => typeof a === 'string' && a.includes('${'))
      if (unknown !== undefined) throw new Unsupported(`${n.fn} of the unknown ${String(unknown)}`)
      if (n.fn === 'regex') return tfRegex(String(args[0]), String(args[1]))
      if (n.fn === 'format') return tfFormat(String(args[0]), args.slice(1))
      if (n.fn === 'split') return String(args[1]).split(String(args[0]))
      if (n.fn === 'element') {
        const list = args[0] as unknown[]
        return list[Number(args[1]) % list.length]
      }
      if (n.fn === 'toset') return [...new Set(args[0] as unknown[])]
      if (n.fn === 'contains') return (args[0] as unknown[]).includes(args[1])
      throw new Unsupported(`function ${n.fn}`)
    }
    case 'ref':
      return evalRef(config, n, scope)
  }
}

function evalRef(config: TerraformConfig, n: Extract<Node, { k: 'ref' }>, scope: Scope): unknown {
  const attr = (j: number): string | undefined => {
    const st = n.steps[j]
    return st && 'attr' in st ? st.attr : undefined
  }
  const rest = (from: number): string[] =>
    n.steps.slice(from).map((st) => {
      if ('attr' in st) return `.${st.attr}`
      if ('splat' in st) return '[*]'
      return `[${JSON.stringify(evalNode(config, st.index, scope))}]`
    })
  if (n.root === 'var') {
    const name = attr(0) as string
    const v = scope.vars?.[name] ?? config.variable[name]?.[0]?.default
    if (v === undefined || n.steps.length !== 1) throw new Unsupported(`var.${name}`)
    return v
  }
  if (n.root === 'local') {
    const name = attr(0) as string
    const locals = localsOf(config)
    if (!(name in locals)) throw new Unsupported(`local.${name}`)
    let v = interpolate(config, locals[name], { vars: scope.vars })
    // local.x[0], local.x.key: into the evaluated value.
    for (const st of n.steps.slice(1)) {
      if ('splat' in st) throw new Unsupported(`local.${name}[*]`)
      const key = 'attr' in st ? st.attr : evalNode(config, st.index, scope)
      if (v === null || typeof v !== 'object') throw new CallFailed(`local.${name}: no ${String(key)} in ${JSON.stringify(v)}`)
      v = (v as Record<string, unknown>)[String(key)]
    }
    return v
  }
  if (n.root === 'each' && attr(0) === 'key' && scope.eachKey !== undefined) return scope.eachKey
  if (n.root === 'count' && attr(0) === 'index' && scope.countIndex !== undefined) return scope.countIndex
  if (n.root === 'data') {
    const path = [attr(0), attr(1), attr(2)].join('.')
    if (path === 'aws_partition.current.partition') return 'aws'
    if (path === 'aws_caller_identity.current.account_id') return '123456789012'
    return renderRef('data', rest(0))
  }
  const iterator = scope.iterators?.[n.root]
  if (iterator) {
    const which = attr(0)
    if ((which === 'value' || which === 'key') && n.steps.length === 1) return iterator[which]
    throw new Unsupported(`${n.root}.${which ?? ''}`)
  }
  const resource = config.resource[n.root]?.[attr(0) ?? '']?.[0]
  if (resource) {
    const splat = n.steps[1]
    if (splat && 'splat' in splat) {
      // type.name[*].attr: one value per instance (count or for_each).
      return instanceKeys(config, resource, scope).map((key) => renderRef(n.root, [`.${attr(0) as string}`, `[${JSON.stringify(key)}]`, ...rest(2)]))
    }
    return renderRef(n.root, rest(0))
  }
  throw new Unsupported(`${n.root}${rest(0).join('')}`)
}

/** The `${...}` parts of a template string, with balanced braces (a quoted template inside one stays in it). */
function templateParts(value: string): ({ text: string } | { expr: string; whole: string })[] {
  const out: ({ text: string } | { expr: string; whole: string })[] = []
  let i = 0
  while (i < value.length) {
    const at = value.indexOf('${', i)
    if (at < 0) {
      out.push({ text: value.slice(i) })
      break
    }
    if (at > i) out.push({ text: value.slice(i, at) })
    let depth = 1
    let j = at + 2
    let quoted = false
    for (; j < value.length && depth > 0; j++) {
      const c = value[j]
      if (quoted) {
        if (c === '\\') j++
        else if (c === '"') quoted = false
        else if (c === '$' && value[j + 1] === '{') {
          depth++
          j++
        }
      } else if (c === '"') quoted = true
      else if (c === '{') depth++
      else if (c === '}') depth--
    }
    out.push({ expr: value.slice(at + 2, j - 1), whole: value.slice(at, j) })
    i = j
  }
  return out
}

/**
 * Evaluates the expressions of the example, as Terraform would with the variables' defaults (or `vars`):
 * var.x, local.x, each.key, count.index, the partition and account data sources (aws, 123456789012), ==, !=,
 * &&, ||, !, ?:, lists, toset(), contains(), split(), element(), format(), regex(), try() and can(); a string that is one `${...}` gives the expression's value
 * (a boolean, a number, a list), one with text around its `${...}` parts a string. Resource attributes stay
 * as written (`${aws_lb_target_group.app.arn}`), and so does any expression this does not model
 * (`${filebase64("${path.module}/...")}`). Dynamic blocks are expanded with their iterator (`x.value`).
 */
export function interpolate(config: TerraformConfig, value: unknown, scope: Scope = {}): unknown {
  if (typeof value === 'string') {
    const parts = templateParts(value)
    const one = parts.length === 1 ? parts[0] : undefined
    if (one && 'expr' in one) {
      try {
        return evalNode(config, parseExpression(one.expr), scope)
      } catch (e) {
        if (e instanceof Unsupported) return value
        throw e
      }
    }
    return parts
      .map((p) => {
        if ('text' in p) return p.text
        try {
          const v = evalNode(config, parseExpression(p.expr), scope)
          if (typeof v === 'object' && v !== null) throw new Unsupported(`a ${typeof v} inside a string`)
          return String(v)
        } catch (e) {
          if (e instanceof Unsupported) return p.whole
          throw e
        }
      })
      .join('')
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(config, v, scope))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (k !== 'dynamic') out[k] = interpolate(config, v, scope)
    // dynamic "name" { for_each = ..., content { ... } }: after the static blocks of that name.
    for (const [name, specs] of Object.entries(((value as Block).dynamic ?? {}) as Record<string, Block[]>)) {
      for (const spec of specs) {
        const each = interpolate(config, spec.for_each, scope)
        if (typeof each === 'string') throw new Error(`dynamic "${name}": for_each ${each} is not evaluated`)
        const entries = Array.isArray(each) ? each.map((v, i) => [i, v] as const) : Object.entries(each as object)
        const blocks = entries.map(([key, v]) => interpolate(config, (spec.content as Block[])[0], { ...scope, iterators: { ...scope.iterators, [name]: { key, value: v } } }))
        out[name] = [...((out[name] as unknown[] | undefined) ?? []), ...blocks]
      }
    }
    return out
  }
  return value
}

/** Each instance of every resource of a type, evaluated (count, for_each, dynamic blocks), as `type.name[key]` → block. */
export function instancesOf(config: TerraformConfig, type: string, vars: Record<string, string> = {}): Record<string, Block> {
  const out: Record<string, Block> = {}
  for (const [name, [block]] of Object.entries(config.resource[type] ?? {})) {
    for (const key of instanceKeys(config, block, { vars })) {
      const scope: Scope = { vars, ...(typeof key === 'number' ? { countIndex: key } : {}), ...(typeof key === 'string' ? { eachKey: key } : {}) }
      const { count: _c, for_each: _f, ...rest } = block
      out[`${type}.${name}${key === undefined ? '' : `[${JSON.stringify(key)}]`}`] = interpolate(config, rest, scope) as Block
    }
  }
  return out
}

/** The keys of a `for_each = toset([...])` of string literals, or [undefined] for a single resource. */
export function forEachKeys(block: Block): (string | undefined)[] {
  const fe = block.for_each
  if (fe === undefined) return [undefined]
  const m = String(fe).match(/^\$\{toset\(\[(.*)\]\)\}$/)
  if (!m) throw new Error(`for_each ${String(fe)} is not a toset([...]) of literals`)
  return (m[1] as string).split(',').map((s) => s.trim().replace(/^"|"$/g, ''))
}

/** An `aws_iam_policy_document` data source as the JSON policy it renders (with the variables' defaults, or `vars`). */
export function policyDocument(config: TerraformConfig, name: string, vars: Record<string, string> = {}): PolicyDocument {
  const doc = config.data.aws_iam_policy_document?.[name]?.[0]
  if (!doc) throw new Error(`no data.aws_iam_policy_document.${name}`)
  const statements = (doc.statement ?? []) as Block[]
  return {
    Version: '2012-10-17',
    Statement: statements.map((raw) => {
      const s = interpolate(config, raw, { vars }) as Block
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
  // Instances Auto Scaling registered (the groups' target_group_arns), not Terraform's: it declares no attachment.
  DeregisterTargets: { instancesOnly: true },
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
