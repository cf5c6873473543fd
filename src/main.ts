// The imperative shell: inputs → clients → run the mode → outputs, summary, annotations.
import * as core from '@actions/core'
import { AwsFleet } from './aws/fleet.js'
import { type ClientOverrides, createClients, destroyClients } from './aws/clients.js'
import { type Clock, systemClock } from './clock.js'
import { type Config, type RoleConfig, readConfig } from './config.js'
import type { Logger } from './execute.js'
import { octokitPort } from './github/api.js'
import { GitHubIntegration } from './github/integration.js'
import { encodeRelease } from './github/release.js'
import { type OidcCredentialsProvider, oidcCredentials } from './aws/credentials.js'
import { InputError, errorMessage } from './errors.js'
import { type RunResult, assertNoRefusals, runMode } from './modes.js'
import { describeStep } from './domain/steps.js'
import { Outputs, outputsOf } from './report/outputs.js'
import { esc, renderSummary } from './report/summary.js'

export interface MainDeps {
  getInput?: (name: string) => string
  env?: Record<string, string | undefined>
  clock?: Clock
  /** Extra SDK client settings: credentials, or the simulator's request handler in tests. */
  clientOverrides?: ClientOverrides
  signal?: AbortSignal
}

export async function run(deps: MainDeps = {}): Promise<RunResult | undefined> {
  let result: RunResult | undefined
  try {
    const config = readConfig(deps.getInput ?? ((name) => core.getInput(name)), deps.env ?? process.env)
    const clock = deps.clock ?? systemClock
    const credentials = config.role ? roleCredentials(config.role, config.region, deps.clientOverrides) : undefined
    // Assume the role up front: a trust-policy refusal is reported before anything else happens.
    if (credentials) await credentials()
    // With step debug logging on (ACTIONS_STEP_DEBUG), the SDK logs every AWS call with its input and output.
    const debug = core.isDebug() ? { logger: sdkLogger } : {}
    const clients = createClients(config.region, { ...debug, ...deps.clientOverrides, ...(credentials ? { credentials } : {}) })
    try {
      const fleet = new AwsFleet(clients, clock, (line) => core.info(line))
      const log: Logger = {
        info: (l) => core.info(l),
        warning: (l) => core.warning(l),
        group: (name, fn) => core.group(name, fn)
      }
      const withRelease = config.github.sha
        ? { ...config, releaseTag: encodeRelease({ commit: config.github.sha, actor: config.github.actor || 'unknown', at: new Date(clock.now()).toISOString(), run: config.runUrl }) }
        : config
      const github = githubIntegration(withRelease, log)
      core.info(`${config.mode}${config.dryRun ? ' (dry run)' : ''} of ${config.imageName} in groups starting with ${config.prefix}, ${config.region}; run ${config.runUrl}`)
      result = await runMode(withRelease, { fleet, clock, log, signal: deps.signal, github })
    } finally {
      destroyClients(clients)
      credentials?.destroy()
    }
    await report(result)
    assertNoRefusals(result)
    const failed = result.outcomes.filter((o) => o.error)
    if (failed.length > 0) {
      // Each pair's reason is already an annotation of its own; the step's failure names them.
      const which = failed.map((o) => `${o.base} (${o.state})`).join(', ')
      core.setFailed(`${config.mode} failed for ${failed.length} of ${result.outcomes.length} pair(s): ${which}. See the annotations above and the job summary.`)
    }
  } catch (err) {
    core.setFailed(errorMessage(err))
    if (!result) await reportEarlyFailure(err)
  }
  return result
}

const sdkLogger = {
  trace: () => {},
  debug: (...content: unknown[]) => core.debug(content.map(String).join(' ')),
  info: (...content: unknown[]) => core.debug(`AWS ${content.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join(' ')}`),
  warn: (...content: unknown[]) => core.warning(content.map(String).join(' ')),
  error: (...content: unknown[]) => core.debug(content.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join(' '))
}

/** GitHub's own API, when a token is given (the default in action.yml is the job's GITHUB_TOKEN). */
function githubIntegration(config: Config, log: Logger): GitHubIntegration | undefined {
  const g = config.github
  if (!g.token || !g.repository) return undefined
  return new GitHubIntegration(octokitPort(g.token, g.repository, g.apiUrl || undefined), {
    repository: g.repository,
    sha: g.sha,
    runUrl: config.runUrl,
    mode: config.mode,
    version: config.version,
    environment: g.deploymentEnvironment,
    allowOlderCommit: g.allowOlderCommit
  }, log)
}

/** GitHub OIDC token → STS AssumeRoleWithWebIdentity, refreshed by the SDK before the session ends. */
function roleCredentials(role: RoleConfig, region: string, overrides: ClientOverrides = {}): OidcCredentialsProvider {
  const { credentials: _ambient, ...stsClientConfig } = overrides
  return oidcCredentials({
    roleArn: role.arn,
    audience: role.audience,
    sessionName: role.sessionName,
    durationSeconds: role.durationSeconds,
    region,
    getIdToken: (audience) => core.getIDToken(audience),
    mask: (secret) => core.setSecret(secret),
    log: (line) => core.info(line),
    ...(Object.keys(stsClientConfig).length > 0 ? { stsClientConfig } : {})
  })
}

/** A run that stopped before it could look at AWS still leaves a state and a summary for later steps. */
async function reportEarlyFailure(err: unknown): Promise<void> {
  core.setOutput(Outputs.state, err instanceof InputError ? 'invalid-input' : 'failed')
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const md = `## Blue/green: stopped before any change\n\n${esc(errorMessage(err))}\n`
  await core.summary
    .addRaw(md)
    .write()
    .catch(() => undefined)
}

async function report(result: RunResult): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(result))) core.setOutput(name, value)
  for (const o of result.outcomes) {
    if (o.notice) core.notice(o.notice, { title: `${o.base}: nothing to do` })
    if (o.error) core.error(o.error, { title: `${o.base}: ${result.config.mode} ${o.state}` })
    if (o.plan.length > 0 && (result.config.dryRun || o.state === 'refused')) {
      core.startGroup(`${o.base}: plan (${o.plan.length} steps${result.config.dryRun ? ', dry run: nothing was changed' : ', not run'})`)
      o.plan.forEach((s, i) => core.info(`${i + 1}. ${describeStep(s)}`))
      core.endGroup()
    }
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    // Written on failure too: the summary is how a failed run explains itself.
    try {
      await core.summary.addRaw(renderSummary(result)).write()
    } catch (err) {
      core.warning(`Could not write the job summary: ${errorMessage(err)}`)
    }
  } else {
    core.info(renderSummary(result))
  }
}
