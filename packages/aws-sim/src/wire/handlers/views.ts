// The resources whose Describe views lag behind writes under realism (see ../../world/consistency.ts), rendered the
// way their Describe call renders them.

import type { ViewSource } from '../../world/consistency.js'
import type { World } from '../../world/world.js'
import { renderGroup } from './autoscaling.js'
import { renderListener, renderRule } from './elbv2-actions.js'
import { registeredTargets } from './elbv2.js'

export const LAG_SOURCES: ViewSource<World>[] = [
  function* groups(w) {
    for (const g of w.groups.values()) yield [`asg:${g.name}`, renderGroup(w, g, true)]
  },
  function* targetGroups(w) {
    for (const tg of w.targetGroups.values()) yield [`tg:${tg.arn}`, registeredTargets(w, tg)]
  },
  function* listeners(w) {
    for (const l of w.listeners.listeners.values()) yield [`listener:${l.arn}`, renderListener(l)]
    for (const r of w.listeners.rules.values()) yield [`rule:${r.arn}`, renderRule(r)]
  },
  function* instances(w) {
    for (const i of w.instances.values()) if (!i.forgotten) yield [`ec2:${i.id}`, { state: i.ec2State, reason: i.stateReason }]
  }
]
