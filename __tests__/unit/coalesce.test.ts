// Issue 22: reads made together share one call (src/aws/coalesce.ts), up to the API's limit of names per call.
import { describe, expect, it } from '@jest/globals'
import { Coalescer } from '../../src/aws/coalesce.js'

interface Named {
  name: string
}

/** A coalescer over a fake batched read that records each call's keys; the window closes when `close()` is called. */
function setup(maxKeys = 100, fail?: string): { c: Coalescer<Named>; calls: string[][]; close: () => void } {
  const calls: string[][] = []
  let opened: (() => void)[] = []
  const c = new Coalescer<Named>({
    read: async (keys) => {
      calls.push(keys)
      if (fail) throw new Error(fail)
      // AWS leaves out the groups it does not know.
      return keys.filter((k) => !k.startsWith('gone')).map((name) => ({ name }))
    },
    keyOf: (v) => v.name,
    window: () => new Promise<void>((resolve) => opened.push(resolve)),
    maxKeys
  })
  const close = (): void => {
    const now = opened
    opened = []
    for (const resolve of now) resolve()
  }
  return { c, calls, close }
}

describe('a coalesced read', () => {
  it('sends the requests made within one window as one call, and gives each caller its own answers', async () => {
    const { c, calls, close } = setup()
    const a = c.get(['a-blue', 'a-green'])
    const b = c.get(['b-blue', 'b-green', 'a-blue'])
    close()
    expect(await a).toEqual([{ name: 'a-blue' }, { name: 'a-green' }])
    expect(await b).toEqual([{ name: 'b-blue' }, { name: 'b-green' }, { name: 'a-blue' }])
    expect(calls).toEqual([['a-blue', 'a-green', 'b-blue', 'b-green']])
  })

  it('leaves out what the read did not return', async () => {
    const { c, close } = setup()
    const a = c.get(['a-blue', 'gone-green'])
    close()
    expect(await a).toEqual([{ name: 'a-blue' }])
  })

  it('starts a new call once a batch would exceed the names per call, and once a window has closed', async () => {
    const { c, calls, close } = setup(3)
    const a = c.get(['a1', 'a2'])
    const b = c.get(['b1', 'b2'])
    close()
    await Promise.all([a, b])
    const later = c.get(['a1'])
    close()
    await later
    expect(calls).toEqual([['a1', 'a2'], ['b1', 'b2'], ['a1']])
  })

  it('fails every caller that joined a read that failed', async () => {
    const { c, close } = setup(100, 'Throttling: Rate exceeded')
    const a = c.get(['a-blue'])
    const b = c.get(['b-blue'])
    close()
    await expect(a).rejects.toThrow('Rate exceeded')
    await expect(b).rejects.toThrow('Rate exceeded')
  })
})
