// What pre-flight decides for one pair: refused, nothing to do, cannot, or go. Its own file because both
// pre-flight and the canary checks (which pre-flight calls) return one.

export interface Verdict {
  refusals: string[]
  /** Set when the pair needs no change for this mode: say so, do nothing, do not fail. */
  nothingToDo?: string
  /**
   * Set when this pair cannot get where the mode wants it (e.g. rollback after finalize): the pair fails
   * with this reason, but, unlike a refusal, it does not stop the other pairs.
   */
  cannot?: string
}
