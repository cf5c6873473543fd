// Classic Load Balancing (AWS Query, version 2012-06-01): DescribeInstanceHealth. A Classic LB is modelled
// as a target group (models/targets.ts); this renders its target states in the Classic LB's words.
//
// Elastic Load Balancing API reference 2012-06-01: DescribeInstanceHealth ("If instances are specified,
// their state is returned even if they are no longer registered with the load balancer. The state of
// terminated instances is not returned."; errors InvalidInstance, LoadBalancerNotFound, 400) and
// InstanceState (State InService | OutOfService | Unknown, ReasonCode ELB | Instance | N/A, the Description
// messages). "Configure connection draining for your Classic Load Balancer": a deregistering instance reads
// InService "Instance deregistration currently in progress." while its connections drain.

import { SimError } from '../../core/errors.js'
import { objList, str } from '../form.js'
import { classicKey } from '../../models/targets.js'
import type { World } from '../../world/world.js'
import { registeredTargets } from './elbv2.js'
import { read, type Service, type XmlResult } from './service.js'

type Health = Exclude<ReturnType<World['targetHealth']>, 'invalid'>

/** A target state in the Classic LB's words; undefined for a terminated instance (left out of the answer). */
export function classicView(h: Health): { State: string; ReasonCode: string; Description: string } | undefined {
  switch (h.state) {
    case 'healthy':
      return { State: 'InService', ReasonCode: 'N/A', Description: 'N/A' }
    case 'initial':
      return { State: 'OutOfService', ReasonCode: 'ELB', Description: 'Instance registration is still in progress.' }
    case 'unhealthy':
      return { State: 'OutOfService', ReasonCode: 'Instance', Description: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.' }
    case 'draining':
      return { State: 'InService', ReasonCode: 'N/A', Description: 'Instance deregistration currently in progress.' }
    default:
      if (h.reason === 'Target.InvalidState') return undefined
      return { State: 'OutOfService', ReasonCode: 'N/A', Description: 'Instance is not currently registered with the LoadBalancer.' }
  }
}

export const elb: Service = {
  name: 'elb',
  protocol: 'query',
  xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/',
  ops: {
    DescribeInstanceHealth: read((w, p) => {
      const name = str(p, 'LoadBalancerName') ?? ''
      const lb = w.targetGroups.get(classicKey(name))
      if (!lb) throw new SimError('LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${name}'`)
      // Eventually consistent (realism), like DescribeTargetHealth: a recent registration may not show yet.
      const registered = w.readLag.view(`tg:${lb.arn}`, () => registeredTargets(w, lb))
      const asked = objList(p, 'Instances').map((i) => str(i, 'InstanceId') ?? '')
      const ids = asked.length > 0 ? asked : Object.keys(registered)
      const healthOf = (id: string): ReturnType<World['targetHealth']> => registered[id] ?? w.targetHealth(lb, id)
      const invalid = ids.filter((id) => healthOf(id) === 'invalid')
      if (invalid.length > 0) throw new SimError('InvalidInstance', `Could not find EC2 instance ${invalid[0]}.`)
      const rows: XmlResult[] = []
      for (const id of ids) {
        if (w.instances.get(id)?.ec2State === 'terminated') continue
        const view = classicView(healthOf(id) as Health)
        if (view) rows.push({ InstanceId: id, ...view })
      }
      return { InstanceStates: rows }
    })
  }
}
