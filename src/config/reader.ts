// How config/ reads an input, and the typed readers every area shares. Production reads through
// @actions/core's own helpers (`core` itself is the reader); tests and rehearsals hand in a plain function.
// A bad value becomes an InputError that names the input, the value and what is accepted.
import { formatDuration, parseDuration } from '../duration.js'
import { InputError } from '../errors.js'

/** The readers of @actions/core that config/ uses; `core` satisfies it as it is. */
export interface InputReader {
  /** The value, trimmed; '' when not set. */
  getInput(name: string): string
  /** A YAML 1.2 core-schema boolean (true True TRUE false False FALSE); throws on anything else, '' included. */
  getBooleanInput(name: string): boolean
  /** The value's non-empty lines, each trimmed. */
  getMultilineInput(name: string): string[]
}

/** One input's value by name, '' when not set: what tests, the harness and rehearsals hand in. */
export type GetInput = (name: string) => string

const YAML_TRUE = ['true', 'True', 'TRUE']
const YAML_FALSE = ['false', 'False', 'FALSE']

/**
 * A reader over a plain function, by @actions/core's rules (core reads only `INPUT_*` variables, so it cannot
 * read a function; __tests__/unit/config.test.ts checks that the two agree).
 */
export function readerOf(getInput: GetInput): InputReader {
  const text = (name: string): string => getInput(name).trim()
  return {
    getInput: text,
    getBooleanInput(name) {
      const value = text(name)
      if (YAML_TRUE.includes(value)) return true
      if (YAML_FALSE.includes(value)) return false
      throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`)
    },
    getMultilineInput: (name) =>
      text(name)
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.trim())
  }
}

/** A boolean input; false when not set (the harness passes no defaults; action.yml's are "false"). */
export function readBoolean(inputs: InputReader, name: string): boolean {
  const text = inputs.getInput(name)
  if (text === '') return false
  try {
    return inputs.getBooleanInput(name)
  } catch {
    // core's TypeError names the input but not the value; ours says both, the way every other input does.
    throw new InputError(name, text, 'Use true or false (YAML 1.2 also allows True, TRUE, False and FALSE).')
  }
}

/** A list input: one item per line, or comma-separated (the names it holds have no commas), without blanks or repeats. */
export function readList(inputs: InputReader, name: string): string[] {
  const items = inputs.getMultilineInput(name).flatMap((line) => line.split(',').map((item) => item.trim()))
  return [...new Set(items.filter((item) => item !== ''))]
}

/** A GitHub-hosted job ends after 6 hours: no wait of the action may be longer. */
export const MAX_WAIT_MS = 6 * 3_600_000

/** A duration input such as 90s, 10m or 1h30m (`fallback` when not set), held to [minMs, maxMs]. */
export function readDuration(inputs: InputReader, name: string, fallback: string, minMs: number, maxMs: number): number {
  const text = inputs.getInput(name) || fallback
  const ms = parseDuration(text)
  if (ms === undefined) throw new InputError(name, text, 'Expected a duration such as 90s, 10m or 1h30m.')
  if (ms < minMs || ms > maxMs) {
    throw new InputError(name, text, `It must be between ${formatDuration(minMs)} and ${formatDuration(maxMs)}.`)
  }
  return ms
}
