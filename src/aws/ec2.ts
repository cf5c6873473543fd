// EC2, through the lazily loaded client: which instances still run, their tags, termination protection,
// and terminating the instances finalize has detached.
import type { Instance as Ec2Instance } from '@aws-sdk/client-ec2'
import { ActionError, AwsCallFailed } from '../errors.js'
import { chunk } from '../domain/steps.js'
import { type Aws, allPages, errorName, wrap } from './call.js'
import type { Bucket, Pacer } from './pacer.js'
import { isRunning, tagsOf, toInstanceFate } from './translate.js'
import type { InstanceFate } from '../domain/interruption.js'

/** DescribeInstances: instance ids per call (one `instance-id` filter each). */
const INSTANCES_PER_CALL = 100

/**
 * DescribeInstanceAttribute reads one instance per call (EC2 has no batched read of disableApiTermination), and
 * EC2 throttles it from a bucket of its own: 100 calls, refilled at 20 a second (EC2 developer guide, "Request
 * throttling for the Amazon EC2 API", non-mutating actions). The run's reads are paced by that bucket (one
 * Pacer per run, AwsFleet), less 10 calls of burst kept in reserve: EC2 counts a call when it arrives, and
 * latencies vary (a call sent later may arrive sooner); others in the account draw on the same bucket. No
 * rounds: each read goes out as soon as the pacer and the client's in-flight limit (clients.ts) let it.
 */
export const ATTRIBUTE_READS: Bucket = { capacity: 90, refillPerSecond: 20 }

/** Of these instance ids, the ones EC2 no longer runs (terminated, shutting down, or forgotten). */
export async function instancesGone(aws: Aws, instanceIds: string[]): Promise<Set<string>> {
  const running = new Set<string>()
  for (const i of await describeInstances(aws, instanceIds)) if (i.InstanceId && isRunning(i)) running.add(i.InstanceId)
  return new Set(instanceIds.filter((id) => !running.has(id)))
}

export async function instanceTags(aws: Aws, instanceIds: string[]): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {}
  for (const i of await describeInstances(aws, instanceIds)) if (i.InstanceId) out[i.InstanceId] = tagsOf(i)
  return out
}

/** Each instance's AMI (ImageId), as EC2 launched it. */
export async function instanceImages(aws: Aws, instanceIds: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const i of await describeInstances(aws, instanceIds)) if (i.InstanceId && i.ImageId) out[i.InstanceId] = i.ImageId
  return out
}

/** Each instance's EC2 state, StateReason and InstanceLifecycle: whether AWS took it away (domain/interruption.ts). */
export async function instanceFates(aws: Aws, instanceIds: string[]): Promise<Record<string, InstanceFate>> {
  const out: Record<string, InstanceFate> = {}
  for (const i of await describeInstances(aws, instanceIds)) if (i.InstanceId) out[i.InstanceId] = toInstanceFate(i)
  return out
}

/** The calls go out together: EC2's bucket of each Describe API (100, refilled at 20 a second) takes them. */
async function describeInstances(aws: Aws, instanceIds: string[]): Promise<Ec2Instance[]> {
  const answers = await Promise.all(
    chunk(instanceIds, INSTANCES_PER_CALL).map((ids) =>
      // A filter (unlike InstanceIds) does not fail on ids EC2 has forgotten: they are simply not listed.
      aws.call(`DescribeInstances (${ids.length} instance(s))`, async () => {
        const { client, api } = await aws.clients.ec2()
        return allPages(api.paginateDescribeInstances({ client }, { Filters: [{ Name: 'instance-id', Values: ids }], MaxResults: 1000 }), (page) => page.Reservations)
      })
    )
  )
  return answers.flat().flatMap((r) => r.Instances ?? [])
}

/**
 * A read naming instances fails whole when one of them is an id EC2 has forgotten (`codes`): ask EC2
 * which ids are gone, and read again without them (`none` when none is left).
 */
export async function withoutForgotten<T>(aws: Aws, what: string, codes: string[], ids: string[], none: T, read: (ids: string[]) => Promise<T>): Promise<T> {
  try {
    return await read(ids)
  } catch (err) {
    if (!(err instanceof AwsCallFailed) || !codes.includes(err.awsError)) throw err
    const gone = await instancesGone(aws, ids)
    if (gone.size === 0) throw err
    const known = ids.filter((id) => !gone.has(id))
    aws.log(`${what}: ${err.awsError}; ${gone.size} instance(s) EC2 no longer runs left out (${[...gone].join(', ')})`)
    return known.length > 0 ? read(known) : none
  }
}

/** EC2 TerminateInstances; fails naming the instances EC2 refused (termination protection), after terminating the rest. */
export async function terminate(aws: Aws, ids: string[]): Promise<void> {
  const refused = await terminateWhatEc2Allows(aws, ids)
  if (refused.length > 0) throw new InstancesLeftRunning(refused)
}

/** Terminates every id EC2 lets us; returns those it refused (termination protection) with its reason. */
async function terminateWhatEc2Allows(aws: Aws, ids: string[]): Promise<{ id: string; reason: string }[]> {
  try {
    const { client, api } = await aws.clients.ec2()
    await client.send(new api.TerminateInstancesCommand({ InstanceIds: ids }))
    return []
  } catch (err) {
    if (ids.length === 1) {
      if (isNotFound(err)) return [] // long gone
      if (isRefused(err)) return [{ id: ids[0] as string, reason: `${(err as Error).name}: ${(err as Error).message}` }]
      throw wrap(`TerminateInstances (${ids.join(', ')})`, err)
    }
    // One unknown id makes EC2 terminate nothing; one protected id stops every id of its zone. One by one.
    if (!isNotFound(err) && !isRefused(err)) throw wrap(`TerminateInstances (${ids.join(', ')})`, err)
    const refused: { id: string; reason: string }[] = []
    for (const id of ids) refused.push(...(await terminateWhatEc2Allows(aws, [id])))
    return refused
  }
}

/**
 * Those of the instances with termination protection (DisableApiTermination) on; unknown ids are not.
 * `pace` is the run's pacer of DescribeInstanceAttribute (ATTRIBUTE_READS).
 */
export async function terminationProtected(aws: Aws, ids: string[], pace: Pacer): Promise<string[]> {
  const flags = await Promise.all(
    ids.map(async (id) => {
      await pace.take()
      return aws.call(`DescribeInstanceAttribute disableApiTermination of ${id}`, async () => {
        try {
          const { client, api } = await aws.clients.ec2()
          const r = await client.send(new api.DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'disableApiTermination' }))
          return r.DisableApiTermination?.Value === true
        } catch (err) {
          if (isNotFound(err)) return false // gone: nothing to terminate
          throw err
        }
      })
    })
  )
  return ids.filter((_, n) => flags[n])
}

function isNotFound(err: unknown): boolean {
  return errorName(err) === 'InvalidInstanceID.NotFound'
}

/** EC2's answer to TerminateInstances on an instance with termination protection (DisableApiTermination). */
function isRefused(err: unknown): boolean {
  return errorName(err) === 'OperationNotPermitted'
}

/**
 * EC2 refused to terminate instances finalize had already detached: they run, billed, outside any group.
 * Not an AwsCallFailed: re-observing and trying again cannot help until someone lifts the protection.
 */
export class InstancesLeftRunning extends ActionError {
  constructor(readonly refused: { id: string; reason: string }[]) {
    const ids = refused.map((r) => r.id)
    super(
      `EC2 refused to terminate ${ids.join(', ')} (${refused[0]?.reason}). ` +
        `${ids.length === 1 ? 'It is' : 'They are'} detached from ${ids.length === 1 ? 'its' : 'their'} Auto Scaling group and still running (and billed) outside any group. ` +
        `Turn termination protection off and terminate ${ids.length === 1 ? 'it' : 'them'}: ` +
        (ids.length === 1
          ? `aws ec2 modify-instance-attribute --instance-id ${ids[0]} --no-disable-api-termination; `
          : `for id in ${ids.join(' ')}; do aws ec2 modify-instance-attribute --instance-id "$id" --no-disable-api-termination; done; `) +
        `aws ec2 terminate-instances --instance-ids ${ids.join(' ')} (or turn protection off and re-run finalize, which remembers them).`
    )
    this.name = 'InstancesLeftRunning'
  }
}
