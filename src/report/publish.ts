// Publishing a run's result the way a runner shows it: outputs, annotations, log sections, job summary.
import * as core from '@actions/core'
import { InputError, errorMessage } from '../errors.js'
import type { RunResult } from '../run/result.js'
import { describeStep } from '../domain/steps.js'
import { Outputs, outputsOf } from './outputs.js'
import { esc, renderSummary } from './summary.js'

/** The SDK's logger, for step debug logging: every AWS call with its input and output. */
export const sdkLogger = {
  trace: () => {},
  debug: (...content: unknown[]) => core.debug(content.map(String).join(' ')),
  info: (...content: unknown[]) => core.debug(`AWS ${content.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join(' ')}`),
  warn: (...content: unknown[]) => core.warning(content.map(String).join(' ')),
  error: (...content: unknown[]) => core.debug(content.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join(' '))
}

/** A run that stopped before it could look at AWS still leaves a state and a summary for later steps. */
export async function reportEarlyFailure(err: unknown): Promise<void> {
  core.setOutput(Outputs.state, err instanceof InputError ? 'invalid-input' : 'failed')
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const md = `## Blue/green: stopped before any change\n\n${esc(errorMessage(err))}\n`
  await core.summary
    .addRaw(md)
    .write()
    .catch(() => undefined)
}

export async function report(result: RunResult): Promise<void> {
  for (const [name, value] of Object.entries(outputsOf(result))) core.setOutput(name, value)
  for (const o of result.outcomes) {
    if (o.notice) core.notice(o.notice, { title: `${o.base}: nothing to do` })
    if (o.error) core.error(o.error, { title: `${o.base}: ${result.config.mode} ${o.state}` })
    if (o.plan.length > 0 && (result.config.dryRun || o.state === 'refused')) {
      core.startGroup(`${o.base}: plan (${o.plan.length} steps${result.config.dryRun ? ', dry run: nothing was changed' : ', not run'})`)
      o.plan.forEach((s, i) => core.info(`${i + 1}. ${describeStep(s)}`))
      core.endGroup()
    }
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    // Written on failure too: the summary is how a failed run explains itself.
    try {
      await core.summary.addRaw(renderSummary(result)).write()
    } catch (err) {
      core.warning(`Could not write the job summary: ${errorMessage(err)}`)
    }
  } else {
    core.info(renderSummary(result))
  }
}
