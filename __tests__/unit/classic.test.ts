// A Classic LB's DescribeInstanceHealth answer in target group terms (src/domain/classic.ts): what the health
// gate, the boot-time tracker and the traffic-moved wait see. States, reason codes and descriptions are the
// ones the Elastic Load Balancing API reference (2012-06-01, InstanceState) lists.
import { describe, expect, it } from '@jest/globals'
import { classicHealth, classicKey, classicName, trafficKeys } from '../../src/domain/classic.js'

describe('Classic LB instance states in target group terms', () => {
  it.each([
    ['InService', 'N/A', 'N/A', 'healthy'],
    // Connection draining: still "InService", but it takes no new requests.
    ['InService', 'N/A', 'Instance deregistration currently in progress.', 'draining'],
    // A new instance: still starting, not a failing app (the tracker gives up only on `unhealthy`).
    ['OutOfService', 'ELB', 'Instance registration is still in progress.', 'initial'],
    ['OutOfService', 'Instance', 'Instance has not passed the configured HealthyThreshold number of health checks consecutively.', 'initial'],
    ['OutOfService', 'Instance', 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.', 'unhealthy'],
    ['OutOfService', 'N/A', 'Instance is not currently registered with the LoadBalancer.', 'unused'],
    ['OutOfService', 'Instance', 'Instance is in terminated state.', 'unused'],
    ['OutOfService', 'ELB', 'Instance is in the EC2 Availability Zone for which LoadBalancer is not configured to route traffic to.', 'unavailable'],
    ['Unknown', 'ELB', 'A transient error occurred. Please try again later.', 'unavailable']
  ])('%s / %s / "%s" → %s', (state, reasonCode, description, expected) => {
    expect(classicHealth(state, reasonCode, description).state).toBe(expected)
  })

  it('keeps the load balancer’s own words for messages', () => {
    expect(classicHealth('OutOfService', 'Instance', 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.')).toEqual({
      state: 'unhealthy',
      reason: 'OutOfService, ReasonCode Instance',
      description: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.'
    })
  })

  it('keys a Classic LB so that it cannot collide with a target group ARN', () => {
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef'
    expect(trafficKeys({ targetGroupArns: [arn], loadBalancerNames: ['web'] })).toEqual([arn, classicKey('web')])
    expect(classicName(classicKey('web'))).toBe('web')
    expect(classicName(arn)).toBeUndefined()
  })
})
