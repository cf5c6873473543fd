// docs/github-setup.md's two trust policies (§2: the name form, and the immutable form under "Immutable
// subjects"), evaluated as STS would for the example workflows' jobs: each accepts its own repository's
// jobs in its form, and refuses the other form, other ids, other repositories, other refs and environments.
// And §3 keeps no copy of the permissions policy: it links to the README's.
import fs from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { policyInMarkdown, trustAccepts, type PolicyDocument } from '../../test-support/starter/iam.js'

const GUIDE = 'docs/github-setup.md'
const provider = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
const accepts = (doc: PolicyDocument, sub: string): boolean => trustAccepts(doc, provider, { sub, aud: 'sts.amazonaws.com' })
const JOBS = [':ref:refs/tags/v1.4.0', ':ref:refs/heads/main', ':environment:production-finalize', ':environment:production-rollback']
const REFUSED = [':ref:refs/heads/feature', ':pull_request', ':environment:staging']

describe('docs/github-setup.md', () => {
  it('§2: the name-form trust policy takes the example jobs of OWNER/REPO, and nobody else', () => {
    const doc = policyInMarkdown(GUIDE, '## 2. The role and its trust policy')
    for (const j of JOBS) expect(accepts(doc, `repo:OWNER/REPO${j}`)).toBe(true)
    for (const j of REFUSED) expect(accepts(doc, `repo:OWNER/REPO${j}`)).toBe(false)
    expect(accepts(doc, 'repo:OTHER/REPO:ref:refs/tags/v1.4.0')).toBe(false)
    expect(accepts(doc, 'repo:OWNER@111111/REPO@222222222:ref:refs/tags/v1.4.0')).toBe(false)
  })

  it('immutable subjects: the trust policy takes the example jobs of OWNER@111111/REPO@222222222 only', () => {
    const doc = policyInMarkdown(GUIDE, '### Immutable subjects')
    const me = 'repo:OWNER@111111/REPO@222222222'
    for (const j of JOBS) expect(accepts(doc, me + j)).toBe(true)
    for (const j of REFUSED) expect(accepts(doc, me + j)).toBe(false)
    for (const other of ['repo:OWNER/REPO', 'repo:OWNER@111111/REPO@333333333', 'repo:OWNER@999999/REPO@222222222', 'repo:OTHER@111111/REPO@222222222']) {
      for (const j of JOBS) expect(accepts(doc, other + j)).toBe(false)
    }
    // The two documents differ only in the subject prefix.
    const named = JSON.stringify(policyInMarkdown(GUIDE, '## 2. The role and its trust policy'))
    expect(JSON.stringify(doc)).toBe(named.replaceAll('repo:OWNER/REPO:', `${me}:`))
  })

  it('tells how to read the ids (GET /repos/OWNER/REPO: .owner.id and .id) and which stack parameters take them', () => {
    const text = fs.readFileSync(GUIDE, 'utf8')
    expect(text).toContain("gh api repos/OWNER/REPO --jq '.owner.id, .id'")
    for (const name of ['GitHubOwnerId', 'GitHubRepositoryId', 'github_owner_id', 'github_repository_id']) expect(text).toContain(name)
  })

  it('§3 links to the README\'s permissions policy instead of keeping a copy, and uses the new input names', () => {
    const text = fs.readFileSync(GUIDE, 'utf8')
    const s3 = text.slice(text.indexOf('## 3. The permissions policy'), text.indexOf('## 4.'))
    expect(s3).toContain('[IAM permissions](../README.md#iam-permissions)')
    expect(s3).not.toContain('```json')
    expect(text).not.toMatch(/`image-name`|image-name-tag-key|boot-time/)
  })
})
