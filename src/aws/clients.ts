// The SDK clients, built once per run from the region and whatever the caller injects (credentials,
// a request handler for tests). They honour the SDK's standard configuration, AWS_ENDPOINT_URL_* included.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { EC2Client } from '@aws-sdk/client-ec2'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { partition } from '@aws-sdk/core/client'

export interface Clients {
  autoscaling: AutoScalingClient
  elbv2: ElasticLoadBalancingV2Client
  ec2: EC2Client
  cloudwatch: CloudWatchClient
}

/** Extra client settings: credentials (OIDC), or a request handler and retry strategy in tests. */
export type ClientOverrides = Record<string, unknown>

export const USER_AGENT: [string, string] = ['asg-blue-green-action', '0.1.0']

export function createClients(region: string, overrides: ClientOverrides = {}): Clients {
  // Throttling is normal at scale: the SDK retries it (and 5xx) with backoff; give it room to.
  const config = { region, maxAttempts: 8, customUserAgent: [USER_AGENT], ...overrides }
  return {
    autoscaling: new AutoScalingClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    ec2: new EC2Client(config),
    cloudwatch: new CloudWatchClient(config)
  }
}

export function destroyClients(c: Clients): void {
  c.autoscaling.destroy()
  c.elbv2.destroy()
  c.ec2.destroy()
  c.cloudwatch.destroy()
}

/**
 * Region names as every partition spells them: us-east-1, cn-north-1, us-gov-west-1, us-iso-east-1,
 * us-isob-east-1, eu-isoe-west-1, eusc-de-east-1. (Pseudo-regions such as aws-global are not regions.)
 */
const REGION_NAME = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/

export function isRegionName(region: string): boolean {
  return REGION_NAME.test(region)
}

/**
 * The partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-eusc, ...) of a region, from the same
 * partition data the SDK clients resolve their endpoints with (`@aws-sdk/core`): the region list first,
 * then each partition's region pattern, so regions newer than this code are placed right too.
 */
export function partitionOf(region: string): string {
  return partition(region).name
}
