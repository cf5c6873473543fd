// The scans the starter kit's IAM and Terraform checks rest on (test-support/starter/iam.ts, terraform.ts),
// run on fixtures written the ways src/ calls the SDK: they must pick up the ELBv2 listener and rule calls
// of the weighted target group topology (DescribeListeners, DescribeRules, ModifyListener, ModifyRule) the
// whichever way src/ sends them: a command object, the SDK's paginators (the client package has
// paginateDescribeListeners and paginateDescribeRules), or a client loaded on first use. src/ calls all four.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2'
import { actionsCalledByCode } from '../../test-support/starter/iam.js'
import { writtenByCode } from '../../test-support/starter/terraform.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** A throwaway source tree: file name → contents. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-scan-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
  }
  return dir
}

const FOUR = ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyRule']

describe('the IAM scan of the code (actionsCalledByCode)', () => {
  it('the SDK has the commands and paginators the weighted topology needs', () => {
    for (const name of ['DescribeListenersCommand', 'DescribeRulesCommand', 'ModifyListenerCommand', 'ModifyRuleCommand', 'paginateDescribeListeners', 'paginateDescribeRules']) {
      expect(typeof (elbv2 as Record<string, unknown>)[name]).toBe('function')
    }
  })

  it('finds the four listener and rule calls sent as commands', () => {
    const dir = tree({
      'aws/listeners.ts': [
        "import { DescribeListenersCommand, DescribeRulesCommand, ModifyListenerCommand, ModifyRuleCommand, type Action } from '@aws-sdk/client-elastic-load-balancing-v2'",
        'export async function read(aws: any, lb: string, listener: string) {',
        '  await aws.clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb }))',
        '  await aws.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener }))',
        '}',
        'export async function swap(aws: any, listener: string, rule: string, actions: Action[]) {',
        '  await aws.clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: listener, DefaultActions: actions }))',
        '  await aws.clients.elbv2.send(new ModifyRuleCommand({ RuleArn: rule, Actions: actions }))',
        '}'
      ].join('\n')
    })
    expect(actionsCalledByCode(dir).actions).toEqual(FOUR)
  })

  it('finds the reads sent through the paginators, and the writes through a lazily loaded client', () => {
    const dir = tree({
      'aws/read.ts': [
        "import { paginateDescribeListeners, paginateDescribeRules } from '@aws-sdk/client-elastic-load-balancing-v2'",
        'export async function read(client: any, lb: string, listener: string) {',
        '  for await (const page of paginateDescribeListeners({ client }, { LoadBalancerArn: lb })) void page',
        '  for await (const page of paginateDescribeRules({ client }, { ListenerArn: listener })) void page',
        '}'
      ].join('\n'),
      'aws/clients.ts': "export const make = (lazy: any) => ({ elbv2w: lazy(() => import('@aws-sdk/client-elastic-load-balancing-v2'), (api: any) => new api.ElasticLoadBalancingV2Client({})) })",
      'aws/write.ts': [
        'export async function swap(aws: any, listener: string, rule: string, actions: unknown[]) {',
        '  const { client, api } = await aws.clients.elbv2w()',
        '  await client.send(new api.ModifyListenerCommand({ ListenerArn: listener, DefaultActions: actions }))',
        '  await client.send(new api.ModifyRuleCommand({ RuleArn: rule, Actions: actions }))',
        '}'
      ].join('\n')
    })
    expect(actionsCalledByCode(dir).actions).toEqual(FOUR)
  })

  it('does not count an import that is never called, nor a type-only import', () => {
    const dir = tree({
      'a.ts': [
        "import { ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2'",
        "import type { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2'",
        'export const kinds: unknown[] = [ModifyRuleCommand]'
      ].join('\n')
    })
    expect(actionsCalledByCode(dir).actions).toEqual([])
  })
})

describe('the code', () => {
  it('calls the four listener and rule actions of the weighted topology (src/aws/listeners.ts)', () => {
    expect(actionsCalledByCode('src').actions).toEqual(expect.arrayContaining(FOUR))
  })
})
describe('the Terraform write scan (writtenByCode)', () => {
  it('maps the weight switches to the listener\'s default_action and the rules\' action', () => {
    const dir = tree({
      'swap.ts': [
        "import { ModifyListenerCommand, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2'",
        'export const w = (l: string, r: string) => [new ModifyListenerCommand({ ListenerArn: l }), new ModifyRuleCommand({ RuleArn: r })]'
      ].join('\n')
    })
    expect(writtenByCode(dir)).toEqual({
      attributes: [],
      resourceTypes: [],
      resourceAttributes: { aws_lb_listener: ['default_action'], aws_lb_listener_rule: ['action'] }
    })
  })
})
