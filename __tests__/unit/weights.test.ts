// Weighted capacity in the pure domain: readiness counts healthy units, a rollback's ExitStandby
// arithmetic adds the instances' weights. (Scenario tests: __tests__/scenario/weights.test.ts.)
import { describe, expect, it } from '@jest/globals'
import { assessHealth } from '../../src/domain/health.js'
import { IDLE_CAPACITY_TAG, LIVE_CAPACITY_TAG, LIVE_SUSPENDED_TAG, QUARANTINE_PROCESSES } from '../../src/domain/markers.js'
import { classify } from '../../src/domain/phase.js'
import { planRollback } from '../../src/domain/plan.js'
import { group, instance, pair } from '../../test-support/fixtures.js'

const record = { recordOn: 'prod-web-blue', versionTagKey: 'docker:image:version' }

describe('readiness in capacity units', () => {
  it('instances worth 4 + 2 + 2 units are ready for 8 wanted units; 4 + 2 are not', () => {
    const g = group('prod-web-green', { capacityUnit: 'units', capacity: { min: 8, desired: 8, max: 24 } })
    g.instances = [instance('InService', 'healthy', { weight: 4 }), instance('InService', 'healthy', { weight: 2 }), instance('InService', 'healthy', { weight: 2 })]
    expect(assessHealth(g, 8, g.targetGroupArns)).toMatchObject({ ready: true, healthy: 8, wanted: 8 })
    g.instances[2] = instance('InService', 'initial', { weight: 2 })
    expect(assessHealth(g, 8, g.targetGroupArns)).toMatchObject({ ready: false, healthy: 6 })
  })

  it('an overshoot is fine: 4 + 4 healthy units for 6 wanted', () => {
    const g = group('prod-web-green', { capacityUnit: 'units' })
    g.instances = [instance('InService', 'healthy', { weight: 4 }), instance('InService', 'healthy', { weight: 4 })]
    expect(assessHealth(g, 6, g.targetGroupArns)).toMatchObject({ ready: true, healthy: 8 })
  })
})

describe('rollback of a weighted group', () => {
  it('plans no capacity write when ExitStandby alone restores the recorded units (it adds the weights, not the instance count)', () => {
    const blue = group('prod-web-blue', {
      capacityUnit: 'units',
      tags: { 'docker:image:version': 'v1', [LIVE_CAPACITY_TAG]: '0/8/24', [LIVE_SUSPENDED_TAG]: '' },
      capacity: { min: 0, desired: 0, max: 24 },
      suspendedProcesses: [...QUARANTINE_PROCESSES],
      instances: [1, 2, 4, 1].map((weight) => instance('Standby', undefined, { weight }))
    })
    const green = group('prod-web-green', {
      capacityUnit: 'units',
      tags: { 'docker:image:version': 'v2', [IDLE_CAPACITY_TAG]: '0/0/24' },
      capacity: { min: 0, desired: 8, max: 24 },
      instances: [4, 4].map((weight) => instance('InService', 'healthy', { weight }))
    })
    const steps = planRollback(classify(pair(blue, green)), record)
    expect(steps.filter((s) => s.kind === 'set-capacity' && s.group === 'prod-web-blue')).toEqual([])
    expect(steps.find((s) => s.kind === 'wait-healthy')).toMatchObject({ group: 'prod-web-blue', count: 8 })
  })
})
