// The per-mode rules (src/domain/modes.ts) as one table: which modes write, take the locks, put a new
// version into service, and where each leaves a pair. A rule changed by mistake fails here first.
import { describe, expect, it } from '@jest/globals'
import type { Mode } from '../../src/domain/model.js'
import { MODE_RULES, type ModeOptions, isDeployLike } from '../../src/domain/modes.js'
import type { Phase } from '../../src/domain/phase.js'
import { group, liveGroup, pair } from '../../test-support/fixtures.js'

const MODES: Mode[] = ['deploy', 'canary', 'finalize', 'rollback', 'status']
const KEY = 'docker:image:version'
const opts: ModeOptions = { version: 'v2', versionTagKey: KEY, run: 'https://github.com/acme/web/actions/runs/7', canaryCount: 1 }
const blue = liveGroup('prod-web-blue', 'v1', 2)
const green = group('prod-web-green', { tags: { 'docker:image:name': 'web', [KEY]: 'v0' } })
const atRest: Phase = { kind: 'at-rest', live: blue, idle: green }
const deploying: Phase = { kind: 'deploying', live: blue, next: green }
const cutOver: Phase = { kind: 'cut-over', previous: blue, next: green, complete: true, finalizing: false, draining: [] }

const which = (rule: (m: Mode) => boolean): Mode[] => MODES.filter(rule)

describe('per-mode rules', () => {
  it('only status leaves the groups alone: every other mode takes the pair locks and runs its plan', () => {
    expect(which((m) => MODE_RULES[m].writes)).toEqual(['deploy', 'canary', 'finalize', 'rollback'])
  })

  it('deploy and canary put a new version into service (attempt record, alarms, version guard, bake, abort)', () => {
    expect(which((m) => MODE_RULES[m].deployLike)).toEqual(['deploy', 'canary'])
    expect(which(isDeployLike)).toEqual(['deploy', 'canary'])
  })

  it('the deploy-only rules: by image, refresh stops cutover, drain end, commit order; finalize alone terminates through EC2', () => {
    expect(which((m) => MODE_RULES[m].deploysByImage)).toEqual(['deploy'])
    expect(which((m) => MODE_RULES[m].refusesRefreshMidRun)).toEqual(['deploy'])
    expect(which((m) => MODE_RULES[m].reportsDrainEnd)).toEqual(['deploy'])
    expect(which((m) => MODE_RULES[m].checksCommitOrder)).toEqual(['deploy'])
    expect(which((m) => MODE_RULES[m].terminatesThroughEc2)).toEqual(['finalize'])
  })

  it('each mode that runs names the state a pair reaches when it is done', () => {
    expect(Object.fromEntries(MODES.map((m) => [m, MODE_RULES[m].doneState]))).toEqual({
      deploy: 'awaiting-finalize',
      canary: 'canary',
      finalize: 'finalized',
      rollback: 'rolled-back',
      status: undefined
    })
  })

  it('finalize must end with the new group serving, rollback with the one that served before', () => {
    expect(MODE_RULES.finalize.servingAtEnd(cutOver)).toBe('prod-web-green')
    expect(MODE_RULES.finalize.servingAtEnd(deploying)).toBeUndefined()
    expect(MODE_RULES.rollback.servingAtEnd(cutOver)).toBe('prod-web-blue')
    expect(MODE_RULES.rollback.servingAtEnd(deploying)).toBe('prod-web-blue')
    expect(MODE_RULES.rollback.servingAtEnd(atRest)).toBeUndefined()
    expect(MODE_RULES.deploy.servingAtEnd(cutOver)).toBeUndefined()
  })

  it('a deploy is done once cut over completely, a rollback or finalize once at rest with the right group serving', () => {
    expect(MODE_RULES.deploy.arrived(cutOver, opts, undefined)).toBe(true)
    expect(MODE_RULES.deploy.arrived({ ...cutOver, complete: false }, opts, undefined)).toBe(false)
    expect(MODE_RULES.deploy.arrived(atRest, opts, undefined)).toBe(false)
    expect(MODE_RULES.rollback.arrived(atRest, opts, 'prod-web-blue')).toBe(true)
    expect(MODE_RULES.rollback.arrived(atRest, opts, 'prod-web-green')).toBe(false)
    expect(MODE_RULES.finalize.arrived(atRest, opts, undefined)).toBe(true)
    expect(MODE_RULES.canary.arrived(atRest, opts, undefined)).toBe(false)
  })

  it('status plans nothing; the other modes plan from where the pair stands', () => {
    const p = pair(blue, green)
    expect(MODE_RULES.status.plan(atRest, p, opts)).toEqual([])
    expect(MODE_RULES.deploy.plan(atRest, p, opts).length).toBeGreaterThan(0)
    expect(MODE_RULES.canary.plan(atRest, p, opts).length).toBeGreaterThan(0)
    expect(MODE_RULES.finalize.plan(atRest, p, opts)).toEqual([])
    expect(MODE_RULES.rollback.plan(atRest, p, opts)).toEqual([])
  })
})
