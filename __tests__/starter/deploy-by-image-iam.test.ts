// The extra permissions a deploy by image needs (README, "Deploy a baked image"): UpdateAutoScalingGroup
// with a launch template checks that the caller may launch what it describes — ec2:RunInstances,
// iam:PassRole for its instance profile, and, when the template has tag specifications, ec2:CreateTags
// restricted to "ec2:CreateAction": "RunInstances" (Auto Scaling user guide, "Control Amazon EC2 launch
// template usage in Auto Scaling groups", "Permissions required to tag instances and volumes": "This
// policy is needed if there are tags specified in the launch template"). That CreateTags must never let
// the role retag an existing instance: the TerminateInstances condition trusts the image-name tag.
import { describe, expect, it } from '@jest/globals'
import { allows, policyInMarkdown, statementFor } from '../../test-support/starter/iam.js'

const extra = policyInMarkdown('README.md', '## Deploy a baked image')
const main = policyInMarkdown('README.md', '## IAM permissions')

describe('the deploy-by-image permissions (README)', () => {
  it('let the idle group be pointed at a launch template: RunInstances, PassRole to EC2 only, CreateTags at launch', () => {
    expect(allows([extra], 'ec2:RunInstances', {})).toBe(true)
    expect(allows([extra], 'iam:PassRole', { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(true)
    expect(allows([extra], 'iam:PassRole', { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(false)
    // The tags of the template's TagSpecifications, applied by the launch itself.
    expect(allows([extra], 'ec2:CreateTags', { 'ec2:CreateAction': 'RunInstances' })).toBe(true)
    expect(statementFor(extra, 'ec2:CreateTags')?.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': 'RunInstances' } })
  })

  it('never let the role retag an existing instance (to widen what TerminateInstances may terminate), with the main policy or without', () => {
    for (const docs of [[extra], [main, extra]]) {
      // A CreateTags call of its own carries no ec2:CreateAction.
      expect(allows(docs, 'ec2:CreateTags', {})).toBe(false)
      expect(allows(docs, 'ec2:CreateTags', { 'ec2:CreateAction': 'CreateVolume' })).toBe(false)
      expect(allows(docs, 'ec2:DeleteTags', {})).toBe(false)
    }
  })
})
