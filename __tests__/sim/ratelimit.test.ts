// The simulator's per-API throttling (packages/aws-sim/src/core/ratelimit.ts): a burst beyond a bucket is throttled the
// way AWS answers it, virtual time refills the bucket, the SDK's retries (backing off in virtual time) get
// every call through, and a world that does not ask for rate limits throttles nothing.
import { describe, expect, it } from '@jest/globals'
import { DescribeAutoScalingGroupsCommand, DescribePoliciesCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2'
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { type RateLimitRule, VirtualBackoffRetryStrategy, simClients } from '../../packages/aws-sim/src/index.js'
import { SimWorld } from '../../test-support/world.js'
import { pairWorld } from './fixture.js'

const ASG_3_PER_S: RateLimitRule[] = [{ service: 'autoscaling', bucket: { capacity: 3, refillPerSecond: 1 }, source: 'test' }]

type Settled = PromiseSettledResult<unknown>
const failures = (rs: Settled[]): { name: string; status: number | undefined }[] =>
  rs.flatMap((r) =>
    r.status === 'rejected' ? [{ name: (r.reason as Error).name, status: (r.reason as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode }] : []
  )

function describeGroups(world: SimWorld, n: number, maxAttempts = 1): Promise<Settled[]> {
  const aws = simClients(world, { maxAttempts })
  return Promise.allSettled(Array.from({ length: n }, () => aws.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue'] })))).finally(() =>
    aws.destroy()
  )
}

describe('simulated per-API rate limits', () => {
  it('throttles a burst beyond the bucket with Auto Scaling\'s own answer (400 Throttling, "Rate exceeded") and counts it', async () => {
    const world = pairWorld({ world: { rateLimits: ASG_3_PER_S } })
    const results = await describeGroups(world, 5)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    expect(failures(results)).toEqual([
      { name: 'Throttling', status: 400 },
      { name: 'Throttling', status: 400 }
    ])
    expect(world.rateLimits?.throttledCount('DescribeAutoScalingGroups')).toBe(2)
    expect(world.calls.filter((c) => !c.ok).map((c) => c.error)).toEqual(['Throttling', 'Throttling'])
  })

  it('shares one bucket between Auto Scaling actions, as AWS documents', async () => {
    const world = pairWorld({ world: { rateLimits: ASG_3_PER_S } })
    await describeGroups(world, 3)
    const aws = simClients(world, { maxAttempts: 1 })
    await expect(aws.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'prod-web-blue' }))).rejects.toMatchObject({ name: 'Throttling' })
    expect(world.rateLimits?.throttledCount('DescribePolicies')).toBe(1)
    aws.destroy()
  })

  it('answers EC2 throttling as EC2 does (503 RequestLimitExceeded) and keeps one bucket per EC2 API', async () => {
    const world = pairWorld({
      world: { rateLimits: [{ service: 'ec2', perOperation: true, bucket: { capacity: 2, refillPerSecond: 1 }, source: 'test' }] }
    })
    const aws = simClients(world, { maxAttempts: 1 })
    const ec2 = aws.ec2
    const results = await Promise.allSettled([1, 2, 3].map(() => ec2.send(new DescribeInstancesCommand({}))))
    expect(failures(results)).toEqual([{ name: 'RequestLimitExceeded', status: 503 }])
    // Another EC2 API draws from its own bucket.
    const id = world.group('prod-web-blue').instances[0]?.id as string
    const attrs = await Promise.allSettled([1, 2].map(() => ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'disableApiTermination' }))))
    expect(failures(attrs)).toEqual([])
    // ELBv2 has no rule in this world: never throttled.
    const tg = world.targetGroupByName('prod-web').arn
    const elb = await Promise.allSettled(Array.from({ length: 20 }, () => aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))))
    expect(failures(elb)).toEqual([])
    aws.destroy()
  })

  it('refills the bucket as virtual time passes', async () => {
    const world = pairWorld({ world: { rateLimits: ASG_3_PER_S } })
    expect(failures(await describeGroups(world, 4))).toHaveLength(1)
    world.advance(2_000)
    const later = await describeGroups(world, 3)
    expect(later.filter((r) => r.status === 'fulfilled')).toHaveLength(2)
    world.advance(60_000)
    // Refilled up to its capacity, not beyond it.
    expect(failures(await describeGroups(world, 4))).toHaveLength(1)
  })

  it('lets every call of a burst through with the SDK retrying, its backoff slept in virtual time', async () => {
    const world = pairWorld({ world: { rateLimits: ASG_3_PER_S } })
    const client = new AutoScalingClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
      requestHandler: world.requestHandler,
      retryStrategy: new VirtualBackoffRetryStrategy(8, world.clock)
    })
    const start = world.now()
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue'] }))))
    client.destroy()
    expect(failures(results)).toEqual([])
    expect(world.rateLimits?.throttledCount()).toBeGreaterThan(0)
    // 7 calls beyond the burst of 3 need 7 tokens refilled at 1 per second.
    expect(world.now() - start).toBeGreaterThanOrEqual(7_000)
  })

  it('gives up like the SDK when retries back off in no time (virtual time stands still, the bucket stays empty)', async () => {
    const world = pairWorld({ world: { rateLimits: ASG_3_PER_S } })
    const client = new AutoScalingClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
      requestHandler: world.requestHandler,
      retryStrategy: new ConfiguredRetryStrategy(3, () => 0)
    })
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-web-blue'] }))))
    client.destroy()
    expect(failures(results)).toHaveLength(3)
  })

  it('throttles nothing in a world that does not ask for rate limits', async () => {
    const world = pairWorld()
    expect(world.rateLimits).toBeUndefined()
    expect(failures(await describeGroups(world, 100))).toEqual([])
  })

  it('turns the documented defaults on with rateLimits: true (ELB Describe*: a burst of 40)', async () => {
    const world = pairWorld({ world: { rateLimits: true } })
    const aws = simClients(world, { maxAttempts: 1 })
    const tg = world.targetGroupByName('prod-web').arn
    const elb = await Promise.allSettled(Array.from({ length: 45 }, () => aws.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))))
    aws.destroy()
    expect(failures(elb)).toHaveLength(5)
    expect(failures(elb)[0]?.name).toBe('Throttling')
  })
})
