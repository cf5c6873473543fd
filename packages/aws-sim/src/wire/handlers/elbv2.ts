// Elastic Load Balancing v2 (AWS Query, version 2015-12-01): target groups and target health; load balancers,
// listeners and rules are in elbv2-listeners.ts.

import { SimError, validation } from '../../core/errors.js'
import { isNetworkProtocol } from '../../models/targets.js'
import { num, objList, str, strList } from '../form.js'
import type { SimTargetGroup } from '../../core/types.js'
import type { World } from '../../world/world.js'
import { listenerOps } from './elbv2-listeners.js'
import { page, read, write, type Service, type XmlResult } from './service.js'

function mustTargetGroup(w: World, arn: string | undefined): SimTargetGroup {
  const tg = arn === undefined ? undefined : w.targetGroups.get(arn)
  if (!tg || tg.classic) throw new SimError('TargetGroupNotFound', `Target groups '${arn ?? ''}' not found`)
  return tg
}

type Health = Exclude<ReturnType<World['targetHealth']>, 'invalid'>

/** Health of every registered target of a target group, by instance id. */
export function registeredTargets(w: World, tg: SimTargetGroup): Record<string, Health> {
  const out: Record<string, Health> = {}
  for (const t of tg.targets.values()) out[t.id] = w.targetHealth(tg, t.id) as Health
  return out
}

function renderTargetGroup(tg: SimTargetGroup): XmlResult {
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: tg.protocol,
    HealthCheckPort: 'traffic-port',
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: tg.healthCheckIntervalSeconds,
    HealthCheckTimeoutSeconds: tg.healthCheckTimeoutSeconds,
    HealthyThresholdCount: tg.healthyAfterChecks,
    UnhealthyThresholdCount: tg.unhealthyThresholdCount,
    HealthCheckPath: tg.healthCheckPath,
    Matcher: { HttpCode: '200' },
    LoadBalancerArns: tg.loadBalancerArns,
    TargetType: 'instance',
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4'
  }
}

export const elbv2: Service = {
  name: 'elbv2',
  protocol: 'query',
  xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  ops: {
    ...listenerOps,
    DescribeTargetHealth: read((w, p) => {
      const tg = mustTargetGroup(w, str(p, 'TargetGroupArn'))
      const requested = objList(p, 'Targets')
      // Eventually consistent (realism): targets changed by a recent write may still read as before it.
      const registered = w.readLag.view(`tg:${tg.arn}`, () => registeredTargets(w, tg))
      const rows =
        requested.length > 0
          ? requested.map((t) => ({ id: str(t, 'Id') ?? '', port: num(t, 'Port') }))
          : Object.values(registered).map((h, n) => ({ id: Object.keys(registered)[n] ?? '', port: h.port as number | undefined }))
      const healthOf = (id: string): ReturnType<World['targetHealth']> => registered[id] ?? w.targetHealth(tg, id)
      const invalid = rows.filter((r) => healthOf(r.id) === 'invalid').map((r) => r.id)
      if (invalid.length > 0) throw new SimError('InvalidTarget', `The following targets are not valid: '${invalid.join("', '")}'`)
      return {
        TargetHealthDescriptions: rows.map((r) => {
          const h = healthOf(r.id) as Health
          return {
            Target: { Id: r.id, Port: r.port ?? h.port },
            HealthCheckPort: String(r.port ?? h.port),
            TargetHealth: { State: h.state, Reason: h.reason, Description: h.description }
          }
        })
      }
    }),
    // Targets start draining at once; a target not registered is no error (models/targets.ts).
    DeregisterTargets: write((w, p) => {
      const tg = mustTargetGroup(w, str(p, 'TargetGroupArn'))
      const ids = objList(p, 'Targets').map((t) => str(t, 'Id') ?? '')
      if (ids.length === 0) throw validation("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null")
      w.checkDeregisterTargets(tg, ids)
      w.targets.deregisterTargets(tg, ids)
      return {}
    }),
    DescribeTargetGroups: read((w, p) => {
      const arns = strList(p, 'TargetGroupArns')
      const names = strList(p, 'Names')
      const all = [...w.targetGroups.values()].filter((tg) => !tg.classic)
      const missing = [...arns.filter((a) => !all.some((tg) => tg.arn === a)), ...names.filter((n) => !all.some((tg) => tg.name === n))]
      if (missing.length > 0) throw new SimError('TargetGroupNotFound', `One or more target groups not found`)
      const chosen = all.filter((tg) => (arns.length === 0 && names.length === 0) || arns.includes(tg.arn) || names.includes(tg.name))
      const { items, next } = page(chosen, num(p, 'PageSize'), str(p, 'Marker'), 400, 400, w.pageSize)
      return { TargetGroups: items.map(renderTargetGroup), NextMarker: next }
    }),
    DescribeTargetGroupAttributes: read((w, p) => {
      const tg = mustTargetGroup(w, str(p, 'TargetGroupArn'))
      return {
        Attributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) },
          { Key: 'stickiness.enabled', Value: 'false' },
          // An NLB target group has connection termination and no slow start; an ALB's the reverse.
          ...(isNetworkProtocol(tg.protocol)
            ? [{ Key: 'deregistration_delay.connection_termination.enabled', Value: String(tg.connectionTermination) }]
            : [{ Key: 'slow_start.duration_seconds', Value: '0' }])
        ]
      }
    })
  }
}
