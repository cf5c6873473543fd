// Who took an instance away (src/domain/interruption.ts), from EC2's StateReason and InstanceLifecycle
// as DescribeInstances reports them (src/aws/translate.ts toInstanceFate).
import { describe, expect, it } from '@jest/globals'
import { toInstanceFate } from '../../src/aws/translate.js'
import { takenByAws } from '../../src/domain/interruption.js'

describe('an instance AWS took away, from EC2 StateReason', () => {
  it('translates State, StateReason and InstanceLifecycle', () => {
    expect(
      toInstanceFate({
        InstanceId: 'i-1',
        State: { Name: 'terminated', Code: 48 },
        StateReason: { Code: 'Server.SpotInstanceTermination', Message: 'Server.SpotInstanceTermination: Spot instance termination' },
        InstanceLifecycle: 'spot'
      })
    ).toEqual({ state: 'terminated', reasonCode: 'Server.SpotInstanceTermination', reasonMessage: 'Server.SpotInstanceTermination: Spot instance termination', lifecycle: 'spot' })
    expect(toInstanceFate({ InstanceId: 'i-2', State: { Name: 'running', Code: 16 } })).toEqual({ state: 'running' })
  })

  it.each([
    { name: 'a Spot interruption', fate: { state: 'terminated', reasonCode: 'Server.SpotInstanceTermination', lifecycle: 'spot' }, why: /^Spot interruption: Server\.SpotInstanceTermination/ },
    { name: 'a scheduled retirement', fate: { state: 'stopped', reasonCode: 'Server.ScheduledStop' }, why: /^scheduled retirement/ },
    { name: 'a host failure', fate: { state: 'shutting-down', reasonCode: 'Server.InternalError' }, why: /^EC2 internal error/ },
    { name: 'Auto Scaling (or a person) through the API: the release may be at fault', fate: { state: 'terminated', reasonCode: 'Client.UserInitiatedShutdown' }, why: undefined },
    { name: "the instance's own OS shut it down: the release may be at fault", fate: { state: 'terminated', reasonCode: 'Client.InstanceInitiatedShutdown' }, why: undefined },
    { name: 'still running (no reason yet): not excused', fate: { state: 'running', reasonCode: 'Server.SpotInstanceTermination' }, why: undefined },
    { name: 'EC2 no longer lists it: not excused', fate: undefined, why: undefined }
  ])('$name', ({ fate, why }) => {
    const got = takenByAws(fate)
    if (why === undefined) expect(got).toBeUndefined()
    else expect(got).toMatch(why)
  })
})
