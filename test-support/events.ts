// The simulation's own record of what AWS did and when (virtual time), for the bench and for tests: every target registration, health
// verdict and deregistration (the moment the target turns `draining`, also when the deregistration reaches the
// target group a moment after the Auto Scaling call), and every ExitStandby. The bench's floors, "last new target healthy" and
// "traffic moved" come from here, not from the action's log, so they stay right whatever the action waits for.
//
// It wraps three methods of the world's ELBv2 model and one of its Auto Scaling model on this one world
// object (the simulator itself is unchanged); the wrapped methods behave exactly as before.
import type { SimInstance } from '../packages/aws-sim/src/index.js'
import type { SimWorld } from './world.js'

export interface TargetEvent {
  at: number
  id: string
  targetGroup: string
  state: 'initial' | 'healthy' | 'unhealthy' | 'draining'
  /** Draining: when the deregistration delay ends (the instance leaves the target group). */
  until?: number
}

interface TargetLike {
  id: string
  state: string
  due: number | undefined
  next: { state: string } | undefined
}
interface TargetGroupLike {
  name: string
  targets: Map<string, TargetLike>
}
interface TargetsModelLike {
  stepTargets(now: number): void
  register(g: unknown, i: SimInstance): void
  deregister(i: SimInstance): number
  deregisterTargets(tg: TargetGroupLike, ids: string[]): void
}
interface AutoScalingModelLike {
  exitStandby(name: string, ids: string[]): unknown
}

export class EventLog {
  readonly targets: TargetEvent[] = []
  readonly exitStandby: { at: number; id: string }[] = []

  constructor(world: SimWorld) {
    const tgs = (): TargetGroupLike[] => [...(world.targetGroups.values() as Iterable<TargetGroupLike>)]
    const model = world.targets as unknown as TargetsModelLike
    const step = model.stepTargets.bind(model)
    model.stepTargets = (now: number): void => {
      const due: [TargetGroupLike, TargetLike][] = []
      for (const tg of tgs()) for (const t of tg.targets.values()) if (t.due !== undefined && t.due <= now && t.next && t.next.state !== 'removed') due.push([tg, t])
      step(now)
      // A deregistration that reaches the target group a moment after EnterStandby (realism) turns the target
      // `draining` here; its removal is then the target's next due time.
      for (const [tg, t] of due) this.push(now, t.id, tg.name, t.state, t.state === 'draining' ? t.due : undefined)
    }
    const register = model.register.bind(model)
    model.register = (g: unknown, i: SimInstance): void => {
      register(g, i)
      for (const tg of tgs()) if (tg.targets.get(i.id)?.state === 'initial') this.push(world.now(), i.id, tg.name, 'initial')
    }
    // Targets `change` turns draining at once (no deregistration lag) are logged as they turn.
    const logDrains = <T>(targets: [TargetGroupLike, string][], change: () => T): T => {
      const before = targets.map(([tg, id]) => tg.targets.get(id)?.state)
      const out = change()
      targets.forEach(([tg, id], n) => {
        const t = tg.targets.get(id)
        if (t?.state === 'draining' && before[n] !== 'draining') this.push(world.now(), id, tg.name, 'draining', t.due)
      })
      return out
    }
    const deregister = model.deregister.bind(model)
    model.deregister = (i: SimInstance): number => logDrains(tgs().map((tg) => [tg, i.id]), () => deregister(i))
    // DeregisterTargets (the run's own call).
    const deregisterTargets = model.deregisterTargets.bind(model)
    model.deregisterTargets = (tg: TargetGroupLike, ids: string[]): void => logDrains(ids.map((id) => [tg, id]), () => deregisterTargets(tg, ids))
    const asg = world.autoScaling as unknown as AutoScalingModelLike
    const exit = asg.exitStandby.bind(asg)
    asg.exitStandby = (name: string, ids: string[]): unknown => {
      const r = exit(name, ids)
      for (const id of ids) this.exitStandby.push({ at: world.now(), id })
      return r
    }
  }

  private push(at: number, id: string, targetGroup: string, state: string, until?: number): void {
    if (state !== 'initial' && state !== 'healthy' && state !== 'unhealthy' && state !== 'draining') return
    this.targets.push({ at, id, targetGroup, state, ...(until !== undefined ? { until } : {}) })
  }

  /** Events in [from, to]. */
  between(from: number, to: number): TargetEvent[] {
    return this.targets.filter((e) => e.at >= from && e.at <= to)
  }
}
