// Renamed inputs: the new name, or the deprecated old one (with a warning naming both), never two values.
import { InputError } from '../errors.js'
import { Renamed, type RenamedInput } from './inputs.js'
import type { InputReader } from './reader.js'

/** Where config/ sends what a user should change but need not stop for (core.warning in the action). */
export type Warn = (message: string) => void

/** A renamed input's value ('' when neither name is given), and the name it was given under, for errors. */
export interface RenamedValue {
  value: string
  input: string
}

/** The value of a renamed input, read under its new name or its old one. */
export function readRenamed(inputs: InputReader, name: RenamedInput, warn: Warn): RenamedValue {
  const { old, default: fallback } = Renamed[name]
  const current = inputs.getInput(name)
  const legacy = inputs.getInput(old)
  if (legacy === '') return { value: current, input: name }
  warn(`Input '${old}' is deprecated: use '${name}' instead (same meaning). The old name will be removed in the next major version.`)
  // A runner fills in action.yml's default for every input a step does not give: the new name at its
  // default next to the old name means the step gave only the old one.
  if (current === '' || current === fallback || current === legacy) return { value: legacy, input: old }
  throw new InputError(name, current, `The step also gives '${old}' ("${legacy}"), the deprecated name of the same input, with another value: give only '${name}'.`)
}
