// Every AWS partition, not only aws / aws-cn / aws-us-gov: regions and role ARNs of each are accepted,
// a role of another partition than the region's is refused before any call, and China's OIDC audience
// is pointed out when STS refuses a China role with the default one.
import { describe, expect, it } from '@jest/globals'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { partitionOf } from '../../src/aws/region.js'
import { oidcCredentials } from '../../src/credentials/provider.js'
import { readConfig } from '../../src/config/read.js'
import { SimWorld } from '../../test-support/world.js'

const base = { mode: 'status', prefix: 'prod-', service: 'web' }
const read = (inputs: Record<string, string>) => readConfig((name) => ({ ...base, ...inputs })[name] ?? '')

/** One region of each partition, the partition the SDK's data puts it in, and a role ARN there. */
const PARTITIONS: [string, string][] = [
  ['us-east-1', 'aws'],
  ['ap-southeast-7', 'aws'],
  ['cn-north-1', 'aws-cn'],
  ['cn-northwest-1', 'aws-cn'],
  ['us-gov-west-1', 'aws-us-gov'],
  ['us-iso-east-1', 'aws-iso'],
  ['us-isob-east-1', 'aws-iso-b'],
  ['eu-isoe-west-1', 'aws-iso-e'],
  ['us-isof-south-1', 'aws-iso-f'],
  ['eusc-de-east-1', 'aws-eusc']
]

describe('regions of every partition', () => {
  it.each(PARTITIONS)('%s is accepted and belongs to %s', (region, partition) => {
    expect(read({ 'aws-region': region }).region).toBe(region)
    expect(partitionOf(region)).toBe(partition)
  })

  it('a region newer than the SDK data still lands in its partition by the partition patterns', () => {
    expect(read({ 'aws-region': 'eusc-de-west-1' }).region).toBe('eusc-de-west-1')
    expect(partitionOf('eusc-de-west-1')).toBe('aws-eusc')
    expect(partitionOf('cn-south-9')).toBe('aws-cn')
    expect(partitionOf('us-isob-west-3')).toBe('aws-iso-b')
  })

  it.each(['Virginia', 'us-east1', 'US-EAST-1', 'aws-global', 'eusc-de-east', 'us_east_1'])('"%s" is refused with examples', (region) => {
    expect(() => read({ 'aws-region': region })).toThrow(
      `Input 'aws-region' is invalid: "${region}". Expected a region name such as "us-east-1", "cn-north-1", "us-gov-west-1" or "eusc-de-east-1".`
    )
  })
})

describe('role ARNs of every partition', () => {
  it.each(PARTITIONS)('in %s a role of %s is accepted', (region, partition) => {
    const arn = `arn:${partition}:iam::123456789012:role/github-deploy`
    expect(read({ 'aws-region': region, 'role-to-assume': arn }).role?.arn).toBe(arn)
  })

  it.each([
    ['eu-central-1', 'arn:aws-cn:iam::123456789012:role/deploy', 'aws-cn', 'aws', 'arn:aws:iam::123456789012:role/deploy'],
    ['cn-north-1', 'arn:aws:iam::123456789012:role/deploy', 'aws', 'aws-cn', 'arn:aws-cn:iam::123456789012:role/deploy'],
    ['eusc-de-east-1', 'arn:aws:iam::123456789012:role/deploy', 'aws', 'aws-eusc', 'arn:aws-eusc:iam::123456789012:role/deploy'],
    ['us-isob-east-1', 'arn:aws-iso:iam::123456789012:role/ci/deploy', 'aws-iso', 'aws-iso-b', 'arn:aws-iso-b:iam::123456789012:role/ci/deploy'],
    ['us-gov-east-1', 'arn:aws:iam::123456789012:role/deploy', 'aws', 'aws-us-gov', 'arn:aws-us-gov:iam::123456789012:role/deploy'],
    ['eu-west-1', 'arn:aws-eu:iam::123456789012:role/deploy', 'aws-eu', 'aws', 'arn:aws:iam::123456789012:role/deploy']
  ])('in %s, %s is refused: partitions differ', (region, arn, rolePartition, regionPartition, example) => {
    expect(() => read({ 'aws-region': region, 'role-to-assume': arn })).toThrow(
      `Input 'role-to-assume' is invalid: "${arn}". The role is in partition "${rolePartition}", but aws-region ${region} is in partition "${regionPartition}"; ` +
        `partitions do not share identities, so STS in ${region} cannot assume it. ` +
        `Give a role of the region's partition (such as ${example}) or the region the role belongs to.`
    )
  })

  it('the credentials provider refuses a mismatch too, before asking for a token', () => {
    let asked = 0
    const build = () =>
      oidcCredentials({
        roleArn: 'arn:aws:iam::123456789012:role/deploy',
        region: 'eusc-de-east-1',
        getIdToken: async () => {
          asked++
          return 'token'
        }
      })
    expect(build).toThrow(/The role is in partition "aws", but aws-region eusc-de-east-1 is in partition "aws-eusc"/)
    expect(asked).toBe(0)
  })
})

describe('China OIDC audience', () => {
  const jwt = (claims: Record<string, unknown>): string =>
    ['{"alg":"RS256","typ":"JWT"}', JSON.stringify(claims), 'signature'].map((p) => Buffer.from(p).toString('base64url')).join('.')

  async function refusal(roleArn: string, region: string, audience?: string): Promise<string> {
    const world = new SimWorld({ start: Date.parse('2026-11-28T10:00:00Z'), region })
    world.sts.trust = () => false
    const p = oidcCredentials({
      roleArn,
      region,
      ...(audience ? { audience } : {}),
      sessionName: 'gh-web-1',
      getIdToken: async (aud) => jwt({ iss: 'https://token.actions.githubusercontent.com', aud, sub: 'repo:octo-org/web:ref:refs/heads/main' }),
      stsClientConfig: { requestHandler: world.requestHandler, retryStrategy: new ConfiguredRetryStrategy(1, () => 0) },
      maxAttempts: 1
    })
    try {
      await p()
      throw new Error('expected a refusal')
    } catch (err) {
      return (err as Error).message
    } finally {
      p.destroy()
    }
  }

  it('a China role refused with the default audience is told about sts.amazonaws.com.cn', async () => {
    const message = await refusal('arn:aws-cn:iam::123456789012:role/deploy', 'cn-north-1')
    expect(message).toContain('The role is in the China partition (aws-cn), where the IAM OIDC provider usually lists the audience sts.amazonaws.com.cn')
    expect(message).toContain("set the action's audience input to sts.amazonaws.com.cn")
    expect(message).toContain('arn:aws-cn:iam::123456789012:oidc-provider/token.actions.githubusercontent.com')
  })

  it('not when the China audience is already used, nor outside China', async () => {
    expect(await refusal('arn:aws-cn:iam::123456789012:role/deploy', 'cn-north-1', 'sts.amazonaws.com.cn')).not.toContain('China partition')
    expect(await refusal('arn:aws:iam::123456789012:role/deploy', 'us-east-1')).not.toContain('China partition')
  })
})
