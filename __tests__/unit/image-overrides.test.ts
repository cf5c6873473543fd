// Pre-flight of a deploy by image: mixed instances overrides that launch their own template or image.
import { describe, expect, it } from '@jest/globals'
import { overrideRefusals } from '../../src/domain/image-overrides.js'
import type { Group, LaunchOverride } from '../../src/domain/model.js'
import type { Phase } from '../../src/domain/phase.js'
import { group as fixtureGroup } from '../../test-support/fixtures.js'

function group(name: string, overrides?: LaunchOverride[]): Group {
  return fixtureGroup(name, { launchTemplate: { id: 'lt-1', version: '3', mixed: overrides !== undefined, ...(overrides ? { overrides } : {}) } })
}

const atRest = (idle: Group): Phase => ({ kind: 'at-rest', live: group('web-blue'), idle }) as Phase

describe('overrideRefusals', () => {
  it('an idle group without own-image overrides passes', () => {
    expect(overrideRefusals(atRest(group('web-green')))).toEqual([])
  })

  it('names every override with its own template or image, and gives the command with the plain list', () => {
    const [r] = overrideRefusals(
      atRest(group('web-green', [{ instanceType: 'c5.large', weight: '2' }, { instanceType: 'c6g.large', weight: '2', template: { name: 'web-arm', version: '$Latest' } }, { imageId: 'ami-0123456789abcdef0' }]))
    )
    expect(r).toContain('web-green: its mixed instances policy launches c6g.large from launch template web-arm version $Latest; the instance requirements of override 3 from image ami-0123456789abcdef0')
    expect(r).toContain(`--mixed-instances-policy '{"LaunchTemplate":{"Overrides":[{"InstanceType":"c5.large","WeightedCapacity":"2"},{"InstanceType":"c6g.large","WeightedCapacity":"2"}]}}'`)
  })

  it('only a pair about to start a deploy is checked', () => {
    expect(overrideRefusals({ kind: 'deploying' } as unknown as Phase)).toEqual([])
  })
})
