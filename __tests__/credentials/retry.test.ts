// Which credential failures are retried: the SDK's own classification, and what this action adds to it.
import { describe, expect, it } from '@jest/globals'
import { isTransient } from '../../src/credentials/retry.js'
import { ActionError } from '../../src/errors.js'

const error = (fields: Record<string, unknown>, message = 'failed'): Error => Object.assign(new Error(message), fields)

describe('isTransient', () => {
  it.each([
    ['a throttling name the SDK knows', error({ name: 'ThrottlingException' })],
    ['a throttling wire code', error({ name: 'ServiceException', Code: 'Throttling' })],
    ['HTTP 429', error({ name: 'Unknown', $metadata: { httpStatusCode: 429 } })],
    ['HTTP 503', error({ name: 'Unknown', $metadata: { httpStatusCode: 503 } })],
    ['HTTP 501', error({ name: 'Unknown', $metadata: { httpStatusCode: 501 } })],
    ['the retryable trait', error({ name: 'Unknown', $retryable: {} })],
    ['a timeout', error({ name: 'TimeoutError' })],
    ['IDPCommunicationError (the modeled exception)', error({ name: 'IDPCommunicationErrorException', Code: 'IDPCommunicationError', $metadata: { httpStatusCode: 400 } })],
    ['InternalFailure without a status', error({ name: 'InternalFailure' })],
    ['a reset socket', error({ code: 'ECONNRESET' })],
    ['an aborted connection', error({ code: 'ECONNABORTED' })],
    ['an undici socket error', error({ code: 'UND_ERR_SOCKET' })]
  ])('retries %s', (_label, err) => {
    expect(isTransient(err, 'sts')).toBe(true)
  })

  it.each([
    ['a refusal', error({ name: 'InvalidIdentityToken', $metadata: { httpStatusCode: 400 } })],
    ['an expired token', error({ name: 'ExpiredTokenException', $metadata: { httpStatusCode: 400 } })],
    ['an abort, whatever its status', error({ name: 'AbortError', $metadata: { httpStatusCode: 503 } })],
    ["the action's own error", new ActionError('returned no complete credentials')],
    ['a thrown string', 'boom'],
    ['nothing', undefined]
  ])('does not retry %s', (_label, err) => {
    expect(isTransient(err, 'sts')).toBe(false)
  })

  it('retries any token endpoint failure but the job lacking id-token: write', () => {
    expect(isTransient(new Error('Failed to get ID Token. Error Code : 500'), 'token')).toBe(true)
    expect(isTransient(new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable'), 'token')).toBe(false)
  })
})
