// Before any write: discovery and pre-flight of every pair, and each pair's plan (or notice, or reason
// it cannot move). Deploy by image resolves its AMI here; alarms a deploy watches are checked here.
import type { Fleet } from '../aws/port.js'
import type { Clock } from '../clock.js'
import { type Config, NO_BAKE } from '../config/types.js'
import { Inputs } from '../config/inputs.js'
import { alarmPreflight } from '../domain/bake.js'
import { type GroupImage, imageRefusals, isAmiId, needsImage } from '../domain/image.js'
import { overrideRefusals } from '../domain/image-overrides.js'
import type { Pair } from '../domain/model.js'
import { MODE_RULES } from '../domain/modes.js'
import { type PairState, stateOf } from '../domain/pair-state.js'
import { type Phase, classify } from '../domain/phase.js'
import { liveForeignLock } from '../domain/lock.js'
import { type PreflightOptions, finalizeProtectionChecks, finalizeTerminates, preflight } from '../domain/preflight.js'
import { InputError } from '../errors.js'
import type { Logger } from '../log.js'
import { warnLatestUsers } from './image-users.js'
import { modeOptionsOf } from './mode-options.js'
import { observeAll } from './observe.js'
import type { PairOutcome } from './result.js'

export interface PrepareDeps {
  fleet: Fleet
  clock: Clock
  log: Logger
  /** Asks GitHub whether a lock holder's run is over (then its lock is no obstacle). */
  isRunOver?: ((run: string) => Promise<boolean>) | undefined
}

export interface Prepared {
  /** The config the run goes on with (a deploy by image knows its AMI id, and maybe its version, now). */
  config: Config
  planned: PairOutcome[]
  refusals: string[]
  discoveryFailed: boolean
}

export async function prepare(given: Config, deps: PrepareDeps): Promise<Prepared> {
  let config = given
  const rules = MODE_RULES[config.mode]
  // Only a deploy-like mode refuses a busy group: the others' first write does not wait for those reads.
  const found = await observeAll(deps.fleet, config, rules.deployLike)
  for (const p of found.pairs) deps.log.info(`${p.base}: ${p.groups.map((g) => `${g.name} (${g.capacity.desired} desired, ${g.instances.length} instance(s))`).join(' and ')}`)
  if (found.refusals.length > 0) return { config, planned: [], refusals: found.refusals, discoveryFailed: true }
  const refusals: string[] = []
  if (config.image && rules.deploysByImage) {
    const byImage = await prepareImage(config, found.pairs, deps)
    config = byImage.config
    refusals.push(...byImage.refusals)
  }
  // Finalize terminates through EC2, which refuses instances with termination protection: look first.
  const retiring = rules.terminatesThroughEc2 ? found.pairs.flatMap((p) => finalizeTerminates(classify(p))) : []
  const protectedIds = retiring.length > 0 ? await deps.fleet.terminationProtected(retiring) : []
  const options = modeOptionsOf(config)
  const lock = rules.writes ? await lockOptions(config.runUrl, found.pairs, deps) : undefined
  const planned = found.pairs.map((pair): PairOutcome => {
    const phase = classify(pair)
    const verdict = preflight(pair, phase, lock ? { ...config, lock } : config)
    refusals.push(...verdict.refusals, ...(rules.terminatesThroughEc2 ? finalizeProtectionChecks(phase, protectedIds) : []))
    const { nothingToDo: notice, cannot } = verdict
    return {
      base: pair.base,
      state: !rules.writes ? stateOf(phase) : cannot ? 'failed' : notice ? noticeState(phase) : 'planned',
      before: pair,
      after: pair,
      plan: notice || cannot ? [] : rules.plan(phase, pair, options),
      ...(notice ? { notice } : {}),
      ...(cannot ? { error: cannot } : {})
    }
  })
  refusals.push(...(await alarmRefusals(config, planned, deps)))
  return { config, planned, refusals, discoveryFailed: false }
}

/**
 * A pair with nothing to do is `unchanged`, except one whose cutover is complete and waits for finalize or
 * rollback (a deploy of its version run again, e.g. after a run was lost past its last write): it says so,
 * so that a workflow's approval job gated on `awaiting-finalize` still asks its reviewer.
 */
function noticeState(phase: Phase): PairState {
  return stateOf(phase) === 'awaiting-finalize' ? 'awaiting-finalize' : 'unchanged'
}

/** What pre-flight needs to refuse pairs under another run's live lock (even those with nothing to do). */
async function lockOptions(me: string, pairs: Pair[], deps: PrepareDeps): Promise<NonNullable<PreflightOptions['lock']>> {
  const now = deps.clock.now()
  const holders = new Set(pairs.flatMap((p) => liveForeignLock(p, me, now)?.holder.run ?? []))
  const over = new Set<string>()
  for (const run of holders) if (await deps.isRunOver?.(run)) over.add(run)
  return { me, now, over }
}

/**
 * Deploy by image: resolve the AMI (it must exist and be available), read the launch template version
 * each group launches now, and refuse what would leak the new image into a live group.
 */
async function prepareImage(config: Config, pairs: Pair[], deps: PrepareDeps): Promise<{ config: Config; refusals: string[] }> {
  const image = config.image as NonNullable<Config['image']>
  const { chosen } = await deps.fleet.findImage(image.spec, image.owners)
  if (!chosen) {
    throw new InputError(
      Inputs.image,
      image.spec,
      isAmiId(image.spec)
        ? `EC2 knows no image of this id in ${config.region} (DescribeImages); check the id, the region, and that the image is shared with this account.`
        : `No available image's name matches this pattern among the images of ${image.owners.join(', ')} in ${config.region} (DescribeImages, name filter). Check the pattern (wildcards * and ?) and image-owners.`
    )
  }
  if (chosen.state !== 'available') {
    throw new InputError(Inputs.image, image.spec, `Image ${chosen.id} is ${chosen.state}, not available: instances cannot launch from it.`)
  }
  deps.log.info(`image: ${chosen.id}${chosen.name ? ` (${chosen.name}${chosen.created ? `, created ${chosen.created}` : ''})` : ''}`)
  const refusals: string[] = []
  const ready: string[] = []
  for (const pair of pairs) {
    const phase = classify(pair)
    const facts: GroupImage[] = await Promise.all(
      pair.groups.map(async (g) => ({
        group: g.name,
        ...(g.launchTemplate ? { source: g.launchTemplate, current: await deps.fleet.templateVersion(g.launchTemplate, g.launchTemplate.version) } : {})
      }))
    )
    refusals.push(...imageRefusals(phase, facts), ...overrideRefusals(phase))
    if (phase.kind === 'at-rest' && !needsImage(phase.idle, facts, chosen.id)) ready.push(phase.idle.name)
  }
  if (refusals.length === 0) await warnLatestUsers(deps.fleet, pairs, ready, chosen.id, deps.log)
  return { config: { ...config, version: config.version || chosen.id, image: { ...image, id: chosen.id, ready } }, refusals }
}

/**
 * The alarms a deploy or canary watches must exist, and none may already be in ALARM when a pair starts a
 * new deployment (deploying into an incident), unless allow-alarm-at-start. A run that resumes a
 * deployment is not refused: its bake rolls back while an alarm stays in ALARM.
 */
async function alarmRefusals(config: Config, planned: PairOutcome[], deps: PrepareDeps): Promise<string[]> {
  const bake = config.bake ?? NO_BAKE
  const names = bake.alarmNames
  if (names.length === 0 || !MODE_RULES[config.mode].deployLike) return []
  const found = await deps.fleet.alarms(names)
  const { unknown, refusals } = alarmPreflight(names, found, bake.allowAlarmAtStart, deps.clock.now())
  if (unknown.length > 0) {
    throw new InputError(Inputs.alarmNames, unknown.join(', '), `CloudWatch has no alarm of ${unknown.length === 1 ? 'this name' : 'these names'} in ${config.region}; name existing alarms (metric or composite), exactly as CloudWatch spells them.`)
  }
  const starting = planned.filter((o) => o.state === 'planned' && classify(o.before).kind === 'at-rest')
  return starting.length > 0 ? refusals.map((r) => `${starting.map((o) => o.base).join(', ')}: ${r}`) : []
}
