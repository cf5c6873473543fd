// The image inputs: an AMI id or a name pattern, owners, and the version they make optional.
import { describe, expect, it } from '@jest/globals'
import { readConfig } from '../../src/config/read.js'

const base = { mode: 'deploy', prefix: 'prod-', service: 'web', 'aws-region': 'us-east-1' }
const read = (inputs: Record<string, string>) => readConfig((n) => inputs[n] ?? '', {})

describe('image inputs', () => {
  it('an AMI id makes version optional (it defaults to the AMI id once resolved); owners default to self', () => {
    const c = read({ ...base, image: 'ami-0123456789abcdef0' })
    expect(c.version).toBe('')
    expect(c.image).toEqual({ spec: 'ami-0123456789abcdef0', owners: ['self'] })
  })

  it('a name pattern with owners, comma- or newline-separated', () => {
    expect(read({ ...base, image: 'web-2026-*', 'image-owners': 'self, 123456789012\namazon' }).image).toEqual({ spec: 'web-2026-*', owners: ['self', '123456789012', 'amazon'] })
  })

  it('deploy without version and without image still needs a version', () => {
    expect(() => read(base)).toThrow("Input 'version' is invalid: empty. deploy needs the version to deploy (or an image: the version is then the AMI id).")
  })

  it('refuses a malformed AMI id, a pattern of wildcards only or with other characters, a bad owner, owners alone, and canary', () => {
    expect(() => read({ ...base, image: 'ami-12' })).toThrow(/Input 'image' is invalid: "ami-12"\. An AMI id is "ami-" and 8 or 17/)
    expect(() => read({ ...base, image: '*' })).toThrow(/Input 'image' is invalid: "\*"\. Give an AMI id/)
    expect(() => read({ ...base, image: 'web;rm' })).toThrow(/Input 'image' is invalid/)
    expect(() => read({ ...base, image: 'web-*', 'image-owners': 'me' })).toThrow(/Input 'image-owners' is invalid: "me"\. An owner is an account id/)
    expect(() => read({ ...base, version: 'v2', 'image-owners': 'amazon' })).toThrow(/Input 'image-owners' is invalid: "amazon"\. It only applies together with image/)
    // self is action.yml's default, which a runner passes to every step, with image or without.
    expect(read({ ...base, version: 'v2', 'image-owners': 'self' }).image).toBeUndefined()
    expect(() => read({ ...base, mode: 'canary', version: 'v2', image: 'web-*' })).toThrow(/Input 'image' is invalid: "web-\*"\. A canary launches/)
  })
})
