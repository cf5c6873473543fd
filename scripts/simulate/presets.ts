// Rehearsal topologies: the preset scenarios of `--scenario NAME`. Pure data.
import { type TopologySpec } from './types.js'

// ------------------------------------------------------------------ presets

export const SCENARIOS: Readonly<Record<string, { description: string; spec: TopologySpec }>> = {
  single: {
    description: 'one service: prod-web-blue serves v1 on 3 instances, prod-web-green idle, one target group',
    spec: { services: [{ name: 'web' }] }
  },
  'two-services': {
    description: 'two pairs one run drives together (image api): prod-api-web (4 instances, 2 target groups) and prod-api-worker (2 instances)',
    spec: {
      defaults: { imageName: 'api' },
      services: [
        { name: 'api-web', instances: 4, targetGroups: ['prod-api-web-http', 'prod-api-web-grpc'] },
        { name: 'api-worker', instances: 2 }
      ]
    }
  },
  big: {
    description: 'one service with 45 instances (Standby moves go in batches of 20), max 90, with scaling policy, alarm and scheduled action',
    spec: { services: [{ name: 'web', instances: 45, max: 90, scaling: true }] }
  },
  'bad-release': {
    description: 'single, but v3 never gets healthy (502 from the health check): deploy v3 aborts once boot-grace (3s here) has passed, v1 keeps serving',
    spec: { services: [{ name: 'web' }], badVersions: ['v3'], inputs: { 'boot-grace': '3s' } }
  },
  'stuck-release': {
    description: 'single, but v4 stays `initial` forever: deploy v4 waits out health-timeout (set to 30s here), then aborts',
    spec: { services: [{ name: 'web' }], stuckVersions: ['v4'], inputs: { 'health-timeout': '30s' } }
  },
  'launch-failure': {
    description: 'single, but prod-web-green cannot launch (no capacity): deploy fails at once, v1 keeps serving',
    spec: { services: [{ name: 'web' }], failLaunches: { 'prod-web-green': '' } }
  },
  scaling: {
    description: 'single, with a step scaling policy fired by a CloudWatch alarm and a scheduled action on the live group',
    spec: { services: [{ name: 'web', scaling: true }] }
  }
}
