// The rollback figure of issue 20, for both topologies: from the start of a rollback run (or from a bake's
// alarm) to the moment the old version takes every new request, measured by the simulated ALB's request
// accounting (which target group and version served each request). ALB target group defaults: health checks
// 30 s apart, 5 to healthy; a 300 s deregistration delay; the simulator's rate limits and read lag on.
// - weights: each color on a target group of its own, the listener forwarding to both (cutover = a weight write);
// - standby: both colors on one target group behind the listener (cutover = Standby).
import type { SimWorld } from '../../test-support/world.js'
import { addWeightedService } from '../../test-support/worlds.js'
import { type BenchSettings, benchWorld, runAction } from './scenario.js'

export type Topology = 'weights' | 'standby'

export interface SwitchFigures {
  id: string
  pairs: number
  instances: number
  topology: Topology
  /** Rollback run start → the last pair's old version takes every new request (virtual ms). */
  rollbackMs: number
  /** Rollback run start → its first write that moves traffic (ModifyListener/ModifyRule, or ExitStandby). */
  firstMoveMs: number
  /** Bake: the alarm (30 s after the first cutover write) → the last pair's old version takes every new request. */
  tripMs: number
  /** Calls throttled by the simulator's rate limits over both runs, and of them the ELB writes. */
  throttled: number
  throttledElbWrites: number
  failed: string[]
}

/** The bench's ALB: its target groups' defaults, whatever the timing pass used. */
const ALB = { healthCheckIntervalSeconds: 30, healthyAfterChecks: 5, deregistrationDelaySeconds: 300 }
const PER_SECOND = 10
const ALARM = 'svc-5xx'

function world(pairs: number, n: number, topology: Topology, o: BenchSettings): SimWorld {
  // The rate limits always on: the figure is what a throttled account sees.
  const w = benchWorld({ ...o, rateLimits: true })
  for (let p = 0; p < pairs; p++) {
    const base = `prod-svc${String(p + 1).padStart(2, '0')}`
    if (topology === 'weights') {
      addWeightedService(w, { base, instances: n, max: n * 2, ...ALB })
      continue
    }
    w.addTargetGroup({ name: base, ...ALB })
    w.addLoadBalancer({ name: `${base}-alb` })
    w.addListener({ loadBalancer: `${base}-alb`, port: 80, forward: [{ targetGroup: base, weight: 1 }] })
    const common = { max: n * 2, targetGroups: [base], launchSeconds: o.bootSeconds }
    w.addGroup({ name: `${base}-blue`, min: n, desired: n, ...common, tags: { 'docker:image:name': 'web', 'docker:image:version': 'v1' }, running: true })
    w.addGroup({ name: `${base}-green`, min: 0, desired: 0, ...common, tags: { 'docker:image:name': 'web' } })
  }
  w.addAlarm({ AlarmName: ALARM, MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', Threshold: 10 })
  w.setAlarmState(ALARM, 'OK')
  return w
}

/** From `since`: when the last request any pair's new version (v2) served was answered, relative to `since`. */
function lastNewRequest(w: SimWorld, since: number): number {
  let last = since
  for (const r of w.requests) if (r.at >= since && r.version === 'v2' && r.at > last) last = r.at
  return last - since
}

const throttledOf = (w: SimWorld) => w.calls.filter((c) => !c.ok && (c.error === 'Throttling' || c.error === 'RequestLimitExceeded'))

export async function runSwitch(pairs: number, n: number, topology: Topology, o: BenchSettings): Promise<SwitchFigures> {
  const failed: string[] = []
  // Rollback, once the drain of the deploy is over.
  const a = world(pairs, n, topology, o)
  const deploy = await runAction(a, { mode: 'deploy', version: 'v2', 'health-timeout': '60m' }, o)
  if (deploy.failed) failed.push(`deploy: ${deploy.errors[0] ?? ''}`)
  a.advance((ALB.deregistrationDelaySeconds + 60) * 1000)
  a.startRequests({ perSecond: PER_SECOND })
  const start = a.now()
  const rollback = await runAction(a, { mode: 'rollback', 'health-timeout': '60m' }, o)
  if (rollback.failed) failed.push(`rollback: ${rollback.errors[0] ?? ''}`)
  const move = a.calls.find((c) => c.time >= start && c.ok && ['ModifyListener', 'ModifyRule', 'ExitStandby'].includes(c.operation))
  const rollbackMs = lastNewRequest(a, start)

  // Bake: the alarm fires 30 s after the first cutover write, while (standby) the old instances still drain.
  const b = world(pairs, n, topology, o)
  let trippedAt = 0
  b.faults.beforeWrite = (op) => {
    if (trippedAt !== 0 || (op !== 'ModifyListener' && op !== 'EnterStandby')) return
    trippedAt = -1
    void b.clock.sleep(30_000).then(() => {
      trippedAt = b.now()
      b.startRequests({ perSecond: PER_SECOND })
      b.setAlarmState(ALARM, 'ALARM', 'bench: errors after cutover')
    })
  }
  const baked = await runAction(b, { mode: 'deploy', version: 'v2', 'bake-time': '30m', 'alarm-names': ALARM, 'poll-interval': '5s', 'health-timeout': '60m' }, o)
  b.faults.beforeWrite = undefined
  if (!baked.failed) failed.push('bake: did not trip')
  const tripMs = trippedAt > 0 ? lastNewRequest(b, trippedAt) : Number.NaN
  const throttled = [...throttledOf(a), ...throttledOf(b)]
  return {
    id: `${pairs}x${n}`,
    pairs,
    instances: n,
    topology,
    rollbackMs,
    firstMoveMs: move ? move.time - start : Number.NaN,
    tripMs,
    throttled: throttled.length,
    throttledElbWrites: throttled.filter((c) => c.operation === 'ModifyListener' || c.operation === 'ModifyRule').length,
    failed
  }
}

const sec = (ms: number): string => (Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`)

/** The table: both topologies side by side per size, the weights rows against the 2 s goal. */
export function switchTable(rows: SwitchFigures[]): string {
  const lines = [
    '### Rollback: until the old version takes every new request (issue 20)',
    '',
    'ALB target group defaults (health checks 30 s apart, 5 to healthy; 300 s deregistration delay), the simulator\'s rate limits and read lag on; ' +
      `${PER_SECOND} requests a second per listener, each counted by the version that served it. Goal for \`weights\` pairs: ≤ 2 s. ` +
      'Bake: the alarm fires 30 s after the first cutover write (for `standby`, while the old instances still drain); the bake looks every 5 s (`poll-interval`).',
    '',
    '| pairs × instances | topology | rollback: start → old version takes all | of it: first traffic write | bake: alarm → old version takes all | throttled calls (ELB writes) | failed |',
    '| --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const r of rows) {
    const goal = r.topology === 'weights' ? ` ${r.rollbackMs <= 2000 ? '✓' : '✗'}` : ''
    lines.push(
      `| ${r.pairs} × ${r.instances} | ${r.topology} | ${sec(r.rollbackMs)}${goal} | ${sec(r.firstMoveMs)} | ${sec(r.tripMs)} | ${r.throttled} (${r.throttledElbWrites}) | ${r.failed.length === 0 ? '—' : r.failed.join('; ')} |`
    )
  }
  return `${lines.join('\n')}\n`
}
