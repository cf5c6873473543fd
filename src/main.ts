// The imperative shell: inputs → clients → run the mode → outputs, summary, annotations. The inputs are read
// before the AWS SDK's modules are loaded (src/session.ts, a chunk of its own in dist/): a refused input exits
// having loaded only @actions/core and the input readers.
import * as core from '@actions/core'
import type { ClientOverrides } from './aws/clients.js'
import { type Clock, systemClock } from './clock.js'
import { readConfig } from './config/read.js'
import { errorMessage } from './errors.js'
import { type RunResult, assertNoRefusals } from './run/result.js'
import { report, reportEarlyFailure } from './report/publish.js'
import { resultLines } from './report/verdict.js'

export interface MainDeps {
  getInput?: (name: string) => string
  env?: Record<string, string | undefined>
  clock?: Clock
  /** Extra SDK client settings: credentials, or the simulator's request handler in tests. */
  clientOverrides?: ClientOverrides
  signal?: AbortSignal
}

export async function run(deps: MainDeps = {}): Promise<RunResult | undefined> {
  let result: RunResult | undefined
  try {
    const config = readConfig(deps.getInput ?? core, deps.env ?? process.env)
    const clock = deps.clock ?? systemClock
    const { runSession } = await clock.busyWhile(() => import('./session.js'))
    result = await runSession(config, { clock, clientOverrides: deps.clientOverrides, signal: deps.signal })
    await report(result)
    // The log ends on what the run left: the run's verdict, then each pair's (what `status` is asked for).
    for (const line of resultLines(result)) core.info(line)
    assertNoRefusals(result)
    // Each failed pair is already one annotation of its own (report): the step fails without another.
    if (result.outcomes.some((o) => o.error)) process.exitCode = core.ExitCode.Failure
  } catch (err) {
    core.setFailed(errorMessage(err))
    if (!result) await reportEarlyFailure(err)
  }
  return result
}
