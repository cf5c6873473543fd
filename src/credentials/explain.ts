// Why getting credentials failed, in words a user can act on: a refused token shows the claims it presented
// and the trust-policy condition that would accept them; a job that may not request a token is told the
// permission to add; anything else keeps its AWS name and says how often it was tried.
import { ActionError } from '../errors.js'
import { ID_TOKEN_TOKEN_VAR, ID_TOKEN_URL_VAR, SHOWN_CLAIMS, claimText, missingIdTokenMessage, missingIdTokenVars, missingVarsInError } from './oidc-token.js'
import { type Step, awsCode } from './retry.js'
import { CHINA_AUDIENCE, DEFAULT_AUDIENCE } from './role-inputs.js'

const GITHUB_ISSUER_HOST = 'token.actions.githubusercontent.com'
const REFUSALS = new Set(['AccessDenied', 'AccessDeniedException', 'IDPRejectedClaim', 'InvalidIdentityToken'])

/** Where the last attempt stopped, and the claims of the token it presented (when it got one). */
export interface AttemptState {
  step: Step
  claims: Record<string, unknown> | undefined
}

export interface FailureContext {
  roleArn: string
  audience: string
  attempts: number
  transient: boolean
}

/** The error in one line, with the AWS name users search for. */
export function shortError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const name = awsCode(err)
  return name && name !== 'Error' && !err.message.startsWith(name) ? `${name}: ${err.message}` : err.message
}

/** The error the provider throws for `err`, with `err` as its (non-enumerable) cause. */
export function explain(err: unknown, state: AttemptState, ctx: FailureContext): ActionError {
  const tries = ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : ''
  let out: ActionError
  if (state.step === 'token') {
    // core.getIDToken names only the first variable it misses; the environment tells the whole story.
    const missing = missingVarsInError(err).length > 0 ? union(missingVarsInError(err), missingIdTokenVars(process.env)) : []
    out =
      missing.length > 0
        ? new ActionError(missingIdTokenMessage(missing))
        : new ActionError(`Could not get a GitHub OIDC token for audience "${ctx.audience}"${tries}: ${shortError(err)}`)
  } else {
    const name = err instanceof Error ? awsCode(err) : ''
    if (REFUSALS.has(name)) out = refusal(err as Error, name, state.claims, ctx)
    else if (name === 'ExpiredTokenException') {
      out = new ActionError(
        `ExpiredTokenException: ${(err as Error).message} — STS saw the GitHub OIDC token as expired when assuming ${ctx.roleArn}. ` +
          'Tokens live about 5 minutes and this action requests one right before each AssumeRoleWithWebIdentity, so check the runner clock.'
      )
    } else if (err instanceof ActionError) out = err
    else {
      out = new ActionError(
        `AssumeRoleWithWebIdentity for ${ctx.roleArn} failed${tries}: ${shortError(err)}` +
          (ctx.transient ? ' (a transient error; re-run the job if AWS or GitHub had an incident).' : '')
      )
    }
  }
  if (out !== err) Object.defineProperty(out, 'cause', { value: err, enumerable: false, configurable: true })
  return out
}

function refusal(err: Error, code: string, claims: Record<string, unknown> | undefined, ctx: { roleArn: string; audience: string }): ActionError {
  const lines: string[] = [`${code}: ${err.message} — role ${ctx.roleArn} refused this job's GitHub OIDC token.`]
  if (!claims) {
    lines.push('The token presented could not be decoded (it is not a JWT), so its claims cannot be shown.')
    return new ActionError(lines.join('\n'))
  }
  const shown = SHOWN_CLAIMS.flatMap((k) => {
    const v = claimText(claims, k)
    return v === undefined ? [] : [[k, v] as const]
  })
  lines.push(`Claims presented: ${shown.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}.`)

  const sub = claimText(claims, 'sub') ?? ''
  const aud = claimText(claims, 'aud') ?? ctx.audience
  const repository = claimText(claims, 'repository')
  const environment = claimText(claims, 'environment')
  const iss = claimText(claims, 'iss')
  const host = iss ? iss.replace(/^https:\/\//, '').replace(/\/+$/, '') : GITHUB_ISSUER_HOST
  const account = /:iam::(\d{12}):/.exec(ctx.roleArn)?.[1] ?? 'ACCOUNT'
  const partition = /^arn:(aws[\w-]*):/.exec(ctx.roleArn)?.[1] ?? 'aws'
  const owner = repository ?? 'OWNER/REPO'
  if (partition === 'aws-cn' && aud === DEFAULT_AUDIENCE) {
    lines.push(
      `The role is in the China partition (aws-cn), where the IAM OIDC provider usually lists the audience ${CHINA_AUDIENCE}: ` +
        `set the action's audience input to ${CHINA_AUDIENCE} (and the trust policy's aud condition to match), or add ${DEFAULT_AUDIENCE} to the provider's audiences.`
    )
  }

  if (code === 'InvalidIdentityToken') {
    lines.push(
      `AWS did not accept the token itself: check that account ${account} has an IAM OIDC identity provider for https://${host} ` +
        `whose audiences (client IDs) include "${aud}".`
    )
  } else {
    if (environment !== undefined || sub.includes(':environment:')) {
      lines.push(
        `This job runs in the GitHub environment "${environment ?? sub.split(':environment:')[1]}", so its subject is the environment form ` +
          '`repo:OWNER/REPO:environment:NAME`, not the branch/tag form `repo:OWNER/REPO:ref:refs/heads/BRANCH`. ' +
          'Environment-gated finalize/rollback jobs present this subject: the trust policy must allow it.'
      )
    } else if (sub.includes(':ref:') || sub.endsWith(':pull_request')) {
      lines.push(
        `Note: jobs that use a GitHub environment (e.g. environment-gated finalize/rollback jobs) present \`repo:${owner}:environment:NAME\` ` +
          'instead of this branch/tag subject; allow those subjects too.'
      )
    }
    if (/^repo:[^/:]+@\d+\//.test(sub)) {
      lines.push('This is an immutable subject (owner and repository ids): trust policies written for `repo:OWNER/REPO:…` do not match it.')
    }
    if (aud !== DEFAULT_AUDIENCE) {
      lines.push(`The audience is "${aud}", not ${DEFAULT_AUDIENCE}: the IAM OIDC provider must list it as a client ID.`)
    }
    lines.push(
      'A trust-policy condition that accepts this token:',
      '  "Condition": {',
      '    "StringEquals": {',
      `      "${host}:aud": ${JSON.stringify(aud)},`,
      `      "${host}:sub": ${JSON.stringify(sub)}`,
      '    }',
      '  }',
      `with Principal {"Federated": "arn:${partition}:iam::${account}:oidc-provider/${host}"} and Action "sts:AssumeRoleWithWebIdentity" ` +
        '(to admit several jobs, give StringEquals a list of subjects, e.g. the environment and the branch form; ' +
        `avoid broad StringLike wildcards such as "repo:${owner}:*", which also admit pull-request jobs).`
    )
  }
  return new ActionError(lines.join('\n'))
}

/** The two variables in their usual order, each named once. */
function union(a: string[], b: string[]): string[] {
  return [ID_TOKEN_URL_VAR, ID_TOKEN_TOKEN_VAR].filter((v) => a.includes(v) || b.includes(v))
}
