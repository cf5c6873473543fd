import * as core from '@actions/core'
import { afterEach, describe, expect, it } from '@jest/globals'
import { readConfig } from '../../src/config/read.js'
import { readerOf } from '../../src/config/reader.js'
import { formatDuration, parseDuration } from '../../src/duration.js'

const base = { mode: 'deploy', prefix: 'prod-', service: 'web', version: 'v2', 'aws-region': 'us-east-1' }
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
    [{ service: '' }, /Input 'service' is invalid: empty/],
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
    [{ 'version-tag-key': 'docker:image:name' }, /Input 'version-tag-key' is invalid: .*must differ from service-tag-key/],
    [{ 'version-tag-key': 'aws:version' }, /Input 'version-tag-key' is invalid: "aws:version"/]
  ])('refuses %j with a message naming the input and the value', (bad, message) => {
    expect(() => read({ ...base, ...bad })).toThrow(message)
  })

  it('accepts dry-run in any case YAML allows', () => {
    expect(read({ ...base, 'dry-run': 'TRUE' }).dryRun).toBe(true)
    expect(read({ ...base, 'dry-run': 'False' }).dryRun).toBe(false)
  })
})

describe('renamed inputs', () => {
  const withWarnings = (inputs: Record<string, string>): { config: ReturnType<typeof readConfig>; warnings: string[] } => {
    const warnings: string[] = []
    const config = readConfig((n) => inputs[n] ?? '', {}, (m) => warnings.push(m))
    return { config, warnings }
  }
  const { service: _service, ...noService } = base

  it.each([
    ['image-name', 'service', { ...noService, 'image-name': 'api' }, { imageName: 'api' }],
    ['image-name-tag-key', 'service-tag-key', { ...base, 'image-name-tag-key': 'app:name' }, { imageNameTagKey: 'app:name' }],
    ['boot-time', 'boot-grace', { ...base, 'boot-time': '8m' }, { bootTimeMs: 480_000 }]
  ])('%s still works, and warns naming the old and the new input', (old, now, inputs, expected) => {
    const { config, warnings } = withWarnings(inputs)
    expect(config).toMatchObject(expected)
    expect(warnings).toEqual([`Input '${old}' is deprecated: use '${now}' instead (same meaning). The old name will be removed in the next major version.`])
  })

  it('the new names warn about nothing', () => {
    const { config, warnings } = withWarnings({ ...base, 'service-tag-key': 'app:name', 'boot-grace': '8m' })
    expect(config).toMatchObject({ imageName: 'web', imageNameTagKey: 'app:name', bootTimeMs: 480_000 })
    expect(warnings).toEqual([])
  })

  it('takes the old name when the new one holds only the default a runner fills in, or the same value', () => {
    expect(withWarnings({ ...base, 'service-tag-key': 'docker:image:name', 'image-name-tag-key': 'app:name' }).config.imageNameTagKey).toBe('app:name')
    expect(withWarnings({ ...base, 'boot-grace': 'auto', 'boot-time': '8m' }).config.bootTimeMs).toBe(480_000)
    expect(withWarnings({ ...base, 'image-name': 'web' }).config.imageName).toBe('web')
  })

  it.each([
    [{ ...base, 'image-name': 'api' }, `Input 'service' is invalid: "web". The step also gives 'image-name' ("api"), the deprecated name of the same input, with another value: give only 'service'.`],
    [{ ...base, 'service-tag-key': 'a:b', 'image-name-tag-key': 'c:d' }, `Input 'service-tag-key' is invalid: "a:b". The step also gives 'image-name-tag-key' ("c:d")`],
    [{ ...base, 'boot-grace': '5m', 'boot-time': '8m' }, `Input 'boot-grace' is invalid: "5m". The step also gives 'boot-time' ("8m")`]
  ])('both names with different values is an input error naming both (%j)', (inputs, message) => {
    expect(() => withWarnings(inputs)).toThrow(message)
  })

  it('a bad value under the old name is named by the old name', () => {
    expect(() => withWarnings({ ...noService, 'image-name': 'web*' })).toThrow(`Input 'image-name' is invalid: "web*".`)
    expect(() => withWarnings({ ...base, 'boot-time': 'soon' })).toThrow(`Input 'boot-time' is invalid: "soon".`)
  })
})

describe('version-format', () => {
  const deploy = (version: string, extra: Record<string, string> = {}) => () => read({ ...base, version, ...extra })

  it.each(['v2', '1.2.3', 'v1.2.3-rc.1', '2026.12.03_1', '_v', 'V'.repeat(128), `sha256:${'ab'.repeat(32)}`])('docker (the default) accepts the Docker tag or digest %s', (version) => {
    expect(deploy(version)()).toMatchObject({ version })
    expect(read({ ...base, mode: 'canary', version })).toMatchObject({ version })
  })

  it.each(['v1.2.3+build.5', 'release/2026-12', '.v2', '-v2', 'v 2', 'V'.repeat(129), `sha256:${'AB'.repeat(32)}`, 'sha256:abc', 'web@sha256'])(
    'docker refuses %s before any AWS call, naming the input, the value, the shape and version-format: any',
    (version) => {
      expect(deploy(version)).toThrow(`Input 'version' is invalid: "${version}". With version-format: docker (the default)`)
      expect(deploy(version)).toThrow('a Docker tag (^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$')
      expect(deploy(version)).toThrow('or an image digest (^sha256:[0-9a-f]{64}$)')
      expect(deploy(version)).toThrow('set version-format: any')
      expect(() => read({ ...base, mode: 'canary', version })).toThrow(`Input 'version' is invalid: "${version}".`)
    }
  )

  it('any accepts every tag value; with an image there is no check beyond the tag value', () => {
    expect(deploy('v1.2.3+build.5', { 'version-format': 'any' })()).toMatchObject({ version: 'v1.2.3+build.5' })
    expect(deploy('release/2026-12', { 'version-format': 'ANY' })()).toMatchObject({ version: 'release/2026-12' })
    expect(deploy('release/2026-12', { image: 'ami-0abcdef1234567890' })()).toMatchObject({ version: 'release/2026-12' })
    expect(deploy('v1;rm', { 'version-format': 'any' })).toThrow(`Input 'version' is invalid: "v1;rm". An Auto Scaling tag value may hold only`)
  })

  it('modes that write no version do not check its shape; an unknown format is an input error', () => {
    expect(read({ ...base, mode: 'rollback', version: 'release/2026-12' }).mode).toBe('rollback')
    expect(deploy('v2', { 'version-format': 'semver' })).toThrow(`Input 'version-format' is invalid: "semver". Use one of: docker, any.`)
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
