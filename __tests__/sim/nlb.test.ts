// The simulated Network Load Balancer target group (TCP) beside an Application Load Balancer's (HTTP):
// an NLB may keep routing new connections to a deregistered target for a few minutes, and keeps the
// connections still open when the deregistration delay ends unless connection termination is on
// (`deregistration_delay.connection_termination.enabled`, answered by DescribeTargetGroupAttributes).
import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeTargetGroupAttributesCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { SimWorld } from '../../test-support/world.js'
import { START } from './fixture.js'

let destroy: (() => void) | undefined
afterEach(() => destroy?.())

function scene(): { world: SimWorld; ids: string[] } {
  const world = new SimWorld({ start: START, region: 'us-east-1', accountId: '123456789012', realism: false })
  world.addTargetGroup({ name: 'web-alb', protocol: 'HTTP', deregistrationDelaySeconds: 60, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  world.addTargetGroup({ name: 'web-nlb', protocol: 'TCP', deregistrationDelaySeconds: 60, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  world.addTargetGroup({ name: 'web-nlb-term', protocol: 'TLS', connectionTermination: true, healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
  world.addGroup({ name: 'prod-web-blue', min: 0, max: 6, desired: 2, targetGroups: ['web-alb', 'web-nlb', 'web-nlb-term'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
  return { world, ids: world.group('prod-web-blue').instances.map((i) => i.id) }
}

describe('Network Load Balancer target groups (simulated)', () => {
  it('an NLB target still takes new connections for minutes after deregistration; an ALB target none', () => {
    const { world, ids } = scene()
    const a = ids[0] as string
    expect(world.takesNewConnections('web-alb', a)).toBe(true)
    expect(world.takesNewConnections('web-nlb', a)).toBe(true)
    world.enterStandby('prod-web-blue', [a], true)
    expect(world.targetStates('web-nlb').find((t) => t.id === a)?.state).toBe('draining')
    expect(world.takesNewConnections('web-alb', a)).toBe(false)
    expect(world.takesNewConnections('web-nlb', a)).toBe(true)
    world.advance(59_000)
    expect(world.takesNewConnections('web-nlb', a)).toBe(true)
    world.advance(2_000)
    // Removed after its 60 s delay, yet the NLB still routes to it for "a few minutes" (300 s here).
    expect(world.targetStates('web-nlb').some((t) => t.id === a)).toBe(false)
    expect(world.takesNewConnections('web-nlb', a)).toBe(true)
    expect(world.takesNewConnections('web-nlb-term', a)).toBe(true)
    expect(world.takesNewConnections('web-alb', a)).toBe(false)
    world.advance(240_000)
    expect(world.takesNewConnections('web-nlb', a)).toBe(false)
    expect(world.takesNewConnections('web-nlb-term', a)).toBe(false)
  })

  it('connections outlast the delay on an NLB without connection termination only', () => {
    const { world } = scene()
    expect(world.keepsConnectionsPastDelay('web-alb')).toBe(false)
    expect(world.keepsConnectionsPastDelay('web-nlb')).toBe(true)
    expect(world.keepsConnectionsPastDelay('web-nlb-term')).toBe(false)
  })

  it('DescribeTargetGroups gives the protocol; DescribeTargetGroupAttributes the NLB connection-termination attribute', async () => {
    const { world } = scene()
    const elbv2 = new ElasticLoadBalancingV2Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
      requestHandler: world.requestHandler,
      retryStrategy: new ConfiguredRetryStrategy(2, () => 0)
    })
    destroy = () => elbv2.destroy()
    const tgs = (await elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []
    expect(Object.fromEntries(tgs.map((t) => [t.TargetGroupName, t.Protocol]))).toEqual({ 'web-alb': 'HTTP', 'web-nlb': 'TCP', 'web-nlb-term': 'TLS' })
    const attrs = async (name: string): Promise<Record<string, string>> => {
      const arn = tgs.find((t) => t.TargetGroupName === name)?.TargetGroupArn
      const r = await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }))
      return Object.fromEntries((r.Attributes ?? []).map((x) => [x.Key, x.Value]))
    }
    expect((await attrs('web-alb'))['deregistration_delay.connection_termination.enabled']).toBeUndefined()
    expect((await attrs('web-nlb'))['deregistration_delay.connection_termination.enabled']).toBe('false')
    expect((await attrs('web-nlb-term'))['deregistration_delay.connection_termination.enabled']).toBe('true')
  })
})
