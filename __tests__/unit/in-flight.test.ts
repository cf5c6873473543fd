// Issue 22 (cutover lag with many pairs): the run lets a few calls per service be in flight (limitInFlight);
// a write waiting for a slot goes out before the reads that waited longer, so a cutover's writes do not queue
// behind the other pairs' looks. Proven on a real SDK client whose requests are held until released.
import { describe, expect, it } from '@jest/globals'
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand, EnterStandbyCommand, SuspendProcessesCommand } from '@aws-sdk/client-auto-scaling'
import { isRead, limitInFlight } from '../../src/aws/clients.js'

/** A request handler that answers each request only when `releaseOne` is called; records the actions sent. */
function heldHandler(): { handler: unknown; sent: string[]; releaseOne: () => Promise<void> } {
  const sent: string[] = []
  const held: (() => void)[] = []
  const handler = {
    handle: async (request: { body?: string }) => {
      const action = /Action=(\w+)/.exec(String(request.body))?.[1] ?? '?'
      sent.push(action)
      await new Promise<void>((resolve) => held.push(resolve))
      const body = `<${action}Response><${action}Result></${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`
      return { response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: new TextEncoder().encode(body) } }
    },
    destroy: () => undefined
  }
  // Waits (event-loop turns, not timers) until a request is held, then answers it.
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
  return {
    handler,
    sent,
    releaseOne: async () => {
      while (held.length === 0) await turn()
      held.shift()?.()
    }
  }
}

describe('calls in flight per service', () => {
  it('a waiting write takes the next free slot before reads that waited longer', async () => {
    const { handler, sent, releaseOne } = heldHandler()
    const client = limitInFlight(
      new AutoScalingClient({ region: 'us-east-1', requestHandler: handler as never, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 }),
      1
    )
    const calls = [
      client.send(new DescribeAutoScalingGroupsCommand({})),
      client.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'prod-a-blue' })),
      client.send(new DescribeAutoScalingGroupsCommand({})),
      client.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'prod-a-blue' })),
      client.send(new EnterStandbyCommand({ AutoScalingGroupName: 'prod-a-blue', ShouldDecrementDesiredCapacity: true, InstanceIds: ['i-0a'] }))
    ]
    for (let n = 0; n < calls.length; n++) await releaseOne()
    await Promise.all(calls)
    // One slot: the first read holds it; then both writes, in the order they were asked for; then the reads.
    expect(sent).toEqual(['DescribeAutoScalingGroups', 'SuspendProcesses', 'EnterStandby', 'DescribeScalingActivities', 'DescribeAutoScalingGroups'])
    client.destroy()
  })

  it('counts Describe, List and Get commands as reads, everything else as a write', () => {
    expect(['DescribeTargetHealthCommand', 'ListTagsCommand', 'GetMetricDataCommand'].map(isRead)).toEqual([true, true, true])
    expect(['EnterStandbyCommand', 'ModifyListenerCommand', 'CreateOrUpdateTagsCommand', undefined].map(isRead)).toEqual([false, false, false, false])
  })
})
