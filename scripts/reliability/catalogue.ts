// The catalogue of the fault scenarios (FAULT_SCENARIOS: which test, the fault, the expected end state) that
// scripts/reliability.ts prints in docs/RELIABILITY.md, and how an entry finds its tests. The catalogue is
// kept by hand; the script and __tests__/reliability/descriptors.test.ts fail when a test has no entry or an
// entry matches no test.

export type ReliabilityArea = 'interruptions' | 'failures' | 'throttling' | 'slow' | 'interference' | 'bad-input' | 'cancellation-e2e'

/** The areas of docs/RELIABILITY.md, in order, with their headings. */
export const RELIABILITY_AREAS: { area: ReliabilityArea; title: string; intro: string }[] = [
  { area: 'interruptions', title: 'Interruptions (a runner killed at every write)', intro: 'Each test makes one clean run and forks the simulated account just before each of its pair writes (lock writes aside): the fork after k writes is the account a runner killed there leaves. For every k (the exhaustive suite; `npm test` visits the first, the last and three more drawn by its printed KILL_SEED) it resumes from that fork and runs the mode again. The deploy test does this twice per k: once followed by a re-run of deploy, once by a rollback.' },
  { area: 'failures', title: 'Deploys that cannot finish', intro: 'The new version never gets healthy, cannot launch, or never leaves `initial`.' },
  { area: 'throttling', title: 'Throttling, 5xx and dropped connections', intro: 'Errors injected by the simulated AWS on chosen operations; the SDK retries throttling and 5xx (8 attempts, no delay in tests), the action retries Auto Scaling contention with backoff on the virtual clock and re-observes the pair after a failed call (3 tries).' },
  { area: 'slow', title: 'Slow transitions', intro: 'Long deregistration delays (EnteringStandby lasts as long as the drain) and NLB-like slow registration.' },
  { area: 'interference', title: 'Interference (other actors change the groups mid-run)', intro: 'Someone terminates an instance, the live group scales, a person edits the new group or deletes the deployment tags, an instance refresh starts.' },
  { area: 'bad-input', title: 'Bad input and bad AWS state', intro: 'A bad input fails before any AWS call, naming the input and the value; bad state is refused in every mode before any write.' },
  { area: 'cancellation-e2e', title: 'Cancellation and end-to-end (the bundle as a runner runs it)', intro: 'A cancelled job in-process, and `node dist/index.js` run as a new process per step (INPUT_* variables, GITHUB_OUTPUT, a SIGINT) against the simulated AWS over loopback HTTP at 600× speed.' }
]

export interface FaultScenario {
  area: ReliabilityArea
  /** Test file, from the repository root. */
  file: string
  /** Title of the enclosing describe block, exactly as in the file. */
  describe: string
  /** Title of the test exactly as in the file; for `it.each`, the title template. */
  test: string
  /** `it.each`: the template expands to one test per row ($name / %s placeholders). */
  each?: boolean
  /** What each test of the entry counts as in the summary. */
  counts?: 'bad-input' | 'bad-state'
  fault: string
  expected: string
}

/** Test files whose every test must have an entry in FAULT_SCENARIOS. */
export const DESCRIBED_FILES = [
  '__tests__/scenario/interruptions.test.ts',
  '__tests__/scenario/failures.test.ts',
  '__tests__/faults/throttling.test.ts',
  '__tests__/faults/slow.test.ts',
  '__tests__/faults/interference.test.ts',
  '__tests__/faults/bad-input.test.ts',
  '__tests__/e2e/bundle.test.ts',
  '__tests__/e2e/oidc.test.ts'
]

const INT = '__tests__/scenario/interruptions.test.ts'
const FAIL = '__tests__/scenario/failures.test.ts'
const THR = '__tests__/faults/throttling.test.ts'
const SLOW = '__tests__/faults/slow.test.ts'
const INTF = '__tests__/faults/interference.test.ts'
const BAD = '__tests__/faults/bad-input.test.ts'
const BUNDLE = '__tests__/e2e/bundle.test.ts'
const OIDC = '__tests__/e2e/oidc.test.ts'

/** Live group untouched and new group idle: the end state of every deploy that cannot finish (SPEC 5). */
const ABORTED = 'step fails (state `aborted`) naming the reason; live group exactly as it was (capacity, instances, processes, markers); new group back to 0/0 with no marker'

/** One entry per test of DESCRIBED_FILES (kept in step with the tests by hand; see the header). */
export const FAULT_SCENARIOS: FaultScenario[] = [
  // interruptions
  {
    area: 'interruptions',
    file: INT,
    describe: 'a deploy killed at every write',
    test: 'converges when deploy runs again, and rolls back from any point',
    fault: 'deploy killed after k of its pair writes, for every k (a scene with a step policy + alarm and a scheduled action with a time zone on the live group)',
    expected: 'for every k: a re-run of deploy ends `awaiting-finalize` with v2 serving and the alarm firing the moved policy; a rollback from the same point ends `rolled-back` (`refused` if nothing had changed yet) with v1 serving and both groups\' min/desired/max, suspended processes, policies, scheduled actions and markers as before; no instance lost, no invariant violated'
  },
  {
    area: 'interruptions',
    file: INT,
    describe: 'killed in the middle of a batch sequence',
    test: 'deploy killed between two EnterStandby batches of 20, and finalize between detach and terminate, converge without losing an instance',
    fault: '45 instances: deploy killed at its 2nd EnterStandby batch; finalize killed after detaching its 2nd batch of 12, before terminating it',
    expected: 'a re-run of deploy ends `awaiting-finalize` with all 45 in Standby; the 12 detached instances are recorded in `blue-green:finalizing` and a re-run of finalize terminates them: `finalized`, no instance lost'
  },
  {
    area: 'interruptions',
    file: INT,
    describe: 'finalize and rollback killed at every write',
    test: 'finalize converges and never loses an instance',
    fault: 'finalize killed after k of its pair writes, for every k',
    expected: 'a re-run ends `finalized`: every old instance shutting-down/terminated, old group 0/0 with no suspended process, v2 serving, no instance lost'
  },
  {
    area: 'interruptions',
    file: INT,
    describe: 'finalize and rollback killed at every write',
    test: 'rollback converges to the old version with its configuration restored',
    fault: 'rollback killed after k of its pair writes, for every k (baseline: the v2 capacity serving)',
    expected: 'a re-run ends `rolled-back`: v1 serving, both groups\' capacity, processes, policies (alarm re-pointed), scheduled actions (time zone kept) and markers as before the deploy'
  },
  // failures
  {
    area: 'failures',
    file: FAIL,
    describe: 'a deploy that cannot finish',
    test: 'a version that never gets healthy: aborts early with the reason codes, live untouched, new group idle',
    fault: 'every v-bad target turns `unhealthy` (Target.ResponseCodeMismatch); health-timeout 30m',
    expected: `${ABORTED}; gives up after 3 unhealthy checks in a row (under 10 min, not 30), naming the instances and reason codes in the error and the summary`
  },
  {
    area: 'failures',
    file: FAIL,
    describe: 'a deploy that cannot finish',
    test: 'a launch failure that repeats identically (bad configuration): fails fast with the Auto Scaling activity message',
    fault: 'the new group cannot launch: the same Failed activity (image id does not exist) every 10 s',
    expected: 'fails within 2 min quoting the Auto Scaling activity message; live group as it was; new group desired 0'
  },
  {
    area: 'failures',
    file: FAIL,
    describe: 'a deploy that cannot finish',
    test: 'a capacity shortage Auto Scaling keeps retrying is not given up early: the timeout ends it, quoting the message',
    fault: 'the new group cannot launch for lack of capacity (insufficient capacity activity every 10 s); health-timeout 5m',
    expected: 'fails only at the 5m timeout, quoting the capacity message and how often it repeated; live group as it was; new group desired 0'
  },
  {
    area: 'failures',
    file: FAIL,
    describe: 'a deploy that cannot finish',
    test: 'targets stuck in initial: times out after health-timeout, naming the state',
    fault: 'new targets never leave `initial`; health-timeout 5m',
    expected: 'fails after the 5m timeout naming `initial Elb.InitialHealthChecking`; live group as it was; new group desired 0'
  },
  // throttling & 5xx
  {
    area: 'throttling',
    file: THR,
    describe: 'short bursts are retried and the run succeeds',
    test: 'throttling (RequestLimitExceeded on EC2) on every API of deploy → finalize: both succeed, attempts visible',
    fault: '3 × Throttling (EC2: RequestLimitExceeded) on each of the 14 operations deploy uses, then on the 4 finalize adds',
    expected: 'deploy `awaiting-finalize`, finalize `finalized`; each operation failed 3 times then went through (call log); old instances terminated, old group 0/0 with no processes suspended, no marker left, no instance lost'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'short bursts are retried and the run succeeds',
    test: 'finalize leaves no deployment tag behind (blue-green:finalizing included)',
    fault: 'none (regression guard for the finalize marker)',
    expected: 'finalize ends `finalized` with no `blue-green:*` tag left on the old group'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'short bursts are retried and the run succeeds',
    test: 'throttling on every API of deploy → rollback: v1 serves again, both groups as before',
    fault: '3 × Throttling on every operation of deploy, then of rollback',
    expected: 'rollback ends `rolled-back`: the same v1 instances InService, both groups\' capacity, processes and policies as before, no marker, no instance lost'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'short bursts are retried and the run succeeds',
    test: '5xx and contention: ServiceUnavailable, ResourceContention and ScalingActivityInProgress are retried through',
    fault: '3 × ServiceUnavailable (503) on DescribeTargetHealth, 10 × ResourceContention (500) on EnterStandby, 2 × ScalingActivityInProgress on UpdateAutoScalingGroup, 1 × on SuspendProcesses',
    expected: 'deploy ends `awaiting-finalize`; the SDK retried the 5xx, the action retried contention with 2 s / 4 s backoff on the virtual clock and logged each retry'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'storms longer than the retry budget fail cleanly',
    test: 'contention on UpdateAutoScalingGroup outlasting the action retries: aborted, live untouched, new group idle; a re-run succeeds',
    fault: '18 × ScalingActivityInProgress on UpdateAutoScalingGroup (6 action retries × 3 re-observations)',
    expected: `${ABORTED} (names ScalingActivityInProgressFault); once the storm is over, a re-run ends \`awaiting-finalize\``
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'storms longer than the retry budget fail cleanly',
    test: 'a throttling storm at discovery: fails naming Throttling, nothing written',
    fault: '30 × Throttling on DescribeAutoScalingGroups',
    expected: 'fails naming `Throttling: Rate exceeded` after the SDK\'s 8 attempts; not one write'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'storms longer than the retry budget fail cleanly',
    test: 'a throttling storm on DescribeTargetHealth during the health wait: the deploy stops without touching the live group; rollback converges',
    fault: '32 × Throttling on DescribeTargetHealth, starting when the new group is scaled up (outlasts 8 SDK attempts × 3 re-observations)',
    expected: 'deploy fails (`aborted`, or `failed` with a hint to roll back) naming Throttling; live group never left service; rollback ends `rolled-back` or `refused` (nothing left to undo) with the new group 0/0, no marker, no instance lost'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'storms longer than the retry budget fail cleanly',
    test: 'RequestLimitExceeded storm on TerminateInstances during finalize: fails naming it, the detached batch is remembered, a re-run finishes',
    fault: '40 × RequestLimitExceeded on EC2 TerminateInstances during finalize',
    expected: 'finalize fails (`failed`) naming RequestLimitExceeded; the detached ids are kept in `blue-green:finalizing`; a re-run ends `finalized`, every old instance terminated, no marker, no instance lost'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'dropped connections',
    test: 'ECONNRESET before EnterStandby reaches AWS: the SDK retries it and the deploy succeeds',
    fault: 'the first EnterStandby request dies on the wire with ECONNRESET before AWS applies it',
    expected: 'the SDK retries it; deploy ends `awaiting-finalize`'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'dropped connections',
    test: 'an unclassified network error before EnterStandby: the SDK does not retry it; the run observes again and carries on',
    fault: 'the first EnterStandby request fails with "socket hang up" (not retried by the SDK)',
    expected: 'the run re-observes the pair, logs "observing again and carrying on", repeats EnterStandby and ends `awaiting-finalize`'
  },
  {
    area: 'throttling',
    file: THR,
    describe: 'dropped connections',
    test: 'the response to an applied EnterStandby is lost (ECONNRESET after the write): the run observes again and succeeds',
    fault: 'EnterStandby applied by AWS, then its response lost (ECONNRESET); the SDK retries and gets a ValidationError',
    expected: 'ends `awaiting-finalize`, or fails naming the ValidationError and a re-run of deploy ends `awaiting-finalize`; never an instance lost'
  },
  // slow transitions
  {
    area: 'slow',
    file: SLOW,
    describe: 'a long deregistration delay (900 s)',
    test: 'the deploy ends when traffic has moved, not after the 15-minute drain, and says when the drain ends',
    fault: '900 s deregistration delay: EnteringStandby lasts 15 minutes; health-timeout 10m',
    expected: 'deploy ends `awaiting-finalize` within 30 s of EnterStandby with the old instances draining (none registered), `drain-ends-at` 15 min after EnterStandby, when they are in Standby'
  },
  {
    area: 'slow',
    file: SLOW,
    describe: 'a long deregistration delay (900 s)',
    test: 'finalize started while the old instances are still EnteringStandby waits for them, then finalizes',
    fault: 'deploy job cancelled during the 15-minute drain; finalize started at once',
    expected: 'finalize waits (≥ 10 min) for Standby, then ends `finalized`: old instances terminated, v2 serving, no instance lost'
  },
  {
    area: 'slow',
    file: SLOW,
    describe: 'a long deregistration delay (900 s)',
    test: 'rollback started while the old instances are still EnteringStandby waits for them, then restores v1',
    fault: 'deploy job cancelled during the 15-minute drain; rollback started at once',
    expected: 'rollback waits for Standby, then ends `rolled-back`: the live group exactly as before, new group 0/0, no marker'
  },
  {
    area: 'slow',
    file: SLOW,
    describe: 'NLB-like slow registration (targets initial for 5 minutes)',
    test: 'succeeds within a long enough health-timeout',
    fault: 'targets stay `initial` for 5 minutes (30 s × 10 checks); health-timeout 10m',
    expected: 'deploy ends `awaiting-finalize`; cutover only after launch + 5 min of `initial` (≥ 6 min)'
  },
  {
    area: 'slow',
    file: SLOW,
    describe: 'NLB-like slow registration (targets initial for 5 minutes)',
    test: 'fails cleanly with a short health-timeout: names the initial state, live untouched, new group idle',
    fault: 'targets stay `initial` for 5 minutes; health-timeout 3m',
    expected: `${ABORTED}; names \`initial Elb.InitialHealthChecking\`; no EnterStandby call at all`
  },
  {
    area: 'slow',
    file: SLOW,
    describe: 'NLB-like slow registration (targets initial for 5 minutes)',
    test: 'a rollback whose old instances re-register too slowly for its health-timeout fails with the reason; a re-run converges to v1',
    fault: 'old instances re-register slowly after ExitStandby; rollback health-timeout 1m',
    expected: 'rollback fails (`failed`) naming the timeout while v2 keeps serving (nothing drained early); a re-run with 10m ends `rolled-back`: live group as before, new group 0/0, no instance lost'
  },
  // interference
  {
    area: 'interference',
    file: INTF,
    describe: 'someone else terminates a new instance while the deploy waits',
    test: 'the ASG replaces it and the deploy completes with the full new capacity',
    fault: 'EC2 TerminateInstances on a Pending new instance 30 s into the health wait',
    expected: 'the ASG replaces it; deploy ends `awaiting-finalize` with 3 new instances serving (not the victim); no instance lost'
  },
  {
    area: 'interference',
    file: INTF,
    describe: 'the new version turns unhealthy after cutover',
    test: 'the deploy had already succeeded; rollback restores v1 without dropping serving capacity',
    fault: 'a v2 instance turns unhealthy (Target.Timeout) after a successful deploy',
    expected: 'status shows `awaiting-finalize` and the reason code; rollback ends `rolled-back` without going below the 2 still healthy: live group as before, 3 healthy'
  },
  {
    area: 'interference',
    file: INTF,
    describe: "the live group's own scaling moves during the wait",
    test: 'a scheduled action raises the live group 3 → 5: the new group matches 5 before cutover',
    fault: 'a scheduled action on the live group sets desired 3 → 5 while the new group warms up',
    expected: 'the new group matches 5 before cutover; `awaiting-finalize` with 5 v2 serving and 5 in Standby; recorded live capacity 3/5/6'
  },
  {
    area: 'interference',
    file: INTF,
    describe: "the live group's own scaling moves during the wait",
    test: 'a scale-in alarm fires mid-wait (the new instances halve the load): the live group is held at 3, its own MinSize restored exactly',
    fault: "an alarm fires the live group's scale-in policy (owner's MinSize 2) during the wait",
    expected: 'the live group is held at 3 during the wait, the new group gets the owner\'s MinSize; rollback restores min 2'
  },
  {
    area: 'interference',
    file: INTF,
    describe: "the live group's own scaling moves during the wait",
    test: 'a deploy aborted after holding the live group gives it back its own MinSize',
    fault: "a bad version while the live group is held above its owner's MinSize 1",
    expected: 'aborted; the live group gets its own MinSize back, no marker left'
  },
  {
    area: 'interference',
    file: INTF,
    describe: "the live group's own scaling moves during the wait",
    test: "a schedule sets the live group to min 2 / desired 2 during the wait: the deploy follows it (new group 2/2) and records the owner's 2, never 3",
    fault: "the owner's scheduled action sets the held live group (own MinSize 3, held at 4) to min 2 / desired 2 mid-wait",
    expected: 'awaiting-finalize with the new group at 2/2, the live capacity recorded 2/2; no UpdateAutoScalingGroup refused (never MinSize 3 with desired 2); rollback restores 2/2'
  },
  {
    area: 'interference',
    file: INTF,
    describe: "the live group's own scaling moves during the wait",
    test: 'a deploy aborted after a schedule set the live group to min 2 / desired 2 leaves it as the schedule set it (min 2, not the recorded 3)',
    fault: 'the same schedule, and the new version never gets healthy',
    expected: 'aborted; the live group stays at min 2 / desired 2 as the schedule set it, no marker left'
  },
  {
    area: 'interference',
    file: INTF,
    describe: "the live group's own scaling moves during the wait",
    test: 'a schedule lowers only MinSize (3 → 2, desired 3) during the wait: the aborted deploy leaves MinSize 2, the desired 3',
    fault: "the owner's scheduled action lowers the held live group's MinSize to 2 (desired 3) mid-wait; the new version never gets healthy",
    expected: "aborted; the live group keeps the owner's MinSize 2 and desired 3"
  },
  {
    area: 'interference',
    file: INTF,
    describe: 'a person edits the new group during the wait',
    test: 'capacity lowered by hand (3 → 1): the deploy notices, restores it and succeeds well within the health-timeout',
    fault: 'UpdateAutoScalingGroup on the new group (min 1, desired 1) 30 s into the wait',
    expected: '`awaiting-finalize` with the new group back at 3/3, or a failure within 3 min naming the capacity change with the live group as before and the new group 0/0'
  },
  {
    area: 'interference',
    file: INTF,
    describe: 'a person edits the new group during the wait',
    test: 'capacity raised by hand (3 → 5): the deploy puts it back to the live capacity and succeeds',
    fault: 'UpdateAutoScalingGroup on the new group (desired 5) 30 s into the wait',
    expected: '`awaiting-finalize` with the new group back at 3/3/6'
  },
  {
    area: 'interference',
    file: INTF,
    describe: 'an instance refresh starts on the live group mid-run',
    test: 'no cutover while the refresh runs: the deploy aborts naming it, live untouched, new group idle',
    fault: 'an instance refresh starts on the live group 30 s into the wait and runs 20 minutes',
    expected: 'no EnterStandby while it runs: an abort naming the refresh (live as before, new group 0/0), or a cutover after it ended'
  },
  {
    area: 'interference',
    file: INTF,
    describe: 'someone deletes the deployment tags by hand while the deploy awaits a decision',
    test: '$name: every mode refuses with an unknown-state message, nothing is written, status says unknown',
    each: true,
    counts: 'bad-state',
    fault: 'DeleteTags of deployment markers while awaiting finalize (3 cases: the idle-capacity record, the live-capacity records, every marker)',
    expected: 'finalize, rollback, deploy v2 and deploy v3 each `refused` naming the pair and the missing record; status `unknown`; not one write; both groups unchanged, old instances still in Standby'
  },
  {
    area: 'interference',
    file: INTF,
    describe: 'a re-run right after an aborted deploy',
    test: 'is not refused because the aborted instances are still draining',
    fault: 'deploy re-run while the instances of an aborted deploy are still Terminating (draining)',
    expected: 'the re-run proceeds and ends `awaiting-finalize`'
  },
  {
    area: 'interference',
    file: INTF,
    describe: 'a re-run right after an aborted deploy',
    test: 'converges once the aborted instances have drained',
    fault: 'deploy re-run 6 minutes after an abort',
    expected: 'no marker left by the abort; the re-run ends `awaiting-finalize`'
  },
  // bad input and bad state
  {
    area: 'bad-input',
    file: BAD,
    describe: 'bad inputs fail before any AWS call, naming the input and the value',
    test: '$input = $shown ($inputs.mode)',
    each: true,
    counts: 'bad-input',
    fault: 'one malformed input per test: mode, prefix, service, version (empty, 257 chars, shell metacharacters; not a Docker tag with version-format docker), health-timeout, poll-interval, aws-region, dry-run, colors, tag keys, a renamed input given twice',
    expected: 'fails (`invalid-input`) with "Input \'<name>\' is invalid: <value>."; not one AWS call; both groups unchanged'
  },
  {
    area: 'bad-input',
    file: BAD,
    describe: 'bad inputs fail before any AWS call, naming the input and the value',
    test: 'accepted: %s',
    each: true,
    fault: 'unusual but valid inputs (capitals, 1h30m / plain seconds, every character a tag allows)',
    expected: 'accepted: no error, no write'
  },
  {
    area: 'bad-input',
    file: BAD,
    describe: 'renamed inputs: the old names still work, with a warning naming the old and the new name',
    test: '%s (now %s)',
    each: true,
    fault: 'an input given by its old name: image-name, image-name-tag-key, boot-time',
    expected: 'the run goes on (a dry run: `planned`, no write) with one warning "Input \'<old>\' is deprecated: use \'<new>\' instead"'
  },
  {
    area: 'bad-input',
    file: BAD,
    describe: 'bad AWS state is refused in every mode, naming the pair, with nothing written',
    test: '$name',
    each: true,
    counts: 'bad-state',
    fault: 'one color only; colors behind different target groups; both colors serving with no record; Standby instances nobody recorded',
    expected: 'deploy, finalize and rollback each `refused`: "Nothing was changed", naming the pair and the reason; not one write; both groups unchanged'
  },
  // cancellation and end to end
  {
    area: 'cancellation-e2e',
    file: FAIL,
    describe: 'a job cancelled after cutover began',
    test: 'leaves a state that rollback completes (it does not try to undo cutover in the seconds a cancel leaves)',
    fault: 'the job\'s abort signal fires as the first EnterStandby is sent (in-process)',
    expected: 'fails (`failed`) saying cutover had begun and naming mode: rollback; the new group keeps serving; a rollback then ends `rolled-back` with the old group at its capacity and no process suspended'
  },
  {
    area: 'cancellation-e2e',
    file: FAIL,
    describe: 'a deploy that cannot finish',
    test: 'a cancelled job before cutover returns the new group to idle',
    fault: 'the job\'s abort signal fires while the deploy waits for health (in-process)',
    expected: 'fails "Cancelled while waiting for prod-web-green to become healthy"; live group as it was; new group 0/0'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'deploy → rollback → deploy → finalize, each step a new process: colors alternate, old instances end only at finalize',
    fault: 'none: every step a new process, state carried only by AWS',
    expected: 'each step exits 0 with the right outputs; old instances keep running until finalize terminates them'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'finalize leaves no deployment marker behind',
    fault: 'none (regression guard)',
    expected: 'finalize exits 0, `finalized`, no `blue-green:*` tag on either group'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'a missing required input (mode) fails with an error naming it and writes nothing',
    counts: 'bad-input',
    fault: 'INPUT_MODE missing',
    expected: 'exit 1, `::error::` naming \'mode\'; not one write'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'a bad input value fails naming the input and the value, before any AWS call',
    counts: 'bad-input',
    fault: 'health-timeout "soon"',
    expected: 'exit 1, one error naming health-timeout and "soon"; not one AWS call'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'a pre-flight refusal (a prefix that matches nothing) fails, writes nothing and explains in the summary',
    fault: 'prefix `staging-` matches no group',
    expected: 'exit 1, `refused`; it looked but wrote nothing; the summary says nothing was changed'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'a pre-flight refusal of a discovered pair is not reported as a dry run',
    fault: 'a scaling policy on the idle group',
    expected: 'exit 1, `refused` naming the policy; nothing written; the summary does not call it a dry run or "planned"'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'dry-run: exit 0, state planned, the plan lists the writes, nothing is written',
    fault: 'none (dry-run: true)',
    expected: 'exit 0, `planned`, the plan lists tag / capacity / suspend / standby steps; not one write; both groups unchanged'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'a bad version aborts: the error names the instances and the reason code, the live group is untouched, the new group idle again',
    fault: 'every v-bad target turns unhealthy',
    expected: `exit 1; ${ABORTED}; the error names the 3 instances and Target.ResponseCodeMismatch`
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'a cancelled job (SIGINT while waiting for health) exits within seconds and returns the new group to idle',
    fault: 'SIGINT to the action process ~1 s into the health wait (targets stuck `initial`)',
    expected: 'exits by itself (non-zero) within 5 s of the signal; new group 0/0 without marker; live group exactly as it was; the summary explains'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'honours the per-service endpoint variables (AWS_ENDPOINT_URL_<SERVICE>) for all four services',
    fault: 'only AWS_ENDPOINT_URL_<SERVICE> variables set (no AWS_ENDPOINT_URL)',
    expected: 'deploy and finalize exit 0 talking to all four services through them; the alarm re-pointed to the moved policy'
  },
  {
    area: 'cancellation-e2e',
    file: BUNDLE,
    describe: 'the bundle, run as a GitHub runner runs it',
    test: 'builds the child environment from scratch: nothing but PATH comes from the caller',
    fault: 'stray variables (INPUT_DRY_RUN, a sentinel) in the caller\'s environment',
    expected: 'the child environment has none of them, only PATH and what a runner sets'
  },
  {
    area: 'cancellation-e2e',
    file: OIDC,
    describe: 'credentials through GitHub OIDC',
    test: 'deploy and finalize assume the role from a token with aud sts.amazonaws.com, and mask the secrets',
    fault: 'none: credentials only through GitHub OIDC → STS AssumeRoleWithWebIdentity',
    expected: 'deploy `awaiting-finalize`, finalize `finalized`; each assumed the role once (3600 s); the session secrets masked'
  },
  {
    area: 'cancellation-e2e',
    file: OIDC,
    describe: 'credentials through GitHub OIDC',
    test: 'a trust policy written for the branch refuses the environment job: the error shows the claims and the condition to add',
    fault: 'the role trusts `ref:refs/heads/main`, the job presents `environment:production`',
    expected: 'exit 1, `failed`: AccessDenied with the claims and the trust condition to add, never the token; not one write'
  },
  {
    area: 'cancellation-e2e',
    file: OIDC,
    describe: 'credentials through GitHub OIDC',
    test: 'a job without id-token: write permission is told what to add',
    fault: 'no ACTIONS_ID_TOKEN_REQUEST_* variables',
    expected: 'exit 1 naming `permissions: id-token: write`; not one AWS call'
  }
]

/** The test titles an entry stands for: its exact title, or for `it.each` its template ($x / %s = any text). */
export function titlePattern(s: Pick<FaultScenario, 'test' | 'each'>): RegExp {
  const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  if (!s.each) return new RegExp(`^${escape(s.test)}$`)
  let out = ''
  let last = 0
  for (const m of s.test.matchAll(/\$[A-Za-z_][\w.]*|%[sdifjop#]/g)) {
    out += escape(s.test.slice(last, m.index)) + '[\\s\\S]*?'
    last = (m.index ?? 0) + m[0].length
  }
  return new RegExp(`^${out}${escape(s.test.slice(last))}$`)
}

/** Does the entry stand for this test (file from the repository root, enclosing describe, title)? */
export function describes(s: FaultScenario, file: string, ancestors: string[], title: string): boolean {
  return s.file === file && ancestors[ancestors.length - 1] === s.describe && titlePattern(s).test(title)
}

/**
 * The test titles written in a test file's source (`it(...)`, `test(...)`, `it.each(rows)(...)` and
 * variants), as literal strings: for `it.each`, the template. Read as text, no test is run.
 */
export function sourceTestTitles(source: string): { title: string; each: boolean }[] {
  const re = /\b(?:it|test)(?:\.(?:only|skip|failing|concurrent|todo))?(\.each\b[\s\S]*?\))?\(\s*(['"`])((?:\\.|(?!\2)[^\\])*)\2/g
  return [...source.matchAll(re)].map((m) => ({ title: unescapeLiteral(m[3] ?? ''), each: m[1] !== undefined }))
}

function unescapeLiteral(t: string): string {
  return t.replace(/\\(.)/g, '$1')
}
