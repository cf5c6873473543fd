import * as core from '@actions/core'
import { afterEach, describe, expect, it } from '@jest/globals'
import { readConfig } from '../../src/config/read.js'
import { readerOf } from '../../src/config/reader.js'
import { formatDuration, parseDuration } from '../../src/duration.js'

const base = { mode: 'deploy', prefix: 'prod-', 'image-name': 'web', version: 'v2', 'aws-region': 'us-east-1' }
const read = (inputs: Record<string, string>, env: Record<string, string> = {}) => readConfig((n) => inputs[n] ?? '', env)

describe('readConfig', () => {
  it('reads a deploy with every default filled in', () => {
    expect(read(base)).toEqual({
      mode: 'deploy',
      prefix: 'prod-',
      imageName: 'web',
      version: 'v2',
      region: 'us-east-1',
      healthTimeoutMs: 600_000,
      pollIntervalMs: 15_000,
      dryRun: false,
      imageNameTagKey: 'docker:image:name',
      versionTagKey: 'docker:image:version',
      colors: ['blue', 'green'],
      runUrl: expect.stringMatching(/^local run on .+ pid \d+$/),
      github: { token: '', repository: '', sha: '', actor: '', apiUrl: '', deploymentEnvironment: '', allowOlderCommit: false }
    })
  })

  it('knows the run by its URL on GitHub (the pair lock records it)', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'octo-org/web', GITHUB_RUN_ID: '42' }
    expect(read(base, env).runUrl).toBe('https://github.com/octo-org/web/actions/runs/42')
  })

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(read({ ...base, 'aws-region': '' }, { AWS_REGION: 'eu-west-2' }).region).toBe('eu-west-2')
    expect(read({ ...base, 'aws-region': '' }, { AWS_DEFAULT_REGION: 'ap-southeast-1' }).region).toBe('ap-southeast-1')
  })

  it('does not need a version outside deploy', () => {
    expect(read({ ...base, mode: 'rollback', version: '' }).version).toBe('')
  })

  it.each([
    [{ mode: '' }, /Input 'mode' is invalid: empty\. Use one of: deploy, finalize, rollback, status/],
    [{ mode: 'promote' }, /Input 'mode' is invalid: "promote"/],
    [{ prefix: '' }, /Input 'prefix' is invalid: empty/],
    [{ 'image-name': '' }, /Input 'image-name' is invalid: empty/],
    [{ version: '' }, /Input 'version' is invalid: empty\. deploy needs the version/],
    [{ version: 'x'.repeat(257) }, /Input 'version' is invalid: .*257 characters; an Auto Scaling tag value holds at most 256/],
    [{ version: 'v2;rm -rf' }, /Input 'version' is invalid: "v2;rm -rf"\. An Auto Scaling tag value may hold only/],
    [{ 'aws-region': 'Virginia' }, /Input 'aws-region' is invalid: "Virginia"/],
    [{ 'aws-region': '' }, /Input 'aws-region' is invalid: empty\. Set aws-region \(or AWS_REGION/],
    [{ 'health-timeout': 'ten minutes' }, /Input 'health-timeout' is invalid: "ten minutes"\. Expected a duration such as 90s, 10m or 1h30m/],
    [{ 'health-timeout': '5s' }, /Input 'health-timeout' is invalid: "5s"\. It must be between 30s and 6h/],
    [{ 'poll-interval': '0s' }, /Input 'poll-interval' is invalid: "0s"/],
    [{ 'health-timeout': '1m', 'poll-interval': '2m' }, /Input 'poll-interval' is invalid: "2m"\. It must not exceed health-timeout \(1m\)/],
    [{ 'dry-run': 'yes' }, /Input 'dry-run' is invalid: "yes"\. Use true or false/],
    [{ 'blue-color': 'green' }, /Input 'green-color' is invalid: "green"\. The two colors must differ/],
    [{ 'blue-color': 'blue-1' }, /Input 'blue-color' is invalid: "blue-1"/],
    [{ 'version-tag-key': 'docker:image:name' }, /Input 'version-tag-key' is invalid: .*must differ from image-name-tag-key/],
    [{ 'version-tag-key': 'aws:version' }, /Input 'version-tag-key' is invalid: "aws:version"/]
  ])('refuses %j with a message naming the input and the value', (bad, message) => {
    expect(() => read({ ...base, ...bad })).toThrow(message)
  })

  it('accepts dry-run in any case YAML allows', () => {
    expect(read({ ...base, 'dry-run': 'TRUE' }).dryRun).toBe(true)
    expect(read({ ...base, 'dry-run': 'False' }).dryRun).toBe(false)
  })
})

describe('reading inputs through @actions/core', () => {
  const set: string[] = []
  const setInput = (name: string, value: string): void => {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
    process.env[key] = value
    set.push(key)
  }
  afterEach(() => {
    for (const key of set.splice(0)) delete process.env[key]
  })
  const outcome = (read: () => unknown): unknown => {
    try {
      return read()
    } catch (err) {
      return err instanceof TypeError ? 'TypeError' : err
    }
  }

  it.each(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', ' true ', 'tRuE', 'yes', '1', '', 'a\n\n b ,c\n', '\n x\r\n y \n'])(
    'a function is read by the same rules as core reads INPUT_* (%j)',
    (value) => {
      setInput('probe', value)
      const fromFunction = readerOf((name) => (name === 'probe' ? value : ''))
      expect(outcome(() => fromFunction.getInput('probe'))).toEqual(core.getInput('probe'))
      expect(outcome(() => fromFunction.getBooleanInput('probe'))).toEqual(outcome(() => core.getBooleanInput('probe')))
      expect(fromFunction.getMultilineInput('probe')).toEqual(core.getMultilineInput('probe'))
    }
  )

  it('production reads the INPUT_* variables with core', () => {
    for (const [name, value] of Object.entries({ ...base, 'dry-run': 'True', 'alarm-names': 'web-5xx\nweb-latency, web-5xx', 'allow-alarm-at-start': 'TRUE' })) setInput(name, value)
    const config = readConfig(core, {})
    expect(config).toMatchObject({ mode: 'deploy', prefix: 'prod-', version: 'v2', dryRun: true })
    expect(config.bake).toMatchObject({ alarmNames: ['web-5xx', 'web-latency'], allowAlarmAtStart: true, failOnInsufficientData: false })
  })

  it.each(['dry-run', 'allow-older-commit', 'allow-alarm-at-start', 'fail-on-insufficient-data'])(
    '%s takes the spellings YAML 1.2 gives a boolean, and names the input, the value and those spellings otherwise',
    (input) => {
      expect(() => read({ ...base, [input]: 'tRuE' })).toThrow(`Input '${input}' is invalid: "tRuE". Use true or false (YAML 1.2 also allows True, TRUE, False and FALSE).`)
      expect(() => read({ ...base, [input]: 'on' })).toThrow(`Input '${input}' is invalid: "on".`)
      for (const spelling of ['true', 'True', 'TRUE', 'false', 'False', 'FALSE', '']) expect(() => read({ ...base, [input]: spelling })).not.toThrow()
    }
  )
})

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['45', 45_000],
    ['500ms', 500]
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms))

  it.each(['', '10 minutes', '1.5m', '-5s', 'm'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined())

  it('formats for people', () => {
    expect(formatDuration(90_000)).toBe('1m30s')
    expect(formatDuration(3_600_000)).toBe('1h')
    expect(formatDuration(250)).toBe('250ms')
  })
})
