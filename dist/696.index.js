export const id = 696;
export const ids = [696];
export const modules = {

/***/ 2696:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runSession: () => (/* binding */ runSession)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 18 modules
var core = __webpack_require__(6257);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-auto-scaling/dist-cjs/index.js
var dist_cjs = __webpack_require__(8932);
// EXTERNAL MODULE: ./src/domain/health.ts
var domain_health = __webpack_require__(5876);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/aws/call.ts

/**
 * Auto Scaling refuses some writes while an activity runs; the SDK does not retry these, we do. Its own
 * classification (@smithy/core/retry: isThrottlingError, isTransientError, the `$retryable` trait) does
 * not cover them: ScalingActivityInProgressFault is a client fault with no retryable trait, and
 * ResourceContentionFault (a 500) is retried by the SDK only up to its maxAttempts, after which these
 * retries, spaced seconds apart, give the activity time to end. The wire codes come with the SDK's names.
 */
const CONTENTION = new Set(['ScalingActivityInProgressFault', 'ResourceContentionFault', 'ScalingActivityInProgress', 'ResourceContention']);
const CONTENTION_ATTEMPTS = 6;
function withClients(clients, clock, log) {
    const call = async (what, fn) => {
        try {
            return await fn();
        }
        catch (err) {
            throw wrap(what, err);
        }
    };
    const write = async (what, fn) => {
        for (let attempt = 1;; attempt++) {
            try {
                return await fn();
            }
            catch (err) {
                const name = errorName(err);
                if (!CONTENTION.has(name) || attempt >= CONTENTION_ATTEMPTS)
                    throw wrap(what, err);
                const delay = Math.min(2000 * 2 ** (attempt - 1), 30_000);
                log(`${what}: ${name}, retrying in ${delay / 1000}s (attempt ${attempt} of ${CONTENTION_ATTEMPTS})`);
                await clock.sleep(delay);
            }
        }
    };
    return { clients, call, write, log };
}
/** The SDK names an error after its shape (`InvalidTargetException`); a plain error has at least `Error`. */
function errorName(err) {
    return err.name ?? '';
}
function wrap(what, err) {
    const e = err;
    return new errors/* AwsCallFailed */.Zf(`${what} failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, e.name ?? 'Error');
}
/**
 * Every item of a paginated answer, read with the SDK's paginator (`paginateX`), which sends each page
 * through the client (and so through its in-flight limit, clients.ts) and follows NextToken / NextMarker.
 * `maxPages` stops early, for reads that only need the newest pages.
 */
async function allPages(pages, items, maxPages = Infinity) {
    const out = [];
    let read = 0;
    for await (const page of pages) {
        out.push(...(items(page) ?? []));
        if (++read >= maxPages)
            break;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/aws/translate.ts
function toGroup(g) {
    const tags = {};
    for (const t of g.Tags ?? [])
        if (t.Key)
            tags[t.Key] = t.Value ?? '';
    const unit = capacityUnitOf(g);
    return {
        name: g.AutoScalingGroupName ?? '',
        capacity: { min: g.MinSize ?? 0, desired: g.DesiredCapacity ?? 0, max: g.MaxSize ?? 0 },
        instances: (g.Instances ?? []).map((i) => ({
            id: i.InstanceId ?? '',
            lifecycle: i.LifecycleState ?? 'Pending',
            ...(i.HealthStatus ? { healthStatus: i.HealthStatus } : {}),
            protectedFromScaleIn: i.ProtectedFromScaleIn ?? false,
            ...(i.AvailabilityZone ? { zone: i.AvailabilityZone } : {}),
            ...weightOfInstance(unit, i.WeightedCapacity),
            targets: {}
        })),
        tags,
        ...trafficOf(g),
        suspendedProcesses: (g.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? '').filter((p) => p !== ''),
        newInstancesProtected: g.NewInstancesProtectedFromScaleIn ?? false,
        ...(g.HealthCheckGracePeriod !== undefined ? { healthCheckGracePeriodSeconds: g.HealthCheckGracePeriod } : {}),
        warmPool: g.WarmPoolConfiguration !== undefined,
        ...launchSourceOf(g),
        policies: [],
        scheduledActions: [],
        activities: [],
        ...(unit ? { capacityUnit: unit } : {}),
        ...weightsOf(g)
    };
}
/**
 * Where the group's instances take traffic: target groups and Classic LBs attached with the older APIs
 * (TargetGroupARNs, LoadBalancerNames) or with AttachTrafficSources, which DescribeAutoScalingGroups reports in
 * TrafficSources only (types elbv2, elb, vpc-lattice). Other types are kept apart: nothing can gate on them.
 */
function trafficOf(g) {
    const sources = (g.TrafficSources ?? []).filter((t) => t.Identifier);
    const of = (type) => sources.filter((t) => t.Type === type).map((t) => t.Identifier);
    const other = sources.filter((t) => t.Type !== 'elbv2' && t.Type !== 'elb').map((t) => ({ type: t.Type ?? '(no type)', identifier: t.Identifier }));
    return {
        targetGroupArns: [...new Set([...(g.TargetGroupARNs ?? []), ...of('elbv2')])],
        loadBalancerNames: [...new Set([...(g.LoadBalancerNames ?? []), ...of('elb')])],
        ...(other.length > 0 ? { otherTrafficSources: other } : {})
    };
}
/** The instance types' weights (`type=weight`, sorted), when the overrides carry any. */
function weightsOf(g) {
    const overrides = (g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? []).filter((o) => o.WeightedCapacity !== undefined && o.WeightedCapacity !== '');
    if (overrides.length === 0)
        return {};
    return { weights: overrides.map((o) => `${o.InstanceType ?? '(instance requirements)'}=${o.WeightedCapacity}`).sort() };
}
/**
 * What the group's sizes count: instance weights (MixedInstancesPolicy overrides with WeightedCapacity) make
 * them units; DesiredCapacityType vcpu / memory-mib makes them vCPUs / MiB. Otherwise instances.
 */
function capacityUnitOf(g) {
    if (g.DesiredCapacityType === 'vcpu' || g.DesiredCapacityType === 'memory-mib')
        return g.DesiredCapacityType;
    const overrides = g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? [];
    if (overrides.some((o) => o.WeightedCapacity !== undefined && o.WeightedCapacity !== ''))
        return 'units';
    return undefined;
}
/** Each instance's WeightedCapacity (a string) in a group that counts units; absent otherwise (counts 1). */
function weightOfInstance(unit, w) {
    if (unit === undefined || w === undefined)
        return {};
    const n = Number(w);
    return Number.isFinite(n) && n > 0 ? { weight: n } : {};
}
/** Where a group's instances come from: a launch template (plain or in a mixed instances policy), or a launch configuration. */
function launchSourceOf(g) {
    const mixed = g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    const spec = mixed ?? g.LaunchTemplate;
    if (spec && (spec.LaunchTemplateId || spec.LaunchTemplateName)) {
        return {
            launchTemplate: {
                ...(spec.LaunchTemplateId ? { id: spec.LaunchTemplateId } : {}),
                ...(spec.LaunchTemplateName ? { name: spec.LaunchTemplateName } : {}),
                // Auto Scaling's default when no version is given is $Default (LaunchTemplateSpecification.Version).
                version: spec.Version ?? '$Default',
                mixed: mixed !== undefined,
                ...overridesOf(g)
            }
        };
    }
    return g.LaunchConfigurationName ? { launchConfiguration: g.LaunchConfigurationName } : {};
}
/**
 * A mixed instances policy's overrides (instance type, weight, an override's own template or image), when
 * one of them launches from its own template or image; absent otherwise (every type launches the policy's).
 */
function overridesOf(g) {
    const list = g.MixedInstancesPolicy?.LaunchTemplate?.Overrides ?? [];
    if (!list.some((o) => o.ImageId || o.LaunchTemplateSpecification?.LaunchTemplateId || o.LaunchTemplateSpecification?.LaunchTemplateName))
        return {};
    return {
        overrides: list.map((o) => {
            const t = o.LaunchTemplateSpecification;
            return {
                ...(o.InstanceType ? { instanceType: o.InstanceType } : {}),
                ...(o.WeightedCapacity ? { weight: o.WeightedCapacity } : {}),
                ...(t && (t.LaunchTemplateId || t.LaunchTemplateName)
                    ? { template: { ...(t.LaunchTemplateId ? { id: t.LaunchTemplateId } : {}), ...(t.LaunchTemplateName ? { name: t.LaunchTemplateName } : {}), version: t.Version ?? '$Default' } }
                    : {}),
                ...(o.ImageId ? { imageId: o.ImageId } : {})
            };
        })
    };
}
function toActivity(a) {
    return {
        id: a.ActivityId ?? '',
        status: a.StatusCode ?? '',
        description: a.Description ?? '',
        ...(a.StatusMessage ? { message: a.StatusMessage } : {}),
        startTime: a.StartTime ?? new Date(0)
    };
}
/** What identifies a policy rather than configures it: the rest is its settings, sent back when it moves. */
const POLICY_ID_FIELDS = new Set(['AutoScalingGroupName', 'PolicyName', 'PolicyARN', 'PolicyType', 'Alarms']);
function toPolicy(p) {
    const settings = {};
    for (const [k, v] of Object.entries(p))
        if (!POLICY_ID_FIELDS.has(k) && v !== undefined)
            settings[k] = v;
    return {
        name: p.PolicyName ?? '',
        arn: p.PolicyARN ?? '',
        type: p.PolicyType ?? 'SimpleScaling',
        settings,
        alarmNames: (p.Alarms ?? []).map((a) => a.AlarmName ?? '').filter((n) => n !== '')
    };
}
function toScheduledAction(a) {
    return {
        name: a.ScheduledActionName ?? '',
        ...(a.StartTime ? { startTime: a.StartTime } : {}),
        ...(a.EndTime ? { endTime: a.EndTime } : {}),
        ...(a.Recurrence ? { recurrence: a.Recurrence } : {}),
        ...(a.TimeZone ? { timeZone: a.TimeZone } : {}),
        ...(a.MinSize !== undefined ? { min: a.MinSize } : {}),
        ...(a.MaxSize !== undefined ? { max: a.MaxSize } : {}),
        ...(a.DesiredCapacity !== undefined ? { desired: a.DesiredCapacity } : {})
    };
}
function toLifecycleHook(h) {
    return {
        name: h.LifecycleHookName ?? '',
        transition: h.LifecycleTransition ?? '',
        // AWS's default HeartbeatTimeout is one hour.
        heartbeatTimeoutSeconds: h.HeartbeatTimeout ?? 3600,
        ...(h.DefaultResult ? { defaultResult: h.DefaultResult } : {})
    };
}
/** Instance refresh states in which the refresh still replaces instances (or is rolling back). */
const ACTIVE_REFRESH = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking']);
/** The refresh still running among a group's newest ones, as `id (status)`; undefined when none is. */
function activeRefreshOf(refreshes) {
    const active = refreshes.find((r) => ACTIVE_REFRESH.has(r.Status ?? ''));
    return active ? `${active.InstanceRefreshId} (${active.Status})` : undefined;
}
/** One target's health, keyed by its instance id (undefined when the answer names no target). */
function toTargetHealth(d) {
    const id = d.Target?.Id;
    if (!id)
        return undefined;
    return [
        id,
        {
            state: (d.TargetHealth?.State ?? 'unavailable'),
            ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
            ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {})
        }
    ];
}
/** How ELBv2 reports a target the target group does not list (read whole, not by name). */
const NOT_REGISTERED = { state: 'unused', reason: 'Target.NotRegistered', description: 'Target is not registered to the target group' };
/** A target group's health-check timing, with ELBv2's defaults for what it leaves out. */
function toHealthCheck(tg) {
    return {
        intervalSeconds: tg.HealthCheckIntervalSeconds ?? 30,
        healthyThreshold: tg.HealthyThresholdCount ?? 5,
        unhealthyThreshold: tg.UnhealthyThresholdCount ?? 2,
        ...(NETWORK_PROTOCOLS.has(tg.Protocol ?? '') ? { network: true } : {})
    };
}
/** A Network Load Balancer's target group protocols (an ALB's are HTTP and HTTPS, a GWLB's GENEVE). */
const NETWORK_PROTOCOLS = new Set(['TCP', 'TLS', 'UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC']);
/** A target group's deregistration delay in seconds, from its attributes. */
function deregistrationDelayOf(attributes) {
    const value = attributes.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
    // ELBv2's default when the attribute is absent (it is always returned in practice).
    return value === undefined ? 300 : Number(value);
}
/** A target group's drain: its delay, and (NLB target groups only) whether the connections still open when it ends are closed. */
function drainOf(attributes) {
    const termination = attributes.find((a) => a.Key === 'deregistration_delay.connection_termination.enabled')?.Value;
    return { delaySeconds: deregistrationDelayOf(attributes), ...(termination !== undefined ? { connectionTermination: termination === 'true' } : {}) };
}
function toAlarmStatus(a) {
    if (!a.AlarmName)
        return undefined;
    return {
        name: a.AlarmName,
        state: (a.StateValue ?? 'INSUFFICIENT_DATA'),
        reason: a.StateReason ?? '',
        since: (a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp ?? new Date(0)).getTime()
    };
}
const GONE_EC2_STATES = new Set(['shutting-down', 'terminated']);
/** What EC2 says of an instance's fate: its state, StateReason and InstanceLifecycle. */
function toInstanceFate(i) {
    return {
        state: i.State?.Name ?? 'unknown',
        ...(i.StateReason?.Code ? { reasonCode: i.StateReason.Code } : {}),
        ...(i.StateReason?.Message ? { reasonMessage: i.StateReason.Message } : {}),
        ...(i.InstanceLifecycle ? { lifecycle: i.InstanceLifecycle } : {})
    };
}
/** Whether EC2 still runs (or is about to run) this instance: not shutting down or terminated. */
function isRunning(i) {
    return !GONE_EC2_STATES.has(i.State?.Name ?? '');
}
function tagsOf(i) {
    return Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}
function toImage(i) {
    return {
        id: i.ImageId ?? '',
        state: i.State ?? 'unknown',
        ...(i.Name ? { name: i.Name } : {}),
        ...(i.CreationDate ? { created: i.CreationDate } : {}),
        ...(i.OwnerId ? { owner: i.OwnerId } : {})
    };
}
/** Replaces the AutoScalingGroupName dimension value `from` by `to`, anywhere in a nested structure. */
function swapGroupDimension(value, from, to) {
    if (Array.isArray(value))
        return value.map((v) => swapGroupDimension(v, from, to));
    if (value && typeof value === 'object' && !(value instanceof Date)) {
        const o = value;
        if (o.Name === 'AutoScalingGroupName' && o.Value === from)
            return { ...o, Value: to };
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, swapGroupDimension(v, from, to)]));
    }
    return value;
}

;// CONCATENATED MODULE: ./src/aws/autoscaling.ts
// Auto Scaling: reading groups and what hangs off them (policies, scheduled actions, activities,
// refreshes, hooks), and the writes that move a group through a deploy (tags, sizes, processes,
// Standby, protection, detach).





/** Pages of 100 scaling activities read back at most while looking for the ones a wait has seen. */
const ACTIVITY_PAGES = 5;
async function listGroups(aws, tagKey, tagValue) {
    const client = aws.clients.autoscaling;
    const groups = await aws.call(`DescribeAutoScalingGroups (tag ${tagKey}=${tagValue})`, () => allPages((0,dist_cjs/* paginateDescribeAutoScalingGroups */.ZJr)({ client }, { Filters: [{ Name: `tag:${tagKey}`, Values: [tagValue] }], MaxRecords: 100 }), (page) => page.AutoScalingGroups));
    return groups.map(toGroup);
}
/**
 * Every group of the account in this region (DescribeAutoScalingGroups with neither names nor filters:
 * the API cannot filter by launch template), without their instances, 100 a page.
 */
async function listAllGroups(aws) {
    const client = aws.clients.autoscaling;
    const groups = await aws.call('DescribeAutoScalingGroups (every group, to find users of a launch template)', () => allPages((0,dist_cjs/* paginateDescribeAutoScalingGroups */.ZJr)({ client }, { MaxRecords: 100, IncludeInstances: false }), (page) => page.AutoScalingGroups));
    return groups.map(toGroup);
}
/** DescribeAutoScalingGroups names at most this many groups per call (its MaxRecords maximum). */
const GROUP_NAMES_PER_CALL = 100;
async function describeGroups(aws, names) {
    const client = aws.clients.autoscaling;
    const calls = [];
    for (let i = 0; i < names.length; i += GROUP_NAMES_PER_CALL)
        calls.push(names.slice(i, i + GROUP_NAMES_PER_CALL));
    // AWS may answer with fewer groups than asked for, and a NextToken.
    const answers = await Promise.all(calls.map((AutoScalingGroupNames) => aws.call(`DescribeAutoScalingGroups (${(0,domain_health/* capped */.uo)(AutoScalingGroupNames)})`, () => allPages((0,dist_cjs/* paginateDescribeAutoScalingGroups */.ZJr)({ client }, { AutoScalingGroupNames, MaxRecords: GROUP_NAMES_PER_CALL }), (page) => page.AutoScalingGroups))));
    return answers.flat().map(toGroup);
}
async function activities(aws, group, bookmark) {
    const client = aws.clients.autoscaling;
    return aws.call(`DescribeScalingActivities for ${group}`, async () => {
        const out = [];
        const pending = new Set(bookmark?.pending);
        let read = 0;
        for await (const page of (0,dist_cjs/* paginateDescribeScalingActivities */.rUn)({ client }, { AutoScalingGroupName: group, MaxRecords: 100 })) {
            const items = (page.Activities ?? []).map(toActivity);
            out.push(...items);
            for (const a of items)
                pending.delete(a.id);
            // Older pages only matter while they may hold activities not read yet, or read with a status that may have changed.
            if (!bookmark || bookmark.known.size === 0 || ++read >= ACTIVITY_PAGES)
                break;
            if (pending.size === 0 && items.some((a) => bookmark.known.has(a.id)))
                break;
        }
        return out;
    });
}
/**
 * What pre-flight and planning need beyond the group description: the newest scaling activities when asked;
 * policies, scheduled actions and lifecycle hooks unless kept (KeptDetails); the active instance refresh at the first look
 * (nothing kept), and later only in a run that watches for one and of a group with InService instances.
 */
async function loadDetails(aws, group, o) {
    const name = group.name;
    const client = aws.clients.autoscaling;
    // An instance refresh replaces InService instances: later looks need it only where it could replace what serves.
    const refreshMatters = o.busy || (o.watchRefreshes && group.instances.some((i) => i.lifecycle === 'InService'));
    const [scaling, recent, refreshes] = await Promise.all([
        keptDetails(aws, name, o.kept),
        o.busy ? activities(aws, name) : group.activities,
        // Paged, but only the newest few matter: a refresh still running is among them.
        refreshMatters
            ? aws.call(`DescribeInstanceRefreshes for ${name}`, () => client.send(new dist_cjs/* DescribeInstanceRefreshesCommand */.XcR({ AutoScalingGroupName: name, MaxRecords: 5 })))
            : undefined
    ]);
    const active = activeRefreshOf(refreshes?.InstanceRefreshes ?? []);
    return { ...group, ...scaling, activities: recent, ...(active ? { activeInstanceRefresh: active } : {}) };
}
async function keptDetails(aws, name, kept) {
    const client = aws.clients.autoscaling;
    const [policies, scheduledActions, lifecycleHooks] = await Promise.all([
        kept?.policies ??
            aws
                .call(`DescribePolicies for ${name}`, () => allPages((0,dist_cjs/* paginateDescribePolicies */.Rhu)({ client }, { AutoScalingGroupName: name }), (page) => page.ScalingPolicies))
                .then((items) => items.map(toPolicy)),
        kept?.scheduledActions ??
            aws
                .call(`DescribeScheduledActions for ${name}`, () => allPages((0,dist_cjs/* paginateDescribeScheduledActions */.Vxw)({ client }, { AutoScalingGroupName: name }), (page) => page.ScheduledUpdateGroupActions))
                .then((items) => items.map(toScheduledAction)),
        // Not paged (no paginator): a group has at most 50 lifecycle hooks, all in one answer.
        kept?.lifecycleHooks ??
            aws
                .call(`DescribeLifecycleHooks for ${name}`, () => client.send(new dist_cjs/* DescribeLifecycleHooksCommand */.TnH({ AutoScalingGroupName: name })))
                .then((out) => (out.LifecycleHooks ?? []).map(toLifecycleHook))
    ]);
    return { policies, scheduledActions, lifecycleHooks };
}
/**
 * Tags one CreateOrUpdateTags or DeleteTags call may add or remove (user guide, "Tag Auto Scaling groups and
 * instances": "The maximum number of tags that you can add or remove using a single call is 25").
 */
const TAGS_PER_CALL = 25;
/** The tags in calls of at most TAGS_PER_CALL, each group's tags in one call whenever they fit in one. */
function tagCalls(tags) {
    const byGroup = new Map();
    for (const t of tags)
        byGroup.set(t.ResourceId, [...(byGroup.get(t.ResourceId) ?? []), t]);
    const calls = [];
    let current = [];
    for (const own of byGroup.values()) {
        for (let i = 0; i < own.length; i += TAGS_PER_CALL) {
            const part = own.slice(i, i + TAGS_PER_CALL);
            if (current.length + part.length > TAGS_PER_CALL) {
                calls.push(current);
                current = [];
            }
            current.push(...part);
        }
    }
    if (current.length > 0)
        calls.push(current);
    return calls;
}
const groupsOf = (tags) => [...new Set(tags.map((t) => t.ResourceId))];
/**
 * CreateOrUpdateTags in as many calls as the tags need, one after the other. A call that fails stops the
 * rest; its error says whose tags the calls before it wrote (those stay written).
 */
async function createTags(aws, tags) {
    const calls = tagCalls(tags);
    const written = [];
    for (const [n, Tags] of calls.entries()) {
        const what = `CreateOrUpdateTags on ${groupsOf(Tags).join(', ')}${calls.length > 1 ? ` (call ${n + 1} of ${calls.length})` : ''}`;
        try {
            await aws.write(what, () => aws.clients.autoscaling.send(new dist_cjs/* CreateOrUpdateTagsCommand */.vLq({ Tags })));
        }
        catch (err) {
            if (written.length === 0 || !(err instanceof errors/* AwsCallFailed */.Zf))
                throw err;
            throw new errors/* AwsCallFailed */.Zf(`${err.message} (the calls before it had written the tags of ${written.join(', ')})`, err.awsError);
        }
        written.push(...groupsOf(Tags));
    }
}
async function tag(aws, group, tags, propagate) {
    await createTags(aws, Object.entries(tags).map(([Key, Value]) => ({ ResourceId: group, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: propagate.includes(Key) })));
}
/** Several groups' tags (no propagation), each group's in one call; the calls before a failing one stay written. */
async function tagAll(aws, tags) {
    await createTags(aws, tags.map((t) => ({ ResourceId: t.group, ResourceType: 'auto-scaling-group', Key: t.key, Value: t.value, PropagateAtLaunch: false })));
}
/** DeleteTags in as many calls as the tags need; every call is made even when one fails (deleting is always safe). */
async function untag(aws, tags) {
    const calls = tagCalls(tags.map((t) => ({ ResourceId: t.group, ResourceType: 'auto-scaling-group', Key: t.key })));
    const failed = [];
    for (const [n, Tags] of calls.entries()) {
        const what = `DeleteTags on ${groupsOf(Tags).join(', ')}${calls.length > 1 ? ` (call ${n + 1} of ${calls.length})` : ''}`;
        try {
            await aws.write(what, () => aws.clients.autoscaling.send(new dist_cjs/* DeleteTagsCommand */.MVD({ Tags })));
        }
        catch (err) {
            if (!(err instanceof errors/* AwsCallFailed */.Zf) || calls.length === 1)
                throw err;
            failed.push(err);
        }
    }
    const first = failed[0];
    if (first)
        throw new errors/* AwsCallFailed */.Zf(failed.map((e) => e.message).join('; '), first.awsError);
}
async function setCapacity(aws, group, c) {
    await aws.write(`UpdateAutoScalingGroup ${group} (min ${c.min}, desired ${c.desired}, max ${c.max})`, () => aws.clients.autoscaling.send(new dist_cjs/* UpdateAutoScalingGroupCommand */.Idg({ AutoScalingGroupName: group, MinSize: c.min, MaxSize: c.max, DesiredCapacity: c.desired })));
}
async function setMin(aws, group, min) {
    await aws.write(`UpdateAutoScalingGroup ${group} (min ${min})`, () => aws.clients.autoscaling.send(new dist_cjs/* UpdateAutoScalingGroupCommand */.Idg({ AutoScalingGroupName: group, MinSize: min })));
}
async function suspend(aws, group, processes) {
    await aws.write(`SuspendProcesses on ${group}`, () => aws.clients.autoscaling.send(new dist_cjs/* SuspendProcessesCommand */.JQO({ AutoScalingGroupName: group, ScalingProcesses: processes })));
}
async function resume(aws, group, processes) {
    await aws.write(`ResumeProcesses on ${group}`, () => aws.clients.autoscaling.send(new dist_cjs/* ResumeProcessesCommand */.iAb({ AutoScalingGroupName: group, ScalingProcesses: processes })));
}
async function enterStandby(aws, group, ids) {
    await aws.write(`EnterStandby on ${group} (${ids.join(', ')})`, () => aws.clients.autoscaling.send(new dist_cjs/* EnterStandbyCommand */.h9H({ AutoScalingGroupName: group, InstanceIds: ids, ShouldDecrementDesiredCapacity: true })));
}
async function exitStandby(aws, group, ids) {
    await aws.write(`ExitStandby on ${group} (${ids.join(', ')})`, () => aws.clients.autoscaling.send(new dist_cjs/* ExitStandbyCommand */.X6g({ AutoScalingGroupName: group, InstanceIds: ids })));
}
async function unprotect(aws, group, ids) {
    await aws.write(`SetInstanceProtection on ${group}`, () => aws.clients.autoscaling.send(new dist_cjs/* SetInstanceProtectionCommand */.cPG({ AutoScalingGroupName: group, InstanceIds: ids, ProtectedFromScaleIn: false })));
}
async function detach(aws, group, ids) {
    // The standby instances were already subtracted from desired when they entered Standby.
    await aws.write(`DetachInstances from ${group} (${ids.join(', ')})`, () => aws.clients.autoscaling.send(new dist_cjs/* DetachInstancesCommand */.pB7({ AutoScalingGroupName: group, InstanceIds: ids, ShouldDecrementDesiredCapacity: false })));
}

// EXTERNAL MODULE: ./src/domain/classic.ts
var classic = __webpack_require__(8116);
// EXTERNAL MODULE: ./src/domain/steps.ts
var domain_steps = __webpack_require__(8295);
;// CONCATENATED MODULE: ./src/aws/ec2.ts




/** DescribeInstances: instance ids per call (one `instance-id` filter each). */
const INSTANCES_PER_CALL = 100;
/**
 * DescribeInstanceAttribute reads one instance per call (EC2 has no batched read of disableApiTermination), and
 * EC2 throttles it from a bucket of its own: 100 calls, refilled at 20 a second (EC2 developer guide, "Request
 * throttling for the Amazon EC2 API", non-mutating actions). The run's reads are paced by that bucket (one
 * Pacer per run, AwsFleet), less 10 calls of burst kept in reserve: EC2 counts a call when it arrives, and
 * latencies vary (a call sent later may arrive sooner); others in the account draw on the same bucket. No
 * rounds: each read goes out as soon as the pacer and the client's in-flight limit (clients.ts) let it.
 */
const ATTRIBUTE_READS = { capacity: 90, refillPerSecond: 20 };
/** Of these instance ids, the ones EC2 no longer runs (terminated, shutting down, or forgotten). */
async function instancesGone(aws, instanceIds) {
    const running = new Set();
    for (const i of await describeInstances(aws, instanceIds))
        if (i.InstanceId && isRunning(i))
            running.add(i.InstanceId);
    return new Set(instanceIds.filter((id) => !running.has(id)));
}
async function instanceTags(aws, instanceIds) {
    const out = {};
    for (const i of await describeInstances(aws, instanceIds))
        if (i.InstanceId)
            out[i.InstanceId] = tagsOf(i);
    return out;
}
/** Each instance's AMI (ImageId), as EC2 launched it. */
async function instanceImages(aws, instanceIds) {
    const out = {};
    for (const i of await describeInstances(aws, instanceIds))
        if (i.InstanceId && i.ImageId)
            out[i.InstanceId] = i.ImageId;
    return out;
}
/** Each instance's EC2 state, StateReason and InstanceLifecycle: whether AWS took it away (domain/interruption.ts). */
async function instanceFates(aws, instanceIds) {
    const out = {};
    for (const i of await describeInstances(aws, instanceIds))
        if (i.InstanceId)
            out[i.InstanceId] = toInstanceFate(i);
    return out;
}
/** The calls go out together: EC2's bucket of each Describe API (100, refilled at 20 a second) takes them. */
async function describeInstances(aws, instanceIds) {
    const answers = await Promise.all((0,domain_steps/* chunk */.iv)(instanceIds, INSTANCES_PER_CALL).map((ids) => 
    // A filter (unlike InstanceIds) does not fail on ids EC2 has forgotten: they are simply not listed.
    aws.call(`DescribeInstances (${ids.length} instance(s))`, async () => {
        const { client, api } = await aws.clients.ec2();
        return allPages(api.paginateDescribeInstances({ client }, { Filters: [{ Name: 'instance-id', Values: ids }], MaxResults: 1000 }), (page) => page.Reservations);
    })));
    return answers.flat().flatMap((r) => r.Instances ?? []);
}
/**
 * A read naming instances fails whole when one of them is an id EC2 has forgotten (`codes`): ask EC2
 * which ids are gone, and read again without them (`none` when none is left).
 */
async function withoutForgotten(aws, what, codes, ids, none, read) {
    try {
        return await read(ids);
    }
    catch (err) {
        if (!(err instanceof errors/* AwsCallFailed */.Zf) || !codes.includes(err.awsError))
            throw err;
        const gone = await instancesGone(aws, ids);
        if (gone.size === 0)
            throw err;
        const known = ids.filter((id) => !gone.has(id));
        aws.log(`${what}: ${err.awsError}; ${gone.size} instance(s) EC2 no longer runs left out (${[...gone].join(', ')})`);
        return known.length > 0 ? read(known) : none;
    }
}
/** EC2 TerminateInstances; fails naming the instances EC2 refused (termination protection), after terminating the rest. */
async function terminate(aws, ids) {
    const refused = await terminateWhatEc2Allows(aws, ids);
    if (refused.length > 0)
        throw new InstancesLeftRunning(refused);
}
/** Terminates every id EC2 lets us; returns those it refused (termination protection) with its reason. */
async function terminateWhatEc2Allows(aws, ids) {
    try {
        const { client, api } = await aws.clients.ec2();
        await client.send(new api.TerminateInstancesCommand({ InstanceIds: ids }));
        return [];
    }
    catch (err) {
        if (ids.length === 1) {
            if (isNotFound(err))
                return []; // long gone
            if (isRefused(err))
                return [{ id: ids[0], reason: `${err.name}: ${err.message}` }];
            throw wrap(`TerminateInstances (${ids.join(', ')})`, err);
        }
        // One unknown id makes EC2 terminate nothing; one protected id stops every id of its zone. One by one.
        if (!isNotFound(err) && !isRefused(err))
            throw wrap(`TerminateInstances (${ids.join(', ')})`, err);
        const refused = [];
        for (const id of ids)
            refused.push(...(await terminateWhatEc2Allows(aws, [id])));
        return refused;
    }
}
/**
 * Those of the instances with termination protection (DisableApiTermination) on; unknown ids are not.
 * `pace` is the run's pacer of DescribeInstanceAttribute (ATTRIBUTE_READS).
 */
async function terminationProtected(aws, ids, pace) {
    const flags = await Promise.all(ids.map(async (id) => {
        await pace.take();
        return aws.call(`DescribeInstanceAttribute disableApiTermination of ${id}`, async () => {
            try {
                const { client, api } = await aws.clients.ec2();
                const r = await client.send(new api.DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'disableApiTermination' }));
                return r.DisableApiTermination?.Value === true;
            }
            catch (err) {
                if (isNotFound(err))
                    return false; // gone: nothing to terminate
                throw err;
            }
        });
    }));
    return ids.filter((_, n) => flags[n]);
}
function isNotFound(err) {
    return errorName(err) === 'InvalidInstanceID.NotFound';
}
/** EC2's answer to TerminateInstances on an instance with termination protection (DisableApiTermination). */
function isRefused(err) {
    return errorName(err) === 'OperationNotPermitted';
}
/**
 * EC2 refused to terminate instances finalize had already detached: they run, billed, outside any group.
 * Not an AwsCallFailed: re-observing and trying again cannot help until someone lifts the protection.
 */
class InstancesLeftRunning extends errors/* ActionError */.lZ {
    refused;
    constructor(refused) {
        const ids = refused.map((r) => r.id);
        super(`EC2 refused to terminate ${ids.join(', ')} (${refused[0]?.reason}). ` +
            `${ids.length === 1 ? 'It is' : 'They are'} detached from ${ids.length === 1 ? 'its' : 'their'} Auto Scaling group and still running (and billed) outside any group. ` +
            `Turn termination protection off and terminate ${ids.length === 1 ? 'it' : 'them'}: ` +
            (ids.length === 1
                ? `aws ec2 modify-instance-attribute --instance-id ${ids[0]} --no-disable-api-termination; `
                : `for id in ${ids.join(' ')}; do aws ec2 modify-instance-attribute --instance-id "$id" --no-disable-api-termination; done; `) +
            `aws ec2 terminate-instances --instance-ids ${ids.join(' ')} (or turn protection off and re-run finalize, which remembers them).`);
        this.refused = refused;
        this.name = 'InstancesLeftRunning';
    }
}

;// CONCATENATED MODULE: ./src/aws/classic.ts
// Classic Load Balancer instance health (DescribeInstanceHealth), through the lazily loaded Classic
// Load Balancing client: only fleets attached to a Classic LB load it.


/** Instances named per call before asking for every registered instance instead (as for target groups). */
const classic_INSTANCES_PER_CALL = 100;
/**
 * Health of these instances in one Classic LB. One instance EC2 has forgotten fails the call for all, as
 * for target groups: those are left out. The wire code is InvalidInstance; the SDK names the error
 * InvalidEndPointException.
 */
async function instanceHealth(aws, loadBalancerName, instanceIds) {
    return withoutForgotten(aws, `DescribeInstanceHealth for ${loadBalancerName}`, ['InvalidInstance', 'InvalidEndPointException', 'InvalidEndPoint'], instanceIds, {}, (ids) => describeInstanceHealth(aws, loadBalancerName, ids));
}
// DescribeInstanceHealth is not paged (no paginator): one answer lists every instance asked about.
/**
 * Health of these instances in one Classic LB, mapped to target group states (domain/classic.ts). Up to 100
 * are named: the LB answers each, registered or not, and leaves out terminated ones. Beyond that every
 * registered instance is read, and one it does not list is not registered (unused).
 */
async function describeInstanceHealth(aws, loadBalancerName, instanceIds) {
    const out = {};
    const named = instanceIds.length <= classic_INSTANCES_PER_CALL;
    if (!named)
        for (const id of instanceIds)
            out[id] = (0,classic/* classicHealth */.lw)('OutOfService', 'N/A', 'Instance is not currently registered with the LoadBalancer.');
    const states = await aws.call(`DescribeInstanceHealth for Classic Load Balancer ${loadBalancerName}`, async () => {
        const { client, api } = await aws.clients.elb();
        const r = await client.send(new api.DescribeInstanceHealthCommand({ LoadBalancerName: loadBalancerName, ...(named ? { Instances: instanceIds.map((InstanceId) => ({ InstanceId })) } : {}) }));
        return r.InstanceStates ?? [];
    });
    const asked = new Set(instanceIds);
    for (const s of states) {
        if (!s.InstanceId || !asked.has(s.InstanceId))
            continue;
        out[s.InstanceId] = (0,classic/* classicHealth */.lw)(s.State, s.ReasonCode, s.Description);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/aws/coalesce.ts
// One read for many callers: requests for keys that arrive within a short window of each other go out as
// one batched call (DescribeAutoScalingGroups takes up to 100 group names). Pairs polled in the same
// moment (run/poll.ts aligns their polls) then cost one call between them, not one each.
class Coalescer {
    o;
    open;
    constructor(o) {
        this.o = o;
    }
    /** The answers for `keys` (those AWS did not return are missing), read together with other callers'. */
    async get(keys) {
        const batch = this.batchFor(keys);
        const answer = await batch.answer;
        return keys.flatMap((k) => {
            const v = answer.get(k);
            return v === undefined ? [] : [v];
        });
    }
    batchFor(keys) {
        const open = this.open;
        if (open) {
            const added = keys.filter((k) => !open.keys.has(k));
            if (open.keys.size + added.length <= this.o.maxKeys) {
                for (const k of added)
                    open.keys.add(k);
                return open;
            }
        }
        const batch = { keys: new Set(keys), answer: Promise.resolve(new Map()) };
        batch.answer = this.o.window().then(async () => {
            // Closed: later requests start a batch of their own.
            if (this.open === batch)
                this.open = undefined;
            const values = await this.o.read([...batch.keys]);
            return new Map(values.map((v) => [this.o.keyOf(v), v]));
        });
        // A failed read fails every caller that joined it; none is left unhandled meanwhile.
        batch.answer.catch(() => undefined);
        this.open = batch;
        return batch;
    }
}

;// CONCATENATED MODULE: ./src/aws/cloudwatch.ts



/** DescribeAlarms takes at most 100 AlarmNames per call. */
const ALARMS_PER_CALL = 100;
/** The named alarms (metric and composite); names CloudWatch does not know are left out. */
async function describeAlarms(aws, names) {
    const out = [];
    for (const batch of (0,domain_steps/* chunk */.iv)(names, ALARMS_PER_CALL)) {
        const found = await aws.call(`DescribeAlarms (${batch.join(', ')})`, async () => {
            const { client, api } = await aws.clients.cloudwatch();
            return allPages(api.paginateDescribeAlarms({ client }, { AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }), (page) => [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]);
        });
        for (const a of found) {
            const status = toAlarmStatus(a);
            if (status)
                out.push(status);
        }
    }
    return out;
}
async function repointAlarms(aws, r) {
    const { client, api } = await aws.clients.cloudwatch();
    const alarms = await aws.write(`DescribeAlarms pointing at ${r.oldArn}`, () => allPages(api.paginateDescribeAlarms({ client }, { ActionPrefix: r.oldArn }), (page) => page.MetricAlarms));
    for (const alarm of alarms) {
        const input = alarmInput(alarm, r);
        await aws.write(`PutMetricAlarm ${alarm.AlarmName}`, () => client.send(new api.PutMetricAlarmCommand(input)));
    }
}
/**
 * What DescribeAlarms returns that PutMetricAlarm does not take: the alarm's identity, state and history.
 * Everything else is configuration and goes back, including fields newer than this code (a field the
 * bundled SDK does not know is neither read nor sent: keep the SDK current).
 */
const READ_ONLY_ALARM_FIELDS = new Set([
    'AlarmArn',
    'AlarmConfigurationUpdatedTimestamp',
    'StateValue',
    'StateReason',
    'StateReasonData',
    'StateUpdatedTimestamp',
    'StateTransitionedTimestamp',
    'EvaluationState'
]);
/** PutMetricAlarm overwrites the whole alarm: send every setting back, with the policy and group swapped. */
function alarmInput(a, r) {
    const swap = (arns) => arns?.map((arn) => (arn === r.oldArn ? r.newArn : arn));
    const settings = Object.fromEntries(Object.entries(a).filter(([k, v]) => !READ_ONLY_ALARM_FIELDS.has(k) && v !== undefined));
    const input = {
        ...swapGroupDimension(settings, r.from, r.to),
        AlarmName: a.AlarmName,
        OKActions: swap(a.OKActions),
        AlarmActions: swap(a.AlarmActions),
        InsufficientDataActions: swap(a.InsufficientDataActions)
    };
    return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-elastic-load-balancing-v2/dist-cjs/index.js
var client_elastic_load_balancing_v2_dist_cjs = __webpack_require__(586);
;// CONCATENATED MODULE: ./src/aws/elbv2.ts
// Elastic Load Balancing v2: target health (named targets, or the whole target group), health-check
// timing and deregistration delays of target groups.






/** DescribeTargetHealth: instances named per call before asking for the whole target group instead. */
const TARGETS_PER_CALL = 100;
/** DescribeTargetGroups takes at most 20 TargetGroupArns per call. */
const TARGET_GROUPS_PER_CALL = 20;
/**
 * The run's own DeregisterTargets calls, at most. ELB does not publish the bucket of these actions; the AWS
 * Load Balancer Controller limits itself to 4 RegisterTargets / DeregisterTargets a second with bursts of 20
 * by default ("Scaling your controller deployment"): a burst of 20 from one client is what ELB is expected to
 * take. The same burst, so that 20 pairs cutting over at once each take their old instances out themselves,
 * and half that rate after it, so a controller in the same account keeps most of its share. A call left out
 * is Auto Scaling's to make (its deregistrations draw on its own bucket: ELB user guide, "Request throttling
 * for the ELB API"); a throttled one is retried by the SDK.
 */
const TARGET_WRITES = { capacity: 20, refillPerSecond: 2 };
/** Targets named per DeregisterTargets call: AWS publishes no maximum; 100, as DescribeTargetHealth is asked. */
const TARGETS_PER_DEREGISTER = 100;
/**
 * DeregisterTargets: the instances stop receiving new requests from the target group now, and drain
 * (API reference: "After the targets are deregistered, they no longer receive traffic from the load
 * balancer"; a target that is not registered is no error). Instance targets, registered by Auto Scaling on
 * the target group's port: the id alone names them.
 */
async function deregisterTargets(aws, targetGroupArn, instanceIds) {
    await aws.call(`DeregisterTargets for ${targetGroupArn}`, () => aws.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DeregisterTargetsCommand */.Atx({ TargetGroupArn: targetGroupArn, Targets: instanceIds.map((Id) => ({ Id })) })));
}
// DescribeTargetHealth is not paged (no paginator): one answer lists every target asked about.
async function targetHealth(aws, targetGroupArn, instanceIds) {
    const out = {};
    const asked = new Set(instanceIds);
    let listed;
    if (instanceIds.length > TARGETS_PER_CALL) {
        // More than one call's worth: ask for the whole target group (its registered targets) in one call,
        // so a poll costs one call per target group whatever the fleet's size. Not listed = not registered.
        for (const id of instanceIds)
            out[id] = { ...NOT_REGISTERED };
        listed = await describeTargetHealth(aws, targetGroupArn);
    }
    else {
        // One id EC2 has forgotten (an instance terminated over an hour ago, e.g. a Standby instance reclaimed
        // behind the group's back) fails the call for all: ask EC2 which ids are gone, ask again without them.
        // The wire code is InvalidTarget; the SDK names the error after its shape, InvalidTargetException.
        listed = await withoutForgotten(aws, `DescribeTargetHealth for ${targetGroupArn}`, ['InvalidTarget', 'InvalidTargetException'], instanceIds, [], (ids) => describeTargetHealth(aws, targetGroupArn, ids));
    }
    for (const d of listed) {
        const health = toTargetHealth(d);
        if (health && asked.has(health[0]))
            out[health[0]] = health[1];
    }
    return out;
}
/** The named targets' health, or every registered target's when `ids` is undefined. */
async function describeTargetHealth(aws, targetGroupArn, ids) {
    return aws.call(`DescribeTargetHealth for ${targetGroupArn}`, async () => {
        const r = await aws.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTargetHealthCommand */.qyg({ TargetGroupArn: targetGroupArn, ...(ids ? { Targets: ids.map((Id) => ({ Id })) } : {}) }));
        return r.TargetHealthDescriptions ?? [];
    });
}
async function targetGroupHealthChecks(aws, keys) {
    const out = {};
    const client = aws.clients.elbv2;
    // A wait's keys include its Classic LBs (domain/classic.ts): not target groups, not asked here.
    const targetGroupArns = keys.filter((k) => (0,classic/* classicName */.CA)(k) === undefined);
    for (const arns of (0,domain_steps/* chunk */.iv)(targetGroupArns, TARGET_GROUPS_PER_CALL)) {
        const tgs = await aws.call(`DescribeTargetGroups (${arns.join(', ')})`, () => allPages((0,client_elastic_load_balancing_v2_dist_cjs/* paginateDescribeTargetGroups */.u_3)({ client }, { TargetGroupArns: arns }), (page) => page.TargetGroups));
        for (const tg of tgs)
            if (tg.TargetGroupArn)
                out[tg.TargetGroupArn] = toHealthCheck(tg);
    }
    return out;
}
// DescribeTargetGroupAttributes is not paged (no paginator): one target group's attributes per call.
async function deregistrationDelays(aws, targetGroupArns) {
    const pairs = await Promise.all(targetGroupArns.map(async (arn) => {
        const attributes = await aws.call(`DescribeTargetGroupAttributes for ${arn}`, async () => {
            const r = await aws.clients.elbv2.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeTargetGroupAttributesCommand */.cKh({ TargetGroupArn: arn }));
            return r.Attributes ?? [];
        });
        return [arn, drainOf(attributes)];
    }));
    return Object.fromEntries(pairs);
}

// EXTERNAL MODULE: ./src/domain/image.ts
var domain_image = __webpack_require__(3121);
;// CONCATENATED MODULE: ./src/aws/images.ts
// Deploy by image, the AWS side: find the AMI (DescribeImages), read launch template versions
// (DescribeLaunchTemplateVersions), create one with the new image (CreateLaunchTemplateVersion with
// SourceVersion) and pin the idle group to its number (UpdateAutoScalingGroup).





/**
 * The image to deploy: an AMI id as it is, or the newest (CreationDate) of the images named by a
 * pattern (`*` and `?` wildcards, DescribeImages `name` filter) among the owners'. Not found = undefined.
 */
async function findImage(aws, image, owners) {
    const { client, api } = await aws.clients.ec2();
    if ((0,domain_image/* isAmiId */.XK)(image)) {
        // An id EC2 does not know fails the call (InvalidAMIID.NotFound / .Malformed); a deregistered image
        // may still be listed for a while with State deregistered.
        try {
            const r = await aws.call(`DescribeImages (${image})`, () => client.send(new api.DescribeImagesCommand({ ImageIds: [image] })));
            const found = (r.Images ?? []).map(toImage);
            return found[0] ? { chosen: found[0], candidates: 1 } : { candidates: 0 };
        }
        catch (err) {
            if (/InvalidAMIID/.test(err.awsError ?? ''))
                return { candidates: 0 };
            throw err;
        }
    }
    const images = (await aws.call(`DescribeImages (name ${image}, owners ${owners.join(', ')})`, () => allPages(api.paginateDescribeImages({ client }, { Owners: owners, Filters: [{ Name: 'name', Values: [image] }, { Name: 'state', Values: ['available'] }], MaxResults: 1000 }), (page) => page.Images))).map(toImage);
    const newest = [...images].sort((a, b) => (b.created ?? '').localeCompare(a.created ?? '') || b.id.localeCompare(a.id))[0];
    return newest ? { chosen: newest, candidates: images.length } : { candidates: 0 };
}
function templateRef(t) {
    return t.id ? { LaunchTemplateId: t.id } : { LaunchTemplateName: t.name ?? '' };
}
/** One version of a template: a number, `$Latest` or `$Default`. */
async function templateVersion(aws, t, version) {
    const { client, api } = await aws.clients.ec2();
    // Paged, but one version is asked for: the first page has it (no paginator needed).
    const r = await aws.call(`DescribeLaunchTemplateVersions (${t.id ?? t.name} version ${version})`, () => client.send(new api.DescribeLaunchTemplateVersionsCommand({ ...templateRef(t), Versions: [version] })));
    const v = r.LaunchTemplateVersions?.[0];
    if (!v || v.VersionNumber === undefined)
        throw new errors/* ActionError */.lZ(`Launch template ${t.id ?? t.name} has no version ${version}.`);
    return { number: v.VersionNumber, ...(v.LaunchTemplateData?.ImageId ? { imageId: v.LaunchTemplateData.ImageId } : {}) };
}
/**
 * Points `group` at a version of its template that launches `imageId`, pinned by number, and says what it
 * did. Idempotent: a group already pinned to such a version is left alone; when the template's newest
 * version already carries the image (a run killed between creating it and updating the group), that
 * version is reused rather than another one created.
 */
async function setImage(aws, group, t, imageId) {
    const current = await templateVersion(aws, t, t.version);
    if ((0,domain_image/* isPinned */.T4)(t.version) && current.imageId === imageId)
        return `already launches version ${current.number} with ${imageId}`;
    const latest = await templateVersion(aws, t, '$Latest');
    let number;
    let how;
    if (latest.imageId === imageId && latest.number !== current.number) {
        number = latest.number;
        how = `reused version ${number} (the newest, already with ${imageId})`;
    }
    else {
        const { client, api } = await aws.clients.ec2();
        const r = await aws.write(`CreateLaunchTemplateVersion (${t.id ?? t.name} from version ${current.number}, image ${imageId})`, () => client.send(new api.CreateLaunchTemplateVersionCommand({
            ...templateRef(t),
            SourceVersion: String(current.number),
            VersionDescription: `blue-green: ${imageId} for ${group}`.slice(0, 255),
            LaunchTemplateData: { ImageId: imageId }
        })));
        const created = r.LaunchTemplateVersion?.VersionNumber;
        if (created === undefined)
            throw new errors/* ActionError */.lZ(`CreateLaunchTemplateVersion on ${t.id ?? t.name} returned no version number.`);
        number = created;
        how = `created version ${number} from version ${current.number}`;
    }
    await pointTemplate(aws, group, { ...t, version: String(number) });
    return `${how}; ${group} pinned to it`;
}
/**
 * `UpdateAutoScalingGroup` with the group's launch template and version: `LaunchTemplate` for a plain group;
 * for a mixed instances group only `MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification` (what
 * an update leaves out is not changed: its overrides and distribution stay; `LaunchTemplate` would replace
 * the policy). New launches use it; running instances keep what they were launched with.
 */
async function pointTemplate(aws, group, t) {
    const spec = { ...templateRef(t), Version: t.version };
    await aws.write(`UpdateAutoScalingGroup ${group} (launch template ${t.id ?? t.name} version ${t.version})`, () => aws.clients.autoscaling.send(t.mixed
        ? new dist_cjs/* UpdateAutoScalingGroupCommand */.Idg({ AutoScalingGroupName: group, MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: spec } } })
        : new dist_cjs/* UpdateAutoScalingGroupCommand */.Idg({ AutoScalingGroupName: group, LaunchTemplate: spec })));
    return `${group} launches launch template ${t.id ?? t.name} version ${t.version}${t.mixed ? ' (mixed instances policy)' : ''}`;
}

;// CONCATENATED MODULE: ./src/aws/listeners.ts
// Elastic Load Balancing v2 listeners and rules: the forward actions in front of a pair whose colors use
// target groups of their own, and the weight writes that move its traffic (domain/traffic.ts).
//
// Facts (ELBv2 API reference: DescribeListeners, DescribeRules, ModifyListener, ModifyRule, Action,
// ForwardActionConfig): DescribeRules lists a listener's default rule too (IsDefault, its Actions being the
// listener's default actions), which only ModifyListener changes; ModifyListener's DefaultActions and
// ModifyRule's Actions replace the whole list; an action with both TargetGroupArn and ForwardConfig may name
// one target group only; DescribeListeners / DescribeRules never return an OIDC action's client secret, and a
// write of such an action keeps it only with UseExistingClientSecret.



/** DescribeTargetGroups takes at most 20 TargetGroupArns per call. */
const listeners_TARGET_GROUPS_PER_CALL = 20;
/**
 * The listeners in front of these target groups and their forward actions that name one of them. The
 * listeners are found through the target groups' load balancers the first time (`known` undefined); later
 * observations pass them back and cost one DescribeRules per listener.
 */
async function readListeners(aws, targetGroupArns, known) {
    const listeners = known ?? (await findListeners(aws, targetGroupArns));
    const client = aws.clients.elbv2;
    const perListener = await Promise.all(listeners.map(async (l) => {
        const rules = await aws.call(`DescribeRules for ${l.label}`, () => allPages((0,client_elastic_load_balancing_v2_dist_cjs/* paginateDescribeRules */.u6y)({ client }, { ListenerArn: l.arn }), (p) => p.Rules));
        return rules.flatMap((r) => forwardOf(r, l, targetGroupArns) ?? []);
    }));
    return { listeners, forwards: perListener.flat() };
}
async function findListeners(aws, targetGroupArns) {
    const client = aws.clients.elbv2;
    const loadBalancers = new Set();
    for (const arns of (0,domain_steps/* chunk */.iv)(targetGroupArns, listeners_TARGET_GROUPS_PER_CALL)) {
        const tgs = await aws.call(`DescribeTargetGroups (${arns.map(domain_steps/* tgName */.jc).join(', ')})`, () => allPages((0,client_elastic_load_balancing_v2_dist_cjs/* paginateDescribeTargetGroups */.u_3)({ client }, { TargetGroupArns: arns }), (p) => p.TargetGroups));
        for (const tg of tgs)
            for (const lb of tg.LoadBalancerArns ?? [])
                loadBalancers.add(lb);
    }
    const found = await Promise.all([...loadBalancers].map(async (lb) => {
        const listeners = await aws.call(`DescribeListeners for ${lbName(lb)}`, () => allPages((0,client_elastic_load_balancing_v2_dist_cjs/* paginateDescribeListeners */.GZx)({ client }, { LoadBalancerArn: lb }), (p) => p.Listeners));
        return listeners.flatMap((l) => (l.ListenerArn ? [{ arn: l.ListenerArn, label: `listener ${l.Protocol ?? '?'}:${l.Port ?? '?'} of ${lbName(lb)}` }] : []));
    }));
    return found.flat();
}
/** arn:...:loadbalancer/app/<name>/<id> (or listener/app/<name>/...) → <name>. */
function lbName(arn) {
    return arn.split(':').pop()?.split('/')[2] ?? arn;
}
/** The target groups and weights of a forward action (a plain forward to one target group weighs 1). */
function tuplesOf(a) {
    const listed = a.ForwardConfig?.TargetGroups ?? [];
    if (listed.length > 0)
        return listed.flatMap((t) => (t.TargetGroupArn ? [{ arn: t.TargetGroupArn, weight: t.Weight ?? 1 }] : []));
    return a.TargetGroupArn ? [{ arn: a.TargetGroupArn, weight: 1 }] : [];
}
function forwardOf(rule, listener, targetGroupArns) {
    const action = (rule.Actions ?? []).find((a) => a.Type === 'forward' && tuplesOf(a).some((t) => targetGroupArns.includes(t.arn)));
    if (!action || !rule.RuleArn)
        return undefined;
    const sticky = action.ForwardConfig?.TargetGroupStickinessConfig;
    return {
        arn: rule.IsDefault ? listener.arn : rule.RuleArn,
        on: rule.IsDefault ? 'listener' : 'rule',
        label: rule.IsDefault ? listener.label : `rule ${rule.Priority ?? '?'} of ${listener.label}`,
        targetGroups: tuplesOf(action),
        ...(sticky?.Enabled ? { stickySeconds: sticky.DurationSeconds ?? 3600 } : {})
    };
}
/** The actions with the forward's weights rewritten; every other field, and every other action, as read. */
function reweighed(actions, weights) {
    const weightOf = (arn) => weights.find((w) => w.arn === arn)?.weight;
    return actions.map((a) => {
        if (a.Type === 'authenticate-oidc' && a.AuthenticateOidcConfig && a.AuthenticateOidcConfig.ClientSecret === undefined) {
            return { ...a, AuthenticateOidcConfig: { ...a.AuthenticateOidcConfig, UseExistingClientSecret: true } };
        }
        const tuples = a.Type === 'forward' ? tuplesOf(a) : [];
        if (!tuples.some((t) => weightOf(t.arn) !== undefined))
            return a;
        const TargetGroups = tuples.map((t) => ({ TargetGroupArn: t.arn, Weight: weightOf(t.arn) ?? t.weight }));
        const { TargetGroupArn, ...rest } = a;
        // TargetGroupArn beside a ForwardConfig is allowed only for a single target group.
        return { ...(TargetGroups.length === 1 && TargetGroupArn ? { TargetGroupArn } : {}), ...rest, ForwardConfig: { ...a.ForwardConfig, TargetGroups } };
    });
}
/**
 * Writes the forward's weights: reads its listener's default actions (or its rule's actions) as they are now,
 * rewrites the weights of the forward action alone, and writes the whole list back.
 */
async function setWeights(aws, forward, weights) {
    const client = aws.clients.elbv2;
    const what = weights.map((w) => `${(0,domain_steps/* tgName */.jc)(w.arn)} ${w.weight}`).join(', ');
    if (forward.on === 'listener') {
        const current = await aws.call(`DescribeListeners for ${forward.label}`, async () => {
            const r = await client.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeListenersCommand */.AKE({ ListenerArns: [forward.arn] }));
            return r.Listeners?.[0]?.DefaultActions ?? [];
        });
        await aws.write(`ModifyListener ${forward.label} (weights ${what})`, () => client.send(new client_elastic_load_balancing_v2_dist_cjs/* ModifyListenerCommand */.ugc({ ListenerArn: forward.arn, DefaultActions: reweighed(current, weights) })));
        return `ModifyListener: ${what}`;
    }
    const current = await aws.call(`DescribeRules for ${forward.label}`, async () => {
        const r = await client.send(new client_elastic_load_balancing_v2_dist_cjs/* DescribeRulesCommand */.Ggo({ RuleArns: [forward.arn] }));
        return r.Rules?.[0]?.Actions ?? [];
    });
    await aws.write(`ModifyRule ${forward.label} (weights ${what})`, () => client.send(new client_elastic_load_balancing_v2_dist_cjs/* ModifyRuleCommand */.y5P({ RuleArn: forward.arn, Actions: reweighed(current, weights) })));
    return `ModifyRule: ${what}`;
}

;// CONCATENATED MODULE: ./src/aws/pacer.ts
/**
 * Each `take` reserves one token and resolves when that token is there: at once while the bucket holds one,
 * otherwise after its turn in line (callers are served in the order they asked). Every caller of one API must
 * share one pacer, as they share AWS's bucket.
 */
class Pacer {
    clock;
    bucket;
    /** Tokens at `at`; below zero: tokens already promised to waiting callers. */
    tokens;
    at;
    constructor(clock, bucket) {
        this.clock = clock;
        this.bucket = bucket;
        if (!(bucket.capacity >= 1) || !(bucket.refillPerSecond > 0))
            throw new Error(`a pacer needs a capacity of at least 1 and a positive refill, got ${bucket.capacity} + ${bucket.refillPerSecond}/s`);
        this.tokens = bucket.capacity;
        this.at = clock.now();
    }
    /** Resolves when one more call may go out. */
    async take() {
        this.refill();
        this.tokens -= 1;
        if (this.tokens >= 0)
            return;
        await this.clock.sleep(Math.ceil((-this.tokens / this.bucket.refillPerSecond) * 1000));
    }
    /** Takes a token only if one is there now (nobody waiting ahead): for a call that is better skipped than late. */
    tryTake() {
        this.refill();
        if (this.tokens < 1)
            return false;
        this.tokens -= 1;
        return true;
    }
    refill() {
        const now = this.clock.now();
        if (now > this.at) {
            this.tokens = Math.min(this.bucket.capacity, this.tokens + ((now - this.at) / 1000) * this.bucket.refillPerSecond);
            this.at = now;
        }
    }
}

;// CONCATENATED MODULE: ./src/aws/scaling.ts
// Scaling follows the traffic: a policy or scheduled action is recreated on the group that now
// serves, then deleted from the other. Both halves are idempotent, so a re-run converges.



async function movePolicy(aws, move) {
    const { from, to, policy } = move;
    const input = {
        ...swapGroupDimension(policy.settings, from, to),
        AutoScalingGroupName: to,
        PolicyName: policy.name,
        PolicyType: policy.type
    };
    const created = await aws.write(`PutScalingPolicy ${policy.name} on ${to}`, () => aws.clients.autoscaling.send(new dist_cjs/* PutScalingPolicyCommand */.OJS(input)));
    // Target-tracking alarms belong to Auto Scaling: it makes new ones for the new policy. Step and simple
    // policies are fired by the owner's alarms, which still point at the old ARN (it embeds the group name).
    if (policy.type !== 'TargetTrackingScaling' && created.PolicyARN && policy.arn) {
        await repointAlarms(aws, { oldArn: policy.arn, newArn: created.PolicyARN, from, to });
    }
    await aws.write(`DeletePolicy ${policy.name} on ${from}`, () => aws.clients.autoscaling.send(new dist_cjs/* DeletePolicyCommand */.Z6J({ AutoScalingGroupName: from, PolicyName: policy.name })));
}
async function moveScheduledAction(aws, move) {
    const { from, to, action, now } = move;
    // AWS rejects a start time in the past; a recurring action is then scheduled by its recurrence alone.
    const startTime = action.startTime && action.startTime.getTime() > now + 60_000 ? action.startTime : undefined;
    await aws.write(`PutScheduledUpdateGroupAction ${action.name} on ${to}`, () => aws.clients.autoscaling.send(new dist_cjs/* PutScheduledUpdateGroupActionCommand */.Yg1({
        AutoScalingGroupName: to,
        ScheduledActionName: action.name,
        StartTime: startTime,
        EndTime: action.endTime,
        Recurrence: action.recurrence,
        TimeZone: action.timeZone,
        MinSize: action.min,
        MaxSize: action.max,
        DesiredCapacity: action.desired
    })));
    await aws.write(`DeleteScheduledAction ${action.name} on ${from}`, () => aws.clients.autoscaling.send(new dist_cjs/* DeleteScheduledActionCommand */.MxB({ AutoScalingGroupName: from, ScheduledActionName: action.name })));
}

;// CONCATENATED MODULE: ./src/aws/fleet.ts












/** How long a DescribeAutoScalingGroups waits for other pairs' requests to join it. */
const GROUPS_READ_WINDOW_MS = 10;
/**
 * One per run. Reads of several pairs share calls: DescribeAutoScalingGroups of requests made together
 * goes out as one call of up to 100 names, and each group's policies and lifecycle hooks (which only a
 * write changes), and its scheduled actions when it has none, are read once, then again at every look after
 * the run moved a policy or scheduled action of the group (read-your-writes: the reads after a write may lag it).
 */
class AwsFleet {
    clock;
    o;
    aws;
    groupReads;
    kept = new Map();
    /** Groups whose policies or scheduled actions this run moved: read afresh at every look from then on. */
    written = new Set();
    /** Target groups' health-check settings, read once per run. */
    healthChecks = new Map();
    /** Every DescribeInstanceAttribute of the run waits its turn here (EC2's bucket of that API, ec2.ts). */
    attributeReads;
    /** The run's DeregisterTargets calls (elbv2.ts TARGET_WRITES): one without a token now is not made. */
    targetWrites;
    constructor(clients, clock, log = () => { }, o = { watchRefreshes: true }) {
        this.clock = clock;
        this.o = o;
        this.aws = withClients(clients, clock, log);
        this.attributeReads = new Pacer(clock, ATTRIBUTE_READS);
        this.targetWrites = new Pacer(clock, TARGET_WRITES);
        this.groupReads = new Coalescer({
            read: (names) => describeGroups(this.aws, names),
            keyOf: (g) => g.name,
            window: () => clock.sleep(GROUPS_READ_WINDOW_MS),
            maxKeys: GROUP_NAMES_PER_CALL
        });
    }
    listGroups(tagKey, tagValue) {
        return listGroups(this.aws, tagKey, tagValue);
    }
    allGroups() {
        return listAllGroups(this.aws);
    }
    describeGroups(names) {
        return this.groupReads.get(names);
    }
    activities(group, bookmark) {
        return activities(this.aws, group, bookmark);
    }
    async loadDetails(group, busy = false) {
        const fresh = () => !this.written.has(group.name);
        const kept = fresh() ? this.kept.get(group.name) : undefined;
        const loaded = await loadDetails(this.aws, group, { kept, watchRefreshes: this.o.watchRefreshes, busy });
        // Not kept when a write to the group began meanwhile: this read may predate it.
        if (!kept && fresh()) {
            const { policies, scheduledActions, lifecycleHooks = [] } = loaded;
            this.kept.set(group.name, { policies, lifecycleHooks, ...(scheduledActions.length === 0 ? { scheduledActions } : {}) });
        }
        return loaded;
    }
    forgetDetails() {
        this.kept.clear();
    }
    targetHealth(targetGroupArn, instanceIds) {
        return targetHealth(this.aws, targetGroupArn, instanceIds);
    }
    classicHealth(loadBalancerName, instanceIds) {
        return instanceHealth(this.aws, loadBalancerName, instanceIds);
    }
    listeners(targetGroupArns, known) {
        return readListeners(this.aws, targetGroupArns, known);
    }
    setWeights(forward, weights) {
        return setWeights(this.aws, forward, weights);
    }
    async targetGroupHealthChecks(arns) {
        const missing = arns.filter((a) => !this.healthChecks.has(a));
        if (missing.length > 0)
            for (const [arn, hc] of Object.entries(await targetGroupHealthChecks(this.aws, missing)))
                this.healthChecks.set(arn, hc);
        return Object.fromEntries(arns.flatMap((a) => (this.healthChecks.has(a) ? [[a, this.healthChecks.get(a)]] : [])));
    }
    alarms(names) {
        return describeAlarms(this.aws, names);
    }
    deregistrationDelays(targetGroupArns) {
        return deregistrationDelays(this.aws, targetGroupArns);
    }
    instancesGone(instanceIds) {
        return instancesGone(this.aws, instanceIds);
    }
    instanceTags(instanceIds) {
        return instanceTags(this.aws, instanceIds);
    }
    instanceImages(instanceIds) {
        return instanceImages(this.aws, instanceIds);
    }
    instanceFates(instanceIds) {
        return instanceFates(this.aws, instanceIds);
    }
    tag(group, tags, propagate) {
        return tag(this.aws, group, tags, propagate);
    }
    tagAll(tags) {
        return tagAll(this.aws, tags);
    }
    untag(tags) {
        return untag(this.aws, tags);
    }
    setCapacity(group, capacity) {
        return setCapacity(this.aws, group, capacity);
    }
    setMin(group, min) {
        return setMin(this.aws, group, min);
    }
    suspend(group, processes) {
        return suspend(this.aws, group, processes);
    }
    resume(group, processes) {
        return resume(this.aws, group, processes);
    }
    enterStandby(group, ids) {
        return enterStandby(this.aws, group, ids);
    }
    async deregisterTargets(targetGroupArn, ids) {
        const batches = (0,domain_steps/* chunk */.iv)(ids, TARGETS_PER_DEREGISTER);
        const calls = batches.filter(() => this.targetWrites.tryTake());
        await Promise.all(calls.map((batch) => deregisterTargets(this.aws, targetGroupArn, batch)));
        return calls.length === batches.length;
    }
    exitStandby(group, ids) {
        return exitStandby(this.aws, group, ids);
    }
    unprotect(group, ids) {
        return unprotect(this.aws, group, ids);
    }
    detach(group, ids) {
        return detach(this.aws, group, ids);
    }
    terminate(ids) {
        return terminate(this.aws, ids);
    }
    terminationProtected(ids) {
        return terminationProtected(this.aws, ids, this.attributeReads);
    }
    movePolicy(from, to, policy) {
        this.written.add(from).add(to);
        return movePolicy(this.aws, { from, to, policy });
    }
    moveScheduledAction(from, to, action) {
        this.written.add(from).add(to);
        return moveScheduledAction(this.aws, { from, to, action, now: this.clock.now() });
    }
    findImage(image, owners) {
        return findImage(this.aws, image, owners);
    }
    templateVersion(template, version) {
        return templateVersion(this.aws, template, version);
    }
    setImage(group, template, imageId) {
        return setImage(this.aws, group, template, imageId);
    }
    pointTemplate(group, template) {
        return pointTemplate(this.aws, group, template);
    }
}

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = /*#__PURE__*/JSON.parse('{"UU":"asg-blue-green-action","rE":"0.1.0"}');
;// CONCATENATED MODULE: ./src/aws/clients.ts
// The SDK clients, built once per run from the region and whatever the caller injects (credentials,
// a request handler for tests). They honour the SDK's standard configuration, AWS_ENDPOINT_URL_* included.


// The bundler inlines this JSON at build time (dist/ carries the version it was built from, not a file read at run time).

/** Sent with every AWS call (the user agent's `app` part): the action's name and version, from package.json. */
const USER_AGENT = [package_namespaceObject.UU, package_namespaceObject.rE];
/**
 * Calls in flight per service, account-wide for the run. AWS throttles per account and API (token
 * buckets): many pairs starting together would otherwise send dozens of calls in one instant, and the
 * SDK's retry quota runs out. A call waiting for a slot has not started; a throttled call keeps its slot
 * while the SDK backs off, which is what lowers the pressure.
 */
const MAX_IN_FLIGHT_PER_SERVICE = 8;
/** A command that only reads (Describe*, List*, Get*): it waits behind the writes for a slot. */
function isRead(commandName) {
    return /^(Describe|List|Get)/.test(commandName ?? '');
}
/**
 * Adds a slot limit to a client: every command waits for one of `limit` slots (retries included). Writes
 * take a free slot before any waiting read: when many pairs poll at once, a cutover's writes (which move
 * the traffic) do not queue behind the other pairs' looks.
 */
function limitInFlight(client, limit = MAX_IN_FLIGHT_PER_SERVICE) {
    let active = 0;
    const writes = [];
    const reads = [];
    const acquire = (read) => active < limit ? (active++, Promise.resolve()) : new Promise((resolve) => (read ? reads : writes).push(() => (active++, resolve())));
    const release = () => {
        active--;
        (writes.shift() ?? reads.shift())?.();
    };
    client.middlewareStack.add((next, context) => async (args) => {
        await acquire(isRead(context.commandName));
        try {
            return await next(args);
        }
        finally {
            release();
        }
    }, { step: 'initialize', name: 'blueGreenInFlightLimit' });
    return client;
}
/**
 * `clock` sees the lazily loaded clients' module loads (`Clock.busyWhile`): a simulated run's clock must not
 * move while one loads.
 */
function createClients(region, clock, overrides = {}) {
    // Throttling is normal at scale: the SDK retries it (and 5xx) with backoff; give it room to.
    const config = { region, maxAttempts: 8, customUserAgent: [USER_AGENT], ...overrides };
    const loaded = [];
    const lazy = (load, make) => {
        let once;
        return () => (once ??= clock.busyWhile(load).then((api) => {
            const client = limitInFlight(make(api));
            loaded.push(client);
            return { client, api };
        }));
    };
    const autoscaling = limitInFlight(new dist_cjs/* AutoScalingClient */.yis(config));
    const elbv2 = limitInFlight(new client_elastic_load_balancing_v2_dist_cjs/* ElasticLoadBalancingV2Client */.MlD(config));
    return {
        autoscaling,
        elbv2,
        ec2: lazy(() => __webpack_require__.e(/* import() */ 193).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19)), (api) => new api.EC2Client(config)),
        cloudwatch: lazy(() => __webpack_require__.e(/* import() */ 85).then(__webpack_require__.t.bind(__webpack_require__, 4085, 19)), (api) => new api.CloudWatchClient(config)),
        elb: lazy(() => __webpack_require__.e(/* import() */ 165).then(__webpack_require__.t.bind(__webpack_require__, 9165, 23)), (api) => new api.ElasticLoadBalancingClient(config)),
        destroy: () => {
            autoscaling.destroy();
            elbv2.destroy();
            for (const c of loaded)
                c.destroy();
        }
    };
}

// EXTERNAL MODULE: ./src/domain/modes.ts + 4 modules
var modes = __webpack_require__(7425);
;// CONCATENATED MODULE: ./src/github/api.ts
// The few GitHub REST calls the action makes, behind a narrow port (tests use a loopback fake).
function octokitPort(token, repository, apiUrl) {
    // Loaded on first use (after the first AWS calls): Octokit is a large part of start-up.
    let client;
    const rest = async () => (await (client ??= __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413)).then((m) => m.getOctokit(token, apiUrl ? { baseUrl: apiUrl } : {})))).rest;
    const [owner, repo] = repository.split('/');
    return {
        async compare(base, head) {
            const r = await (await rest()).repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 1 });
            return r.data.status;
        },
        async runStatus(runId) {
            const r = await (await rest()).actions.getWorkflowRun({ owner, repo, run_id: Number(runId) });
            return r.data.status ?? 'unknown';
        },
        async createDeployment(d) {
            const r = await (await rest()).repos.createDeployment({
                owner,
                repo,
                ref: d.ref,
                environment: d.environment,
                description: d.description.slice(0, 140),
                payload: d.payload,
                auto_merge: false,
                required_contexts: []
            });
            if (!('id' in r.data))
                throw new Error(`GitHub did not create the deployment: ${JSON.stringify(r.data).slice(0, 200)}`);
            return r.data.id;
        },
        async setDeploymentStatus(id, s) {
            await (await rest()).repos.createDeploymentStatus({
                owner,
                repo,
                deployment_id: id,
                state: s.state,
                description: s.description.slice(0, 140),
                log_url: s.logUrl,
                auto_inactive: true
            });
        },
        async latestDeployment(environment) {
            const r = await (await rest()).repos.listDeployments({ owner, repo, environment, per_page: 1 });
            const d = r.data[0];
            return d ? { id: d.id, ref: d.ref } : undefined;
        }
    };
}

// EXTERNAL MODULE: ./src/domain/markers.ts
var markers = __webpack_require__(999);
// EXTERNAL MODULE: ./src/domain/phase.ts
var domain_phase = __webpack_require__(4111);
// EXTERNAL MODULE: ./src/github/release.ts
var github_release = __webpack_require__(5386);
;// CONCATENATED MODULE: ./src/github/integration.ts
// What the action does with GitHub itself (optional, needs `github-token`): refuse to deploy an older
// commit over a newer one, record deployments on the environment, and ask whether a lock's run is over.
// GitHub being unreachable never fails a run: these degrade to warnings.





/** The run's hooks, answered by GitHub. */
class GitHubIntegration {
    gh;
    s;
    log;
    deploymentId;
    constructor(gh, s, log) {
        this.gh = gh;
        this.s = s;
        this.log = log;
    }
    /** Out-of-order protection: deploying a commit that the live commit already contains goes back in time. */
    async orderRefusals(pairs) {
        if (!modes/* MODE_RULES */.k[this.s.mode].checksCommitOrder || this.s.allowOlderCommit || !this.s.sha)
            return [];
        const refusals = [];
        for (const pair of pairs) {
            const phase = (0,domain_phase/* classify */.L8)(pair);
            if (phase.kind !== 'at-rest')
                continue;
            const live = (0,github_release/* decodeRelease */.o1)(phase.live.tags[markers/* RELEASE_TAG */.Be]);
            if (!live || live.commit === this.s.sha)
                continue;
            try {
                const status = await this.gh.compare(live.commit, this.s.sha);
                if (status === 'behind') {
                    refusals.push(`${pair.base}: commit ${this.s.sha.slice(0, 7)} is older than the live commit ${live.commit.slice(0, 7)} (${(0,github_release/* describeRelease */.NC)(phase.live.tags[markers/* RELEASE_TAG */.Be])}): ` +
                        'this looks like an old release re-run by mistake. To go back on purpose, set allow-older-commit: true (or use mode: rollback while the previous version waits in standby).');
                }
            }
            catch (err) {
                this.log.warning(`${pair.base}: could not compare ${this.s.sha.slice(0, 7)} with the live commit ${live.commit.slice(0, 7)} on GitHub (${(0,errors/* errorMessage */.gJ)(err)}); deploying without the out-of-order check.`);
            }
        }
        return refusals;
    }
    /** True when the lock's holder is a run of this repository that GitHub reports completed. */
    async isRunOver(runUrl) {
        const m = /\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)/.exec(runUrl);
        if (!m || m[1] !== this.s.repository)
            return false;
        try {
            return (await this.gh.runStatus(m[2])) === 'completed';
        }
        catch (err) {
            this.log.warning(`Could not ask GitHub whether ${runUrl} is over: ${(0,errors/* errorMessage */.gJ)(err)}`);
            return false;
        }
    }
    async started(outcomes) {
        if (!this.s.environment || !modes/* MODE_RULES */.k[this.s.mode].writes)
            return;
        await this.quietly('record the deployment start', async () => {
            if (this.s.mode === 'finalize') {
                this.deploymentId = (await this.gh.latestDeployment(this.s.environment))?.id;
            }
            else {
                const ref = this.s.mode === 'rollback' ? (restoredCommit(outcomes) ?? this.s.sha) : this.s.sha;
                this.deploymentId = await this.gh.createDeployment({
                    ref,
                    environment: this.s.environment,
                    description: modes/* MODE_RULES */.k[this.s.mode].deployLike ? `${this.s.mode} ${this.s.version}` : 'rollback',
                    payload: { mode: this.s.mode, version: this.s.version, pairs: outcomes.map((o) => o.base) }
                });
            }
            if (this.deploymentId !== undefined) {
                await this.gh.setDeploymentStatus(this.deploymentId, { state: 'in_progress', description: `${this.s.mode} running`, logUrl: this.s.runUrl });
            }
        });
    }
    async finished(result) {
        const id = this.deploymentId;
        if (id === undefined)
            return;
        const failed = result.outcomes.filter((o) => o.error);
        const states = [...new Set(result.outcomes.map((o) => o.state))].join(', ');
        await this.quietly('record the deployment result', () => this.gh.setDeploymentStatus(id, {
            state: failed.length > 0 ? 'failure' : 'success',
            description: failed.length > 0 ? `${this.s.mode} failed: ${states}` : `${this.s.mode}: ${states}`,
            logUrl: this.s.runUrl
        }));
    }
    async quietly(what, fn) {
        try {
            await fn();
        }
        catch (err) {
            this.log.warning(`Could not ${what} on GitHub (environment ${this.s.environment}): ${(0,errors/* errorMessage */.gJ)(err)}. The AWS side is unaffected.`);
        }
    }
}
/** The commit a rollback brings back: the one recorded on the group that served before cutover. */
function restoredCommit(outcomes) {
    for (const o of outcomes) {
        const phase = (0,domain_phase/* classify */.L8)(o.before);
        const group = phase.kind === 'cut-over' ? phase.previous : phase.kind === 'deploying' ? phase.live : undefined;
        const release = (0,github_release/* decodeRelease */.o1)(group?.tags[markers/* RELEASE_TAG */.Be]);
        if (release)
            return release.commit;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/log.ts
// Where the run writes its lines: the runner's log in the action, a buffer in tests.
function inGroup(log, name, fn) {
    return log.group ? log.group(name, fn) : fn();
}

// EXTERNAL MODULE: ./src/domain/model.ts
var model = __webpack_require__(5529);
// EXTERNAL MODULE: ./src/duration.ts
var duration = __webpack_require__(7607);
// EXTERNAL MODULE: ./src/domain/canary.ts
var domain_canary = __webpack_require__(5066);
;// CONCATENATED MODULE: ./src/domain/preflight-units.ts
/** What a group's sizes count, for comparing and for the message. */
function unitOf(g) {
    const weights = g.weights ?? [];
    switch (g.capacityUnit) {
        case 'vcpu':
            return { key: 'vcpu', text: 'vCPUs (DesiredCapacityType vcpu)' };
        case 'memory-mib':
            return { key: 'memory-mib', text: 'MiB of memory (DesiredCapacityType memory-mib)' };
        case 'units':
            return { key: `units:${weights.join(',')}`, text: `capacity units (WeightedCapacity ${weights.join(', ')})` };
        default:
            return { key: 'instances', text: 'instances (no weights)' };
    }
}
/** The refusal when the two colors count capacity differently (unit or weights), or undefined. */
function capacityUnitRefusal(base, live, idle) {
    const a = unitOf(live);
    const b = unitOf(idle);
    if (a.key === b.key)
        return undefined;
    const { min, desired, max } = live.capacity;
    return (`${base}: ${live.name} counts its capacity in ${a.text} and ${idle.name} in ${b.text}. The deploy gives ${idle.name} the live group's ` +
        `min ${min} / desired ${desired} / max ${max}, which ${idle.name} would count in its own unit, so after cutover it would serve a different fleet ` +
        `(fewer or more instances than ${live.name} serves with). Give ${idle.name} the same DesiredCapacityType and the same WeightedCapacity for each instance type as ${live.name} ` +
        `(aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${idle.name} --mixed-instances-policy ... / --desired-capacity-type ...), then re-run.`);
}

;// CONCATENATED MODULE: ./src/domain/preflight-traffic.ts
/** One refusal per traffic source of a type the action does not gate on, on either group. */
function trafficSourceRefusals(groups) {
    return groups.flatMap((g) => (g.otherTrafficSources ?? []).map((t) => `${g.name}: traffic source ${t.identifier} (${t.type}) is attached, and this action gates cutover only on ELB target groups and Classic Load Balancers: ` +
        `it cannot tell when it sends requests to the new instances, or when it has stopped sending them to the old ones, so the cutover would not be health-gated. ` +
        `Detach it for the deploy (aws autoscaling detach-traffic-sources --auto-scaling-group-name ${g.name} --traffic-sources Identifier=${t.identifier},Type=${t.type}), ` +
        `or put an ELB target group in front of the pair instead, then re-run.`));
}

// EXTERNAL MODULE: ./src/domain/traffic.ts
var traffic = __webpack_require__(7705);
// EXTERNAL MODULE: ./src/domain/lock.ts
var lock = __webpack_require__(8597);
;// CONCATENATED MODULE: ./src/domain/preflight.ts
// Pre-flight: every check for every pair before anything is written. A refusal names the pair and
// what to do; a notice marks a pair with nothing to do (e.g. deploying the version already live).








const FINAL_ACTIVITY = new Set(['Successful', 'Failed', 'Cancelled']);
/** Processes the group a deploy scales up needs: without them new instances never launch or never get traffic. */
const NEEDED_TO_LAUNCH = ['Launch', 'AddToLoadBalancer'];
function preflight(pair, phase, opts) {
    const refusals = structural(pair, opts.mode);
    if (opts.mode === 'status')
        return { refusals: [] };
    const held = opts.lock && (0,lock/* lockPreflight */.NY)(pair, opts.lock);
    if (held)
        return { refusals: [...refusals, held] };
    if (phase.kind === 'unknown')
        return { refusals: [...refusals, `${pair.base}: ${phase.reason}.`] };
    if (phase.kind === 'empty') {
        if (opts.mode === 'deploy') {
            refusals.push(`${pair.base}: neither ${pair.groups[0].name} nor ${pair.groups[1].name} serves (both at desired 0). Give one color the capacity it should serve, then deploy.`);
        }
        return refusals.length > 0 ? { refusals } : { refusals, nothingToDo: `${pair.base}: neither group serves; nothing to ${opts.mode}.` };
    }
    const verdict = opts.mode === 'deploy'
        ? deployChecks(pair, phase, opts)
        : opts.mode === 'canary'
            ? ((0,domain_canary/* canaryChecks */._o)(pair, phase, { version: opts.version, versionTagKey: opts.versionTagKey, count: opts.canaryCount ?? 1, rebake: rebakes(opts) }) ??
                deployChecks(pair, phase, opts))
            : opts.mode === 'finalize'
                ? finalizeChecks(pair, phase, opts)
                : rollbackChecks(pair, phase, opts);
    return { ...verdict, refusals: [...refusals, ...verdict.refusals] };
}
function structural(pair, mode) {
    const [a, b] = pair.groups;
    const out = [];
    const tgA = [...a.targetGroupArns].sort().join(',');
    const tgB = [...b.targetGroupArns].sort().join(',');
    const lbA = [...a.loadBalancerNames].sort().join(',');
    const lbB = [...b.loadBalancerNames].sort().join(',');
    out.push(...(0,traffic/* topologyRefusals */.N2)(pair, mode));
    if (lbA !== lbB) {
        // Traffic would move between load balancers, not between groups behind one (aws autoscaling attach-load-balancers).
        out.push(`${pair.base}: ${a.name} and ${b.name} are attached to different Classic Load Balancers (${names(a.loadBalancerNames)} vs ${names(b.loadBalancerNames)}); attach both to the same ones (aws autoscaling attach-load-balancers).`);
    }
    if (tgA === tgB && lbA === lbB && a.targetGroupArns.length === 0 && a.loadBalancerNames.length === 0) {
        out.push(`${pair.base}: ${a.name} and ${b.name} are attached to no target group and no Classic Load Balancer; blue/green needs both behind the same target group(s) or Classic Load Balancer(s).`);
    }
    for (const g of pair.groups) {
        if (g.warmPool) {
            out.push(`${g.name}: has a warm pool, which this action does not support: pooled instances ran their user data (such as examples/user-data/boot.sh) when they entered the pool, ` +
                `with the version tagged then, and cloud-init runs user data on the first boot only, so they would serve the old version when they leave the pool. ` +
                `Delete the warm pool (aws autoscaling delete-warm-pool --auto-scaling-group-name ${g.name}), then re-run.`);
        }
    }
    return out;
}
function names(lbs) {
    return lbs.length === 0 ? 'none' : lbs.join(', ');
}
/**
 * Activities that make a deploy unsafe to start. On the idle group, the termination of instances a
 * rollback or abort just drained is not one of them: they are leaving and the deploy ignores them.
 */
function busy(g, idle = false) {
    const out = [];
    if (g.activeInstanceRefresh) {
        out.push(`${g.name}: instance refresh ${g.activeInstanceRefresh} is in progress; wait for it to finish or cancel it.`);
    }
    const running = g.activities.filter((a) => !FINAL_ACTIVITY.has(a.status) && !(idle && /^Terminating/i.test(a.description)));
    if (running.length > 0) {
        out.push(`${g.name}: a scaling activity is in progress ("${running[0]?.description}", ${running[0]?.status}); wait until it finishes, then re-run.`);
    }
    return out;
}
function deployChecks(pair, phase, opts) {
    if (phase.kind === 'at-rest') {
        const { live, idle } = phase;
        if (live.tags[opts.versionTagKey] === opts.version) {
            return { refusals: [], nothingToDo: `${pair.base}: ${opts.version} is already live on ${live.name}; nothing to deploy.` };
        }
        const out = [...busy(live), ...busy(idle, true)];
        const leftovers = idle.instances.filter((i) => !model/* LEAVING_STATES */.E2.has(i.lifecycle));
        if (leftovers.length > 0) {
            out.push(`${idle.name}: the idle group still has ${leftovers.length} instance(s) (${leftovers.map((i) => `${i.id} ${i.lifecycle}`).slice(0, 5).join(', ')}); wait until they are gone, then re-run.`);
        }
        const blocked = NEEDED_TO_LAUNCH.filter((p) => idle.suspendedProcesses.includes(p));
        if (blocked.length > 0) {
            out.push(`${idle.name}: ${blocked.join(' and ')} ${blocked.length > 1 ? 'are' : 'is'} suspended, so new instances would never serve; resume ${blocked.length > 1 ? 'them' : 'it'} (aws autoscaling resume-processes).`);
        }
        if (idle.policies.length > 0 || idle.scheduledActions.length > 0) {
            const what = [...idle.policies.map((p) => `policy ${p.name}`), ...idle.scheduledActions.map((s) => `scheduled action ${s.name}`)];
            out.push(`${idle.name}: the idle group has its own ${what.join(', ')}; scaling belongs to the live group (${live.name}) and moves with the traffic. Delete them from the idle group.`);
        }
        const hookRefusal = launchHookRefusal(idle, opts.healthTimeoutMs);
        if (hookRefusal)
            out.push(hookRefusal);
        const unitRefusal = capacityUnitRefusal(pair.base, live, idle);
        if (unitRefusal)
            out.push(unitRefusal);
        out.push(...trafficSourceRefusals([live, idle]));
        if (live.capacity.desired > live.capacity.max || (0,model/* activeInstances */.rX)(live).length === 0) {
            out.push(`${live.name}: the live group has no instance in service to take capacity from; fix it first.`);
        }
        return { refusals: out };
    }
    const next = phase.kind === 'deploying' ? phase.next : phase.kind === 'cut-over' ? phase.next : undefined;
    if (!next)
        return { refusals: [] };
    const inFlight = next.tags[opts.versionTagKey] ?? '(no version tag)';
    const canary = inFlight !== opts.version ? (0,domain_canary/* canaryBlocks */.X2)(pair, phase, opts.versionTagKey, 'deploy', opts.version) : undefined;
    if (canary)
        return { refusals: [canary] };
    if (inFlight !== opts.version) {
        const what = phase.kind === 'deploying' ? 'is in progress' : 'is waiting for finalize or rollback';
        const run = next.tags[markers/* DEPLOY_RUN_TAG */.PI];
        return {
            refusals: [
                `${pair.base}: the deployment of ${inFlight} to ${next.name}${run ? ` (by ${run})` : ''} ${what}; run mode: finalize or mode: rollback first (or re-run deploy with version ${inFlight} to resume it).`
            ]
        };
    }
    if (phase.kind === 'cut-over' && phase.complete && !rebakes(opts)) {
        return { refusals: [], nothingToDo: `${pair.base}: ${opts.version} already serves from ${next.name} and waits for finalize or rollback.` };
    }
    return { refusals: [] };
}
/** With a bake configured, a deploy or canary whose release already serves watches it again. */
function rebakes(opts) {
    return (opts.bake?.timeMs ?? 0) > 0;
}
/**
 * Launch hooks hold new instances in Pending:Wait until the hook completes or its HeartbeatTimeout ends.
 * A hook allowed longer than health-timeout can hold instances past the deploy's wait.
 */
function launchHookRefusal(g, healthTimeoutMs) {
    if (healthTimeoutMs === undefined)
        return undefined;
    const longest = [...(0,model/* launchHooks */.qZ)(g)].sort((a, b) => b.heartbeatTimeoutSeconds - a.heartbeatTimeoutSeconds)[0];
    if (!longest || longest.heartbeatTimeoutSeconds * 1000 <= healthTimeoutMs)
        return undefined;
    const hook = (0,duration/* formatDuration */.a)(longest.heartbeatTimeoutSeconds * 1000);
    const wait = (0,duration/* formatDuration */.a)(healthTimeoutMs);
    return (`${g.name}: launch lifecycle hook ${longest.name} may hold new instances in Pending:Wait for up to ${hook} (HeartbeatTimeout ${longest.heartbeatTimeoutSeconds} s), ` +
        `longer than health-timeout ${wait}: the deploy would time out while the hook still holds them. Raise health-timeout to at least ${hook}, ` +
        `or lower the hook's timeout (aws autoscaling put-lifecycle-hook --auto-scaling-group-name ${g.name} --lifecycle-hook-name ${longest.name} ` +
        `--lifecycle-transition autoscaling:EC2_INSTANCE_LAUNCHING --heartbeat-timeout <seconds>, with the hook's other settings).`);
}
/**
 * Finalize retires standby instances by DetachInstances and EC2 TerminateInstances: neither runs the
 * group's termination lifecycle hooks (AWS runs hooks for launches and terminations by Auto Scaling only,
 * not for detach or standby), so whatever they do (drain, ship logs) would silently not happen.
 */
function terminationHookRefusal(previous) {
    const hooks = (0,model/* terminationHooks */.r_)(previous);
    const standby = previous.instances.filter(model/* inStandby */.fI).map((i) => i.id);
    if (hooks.length === 0 || standby.length === 0)
        return undefined;
    const names = hooks.map((h) => h.name);
    const one = standby.length === 1;
    const terminate = one
        ? `aws autoscaling terminate-instance-in-auto-scaling-group --instance-id ${standby[0]} --no-should-decrement-desired-capacity`
        : `for id in ${standby.join(' ')}; do aws autoscaling terminate-instance-in-auto-scaling-group --instance-id "$id" --no-should-decrement-desired-capacity; done`;
    return (`${previous.name}: has termination lifecycle hook(s) ${names.join(', ')}. Finalize detaches the standby instances and terminates them through EC2, ` +
        `which does not run termination hooks, so what ${hooks.length === 1 ? 'it does' : 'they do'} (draining, log shipping) would not happen. Either terminate them through Auto Scaling ` +
        `so the hook runs, then re-run finalize to clear the deployment: ${terminate}; or, if skipping the hook is fine this once, remove it, re-run finalize, ` +
        `and add it back: ${names.map((n) => `aws autoscaling delete-lifecycle-hook --auto-scaling-group-name ${previous.name} --lifecycle-hook-name ${n}`).join('; ')}.`);
}
function finalizeChecks(pair, phase, opts) {
    if (phase.kind === 'at-rest') {
        return { refusals: [], nothingToDo: `${pair.base}: no deployment waits for a decision (${phase.live.name} serves, ${phase.idle.name} is idle); nothing to finalize.` };
    }
    const canary = (0,domain_canary/* canaryBlocks */.X2)(pair, phase, opts.versionTagKey, 'finalize');
    if (canary)
        return { refusals: [canary] };
    if (phase.kind === 'deploying') {
        return { refusals: [`${pair.base}: the deployment to ${phase.next.name} has not cut over yet (${phase.live.name} still serves); re-run deploy to finish it, or roll back.`] };
    }
    if (phase.kind === 'cut-over') {
        // Instances still draining into Standby are fine (finalize waits for them); old instances still
        // serving, or scaling not yet handed over, mean the deploy did not finish its cutover.
        const { previous, next } = phase;
        // Weights: the old instances stay in service; what must have moved is the weight of every forward.
        const serving = phase.weights ? (0,traffic/* forwardsToMove */.JX)(phase.weights, previous, next).length : (0,model/* activeInstances */.rX)(previous).length;
        const scaling = previous.policies.length + previous.scheduledActions.length;
        if (serving > 0 || scaling > 0) {
            const old = phase.weights ? `forward action(s) still giving ${previous.name} weight` : 'old instance(s) still in service';
            const what = serving > 0 ? `${serving} ${old}` : `${scaling} scaling policy/scheduled action(s) not yet moved to ${next.name}`;
            return { refusals: [`${pair.base}: cutover from ${previous.name} to ${next.name} did not finish (${what}); re-run deploy to finish it, or roll back.`] };
        }
        const hooks = terminationHookRefusal(previous);
        if (hooks)
            return { refusals: [hooks] };
    }
    return { refusals: [] };
}
function rollbackChecks(pair, phase, opts) {
    if (phase.kind === 'at-rest') {
        // Per pair: a pair already back where it was (rolled back, aborted, or never touched by a deploy that
        // was stopped before its first change) is fine. Only after finalize is there nothing to go back to.
        const current = phase.live.tags[opts.versionTagKey] ?? '(untagged)';
        const last = (0,markers/* decodeLastRun */.GC)(pair.groups[0].tags[markers/* LAST_RUN_TAG */.Qp]);
        const previous = phase.idle.tags[opts.versionTagKey];
        // Without a record, an idle group that never held a version was never deployed to: nothing happened.
        if ((last && last.mode !== 'finalize') || (!last && previous === undefined)) {
            const what = last ? `last: ${last.mode} ${last.version}` : `${phase.idle.name} was never deployed to`;
            return { refusals: [], nothingToDo: `${pair.base}: ${phase.live.name} serves ${current} and no deployment waits for a decision (${what}); nothing to roll back.` };
        }
        const hint = previous ? ` To go back, deploy the previous version: ${previous}.` : '';
        const why = last ? `the deployment of ${last.version} was finalized` : 'no deployment is waiting for a decision';
        return {
            refusals: [],
            cannot: `${pair.base}: nothing to roll back: ${why} (${phase.live.name} serves ${current}; ${phase.idle.name} is idle).${hint}`
        };
    }
    return { refusals: [] };
}
// ----------------------------------------------------------------- finalize: termination protection
/** What finalize terminates through EC2: the standby instances, and any an interrupted finalize already detached. */
function finalizeTerminates(phase) {
    // Weights: Auto Scaling scales the old group in; nothing goes through EC2's TerminateInstances.
    if (phase.kind !== 'cut-over' || phase.weights)
        return [];
    const { previous } = phase;
    const detached = (0,markers/* decodeList */.VX)(previous.tags[markers/* FINALIZING_TAG */.Hm]).filter((id) => !previous.instances.some((i) => i.id === id));
    return [...detached, ...previous.instances.filter(model/* inStandby */.fI).map((i) => i.id)];
}
/**
 * Finalize's pre-flight for termination protection. `protectedIds`: which of `finalizeTerminates(phase)`
 * have DisableApiTermination on. EC2 refuses to terminate those, and finalize detaches before it
 * terminates: they would keep running, billed, outside any group, and every re-run would fail the same way.
 */
function finalizeProtectionChecks(phase, protectedIds) {
    if (phase.kind !== 'cut-over')
        return [];
    const { previous } = phase;
    const refusal = terminationProtectionRefusal(previous.name, protectedIds.filter((id) => previous.instances.some((i) => i.id === id)));
    const detached = (0,markers/* decodeList */.VX)(previous.tags[markers/* FINALIZING_TAG */.Hm]).filter((id) => protectedIds.includes(id) && !previous.instances.some((i) => i.id === id));
    const out = refusal ? [refusal] : [];
    if (detached.length > 0) {
        out.push(`${previous.name}: ${detached.join(', ')} ${detached.length === 1 ? 'was' : 'were'} detached by an earlier finalize and ${detached.length === 1 ? 'is' : 'are'} still running outside any group: ` +
            `termination protection (DisableApiTermination) makes EC2 refuse to terminate ${detached.length === 1 ? 'it' : 'them'}. Turn it off, then re-run finalize (it terminates ${detached.length === 1 ? 'it' : 'them'}): ${enableTermination(detached)}.`);
    }
    return out;
}
/**
 * The refusal for standby instances of `group` that have termination protection, or undefined when none
 * has. Pre-flight uses it, and so does each retire batch right before it detaches anything (protection
 * may be turned on after pre-flight).
 */
function terminationProtectionRefusal(group, protectedIds) {
    if (protectedIds.length === 0)
        return undefined;
    const one = protectedIds.length === 1;
    return (`${group}: ${protectedIds.join(', ')} ${one ? 'has' : 'have'} termination protection (DisableApiTermination) on. ` +
        `Finalize detaches standby instances and then terminates them through EC2, which would refuse and leave ${one ? 'it' : 'them'} running outside any group, ` +
        `so finalize does not detach ${one ? 'it' : 'them'}. Turn it off, then re-run finalize: ${enableTermination(protectedIds)}.`);
}
function enableTermination(ids) {
    return ids.length === 1
        ? `aws ec2 modify-instance-attribute --instance-id ${ids[0]} --no-disable-api-termination`
        : `for id in ${ids.join(' ')}; do aws ec2 modify-instance-attribute --instance-id "$id" --no-disable-api-termination; done`;
}

;// CONCATENATED MODULE: ./src/run/act.ts




/**
 * Performs `s` on `pair`; returns what the timeline says about it, if anything. `protection` reads the
 * termination protection of the round's retire batches (`s` is one of its plan's steps).
 */
async function act(f, waits, pair, s, guard, protection) {
    switch (s.kind) {
        case 'tag':
            return f.tag(s.group, s.tags, s.propagate);
        case 'untag':
            return f.untag(s.tags);
        case 'set-capacity':
            return f.setCapacity(s.group, s.capacity);
        case 'set-min':
            return f.setMin(s.group, s.min);
        case 'set-image':
            return f.setImage(s.group, s.template, s.imageId);
        case 'match-template':
            return f.pointTemplate(s.group, s.template);
        case 'suspend':
            return f.suspend(s.group, s.processes);
        case 'resume':
            return f.resume(s.group, s.processes);
        case 'enter-standby':
            return f.enterStandby(s.group, s.instanceIds);
        case 'exit-standby':
            return f.exitStandby(s.group, s.instanceIds);
        case 'unprotect':
            return f.unprotect(s.group, s.instanceIds);
        case 'detach-dead':
            return f.detach(s.group, s.instanceIds);
        case 'retire': {
            // Termination protection turned on after pre-flight: stop before detaching what EC2 would not terminate.
            // Once this batch reads clean, the next batch's read starts, to run while this batch is written.
            const refused = terminationProtectionRefusal(s.group, await protection.before(s));
            if (refused)
                throw new errors/* ActionError */.lZ(refused);
            // Remember the batch first: a run killed between detach and terminate must not lose instances.
            await f.tag(s.group, { [markers/* FINALIZING_TAG */.Hm]: s.instanceIds.join(',') }, []);
            await f.detach(s.group, s.instanceIds);
            return f.terminate(s.instanceIds);
        }
        case 'terminate-detached':
            return f.terminate(s.instanceIds);
        case 'set-weights': {
            const wrote = await f.setWeights(s.forward, s.weights);
            waits.weightsMoved(pair.base);
            return wrote;
        }
        case 'move-policy':
            return f.movePolicy(s.from, s.to, s.policy);
        case 'move-scheduled-action':
            return f.moveScheduledAction(s.from, s.to, s.action);
        case 'check-versions':
            return checkVersions(f, pair, s);
        case 'wait-healthy':
            return waits.healthy(pair, s, guard);
        case 'wait-standby':
            return waits.standby(pair, s.group, guard, s.first ?? false);
        case 'wait-deregistering':
            return waits.deregistering(pair, s.group, guard);
        case 'wait-weights':
            return waits.weightsApplied(pair, s);
    }
}
/**
 * Auto Scaling copies the group's version tag onto each instance at launch. An instance whose copy names
 * another version was launched before this run's tag reached the group: another run's deployment, whose
 * writes crossed this run's. It must not take the traffic. An instance without the tag (a group whose
 * version tag does not propagate) cannot be checked and passes.
 */
async function checkVersions(fleet, pair, s) {
    const group = pair.groups.find((g) => g.name === s.group);
    const ids = group ? (0,model/* activeInstances */.rX)(group).map((i) => i.id) : [];
    if (ids.length === 0)
        return 'no instance to check';
    const tags = await fleet.instanceTags(ids);
    const other = ids.filter((id) => (tags[id]?.[s.versionTagKey] ?? s.version) !== s.version);
    if (other.length > 0) {
        const versions = [...new Set(other.map((id) => tags[id]?.[s.versionTagKey]))].join(', ');
        throw new errors/* ActionError */.lZ(`${s.group}: ${other.length} of ${ids.length} instance(s) were launched with ${s.versionTagKey}=${versions}, not ${s.version} ` +
            `(${other.slice(0, 5).join(', ')}${other.length > 5 ? ', …' : ''}): another run deployed to this group at the same moment and their writes crossed. ` +
            `Nothing was cut over to them. Let one release deploy at a time (a workflow concurrency group per service), then re-run deploy.`);
    }
    if (s.imageId)
        await checkImages(fleet, s.group, ids, s.imageId);
    const unchecked = ids.filter((id) => tags[id]?.[s.versionTagKey] === undefined).length;
    return unchecked === 0 ? `${ids.length} instance(s) launched with ${s.version}` : `${ids.length - unchecked} instance(s) launched with ${s.version}; ${unchecked} carry no version tag (not checked)`;
}
/**
 * Deploy by image: every instance about to take the traffic must run the chosen AMI, as EC2 reports it
 * (ImageId). The version tag says what the group was told, not what launched: a mixed instances override
 * with its own launch template or ImageId, or a template change since pre-flight, launches another image.
 */
async function checkImages(fleet, group, ids, imageId) {
    const images = await fleet.instanceImages(ids);
    const other = ids.filter((id) => images[id] !== undefined && images[id] !== imageId);
    if (other.length === 0)
        return;
    const listed = other.slice(0, 10).map((id) => `${id} (${images[id]})`).join(', ');
    throw new errors/* ActionError */.lZ(`${group}: ${other.length} of ${ids.length} instance(s) run another image than ${imageId}: ${listed}${other.length > 10 ? ', …' : ''}. ` +
        `Their launch did not use the template version this deploy set: a mixed instances override with its own launch template or ImageId, or a change to ${group} or its template since pre-flight. ` +
        `Nothing was cut over to them. Give every override the policy's launch template (no LaunchTemplateSpecification or ImageId of its own), then re-run deploy.`);
}

;// CONCATENATED MODULE: ./src/run/deregister.ts


/** The SDK's names of a refusal by IAM (the wire code, and its shape's name). */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
/**
 * One per run. Best effort, and only ever after the EnterStandby of the same instances succeeded: every state
 * it leaves (deregistered or not yet) is one Auto Scaling's own deregistration leads to anyway, so a run killed
 * around it, or a call that fails, changes nothing a re-run or a rollback has to know about. Classic Load
 * Balancers are left to Auto Scaling.
 */
class TargetDeregistration {
    fleet;
    log;
    /** The role may not call DeregisterTargets: said once, not tried again this run. */
    denied = false;
    constructor(fleet, log) {
        this.fleet = fleet;
        this.log = log;
    }
    /** Deregisters `ids`, which just entered Standby, from `group`'s target groups; says what it did. */
    async afterStandby(pair, group, ids) {
        const g = pair.groups.find((x) => x.name === group);
        const arns = g ? (0,classic/* trafficKeys */.AU)(g).filter((key) => (0,classic/* classicName */.CA)(key) === undefined) : [];
        if (this.denied || arns.length === 0 || ids.length === 0)
            return undefined;
        const done = await Promise.all(arns.map((arn) => this.deregister(group, arn, ids)));
        const now = done.filter((d) => d).length;
        if (now === 0)
            return 'left to Auto Scaling to deregister from the load balancer';
        return now === arns.length
            ? `taken out of ${now} target group(s) at once`
            : `taken out of ${now} of ${arns.length} target groups at once; Auto Scaling deregisters them from the rest`;
    }
    async deregister(group, arn, ids) {
        try {
            return await this.fleet.deregisterTargets(arn, ids);
        }
        catch (err) {
            if (err instanceof errors/* AwsCallFailed */.Zf && DENIED.has(err.awsError)) {
                if (!this.denied) {
                    this.denied = true;
                    this.log.warning(`${group}: the role may not call elasticloadbalancing:DeregisterTargets, so the old instances leave the load balancer when Auto Scaling deregisters them, a moment after EnterStandby. ` +
                        'Add the action to the role (README, IAM permissions) to cut traffic over within one call.');
                }
            }
            else {
                this.log.info(`${group}: ${(0,errors/* errorMessage */.gJ)(err)}; Auto Scaling deregisters the instances itself.`);
            }
            return false;
        }
    }
}

;// CONCATENATED MODULE: ./src/run/protection.ts
/**
 * One per round of a plan. Each retire batch reads its instances' protection after pre-flight and before it
 * detaches anything (protection may be turned on in between). Once a batch's read finds none protected, the
 * read of the plan's next retire batch starts, so that it runs while this batch's writes (tag, detach,
 * terminate) do instead of after them. A batch whose read found protection stops the run: the next one is
 * never read.
 */
class ProtectionReads {
    fleet;
    batches;
    ahead = new Map();
    constructor(fleet, plan) {
        this.fleet = fleet;
        this.batches = plan.filter((s) => s.kind === 'retire');
    }
    /** Those of the batch's instances with termination protection on, read since pre-flight. */
    async before(batch) {
        const read = this.ahead.get(batch) ?? this.fleet.terminationProtected(batch.instanceIds);
        this.ahead.delete(batch);
        const protectedIds = await read;
        if (protectedIds.length === 0)
            this.readAhead(batch);
        return protectedIds;
    }
    /** Resolves once every read started ahead has ended: a batch that never ran leaves no read running past its round. */
    async settled() {
        await Promise.allSettled(this.ahead.values());
    }
    readAhead(after) {
        const at = this.batches.indexOf(after);
        const next = at < 0 ? undefined : this.batches[at + 1];
        if (!next || this.ahead.has(next))
            return;
        const read = this.fleet.terminationProtected(next.instanceIds);
        // Its failure is the next batch's to report, if that batch runs at all.
        read.catch(() => undefined);
        this.ahead.set(next, read);
    }
}

;// CONCATENATED MODULE: ./src/domain/discover.ts
/** Pairs every selected group with its other color; `groups` come back from AWS already filtered by tag. */
function discover(groups, opts) {
    const selected = groups
        .filter((g) => g.name.startsWith(opts.prefix) && g.tags[opts.imageNameTagKey] === opts.imageName)
        .sort((a, b) => a.name.localeCompare(b.name));
    if (selected.length === 0) {
        return {
            pairs: [],
            refusals: [
                `No Auto Scaling group starts with "${opts.prefix}" and carries the tag ${opts.imageNameTagKey}=${opts.imageName}. ` +
                    'Check the prefix and service inputs (and service-tag-key), and the region.'
            ]
        };
    }
    const refusals = [];
    const byBase = new Map();
    for (const g of selected) {
        const color = opts.colors.find((c) => g.name.endsWith(`-${c}`));
        if (!color) {
            refusals.push(`${g.name}: the name does not end in -${opts.colors[0]} or -${opts.colors[1]}, so its pair cannot be found. ` +
                'Rename it, set blue-color/green-color to the suffixes you use, or remove its service tag.');
            continue;
        }
        const base = g.name.slice(0, g.name.length - color.length - 1);
        const colors = byBase.get(base) ?? new Map();
        colors.set(color, g);
        byBase.set(base, colors);
    }
    const pairs = [];
    for (const [base, colors] of byBase) {
        const [first, second] = opts.colors.map((c) => colors.get(c));
        if (!first || !second) {
            const have = opts.colors.find((c) => colors.has(c));
            const missing = opts.colors.find((c) => !colors.has(c));
            refusals.push(`${base}: only ${base}-${have} exists; a blue/green pair also needs ${base}-${missing} ` +
                `(same target groups, capacity 0, tag ${opts.imageNameTagKey}=${opts.imageName}).`);
            continue;
        }
        pairs.push({
            base,
            groups: [
                { ...first, color: opts.colors[0] },
                { ...second, color: opts.colors[1] }
            ]
        });
    }
    return { pairs, refusals };
}

;// CONCATENATED MODULE: ./src/run/observe.ts


/**
 * Every pair of the service: its groups found by tag and name (`opts`), each with its details and target
 * health; with `busy`, also what tells whether a group is busy (scaling activities, instance refreshes).
 */
async function observeAll(fleet, opts, busy) {
    const groups = await fleet.listGroups(opts.imageNameTagKey, opts.imageName);
    const found = discover(groups, opts);
    if (found.refusals.length > 0)
        return found;
    const pairs = await Promise.all(found.pairs.map((p) => withDetails(fleet, p, busy)));
    return { pairs, refusals: [] };
}
/**
 * A fresh snapshot of one pair. Scaling activities are carried over from `pair`: a plan never looks at
 * them, and the run reads them where it needs them (pre-flight, the health waits). For polling, `light`
 * skips the groups' details and listeners, and reads the activities of `light.activitiesOf`, if any.
 */
async function observePair(fleet, pair, light) {
    const described = await fleet.describeGroups(pair.groups.map((g) => g.name));
    const groups = pair.groups.map((old) => {
        const now = described.find((d) => d.name === old.name);
        if (!now)
            throw new Error(`Auto Scaling group ${old.name} disappeared while the action ran`);
        return { ...now, color: old.color, policies: old.policies, scheduledActions: old.scheduledActions, activities: old.activities };
    });
    if (light) {
        const withActivities = await Promise.all(groups.map(async (g) => (g.name === light.activitiesOf ? { ...g, activities: await fleet.activities(g.name, light.bookmark) } : g)));
        return withHealth(fleet, { base: pair.base, groups: withActivities, ...(pair.listeners ? { listeners: pair.listeners } : {}) });
    }
    return withDetails(fleet, { ...pair, groups }, false);
}
async function withDetails(fleet, pair, busy) {
    // The target health depends only on the groups as described (their target groups and instances): read it
    // while the details are read.
    const [complete, health] = await Promise.all([details(fleet, pair, busy), readHealth(fleet, pair.groups)]);
    return attachHealth(complete, health);
}
/**
 * A light look (the groups as described and their target health: a health wait's last) made a full snapshot
 * without reading the groups and the target health again: the groups' details, the listeners, Standby liveness.
 */
function completeLook(fleet, light) {
    return details(fleet, light, false);
}
async function details(fleet, pair, busy) {
    const [groups, listeners] = await Promise.all([
        Promise.all(pair.groups.map(async (g) => ({ ...(await fleet.loadDetails(g, busy)), color: g.color }))),
        listenersOf(fleet, pair.groups, pair.listeners)
    ]);
    return withStandbyLiveness(fleet, { base: pair.base, groups, ...(listeners ? { listeners } : {}) });
}
/**
 * A pair whose colors use target groups of their own (none in common) may move traffic by weights
 * (domain/traffic.ts): read the forward actions in front of it, through the listeners found before if any.
 */
async function listenersOf(fleet, [a, b], before) {
    const disjoint = a.targetGroupArns.length > 0 && b.targetGroupArns.length > 0 && !a.targetGroupArns.some((arn) => b.targetGroupArns.includes(arn));
    return disjoint ? fleet.listeners([...a.targetGroupArns, ...b.targetGroupArns], before?.listeners) : undefined;
}
/**
 * Auto Scaling does not health-check Standby instances: one terminated behind the group's back stays
 * listed as Standby and Healthy. Ask EC2 which of them still run.
 */
async function withStandbyLiveness(fleet, pair) {
    const standby = pair.groups.flatMap((g) => g.instances.filter(parked).map((i) => i.id));
    if (standby.length === 0)
        return pair;
    const gone = await fleet.instancesGone(standby);
    if (gone.size === 0)
        return pair;
    const mark = (i) => (gone.has(i.id) ? { ...i, gone: true } : i);
    return { ...pair, groups: pair.groups.map((g) => ({ ...g, instances: g.instances.map(mark) })) };
}
/** In Standby: out of every target group, so never asked about (EnteringStandby ones are still draining). */
function parked(i) {
    return i.lifecycle === 'Standby';
}
/** Asks every target group and Classic LB of the pair about exactly the pair's instances (never the whole group). */
async function withHealth(fleet, pair) {
    return attachHealth(pair, await readHealth(fleet, pair.groups));
}
/**
 * Not asked about: Standby instances (out of every target group; one EC2 no longer runs is marked `gone`
 * only among them). Leaving (terminating, detaching) instances are: they take requests until their
 * targets deregister.
 */
async function readHealth(fleet, groups) {
    const keys = [...new Set(groups.flatMap(classic/* trafficKeys */.AU))];
    const ids = groups.flatMap((g) => g.instances.filter((i) => !parked(i) && !i.gone).map((i) => i.id));
    if (keys.length === 0 || ids.length === 0)
        return [];
    return Promise.all(keys.map(async (key) => {
        const lb = (0,classic/* classicName */.CA)(key);
        return [key, await (lb === undefined ? fleet.targetHealth(key, ids) : fleet.classicHealth(lb, ids))];
    }));
}
function attachHealth(pair, byKey) {
    if (byKey.length === 0)
        return pair;
    const groups = pair.groups.map((g) => {
        const own = (0,classic/* trafficKeys */.AU)(g);
        return {
            ...g,
            instances: g.instances.map((i) => {
                const targets = { ...i.targets };
                for (const [key, health] of byKey) {
                    const h = health[i.id];
                    if (h && own.includes(key))
                        targets[key] = h;
                }
                return { ...i, targets };
            })
        };
    });
    return { ...pair, groups };
}

;// CONCATENATED MODULE: ./src/domain/visible.ts
// Read-your-writes: AWS Auto Scaling and ELB reads are eventually consistent, so an observation made
// right after a write may still show the state before it. A plan made from such a read goes backwards
// (e.g. it sees the live group before cutover and idles the new group while the old instances drain).
// Each write the run made says what an observation must show once the write is visible.

/** Whether `pair` shows the effect of `step` (true for steps whose effect is not a simple read-back). */
function showsWrite(pair, step) {
    const group = (name) => pair.groups.find((g) => g.name === name);
    const lifecycle = (name, id) => group(name)?.instances.find((i) => i.id === id)?.lifecycle;
    switch (step.kind) {
        case 'tag': {
            const g = group(step.group);
            return !g || Object.entries(step.tags).every(([k, v]) => g.tags[k] === v);
        }
        case 'untag':
            return step.tags.every((t) => group(t.group)?.tags[t.key] === undefined);
        case 'set-capacity': {
            const c = group(step.group)?.capacity;
            return !c || (c.min === step.capacity.min && c.max === step.capacity.max);
        }
        case 'match-template':
            return (group(step.group)?.launchTemplate?.version ?? step.template.version) === step.template.version;
        case 'set-min':
            return (group(step.group)?.capacity.min ?? step.min) === step.min;
        case 'suspend':
            return step.processes.every((p) => group(step.group)?.suspendedProcesses.includes(p) ?? true);
        case 'resume':
            return step.processes.every((p) => !group(step.group)?.suspendedProcesses.includes(p));
        case 'enter-standby':
            return step.instanceIds.every((id) => {
                const l = lifecycle(step.group, id);
                return l === undefined || model/* STANDBY_STATES */.Ne.has(l) || model/* LEAVING_STATES */.E2.has(l);
            });
        case 'exit-standby':
            return step.instanceIds.every((id) => !model/* STANDBY_STATES */.Ne.has(lifecycle(step.group, id) ?? ''));
        case 'retire':
        case 'detach-dead':
            return step.instanceIds.every((id) => {
                const l = lifecycle(step.group, id);
                return l === undefined || model/* LEAVING_STATES */.E2.has(l);
            });
        case 'unprotect':
            return step.instanceIds.every((id) => !group(step.group)?.instances.find((i) => i.id === id)?.protectedFromScaleIn);
        case 'set-weights': {
            // A forward no longer read (its rule deleted meanwhile) shows nothing more to wait for.
            const f = pair.listeners?.forwards.find((x) => x.arn === step.forward.arn);
            return !f || step.weights.every((w) => f.targetGroups.find((t) => t.arn === w.arn)?.weight === w.weight);
        }
        case 'move-policy':
            return !group(step.from)?.policies.some((p) => p.name === step.policy.name);
        case 'move-scheduled-action':
            return !group(step.from)?.scheduledActions.some((a) => a.name === step.action.name);
        default:
            return true;
    }
}

;// CONCATENATED MODULE: ./src/run/unseen.ts

/** AWS reads may lag writes for a moment: observations wait (this long at most) until they show our writes. */
const READ_LAG_MAX_MS = 30_000;
const READ_LAG_CANCELLED_MS = 5_000;
/** What a light observation (observePair with `light`) does not read again (policies, scheduled actions, listeners). */
const NOT_IN_LIGHT_OBSERVATIONS = new Set(['move-policy', 'move-scheduled-action', 'set-weights']);
class UnseenWrites {
    clock;
    signal;
    /** Writes not yet seen in an observation, per pair (kept across drives: an abort follows a drive). */
    unseen = new Map();
    constructor(clock, signal) {
        this.clock = clock;
        this.signal = signal;
    }
    /** A write the run just made to the pair. */
    record(base, step) {
        this.unseen.set(base, [...(this.unseen.get(base) ?? []), { step, at: this.clock.now() }]);
    }
    /**
     * Whether this observation still misses writes the run made to the pair (reads lag writes). A light
     * observation (the waits' polls) carries policies and scheduled actions over from the round's snapshot,
     * so it cannot show their moves: those stay pending for the next full observation, and do not hold it.
     */
    stillUnseen(pair, light = false) {
        const now = this.clock.now();
        const pending = (this.unseen.get(pair.base) ?? []).filter((w) => !showsWrite(pair, w.step) && now - w.at < this.lagBudgetMs());
        this.unseen.set(pair.base, pending);
        return pending.some((w) => !(light && NOT_IN_LIGHT_OBSERVATIONS.has(w.step.kind)));
    }
    /** Whether the run made writes to the pair that no observation has shown yet (without judging them again). */
    anyUnseen(base) {
        return (this.unseen.get(base) ?? []).length > 0;
    }
    /** A cancelled job has seconds left before the runner kills it: wait less for reads to catch up. */
    lagBudgetMs() {
        return this.signal?.aborted ? READ_LAG_CANCELLED_MS : READ_LAG_MAX_MS;
    }
}

;// CONCATENATED MODULE: ./src/domain/activities.ts
/** Statuses an activity never leaves (DescribeScalingActivities StatusCode). */
const FINAL = new Set(['Successful', 'Failed', 'Cancelled']);
const INSTANCE_ID = /\bi-[0-9a-f]{8,17}\b/;
/**
 * The activities of one group since a wait began. A rollback that moves 200 instances out of Standby makes
 * 200 activities: paging back through all of them at every poll made the calls grow with the instances.
 * Now a poll reads the newest page, plus older ones only to learn how an unfinished activity ended whose
 * instance has left the group (a launch that failed after it started: the group description, read at every
 * look, shows that first). The wait still judges every activity it has seen since it began.
 */
class ActivityLog {
    before;
    seen = new Map();
    /** `before`: the ids of the activities the group had when the wait began. */
    constructor(before) {
        this.before = before;
    }
    /** `present`: the group's instances at its latest look. */
    bookmark(present) {
        const pending = new Set();
        for (const a of this.seen.values()) {
            if (FINAL.has(a.status))
                continue;
            const instance = INSTANCE_ID.exec(a.description)?.[0];
            if (instance === undefined || !present.has(instance))
                pending.add(a.id);
        }
        return { known: new Set([...this.before, ...this.seen.keys()]), pending };
    }
    /** Takes in one read; returns every activity of the wait so far, newest first, each with its latest status. */
    note(read) {
        for (const a of read)
            if (!this.before.has(a.id))
                this.seen.set(a.id, a);
        return [...this.seen.values()].sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    }
}

;// CONCATENATED MODULE: ./src/domain/cadence.ts
/** How long after the expected moment the wait keeps looking fast (health checks answer with jitter). */
const LATE_MS = 5_000;
class HealthCadence {
    o;
    /** When the wait first saw each instance registered but not yet healthy in some target group. */
    firstRegistered = new Map();
    waiting = new Set();
    constructor(o) {
        this.o = o;
    }
    /** Records what an observation of the waited group shows. */
    note(group, targetGroupArns, now) {
        this.waiting = new Set();
        for (const i of group.instances) {
            const states = targetGroupArns.map((arn) => i.targets[arn]?.state);
            if (states.every((s) => s === 'healthy'))
                continue;
            if (states.some((s) => s === 'initial' || s === 'healthy')) {
                this.waiting.add(i.id);
                if (!this.firstRegistered.has(i.id))
                    this.firstRegistered.set(i.id, now);
            }
        }
    }
    /** The delay until the next look. */
    nextDelayMs(now) {
        const fast = Math.min(this.o.fastMs(), this.o.pollMs);
        let untilWindow = Infinity;
        for (const id of this.waiting) {
            const expected = (this.firstRegistered.get(id) ?? now) + this.o.toHealthyMs;
            const opens = expected - this.o.pollMs;
            if (now >= opens && now <= expected + LATE_MS)
                return fast;
            if (opens > now)
                untilWindow = Math.min(untilWindow, opens - now);
        }
        return Math.max(fast, Math.min(this.o.pollMs, untilWindow));
    }
}

// EXTERNAL MODULE: ./src/domain/interruption.ts
var interruption = __webpack_require__(137);
;// CONCATENATED MODULE: ./src/run/interruptions.ts

/** Of these suspects, the ones EC2 says it took away itself, with why. */
async function takenAwayByAws(fleet, suspects) {
    if (suspects.length === 0)
        return [];
    const fates = await fleet.instanceFates(suspects);
    return suspects.flatMap((id) => {
        const why = (0,interruption/* takenByAws */.E)(fates[id]);
        return why ? [{ instanceId: id, why }] : [];
    });
}

;// CONCATENATED MODULE: ./src/run/poll.ts
/**
 * Every look of every wait lands on this grid of the clock (whole seconds): the waits of several pairs then
 * look at the same moments, and their group reads go out as one call (aws/coalesce.ts).
 */
const POLL_GRID_MS = 1_000;
/** The delay from `now` to the first grid point at least `delayMs` − half a grid step (and half the delay) away: the delay on average. */
function onGrid(now, delayMs) {
    const earliest = now + Math.max(delayMs / 2, delayMs - POLL_GRID_MS / 2);
    return Math.ceil(earliest / POLL_GRID_MS) * POLL_GRID_MS - now;
}
async function waitFor(check, opts) {
    const start = opts.clock.now();
    const deadline = start + opts.timeoutMs;
    let last;
    let polls = 0;
    for (;;) {
        if (opts.signal?.aborted)
            return { done: false, why: 'aborted', last, polls, elapsedMs: opts.clock.now() - start };
        const r = await check();
        polls++;
        last = r.value;
        const elapsedMs = opts.clock.now() - start;
        if (r.ready)
            return { done: true, value: r.value, polls, elapsedMs };
        if (r.hopeless)
            return { done: false, why: 'hopeless', detail: r.hopeless, last, polls, elapsedMs };
        const remaining = deadline - opts.clock.now();
        if (remaining <= 0)
            return { done: false, why: 'timeout', last, polls, elapsedMs };
        // A clock may reject an aborted sleep (as timers/promises does): the loop reports it as aborted.
        await opts.clock.sleep(Math.min(onGrid(opts.clock.now(), opts.nextIntervalMs?.() ?? opts.intervalMs), remaining), opts.signal).catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ./src/run/progress.ts


/** The longest a wait stays silent in the log while nothing changes. */
const PROGRESS_EVERY_MS = 30_000;
class Progress {
    log;
    clock;
    label;
    limitMs;
    last;
    lastAt = 0;
    startedAt;
    constructor(log, clock, 
    /** Who waits for what, e.g. `prod-web: prod-web-green healthy`. */
    label, limitMs) {
        this.log = log;
        this.clock = clock;
        this.label = label;
        this.limitMs = limitMs;
        this.startedAt = clock.now();
    }
    /** What the wait sees now; logged if it changed or the last line is PROGRESS_EVERY_MS old. */
    note(seen) {
        const now = this.clock.now();
        // Looks land on the poll grid, up to half a step early: the one due just short of 30 s logs.
        if (seen === this.last && now - this.lastAt < PROGRESS_EVERY_MS - POLL_GRID_MS)
            return;
        this.last = seen;
        this.lastAt = now;
        this.log.info(`${this.label}: ${seen}; ${(0,duration/* formatDuration */.a)(now - this.startedAt)} of ${(0,duration/* formatDuration */.a)(this.limitMs)}`);
    }
}

;// CONCATENATED MODULE: ./src/run/waits.ts












/** Entering Standby lasts the target groups' deregistration delay, at most 3600 s. */
const STANDBY_TIMEOUT_MS = 65 * 60_000;
/** Deregistration follows EnterStandby within moments: look again soon rather than at the poll interval. */
const DEREGISTER_POLL_MS = 1_000;
/** Health waits look this often, at most, when targets are about to turn healthy (see HealthCadence). */
const FAST_POLL_MS = 1_000;
/**
 * Fast looks of the whole run per second, at most. A fast look reads one target group's health (one ELB
 * DescribeTargetHealth per target group); the pairs' group reads of a moment are one shared call, and the
 * scaling activities wait for the poll interval. ELB refills its account bucket of Describe calls at 10 a
 * second (ELB user guide, "Request throttling for the Elastic Load Balancing API"): 8 leaves room for the rest.
 */
const FAST_OBSERVATIONS_PER_SECOND = 8;
/**
 * New weights apply a moment after the write ("Rule updates do not take effect immediately, so requests could
 * be routed using the previous rule configuration for a short time": ELB user guide, edit a listener rule):
 * stickiness counts from then.
 */
const WEIGHTS_APPLY_MS = 5_000;
class HealthWaitFailed extends errors/* ActionError */.lZ {
    constructor(message) {
        super(message);
        this.name = 'HealthWaitFailed';
    }
}
class Waits {
    o;
    /** When this run last saw traffic leave a pair's previous group (the drain started at most then). */
    trafficMovedAt = new Map();
    /** When this run last wrote a pair's weights (or first waited for its stickiness without having written them). */
    weightsMovedAt = new Map();
    /** Health waits in flight (one per pair being deployed or restored). */
    waits = 0;
    /** Per pair, the look that ended its last health wait (lastLook). */
    looks = new Map();
    constructor(o) {
        this.o = o;
    }
    /**
     * The look (groups and target health) that found the pair's last health wait done, once: the next round
     * completes it (observe.ts completeLook) instead of reading the groups and target health again.
     */
    lastLook(base) {
        const look = this.looks.get(base);
        this.looks.delete(base);
        return look;
    }
    weightsMoved(base) {
        this.weightsMovedAt.set(base, this.o.clock.now());
    }
    /**
     * Until this run's weight writes have applied, and the stickiness passed (a run that did not write them
     * counts from its first wait). A stickiness longer than the health timeout is not waited for: the step says
     * what that means.
     */
    async weightsApplied(pair, s) {
        const now = this.o.clock.now();
        const since = this.weightsMovedAt.get(pair.base) ?? now;
        this.weightsMovedAt.set(pair.base, since);
        const applied = since + WEIGHTS_APPLY_MS - now;
        const left = applied + (s.stickySeconds ?? 0) * 1000;
        if (left <= 0)
            return 'applied';
        if (left > this.o.healthTimeoutMs) {
            this.o.log.warning(`${pair.base}: target group stickiness keeps clients on ${s.group} for up to ${(0,duration/* formatDuration */.a)(left)} more, longer than health-timeout (${(0,duration/* formatDuration */.a)(this.o.healthTimeoutMs)}): ` +
                `it scales in once the weights apply, and those clients reach a target group without instances until their stickiness ends. Shorten the stickiness duration, or raise health-timeout, to avoid it.`);
            if (applied > 0)
                await this.o.clock.sleep(applied, this.o.signal);
            return `stickiness not waited for (${(0,duration/* formatDuration */.a)(left)} left, over health-timeout)`;
        }
        this.o.log.info(`${pair.base}: waiting ${(0,duration/* formatDuration */.a)(left)} for the new weights to apply${s.stickySeconds ? ' and sticky clients to leave' : ''} before ${s.group} scales in.`);
        await this.o.clock.sleep(left, this.o.signal);
        return `waited ${(0,duration/* formatDuration */.a)(left)}`;
    }
    async healthy(pair, s, guard) {
        // The snapshot this round began with was observed before this round's writes: its activities are old.
        const start = pair.groups.find((g) => g.name === s.group);
        const log = new ActivityLog(new Set(start?.activities.map((a) => a.id) ?? []));
        const tracker = new domain_health/* HealthTracker */.Je({
            knownActivities: log.before,
            bootTimeMs: this.o.bootTimeMs ?? (await this.autoBootTimeMs(start, s.targetGroupArns)),
            unhealthyPolls: domain_health/* UNHEALTHY_POLLS */.Mk,
            // A restore (rollback) never gives up early on an instance: only the timeout ends it.
            patient: s.purpose === 'restore'
        });
        const checks = await this.o.fleet.targetGroupHealthChecks(s.targetGroupArns);
        const cadence = new HealthCadence({
            pollMs: this.o.pollIntervalMs,
            toHealthyMs: Math.max(0, ...Object.values(checks).map((t) => t.healthyThreshold * t.intervalSeconds * 1000)),
            fastMs: () => this.fastPollMs()
        });
        const interrupted = [];
        const progress = new Progress(this.o.log, this.o.clock, `${pair.base}: ${s.group} healthy`, this.o.healthTimeoutMs);
        // Scaling activities (failed launches) are read at the poll interval, not at every fast look.
        let activities;
        let present = new Set(start?.instances.map((i) => i.id));
        this.waits++;
        const result = await waitFor(async () => {
            const due = !activities || this.o.clock.now() - activities.readAt >= this.o.pollIntervalMs;
            const readAt = this.o.clock.now();
            const now = await observePair(this.o.fleet, pair, due ? { activitiesOf: s.group, bookmark: log.bookmark(present) } : {});
            guard?.(now);
            const seen = now.groups.find((g) => g.name === s.group);
            if (!seen)
                throw new Error(`group ${s.group} left the pair`);
            present = new Set(seen.instances.map((i) => i.id));
            if (due || !activities)
                activities = { readAt, items: log.note(seen.activities) };
            const group = { ...seen, activities: activities.items };
            cadence.note(group, s.targetGroupArns, this.o.clock.now());
            const report = (0,domain_health/* assessHealth */.XH)(group, s.count, s.targetGroupArns, tracker.knownActivities);
            progress.note((0,domain_health/* describeProgress */.vk)(report));
            if (report.ready) {
                this.looks.set(pair.base, now);
                return { ready: true, value: report };
            }
            // A read that does not show our own last writes yet (e.g. the capacity just set) judges nothing.
            if (this.o.writes.stillUnseen(now, true))
                return { ready: false, value: report };
            // Someone lowered the group's capacity meanwhile: waiting cannot succeed, re-planning can.
            if (group.capacity.desired < s.count) {
                this.o.log.warning(`${s.group}: desired capacity changed to ${group.capacity.desired} while waiting for ${s.count}; re-planning.`);
                return { ready: true, value: report };
            }
            // An instance AWS took away (Spot interruption, retirement) is not the release's: wait for its replacement.
            for (const i of await takenAwayByAws(this.o.fleet, tracker.suspects(group, report, this.o.clock.now()))) {
                tracker.excuse(i.instanceId);
                interrupted.push(i);
                this.o.log.warning(`${s.group}: ${i.instanceId} was taken away by AWS (${i.why}); not counted against the release: waiting for Auto Scaling to replace it within health-timeout.`);
            }
            const hopeless = tracker.observe(group, report, this.o.clock.now());
            return hopeless ? { ready: false, value: report, hopeless } : { ready: false, value: report };
        }, {
            clock: this.o.clock,
            timeoutMs: this.o.healthTimeoutMs,
            intervalMs: this.o.pollIntervalMs,
            nextIntervalMs: () => cadence.nextDelayMs(this.o.clock.now()),
            signal: this.o.signal
        }).finally(() => this.waits--);
        if (result.done) {
            const r = result.value;
            const lost = interrupted.length > 0 ? `; AWS took away ${(0,interruption/* describeInterruptions */.Y)(interrupted)}, replaced` : '';
            return r.ready ? `${r.healthy}${r.unit === 'instance(s)' ? '' : ` ${r.unit}`} healthy after ${(0,duration/* formatDuration */.a)(result.elapsedMs)} (${result.polls} checks)${lost}` : `interrupted after ${(0,duration/* formatDuration */.a)(result.elapsedMs)}: capacity changed, re-planned`;
        }
        if (result.why === 'aborted')
            throw new errors/* Cancelled */.cJ(`waiting for ${s.group} to become healthy`);
        const r = result.last;
        const counts = r ? `${r.healthy} of ${r.wanted} ${r.unit} healthy` : 'no observation';
        const launches = r && r.failedActivities.length > 0 ? `; failed launches: ${(0,domain_health/* describeFailures */.ng)(r.failedActivities)}` : '';
        const why = result.why === 'timeout' ? `not healthy within health-timeout ${(0,duration/* formatDuration */.a)(this.o.healthTimeoutMs)}` : result.detail;
        const seen = r && r.notReady.length > 0 ? `; not ready: ${(0,domain_health/* describeNotReady */.gN)(r)}` : '';
        const lost = interrupted.length > 0 ? `; AWS took away ${(0,interruption/* describeInterruptions */.Y)(interrupted)} meanwhile (not counted against the release)` : '';
        throw new HealthWaitFailed(`${s.group}: ${why} (${counts} after ${(0,duration/* formatDuration */.a)(result.elapsedMs)})${seen}${launches}${lost}.`);
    }
    /**
     * Until traffic has left the group: right after EnterStandby, Auto Scaling deregisters each instance from
     * its target groups (a read may still show it healthy for a moment). The drain itself is not waited for.
     */
    async deregistering(pair, group, guard) {
        const progress = new Progress(this.o.log, this.o.clock, `${pair.base}: traffic leaving ${group}`, this.o.healthTimeoutMs);
        const result = await waitFor(async () => {
            const now = await observePair(this.o.fleet, pair, {});
            guard?.(now);
            const g = now.groups.find((x) => x.name === group);
            const waiting = g ? g.instances.filter((i) => (0,domain_phase/* stillTakesTraffic */.SM)(g, i)).length : 0;
            progress.note(`${waiting} instance(s) still registered or pending`);
            // A read that does not show our own last writes yet (the instances still InService) judges nothing.
            return waiting === 0 && !this.o.writes.stillUnseen(now, true) ? { ready: true, value: waiting } : { ready: false, value: waiting };
        }, { clock: this.o.clock, timeoutMs: this.o.healthTimeoutMs, intervalMs: DEREGISTER_POLL_MS, signal: this.o.signal });
        if (result.done) {
            this.trafficMovedAt.set(pair.base, this.o.clock.now());
            const took = (0,duration/* formatDuration */.a)(result.elapsedMs);
            // An ALB sends a deregistering target no new requests: traffic moved. An NLB may for a few minutes.
            if (!(await this.behindNetworkLoadBalancer(pair, group)))
                return `traffic moved after ${took}`;
            return `deregistered from the load balancer after ${took}; a Network Load Balancer may still send them new connections for a few minutes`;
        }
        if (result.why === 'aborted')
            throw new errors/* Cancelled */.cJ(`waiting for traffic to leave ${group}`);
        throw new errors/* ActionError */.lZ(`${group}: ${result.last} instance(s) still registered in a target group or pending after ${(0,duration/* formatDuration */.a)(result.elapsedMs)} (health-timeout); run mode: status to see them, then re-run deploy or run mode: rollback.`);
    }
    /** `first`: until one instance that was entering Standby when the wait began has reached it (or none is left). */
    async standby(pair, group, guard, first = false) {
        const entering = new Set(pair.groups.find((x) => x.name === group)?.instances.filter((i) => i.lifecycle === 'EnteringStandby').map((i) => i.id));
        const timeoutMs = Math.max(this.o.healthTimeoutMs, STANDBY_TIMEOUT_MS);
        const progress = new Progress(this.o.log, this.o.clock, `${pair.base}: ${group} settling in Standby`, timeoutMs);
        const result = await waitFor(async () => {
            const now = await observePair(this.o.fleet, pair, {});
            guard?.(now);
            const g = now.groups.find((x) => x.name === group);
            const moving = (g?.instances ?? []).filter((i) => i.lifecycle === 'EnteringStandby' || model/* PENDING_STATES */.Xy.has(i.lifecycle));
            const arrived = first && (g?.instances ?? []).some((i) => entering.has(i.id) && i.lifecycle === 'Standby');
            progress.note(`${moving.length} instance(s) still entering Standby (draining) or pending`);
            return moving.length === 0 || arrived ? { ready: true, value: moving.length } : { ready: false, value: moving.length };
        }, { clock: this.o.clock, timeoutMs, intervalMs: this.o.pollIntervalMs, signal: this.o.signal });
        if (result.done)
            return `settled after ${(0,duration/* formatDuration */.a)(result.elapsedMs)}`;
        if (result.why === 'aborted')
            throw new errors/* Cancelled */.cJ(`waiting for ${group} to finish entering Standby`);
        throw new errors/* ActionError */.lZ(`${group}: ${result.last} instance(s) still entering Standby or pending after ${(0,duration/* formatDuration */.a)(result.elapsedMs)}.`);
    }
    /**
     * The look-again delay when targets are about to turn healthy: 1 s for up to 8 pairs, longer when more
     * wait at once, so the run's fast looks stay near FAST_OBSERVATIONS_PER_SECOND.
     */
    fastPollMs() {
        return Math.max(FAST_POLL_MS, Math.max(1, this.waits) * (1000 / FAST_OBSERVATIONS_PER_SECOND));
    }
    /**
     * How long a booting app may legitimately fail its health checks: the group's health-check grace period
     * (at least 5 minutes), plus the time the slowest target group needs to see it healthy once it answers.
     */
    async autoBootTimeMs(group, targetGroupArns) {
        const settings = await this.o.fleet.targetGroupHealthChecks(targetGroupArns);
        const toHealthy = Math.max(0, ...Object.values(settings).map((t) => t.healthyThreshold * t.intervalSeconds * 1000));
        return Math.max((group?.healthCheckGracePeriodSeconds ?? 0) * 1000, domain_health/* MIN_BOOT_TIME_MS */.JM) + toHealthy;
    }
    /** Whether the group's target groups include an NLB's (DescribeTargetGroups, cached); unknown counts as one. */
    async behindNetworkLoadBalancer(pair, group) {
        const arns = pair.groups.find((g) => g.name === group)?.targetGroupArns ?? [];
        if (arns.length === 0)
            return false;
        try {
            const kinds = await this.o.fleet.targetGroupHealthChecks(arns);
            return arns.some((a) => kinds[a] === undefined || kinds[a]?.network === true);
        }
        catch {
            return true;
        }
    }
}

;// CONCATENATED MODULE: ./src/run/drive.ts









const MAX_ROUNDS = 40;
/** How often a settle looks again while a read lags the run's last writes. */
const READ_LAG_POLL_MS = 1_000;
/** How often a run re-observes and carries on after an AWS call failed (beyond the SDK's own retries). */
const RESUME_ATTEMPTS = 3;
const RESUME_DELAY_MS = 5_000;
class Executor {
    o;
    timeline = [];
    /**
     * A run of one pair folds its log per phase (start, each wait, cutover, finish, bake); the lines of several
     * pairs interleave, and the runner cannot fold those apart.
     */
    foldPhases = false;
    writes;
    waits;
    deregistration;
    openSection;
    /** Per pair, the phase its writes belong to: before any wait, after a health wait, after a drain. */
    writePhase = new Map();
    constructor(o) {
        this.o = o;
        this.writes = new UnseenWrites(o.clock, o.signal);
        this.waits = new Waits({ ...o, writes: this.writes });
        this.deregistration = new TargetDeregistration(o.fleet, o.log);
    }
    /** When this run last saw traffic leave a pair's previous group (the drain started at most then). */
    get trafficMovedAt() {
        return this.waits.trafficMovedAt;
    }
    /** The pair enters phase `name` (a bake, a return to the previous state): its next writes are logged under it. */
    phase(base, name) {
        this.writePhase.set(base, name);
        this.section(base, name);
    }
    /** Opens the log section `name` of the pair, when the run folds its log per phase. */
    section(base, name) {
        const full = `${base}: ${name}`;
        if (!this.foldPhases || full === this.openSection)
            return;
        this.openSection = full;
        this.o.log.section?.(full);
    }
    /** Closes the last section, so that the run's result lines stand outside every fold. */
    endSections() {
        if (this.openSection === undefined)
            return;
        this.openSection = undefined;
        this.o.log.section?.(undefined);
    }
    /** Observe → plan → act until the planner has nothing left; returns the final snapshot. */
    async drive(pair, planner, opts = {}) {
        let current = pair;
        let looked;
        for (let round = 0; round < MAX_ROUNDS; round++) {
            current = looked ? await this.completeCaughtUp(looked, opts.guard) : await this.observeCaughtUp(current, opts.guard);
            looked = undefined;
            const steps = planner((0,domain_phase/* classify */.L8)(current), current);
            if (steps.length === 0)
                return current;
            current = await this.withWaitedActivities(current, steps);
            const protection = new ProtectionReads(this.o.fleet, steps);
            const deregistering = [];
            try {
                for (let at = 0; at < steps.length;) {
                    const step = steps[at];
                    // Compensating writes after a cancel still run: they are what keeps the live group safe.
                    if (this.o.signal?.aborted && !opts.undo)
                        throw new errors/* Cancelled */.cJ((0,domain_steps/* describeStep */.Ey)(step));
                    const together = batchRun(steps, at);
                    await this.performAll(current, together, opts.guard, protection, deregistering);
                    at += together.length;
                    if ((0,domain_steps/* isWait */.Mh)(step)) {
                        if (step.kind === 'wait-healthy')
                            looked = this.waits.lastLook(pair.base);
                        break;
                    }
                }
            }
            finally {
                await Promise.all([protection.settled(), ...deregistering]);
            }
        }
        throw new errors/* ActionError */.lZ(`${pair.base}: the plan did not settle after ${MAX_ROUNDS} rounds; something keeps changing the groups (run mode: status to see what).`);
    }
    /** Drives, and after an AWS call that failed beyond the SDK's retries, observes again and carries on. */
    async driveResumably(pair, planner, guard) {
        for (let attempt = 1;; attempt++) {
            try {
                return await this.drive(pair, planner, { guard });
            }
            catch (err) {
                // Plans are made from observed state, so picking up after a failed call is always safe.
                if (!(err instanceof errors/* AwsCallFailed */.Zf) || attempt >= RESUME_ATTEMPTS)
                    throw err;
                this.o.log.warning(`${pair.base}: ${(0,errors/* errorMessage */.gJ)(err)}; observing again and carrying on (attempt ${attempt + 1} of ${RESUME_ATTEMPTS}).`);
                await this.o.clock.sleep(RESUME_DELAY_MS).catch(() => undefined);
            }
        }
    }
    /**
     * The end state of a drive: its last observation (made after its last writes, and showing them) unless
     * that does not show `reached`; then observes again, for a while (a read may lag the run's last writes).
     */
    async settle(driven, reached, guard) {
        const since = this.o.clock.now();
        let current = driven;
        while (!reached((0,domain_phase/* classify */.L8)(current)) && this.o.clock.now() - since < this.writes.lagBudgetMs()) {
            if (current !== driven)
                await this.o.clock.sleep(READ_LAG_POLL_MS).catch(() => undefined);
            current = await this.observeCaughtUp(current, guard);
        }
        return current;
    }
    /**
     * A health wait's last look, which found it done, made the round's snapshot: completed with the groups'
     * details (the groups and target health are not read again, ~0.3 s and one DescribeTargetHealth per target
     * group sooner at cutover). Observes afresh where it does not show every write of the run.
     */
    async completeCaughtUp(light, guard) {
        if (this.writes.stillUnseen(light, true))
            return this.observeCaughtUp(light, guard);
        const current = await completeLook(this.o.fleet, light);
        guard?.(current);
        return this.writes.stillUnseen(current) ? this.observeCaughtUp(current, guard) : current;
    }
    /**
     * Observes the pair until it shows every write this run made to it (AWS reads are eventually
     * consistent), for a bounded time: past it, someone else changed what we wrote, and the plan made
     * from this observation deals with it.
     */
    async observeCaughtUp(pair, guard) {
        for (;;) {
            // While a light look (groups and target health) misses the run's writes, a full one would too.
            if (this.writes.anyUnseen(pair.base)) {
                const light = await observePair(this.o.fleet, pair, {});
                guard?.(light);
                if (this.writes.stillUnseen(light, true)) {
                    await this.o.clock.sleep(READ_LAG_POLL_MS).catch(() => undefined);
                    continue;
                }
            }
            const current = await observePair(this.o.fleet, pair);
            guard?.(current);
            if (!this.writes.stillUnseen(current))
                return current;
            // Not the cancellation signal: a cancelled run still needs a true picture for its last writes.
            await this.o.clock.sleep(READ_LAG_POLL_MS).catch(() => undefined);
        }
    }
    /**
     * A health wait tells the launches this round's writes cause from those before by the scaling activities
     * known when the round began: read them now, before the writes, for each group the round waits on.
     */
    async withWaitedActivities(pair, steps) {
        const waited = new Set(steps.flatMap((s) => (s.kind === 'wait-healthy' ? [s.group] : [])));
        if (waited.size === 0)
            return pair;
        const groups = await Promise.all(pair.groups.map(async (g) => (waited.has(g.name) ? { ...g, activities: await this.o.fleet.activities(g.name) } : g)));
        return { ...pair, groups: groups };
    }
    /**
     * Steps of one batch run go out together; every one is recorded, and the first failure is thrown. The
     * instances of a run of EnterStandby batches that succeeded then leave their target groups in one call per
     * target group (TargetDeregistration, which never throws), while the round goes on: `deregistering` holds it.
     */
    async performAll(pair, steps, guard, protection, deregistering) {
        const settled = await Promise.allSettled(steps.map((step) => this.perform(pair, step, guard, protection)));
        const entered = steps.flatMap((s, n) => (s.kind === 'enter-standby' && settled[n]?.status === 'fulfilled' ? [s] : []));
        const first = entered[0];
        if (first) {
            const ids = entered.flatMap((s) => s.instanceIds);
            deregistering.push(this.deregistration.afterStandby(pair, first.group, ids).then((done) => {
                if (done)
                    this.o.log.info(`${pair.base}: ${ids.length} instance(s) of ${first.group} ${done}`);
            }));
        }
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed)
            throw failed.reason;
    }
    async perform(pair, step, guard, protection) {
        const startedAt = this.o.clock.now();
        const label = (0,domain_steps/* describeStep */.Ey)(step);
        this.section(pair.base, this.phaseOf(pair.base, step));
        this.o.log.info(`${pair.base}: ${label}`);
        try {
            const detail = await act(this.o.fleet, this.waits, pair, step, guard, protection);
            if (!(0,domain_steps/* isWait */.Mh)(step))
                this.writes.record(pair.base, step);
            this.timeline.push({ pair: pair.base, step: label, startedAt, durationMs: this.o.clock.now() - startedAt, outcome: 'done', ...(detail ? { detail } : {}) });
        }
        catch (err) {
            this.timeline.push({ pair: pair.base, step: label, startedAt, durationMs: this.o.clock.now() - startedAt, outcome: 'failed', detail: err.message });
            throw err;
        }
    }
    /** The log section a step belongs to: each wait its own, the writes named by the wait they follow. */
    phaseOf(base, step) {
        switch (step.kind) {
            case 'wait-healthy':
                this.writePhase.set(base, 'cutover');
                return `wait until ${step.group} is healthy`;
            case 'wait-deregistering':
            case 'wait-standby':
                this.writePhase.set(base, 'finish');
                return `wait for traffic to leave ${step.group}`;
            case 'wait-weights':
                this.writePhase.set(base, 'finish');
                return 'wait for the new weights to apply';
            default:
                return this.writePhase.get(base) ?? 'start';
        }
    }
}
/** Step kinds whose consecutive batches on one group are independent calls: they go out together. */
const CONCURRENT_BATCHES = new Set(['enter-standby', 'exit-standby', 'unprotect', 'detach-dead']);
/**
 * At most this many batch calls at once (10 × 20 instances: a group of 200 moves to Standby in one go; a
 * quarter of the Auto Scaling bucket assumed, and the SDK retries any throttling).
 */
const MAX_CONCURRENT_BATCHES = 10;
/** The steps from `at` that run together: a run of batches of one kind on one group, or the step alone. */
function batchRun(steps, at) {
    const first = steps[at];
    if (!CONCURRENT_BATCHES.has(first.kind))
        return [first];
    const group = (s) => ('group' in s ? s.group : undefined);
    const run = [first];
    for (let i = at + 1; i < steps.length && run.length < MAX_CONCURRENT_BATCHES; i++) {
        const s = steps[i];
        if (s.kind !== first.kind || group(s) !== group(first))
            break;
        run.push(s);
    }
    return run;
}

;// CONCATENATED MODULE: ./src/run/pair-locks.ts



/** How often a run reads back a lock it may have lost (release), and how long it reads its new lock back. */
const CONFIRM_EVERY_MS = 1_000;
/**
 * Confirming a new lock looks often: every write of the run (a rollback's weight write first of all) waits
 * for it, and a read stops lagging at any moment. The same few seconds of foreign reads mean lost.
 */
const CONFIRM_POLL_MS = 250;
const CONFIRM_FOREIGN_LOOKS = 5 * (CONFIRM_EVERY_MS / CONFIRM_POLL_MS);
const CONFIRM_WITHIN_MS = 15_000;
/** Reads (one a second) after which a value that is not ours is no longer taken for a lagging read. */
const LAG_LOOKS = 5;
/** A lock that looks held is read once more this much later before the run refuses. */
const HELD_RECHECK_MS = 5_000;
/** Another run took the pair: this run stops writing at once and does not try to undo anything. */
class LockLost extends errors/* ActionError */.lZ {
    base;
    holder;
    constructor(base, holder) {
        super(`${base}: another run took this pair's lock (${holder}); this run stopped writing at once. ` +
            'Let that run finish; if neither run finishes, run mode: rollback to restore the previous version.');
        this.base = base;
        this.holder = holder;
        this.name = 'LockLost';
    }
}
async function acquireLocks(pairs, me, deps, firstWriteTags = {}) {
    const { fleet, clock, log } = deps;
    const groups = pairs.map(lock/* lockGroup */.DZ);
    let decided = await decide(pairs, me, deps);
    if (decided.refusals.length > 0) {
        // The holder may have released its lock a moment ago and the read still shows it: look once more.
        await clock.sleep(HELD_RECHECK_MS).catch(() => undefined);
        decided = await decide(pairs, me, deps);
    }
    const { refusals, states } = decided;
    const none = { check: () => undefined, release: async () => { } };
    if (refusals.length > 0)
        return { refusals, ...none };
    // Each pair's lock (with its attempt record) lands in one call; Auto Scaling takes at most 25 tags a call,
    // so many pairs take several calls, and a failing call leaves the earlier ones' locks written.
    const write = (to, extra = {}) => fleet.tagAll(to.flatMap((group) => Object.entries({ [lock/* LOCK_TAG */.ft]: (0,lock/* encodeLock */.Kk)(me, clock.now()), ...extra }).map(([key, value]) => ({ group, key, value }))));
    // Another run's lock, or undefined when the value is ours, none, or the one seen before our write (a
    // read that still shows it lags our own write).
    const foreign = (s, value) => value === undefined || value === s.before || (0,lock/* isMine */.Gt)(value, me) ? undefined : ((0,lock/* decodeLock */.Cc)(value)?.run ?? value);
    // Release every lock that is not visibly another run's. Another run's lock is read again for a few
    // seconds: it may be an older value a lagging read still shows.
    const releaseMine = async () => {
        const ours = new Set();
        let undecided = [...states];
        for (let look = 0; look <= LAG_LOOKS && undecided.length > 0; look++) {
            if (look > 0)
                await clock.sleep(CONFIRM_EVERY_MS).catch(() => undefined);
            const seen = await fleet.describeGroups(undecided.map((s) => s.group));
            for (const s of undecided)
                if (!foreign(s, seen.find((g) => g.name === s.group)?.tags[lock/* LOCK_TAG */.ft]))
                    ours.add(s);
            undecided = undecided.filter((s) => !ours.has(s));
        }
        if (ours.size > 0)
            await fleet.untag([...ours].map((s) => ({ group: s.group, key: lock/* LOCK_TAG */.ft })));
    };
    try {
        await write(groups, firstWriteTags);
    }
    catch (err) {
        // All locks or none: give back the ones that landed (the failing call's too, if AWS applied it).
        const released = await releaseMine().then(() => 'The locks it had written were removed again', (e) => `Removing the locks it had written failed too (${(0,errors/* errorMessage */.gJ)(e)}); they are taken over ${(0,duration/* formatDuration */.a)(lock/* STALE_AFTER_MS */._k)} after this run`);
        throw new errors/* ActionError */.lZ(`Could not take the pair locks (${lock/* LOCK_TAG */.ft} on ${groups.join(', ')}): ${(0,errors/* errorMessage */.gJ)(err)}. ${released}, and nothing else was changed. ` +
            'Re-run the job; if the same call fails again, check the role may call autoscaling:CreateOrUpdateTags and autoscaling:DeleteTags on these groups.');
    }
    const lost = await pair_locks_confirm(states, me, fleet, clock);
    if (lost.length > 0) {
        await releaseMine();
        return {
            refusals: lost.map((s) => `${s.group}: another run took the lock at the same moment (${s.lostTo ?? 'unknown'}); this run backs off. Re-run it once that run is over.`),
            ...none
        };
    }
    const stop = new AbortController();
    const heartbeat = (async () => {
        while (!stop.signal.aborted) {
            await clock.sleep(lock/* HEARTBEAT_MS */.m, stop.signal).catch(() => undefined);
            if (stop.signal.aborted)
                break;
            try {
                // Never overwrite another run's lock: read first, renew only what is still ours.
                const seen = await fleet.describeGroups(groups);
                for (const s of states) {
                    const other = foreign(s, seen.find((g) => g.name === s.group)?.tags[lock/* LOCK_TAG */.ft]);
                    if (other && !s.lostTo)
                        s.lostTo = other;
                }
                const renew = states.filter((s) => !s.lostTo).map((s) => s.group);
                if (renew.length > 0)
                    await write(renew);
            }
            catch (err) {
                log.warning(`Could not renew the pair lock: ${(0,errors/* errorMessage */.gJ)(err)}`);
            }
        }
    })();
    return {
        refusals: [],
        check: (pair) => {
            const s = states.find((x) => x.pair.base === pair.base);
            if (!s)
                return;
            const other = s.lostTo ?? foreign(s, pair.groups.find((g) => g.name === s.group)?.tags[lock/* LOCK_TAG */.ft]);
            if (other) {
                s.lostTo = other;
                throw new LockLost(pair.base, other);
            }
        },
        release: async () => {
            stop.abort();
            await heartbeat;
            await releaseMine().catch((err) => log.warning(`Could not release the pair lock (${lock/* LOCK_TAG */.ft}); the next run takes it over: ${(0,errors/* errorMessage */.gJ)(err)}`));
        }
    };
}
/** The lock verdict of every pair, from a fresh read (not from the snapshot discovery took before pre-flight). */
async function decide(pairs, me, deps) {
    const { fleet, clock, log } = deps;
    const refusals = [];
    const fresh = await fleet.describeGroups(pairs.map(lock/* lockGroup */.DZ));
    const states = [];
    for (const pair of pairs) {
        const now = fresh.find((g) => g.name === (0,lock/* lockGroup */.DZ)(pair));
        const tags = now?.tags ?? pair.groups[0].tags;
        const current = { ...pair, groups: [{ ...pair.groups[0], tags }, pair.groups[1]] };
        const v = (0,lock/* lockVerdict */.Z9)(current, me, clock.now());
        states.push({ pair, group: (0,lock/* lockGroup */.DZ)(pair), before: tags[lock/* LOCK_TAG */.ft] });
        if (v.kind === 'held' && (await deps.isRunOver?.(v.holder.run))) {
            log.warning(`${pair.base}: taking over the lock of ${v.holder.run}: GitHub reports that run completed.`);
            continue;
        }
        if (v.kind === 'held')
            refusals.push((0,lock/* heldRefusal */.oy)(pair.base, v));
        if (v.kind === 'stale') {
            log.warning(`${pair.base}: taking over the lock of ${v.holder.run}, whose last heartbeat was ${(0,duration/* formatDuration */.a)(v.ageMs)} ago (the run is over).`);
        }
    }
    return { refusals, states };
}
/** Reads the locks back until each shows ours or another run's; a read that still lags is read again. */
async function pair_locks_confirm(states, me, fleet, clock) {
    const pending = new Set(states);
    const deadline = clock.now() + CONFIRM_WITHIN_MS;
    const lost = [];
    const foreignReads = new Map();
    while (pending.size > 0) {
        await clock.sleep(CONFIRM_POLL_MS);
        const seen = await fleet.describeGroups([...pending].map((s) => s.group));
        for (const s of [...pending]) {
            const value = seen.find((g) => g.name === s.group)?.tags[lock/* LOCK_TAG */.ft];
            if ((0,lock/* isMine */.Gt)(value, me))
                pending.delete(s);
            else if (value !== s.before) {
                // Another run's lock: ours may land over it still (a lagging read shows an older value), so it
                // counts as lost only once it has been seen for a few reads in a row.
                const seenFor = (foreignReads.get(s) ?? 0) + 1;
                foreignReads.set(s, seenFor);
                if (seenFor > CONFIRM_FOREIGN_LOOKS) {
                    s.lostTo = (0,lock/* decodeLock */.Cc)(value)?.run ?? 'a run that removed the lock';
                    lost.push(s);
                    pending.delete(s);
                }
            }
            else
                foreignReads.delete(s);
        }
        if (clock.now() >= deadline) {
            for (const s of pending) {
                s.lostTo = `unconfirmed: AWS did not show this run's lock within ${(0,duration/* formatDuration */.a)(CONFIRM_WITHIN_MS)}`;
                lost.push(s);
            }
            break;
        }
    }
    return lost;
}
/**
 * Pairs this run has nothing to do for, yet whose lock is its own: an earlier attempt of the same run (a job
 * re-run) stopped after its last write and before giving the lock back. Given back now, so that the pair
 * ends as an uninterrupted run leaves it (a read that still shows a lock this run just released deletes it
 * once more: harmless). Another run's lock is never touched here.
 */
async function releaseLeftOverLocks(pairs, me, fleet, log) {
    const left = pairs.filter((p) => (0,lock/* holdsLock */.ub)(p, me));
    if (left.length === 0)
        return;
    await fleet.untag(left.map((p) => ({ group: (0,lock/* lockGroup */.DZ)(p), key: lock/* LOCK_TAG */.ft })));
    for (const p of left)
        log.info(`${p.base}: gave back this run's lock, left on ${(0,lock/* lockGroup */.DZ)(p)} by an earlier attempt that stopped before its end.`);
}

;// CONCATENATED MODULE: ./src/run/guard.ts




/**
 * Its own lock, and, for a deploy, its own version on the group being deployed, driven by this run (SPEC
 * invariant 7). A run never carries on a deployment it did not start or take over under its lock.
 */
function guardFor(config, start, locks) {
    // Values seen before this run took over: a read that still shows them lags our own writes.
    const before = new Set(start.groups.map((g) => g.tags[markers/* DEPLOY_RUN_TAG */.PI]));
    return (pair) => {
        locks.check(pair);
        if (!modes/* MODE_RULES */.k[config.mode].deployLike)
            return;
        const phase = (0,domain_phase/* classify */.L8)(pair);
        const next = phase.kind === 'deploying' || phase.kind === 'cut-over' ? phase.next : undefined;
        if (!next)
            return;
        const version = next.tags[config.versionTagKey];
        const run = next.tags[markers/* DEPLOY_RUN_TAG */.PI];
        if (version !== config.version) {
            throw new LockLost(pair.base, `a deployment of ${version ?? '(no version)'} to ${next.name}, not ${config.version}`);
        }
        if (run !== undefined && run !== config.runUrl && !before.has(run))
            throw new LockLost(pair.base, run);
    };
}

;// CONCATENATED MODULE: ./src/domain/pair-state.ts
/** The state a pair is in, as `status` reports it. */
function stateOf(phase) {
    switch (phase.kind) {
        case 'at-rest':
            return 'at-rest';
        case 'deploying':
            return phase.canary !== undefined ? 'canary' : 'deploying';
        case 'cut-over':
            return phase.complete ? 'awaiting-finalize' : 'cutover-incomplete';
        default:
            return 'unknown';
    }
}

;// CONCATENATED MODULE: ./src/config/types.ts
const NO_BAKE = { timeMs: 0, alarmNames: [], allowAlarmAtStart: false, failOnInsufficientData: false };

;// CONCATENATED MODULE: ./src/domain/bake.ts
// The bake's decisions, pure: which alarms refuse a deploy before it starts, which alarm state or
// target health during the bake rolls the release back, and what the bake saw, alarm by alarm.


/**
 * Before a deploy or canary starts: every named alarm must exist, and none may be in ALARM (deploying into
 * an incident hides whether the release makes it worse), unless `allowAlarmAtStart`.
 */
function alarmPreflight(names, found, allowAlarmAtStart, now) {
    const known = new Set(found.map((a) => a.name));
    const unknown = names.filter((n) => !known.has(n));
    const firing = allowAlarmAtStart ? [] : found.filter((a) => a.state === 'ALARM');
    return {
        unknown,
        refusals: firing.map((a) => `alarm ${a.name} is in ALARM (${ago(now - a.since)}: ${a.reason || 'no reason given'}): a deploy now would start into an incident and its bake could not tell the release from it. ` +
            'Wait until the alarm is OK, or set allow-alarm-at-start: true to deploy anyway (the bake then rolls back at once while it stays in ALARM).')
    };
}
function ago(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    return s < 120 ? `for ${s}s` : s < 7200 ? `for ${Math.round(s / 60)}m` : `for ${Math.round(s / 3600)}h`;
}
/**
 * The alarm that ends the bake, if any: ALARM always, INSUFFICIENT_DATA only when asked to. Alarms in
 * `excused` (already in ALARM before the run, allowed by allow-alarm-at-start) do not count until they
 * leave ALARM: from then on they count like the others (the caller drops them from the set).
 */
function trippedAlarm(alarms, failOnInsufficientData, excused = new Set()) {
    const watched = alarms.filter((a) => !excused.has(a.name));
    return watched.find((a) => a.state === 'ALARM') ?? (failOnInsufficientData ? watched.find((a) => a.state === 'INSUFFICIENT_DATA') : undefined);
}
function describeAlarmTrip(a) {
    return `alarm ${a.name} is in ${a.state}: ${a.reason || 'no reason given'}`;
}
/** Appends what is new in this reading to each alarm's history (a new state, or a new reason). */
function recordAlarms(history, alarms, now) {
    for (const a of alarms) {
        const seen = (history[a.name] ??= []);
        const last = seen[seen.length - 1];
        if (!last || last.state !== a.state || last.since !== a.since)
            seen.push({ state: a.state, since: a.since, reason: a.reason, seenAt: now });
    }
}
/**
 * The bake's watch on the new group's targets, with the health wait's streak rule: a target `unhealthy` in
 * some target group this many polls in a row (UNHEALTHY_POLLS) will not recover by itself. Instances that
 * served when the bake began count at once; one launched during the bake (scale-out) is first given
 * `bootTimeMs`, like any booting instance. An instance Auto Scaling took away while it was unhealthy
 * (replaced after failed health checks) ends the bake too.
 */
class TargetWatch {
    bootTimeMs;
    polls;
    firstSeen = new Map();
    streak = new Map();
    wasUnhealthy = new Map();
    /** Taken away by AWS (excuse): never blamed. */
    excused = new Set();
    constructor(start, startedAt, bootTimeMs, polls = domain_health/* UNHEALTHY_POLLS */.Mk) {
        this.bootTimeMs = bootTimeMs;
        this.polls = polls;
        for (const i of (0,model/* activeInstances */.rX)(start))
            this.firstSeen.set(i.id, startedAt - bootTimeMs);
    }
    /**
     * The instances this check would blame (taken out after failing, or unhealthy too long), without recording
     * the check: the caller asks EC2 whether AWS took them away and excuses those first.
     */
    suspects(group, report, now) {
        const streak = (id) => (this.streak.get(id) ?? 0) + 1;
        return [...new Set([...this.replacedIds(group).map(([id]) => id), ...this.stuckIds(report, now, streak)])];
    }
    /** AWS took this instance away (a Spot interruption, a retirement): never counted against the release. */
    excuse(id) {
        this.excused.add(id);
        this.streak.delete(id);
        this.wasUnhealthy.delete(id);
    }
    /** Returns why the bake fails, or undefined while the targets hold. */
    observe(group, report, now) {
        const active = new Set((0,model/* activeInstances */.rX)(group).map((i) => i.id));
        const replaced = this.replacedIds(group);
        if (replaced.length > 0) {
            return `Auto Scaling took ${replaced.map(([id, why]) => `${id} (${why})`).join(', ')} out of ${group.name} after failed health checks`;
        }
        const unhealthy = report.unhealthy.filter((id) => !this.excused.has(id));
        for (const id of active)
            if (!this.firstSeen.has(id))
                this.firstSeen.set(id, now);
        for (const id of [...this.streak.keys()])
            if (!unhealthy.includes(id))
                this.streak.delete(id);
        for (const id of unhealthy)
            this.streak.set(id, (this.streak.get(id) ?? 0) + 1);
        this.wasUnhealthy.clear();
        for (const n of report.notReady) {
            if (unhealthy.includes(n.instanceId))
                this.wasUnhealthy.set(n.instanceId, n.targets.map((t) => `${t.state}${t.reason ? ` ${t.reason}` : ''}`).join('; '));
        }
        const stuck = this.stuckIds({ ...report, unhealthy }, now, (id) => this.streak.get(id) ?? 0);
        if (stuck.length === 0)
            return undefined;
        const shown = { ...report, notReady: report.notReady.filter((n) => stuck.includes(n.instanceId)) };
        return `${stuck.length} target(s) of ${group.name} unhealthy ${this.polls} checks in a row: ${(0,domain_health/* describeNotReady */.gN)(shown)}`;
    }
    /** Unhealthy at the last check, now leaving the group or gone from it. */
    replacedIds(group) {
        const leaving = new Set(group.instances.filter((i) => model/* LEAVING_STATES */.E2.has(i.lifecycle)).map((i) => i.id));
        return [...this.wasUnhealthy.entries()].filter(([id]) => !this.excused.has(id) && (leaving.has(id) || !group.instances.some((i) => i.id === id)));
    }
    /** Unhealthy `streak` checks in a row, and past the boot time. */
    stuckIds(report, now, streak) {
        return report.unhealthy.filter((id) => !this.excused.has(id) && streak(id) >= this.polls && now - (this.firstSeen.get(id) ?? now) >= this.bootTimeMs);
    }
}

;// CONCATENATED MODULE: ./src/run/bake-watch.ts








/** Reads in a row that may fail (AWS errors beyond the SDK's retries) before the bake gives up watching. */
const READ_FAILURES = 3;
/** Watches `group` of `pair` and the alarms for `cfg.timeMs`; returns at the first trip, at the end, or when cancelled. */
async function watchBake(pair, group, cfg, deps) {
    const { fleet, clock, log } = deps;
    const start = clock.now();
    const report = { result: 'passed', plannedMs: cfg.timeMs, watchedMs: 0, alarmNames: cfg.alarmNames, group, alarms: {} };
    const startGroup = pair.groups.find((g) => g.name === group);
    if (!startGroup)
        throw new errors/* ActionError */.lZ(`${pair.base}: ${group} is not part of the pair`);
    const targets = new TargetWatch(startGroup, start, deps.bootTimeMs);
    const what = `${cfg.alarmNames.length > 0 ? `alarm(s) ${cfg.alarmNames.join(', ')} and ` : ''}the target health of ${group}`;
    log.info(`${pair.base}: baking for ${(0,duration/* formatDuration */.a)(cfg.timeMs)}: watching ${what} every ${(0,duration/* formatDuration */.a)(deps.pollIntervalMs)}.`);
    const progress = new Progress(log, clock, `${pair.base}: bake`, cfg.timeMs);
    let last = pair;
    let failures = 0;
    let excused;
    for (;;) {
        const now = clock.now();
        report.watchedMs = now - start;
        try {
            if (cfg.alarmNames.length > 0) {
                const alarms = await fleet.alarms(cfg.alarmNames);
                recordAlarms(report.alarms, alarms, now);
                const before = deps.excuseAlarmsBefore;
                excused ??= new Set(before === undefined ? [] : alarms.filter((a) => a.state === 'ALARM' && a.since < before).map((a) => a.name));
                for (const a of alarms)
                    if (a.state !== 'ALARM' && excused.delete(a.name))
                        log.info(`${pair.base}: alarm ${a.name} left ALARM (${a.state}); the bake watches it from now on.`);
                if (excused.size > 0 && report.watchedMs === 0)
                    log.info(`${pair.base}: alarm(s) ${[...excused].join(', ')} were in ALARM before the run (allow-alarm-at-start); they count once they leave ALARM.`);
                const tripped = trippedAlarm(alarms, cfg.failOnInsufficientData, excused);
                if (tripped)
                    return { report: { ...report, reason: describeAlarmTrip(tripped) }, trip: describeAlarmTrip(tripped), last };
                const gone = cfg.alarmNames.filter((n) => !alarms.some((a) => a.name === n));
                if (gone.length > 0)
                    log.warning(`${pair.base}: alarm(s) ${gone.join(', ')} no longer exist; the bake watches the others.`);
            }
            last = await observePair(fleet, last, {});
            deps.guard(last);
            const g = last.groups.find((x) => x.name === group);
            if (!g)
                throw new errors/* ActionError */.lZ(`${group} left the pair during the bake`);
            const health = (0,domain_health/* assessHealth */.XH)(g, 0, (0,classic/* trafficKeys */.AU)(g));
            // An instance AWS took away (Spot interruption, retirement) is not the release's: Auto Scaling replaces it.
            for (const i of await takenAwayByAws(fleet, targets.suspects(g, health, clock.now()))) {
                targets.excuse(i.instanceId);
                (report.interruptions ??= []).push(i);
                log.warning(`${pair.base}: ${i.instanceId} was taken away by AWS during the bake (${i.why}); not counted against the release: the bake goes on while Auto Scaling replaces it.`);
            }
            const why = targets.observe(g, health, clock.now());
            if (why)
                return { report: { ...report, reason: why }, trip: why, last };
            failures = 0;
            progress.note(`${cfg.alarmNames.length > 0 ? 'no alarm tripped, ' : ''}${(0,domain_health/* describeProgress */.vk)(health)}`);
        }
        catch (err) {
            if (!(err instanceof errors/* AwsCallFailed */.Zf) || ++failures >= READ_FAILURES)
                throw err;
            log.warning(`${pair.base}: the bake could not read AWS (${(0,errors/* errorMessage */.gJ)(err)}); trying again at the next check.`);
        }
        const remaining = cfg.timeMs - (clock.now() - start);
        if (remaining <= 0)
            break;
        if (deps.signal?.aborted)
            return { report: { ...report, result: 'interrupted', reason: 'the job was cancelled during the bake' }, last };
        await clock.sleep(Math.min(deps.pollIntervalMs, remaining), deps.signal).catch(() => undefined);
        if (deps.signal?.aborted) {
            report.watchedMs = clock.now() - start;
            return { report: { ...report, result: 'interrupted', reason: 'the job was cancelled during the bake' }, last };
        }
    }
    report.watchedMs = clock.now() - start;
    log.info(`${pair.base}: the bake passed: ${what} held for ${(0,duration/* formatDuration */.a)(report.watchedMs)}.`);
    return { report, last };
}

;// CONCATENATED MODULE: ./src/run/mode-options.ts
function modeOptionsOf(config) {
    return {
        version: config.version,
        versionTagKey: config.versionTagKey,
        run: config.runUrl,
        releaseTag: config.releaseTag,
        canaryCount: config.canaryCount ?? 1,
        // Deploy by image: known once the image is resolved (before pre-flight).
        ...(config.image?.id ? { image: { id: config.image.id, ready: config.image.ready ?? [] } } : {})
    };
}

;// CONCATENATED MODULE: ./src/run/bake-verdict.ts









/**
 * The bake: the run keeps the pair (and its lock, renewed by the heartbeat) and watches the alarms and the
 * new group's targets, then keeps or rolls back the release.
 */
async function bakeAndJudge(config, executor, o, deps) {
    const phase = (0,domain_phase/* classify */.L8)(o.after);
    const next = phase.kind === 'cut-over' || phase.kind === 'deploying' ? phase.next : undefined;
    if (!next)
        return o;
    const startedAt = deps.clock.now();
    const bake = config.bake ?? NO_BAKE;
    // Only the deploy-like modes bake: a canary or a deploy.
    const what = config.mode === 'canary' ? `canary of ${config.version}` : `deploy of ${config.version}`;
    executor.phase(o.base, `bake for ${(0,duration/* formatDuration */.a)(bake.timeMs)}`);
    const watched = await watchBake(o.after, next.name, bake, {
        fleet: deps.fleet,
        clock: deps.clock,
        log: deps.log,
        signal: deps.signal,
        guard: deps.guard,
        pollIntervalMs: config.pollIntervalMs,
        bootTimeMs: config.bootTimeMs ?? domain_health/* MIN_BOOT_TIME_MS */.JM,
        ...(bake.allowAlarmAtStart ? { excuseAlarmsBefore: deps.runStartedAt } : {})
    });
    const { report } = watched;
    executor.timeline.push({
        pair: o.base,
        step: `bake: watch ${bake.alarmNames.length > 0 ? `alarm(s) ${bake.alarmNames.join(', ')} and ` : ''}the target health of ${next.name} for ${(0,duration/* formatDuration */.a)(bake.timeMs)}`,
        startedAt,
        durationMs: deps.clock.now() - startedAt,
        outcome: watched.trip || report.result === 'interrupted' ? 'failed' : 'done',
        detail: watched.trip ?? (report.result === 'interrupted' ? report.reason : 'quiet: nothing tripped')
    });
    if (report.result === 'interrupted') {
        return {
            ...o,
            after: watched.last,
            bake: report,
            error: `The ${what} on ${o.base} was not baked to the end (${report.reason} after ${(0,duration/* formatDuration */.a)(report.watchedMs)} of ${(0,duration/* formatDuration */.a)(report.plannedMs)}). It still serves: re-run the job to bake it again, or run mode: rollback.`
        };
    }
    if (!watched.trip)
        return { ...o, after: watched.last, bake: report };
    const trip = watched.trip;
    // The outcome's error is the one annotation of the trip; this line only marks it in the log.
    executor.phase(o.base, 'automatic rollback');
    deps.log.info(`${o.base}: the bake of ${config.version} tripped after ${(0,duration/* formatDuration */.a)(report.watchedMs)}: ${trip}. Rolling back.`);
    const restoring = phase.kind === 'cut-over' ? phase.previous.name : phase.kind === 'deploying' ? phase.live.name : '';
    const back = (p) => p.kind === 'at-rest' && p.live.name === restoring;
    try {
        const rolled = await executor.driveResumably(watched.last, (ph, pair) => modes/* MODE_RULES */.k.rollback.plan(ph, pair, modeOptionsOf(config)), deps.guard);
        const after = await executor.settle(rolled, back, deps.guard);
        const now = (0,domain_phase/* classify */.L8)(after);
        if (!back(now))
            throw new errors/* ActionError */.lZ(`the rollback finished its plan but the pair is ${stateOf(now)}`);
        const restored = now.kind === 'at-rest' ? `${now.live.name} serves ${now.live.tags[config.versionTagKey] ?? '(untagged)'} again; ${now.idle.name} is idle` : '';
        return {
            ...o,
            state: 'rolled-back',
            after,
            bake: { ...report, result: 'rolled-back' },
            error: `The ${what} on ${o.base} was rolled back automatically: ${restored}. Why: it failed its bake after ${(0,duration/* formatDuration */.a)(report.watchedMs)}: ${trip}.`
        };
    }
    catch (err) {
        return {
            ...o,
            state: 'failed',
            after: o.after,
            bake: { ...report, result: 'failed' },
            error: `The ${what} on ${o.base} still serves: its automatic rollback did not finish (${(0,errors/* errorMessage */.gJ)(err)}). Run mode: rollback to restore the previous version (it resumes from the current state). Why: it failed its bake after ${(0,duration/* formatDuration */.a)(report.watchedMs)}: ${trip}.`
        };
    }
}

;// CONCATENATED MODULE: ./src/run/pair.ts








async function runPair(config, executor, o, deps) {
    const rules = modes/* MODE_RULES */.k[config.mode];
    const options = modeOptionsOf(config);
    const planner = (phase, pair) => {
        if (rules.refusesRefreshMidRun)
            assertNoRefresh(phase);
        return rules.plan(phase, pair, options);
    };
    try {
        const serving = rules.servingAtEnd((0,domain_phase/* classify */.L8)(o.before));
        const done = (p) => rules.arrived(p, options, serving);
        // Verify the end state with a fresh observation before calling it done (reads may lag our last writes).
        const after = await executor.settle(await executor.driveResumably(o.before, planner, deps.guard), done, deps.guard);
        const phase = (0,domain_phase/* classify */.L8)(after);
        if (!done(phase)) {
            const now = phase.kind === 'at-rest' ? `at rest with ${phase.live.name} serving${serving ? `, not ${serving}` : ''}` : stateOf(phase);
            throw new errors/* ActionError */.lZ(`${o.base}: the ${config.mode} finished its plan but the pair is ${now}${phase.kind === 'unknown' ? ` (${phase.reason})` : ''}; something else (another run?) changed the groups meanwhile. Run mode: status to see where it stands.`);
        }
        const drain = rules.reportsDrainEnd ? await drainEnd(executor, deps, o.base, phase) : undefined;
        const arrived = { ...o, state: rules.doneState, after, ...drain };
        return rules.deployLike && (config.bake?.timeMs ?? 0) > 0 ? await bakeAndJudge(config, executor, arrived, deps) : arrived;
    }
    catch (err) {
        const reason = (0,errors/* errorMessage */.gJ)(err);
        // Another run drives the pair now: undoing anything would fight it.
        if (!rules.deployLike || err instanceof LockLost)
            return { ...o, state: 'failed', error: `${config.mode} of ${o.base} failed: ${reason}` };
        return abortDeploy(config, executor, o, reason, { log: deps.log, guard: deps.guard }, err instanceof errors/* Cancelled */.cJ);
    }
}
/** A deploy never cuts over while an instance refresh replaces the serving group's instances. */
function assertNoRefresh(phase) {
    const serving = phase.kind === 'deploying' ? phase.live : phase.kind === 'cut-over' && !phase.complete ? phase.previous : undefined;
    if (serving?.activeInstanceRefresh) {
        throw new errors/* ActionError */.lZ(`${serving.name}: instance refresh ${serving.activeInstanceRefresh} started during the deploy; cutting over now would fight it.`);
    }
}
/**
 * The deploy ends when traffic has moved; the old instances drain on for the target groups' deregistration
 * delay. When that ends, at the latest: finalize and rollback wait for it.
 */
async function drainEnd(executor, deps, base, phase) {
    if (phase.kind !== 'cut-over' || phase.draining.length === 0)
        return undefined;
    // A Classic LB's connection-draining timeout is not read (it would need DescribeLoadBalancerAttributes):
    // no drain end rather than one that ignores the Classic LBs.
    if (phase.previous.loadBalancerNames.length > 0)
        return undefined;
    const movedAt = executor.trafficMovedAt.get(base) ?? deps.clock.now();
    try {
        const arns = phase.previous.targetGroupArns;
        const [delays, kinds] = await Promise.all([deps.fleet.deregistrationDelays(arns), deps.fleet.targetGroupHealthChecks(arns)]);
        const drainEndsAt = movedAt + Math.max(0, ...Object.values(delays).map((d) => d.delaySeconds)) * 1000;
        // An NLB's target group (DescribeTargetGroups: Protocol TCP/TLS/UDP...) is not drained as an ALB's is.
        const network = arns.filter((a) => kinds[a]?.network === true);
        if (network.length === 0)
            return { drainEndsAt };
        return { drainEndsAt, networkDrain: { connectionTermination: network.every((a) => delays[a]?.connectionTermination === true) } };
    }
    catch (err) {
        deps.log.warning(`Could not read the deregistration delay of ${phase.previous.name}'s target groups (${(0,errors/* errorMessage */.gJ)(err)}); the drain end is not reported.`);
        return undefined;
    }
}
/** Invariant 5: a deploy that cannot finish leaves the live group as it was and the new group idle. */
async function abortDeploy(config, executor, o, reason, deps, cancelled) {
    const log = deps.log;
    // Only the deploy-like modes abort: 'Deploy' or 'Canary'.
    const Deploy = config.mode === 'canary' ? 'Canary' : 'Deploy';
    // The outcome's error is the failure's one annotation; this line only marks the turn in the log.
    executor.phase(o.base, 'return to the previous state');
    log.info(`${o.base}: ${Deploy.toLowerCase()} of ${config.version} cannot finish (${reason}); returning the pair to its previous state.`);
    try {
        // A cancelled job has seconds left: undo only what needs no wait (before cutover); after cutover,
        // leave a state that rollback or a re-run of deploy completes.
        const rollback = (phase, pair) => modes/* MODE_RULES */.k.rollback.plan(phase, pair, modeOptionsOf(config));
        // Cancelled: no waiting either (the new instances still deregister on their own after the job is gone).
        const undo = (phase, pair) => !cancelled ? rollback(phase, pair) : phase.kind === 'deploying' ? rollback(phase, pair).filter((s) => !(0,domain_steps/* isWait */.Mh)(s)) : [];
        const after = await executor.drive(o.before, undo, { undo: true, guard: deps.guard });
        const phase = (0,domain_phase/* classify */.L8)(after);
        if (phase.kind === 'at-rest') {
            const restored = `${phase.live.name} still serves ${phase.live.tags[config.versionTagKey] ?? '(untagged)'}; ${phase.idle.name} was returned to idle`;
            return { ...o, state: 'aborted', after, error: `${Deploy} of ${config.version} to ${o.base} aborted: ${restored}. Why: ${reason} Fix the release and re-run deploy.` };
        }
        return {
            ...o,
            state: 'failed',
            after,
            error: `${Deploy} of ${config.version} to ${o.base} stopped after cutover had begun: the pair was left for mode: rollback (restores the previous version) or a re-run of deploy. Why: ${reason}`
        };
    }
    catch (undoErr) {
        return {
            ...o,
            state: 'failed',
            error: `${Deploy} of ${config.version} to ${o.base} failed, and returning to the previous state failed too (${(0,errors/* errorMessage */.gJ)(undoErr)}): ` +
                `run mode: rollback to restore the previous version (it resumes from the current state). Why: ${reason}`
        };
    }
}

// EXTERNAL MODULE: ./src/config/inputs.ts
var inputs = __webpack_require__(4389);
;// CONCATENATED MODULE: ./src/domain/image-overrides.ts
function what(o, n) {
    return o.instanceType ?? `the instance requirements of override ${n + 1}`;
}
/** The overrides of a group that launch from their own template or image, described. */
function ownImageOverrides(g) {
    return (g.launchTemplate?.overrides ?? []).flatMap((o, n) => [
        ...(o.template ? [`${what(o, n)} from launch template ${o.template.id ?? o.template.name} version ${o.template.version}`] : []),
        ...(o.imageId ? [`${what(o, n)} from image ${o.imageId} (the override's ImageId)`] : [])
    ]);
}
/** The override list without their own templates and images: what the refusal's command sends. */
function plainOverrides(g) {
    const list = (g.launchTemplate?.overrides ?? []).filter((o) => o.instanceType !== undefined);
    return JSON.stringify({
        LaunchTemplate: { Overrides: list.map((o) => ({ InstanceType: o.instanceType, ...(o.weight ? { WeightedCapacity: o.weight } : {}) })) }
    });
}
/**
 * Pre-flight of a deploy by image, for a pair about to start one: the idle group's mixed instances
 * policy must launch every instance type from the policy's template (the one the deploy versions).
 */
function overrideRefusals(phase) {
    if (phase.kind !== 'at-rest')
        return [];
    const { idle } = phase;
    const own = ownImageOverrides(idle);
    if (own.length === 0)
        return [];
    return [
        `${idle.name}: its mixed instances policy launches ${own.join('; ')}. A deploy by image versions only the policy's launch template, so these instance types would keep launching their own image and serve next to the new one. ` +
            `Give every override the policy's template (drop the overrides' LaunchTemplateSpecification and ImageId), e.g. aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${idle.name} --mixed-instances-policy '${plainOverrides(idle)}' (check the list first: it replaces the overrides), on both colors; or deploy this service without image.`
    ];
}

;// CONCATENATED MODULE: ./src/domain/image-latest.ts
// Deploy by image: the other users of the idle group's launch template through `$Latest`. The version a
// deploy creates becomes the template's latest ("If the value is $Latest, Amazon EC2 Auto Scaling
// selects the latest version of the launch template when launching instances" — Auto Scaling API
// reference, LaunchTemplateSpecification), so every group that launches it through `$Latest` starts the
// new image at its next launch. `$Default` does not move (this action never changes a default version).
// Pure: the groups are read by src/run/image-users.ts.

/** The groups (outside `exclude`) that launch `template` through `$Latest`. */
function latestUsers(template, groups, exclude) {
    const out = [];
    for (const g of groups) {
        const s = g.launchTemplate;
        if (!s || exclude.has(g.name))
            continue;
        if ((0,domain_image/* sameTemplate */.N_)(s, template) && s.version === '$Latest')
            out.push({ group: g.name, via: 'template', source: s });
        for (const o of s.overrides ?? []) {
            const t = o.template;
            if (t && t.version === '$Latest' && (0,domain_image/* sameTemplate */.N_)({ ...t, mixed: false }, template)) {
                out.push({ group: g.name, via: 'override', source: { ...t, mixed: false }, ...(o.instanceType ? { instanceType: o.instanceType } : {}) });
            }
        }
    }
    return out;
}
/** The warning for one such group: what will happen, and the command that pins it where that is one command. */
function latestWarning(u, idle, imageId, latest) {
    const template = u.source.id ?? u.source.name;
    const what = u.via === 'template'
        ? `${u.group} launches launch template ${template}${u.source.mixed ? ' (in its mixed instances policy)' : ''} through $Latest`
        : `${u.group}'s mixed instances override${u.instanceType ? ` for ${u.instanceType}` : ''} launches launch template ${template} through $Latest`;
    const fix = u.via === 'template'
        ? `Pin it to the version it runs now: ${(0,domain_image/* pinCommand */.F0)(u.group, u.source, latest)}`
        : `Pin that override's LaunchTemplateSpecification to version ${latest ?? '<number>'} (update-auto-scaling-group --mixed-instances-policy with the whole override list)`;
    return (`${what}, the template this deploy versions for ${idle}: the new version becomes the template's $Latest, and ${u.group}'s next launch (a scale-out, a replacement) starts image ${imageId}. ` +
        `${fix}, or give ${idle} a template of its own.`);
}

;// CONCATENATED MODULE: ./src/run/image-users.ts


async function warnLatestUsers(fleet, pairs, ready, imageId, log) {
    const starting = pairs.map((p) => (0,domain_phase/* classify */.L8)(p)).flatMap((ph) => (ph.kind === 'at-rest' && ph.idle.launchTemplate && !ready.includes(ph.idle.name) ? [ph.idle] : []));
    if (starting.length === 0)
        return;
    const ours = new Set(pairs.flatMap((p) => p.groups.map((g) => g.name)));
    const all = await fleet.allGroups();
    for (const idle of starting) {
        const template = idle.launchTemplate;
        if (!template)
            continue;
        const users = latestUsers(template, all, ours);
        if (users.length === 0)
            continue;
        // What they run now: the template's latest version, before this deploy adds one.
        const latest = (await fleet.templateVersion(template, '$Latest')).number;
        for (const u of users)
            log.warning(latestWarning(u, idle.name, imageId, latest));
    }
}

;// CONCATENATED MODULE: ./src/run/prepare.ts














async function prepare(given, deps) {
    let config = given;
    const rules = modes/* MODE_RULES */.k[config.mode];
    // Only a deploy-like mode refuses a busy group: the others' first write does not wait for those reads.
    const found = await observeAll(deps.fleet, config, rules.deployLike);
    for (const p of found.pairs)
        deps.log.info(`${p.base}: ${p.groups.map((g) => `${g.name} (${g.capacity.desired} desired, ${g.instances.length} instance(s))`).join(' and ')}`);
    if (found.refusals.length > 0)
        return { config, planned: [], refusals: found.refusals, discoveryFailed: true };
    const refusals = [];
    if (config.image && rules.deploysByImage) {
        const byImage = await prepareImage(config, found.pairs, deps);
        config = byImage.config;
        refusals.push(...byImage.refusals);
    }
    // Finalize terminates through EC2, which refuses instances with termination protection: look first.
    const retiring = rules.terminatesThroughEc2 ? found.pairs.flatMap((p) => finalizeTerminates((0,domain_phase/* classify */.L8)(p))) : [];
    const protectedIds = retiring.length > 0 ? await deps.fleet.terminationProtected(retiring) : [];
    const options = modeOptionsOf(config);
    const lock = rules.writes ? await lockOptions(config.runUrl, found.pairs, deps) : undefined;
    const planned = found.pairs.map((pair) => {
        const phase = (0,domain_phase/* classify */.L8)(pair);
        const verdict = preflight(pair, phase, lock ? { ...config, lock } : config);
        refusals.push(...verdict.refusals, ...(rules.terminatesThroughEc2 ? finalizeProtectionChecks(phase, protectedIds) : []));
        const { nothingToDo: notice, cannot } = verdict;
        return {
            base: pair.base,
            state: !rules.writes ? stateOf(phase) : cannot ? 'failed' : notice ? noticeState(phase) : 'planned',
            before: pair,
            after: pair,
            plan: notice || cannot ? [] : rules.plan(phase, pair, options),
            ...(notice ? { notice } : {}),
            ...(cannot ? { error: cannot } : {})
        };
    });
    refusals.push(...(await alarmRefusals(config, planned, deps)));
    return { config, planned, refusals, discoveryFailed: false };
}
/**
 * A pair with nothing to do is `unchanged`, except one whose cutover is complete and waits for finalize or
 * rollback (a deploy of its version run again, e.g. after a run was lost past its last write): it says so,
 * so that a workflow's approval job gated on `awaiting-finalize` still asks its reviewer.
 */
function noticeState(phase) {
    return stateOf(phase) === 'awaiting-finalize' ? 'awaiting-finalize' : 'unchanged';
}
/** What pre-flight needs to refuse pairs under another run's live lock (even those with nothing to do). */
async function lockOptions(me, pairs, deps) {
    const now = deps.clock.now();
    const holders = new Set(pairs.flatMap((p) => (0,lock/* liveForeignLock */.ir)(p, me, now)?.holder.run ?? []));
    const over = new Set();
    for (const run of holders)
        if (await deps.isRunOver?.(run))
            over.add(run);
    return { me, now, over };
}
/**
 * Deploy by image: resolve the AMI (it must exist and be available), read the launch template version
 * each group launches now, and refuse what would leak the new image into a live group.
 */
async function prepareImage(config, pairs, deps) {
    const image = config.image;
    const { chosen } = await deps.fleet.findImage(image.spec, image.owners);
    if (!chosen) {
        throw new errors/* InputError */.dz(inputs/* Inputs */.G.image, image.spec, (0,domain_image/* isAmiId */.XK)(image.spec)
            ? `EC2 knows no image of this id in ${config.region} (DescribeImages); check the id, the region, and that the image is shared with this account.`
            : `No available image's name matches this pattern among the images of ${image.owners.join(', ')} in ${config.region} (DescribeImages, name filter). Check the pattern (wildcards * and ?) and image-owners.`);
    }
    if (chosen.state !== 'available') {
        throw new errors/* InputError */.dz(inputs/* Inputs */.G.image, image.spec, `Image ${chosen.id} is ${chosen.state}, not available: instances cannot launch from it.`);
    }
    deps.log.info(`image: ${chosen.id}${chosen.name ? ` (${chosen.name}${chosen.created ? `, created ${chosen.created}` : ''})` : ''}`);
    const refusals = [];
    const ready = [];
    for (const pair of pairs) {
        const phase = (0,domain_phase/* classify */.L8)(pair);
        const facts = await Promise.all(pair.groups.map(async (g) => ({
            group: g.name,
            ...(g.launchTemplate ? { source: g.launchTemplate, current: await deps.fleet.templateVersion(g.launchTemplate, g.launchTemplate.version) } : {})
        })));
        refusals.push(...(0,domain_image/* imageRefusals */.tt)(phase, facts), ...overrideRefusals(phase));
        if (phase.kind === 'at-rest' && !(0,domain_image/* needsImage */.p9)(phase.idle, facts, chosen.id))
            ready.push(phase.idle.name);
    }
    if (refusals.length === 0)
        await warnLatestUsers(deps.fleet, pairs, ready, chosen.id, deps.log);
    return { config: { ...config, version: config.version || chosen.id, image: { ...image, id: chosen.id, ready } }, refusals };
}
/**
 * The alarms a deploy or canary watches must exist, and none may already be in ALARM when a pair starts a
 * new deployment (deploying into an incident), unless allow-alarm-at-start. A run that resumes a
 * deployment is not refused: its bake rolls back while an alarm stays in ALARM.
 */
async function alarmRefusals(config, planned, deps) {
    const bake = config.bake ?? NO_BAKE;
    const names = bake.alarmNames;
    if (names.length === 0 || !modes/* MODE_RULES */.k[config.mode].deployLike)
        return [];
    const found = await deps.fleet.alarms(names);
    const { unknown, refusals } = alarmPreflight(names, found, bake.allowAlarmAtStart, deps.clock.now());
    if (unknown.length > 0) {
        throw new errors/* InputError */.dz(inputs/* Inputs */.G.alarmNames, unknown.join(', '), `CloudWatch has no alarm of ${unknown.length === 1 ? 'this name' : 'these names'} in ${config.region}; name existing alarms (metric or composite), exactly as CloudWatch spells them.`);
    }
    const starting = planned.filter((o) => o.state === 'planned' && (0,domain_phase/* classify */.L8)(o.before).kind === 'at-rest');
    return starting.length > 0 ? refusals.map((r) => `${starting.map((o) => o.base).join(', ')}: ${r}`) : [];
}

;// CONCATENATED MODULE: ./src/run/run-mode.ts








/** Pre-flight refusals are checked once more on a fresh observation this much later (reads may lag writes). */
const PREFLIGHT_RECHECK_MS = 5_000;
async function runMode(given, deps) {
    let config = given;
    const rules = modes/* MODE_RULES */.k[given.mode];
    const startedAt = deps.clock.now();
    const executor = new Executor({ ...deps, healthTimeoutMs: config.healthTimeoutMs, pollIntervalMs: config.pollIntervalMs, bootTimeMs: config.bootTimeMs });
    const result = (outcomes, refusals) => ({
        config,
        outcomes,
        timeline: executor.timeline,
        refusals,
        startedAt,
        finishedAt: deps.clock.now()
    });
    const hooks = deps.hooks;
    const isRunOver = hooks ? (run) => hooks.isRunOver(run) : undefined;
    const prepareDeps = { ...deps, isRunOver };
    let prepared = await inGroup(deps.log, 'Discovery and pre-flight', () => prepare(given, prepareDeps));
    if (prepared.refusals.length > 0 && rules.writes) {
        // A read may lag a write made a moment ago (a finalize right after its deploy, a lock just released): look once more.
        deps.log.info(`Pre-flight refused (${prepared.refusals.join('; ')}); looking once more in ${PREFLIGHT_RECHECK_MS / 1000} s, as AWS reads may lag a write made a moment ago.`);
        await deps.clock.sleep(PREFLIGHT_RECHECK_MS, deps.signal).catch(() => undefined);
        deps.fleet.forgetDetails();
        prepared = await inGroup(deps.log, 'Discovery and pre-flight, once more', () => prepare(given, prepareDeps));
    }
    // A deploy by image knows its version (by default the AMI id) once the image is resolved.
    config = prepared.config;
    if (prepared.discoveryFailed)
        return result([], prepared.refusals);
    const { planned, refusals } = prepared;
    // Nothing runs when any pair is refused: every pair that had something to do is refused with it.
    const settled = (o) => o.notice !== undefined || o.error !== undefined;
    const refuse = (why) => result(planned.map((o) => (settled(o) ? o : { ...o, state: 'refused' })), why);
    if (refusals.length > 0)
        return refuse(refusals);
    if (!rules.writes || config.dryRun)
        return result(planned, []);
    const toRun = planned.filter((o) => !settled(o));
    await releaseLeftOverLocks(planned.filter((o) => o.notice !== undefined).map((o) => o.before), config.runUrl, deps.fleet, deps.log);
    if (toRun.length === 0)
        return result(planned, []);
    const outOfOrder = (await hooks?.orderRefusals(toRun.map((o) => o.before))) ?? [];
    if (outOfOrder.length > 0)
        return refuse(outOfOrder);
    // A deploy records its attempt with the lock, before its first change: a rollback can then tell a pair
    // that still serves its previous version from one whose deployment was finalized.
    const attempt = rules.deployLike ? { [markers/* LAST_RUN_TAG */.Qp]: (0,markers/* encodeLastRun */.q4)({ mode: config.mode, version: config.version }) } : {};
    const locks = await acquireLocks(toRun.map((o) => o.before), config.runUrl, { ...deps, ...(isRunOver ? { isRunOver } : {}) }, attempt);
    if (locks.refusals.length > 0)
        return refuse(locks.refusals);
    try {
        await hooks?.started(toRun);
        const drive = () => Promise.all(planned.map(async (o) => (settled(o) ? o : runPair(config, executor, o, { ...deps, guard: guardFor(config, o.before, locks), runStartedAt: startedAt }))));
        // One pair: a fold per phase. Several: one fold for all, each line naming its pair.
        executor.foldPhases = toRun.length === 1 && deps.log.section !== undefined;
        const outcomes = executor.foldPhases
            ? await drive().finally(() => executor.endSections())
            : await inGroup(deps.log, `${config.mode}: ${toRun.map((o) => o.base).join(', ')}`, drive);
        const done = result(outcomes, []);
        await hooks?.finished(done);
        return done;
    }
    finally {
        await locks.release();
    }
}

// EXTERNAL MODULE: ./src/report/publish.ts + 3 modules
var publish = __webpack_require__(4425);
;// CONCATENATED MODULE: ./src/session.ts
// The part of a run that needs AWS and GitHub, loaded by main.ts only once the inputs are read and valid: a
// refused input never loads the AWS SDK's client modules (most of the bundle's start-up time).









/** Credentials → clients → the mode's run; the clients are closed however it ends. */
async function runSession(config, deps) {
    const { clock } = deps;
    const credentials = config.role ? await roleCredentials(config.role, config.region, clock, deps.clientOverrides) : undefined;
    // Assume the role up front: a trust-policy refusal is reported before anything else happens.
    if (credentials)
        await credentials();
    // With step debug logging on (ACTIONS_STEP_DEBUG), the SDK logs every AWS call with its input and output.
    const debug = core.isDebug() ? { logger: publish/* sdkLogger */.DA } : {};
    const clients = createClients(config.region, clock, { ...debug, ...deps.clientOverrides, ...(credentials ? { credentials } : {}) });
    try {
        const fleet = new AwsFleet(clients, clock, (line) => core.info(line), { watchRefreshes: modes/* MODE_RULES */.k[config.mode].refusesRefreshMidRun });
        const log = {
            info: (l) => core.info(l),
            warning: (l) => core.warning(l),
            group: (name, fn) => core.group(name, fn),
            section: foldedSections()
        };
        const withRelease = config.github.sha
            ? { ...config, releaseTag: (0,github_release/* encodeRelease */.sR)({ commit: config.github.sha, actor: config.github.actor || 'unknown', at: new Date(clock.now()).toISOString(), run: config.runUrl }) }
            : config;
        // The run's hooks: GitHub's answers, wired here so the run knows only the interface.
        const hooks = githubIntegration(withRelease, log);
        core.info(`${config.mode}${config.dryRun ? ' (dry run)' : ''} of ${config.imageName} in groups starting with ${config.prefix}, ${config.region}; run ${config.runUrl}`);
        return await runMode(withRelease, { fleet, clock, log, signal: deps.signal, hooks });
    }
    finally {
        clients.destroy();
        credentials?.destroy();
    }
}
/** Log sections one after the other (::group:: cannot nest): opening one ends the one before. */
function foldedSections() {
    let open = false;
    return (name) => {
        if (open)
            core.endGroup();
        open = name !== undefined;
        if (name !== undefined)
            core.startGroup(name);
    };
}
/** GitHub's own API, when a token is given (the default in action.yml is the job's GITHUB_TOKEN). */
function githubIntegration(config, log) {
    const g = config.github;
    if (!g.token || !g.repository)
        return undefined;
    return new GitHubIntegration(octokitPort(g.token, g.repository, g.apiUrl || undefined), {
        repository: g.repository,
        sha: g.sha,
        runUrl: config.runUrl,
        mode: config.mode,
        // A deploy by image without `version` records the image it was given (resolved to an id only later).
        version: config.version || (config.image ? config.image.spec : ''),
        environment: g.deploymentEnvironment,
        allowOlderCommit: g.allowOlderCommit
    }, log);
}
/**
 * GitHub OIDC token → STS AssumeRoleWithWebIdentity, refreshed by the SDK before the session ends. The STS
 * client's module is loaded only here: a run on the runner's own credentials never loads it.
 */
async function roleCredentials(role, region, clock, overrides = {}) {
    const { oidcCredentials } = await clock.busyWhile(() => Promise.all(/* import() */[__webpack_require__.e(695), __webpack_require__.e(837)]).then(__webpack_require__.bind(__webpack_require__, 3837)));
    const { credentials: _ambient, ...stsClientConfig } = overrides;
    return oidcCredentials({
        roleArn: role.arn,
        audience: role.audience,
        sessionName: role.sessionName,
        durationSeconds: role.durationSeconds,
        region,
        clock,
        getIdToken: (audience) => core.getIDToken(audience),
        mask: (secret) => core.setSecret(secret),
        log: (line) => core.info(line),
        ...(Object.keys(stsClientConfig).length > 0 ? { stsClientConfig } : {})
    });
}


/***/ })

};
