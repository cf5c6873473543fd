// Deploy by image (AMI): what pre-flight refuses, when the idle group needs a new launch template version,
// which launch failures are hopeless. Pure: groups, phases and DescribeLaunchTemplateVersions facts in.
import { describe, expect, it } from '@jest/globals'
import { type GroupImage, describeSource, groupsOf, imageRefusals, isAmiId, isImageLaunchFailure, isPinned, needsImage } from '../../src/domain/image.js'
import type { Group, LaunchSource } from '../../src/domain/model.js'
import type { Phase } from '../../src/domain/phase.js'
import { group, liveGroup, pair } from '../../test-support/fixtures.js'

const AMI = 'ami-0123456789abcdef0'
const OLD_AMI = 'ami-0fedcba9876543210'
const LIVE = 'prod-web-blue'
const IDLE = 'prod-web-green'

const byId = (version: string, mixed = false): LaunchSource => ({ id: 'lt-0abc', name: 'web', version, mixed })
const byName = (version: string, mixed = false): LaunchSource => ({ name: 'web', version, mixed })
const other = (version: string): LaunchSource => ({ id: 'lt-0other', name: 'web-canary', version, mixed: false })

function atRest(live: Partial<Group>, idle: Partial<Group>): Phase {
  return { kind: 'at-rest', live: liveGroup(LIVE, 'v1', 3, live), idle: group(IDLE, idle) }
}

const liveFacts: GroupImage[] = [{ group: LIVE, source: byId('$Latest'), current: { number: 7, imageId: OLD_AMI } }]

describe('imageRefusals: pre-flight of a deploy by image', () => {
  it.each<{ name: string; phase: Phase; facts?: GroupImage[]; expected: (string | RegExp)[] }>([
    { name: 'both groups on the template, live pinned by number: no refusal', phase: atRest({ launchTemplate: byId('7') }, { launchTemplate: byId('7') }), expected: [] },
    {
      name: 'live on the same template through $Default: no refusal ($Default never moves)',
      phase: atRest({ launchTemplate: byId('$Default') }, { launchTemplate: byId('$Latest') }),
      expected: []
    },
    {
      name: 'live on ANOTHER template through $Latest: no refusal (the new version lands elsewhere)',
      phase: atRest({ launchTemplate: other('$Latest') }, { launchTemplate: byId('7') }),
      expected: []
    },
    {
      name: 'live launching from a launch configuration: no refusal (only the idle group needs a template)',
      phase: atRest({ launchConfiguration: 'web-lc-1' }, { launchTemplate: byId('7') }),
      expected: []
    },
    {
      name: 'idle on a launch configuration: refused, move it to a launch template first',
      phase: atRest({ launchTemplate: byId('7') }, { launchConfiguration: 'web-lc-1' }),
      expected: [/^prod-web-green: launches from launch configuration web-lc-1; a deploy by image creates launch template versions\. Move the group to a launch template first/]
    },
    {
      name: 'idle with neither template nor launch configuration: refused, it needs a template',
      phase: atRest({ launchTemplate: byId('7') }, {}),
      expected: [/^prod-web-green: has no launch template the action can read/]
    },
    {
      name: 'idle without a template: that single refusal, the $Latest check is not even reached',
      phase: atRest({ launchTemplate: byId('$Latest') }, {}),
      expected: [/^prod-web-green: has no launch template/]
    },
    {
      name: "live on the same template (by id) through $Latest: refused, pin live to the version it runs now (the fact's number)",
      phase: atRest({ launchTemplate: byId('$Latest') }, { launchTemplate: byId('7') }),
      facts: liveFacts,
      expected: [
        /^prod-web-blue: serves from launch template lt-0abc version \$Latest, the same template prod-web-green launches from\. .*--launch-template LaunchTemplateId=lt-0abc,Version=7, then deploy again\.$/
      ]
    },
    {
      name: 'live on the same template (by name only) through $Latest: refused, the command names the template',
      phase: atRest({ launchTemplate: byName('$Latest') }, { launchTemplate: byName('$Default') }),
      expected: [/--launch-template LaunchTemplateName=web,Version=<number>, then deploy again\.$/]
    },
    {
      name: 'the version live runs is unknown: the command says <number>',
      phase: atRest({ launchTemplate: byId('$Latest') }, { launchTemplate: byId('7') }),
      expected: [/Version=<number>/]
    },
    {
      name: "live's template in a mixed instances policy: the refusal says where to pin it",
      phase: atRest({ launchTemplate: byId('$Latest', true) }, { launchTemplate: byId('7') }),
      facts: liveFacts,
      expected: [/\(in its mixed instances policy\).*in its mixed instances policy's LaunchTemplateSpecification: aws autoscaling update-auto-scaling-group/]
    }
  ])('$name', ({ phase, facts, expected }) => {
    const refusals = imageRefusals(phase, facts ?? [])
    expect(refusals).toHaveLength(expected.length)
    expected.forEach((e, n) => expect(refusals[n]).toMatch(e))
  })

  it.each<{ name: string; phase: Phase }>([
    { name: 'deploying (a deploy by image already started): pre-flight of a fresh start does not apply', phase: { kind: 'deploying', live: liveGroup(LIVE, 'v1'), next: group(IDLE) } },
    {
      name: 'cut over: not refused here',
      phase: { kind: 'cut-over', previous: group(LIVE), next: liveGroup(IDLE, 'v2'), complete: true, finalizing: false, draining: [] }
    },
    { name: 'empty pair: not refused here', phase: { kind: 'empty' } },
    { name: 'unknown: not refused here', phase: { kind: 'unknown', reason: 'x' } }
  ])('only a pair at rest is checked: $name', ({ phase }) => {
    expect(imageRefusals(phase, [])).toEqual([])
  })
})

describe('needsImage: whether the idle group gets a new template version', () => {
  const fact = (version: number, imageId: string | undefined): GroupImage[] => [{ group: IDLE, current: { number: version, ...(imageId ? { imageId } : {}) } }]
  it.each<{ name: string; idle: Partial<Group>; facts: GroupImage[]; needs: boolean }>([
    { name: 'pinned by number to a version with the wanted image (a re-run): no new version', idle: { launchTemplate: byId('8') }, facts: fact(8, AMI), needs: false },
    { name: 'pinned to a version with another image: a new version', idle: { launchTemplate: byId('7') }, facts: fact(7, OLD_AMI), needs: true },
    { name: 'on $Latest even though it has the wanted image (it is not pinned): a new version', idle: { launchTemplate: byId('$Latest') }, facts: fact(8, AMI), needs: true },
    { name: 'on $Default with the wanted image: a new version', idle: { launchTemplate: byId('$Default') }, facts: fact(8, AMI), needs: true },
    { name: 'no facts about the idle group: a new version', idle: { launchTemplate: byId('8') }, facts: [], needs: true },
    { name: "facts about another group only (the live group's image) do not count", idle: { launchTemplate: byId('8') }, facts: [{ group: LIVE, current: { number: 8, imageId: AMI } }], needs: true },
    { name: 'a version without a known image: a new version', idle: { launchTemplate: byId('8') }, facts: fact(8, undefined), needs: true },
    { name: 'no launch template: a new version is needed (pre-flight refuses it anyway)', idle: {}, facts: fact(8, AMI), needs: true }
  ])('$name', ({ idle, facts, needs }) => {
    expect(needsImage(group(IDLE, idle), facts, AMI)).toBe(needs)
  })
})

describe('isAmiId', () => {
  it.each<[string, string, boolean]>([
    ['a 17-hex-digit id', 'ami-0123456789abcdef0', true],
    ['an 8-hex-digit (old style) id', 'ami-1234abcd', true],
    ['9 hex digits', 'ami-1234abcde', false],
    ['upper case hex', 'ami-0123456789ABCDEF0', false],
    ['another resource id', 'snap-0123456789abcdef0', false],
    ['an image name', 'web-2026-11-28', false],
    ['an id with trailing text', 'ami-0123456789abcdef0 ', false],
    ['empty', '', false]
  ])('%s: %s → %s', (_name, text, ok) => {
    expect(isAmiId(text)).toBe(ok)
  })
})

describe('isPinned', () => {
  it.each<[string, boolean]>([
    ['7', true],
    ['12', true],
    ['$Latest', false],
    ['$Default', false],
    ['', false],
    ['7a', false]
  ])('version "%s" pinned: %s', (version, pinned) => {
    expect(isPinned(version)).toBe(pinned)
  })
})

describe('describeSource', () => {
  it.each<[string, LaunchSource | undefined, string]>([
    ['no template', undefined, 'no launch template'],
    ['the id is preferred over the name', byId('7'), 'launch template lt-0abc version 7'],
    ['the name when there is no id', byName('$Latest'), 'launch template web version $Latest'],
    ['a template in a mixed instances policy says so', byId('$Default', true), 'launch template lt-0abc version $Default (in its mixed instances policy)']
  ])('%s', (_name, source, text) => {
    expect(describeSource(source)).toBe(text)
  })
})

describe('groupsOf', () => {
  it.each<[string, Partial<Group>, Partial<Group>, string[]]>([
    ['both groups with a template', { launchTemplate: byId('7') }, { launchTemplate: byId('8') }, [LIVE, IDLE]],
    ['a group on a launch configuration is left out', { launchConfiguration: 'lc' }, { launchTemplate: byId('8') }, [IDLE]],
    ['neither', {}, {}, []]
  ])('%s', (_name, blue, green, names) => {
    expect(groupsOf(pair(group(LIVE, blue), group(IDLE, green))).map((g) => g.name)).toEqual(names)
  })
})

describe('isImageLaunchFailure: launch failures retrying never fixes', () => {
  it.each<{ name: string; message: string; hopeless: boolean }>([
    { name: 'an unknown AMI', message: "Launching a new EC2 instance. Status Reason: The image id '[ami-0123456789abcdef0]' does not exist. Launching EC2 instance failed.", hopeless: true },
    // Auto Scaling's wording (user guide, "Troubleshoot Amazon EC2 Auto Scaling: AMI issues").
    { name: 'AWS: the AMI ID does not exist', message: 'The AMI ID ami-0123456789abcdef0 does not exist. Launching EC2 instance failed.', hopeless: true },
    { name: 'AWS: an AMI pending', message: 'AMI ami-0123456789abcdef0 is pending, and cannot be run. Launching EC2 instance failed.', hopeless: true },
    { name: 'AWS: an AMI disabled', message: "AMI 'ami-0123456789abcdef0' is disabled, and cannot be run. Launching EC2 instance failed.", hopeless: true },
    { name: 'AWS: an invalid device name', message: 'Invalid device name /dev/sdz. Launching EC2 instance failed.', hopeless: true },
    { name: 'AWS: virtualName invalid', message: 'Value (ami-0123abcd) for parameter virtualName is invalid.', hopeless: true },
    { name: 'AWS: architecture mismatch', message: "The architecture 'arm64' of the specified instance type does not match the architecture 'x86_64' of the specified AMI. Launching EC2 instance failed.", hopeless: true },
    { name: 'AWS: architecture mismatch (older wording)', message: "The requested instance type's architecture (i386) does not match the architecture in the manifest for ami-6622f00f (x86_64). Launching ec2 instance failed.", hopeless: true },
    { name: 'InvalidAMIID code', message: 'InvalidAMIID.NotFound: The image ID ami-0123 is not valid', hopeless: true },
    { name: 'an image not available', message: 'The image ami-0123 is not available for launch', hopeless: true },
    { name: 'a bad parameter', message: 'InvalidParameterValue: Value (t9.huge) for parameter instanceType is invalid', hopeless: true },
    { name: 'a deleted launch template', message: 'InvalidLaunchTemplateId.NotFound: The specified launch template, with template ID lt-0abc, does not exist', hopeless: true },
    { name: 'a launch template not found (lower case, by message)', message: 'The specified launch template lt-0abc was not found', hopeless: true },
    { name: 'a deleted security group', message: 'InvalidGroup.NotFound: The security group sg-0abc does not exist', hopeless: true },
    { name: 'a broken block device mapping', message: 'InvalidBlockDeviceMapping: ...', hopeless: true },
    { name: 'a missing snapshot', message: 'InvalidSnapshot.NotFound: snap-0abc', hopeless: true },
    { name: 'no capacity in the zone (Auto Scaling retries elsewhere)', message: 'We currently do not have sufficient m5.large capacity in the Availability Zone you requested', hopeless: false },
    { name: 'throttling', message: 'Rate exceeded (Throttling)', hopeless: false },
    { name: 'a Spot price too low', message: 'SpotMaxPriceTooLow: Your Spot request price is lower than the minimum required Spot request fulfillment price', hopeless: false },
    { name: 'an instance replaced after failed health checks (not the image)', message: 'Instance i-0abc was taken out of service in response to an EC2 health check', hopeless: false }
  ])('$name → hopeless: $hopeless', ({ message, hopeless }) => {
    expect(isImageLaunchFailure(message)).toBe(hopeless)
  })
})
