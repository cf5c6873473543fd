// The imperative shell: inputs → clients → run the mode → outputs, summary, annotations.
import * as core from '@actions/core'
import { AwsFleet } from './aws/fleet.js'
import { type ClientOverrides, createClients } from './aws/clients.js'
import { type Clock, systemClock } from './clock.js'
import { readConfig } from './config/read.js'
import { MODE_RULES } from './domain/modes.js'
import type { Config, RoleConfig } from './config/types.js'
import { octokitPort } from './github/api.js'
import { GitHubIntegration } from './github/integration.js'
import { encodeRelease } from './github/release.js'
import { type OidcCredentialsProvider, oidcCredentials } from './credentials/provider.js'
import { errorMessage } from './errors.js'
import type { Logger } from './log.js'
import { runMode } from './run/run-mode.js'
import { type RunResult, assertNoRefusals } from './run/result.js'
import { report, reportEarlyFailure, sdkLogger } from './report/publish.js'
import { resultLines } from './report/verdict.js'

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
    const config = readConfig(deps.getInput ?? core, deps.env ?? process.env)
    const clock = deps.clock ?? systemClock
    const credentials = config.role ? roleCredentials(config.role, config.region, clock, deps.clientOverrides) : undefined
    // Assume the role up front: a trust-policy refusal is reported before anything else happens.
    if (credentials) await credentials()
    // With step debug logging on (ACTIONS_STEP_DEBUG), the SDK logs every AWS call with its input and output.
    const debug = core.isDebug() ? { logger: sdkLogger } : {}
    const clients = createClients(config.region, clock, { ...debug, ...deps.clientOverrides, ...(credentials ? { credentials } : {}) })
    try {
      const fleet = new AwsFleet(clients, clock, (line) => core.info(line), { watchRefreshes: MODE_RULES[config.mode].refusesRefreshMidRun })
      const log: Logger = {
        info: (l) => core.info(l),
        warning: (l) => core.warning(l),
        group: (name, fn) => core.group(name, fn),
        section: foldedSections()
      }
      const withRelease = config.github.sha
        ? { ...config, releaseTag: encodeRelease({ commit: config.github.sha, actor: config.github.actor || 'unknown', at: new Date(clock.now()).toISOString(), run: config.runUrl }) }
        : config
      // The run's hooks: GitHub's answers, wired here so the run knows only the interface.
      const hooks = githubIntegration(withRelease, log)
      core.info(`${config.mode}${config.dryRun ? ' (dry run)' : ''} of ${config.imageName} in groups starting with ${config.prefix}, ${config.region}; run ${config.runUrl}`)
      result = await runMode(withRelease, { fleet, clock, log, signal: deps.signal, hooks })
    } finally {
      clients.destroy()
      credentials?.destroy()
    }
    await report(result)
    // The log ends on what the run left: the run's verdict, then each pair's (what `status` is asked for).
    for (const line of resultLines(result)) core.info(line)
    assertNoRefusals(result)
    // Each failed pair is already one annotation of its own (report): the step fails without another.
    if (result.outcomes.some((o) => o.error)) process.exitCode = core.ExitCode.Failure
  } catch (err) {
    core.setFailed(errorMessage(err))
    if (!result) await reportEarlyFailure(err)
  }
  return result
}

/** Log sections one after the other (::group:: cannot nest): opening one ends the one before. */
function foldedSections(): (name: string | undefined) => void {
  let open = false
  return (name) => {
    if (open) core.endGroup()
    open = name !== undefined
    if (name !== undefined) core.startGroup(name)
  }
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
    // A deploy by image without `version` records the image it was given (resolved to an id only later).
    version: config.version || (config.image ? config.image.spec : ''),
    environment: g.deploymentEnvironment,
    allowOlderCommit: g.allowOlderCommit
  }, log)
}

/** GitHub OIDC token → STS AssumeRoleWithWebIdentity, refreshed by the SDK before the session ends. */
function roleCredentials(role: RoleConfig, region: string, clock: Clock, overrides: ClientOverrides = {}): OidcCredentialsProvider {
  const { credentials: _ambient, ...stsClientConfig } = overrides
  return oidcCredentials({
    roleArn: role.arn,
    audience: role.audience,
    sessionName: role.sessionName,
    durationSeconds: role.durationSeconds,
    region,
    clock,
    getIdToken: (audience) => core.getIDToken(audience),
    mask: (secret) => core.setSecret(secret),
    log: (line) => core.info(line),
    ...(Object.keys(stsClientConfig).length > 0 ? { stsClientConfig } : {})
  })
}
