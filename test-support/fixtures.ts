// Builders for pure unit tests: groups and pairs as the observe step would report them.
import type { Config } from '../src/config/types.js'
import type { Group, Instance, Pair } from '../src/domain/model.js'

export const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prod-web/0123456789abcdef'

let counter = 0
export function instanceId(): string {
  counter++
  return `i-${counter.toString(16).padStart(17, '0')}`
}

export function instance(lifecycle = 'InService', state: string | undefined = 'healthy', extra: Partial<Instance> = {}): Instance {
  return {
    id: instanceId(),
    lifecycle,
    protectedFromScaleIn: false,
    targets: state ? { [TG]: { state: state as Instance['targets'][string]['state'] } } : {},
    ...extra
  }
}

export function group(name: string, extra: Partial<Group> = {}): Group {
  const color = name.split('-').pop() as string
  return {
    name,
    color,
    capacity: { min: 0, desired: 0, max: 6 },
    instances: [],
    tags: { 'docker:image:name': 'web' },
    targetGroupArns: [TG],
    loadBalancerNames: [],
    suspendedProcesses: [],
    newInstancesProtected: false,
    warmPool: false,
    policies: [],
    scheduledActions: [],
    activities: [],
    ...extra
  }
}

export function liveGroup(name: string, version: string, n = 3, extra: Partial<Group> = {}): Group {
  return group(name, {
    capacity: { min: n, desired: n, max: 6 },
    instances: Array.from({ length: n }, () => instance()),
    tags: { 'docker:image:name': 'web', 'docker:image:version': version },
    ...extra
  })
}

export function pair(blue: Group, green: Group, base = 'prod-web'): Pair {
  return { base, groups: [blue, green] }
}

export function config(extra: Partial<Config> = {}): Config {
  return {
    mode: 'deploy',
    prefix: 'prod-',
    imageName: 'web',
    version: 'v2',
    region: 'us-east-1',
    healthTimeoutMs: 600_000,
    pollIntervalMs: 15_000,
    dryRun: false,
    imageNameTagKey: 'docker:image:name',
    versionTagKey: 'docker:image:version',
    colors: ['blue', 'green'],
    runUrl: 'https://github.com/octo-org/web/actions/runs/1',
    github: { token: '', repository: 'octo-org/web', sha: '', actor: '', apiUrl: '', deploymentEnvironment: '', allowOlderCommit: false },
    ...extra
  }
}
