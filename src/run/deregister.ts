// After EnterStandby, take the instances out of their target groups at once instead of waiting for Auto
// Scaling's own deregistration, which reaches each target group a moment later (asynchronously; AWS gives
// no bound): the old version stops taking new requests one call after the cutover, not seconds after it.
import type { Fleet } from '../aws/port.js'
import { classicName, trafficKeys } from '../domain/classic.js'
import type { Pair } from '../domain/model.js'
import { AwsCallFailed, errorMessage } from '../errors.js'
import type { Logger } from '../log.js'

/** The SDK's names of a refusal by IAM (the wire code, and its shape's name). */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException'])

/**
 * One per run. Best effort, and only ever after the EnterStandby of the same instances succeeded: every state
 * it leaves (deregistered or not yet) is one Auto Scaling's own deregistration leads to anyway, so a run killed
 * around it, or a call that fails, changes nothing a re-run or a rollback has to know about. Classic Load
 * Balancers are left to Auto Scaling.
 */
export class TargetDeregistration {
  /** The role may not call DeregisterTargets: said once, not tried again this run. */
  private denied = false

  constructor(
    private readonly fleet: Fleet,
    private readonly log: Logger
  ) {}

  /** Deregisters `ids`, which just entered Standby, from `group`'s target groups; says what it did. */
  async afterStandby(pair: Pair, group: string, ids: string[]): Promise<string | undefined> {
    const g = pair.groups.find((x) => x.name === group)
    const arns = g ? trafficKeys(g).filter((key) => classicName(key) === undefined) : []
    if (this.denied || arns.length === 0 || ids.length === 0) return undefined
    const done = await Promise.all(arns.map((arn) => this.deregister(group, arn, ids)))
    const now = done.filter((d) => d).length
    if (now === 0) return 'left to Auto Scaling to deregister from the load balancer'
    return now === arns.length
      ? `taken out of ${now} target group(s) at once`
      : `taken out of ${now} of ${arns.length} target groups at once; Auto Scaling deregisters them from the rest`
  }

  private async deregister(group: string, arn: string, ids: string[]): Promise<boolean> {
    try {
      return await this.fleet.deregisterTargets(arn, ids)
    } catch (err) {
      if (err instanceof AwsCallFailed && DENIED.has(err.awsError)) {
        if (!this.denied) {
          this.denied = true
          this.log.warning(
            `${group}: the role may not call elasticloadbalancing:DeregisterTargets, so the old instances leave the load balancer when Auto Scaling deregisters them, a moment after EnterStandby. ` +
              'Add the action to the role (README, IAM permissions) to cut traffic over within one call.'
          )
        }
      } else {
        this.log.info(`${group}: ${errorMessage(err)}; Auto Scaling deregisters the instances itself.`)
      }
      return false
    }
  }
}
