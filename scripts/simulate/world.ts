// A rehearsal topology as a simulated account: buildWorld turns a Topology into a SimWorld (per service,
// blue live, green idle), describeTopology lists it, pairStatus is the --watch status line of a pair.
import { START } from '../../test-support/worlds.js'
import { SimWorld } from '../../test-support/world.js'
import { type ServiceTopology, type Topology } from './types.js'

// ------------------------------------------------------------------ the world

export const ALARM_SUFFIX = '-cpu-high'
export const POLICY_NAME = 'cpu-step-out'
export const SCHEDULED_ACTION_NAME = 'weekday-morning-peak'

/**
 * A SimWorld with the topology: per service, blue live (running, healthy), green idle (capacity 0).
 * `start` is the virtual time to begin at: tests keep the fixed default; the CLI passes the real time,
 * because the action compares scaling-activity times with its own clock.
 */
export function buildWorld(t: Topology, start: number = START): SimWorld {
  const world = new SimWorld({ start, region: t.region, accountId: '123456789012' })
  for (const s of t.services) {
    for (const name of s.targetGroups) {
      world.addTargetGroup({
        name,
        deregistrationDelaySeconds: s.deregistrationDelaySeconds,
        healthCheckIntervalSeconds: s.healthCheckIntervalSeconds,
        healthyAfterChecks: s.healthyAfterChecks
      })
    }
    world.addGroup({
      name: s.blue,
      min: s.instances,
      max: s.max,
      desired: s.instances,
      targetGroups: s.targetGroups,
      launchSeconds: s.launchSeconds,
      tags: { 'docker:image:name': s.imageName, 'docker:image:version': s.version },
      running: true
    })
    world.addGroup({
      name: s.green,
      min: 0,
      max: s.max,
      desired: 0,
      targetGroups: s.targetGroups,
      launchSeconds: s.launchSeconds,
      tags: { 'docker:image:name': s.imageName }
    })
    if (s.scaling) {
      const policy = world.putScalingPolicy({
        AutoScalingGroupName: s.blue,
        PolicyName: POLICY_NAME,
        PolicyType: 'StepScaling',
        AdjustmentType: 'ChangeInCapacity',
        MetricAggregationType: 'Average',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]
      })
      world.addAlarm({
        AlarmName: `${s.base}${ALARM_SUFFIX}`,
        AlarmActions: [policy.PolicyARN],
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        Statistic: 'Average',
        Dimensions: [{ Name: 'AutoScalingGroupName', Value: s.blue }],
        Period: 60,
        EvaluationPeriods: 3,
        Threshold: 70,
        ComparisonOperator: 'GreaterThanThreshold'
      })
      world.putScheduledAction({
        AutoScalingGroupName: s.blue,
        ScheduledActionName: SCHEDULED_ACTION_NAME,
        StartTime: start + 7 * 86_400_000,
        Recurrence: '0 8 * * 1-5',
        TimeZone: 'Europe/Paris',
        MinSize: s.instances,
        DesiredCapacity: Math.min(s.max, s.instances + 1),
        MaxSize: s.max
      })
    }
  }
  for (const v of t.badVersions) world.setVersionHealth(v, 'unhealthy')
  for (const v of t.stuckVersions) world.setVersionHealth(v, 'stuck-initial')
  for (const [g, message] of Object.entries(t.failLaunches)) {
    if (message === '') world.failLaunches(g)
    else world.failLaunches(g, message)
  }
  return world
}

/** Human-readable description of the topology, one line per item. */
export function describeTopology(t: Topology): string[] {
  const lines: string[] = []
  for (const s of t.services) {
    lines.push(
      `${s.blue} serves ${s.version} on ${s.instances} instance(s) (max ${s.max}); ${s.green} is idle; service ${s.imageName}; ` +
        `target group(s) ${s.targetGroups.join(', ')}`
    )
    lines.push(
      `  health check every ${s.healthCheckIntervalSeconds} s, healthy after ${s.healthyAfterChecks} checks; deregistration delay ` +
        `${s.deregistrationDelaySeconds} s; an instance launches in ${s.launchSeconds} s` +
        (s.scaling ? `; scaling: step policy ${POLICY_NAME} fired by alarm ${s.base}${ALARM_SUFFIX}, scheduled action ${SCHEDULED_ACTION_NAME}` : '')
    )
  }
  if (t.badVersions.length > 0) lines.push(`never healthy (health checks fail with 502): ${t.badVersions.join(', ')}`)
  if (t.stuckVersions.length > 0) lines.push(`stuck in "initial" forever: ${t.stuckVersions.join(', ')}`)
  for (const [g, m] of Object.entries(t.failLaunches)) lines.push(`launches fail in ${g}${m ? `: ${m}` : ' (insufficient capacity)'}`)
  return lines
}

// ------------------------------------------------------------------ status

const LIFECYCLE_ORDER = ['Pending', 'InService', 'EnteringStandby', 'Standby', 'Detaching', 'Terminating', 'Terminated', 'Detached']

function counted(items: string[], order: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const x of items) counts.set(x, (counts.get(x) ?? 0) + 1)
  const keys = [...counts.keys()].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
  return keys.map((k) => `${counts.get(k)} ${k}`).join(', ')
}

/**
 * One line per pair: which color serves (has InService instances healthy in every target group), each group's version, min/desired/max and instances by
 * lifecycle state, and each target group's targets by health state.
 */
export function pairStatus(world: SimWorld, s: ServiceTopology): string {
  const states = s.targetGroups.map((name) => new Map(world.targetStates(name).map((t) => [t.id, t.state])))
  const colors = (['blue', 'green'] as const).map((color) => {
    const g = world.group(color === 'blue' ? s.blue : s.green)
    // Serving: InService and healthy in every target group of the pair.
    const serving = g.instances.filter((i) => i.lifecycle === 'InService' && states.every((m) => m.get(i.id) === 'healthy')).length
    const text = `${color} ${g.tags['docker:image:version'] ?? '(no version)'} ${g.min}/${g.desired}/${g.max} [${counted(
      g.instances.map((i) => i.lifecycle),
      LIFECYCLE_ORDER
    ) || 'no instances'}]`
    return { color, serving, text }
  })
  const serving = colors.filter((c) => c.serving > 0).map((c) => c.color)
  const live = serving.length === 1 ? serving[0] : serving.length === 0 ? 'none' : 'both'
  const tgs = s.targetGroups.map((name) => `${name}: ${counted(world.targetStates(name).map((t) => t.state), ['healthy', 'initial', 'unhealthy', 'draining']) || 'no targets'}`)
  return `${s.base}  serving=${live}  ${colors.map((c) => c.text).join('  ')}  ${tgs.join('; ')}`
}
