// Where the run writes its lines: the runner's log in the action, a buffer in tests.

export interface Logger {
  info(line: string): void
  warning(line: string): void
  /** Folds what `fn` logs under a named section (the runner's ::group::). */
  group?<T>(name: string, fn: () => Promise<T>): Promise<T>
  /**
   * Ends the section open, if any, and opens one named `name` (none when undefined): sections follow one
   * another, as the runner cannot fold a section inside another.
   */
  section?(name: string | undefined): void
}

export function inGroup<T>(log: Logger, name: string, fn: () => Promise<T>): Promise<T> {
  return log.group ? log.group(name, fn) : fn()
}
