// Bad inputs and bad AWS state. A bad input fails naming the input and the value before any AWS call;
// bad state is refused in every mode, naming the pair, before any write. Nothing changes either way.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../../test-support/harness.js'
import { addService, newWorld } from '../../test-support/worlds.js'
import type { SimWorld } from '../../test-support/world.js'
import { BLUE, GREEN, groupSnapshot, message } from '../../test-support/faults.js'
import { expectViolations } from '../../test-support/stats.js'

let world: SimWorld
afterEach(() => world.assertNoViolations())

function scene(): SimWorld {
  world = newWorld()
  addService(world, { instances: 3 })
  world.setBaseline()
  return world
}

interface BadInput {
  inputs: Record<string, string>
  /** The input the message must name, and how it must show the value. */
  input: string
  shown: string
}

const deploy = (extra: Record<string, string>): Record<string, string> => ({ mode: 'deploy', version: 'v2', ...extra })

const BAD_INPUTS: BadInput[] = [
  { inputs: { mode: '' }, input: 'mode', shown: 'empty' },
  { inputs: { mode: 'blue-green' }, input: 'mode', shown: '"blue-green"' },
  { inputs: { mode: 'deploy,finalize' }, input: 'mode', shown: '"deploy,finalize"' },
  { inputs: deploy({ prefix: '' }), input: 'prefix', shown: 'empty' },
  { inputs: deploy({ prefix: '   ' }), input: 'prefix', shown: 'empty' },
  { inputs: deploy({ service: '' }), input: 'service', shown: 'empty' },
  { inputs: deploy({ service: 'web*' }), input: 'service', shown: '"web*"' },
  { inputs: { mode: 'deploy' }, input: 'version', shown: 'empty' },
  { inputs: deploy({ version: 'v'.repeat(257) }), input: 'version', shown: `"${'v'.repeat(40)}…"` },
  { inputs: deploy({ version: 'v1;rm' }), input: 'version', shown: '"v1;rm"' },
  { inputs: deploy({ version: 'v1 && curl evil.example' }), input: 'version', shown: '"v1 && curl evil.example"' },
  { inputs: deploy({ version: '$(whoami)' }), input: 'version', shown: '"$(whoami)"' },
  { inputs: { mode: 'rollback', version: 'v1;rm' }, input: 'version', shown: '"v1;rm"' },
  { inputs: deploy({ 'health-timeout': 'soon' }), input: 'health-timeout', shown: '"soon"' },
  { inputs: deploy({ 'health-timeout': '10x' }), input: 'health-timeout', shown: '"10x"' },
  { inputs: deploy({ 'health-timeout': '-5m' }), input: 'health-timeout', shown: '"-5m"' },
  { inputs: deploy({ 'health-timeout': '1.5h' }), input: 'health-timeout', shown: '"1.5h"' },
  { inputs: deploy({ 'health-timeout': '0' }), input: 'health-timeout', shown: '"0"' },
  { inputs: deploy({ 'health-timeout': '10s' }), input: 'health-timeout', shown: '"10s"' },
  { inputs: deploy({ 'health-timeout': '7h' }), input: 'health-timeout', shown: '"7h"' },
  { inputs: deploy({ 'poll-interval': '0s' }), input: 'poll-interval', shown: '"0s"' },
  { inputs: deploy({ 'poll-interval': '10m' }), input: 'poll-interval', shown: '"10m"' },
  { inputs: deploy({ 'poll-interval': '2m', 'health-timeout': '1m' }), input: 'poll-interval', shown: '"2m"' },
  { inputs: deploy({ 'aws-region': '' }), input: 'aws-region', shown: 'empty' },
  { inputs: deploy({ 'aws-region': 'us-east' }), input: 'aws-region', shown: '"us-east"' },
  { inputs: deploy({ 'aws-region': 'US-EAST-1' }), input: 'aws-region', shown: '"US-EAST-1"' },
  { inputs: deploy({ 'aws-region': 'us-east-1.evil.example' }), input: 'aws-region', shown: '"us-east-1.evil.example"' },
  { inputs: deploy({ 'dry-run': 'maybe' }), input: 'dry-run', shown: '"maybe"' },
  { inputs: deploy({ 'dry-run': 'yes' }), input: 'dry-run', shown: '"yes"' },
  { inputs: deploy({ 'blue-color': 'green' }), input: 'green-color', shown: '"green"' },
  { inputs: deploy({ 'blue-color': 'Blue', 'green-color': 'blue' }), input: 'green-color', shown: '"blue"' },
  { inputs: deploy({ 'blue-color': 'blue-x' }), input: 'blue-color', shown: '"blue-x"' },
  { inputs: deploy({ 'service-tag-key': 'app', 'version-tag-key': 'app' }), input: 'version-tag-key', shown: '"app"' },
  { inputs: deploy({ 'service-tag-key': 'docker:image:version' }), input: 'version-tag-key', shown: '"docker:image:version"' },
  { inputs: deploy({ 'service-tag-key': 'aws:image' }), input: 'service-tag-key', shown: '"aws:image"' },
  { inputs: deploy({ 'version-tag-key': 'k'.repeat(129) }), input: 'version-tag-key', shown: `"${'k'.repeat(129)}"` },
  // What the starter kit's boot script cannot pull (version-format: docker, the default): refused before any
  // AWS call instead of every instance failing at boot and the deploy aborting after the boot allowance.
  { inputs: deploy({ version: 'v1.2.3+build.5' }), input: 'version', shown: '"v1.2.3+build.5"' },
  { inputs: deploy({ version: 'release/2026-12' }), input: 'version', shown: '"release/2026-12"' },
  { inputs: { mode: 'canary', version: 'release/2026-12' }, input: 'version', shown: '"release/2026-12"' },
  { inputs: deploy({ version: '.v2' }), input: 'version', shown: '".v2"' },
  { inputs: deploy({ 'version-format': 'semver' }), input: 'version-format', shown: '"semver"' },
  // A renamed input given under both names with different values; a bad value under the old name is named by it.
  { inputs: deploy({ service: 'web', 'image-name': 'api' }), input: 'service', shown: '"web"' },
  { inputs: deploy({ service: '', 'image-name': 'web*' }), input: 'image-name', shown: '"web*"' },
  { inputs: deploy({ 'boot-grace': '5m', 'boot-time': '8m' }), input: 'boot-grace', shown: '"5m"' },
  { inputs: deploy({ 'boot-time': 'soon' }), input: 'boot-time', shown: '"soon"' }
]

describe('bad inputs fail before any AWS call, naming the input and the value', () => {
  it.each(BAD_INPUTS)("$input = $shown ($inputs.mode)", async ({ inputs, input, shown }) => {
    scene()
    const calls = world.calls.length
    const blue = groupSnapshot(world, BLUE)
    const green = groupSnapshot(world, GREEN)
    const r = await runAction(world, inputs)
    expect(r.failed).toBe(true)
    expect(message(r)).toContain(`Input '${input}' is invalid: ${shown}.`)
    expect(r.outputs.state).toBe('invalid-input')
    expect(world.calls.length).toBe(calls)
    expect(groupSnapshot(world, BLUE)).toEqual(blue)
    expect(groupSnapshot(world, GREEN)).toEqual(green)
  })

  it.each([
    ['mode in capitals', { mode: 'STATUS' }],
    ['durations with units and plain seconds', { mode: 'status', 'health-timeout': '1h30m', 'poll-interval': '90' }],
    ['dry-run in capitals', { mode: 'deploy', version: 'v2', 'dry-run': 'TRUE' }],
    ['a version with every character a tag allows, for a boot script of your own', { mode: 'deploy', version: 'web 2.0_rc.1:build/7=x+y-z@sha', 'version-format': 'any', 'dry-run': 'true' }],
    ['a Docker tag of 128 characters', { mode: 'deploy', version: `_${'v1.2-3'.repeat(21)}_`, 'dry-run': 'true' }],
    ['an image digest', { mode: 'canary', version: `sha256:${'0a'.repeat(32)}`, 'dry-run': 'true' }],
    ['any version to roll back from (rollback writes no version)', { mode: 'rollback', version: 'release/2026-12' }]
  ])('accepted: %s', async (_name, inputs) => {
    scene()
    const r = await runAction(world, inputs)
    expect(message(r)).toBe('')
    expect(r.failed).toBe(false)
    expect(world.writes()).toEqual([])
  })
})

describe('renamed inputs: the old names still work, with a warning naming the old and the new name', () => {
  it.each([
    ['image-name', 'service', { service: '', 'image-name': 'web' }],
    ['image-name-tag-key', 'service-tag-key', { 'image-name-tag-key': 'docker:image:name' }],
    ['boot-time', 'boot-grace', { 'boot-time': '8m' }]
  ])('%s (now %s)', async (old, now, inputs) => {
    scene()
    const r = await runAction(world, { mode: 'deploy', version: 'v2', 'dry-run': 'true', ...inputs })
    expect(message(r)).toBe('')
    expect(r.failed).toBe(false)
    expect(r.outputs.state).toBe('planned')
    expect(r.log).toContain(`::warning::Input '${old}' is deprecated: use '${now}' instead`)
    expect(world.writes()).toEqual([])
  })
})

interface BadState {
  name: string
  setup: () => void
  reason: RegExp
}

const BAD_STATES: BadState[] = [
  {
    name: 'a service with one color only',
    setup: () =>
      world.addGroup({ name: 'prod-cache-blue', min: 1, max: 2, desired: 1, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true }),
    reason: /prod-cache: only prod-cache-blue exists; a blue\/green pair also needs prod-cache-green/
  },
  {
    name: 'the two colors behind different target groups',
    setup: () => {
      world.addTargetGroup({ name: 'other', healthCheckIntervalSeconds: 10, healthyAfterChecks: 2 })
      world.addGroup({ name: 'prod-api-blue', min: 1, max: 2, desired: 1, targetGroups: ['prod-web'], tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
      world.addGroup({ name: 'prod-api-green', min: 0, max: 2, desired: 0, targetGroups: ['other'], tags: { 'docker:image:name': 'web' } })
    },
    reason: /prod-api: prod-api-blue and prod-api-green are attached to different target groups \(prod-web vs other\)/
  },
  {
    name: 'both colors serving with no deployment recorded',
    setup: () => {
      world.updateGroup(GREEN, { MinSize: 1, DesiredCapacity: 1 })
      world.advance(5 * 60_000)
    },
    reason: /prod-web: both prod-web-blue and prod-web-green serve/
  },
  {
    name: 'standby instances nobody recorded',
    setup: () => {
      world.updateGroup(BLUE, { MinSize: 2 })
      world.enterStandby(BLUE, [world.group(BLUE).instances[0]?.id as string], true)
      expectViolations(world, /invariant 2: EnterStandby on prod-web-blue/, "a person's EnterStandby is the fault under test, not the action's doing")
      world.advance(6 * 60_000)
    },
    reason: /prod-web: prod-web-blue has instances in Standby that no deployment of this action put there \(unknown state\)/
  }
]

describe('bad AWS state is refused in every mode, naming the pair, with nothing written', () => {
  const runs: Record<string, string>[] = [{ mode: 'deploy', version: 'v2' }, { mode: 'finalize' }, { mode: 'rollback' }]
  it.each(BAD_STATES)('$name', async ({ setup, reason }) => {
    world = newWorld()
    addService(world, { instances: 3 })
    setup()
    const writes = world.writes().length
    const blue = groupSnapshot(world, BLUE)
    const green = groupSnapshot(world, GREEN)
    for (const inputs of runs) {
      const r = await runAction(world, inputs)
      expect({ mode: inputs.mode, failed: r.failed, state: r.outputs.state }).toEqual({ mode: inputs.mode, failed: true, state: 'refused' })
      expect(message(r)).toMatch(/Nothing was changed: \d+ pre-flight check\(s\) failed/)
      expect(message(r)).toMatch(reason)
    }
    expect(world.writes().length).toBe(writes)
    expect(groupSnapshot(world, BLUE)).toEqual(blue)
    expect(groupSnapshot(world, GREEN)).toEqual(green)
  })
})
