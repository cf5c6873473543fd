// The mutation catalogue: each entry is a deliberate bug in one file of src/ and the tests that must catch it.
// scripts/mutate.ts applies them one at a time to a copy of the project (see there).

export interface Mutation {
  id: string
  /** The bug, as a reviewer would describe it. */
  title: string
  /** File under src/. */
  file: string
  /** Text that must occur exactly once in the file. */
  find: string
  replace: string
  /** Test files (from the repository root) that should catch it. */
  tests: string[]
  /** Optional jest -t filter (regular expression on the test's full name). */
  only?: string
}

const T = {
  summary: '__tests__/unit/summary.test.ts',
  logging: '__tests__/scenario/logging.test.ts',
  cycle: '__tests__/scenario/cycle.test.ts',
  failures: '__tests__/scenario/failures.test.ts',
  interference: '__tests__/faults/interference.test.ts',
  github: '__tests__/scenario/github.test.ts',
  interruptions: '__tests__/scenario/interruptions.test.ts',
  spot: '__tests__/scenario/spot-interruption.test.ts',
  paging: '__tests__/scenario/paging.test.ts',
  protection: '__tests__/scenario/protection.test.ts',
  rerun: '__tests__/scenario/rerun.test.ts',
  scaling: '__tests__/scenario/scaling.test.ts',
  targetGroups: '__tests__/scenario/target-groups.test.ts',
  throttling: '__tests__/faults/throttling.test.ts',
  traffic: '__tests__/scenario/traffic.test.ts',
  race: '__tests__/scenario/race.test.ts',
  locks: '__tests__/scenario/locks.test.ts',
  bake: '__tests__/scenario/bake.test.ts',
  idempotency: '__tests__/scenario/idempotency.test.ts',
  realAws: '__tests__/scenario/real-aws.test.ts',
  slow: '__tests__/faults/slow.test.ts',
  drain: '__tests__/scenario/drain.test.ts',
  cadence: '__tests__/scenario/cadence.test.ts',
  rateLimits: '__tests__/faults/rate-limits.test.ts',
  hooks: '__tests__/scenario/hooks.test.ts',
  weights: '__tests__/scenario/weights.test.ts',
  classic: '__tests__/scenario/classic-lb.test.ts',
  ami: '__tests__/scenario/ami.test.ts',
  canary: '__tests__/scenario/canary.test.ts',
  imageLaunchFailures: '__tests__/scenario/image-launch-failures.test.ts',
  imageOverrides: '__tests__/scenario/image-overrides.test.ts',
  imageLatest: '__tests__/scenario/image-latest.test.ts',
  imageSync: '__tests__/scenario/image-sync.test.ts',
  config: '__tests__/unit/config.test.ts',
  imageConfig: '__tests__/unit/image-config.test.ts',
  credentialRetry: '__tests__/credentials/retry.test.ts',
  oidcSts: '__tests__/credentials/oidc-sts.test.ts',
  trafficSwitch: '__tests__/scenario/traffic-switch.test.ts',
  trafficSwitchKills: '__tests__/scenario/traffic-switch-kills.test.ts',
  sharedReads: '__tests__/scenario/shared-reads.test.ts',
  coalesce: '__tests__/unit/coalesce.test.ts',
  inFlight: '__tests__/unit/in-flight.test.ts'
}

export const MUTATIONS: Mutation[] = [
  {
    id: 'health-first-target-group',
    title: 'health is judged in the first target group only',
    file: 'src/domain/health.ts',
    find: 'const targets = targetGroupArns\n',
    replace: 'const targets = targetGroupArns.slice(0, 1)\n',
    tests: [T.targetGroups]
  },
  {
    id: 'traffic-source-target-groups-ignored',
    title: 'target groups attached with AttachTrafficSources (in TrafficSources, not TargetGroupARNs) are not gated on',
    file: 'src/aws/translate.ts',
    find: "targetGroupArns: [...new Set([...(g.TargetGroupARNs ?? []), ...of('elbv2')])],",
    replace: 'targetGroupArns: g.TargetGroupARNs ?? [],',
    tests: [T.targetGroups],
    only: 'traffic sources'
  },
  {
    id: 'lattice-traffic-source-allowed',
    title: 'a VPC Lattice traffic source (nothing gates on it) is not refused',
    file: 'src/domain/preflight.ts',
    find: 'out.push(...trafficSourceRefusals([live, idle]))',
    replace: 'void trafficSourceRefusals',
    tests: [T.targetGroups],
    only: 'traffic sources'
  },
  {
    id: 'standby-before-health',
    title: 'deploy enters Standby without waiting for the new group to be healthy',
    file: 'src/domain/plan.ts',
    find: "steps.push({ kind: 'wait-healthy', group: idle.name",
    replace: "if (false) steps.push({ kind: 'wait-healthy', group: idle.name",
    tests: [T.cycle]
  },
  {
    id: 'rerun-skips-quarantine',
    title: "a re-run skips the standby group's quarantine (suspend) once the live capacity was recorded",
    file: 'src/domain/plan-common.ts',
    find: 'if (toSuspend.length > 0) steps.push',
    replace: 'if (toSuspend.length > 0 && previous.tags[LIVE_CAPACITY_TAG] === undefined) steps.push',
    tests: [T.rerun],
    only: 'killed'
  },
  {
    id: 'keep-scale-in-protection',
    title: 'scale-in protection is never removed before the new group is idled',
    file: 'src/domain/plan-common.ts',
    find: 'chunk(protectedIds, PROTECTION_BATCH)',
    replace: 'chunk(protectedIds.slice(0, 0), PROTECTION_BATCH)',
    tests: [T.protection]
  },
  {
    id: 'next-token-groups',
    title: 'DescribeAutoScalingGroups ignores NextToken (first page of groups only)',
    file: 'src/aws/autoscaling.ts',
    find: 'Values: [tagValue] }], MaxRecords: 100 }), (page) => page.AutoScalingGroups)',
    replace: 'Values: [tagValue] }], MaxRecords: 100 }), (page) => page.AutoScalingGroups, 1)',
    tests: [T.paging]
  },
  {
    id: 'next-token-details',
    title: 'DescribePolicies / DescribeScheduledActions ignore NextToken',
    file: 'src/aws/call.ts',
    find: 'if (++read >= maxPages) break',
    replace: 'break',
    tests: [T.paging]
  },
  {
    id: 'next-token-alarms',
    title: 'DescribeAlarms (alarms to re-point) ignores NextToken',
    file: 'src/aws/cloudwatch.ts',
    find: '{ ActionPrefix: r.oldArn }), (page) => page.MetricAlarms)',
    replace: '{ ActionPrefix: r.oldArn }), (page) => page.MetricAlarms, 1)',
    tests: [T.paging]
  },
  {
    id: 'owner-suspended-resumed',
    title: "rollback and finalize resume the processes the owner had suspended",
    file: 'src/domain/processes.ts',
    find: 'const ownerSuspended = decodeList(previous.tags[LIVE_SUSPENDED_TAG])',
    replace: 'const ownerSuspended: string[] = []',
    tests: [T.rerun],
    only: 'owner'
  },
  {
    id: 'owner-launch-not-lifted',
    title: 'a rollback leaves Launch suspended (as the owner had it) for its ExitStandby, which Auto Scaling then refuses',
    file: 'src/domain/processes.ts',
    find: "const ownerLaunch = decodeList(previous.tags[LIVE_SUSPENDED_TAG]).includes('Launch')",
    replace: 'const ownerLaunch = false',
    tests: [T.rerun],
    only: 'Launch suspended by the owner'
  },
  {
    id: 'owner-launch-not-reinstated',
    title: "a rollback that lifted the owner's Launch suspension for its ExitStandby never suspends it again",
    file: 'src/domain/processes.ts',
    find: 'return { before, after: [reinstate] }',
    replace: 'return { before, after: [] }',
    tests: [T.rerun],
    only: 'Launch suspended by the owner'
  },
  {
    id: 'detach-decrements',
    title: 'DetachInstances decrements desired capacity (a second time)',
    file: 'src/aws/autoscaling.ts',
    find: 'ShouldDecrementDesiredCapacity: false',
    replace: 'ShouldDecrementDesiredCapacity: true',
    tests: [T.cycle]
  },
  {
    id: 'alarms-not-repointed',
    title: 'alarms are not re-pointed at a moved step/simple policy',
    file: 'src/aws/scaling.ts',
    find: "policy.type !== 'TargetTrackingScaling' && created.PolicyARN",
    replace: 'false && created.PolicyARN',
    tests: [T.scaling],
    only: 'scaling follows the traffic moves policies'
  },
  {
    id: 'timezone-dropped',
    title: "a moved scheduled action loses its TimeZone",
    file: 'src/aws/scaling.ts',
    find: 'TimeZone: action.timeZone,',
    replace: '',
    tests: [T.scaling],
    only: 'scaling follows the traffic moves policies'
  },
  {
    id: 'min-not-lowered',
    title: 'MinSize is not lowered before EnterStandby',
    file: 'src/domain/plan.ts',
    find: 'if (previous.capacity.min > 0) {',
    replace: 'if (false) {',
    tests: [T.cycle]
  },
  {
    id: 'standby-batch-21',
    title: 'standby calls are chunked by 21 instances',
    file: 'src/domain/steps.ts',
    find: 'STANDBY_BATCH = 20',
    replace: 'STANDBY_BATCH = 21',
    tests: [T.scaling],
    only: 'more than 20 instances'
  },
  {
    id: 'lock-ignored',
    title: "the lock ignores another run's lock",
    file: 'src/domain/lock.ts',
    find: "if (!holder) return { kind: 'free' }",
    replace: "if (holder || !holder) return { kind: 'free' }",
    tests: [T.github],
    only: 'invariant 7'
  },
  {
    id: 'retire-unrecorded',
    title: 'finalize detaches a batch without first recording it on the group',
    file: 'src/run/act.ts',
    find: 'await f.tag(s.group, { [FINALIZING_TAG]',
    replace: 'if (false) await f.tag(s.group, { [FINALIZING_TAG]',
    tests: [T.interruptions],
    only: 'batch sequence'
  },
  {
    id: 'unhealthy-never-gives-up',
    title: 'a target still unhealthy after boot-time and 3 checks in a row does not stop the wait early',
    file: 'src/domain/health.ts',
    find: 'if (stuck.length > 0) {',
    replace: 'if (false) {',
    tests: [T.failures],
    only: 'never gets healthy'
  },
  {
    id: 'launch-failures-ignored',
    title: 'a launch failure that repeats identically does not stop the health wait',
    file: 'src/domain/health.ts',
    find: 'if (repeated) return',
    replace: 'if (false) return',
    tests: [T.failures],
    only: 'repeats identically'
  },
  {
    id: 'rollback-shrinks',
    title: 'rollback restores the recorded desired capacity even though traffic grew',
    file: 'src/domain/plan-common.ts',
    find: 'Math.max(recorded.desired, next.capacity.desired, previous.capacity.desired)',
    replace: 'recorded.desired',
    tests: [T.traffic]
  },
  {
    id: 'rollback-replan-shrinks',
    title: 'a rollback re-planned after it idled the new group sets the restored group back to the recorded desired',
    file: 'src/domain/plan-common.ts',
    find: 'Math.max(recorded.desired, next.capacity.desired, previous.capacity.desired)',
    replace: 'Math.max(recorded.desired, next.capacity.desired)',
    tests: [T.traffic]
  },
  {
    id: 'rollback-launches-new',
    title: 'rollback scales the old group up with new instances instead of bringing the standby ones back',
    file: 'src/domain/plan.ts',
    find: "chunk(parked, STANDBY_BATCH)) restore.push({ kind: 'exit-standby'",
    replace: "chunk(parked.slice(0, 0), STANDBY_BATCH)) restore.push({ kind: 'exit-standby'",
    tests: [T.cycle]
  },
  {
    id: 'wait-ignores-lowered-capacity',
    title: 'the health wait does not notice the new group was scaled below what it waits for',
    file: 'src/run/waits.ts',
    find: 'if (group.capacity.desired < s.count) {',
    replace: 'if (false) {',
    tests: [T.interference],
    only: 'capacity lowered'
  },
  {
    id: 'refresh-ignored-mid-run',
    title: 'an instance refresh started during the deploy does not stop the cutover',
    file: 'src/run/pair.ts',
    find: 'if (serving?.activeInstanceRefresh) {',
    replace: 'if (false) {',
    tests: [T.interference],
    only: 'refresh'
  },
  {
    id: 'no-contention-retry',
    title: 'Auto Scaling contention (ScalingActivityInProgress) is not retried',
    file: 'src/aws/call.ts',
    find: 'CONTENTION_ATTEMPTS = 6',
    replace: 'CONTENTION_ATTEMPTS = 1',
    tests: [T.throttling],
    only: 'contention'
  },
  {
    id: 'lock-not-checked-on-observation',
    title: 'a run does not check the lock at its observations (only when it takes it)',
    file: 'src/run/guard.ts',
    find: '    locks.check(pair)\n',
    replace: '\n',
    tests: [T.race]
  },
  {
    id: 'tags-one-call',
    title: 'every pair\'s lock goes in one CreateOrUpdateTags call, past the 25 tags a call may carry',
    file: 'src/aws/autoscaling.ts',
    find: 'if (current.length + part.length > TAGS_PER_CALL) {',
    replace: 'if (false) {',
    tests: [T.locks],
    only: 'more pairs than one tag call'
  },
  {
    id: 'settled-pair-lock-unread',
    title: "pre-flight ignores another run's live lock: a pair it bakes is reported unchanged, another version is told to finalize or roll back",
    file: 'src/domain/preflight.ts',
    find: '  if (held) return { refusals: [...refusals, held] }\n',
    replace: '\n',
    tests: [T.bake],
    only: 'while a bake holds the pair'
  },
  {
    id: 'lock-of-finished-run-refused',
    title: 'pre-flight refuses a pair whose lock belongs to a run GitHub reports completed (instead of taking it over)',
    file: 'src/run/prepare.ts',
    find: 'if (await deps.isRunOver?.(run)) over.add(run)',
    replace: 'if (false) over.add(run)',
    tests: [T.github],
    only: 'GitHub reports completed'
  },
  {
    id: 'partial-lock-kept',
    title: 'a lock write that fails half-way keeps the locks of the calls that landed',
    file: 'src/run/pair-locks.ts',
    find: 'const released = await releaseMine().then(',
    replace: 'const released = await Promise.resolve().then(',
    tests: [T.locks],
    only: 'half-way'
  },
  {
    id: 'rollback-refuses-settled-pairs',
    title: 'rollback refuses a pair that already serves its previous version instead of leaving it unchanged',
    file: 'src/domain/preflight.ts',
    find: "if ((last && last.mode !== 'finalize') || (!last && previous === undefined)) {",
    replace: 'if (false) {',
    tests: [T.idempotency],
    only: 'rollback'
  },
  {
    id: 'live-group-not-held',
    title: 'the live group can scale in while the new group boots (MinSize not held)',
    file: 'src/domain/hold.ts',
    find: 'if (min >= desired && live.tags[LIVE_MIN_TAG] === undefined) return []',
    replace: 'return []',
    tests: [T.interference],
    only: 'scale-in alarm'
  },
  {
    id: 'stale-live-min',
    title: "the held live group's recorded MinSize wins over one a schedule or a person set during the run (min 3 sent with desired 2; the abort puts 3 back)",
    file: 'src/domain/markers.ts',
    find: 'const own = changed ? g.capacity.min : hold.own\n  return { ...g.capacity, min: Math.min(own, g.capacity.desired) }',
    replace: 'const own = hold.own\n  return { ...g.capacity, min: own }',
    tests: [T.interference],
    only: 'schedule set'
  },
  {
    id: 'live-min-not-refreshed',
    title: 'a MinSize the owner lowered during the run is not followed (only clamped to desired): the abort raises it back',
    file: 'src/domain/markers.ts',
    find: 'const own = changed ? g.capacity.min : hold.own',
    replace: 'const own = hold.own',
    tests: [T.interference],
    only: 'lowers only MinSize'
  },
  {
    id: 'canary-live-not-held',
    title: "a canary leaves the live group's MinSize alone: its target tracking scales it in by the canary's share, promotion and removal inherit the loss",
    file: 'src/domain/canary.ts',
    find: "import { holdSteps } from './hold.js'\n",
    replace: 'const holdSteps = (_live: Group): Step[] => []\n',
    tests: [T.canary],
    only: 'capacity while a canary'
  },
  {
    id: 'canary-share-even-split',
    title: "the canary's share of the instances is reported as its share of the requests also where a Network Load Balancer without cross-zone load balancing splits them zone by zone",
    file: 'src/domain/canary.ts',
    find: "zones.length > 1 && !zones.includes('')",
    replace: 'false',
    tests: [T.canary],
    only: 'even split'
  },
  {
    id: 'scaling-moves-after-drain',
    title: 'scaling policies move only after the old instances drained (no group can scale out meanwhile)',
    file: 'src/domain/plan-common.ts',
    find: "  for (const policy of previous.policies) steps.push({ kind: 'move-policy', from: previous.name, to: next.name, policy })\n",
    replace: "  for (const policy of previous.instances.some((i) => i.lifecycle === 'InService' || i.lifecycle === 'EnteringStandby') ? [] : previous.policies) steps.push({ kind: 'move-policy', from: previous.name, to: next.name, policy })\n",
    tests: [T.realAws],
    only: 'drain'
  },
  {
    id: 'unhealthy-during-boot-aborts',
    title: 'an instance unhealthy while it boots aborts the deploy (boot-time ignored)',
    file: 'src/domain/health.ts',
    find: '&& now - (this.firstSeen.get(id) ?? now) >= this.o.bootTimeMs',
    replace: '',
    tests: [T.realAws],
    only: 'boots'
  },
  {
    id: 'transient-launch-failure-aborts',
    title: 'one failed launch (a capacity shortage Auto Scaling retries) aborts the deploy',
    file: 'src/domain/health.ts',
    find: 'if (count >= LAUNCH_FAILURE_REPEATS) return { message, count }',
    replace: 'if (count >= 1) return { message, count }',
    tests: [T.realAws],
    only: 'retries by itself'
  },
  {
    id: 'dead-standby-exited',
    title: 'rollback returns a standby instance EC2 no longer runs instead of detaching it',
    file: 'src/domain/plan.ts',
    find: 'const dead = standby.filter((i) => i.gone).map((i) => i.id)',
    replace: 'const dead: string[] = []',
    tests: [T.realAws],
    only: 'behind the group'
  },
  {
    id: 'reads-trusted-after-writes',
    title: "an observation right after the run's own writes is trusted although it may lag them",
    file: 'src/run/drive.ts',
    find: '      if (!this.writes.stillUnseen(current)) return current',
    replace: '      return current',
    tests: [T.slow],
    only: 'EnteringStandby'
  },
  {
    id: 'deploy-waits-out-drain',
    title: 'the deploy waits until the old instances reach Standby (the whole deregistration delay)',
    file: 'src/domain/plan.ts',
    find: "steps.push({ kind: 'wait-deregistering', group: previous.name })",
    replace: "steps.push({ kind: 'wait-standby', group: previous.name })",
    tests: [T.drain],
    only: 'ends with the old instances draining'
  },
  {
    id: 'traffic-moved-on-lagging-read',
    title: 'traffic is taken as moved from a read that does not show the EnterStandby yet',
    file: 'src/run/waits.ts',
    find: 'return waiting === 0 && !this.o.writes.stillUnseen(now, true) ?',
    replace: 'return waiting === 0 ?',
    tests: [T.drain],
    only: 'ends with the old instances draining'
  },
  {
    id: 'health-polled-at-interval-only',
    title: 'the health wait looks only every poll-interval, even when targets are about to turn healthy',
    file: 'src/run/waits.ts',
    find: 'nextIntervalMs: () => cadence.nextDelayMs(this.o.clock.now()),',
    replace: '',
    tests: [T.cadence]
  },
  {
    id: 'calls-unlimited-in-flight',
    title: 'every pair sends its calls at once (no per-service limit): a burst spends the SDK retry quota',
    file: 'src/aws/clients.ts',
    find: 'export const MAX_IN_FLIGHT_PER_SERVICE = 8',
    replace: 'export const MAX_IN_FLIGHT_PER_SERVICE = 1000',
    tests: [T.rateLimits]
  },
  {
    id: 'light-polls-held-by-policy-moves',
    title: "a wait's light polls (which do not re-read policies) wait for the policies' move to show",
    file: 'src/run/unseen.ts',
    find: 'return pending.some((w) => !(light && NOT_IN_LIGHT_OBSERVATIONS.has(w.step.kind)))',
    replace: 'return pending.length > 0',
    tests: [T.scaling],
    only: 'moves policies'
  },
  {
    id: 'rollback-done-while-new-serves',
    title: 'a rollback reports done while the new version still takes requests (its targets not yet deregistering)',
    file: 'src/domain/plan-common.ts',
    find: "steps.push({ kind: 'wait-deregistering', group: next.name })",
    replace: '// (no wait)',
    tests: [T.drain],
    only: 'rollback started during the drain'
  },
  {
    id: 'cutover-to-another-release',
    title: "a deploy cuts over to instances launched with another run's version (crossed writes)",
    file: 'src/run/act.ts',
    find: "const other = ids.filter((id) => (tags[id]?.[s.versionTagKey] ?? s.version) !== s.version)",
    replace: 'const other: string[] = []',
    tests: [T.race],
    only: 'crossed writes'
  },
  {
    id: 'weights-counted-as-instances',
    title: 'readiness counts instances, not capacity units, in a weighted group',
    file: 'src/domain/health.ts',
    find: 'healthy += weightOf(inst)',
    replace: 'healthy += 1',
    tests: [T.weights]
  },
  {
    id: 'colors-units-not-compared',
    title: "a deploy copies the live group's sizes onto an idle group that counts them in other units or weights",
    file: 'src/domain/preflight-units.ts',
    find: 'if (a.key === b.key) return undefined',
    replace: 'if (a.key !== b.key || a.key === b.key) return undefined',
    tests: [T.weights],
    only: 'count capacity differently'
  },
  {
    id: 'colors-weights-not-compared',
    title: 'pre-flight compares whether both colors are weighted, not their weights',
    file: 'src/domain/preflight-units.ts',
    find: "return { key: `units:${weights.join(',')}`",
    replace: "return { key: 'units'",
    tests: [T.weights],
    only: 'count capacity differently'
  },
  {
    id: 'classic-draining-read-as-healthy',
    title: "a Classic LB's deregistering (connection draining) instance read as still serving",
    file: 'src/domain/classic.ts',
    find: "if (state === 'InService') return text && DEREGISTERING.test(text) ? health('draining') : { state: 'healthy' }",
    replace: "if (state === 'InService') return { state: 'healthy' }",
    tests: [T.classic]
  },
  {
    id: 'bad-image-retried',
    title: 'a launch failing because of its image or template is waited on like a transient one',
    file: 'src/domain/health.ts',
    find: 'const broken = this.o.patient ? undefined : report.failedActivities.find((a) => isImageLaunchFailure(a.message ?? a.description))',
    replace: 'const broken = undefined as Activity | undefined',
    tests: [T.ami]
  },
  {
    id: 'aws-image-wording-unknown',
    title: "a launch failing with Auto Scaling's own AMI messages (pending, disabled, architecture mismatch) is waited on like a transient one",
    file: 'src/domain/image.ts',
    find: `    "AMI '?ami-[0-9a-f]+'? is [a-z]+, and cannot be run",
    'image .*is not available',
    'architecture .*does not match the architecture',
`,
    replace: `    'image .*is not available',
`,
    tests: [T.imageLaunchFailures]
  },
  {
    id: 'own-image-overrides-allowed',
    title: 'a deploy by image goes ahead while mixed instances overrides launch their own launch template or ImageId',
    file: 'src/domain/image-overrides.ts',
    find: 'if (own.length === 0) return []',
    replace: 'if (own.length >= 0) return []',
    tests: [T.imageOverrides]
  },
  {
    id: 'instance-image-unchecked',
    title: "the check before cutover trusts the version tag and never reads the new instances' EC2 ImageId",
    file: 'src/run/act.ts',
    find: 'if (s.imageId) await checkImages(fleet, s.group, ids, s.imageId)',
    replace: 'void checkImages',
    tests: [T.imageOverrides]
  },
  {
    id: 'shared-latest-template-allowed',
    title: 'a deploy by image goes ahead while the live group launches the same template through $Latest',
    file: 'src/domain/image.ts',
    find: "l.version === '$Latest'",
    replace: 'false',
    tests: [T.ami]
  },
  {
    id: 'other-latest-users-ignored',
    title: 'a deploy by image says nothing of the groups outside the pair that launch the same template through $Latest',
    file: 'src/domain/image-latest.ts',
    find: "if (sameTemplate(s, template) && s.version === '$Latest') out.push({ group: g.name, via: 'template', source: s })",
    replace: 'void sameTemplate',
    tests: [T.imageLatest]
  },
  {
    id: 'mixed-pinned-with-launch-template',
    title: 'the command that pins a mixed instances group to a version is the plain --launch-template form (it would drop the policy)',
    file: 'src/domain/image.ts',
    find: 'if (s.mixed) {',
    replace: "if (s.mixed && s.version === 'never') {",
    tests: [T.imageLatest]
  },
  {
    id: 'termination-hook-skipped',
    title: 'finalize detaches and terminates instances of a group with a termination lifecycle hook',
    file: 'src/domain/preflight.ts',
    find: 'if (hooks) return { refusals: [hooks] }',
    replace: 'void hooks',
    tests: [T.hooks]
  },
  {
    id: 'launch-hook-longer-than-wait',
    title: 'a deploy starts although a launch hook may hold instances past health-timeout',
    file: 'src/domain/preflight.ts',
    find: 'if (hookRefusal) out.push(hookRefusal)',
    replace: 'void hookRefusal',
    tests: [T.hooks]
  },
  {
    id: 'boolean-input-unset-true',
    title: 'a boolean input that is not set (dry-run, allow-older-commit, ...) reads as true',
    file: 'src/config/reader.ts',
    find: "if (text === '') return false",
    replace: "if (text === '') return true",
    tests: [T.config]
  },
  {
    id: 'list-input-commas-ignored',
    title: 'alarm-names and image-owners split by line only, so "a, b" is one name',
    file: 'src/config/reader.ts',
    find: "line.split(',')",
    replace: '[line]',
    tests: [T.config, T.imageConfig]
  },
  {
    id: 'list-input-repeats-kept',
    title: 'an alarm named twice in alarm-names is watched (and counted) twice',
    file: 'src/config/reader.ts',
    find: "return [...new Set(items.filter((item) => item !== ''))]",
    replace: "return items.filter((item) => item !== '')",
    tests: [T.config]
  },
  {
    id: 'credential-retry-sdk-classification-ignored',
    title: 'assuming the role gives up on throttling, 5xx and socket resets the SDK classifies as transient',
    file: 'src/credentials/retry.ts',
    find: 'if (isThrottlingError(sdk) || isTransientError(sdk) || isServerError(sdk)) return true',
    replace: 'void sdk',
    tests: [T.oidcSts, T.credentialRetry]
  },
  {
    id: 'credential-retry-network-codes-dropped',
    title: 'assuming the role gives up on the socket errors the SDK does not list (ECONNABORTED, undici)',
    file: 'src/credentials/retry.ts',
    find: "return typeof e.code === 'string' && NETWORK_CODES.has(e.code)",
    replace: 'return false',
    tests: [T.credentialRetry]
  },
  {
    id: 'idle-template-not-matched',
    title: 'a deploy without image after a deploy by image launches the idle color\'s own (old or rejected) template version',
    file: 'src/domain/image-sync.ts',
    find: 'if (!l || !i || !sameTemplate(l, i) || l.version === i.version) return undefined',
    replace: 'return undefined',
    tests: [T.imageSync]
  },
  {
    id: 'aws-interruption-blamed-on-release',
    title: 'an instance EC2 took away (Spot interruption, retirement: StateReason Server.*) fails the health wait as if the release had',
    file: 'src/domain/interruption.ts',
    find: "!fate.reasonCode?.startsWith('Server.')",
    replace: 'true',
    tests: [T.spot]
  },
  {
    id: 'bake-interruption-not-asked',
    title: 'the bake rolls back for a target that failed because EC2 interrupted its Spot instance, without asking EC2',
    file: 'src/run/bake-watch.ts',
    find: 'targets.suspects(g, health, clock.now())',
    replace: '[]',
    tests: [T.spot]
  },
  {
    id: 'nlb-drain-said-as-alb',
    title: "behind a Network Load Balancer the deploy says the old instances left the load balancer (an ALB's fact), not that new connections may still reach them",
    file: 'src/run/pair.ts',
    find: 'if (network.length === 0) return { drainEndsAt }',
    replace: 'return { drainEndsAt }',
    tests: ['__tests__/scenario/nlb.test.ts']
  },
  {
    id: 'weights-scale-in-before-applied',
    title: 'a rollback by weights scales the new group in right after the weight write, while the listener still sends it requests',
    file: 'src/domain/plan-weights.ts',
    find: '  if (lost.capacity.desired === 0) return []\n',
    replace: '  return []\n',
    tests: [T.trafficSwitch]
  },
  {
    id: 'weights-sticky-not-waited',
    title: 'with target group stickiness on, a rollback scales the new group in while sticky clients are still sent to it',
    file: 'src/run/waits.ts',
    find: 'const left = applied + (s.stickySeconds ?? 0) * 1000',
    replace: 'const left = applied',
    tests: [T.trafficSwitch]
  },
  {
    id: 'weights-finalize-scales-in-quarantined',
    title: 'finalize by weights scales the old group to idle before resuming Terminate, so its instances never leave',
    file: 'src/domain/plan-weights.ts',
    find: '[...restoreProcesses(previous), ...idleSteps(previous, idle)]',
    replace: '[...idleSteps(previous, idle), ...restoreProcesses(previous)]',
    tests: [T.trafficSwitch, T.trafficSwitchKills]
  },
  {
    id: 'weights-rules-not-read',
    title: "listener rules are not read: only the listeners' default actions move, a rule keeps sending traffic to the old color",
    file: 'src/aws/listeners.ts',
    find: 'if (!action || !rule.RuleArn) return undefined',
    replace: 'if (!action || !rule.RuleArn || !rule.IsDefault) return undefined',
    tests: [T.trafficSwitch, T.trafficSwitchKills]
  },
  {
    id: 'weights-stickiness-dropped',
    title: "the weight write drops the forward action's TargetGroupStickinessConfig",
    file: 'src/aws/listeners.ts',
    find: 'ForwardConfig: { ...a.ForwardConfig, TargetGroups }',
    replace: 'ForwardConfig: { TargetGroups }',
    tests: [T.trafficSwitch]
  },
  {
    id: 'weights-one-color-rule-allowed',
    title: 'a rule that forwards to one color only is not refused: its traffic can never move',
    file: 'src/domain/traffic.ts',
    find: '} else if (ofA.length !== 1 || ofB.length !== 1) {',
    replace: '} else if (false) {',
    tests: [T.trafficSwitch]
  },
  {
    id: 'weights-unseen-in-light-observations',
    title: "a light observation (which keeps the listeners it started with) waits for the run's weight write to show, up to the read-lag budget",
    file: 'src/run/unseen.ts',
    find: "'move-scheduled-action', 'set-weights']",
    replace: "'move-scheduled-action']",
    tests: [T.trafficSwitch]
  },
  {
    id: 'progress-only-on-change',
    title: 'a wait logs its progress only when what it sees changes: a wait that sees the same for minutes is silent',
    file: 'src/run/progress.ts',
    find: 'if (seen === this.last && now - this.lastAt < PROGRESS_EVERY_MS - POLL_GRID_MS) return',
    replace: 'if (seen === this.last) return',
    tests: [T.logging],
    only: 'progress'
  },
  {
    id: 'not-ready-per-instance',
    title: 'the reasons of a failed health wait are listed once per instance, not grouped by kind',
    file: 'src/domain/health.ts',
    find: 'const kind = t ? `${n.lifecycle}: ${t}` : n.lifecycle',
    replace: 'const kind = `${n.instanceId} ${t ? `${n.lifecycle}: ${t}` : n.lifecycle}`',
    tests: [T.logging],
    only: 'one annotation'
  },
  {
    id: 'sections-nested',
    title: "a run of one pair opens each phase's fold without closing the one before (the runner cannot nest them)",
    file: 'src/main.ts',
    find: '    if (open) core.endGroup()\n',
    replace: '',
    tests: [T.logging],
    only: 'log sections'
  },
  {
    id: 'summary-idle-version-as-shipped',
    title: 'the summary shows the version last tried on an idle group as if it served there',
    file: 'src/report/summary-tables.ts',
    find: "if (role === 'idle' && activeInstances(g).length === 0)",
    replace: 'if (false)',
    tests: [T.summary],
    only: 'idle group'
  },
  {
    id: 'version-format-unchecked',
    title: 'a version the boot script cannot pull (v1.2.3+build.5) is accepted with version-format docker: every instance fails at boot',
    file: 'src/config/version-inputs.ts',
    find: "if (writesVersionForBoot && formatText === 'docker' && !DOCKER_TAG.test(version) && !DOCKER_DIGEST.test(version)) {",
    replace: 'if (false) {',
    tests: [T.config],
    only: 'version-format'
  },
  {
    id: 'renamed-input-conflict-ignored',
    title: 'a step giving a renamed input under both names with different values silently uses the old one',
    file: 'src/config/renamed.ts',
    find: 'if (current === \'\' || current === fallback || current === legacy) return { value: legacy, input: old }',
    replace: 'return { value: legacy, input: old }',
    tests: [T.config],
    only: 'renamed inputs'
  },
  {
    id: 'standby-rollback-promised-in-seconds',
    title: "the verdict of a Standby deploy promises a rollback in seconds, though it waits for the drain and the health checks",
    file: 'src/report/verdict.ts',
    find: "they return to service after their drain and the target groups\\u2019 health checks (minutes)'",
    replace: "they return to service in seconds'",
    tests: [T.summary],
    only: 'verdict'
  },
  {
    id: 'group-reads-not-shared',
    title: 'every pair reads its groups in a call of its own: calls per poll grow with the pairs and throttle many-pair runs',
    file: 'src/aws/coalesce.ts',
    find: '      if (open.keys.size + added.length <= this.o.maxKeys) {',
    replace: '      if (false) {',
    tests: [T.coalesce, T.sharedReads]
  },
  {
    id: 'scheduled-actions-kept',
    title: "a group's scheduled actions are kept from the first look: a one-time action that ran meanwhile (AWS deleted it) is moved to the new group and runs again",
    file: 'src/aws/fleet.ts',
    find: '...(scheduledActions.length === 0 ? { scheduledActions } : {})',
    replace: 'scheduledActions',
    tests: [T.interference],
    only: 'scheduled action raises'
  },
  {
    id: 'policies-kept-after-move',
    title: 'the policies read before a move are kept after it: the run never sees its own move and does not end',
    file: 'src/aws/fleet.ts',
    find: '  movePolicy(from: string, to: string, policy: ScalingPolicy): Promise<void> {\n    this.written.add(from).add(to)\n',
    replace: '  movePolicy(from: string, to: string, policy: ScalingPolicy): Promise<void> {\n',
    tests: [T.sharedReads, T.scaling]
  },
  {
    id: 'details-read-every-look',
    title: "policies, scheduled actions and hooks are read at every look of every pair (5 Auto Scaling calls per group), as before issue 22",
    file: 'src/aws/fleet.ts',
    find: 'const fresh = (): boolean => !this.written.has(group.name)',
    replace: 'const fresh = (): boolean => false',
    tests: [T.sharedReads]
  },
  {
    id: 'refreshes-read-by-every-mode',
    title: 'finalize and rollback read instance refreshes at every look, though only a deploy acts on one',
    file: 'src/session.ts',
    find: '{ watchRefreshes: MODE_RULES[config.mode].refusesRefreshMidRun }',
    replace: '{ watchRefreshes: true }',
    tests: [T.sharedReads]
  },
  {
    id: 'refresh-unwatched-in-deploy',
    title: 'a deploy stops reading instance refreshes after pre-flight: it cuts over while a refresh replaces the live instances',
    file: 'src/aws/autoscaling.ts',
    find: "const refreshMatters = o.busy || (o.watchRefreshes && group.instances.some((i) => i.lifecycle === 'InService'))",
    replace: 'const refreshMatters = o.busy',
    tests: [T.interference],
    only: 'instance refresh'
  },
  {
    id: 'busy-reads-by-every-mode',
    title: "rollback, finalize and status read every group's scaling activities and instance refreshes at discovery, which only a deploy's pre-flight uses: their first write waits for them",
    file: 'src/run/prepare.ts',
    find: 'observeAll(deps.fleet, config, rules.deployLike)',
    replace: 'observeAll(deps.fleet, config, true)',
    tests: [T.sharedReads]
  },
  {
    id: 'writes-queue-behind-reads',
    title: "a cutover's writes wait behind every read queued before them for one of the run's in-flight slots",
    file: 'src/aws/clients.ts',
    find: '(read ? reads : writes).push',
    replace: 'reads.push',
    tests: [T.inFlight]
  },
  {
    id: 'protection-reads-unpaced',
    title: "finalize's DescribeInstanceAttribute reads go out as fast as the in-flight limit allows, past EC2's bucket for that API",
    file: 'src/aws/ec2.ts',
    find: '{ capacity: 90, refillPerSecond: 20 }',
    replace: '{ capacity: 100_000, refillPerSecond: 20 }',
    tests: [T.rateLimits],
    only: 'DescribeInstanceAttribute'
  },
  {
    id: 'protection-recheck-skipped-ahead',
    title: 'a retire batch read ahead is taken as unprotected without being read: protection turned on after pre-flight is missed',
    file: 'src/run/protection.ts',
    find: 'const read = this.fleet.terminationProtected(next.instanceIds)',
    replace: 'const read = Promise.resolve<string[]>([])',
    tests: [T.rateLimits],
    only: 'DescribeInstanceAttribute'
  },
  {
    id: 'cutover-leaves-deregistration-to-aws',
    title: 'the cutover never deregisters the old instances itself: the old version takes requests until Auto Scaling deregisters them, seconds later',
    file: 'src/run/deregister.ts',
    find: 'if (this.denied || arns.length === 0 || ids.length === 0) return undefined',
    replace: 'if (true as boolean) return undefined',
    tests: ['__tests__/scenario/fast-deregistration.test.ts']
  },
  {
    id: 'deregister-denied-asked-again',
    title: 'a role that may not call DeregisterTargets is asked again at every wave and warned each time',
    file: 'src/run/deregister.ts',
    find: '          this.denied = true\n',
    replace: '',
    tests: ['__tests__/scenario/fast-deregistration.test.ts']
  },
  {
    id: 'rerun-over-cutover-unchanged',
    title: "a deploy run again over its complete cutover says 'unchanged': the release workflow's approval job gated on awaiting-finalize never asks",
    file: 'src/run/prepare.ts',
    find: "return stateOf(phase) === 'awaiting-finalize' ? 'awaiting-finalize' : 'unchanged'",
    replace: "return 'unchanged'",
    tests: [T.rerun]
  },
  {
    id: 'cutover-reads-the-pair-again-after-its-wait',
    title: "the round after a health wait reads the groups and target health again instead of completing the wait's last look: the cutover's first write comes ~0.3 s later, one DescribeTargetHealth per target group spent",
    file: 'src/run/drive.ts',
    find: 'current = looked ? await this.completeCaughtUp(looked, opts.guard) : await this.observeCaughtUp(current, opts.guard)',
    replace: 'current = await this.observeCaughtUp(looked ?? current, opts.guard)',
    tests: ['__tests__/scenario/fast-deregistration.test.ts']
  },
  {
    id: 'activities-paged-back-every-poll',
    title: "a health wait's every read of scaling activities pages back to the activities from before the wait: a rollback of 150 instances reads every page of their ExitStandby activities at each poll",
    file: 'src/domain/activities.ts',
    find: 'return { known: new Set([...this.before, ...this.seen.keys()]), pending }',
    replace: 'return { known: new Set(this.before), pending }',
    tests: ['__tests__/scenario/activity-pages.test.ts']
  },
  {
    id: 'activities-forgotten-off-the-newest-page',
    title: 'a health wait forgets a failed launch once newer activities push it off the newest page',
    file: 'src/domain/activities.ts',
    find: 'return [...this.seen.values()].sort(',
    replace: 'return [...read.filter((a) => !this.before.has(a.id))].sort(',
    tests: ['__tests__/unit/activities.test.ts']
  },
  {
    id: 'activities-pending-never-read-again',
    title: 'an unfinished launch whose instance left the group is never read again: how it ended (Failed) stays unknown',
    file: 'src/domain/activities.ts',
    find: 'if (instance === undefined || !present.has(instance)) pending.add(a.id)',
    replace: 'if (instance === undefined && !present.has(a.id)) pending.add(a.id)',
    tests: ['__tests__/unit/activities.test.ts']
  }
]
