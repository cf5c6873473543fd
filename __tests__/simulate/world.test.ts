// buildWorld: the simulated account holds exactly the groups, target groups, behaviours and scaling
// configuration the topology asks for.
import { describe, expect, it } from '@jest/globals'
import { buildWorld, pairStatus } from '../../scripts/simulate/world.js'
import { parseArgs } from '../../scripts/simulate/cli.js'
import { resolveTopology } from '../../scripts/simulate/resolve.js'

describe('buildWorld', () => {
  it('creates per service a live blue group (running, healthy) and an idle green one on shared target groups', () => {
    const t = resolveTopology([
      {
        defaults: { healthCheckIntervalSeconds: 15, healthyAfterChecks: 3, deregistrationDelaySeconds: 45, launchSeconds: 90 },
        services: [
          { name: 'web', instances: 4, max: 10, version: 'v7', targetGroups: ['web-http', 'web-admin'] },
          { name: 'api', imageName: 'api', instances: 2, targetGroups: 1 }
        ]
      }
    ])
    const world = buildWorld(t)
    expect([...world.groups.keys()].sort()).toEqual(['prod-api-blue', 'prod-api-green', 'prod-web-blue', 'prod-web-green'])
    expect([...world.targetGroups.values()].map((tg) => [tg.name, tg.healthCheckIntervalSeconds, tg.healthyAfterChecks, tg.deregistrationDelaySeconds])).toEqual([
      ['web-http', 15, 3, 45],
      ['web-admin', 15, 3, 45],
      ['prod-api', 15, 3, 45]
    ])
    const blue = world.group('prod-web-blue')
    expect([blue.min, blue.desired, blue.max]).toEqual([4, 4, 10])
    expect(blue.tags).toEqual({ 'docker:image:name': 'web', 'docker:image:version': 'v7' })
    expect(blue.instances.map((i) => [i.lifecycle, i.version])).toEqual(Array(4).fill(['InService', 'v7']))
    expect(world.healthyCount('web-http')).toBe(4)
    expect(world.healthyCount('web-admin')).toBe(4)
    const green = world.group('prod-web-green')
    expect([green.min, green.desired, green.max, green.instances.length]).toEqual([0, 0, 10, 0])
    expect(green.tags).toEqual({ 'docker:image:name': 'web' })
    expect(green.targetGroupArns).toEqual(blue.targetGroupArns)
    expect(world.group('prod-api-blue').tags['docker:image:name']).toBe('api')
    expect(world.healthyCount('prod-api')).toBe(2)
    expect(world.mustGroup('prod-web-green').launchSeconds).toBe(90)
    expect(world.violations).toEqual([])
  })

  it('the big preset has 45 healthy instances and scaling on the live group only', () => {
    const world = buildWorld(parseArgs(['--scenario', 'big']).topology)
    expect(world.healthyCount('prod-web')).toBe(45)
    const blue = world.group('prod-web-blue')
    expect(blue.policies.map((p) => [p.name, p.type])).toEqual([['cpu-step-out', 'StepScaling']])
    expect(blue.scheduledActions.map((s) => [s.ScheduledActionName, s.TimeZone])).toEqual([['weekday-morning-peak', 'Europe/Paris']])
    expect(world.alarms.get('prod-web-cpu-high')?.config['AlarmActions']).toEqual([blue.policies[0]?.arn])
    expect(world.group('prod-web-green').policies).toEqual([])
  })

  it('bad and stuck versions, and launch failures, are set on the world', () => {
    const t = parseArgs(['--bad-version', 'v3', '--stuck-version', 'v4', '--fail-launches', 'prod-web-green']).topology
    const world = buildWorld(t)
    expect(world.versionHealth.get('v3')).toBe('unhealthy')
    expect(world.versionHealth.get('v4')).toBe('stuck-initial')
    expect(world.mustGroup('prod-web-green').launchFailure).toMatch(/do not have sufficient/)
    expect(world.mustGroup('prod-web-blue').launchFailure).toBeUndefined()
  })

  it('a deploy of a bad version shows up in the status line', () => {
    const t = parseArgs(['--bad-version', 'v3', '--launch-seconds', '30']).topology
    const world = buildWorld(t)
    const s = t.services[0]!
    expect(pairStatus(world, s)).toBe('prod-web  serving=blue  blue v1 3/3/6 [3 InService]  green (no version) 0/0/6 [no instances]  prod-web: 3 healthy')
    world.createOrUpdateTags([{ ResourceId: 'prod-web-green', ResourceType: 'auto-scaling-group', Key: 'docker:image:version', Value: 'v3', PropagateAtLaunch: true }])
    world.updateGroup('prod-web-green', { MinSize: 3, DesiredCapacity: 3 })
    world.advance(10_000)
    expect(pairStatus(world, s)).toBe('prod-web  serving=blue  blue v1 3/3/6 [3 InService]  green v3 3/3/6 [3 Pending]  prod-web: 3 healthy')
    world.advance(120_000)
    expect(pairStatus(world, s)).toBe('prod-web  serving=blue  blue v1 3/3/6 [3 InService]  green v3 3/3/6 [3 InService]  prod-web: 3 healthy, 3 unhealthy')
  })
})
