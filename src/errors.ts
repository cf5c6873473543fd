// Errors a user can act on: what failed, for which group or instance, and what to do next.

export class ActionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ActionError'
  }
}

/** An input that cannot be used; thrown before any AWS call. */
export class InputError extends ActionError {
  constructor(input: string, value: string, expected: string) {
    super(`Input '${input}' is invalid: ${value === '' ? 'empty' : `"${value}"`}. ${expected}`)
    this.name = 'InputError'
  }
}

/** Turns anything thrown into a sentence, keeping the AWS error name users search for. */
export function errorMessage(err: unknown): string {
  if (err instanceof ActionError) return err.message
  if (err instanceof Error) {
    const name = err.name && err.name !== 'Error' && !err.message.startsWith(err.name) ? `${err.name}: ` : ''
    return `${name}${err.message}`
  }
  return String(err)
}

/** An AWS call that failed after the SDK's own retries; the run may re-observe and try again. */
export class AwsCallFailed extends ActionError {
  constructor(
    message: string,
    readonly awsError: string
  ) {
    super(message)
    this.name = 'AwsCallFailed'
  }
}

/** The job was cancelled while the run wrote or waited; what needs undoing is undone by the caller. */
export class Cancelled extends ActionError {
  constructor(what: string) {
    super(`Cancelled while ${what}.`)
    this.name = 'Cancelled'
  }
}
