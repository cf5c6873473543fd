// The pair lock (SPEC invariant 7): a tag holding the run and its heartbeat; who may take it, and when a
// lock left by a run that is over may be taken over. Pure: no AWS, no clock.
import { describe, expect, it } from '@jest/globals'
import { LOCK_TAG, type LockVerdict, STALE_AFTER_MS, decodeLock, encodeLock, isMine, lockGroup, lockPreflight, lockVerdict } from '../../src/domain/lock.js'
import type { Pair } from '../../src/domain/model.js'
import { group, pair } from '../../test-support/fixtures.js'

const ME = 'https://github.com/acme/web/actions/runs/100'
const OTHER = 'https://github.com/acme/web/actions/runs/99'
const NOW = Date.parse('2026-11-28T10:00:00.000Z')
const LONG_RUN = `https://github.com/acme/web/actions/runs/1?${'x'.repeat(400)}`

function lockedPair(value: string | undefined): Pair {
  const tags: Record<string, string> = { 'docker:image:name': 'web', ...(value === undefined ? {} : { [LOCK_TAG]: value }) }
  return pair(group('prod-web-blue', { tags }), group('prod-web-green'))
}

describe('lockVerdict: who may drive the pair now', () => {
  it.each<{ name: string; tag: string | undefined; expected: LockVerdict }>([
    { name: 'no lock tag: the pair is free', tag: undefined, expected: { kind: 'free' } },
    { name: 'an empty lock tag: the pair is free', tag: '', expected: { kind: 'free' } },
    { name: 'my own fresh lock is mine', tag: encodeLock(ME, NOW - 1_000), expected: { kind: 'mine' } },
    {
      name: 'my own lock is mine even long after its heartbeat stopped (a re-run of a failed job takes it back)',
      tag: encodeLock(ME, NOW - 3_600_000),
      expected: { kind: 'mine' }
    },
    {
      name: "another run's lock with a recent heartbeat is held",
      tag: encodeLock(OTHER, NOW - 60_000),
      expected: { kind: 'held', holder: { run: OTHER, at: NOW - 60_000 }, ageMs: 60_000 }
    },
    {
      name: "another run's lock exactly STALE_AFTER_MS old is still held (stale only beyond it)",
      tag: encodeLock(OTHER, NOW - STALE_AFTER_MS),
      expected: { kind: 'held', holder: { run: OTHER, at: NOW - STALE_AFTER_MS }, ageMs: STALE_AFTER_MS }
    },
    {
      name: "another run's lock 1 ms past STALE_AFTER_MS is stale (its run is over: take it over)",
      tag: encodeLock(OTHER, NOW - STALE_AFTER_MS - 1),
      expected: { kind: 'stale', holder: { run: OTHER, at: NOW - STALE_AFTER_MS - 1 }, ageMs: STALE_AFTER_MS + 1 }
    },
    {
      name: "a heartbeat from the future (the other runner's clock is ahead) counts as age 0: held",
      tag: encodeLock(OTHER, NOW + 30_000),
      expected: { kind: 'held', holder: { run: OTHER, at: NOW + 30_000 }, ageMs: 0 }
    },
    {
      name: 'a lock without a readable heartbeat (written by hand) is stale: it can be taken over',
      tag: OTHER,
      expected: { kind: 'stale', holder: { run: OTHER, at: 0 }, ageMs: NOW }
    }
  ])('$name', ({ tag, expected }) => {
    expect(lockVerdict(lockedPair(tag), ME, NOW)).toEqual(expected)
  })

  it('only the first group of the pair holds the lock: a lock tag on the second group is not read', () => {
    const p = pair(group('prod-web-blue'), group('prod-web-green', { tags: { [LOCK_TAG]: encodeLock(OTHER, NOW) } }))
    expect(lockGroup(p)).toBe('prod-web-blue')
    expect(lockVerdict(p, ME, NOW)).toEqual({ kind: 'free' })
  })
})

describe('encodeLock / decodeLock: the tag value', () => {
  it.each<{ name: string; run: string; at: number }>([
    { name: 'a run URL and its heartbeat time round-trip', run: ME, at: NOW },
    { name: 'a run containing spaces round-trips (the time is after the last space)', run: 'manual run by ops', at: NOW - 5 },
    { name: 'the epoch round-trips', run: OTHER, at: 0 }
  ])('$name', ({ run, at }) => {
    expect(decodeLock(encodeLock(run, at))).toEqual({ run, at })
  })

  it('a very long run identity is cut so the whole value fits a 256-character tag, and its heartbeat survives', () => {
    const value = encodeLock(LONG_RUN, NOW)
    expect(value.length).toBe(256)
    expect(decodeLock(value)).toEqual({ run: LONG_RUN.slice(0, 231), at: NOW })
  })

  it.each<{ name: string; value: string | undefined; expected: ReturnType<typeof decodeLock> }>([
    { name: 'no tag decodes to no holder', value: undefined, expected: undefined },
    { name: 'an empty tag decodes to no holder', value: '', expected: undefined },
    { name: 'a value without a time is a holder with heartbeat 0', value: OTHER, expected: { run: OTHER, at: 0 } },
    { name: 'a value whose last word is not a time is a holder with heartbeat 0', value: 'someone else', expected: { run: 'someone else', at: 0 } },
    { name: 'a time without a run is a holder named by the whole value, heartbeat 0', value: ' 2026-11-28T10:00:00.000Z', expected: { run: ' 2026-11-28T10:00:00.000Z', at: 0 } }
  ])('$name', ({ value, expected }) => {
    expect(decodeLock(value)).toEqual(expected)
  })
})

describe('isMine', () => {
  it.each<{ name: string; tag: string | undefined; me: string; mine: boolean }>([
    { name: 'a lock this run wrote is mine', tag: encodeLock(ME, NOW), me: ME, mine: true },
    { name: 'a lock another run wrote is not mine', tag: encodeLock(OTHER, NOW), me: ME, mine: false },
    { name: 'a run whose URL starts like mine is not me', tag: encodeLock(`${ME}0`, NOW), me: ME, mine: false },
    { name: 'no lock is not mine', tag: undefined, me: ME, mine: false },
    { name: 'a lock written with a cut, very long run identity is still mine', tag: encodeLock(LONG_RUN, NOW), me: LONG_RUN, mine: true }
  ])('$name', ({ tag, me, mine }) => {
    expect(isMine(tag, me)).toBe(mine)
  })
})

describe('lockPreflight: a pair under another run\'s live lock is refused, naming that run', () => {
  it.each<{ name: string; tag: string | undefined; over?: string[]; refused: boolean }>([
    { name: "another run's fresh lock", tag: encodeLock(OTHER, NOW - 30_000), refused: true },
    { name: 'no lock', tag: undefined, refused: false },
    { name: 'my own lock (a re-run)', tag: encodeLock(ME, NOW - 30_000), refused: false },
    { name: "another run's stale lock (taken over)", tag: encodeLock(OTHER, NOW - STALE_AFTER_MS - 1), refused: false },
    { name: "the lock of a run GitHub reports over (taken over)", tag: encodeLock(OTHER, NOW - 30_000), over: [OTHER], refused: false }
  ])('$name', ({ tag, over, refused }) => {
    const why = lockPreflight(lockedPair(tag), { me: ME, now: NOW, over: new Set(over ?? []) })
    if (!refused) return expect(why).toBeUndefined()
    expect(why).toBe(
      `prod-web: another run is driving this pair: ${OTHER} (last heartbeat 30s ago). What serves may still change until that run ends (its bake may roll back), ` +
        'so this run neither acts on the pair nor reports it unchanged. Wait for it to finish, then re-run; a lock whose run is over is taken over automatically 5m after its last heartbeat.'
    )
  })
})
