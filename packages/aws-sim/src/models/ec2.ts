// EC2 instances as EC2 sees them: states pending → running → shutting-down → terminated, forgetting
// terminated ids after ec2ForgetMs, TerminateInstances (all-or-nothing) and termination protection.

import { notFound, SimError } from '../core/errors.js'
import type { Account } from './account.js'
import type { TargetsModel } from './targets.js'

/** What EC2 sees of the account: the shared state and the target groups its terminations deregister from. */
export interface Ec2Account extends Account {
  readonly targets: TargetsModel
}
import type { SimInstance } from '../core/types.js'

/** EC2 StateReason code of a Spot interruption. */
export const SPOT_INTERRUPTION = 'Server.SpotInstanceTermination'

/** EC2 API reference, StateReason: the messages of the codes EC2 sets when it takes an instance away. */
const SERVER_MESSAGES: Record<string, string> = {
  'Server.SpotInstanceTermination': 'Spot instance termination',
  'Server.ScheduledStop': 'Stopped due to scheduled retirement',
  'Server.InternalError': 'Internal error'
}

/** The StateReason of a termination through the EC2 API (a person, or Auto Scaling replacing an instance). */
export const USER_SHUTDOWN = { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' }

/** shutting-down → terminated. */
export const EC2_SHUTDOWN_MS = 5_000

export class Ec2Model {
  constructor(private readonly w: Ec2Account) {}

  /**
   * EC2 TerminateInstances as a person or a Spot reclaim would do it: not a request of the code under test
   * (not in `calls`, not a write, not checked by invariant 3). A protected instance (DisableApiTermination)
   * is refused as EC2 would refuse it (throws).
   */
  terminateBehindOurBack(instanceId: string): void {
    const i = this.w.mustInstance(instanceId)
    if (i.forgotten) throw new Error(`EC2 has forgotten ${instanceId}`)
    if (i.disableApiTermination) throw new Error(`${instanceId} is protected from termination (DisableApiTermination)`)
    this.ec2Terminate([i])
    this.w.settle()
  }

  /**
   * EC2 takes an instance away by itself: a Spot interruption (`Server.SpotInstanceTermination`, after the
   * two-minute notice the test models by waiting), a scheduled retirement (`Server.ScheduledStop`) or a host
   * failure (`Server.InternalError`). EC2 shuts it down at once (its targets fail their health checks);
   * Auto Scaling's EC2 health check sees it only `asgNoticeMs` later (unknown timing: harsh), then replaces it.
   */
  interruptByAws(instanceId: string, code: string = SPOT_INTERRUPTION, asgNoticeMs = 60_000): void {
    const i = this.w.mustInstance(instanceId)
    if (i.ec2State !== 'pending' && i.ec2State !== 'running') throw new Error(`${instanceId} is ${i.ec2State}`)
    if (code.startsWith('Server.Spot')) i.instanceLifecycle = 'spot'
    i.stateReason = { code, message: `${code}: ${SERVER_MESSAGES[code] ?? 'Server error'}` }
    i.asgSeesEc2At = this.w.now() + asgNoticeMs
    this.ec2Terminate([i])
    this.w.settle()
  }

  /** EC2 termination protection (`DisableApiTermination`) of one instance. */
  protectFromTermination(instanceId: string, on = true): void {
    this.w.mustInstance(instanceId).disableApiTermination = on
  }

  /** EC2's view: the instance exists (not forgotten). */
  ec2Knows(id: string): boolean {
    const i = this.w.instances.get(id)
    return i !== undefined && !i.forgotten
  }

  nextDueEc2(see: (t: number | undefined) => void): void {
    for (const i of this.w.instances.values()) {
      see(i.ec2TerminatedAt)
      see(i.forgetAt)
      see(i.asgSeesEc2At)
    }
  }

  /** shutting-down → terminated, and forgetting terminated instances. */
  stepEc2(now: number): void {
    for (const i of this.w.instances.values()) {
      // Auto Scaling's health check sees the interruption from now on (autoscaling.ts reads it unset as seen).
      if (i.asgSeesEc2At !== undefined && i.asgSeesEc2At <= now) i.asgSeesEc2At = undefined
      if (i.ec2TerminatedAt !== undefined && i.ec2TerminatedAt <= now) {
        i.ec2TerminatedAt = undefined
        i.ec2State = 'terminated'
        i.forgetAt = now + this.w.ec2ForgetMs
      }
      if (i.forgetAt !== undefined && i.forgetAt <= now) {
        i.forgetAt = undefined
        i.forgotten = true
      }
    }
  }

  ec2TerminateInstances(ids: string[]): { id: string; previous: string; current: string }[] {
    if (ids.length > 1000) throw new SimError('InvalidParameterValue', 'The maximum number of instance ids is 1000.')
    const unknown = ids.filter((id) => !this.ec2Knows(id))
    if (unknown.length > 0) throw notFound(unknown)
    const insts = ids.map((id) => this.w.instances.get(id) as SimInstance)
    // Termination protection fails the whole call; nothing is terminated.
    const protectedOne = insts.find((i) => i.disableApiTermination && i.ec2State !== 'terminated')
    if (protectedOne) {
      throw new SimError('OperationNotPermitted', `The instance '${protectedOne.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`)
    }
    this.w.checkNotServing(insts, 'EC2 TerminateInstances')
    return this.ec2Terminate(insts)
  }

  /** EC2's DescribeInstanceAttribute / ModifyInstanceAttribute for `disableApiTermination`. */
  ec2Instance(id: string | undefined): SimInstance {
    if (id === undefined || !this.ec2Knows(id)) throw notFound([id ?? ''])
    return this.w.instances.get(id) as SimInstance
  }

  private ec2Terminate(insts: SimInstance[]): { id: string; previous: string; current: string }[] {
    return insts.map((i) => {
      const previous = i.ec2State
      if (i.ec2State === 'pending' || i.ec2State === 'running') {
        i.stateReason ??= USER_SHUTDOWN
        i.ec2State = 'shutting-down'
        i.ec2TerminatedAt = this.w.now() + EC2_SHUTDOWN_MS
        const g = i.group ? this.w.groups.get(i.group) : undefined
        for (const tg of this.w.targetGroups.values()) {
          const t = tg.targets.get(i.id)
          if (t && t.state !== 'draining') Object.assign(t, { state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed', due: undefined, next: undefined, after: undefined })
        }
        if (!g) {
          // Not in a group: leave every target group at once (the ELB sees it go).
          this.w.targets.deregister(i)
        } else if (i.lifecycle === 'Standby') {
          // Stays in the group as a "ghost": Standby, health frozen at Healthy.
        } else if (i.lifecycle === 'Pending' || i.lifecycle === 'Pending:Wait' || i.lifecycle === 'InService') {
          if (i.lifecycle === 'Pending' || i.lifecycle === 'Pending:Wait') {
            i.due = this.w.now()
            i.hookHoldMs = undefined
          }
          // Auto Scaling sees an API termination at once; an interruption by EC2 when its health check runs.
          if (i.asgSeesEc2At === undefined) i.healthStatus = 'Unhealthy'
        }
      }
      return { id: i.id, previous, current: i.ec2State }
    })
  }
}
