// The part of a run that needs AWS and GitHub, loaded by main.ts only once the inputs are read and valid: a
// refused input never loads the AWS SDK's client modules (most of the bundle's start-up time).
import * as core from '@actions/core'
import { AwsFleet } from './aws/fleet.js'
import { type ClientOverrides, createClients } from './aws/clients.js'
import type { Clock } from './clock.js'
import { MODE_RULES } from './domain/modes.js'
import type { Config, RoleConfig } from './config/types.js'
import { octokitPort } from './github/api.js'
import { GitHubIntegration } from './github/integration.js'
import { encodeRelease } from './github/release.js'
import type { OidcCredentialsProvider } from './credentials/provider.js'
import type { Logger } from './log.js'
import { runMode } from './run/run-mode.js'
import type { RunResult } from './run/result.js'
import { sdkLogger } from './report/publish.js'

export interface SessionDeps {
  clock: Clock
  /** Extra SDK client settings: credentials, or the simulator's request handler in tests. */
  clientOverrides?: ClientOverrides
  signal?: AbortSignal
}

/** Credentials → clients → the mode's run; the clients are closed however it ends. */
export async function runSession(config: Config, deps: SessionDeps): Promise<RunResult> {
  const { clock } = deps
  const credentials = config.role ? await roleCredentials(config.role, config.region, clock, deps.clientOverrides) : undefined
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
    return await runMode(withRelease, { fleet, clock, log, signal: deps.signal, hooks })
  } finally {
    clients.destroy()
    credentials?.destroy()
  }
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

/**
 * GitHub OIDC token → STS AssumeRoleWithWebIdentity, refreshed by the SDK before the session ends. The STS
 * client's module is loaded only here: a run on the runner's own credentials never loads it.
 */
async function roleCredentials(role: RoleConfig, region: string, clock: Clock, overrides: ClientOverrides = {}): Promise<OidcCredentialsProvider> {
  const { oidcCredentials } = await clock.busyWhile(() => import('./credentials/provider.js'))
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
