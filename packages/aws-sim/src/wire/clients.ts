// Real AWS SDK v3 clients wired to a SimWorld (in-process) or to a loopback SimServer (endpoint URL),
// with zero-delay retries so throttling costs no time (in-process: retries decided on the world's clock, retry.ts).

import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { EC2Client } from '@aws-sdk/client-ec2'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { STSClient } from '@aws-sdk/client-sts'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { ImmediateRetryStrategy, type RetryClock } from './retry.js'
import type { SimHandler } from './handler.js'

/** An in-process target: a world's request handler and the clock its retries wait on (SimWorld is one). */
export interface InProcessTarget {
  readonly requestHandler: SimHandler
  readonly clock: RetryClock
}

export interface SimClients {
  autoScaling: AutoScalingClient
  elbv2: ElasticLoadBalancingV2Client
  ec2: EC2Client
  cloudWatch: CloudWatchClient
  sts: STSClient
  destroy(): void
}

export function simClients(target: InProcessTarget | { url: string }, options: { maxAttempts?: number; region?: string } = {}): SimClients {
  const maxAttempts = options.maxAttempts ?? 5
  const config = {
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'simulated-secret' },
    // Over loopback the world's clock follows real time; in-process, retries are decided on its virtual clock.
    ...('url' in target
      ? { endpoint: target.url, retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => 0) }
      : { requestHandler: target.requestHandler, retryStrategy: new ImmediateRetryStrategy(maxAttempts, target.clock) })
  }
  const clients = {
    autoScaling: new AutoScalingClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    ec2: new EC2Client(config),
    cloudWatch: new CloudWatchClient(config),
    sts: new STSClient(config)
  }
  return {
    ...clients,
    destroy: () => {
      for (const c of Object.values(clients)) c.destroy()
    }
  }
}
