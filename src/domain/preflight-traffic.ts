// Pre-flight for traffic sources the action cannot gate on. Target groups and Classic LBs attached with
// AttachTrafficSources (types elbv2, elb) count like the ones in TargetGroupARNs / LoadBalancerNames
// (aws/translate.ts); any other source, VPC Lattice first of all, takes the new instances' traffic with
// nothing telling the action whether they are healthy there, or when the old ones have left it.
import type { Group } from './model.js'

/** One refusal per traffic source of a type the action does not gate on, on either group. */
export function trafficSourceRefusals(groups: Group[]): string[] {
  return groups.flatMap((g) =>
    (g.otherTrafficSources ?? []).map(
      (t) =>
        `${g.name}: traffic source ${t.identifier} (${t.type}) is attached, and this action gates cutover only on ELB target groups and Classic Load Balancers: ` +
        `it cannot tell when it sends requests to the new instances, or when it has stopped sending them to the old ones, so the cutover would not be health-gated. ` +
        `Detach it for the deploy (aws autoscaling detach-traffic-sources --auto-scaling-group-name ${g.name} --traffic-sources Identifier=${t.identifier},Type=${t.type}), ` +
        `or put an ELB target group in front of the pair instead, then re-run.`
    )
  )
}
