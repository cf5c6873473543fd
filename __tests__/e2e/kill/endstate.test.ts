// The judge of the kill tests: captureEndState sees every difference a user would notice and none that a
// killed-and-re-run sequence legitimately makes (new instance ids, the lock, the time of the release tag).
import { describe, expect, it } from '@jest/globals'
import { captureEndState, diffEndStates } from '../../../test-support/endstate.js'
import { expectViolations } from '../../../test-support/stats.js'
import { initialInstanceIds, scene } from './support.js'

const WORKER_BLUE = 'prod-api-worker-blue'
const WORKER_GREEN = 'prod-api-worker-green'

function judged(change: (world: ReturnType<typeof scene>) => void): string[] {
  const clean = scene()
  const other = scene()
  change(other)
  const keep = initialInstanceIds(clean)
  return diffEndStates(captureEndState(clean, { keep }), captureEndState(other, { keep }))
}

describe('captureEndState / diffEndStates', () => {
  it('two worlds built from the same seed have the same end state', () => {
    expect(judged(() => {})).toEqual([])
  })

  it('a standby group left without its quarantine is a difference', () => {
    const clean = scene()
    const other = scene()
    for (const w of [clean, other]) w.suspendProcesses(WORKER_BLUE, ['Launch', 'AlarmNotification', 'ScheduledActions'])
    other.resumeProcesses(WORKER_BLUE, ['Launch'])
    expect(diffEndStates(captureEndState(clean), captureEndState(other))).toEqual([`groups.${WORKER_BLUE}.suspendedProcesses: only expected: ["Launch"]`])
  })

  it('a scaling policy on the wrong group, its alarm pointing there, and a scheduled action without its time zone are differences', () => {
    const diff = judged((w) => {
      const policy = w.group(WORKER_BLUE).policies.find((p) => p.name === 'queue-deep')
      const moved = w.putScalingPolicy({ ...policy?.fields, PolicyName: 'queue-deep', PolicyType: 'StepScaling', AutoScalingGroupName: WORKER_GREEN })
      w.deletePolicy(WORKER_BLUE, 'queue-deep')
      const alarm = w.alarms.get('worker-queue-deep')
      w.putMetricAlarm({ ...alarm?.config, AlarmActions: [moved.PolicyARN] }, undefined)
      w.putScheduledAction({ AutoScalingGroupName: WORKER_BLUE, ScheduledActionName: 'morning', Recurrence: '0 8 * * *', MinSize: 2, MaxSize: 6, DesiredCapacity: 2 })
    }).join('\n')
    expect(diff).toContain(`groups.${WORKER_BLUE}.policies.queue-deep: expected {`)
    expect(diff).toContain(`groups.${WORKER_GREEN}.policies.queue-deep: expected (absent)`)
    expect(diff).toContain(`alarms.worker-queue-deep.AlarmActions: only expected: ["policy ${WORKER_BLUE}/queue-deep"]; only got: ["policy ${WORKER_GREEN}/queue-deep"]`)
    expect(diff).toContain(`groups.${WORKER_BLUE}.scheduledActions.morning.TimeZone: expected "Europe/Berlin", got (absent)`)
  })

  it('the kept instances are compared by id, new ones by count; an instance outside every group is a difference', () => {
    const diff = judged((w) => {
      const [first] = w.group('prod-api-web-blue').instances
      w.detachInstances('prod-api-web-blue', [first?.id ?? ''], false) // the group launches a replacement
      w.advance(800_000) // past the deregistration delay: out of the group, still running; a replacement launches
      w.setDesiredCapacity('prod-api-web-green', 1)
      w.settle()
      expectViolations(w, /invariant 1/, 'the test takes a serving instance out of the group on purpose')
    }).join('\n')
    expect(diff).toMatch(/groups\.prod-api-web-blue\.keptInstances: only expected: \["i-[0-9a-f]+ InService v1"\]$/m)
    // Its replacement is a new id: compared by count (whether it is still Pending depends on the simulator's timing).
    expect(diff).toContain('groups.prod-api-web-green.instances.Pending (no version) Healthy: expected (absent), got 1')
    expect(diff).toMatch(/outsideGroups: only got: \["i-[0-9a-f]+ v1 running"\]/)
  })

  it('the lock, the time and run of the release tag and the ids of launched instances are not differences', () => {
    const clean = scene()
    const other = scene()
    clean.createOrUpdateTags([{ ResourceId: WORKER_BLUE, Key: 'blue-green/last-deploy', Value: 'commit abc by octocat at 2026-11-28T10:00:00.000Z run https://github.com/octo-org/web/actions/runs/1' }])
    other.createOrUpdateTags([
      { ResourceId: WORKER_BLUE, Key: 'blue-green/last-deploy', Value: 'commit abc by octocat at 2026-11-28T10:07:00.000Z run https://github.com/octo-org/web/actions/runs/2' },
      { ResourceId: WORKER_BLUE, Key: 'blue-green:lock', Value: 'https://github.com/octo-org/web/actions/runs/2 2026-11-28T10:07:00.000Z' }
    ])
    const keep = initialInstanceIds(clean)
    // The same launch in both worlds, but the ids differ (one world drew an extra id first).
    other.ids.uuid()
    for (const w of [other, clean]) {
      w.setDesiredCapacity('prod-api-web-green', 1)
      w.settle()
    }
    expect(other.group('prod-api-web-green').instances[0]?.id).not.toBe(clean.group('prod-api-web-green').instances[0]?.id)
    expect(diffEndStates(captureEndState(clean, { keep }), captureEndState(other, { keep }))).toEqual([])
  })
})
