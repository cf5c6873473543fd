// Setup for every test file (jest.config.js setupFilesAfterEnv).
//
// 1. Guard: nothing may leave the machine. The simulated AWS runs in-process or on loopback; any other
//    destination is a bug in the test or in the code under test.
// 2. Automatic invariant checks (test-support/stats.ts): after every test, each simulated AWS the test
//    built must have no invariant violation left and no instance lost, unless the test opted out with
//    expectViolations / allowLostInstances and a reason. Worlds built outside a test are checked when the
//    file ends.
// 3. With RELIABILITY_STATS_DIR set, every matcher call a test makes is recorded by the source text of its
//    expect(...) (docs/RELIABILITY.md lists what each test asserts), and the same hooks write the figures.
import net from 'node:net'
import { afterFile, afterTest, recordMatcherCalls } from './stats.js'

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
const originalConnect = net.Socket.prototype.connect

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string | undefined
  const host = typeof first === 'object' && first !== null ? first.host : typeof args[1] === 'string' ? args[1] : undefined
  const isPipe = typeof first === 'object' && first !== null && typeof first.path === 'string'
  if (!isPipe && host !== undefined && !LOOPBACK.has(host)) {
    throw new Error(`test tried to connect to ${host}: only loopback is allowed in tests`)
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args)
} as typeof net.Socket.prototype.connect

const g = globalThis as unknown as { afterEach: (fn: () => void) => void; afterAll: (fn: () => void) => void }
if (process.env.RELIABILITY_STATS_DIR && !recordMatcherCalls()) throw new Error('jest-setup: jest matchers not found, cannot record assertions')
g.afterEach(afterTest)
g.afterAll(afterFile)
