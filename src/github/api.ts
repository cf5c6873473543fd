// The few GitHub REST calls the action makes, behind a narrow port (tests use a loopback fake).

export interface GitHubPort {
  /** How `head` relates to `base`: 'ahead', 'behind', 'identical' or 'diverged'. */
  compare(base: string, head: string): Promise<string>
  /** A workflow run's status ('queued', 'in_progress', 'completed', …). */
  runStatus(runId: string): Promise<string>
  createDeployment(d: { ref: string; environment: string; description: string; payload: Record<string, unknown> }): Promise<number>
  setDeploymentStatus(id: number, s: { state: 'in_progress' | 'success' | 'failure' | 'error' | 'inactive'; description: string; logUrl: string }): Promise<void>
  latestDeployment(environment: string): Promise<{ id: number; ref: string } | undefined>
}

export function octokitPort(token: string, repository: string, apiUrl: string | undefined): GitHubPort {
  // Loaded on first use (after the first AWS calls): Octokit is a large part of start-up.
  let client: Promise<ReturnType<typeof import('@actions/github').getOctokit>> | undefined
  const rest = async () => (await (client ??= import('@actions/github').then((m) => m.getOctokit(token, apiUrl ? { baseUrl: apiUrl } : {})))).rest
  const [owner, repo] = repository.split('/') as [string, string]
  return {
    async compare(base, head) {
      const r = await (await rest()).repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 1 })
      return r.data.status
    },
    async runStatus(runId) {
      const r = await (await rest()).actions.getWorkflowRun({ owner, repo, run_id: Number(runId) })
      return r.data.status ?? 'unknown'
    },
    async createDeployment(d) {
      const r = await (await rest()).repos.createDeployment({
        owner,
        repo,
        ref: d.ref,
        environment: d.environment,
        description: d.description.slice(0, 140),
        payload: d.payload as Record<string, string>,
        auto_merge: false,
        required_contexts: []
      })
      if (!('id' in r.data)) throw new Error(`GitHub did not create the deployment: ${JSON.stringify(r.data).slice(0, 200)}`)
      return r.data.id
    },
    async setDeploymentStatus(id, s) {
      await (await rest()).repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: s.state,
        description: s.description.slice(0, 140),
        log_url: s.logUrl,
        auto_inactive: true
      })
    },
    async latestDeployment(environment) {
      const r = await (await rest()).repos.listDeployments({ owner, repo, environment, per_page: 1 })
      const d = r.data[0]
      return d ? { id: d.id, ref: d.ref } : undefined
    }
  }
}
