// Scaling follows the traffic: a policy or scheduled action is recreated on the group that now
// serves, then deleted from the other. Both halves are idempotent, so a re-run converges.
import {
  DeletePolicyCommand,
  DeleteScheduledActionCommand,
  PutScalingPolicyCommand,
  PutScheduledUpdateGroupActionCommand,
  type PutScalingPolicyCommandInput
} from '@aws-sdk/client-auto-scaling'
import type { ScalingPolicy, ScheduledAction } from '../domain/model.js'
import type { Aws } from './call.js'
import { repointAlarms } from './cloudwatch.js'
import { swapGroupDimension } from './translate.js'

export async function movePolicy(aws: Aws, move: { from: string; to: string; policy: ScalingPolicy }): Promise<void> {
  const { from, to, policy } = move
  const input = {
    ...swapGroupDimension(policy.settings, from, to),
    AutoScalingGroupName: to,
    PolicyName: policy.name,
    PolicyType: policy.type
  } as PutScalingPolicyCommandInput
  const created = await aws.write(`PutScalingPolicy ${policy.name} on ${to}`, () => aws.clients.autoscaling.send(new PutScalingPolicyCommand(input)))
  // Target-tracking alarms belong to Auto Scaling: it makes new ones for the new policy. Step and simple
  // policies are fired by the owner's alarms, which still point at the old ARN (it embeds the group name).
  if (policy.type !== 'TargetTrackingScaling' && created.PolicyARN && policy.arn) {
    await repointAlarms(aws, { oldArn: policy.arn, newArn: created.PolicyARN, from, to })
  }
  await aws.write(`DeletePolicy ${policy.name} on ${from}`, () =>
    aws.clients.autoscaling.send(new DeletePolicyCommand({ AutoScalingGroupName: from, PolicyName: policy.name }))
  )
}

export async function moveScheduledAction(aws: Aws, move: { from: string; to: string; action: ScheduledAction; now: number }): Promise<void> {
  const { from, to, action, now } = move
  // AWS rejects a start time in the past; a recurring action is then scheduled by its recurrence alone.
  const startTime = action.startTime && action.startTime.getTime() > now + 60_000 ? action.startTime : undefined
  await aws.write(`PutScheduledUpdateGroupAction ${action.name} on ${to}`, () =>
    aws.clients.autoscaling.send(
      new PutScheduledUpdateGroupActionCommand({
        AutoScalingGroupName: to,
        ScheduledActionName: action.name,
        StartTime: startTime,
        EndTime: action.endTime,
        Recurrence: action.recurrence,
        TimeZone: action.timeZone,
        MinSize: action.min,
        MaxSize: action.max,
        DesiredCapacity: action.desired
      })
    )
  )
  await aws.write(`DeleteScheduledAction ${action.name} on ${from}`, () =>
    aws.clients.autoscaling.send(new DeleteScheduledActionCommand({ AutoScalingGroupName: from, ScheduledActionName: action.name }))
  )
}
