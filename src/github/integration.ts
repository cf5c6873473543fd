// What the action does with GitHub itself (optional, needs `github-token`): refuse to deploy an older
// commit over a newer one, record deployments on the environment, and ask whether a lock's run is over.
// GitHub being unreachable never fails a run: these degrade to warnings.
import { errorMessage } from '../errors.js'
import type { Logger } from '../log.js'
import { RELEASE_TAG } from '../domain/markers.js'
import type { Mode, Pair } from '../domain/model.js'
import { MODE_RULES } from '../domain/modes.js'
import { classify } from '../domain/phase.js'
import type { RunHooks } from '../run/hooks.js'
import type { PairOutcome, RunResult } from '../run/result.js'
import type { GitHubPort } from './api.js'
import { decodeRelease, describeRelease } from './release.js'

export interface GitHubSettings {
  repository: string
  sha: string
  runUrl: string
  mode: Mode
  version: string
  environment: string
  allowOlderCommit: boolean
}

/** The run's hooks, answered by GitHub. */
export class GitHubIntegration implements RunHooks {
  private deploymentId: number | undefined

  constructor(
    private readonly gh: GitHubPort,
    private readonly s: GitHubSettings,
    private readonly log: Logger
  ) {}

  /** Out-of-order protection: deploying a commit that the live commit already contains goes back in time. */
  async orderRefusals(pairs: Pair[]): Promise<string[]> {
    if (!MODE_RULES[this.s.mode].checksCommitOrder || this.s.allowOlderCommit || !this.s.sha) return []
    const refusals: string[] = []
    for (const pair of pairs) {
      const phase = classify(pair)
      if (phase.kind !== 'at-rest') continue
      const live = decodeRelease(phase.live.tags[RELEASE_TAG])
      if (!live || live.commit === this.s.sha) continue
      try {
        const status = await this.gh.compare(live.commit, this.s.sha)
        if (status === 'behind') {
          refusals.push(
            `${pair.base}: commit ${this.s.sha.slice(0, 7)} is older than the live commit ${live.commit.slice(0, 7)} (${describeRelease(phase.live.tags[RELEASE_TAG])}): ` +
              'this looks like an old release re-run by mistake. To go back on purpose, set allow-older-commit: true (or use mode: rollback while the previous version waits in standby).'
          )
        }
      } catch (err) {
        this.log.warning(`${pair.base}: could not compare ${this.s.sha.slice(0, 7)} with the live commit ${live.commit.slice(0, 7)} on GitHub (${errorMessage(err)}); deploying without the out-of-order check.`)
      }
    }
    return refusals
  }

  /** True when the lock's holder is a run of this repository that GitHub reports completed. */
  async isRunOver(runUrl: string): Promise<boolean> {
    const m = /\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)/.exec(runUrl)
    if (!m || m[1] !== this.s.repository) return false
    try {
      return (await this.gh.runStatus(m[2] as string)) === 'completed'
    } catch (err) {
      this.log.warning(`Could not ask GitHub whether ${runUrl} is over: ${errorMessage(err)}`)
      return false
    }
  }

  async started(outcomes: PairOutcome[]): Promise<void> {
    if (!this.s.environment || !MODE_RULES[this.s.mode].writes) return
    await this.quietly('record the deployment start', async () => {
      if (this.s.mode === 'finalize') {
        this.deploymentId = (await this.gh.latestDeployment(this.s.environment))?.id
      } else {
        const ref = this.s.mode === 'rollback' ? (restoredCommit(outcomes) ?? this.s.sha) : this.s.sha
        this.deploymentId = await this.gh.createDeployment({
          ref,
          environment: this.s.environment,
          description: MODE_RULES[this.s.mode].deployLike ? `${this.s.mode} ${this.s.version}` : 'rollback',
          payload: { mode: this.s.mode, version: this.s.version, pairs: outcomes.map((o) => o.base) }
        })
      }
      if (this.deploymentId !== undefined) {
        await this.gh.setDeploymentStatus(this.deploymentId, { state: 'in_progress', description: `${this.s.mode} running`, logUrl: this.s.runUrl })
      }
    })
  }

  async finished(result: RunResult): Promise<void> {
    const id = this.deploymentId
    if (id === undefined) return
    const failed = result.outcomes.filter((o) => o.error)
    const states = [...new Set(result.outcomes.map((o) => o.state))].join(', ')
    await this.quietly('record the deployment result', () =>
      this.gh.setDeploymentStatus(id, {
        state: failed.length > 0 ? 'failure' : 'success',
        description: failed.length > 0 ? `${this.s.mode} failed: ${states}` : `${this.s.mode}: ${states}`,
        logUrl: this.s.runUrl
      })
    )
  }

  private async quietly(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn()
    } catch (err) {
      this.log.warning(`Could not ${what} on GitHub (environment ${this.s.environment}): ${errorMessage(err)}. The AWS side is unaffected.`)
    }
  }
}

/** The commit a rollback brings back: the one recorded on the group that served before cutover. */
function restoredCommit(outcomes: PairOutcome[]): string | undefined {
  for (const o of outcomes) {
    const phase = classify(o.before)
    const group = phase.kind === 'cut-over' ? phase.previous : phase.kind === 'deploying' ? phase.live : undefined
    const release = decodeRelease(group?.tags[RELEASE_TAG])
    if (release) return release.commit
  }
  return undefined
}
