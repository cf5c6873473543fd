// IAM facts the starter kit's tests compare: the actions the action's code calls (derived from the SDK
// commands it sends), the actions a policy document allows, and whether a trust policy accepts the
// claims of a GitHub OIDC token.
import fs from 'node:fs'
import path from 'node:path'

/** IAM service prefix of each SDK v3 client package the code may import. */
const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-auto-scaling': 'autoscaling',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-elastic-load-balancing': 'elasticloadbalancing',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-sts': 'sts'
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : []
  })
}

/**
 * Every IAM action the code under `dir` performs: each `new <Op>Command(` whose class is imported (not as a
 * type) from an `@aws-sdk/client-*` package, as `<prefix>:<Op>`. An import from a client package this file
 * does not know fails, so a new client cannot slip past the comparison.
 */
export function actionsCalledByCode(dir = 'src'): { actions: string[]; byFile: Record<string, string[]> } {
  const all = new Set<string>()
  const byFile: Record<string, string[]> = {}
  for (const file of tsFiles(dir)) {
    const text = fs.readFileSync(file, 'utf8')
    for (const m of text.matchAll(/import\s*(type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[^']+)'/g)) {
      if (m[1]) continue
      const pkg = m[3] as string
      const prefix = IAM_PREFIX[pkg]
      if (!prefix) throw new Error(`${file} imports ${pkg}, whose IAM prefix test-support/starter/iam.ts does not know`)
      for (const raw of (m[2] as string).split(',')) {
        const name = raw.trim()
        if (!name || name.startsWith('type ')) continue
        // `new XCommand(` sends X once; `paginateX(` sends X once per page (the SDK's paginators).
        const command = name.match(/^(\w+)Command$/)?.[1]
        const paginated = name.match(/^paginate(\w+)$/)?.[1]
        const op = command ?? paginated
        const call = command ? `new\\s+${name}\\s*\\(` : `\\b${name}\\s*\\(`
        if (!op || !new RegExp(call).test(text.replace(m[0], ''))) continue
        const action = `${prefix}:${op}`
        all.add(action)
        ;(byFile[file] ??= []).push(action)
      }
    }
  }
  // Clients loaded on first use (src/aws/clients.ts: `ec2: lazy(() => import('@aws-sdk/client-ec2'), ...)`),
  // called as `const { client, api } = await aws.clients.ec2()` ... `new api.<Op>Command(` or `api.paginate<Op>(`.
  const lazy = new Map<string, string>()
  for (const file of tsFiles(dir)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(\w+):\s*lazy\(\s*\(\)\s*=>\s*import\('(@aws-sdk\/client-[^']+)'\)/g)) lazy.set(m[1] as string, m[2] as string)
  }
  for (const file of tsFiles(dir)) {
    const text = fs.readFileSync(file, 'utf8')
    const used = [...new Set([...text.matchAll(/await\s+(?:[\w.]+\.)?clients\.(\w+)\(\)/g)].map((m) => m[1] as string))].filter((a) => lazy.has(a))
    if (used.length === 0) continue
    if (used.length > 1) throw new Error(`${file} loads several lazy clients (${used.join(', ')}); test-support/starter/iam.ts cannot tell their commands apart`)
    const pkg = lazy.get(used[0] as string) as string
    const prefix = IAM_PREFIX[pkg]
    if (!prefix) throw new Error(`${file} loads ${pkg}, whose IAM prefix test-support/starter/iam.ts does not know`)
    for (const m of text.matchAll(/new\s+api\.(\w+)Command\s*\(|\bapi\.paginate(\w+)\s*\(/g)) {
      const action = `${prefix}:${m[1] ?? m[2]}`
      all.add(action)
      ;(byFile[file] ??= []).push(action)
    }
  }
  return { actions: [...all].sort(), byFile }
}

interface Statement {
  Sid?: string
  Effect: string
  Action: string | string[]
  Resource?: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
  Principal?: Record<string, string | string[]>
}

export interface PolicyDocument {
  Version?: string
  Statement: Statement[]
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** The actions every Allow statement of the document names (sorted, no duplicates). */
export function allowedActions(doc: PolicyDocument): string[] {
  return [...new Set(doc.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)))].sort()
}

export function statementFor(doc: PolicyDocument, action: string): Statement | undefined {
  return doc.Statement.find((s) => s.Effect === 'Allow' && list(s.Action).includes(action))
}

/** The JSON policy in the first ```json block after `heading` in a Markdown file. */
export function policyInMarkdown(file: string, heading: string): PolicyDocument {
  const text = fs.readFileSync(file, 'utf8')
  const at = text.indexOf(heading)
  if (at < 0) throw new Error(`${file}: no heading ${heading}`)
  const block = text.slice(at).match(/```json\n([\s\S]*?)```/)?.[1]
  if (!block) throw new Error(`${file}: no json block after ${heading}`)
  return JSON.parse(block) as PolicyDocument
}

/** IAM's StringLike: `*` any run of characters, `?` one character. */
function like(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`)
  return re.test(value)
}

/**
 * Whether a trust policy lets a web identity with these claims (`aud`, `sub`) assume the role: some Allow
 * statement for sts:AssumeRoleWithWebIdentity from `provider` whose every condition holds (StringEquals,
 * StringLike; several values = any of them; a key the claims lack fails).
 */
export function trustAccepts(doc: PolicyDocument, provider: string, claims: Record<string, string>): boolean {
  return doc.Statement.some((s) => {
    if (s.Effect !== 'Allow' || !list(s.Action).includes('sts:AssumeRoleWithWebIdentity')) return false
    if (!list(s.Principal?.Federated).includes(provider)) return false
    return Object.entries(s.Condition ?? {}).every(([op, keys]) =>
      Object.entries(keys).every(([key, values]) => {
        const claim = claims[key.replace(/^token\.actions\.githubusercontent\.com:/, '')]
        if (claim === undefined) return false
        if (op === 'StringEquals') return list(values).includes(claim)
        if (op === 'StringLike') return list(values).some((p) => like(p, claim))
        throw new Error(`trust policy: condition operator ${op} is not modelled`)
      })
    )
  })
}

/** The AWS CLI's ecr commands that are not named after their API operation (AWS CLI reference, ecr). */
const ECR_CLI_OPERATION: Record<string, string> = { 'get-login-password': 'GetAuthorizationToken' }

/**
 * The IAM actions the boot script needs: the Auto Scaling operations it calls through its `asg` function,
 * and, for an ECR registry (`ecr: true`), the ECR operations it calls through its `ecr` function plus what
 * `docker pull` from ECR calls on the repository (BatchGetImage for the manifest, GetDownloadUrlForLayer for
 * the layers; ECR user guide, "Amazon ECR managed policies", AmazonEC2ContainerRegistryPullOnly).
 */
export function bootScriptActions(script: string, o: { ecr?: boolean } = {}): string[] {
  const pascal = (op: string): string => op.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')
  const asg = [...script.matchAll(/^\s*[A-Z_]+=\$\(asg ([a-z-]+)/gm)].map((m) => `autoscaling:${pascal(m[1] as string)}`)
  const ecr = [...script.matchAll(/^\s*ecr ([a-z-]+)/gm)].map((m) => `ecr:${ECR_CLI_OPERATION[m[1] as string] ?? pascal(m[1] as string)}`)
  const pulls = /^\s*docker pull /m.test(script) ? ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] : []
  return [...new Set([...asg, ...(o.ecr ? [...ecr, ...pulls] : [])])].sort()
}

/**
 * IAM resource matching, as far as the kit's policies need it: an ARN against a Resource pattern, `*` any
 * run of characters, `?` one character, case-sensitive. Not modelled: where IAM stops a `*` in the middle
 * of an ARN segment at the next colon (the kit's patterns end in their only `*`).
 */
export function resourceMatches(pattern: string, arn: string): boolean {
  return like(pattern, arn)
}

/** IAM action matching: exact, or with `*` / `?` wildcards (`ec2:*`, `*`); case-insensitive, as IAM. */
function actionMatches(pattern: string, action: string): boolean {
  return like(pattern.toLowerCase(), action.toLowerCase())
}

/**
 * Whether some Allow statement of the documents lets `action` happen with this request context (condition
 * key → value; keys are case-insensitive, as in IAM). StringEquals and StringLike only; a condition on a
 * key the context lacks fails (how IAM evaluates them for a request without that key, e.g. a CreateTags
 * call of its own has no `ec2:CreateAction`). Resources are not matched. A Deny statement is not modelled:
 * it throws rather than answer wrongly.
 */
export function allows(docs: PolicyDocument[], action: string, context: Record<string, string>): boolean {
  const ctx = Object.fromEntries(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]))
  return docs.some((doc) =>
    doc.Statement.some((s) => {
      if (s.Effect === 'Deny') throw new Error(`allows: Deny statements are not modelled (${s.Sid ?? 'a statement'})`)
      if (s.Effect !== 'Allow' || !list(s.Action).some((p) => actionMatches(p, action))) return false
      return Object.entries(s.Condition ?? {}).every(([op, keys]) =>
        Object.entries(keys).every(([key, values]) => {
          const value = ctx[key.toLowerCase()]
          if (value === undefined) return false
          if (op === 'StringEquals') return list(values).includes(value)
          if (op === 'StringLike') return list(values).some((p) => like(p, value))
          throw new Error(`allows: condition operator ${op} is not modelled`)
        })
      )
    })
  )
}
