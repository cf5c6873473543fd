// Classic Load Balancer instance health (DescribeInstanceHealth), through the lazily loaded Classic
// Load Balancing client: only fleets attached to a Classic LB load it.
import { classicHealth } from '../domain/classic.js'
import type { TargetHealth } from '../domain/model.js'
import type { Aws } from './call.js'
import { withoutForgotten } from './ec2.js'

/** Instances named per call before asking for every registered instance instead (as for target groups). */
const INSTANCES_PER_CALL = 100

/**
 * Health of these instances in one Classic LB. One instance EC2 has forgotten fails the call for all, as
 * for target groups: those are left out. The wire code is InvalidInstance; the SDK names the error
 * InvalidEndPointException.
 */
export async function instanceHealth(aws: Aws, loadBalancerName: string, instanceIds: string[]): Promise<Record<string, TargetHealth>> {
  return withoutForgotten(aws, `DescribeInstanceHealth for ${loadBalancerName}`, ['InvalidInstance', 'InvalidEndPointException', 'InvalidEndPoint'], instanceIds, {}, (ids) =>
    describeInstanceHealth(aws, loadBalancerName, ids)
  )
}

// DescribeInstanceHealth is not paged (no paginator): one answer lists every instance asked about.
/**
 * Health of these instances in one Classic LB, mapped to target group states (domain/classic.ts). Up to 100
 * are named: the LB answers each, registered or not, and leaves out terminated ones. Beyond that every
 * registered instance is read, and one it does not list is not registered (unused).
 */
async function describeInstanceHealth(aws: Aws, loadBalancerName: string, instanceIds: string[]): Promise<Record<string, TargetHealth>> {
  const out: Record<string, TargetHealth> = {}
  const named = instanceIds.length <= INSTANCES_PER_CALL
  if (!named) for (const id of instanceIds) out[id] = classicHealth('OutOfService', 'N/A', 'Instance is not currently registered with the LoadBalancer.')
  const states = await aws.call(`DescribeInstanceHealth for Classic Load Balancer ${loadBalancerName}`, async () => {
    const { client, api } = await aws.clients.elb()
    const r = await client.send(
      new api.DescribeInstanceHealthCommand({ LoadBalancerName: loadBalancerName, ...(named ? { Instances: instanceIds.map((InstanceId) => ({ InstanceId })) } : {}) })
    )
    return r.InstanceStates ?? []
  })
  const asked = new Set(instanceIds)
  for (const s of states) {
    if (!s.InstanceId || !asked.has(s.InstanceId)) continue
    out[s.InstanceId] = classicHealth(s.State, s.ReasonCode, s.Description)
  }
  return out
}
