// Elastic Load Balancing v2: target health (named targets, or the whole target group), health-check
// timing and deregistration delays of target groups.
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  paginateDescribeTargetGroups,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { classicName } from '../domain/classic.js'
import type { TargetHealth } from '../domain/model.js'
import { chunk } from '../domain/steps.js'
import { type Aws, allPages } from './call.js'
import type { Bucket } from './pacer.js'
import { withoutForgotten } from './ec2.js'
import type { TargetGroupDrain, TargetGroupHealthCheck } from './port.js'
import { NOT_REGISTERED, drainOf, toHealthCheck, toTargetHealth } from './translate.js'

/** DescribeTargetHealth: instances named per call before asking for the whole target group instead. */
const TARGETS_PER_CALL = 100

/** DescribeTargetGroups takes at most 20 TargetGroupArns per call. */
const TARGET_GROUPS_PER_CALL = 20

/**
 * The run's own DeregisterTargets calls, at most. ELB does not publish the bucket of these actions; the AWS
 * Load Balancer Controller limits itself to 4 RegisterTargets / DeregisterTargets a second with bursts of 20
 * by default ("Scaling your controller deployment"): a burst of 20 from one client is what ELB is expected to
 * take. The same burst, so that 20 pairs cutting over at once each take their old instances out themselves,
 * and half that rate after it, so a controller in the same account keeps most of its share. A call left out
 * is Auto Scaling's to make (its deregistrations draw on its own bucket: ELB user guide, "Request throttling
 * for the ELB API"); a throttled one is retried by the SDK.
 */
export const TARGET_WRITES: Bucket = { capacity: 20, refillPerSecond: 2 }

/** Targets named per DeregisterTargets call: AWS publishes no maximum; 100, as DescribeTargetHealth is asked. */
export const TARGETS_PER_DEREGISTER = 100

/**
 * DeregisterTargets: the instances stop receiving new requests from the target group now, and drain
 * (API reference: "After the targets are deregistered, they no longer receive traffic from the load
 * balancer"; a target that is not registered is no error). Instance targets, registered by Auto Scaling on
 * the target group's port: the id alone names them.
 */
export async function deregisterTargets(aws: Aws, targetGroupArn: string, instanceIds: string[]): Promise<void> {
  await aws.call(`DeregisterTargets for ${targetGroupArn}`, () =>
    aws.clients.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: instanceIds.map((Id) => ({ Id })) }))
  )
}

// DescribeTargetHealth is not paged (no paginator): one answer lists every target asked about.
export async function targetHealth(aws: Aws, targetGroupArn: string, instanceIds: string[]): Promise<Record<string, TargetHealth>> {
  const out: Record<string, TargetHealth> = {}
  const asked = new Set(instanceIds)
  let listed: TargetHealthDescription[]
  if (instanceIds.length > TARGETS_PER_CALL) {
    // More than one call's worth: ask for the whole target group (its registered targets) in one call,
    // so a poll costs one call per target group whatever the fleet's size. Not listed = not registered.
    for (const id of instanceIds) out[id] = { ...NOT_REGISTERED }
    listed = await describeTargetHealth(aws, targetGroupArn)
  } else {
    // One id EC2 has forgotten (an instance terminated over an hour ago, e.g. a Standby instance reclaimed
    // behind the group's back) fails the call for all: ask EC2 which ids are gone, ask again without them.
    // The wire code is InvalidTarget; the SDK names the error after its shape, InvalidTargetException.
    listed = await withoutForgotten(aws, `DescribeTargetHealth for ${targetGroupArn}`, ['InvalidTarget', 'InvalidTargetException'], instanceIds, [], (ids) =>
      describeTargetHealth(aws, targetGroupArn, ids)
    )
  }
  for (const d of listed) {
    const health = toTargetHealth(d)
    if (health && asked.has(health[0])) out[health[0]] = health[1]
  }
  return out
}

/** The named targets' health, or every registered target's when `ids` is undefined. */
async function describeTargetHealth(aws: Aws, targetGroupArn: string, ids?: string[]): Promise<TargetHealthDescription[]> {
  return aws.call(`DescribeTargetHealth for ${targetGroupArn}`, async () => {
    const r = await aws.clients.elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn, ...(ids ? { Targets: ids.map((Id) => ({ Id })) } : {}) })
    )
    return r.TargetHealthDescriptions ?? []
  })
}

export async function targetGroupHealthChecks(aws: Aws, keys: string[]): Promise<Record<string, TargetGroupHealthCheck>> {
  const out: Record<string, TargetGroupHealthCheck> = {}
  const client = aws.clients.elbv2
  // A wait's keys include its Classic LBs (domain/classic.ts): not target groups, not asked here.
  const targetGroupArns = keys.filter((k) => classicName(k) === undefined)
  for (const arns of chunk(targetGroupArns, TARGET_GROUPS_PER_CALL)) {
    const tgs = await aws.call(`DescribeTargetGroups (${arns.join(', ')})`, () =>
      allPages(paginateDescribeTargetGroups({ client }, { TargetGroupArns: arns }), (page) => page.TargetGroups)
    )
    for (const tg of tgs) if (tg.TargetGroupArn) out[tg.TargetGroupArn] = toHealthCheck(tg)
  }
  return out
}

// DescribeTargetGroupAttributes is not paged (no paginator): one target group's attributes per call.
export async function deregistrationDelays(aws: Aws, targetGroupArns: string[]): Promise<Record<string, TargetGroupDrain>> {
  const pairs = await Promise.all(
    targetGroupArns.map(async (arn) => {
      const attributes = await aws.call(`DescribeTargetGroupAttributes for ${arn}`, async () => {
        const r = await aws.clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }))
        return r.Attributes ?? []
      })
      return [arn, drainOf(attributes)] as const
    })
  )
  return Object.fromEntries(pairs)
}
