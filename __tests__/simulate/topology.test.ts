// `npm run simulate` topologies: the command line and the JSON file are parsed strictly (errors name
// the flag or key and the value), layers combine as documented, and --exec steps are understood.
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { REPO_ROOT } from '../../test-support/bundle.js'
import { SCENARIOS } from '../../scripts/simulate/presets.js'
import { type TopologySpec, TopologyError } from '../../scripts/simulate/types.js'
import { loadTopologyFile, parseTopologyJson } from '../../scripts/simulate/file.js'
import { parseArgs } from '../../scripts/simulate/cli.js'
import { parseExecStep, resolveTopology, stepInputs } from '../../scripts/simulate/resolve.js'

const noFile = (): TopologySpec => {
  throw new Error('no file expected')
}

function parseError(argv: string[], files: Record<string, unknown> = {}): string {
  try {
    parseArgs(argv, (f) => parseTopologyJson(files[f], f))
  } catch (err) {
    expect(err).toBeInstanceOf(TopologyError)
    return (err as Error).message
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`)
}

describe('defaults and flags', () => {
  it('defaults to one service prod-web (3 instances of v1, one target group) on a random port at speed 60', () => {
    const { topology: t, exec, help } = parseArgs([], noFile)
    expect(help).toBe(false)
    expect(exec).toEqual([])
    expect(t).toMatchObject({ prefix: 'prod-', region: 'us-east-1', speed: 60, port: 0, watchSeconds: 0, badVersions: [], stuckVersions: [], failLaunches: {} })
    expect(t.inputs).toEqual({ 'poll-interval': '1s', 'health-timeout': '2m' })
    expect(t.services).toEqual([
      {
        name: 'web',
        base: 'prod-web',
        blue: 'prod-web-blue',
        green: 'prod-web-green',
        imageName: 'web',
        instances: 3,
        max: 6,
        version: 'v1',
        targetGroups: ['prod-web'],
        launchSeconds: 60,
        healthCheckIntervalSeconds: 10,
        healthyAfterChecks: 2,
        deregistrationDelaySeconds: 300,
        scaling: false
      }
    ])
  })

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const { topology: t } = parseArgs(
      [
        '--prefix', 'staging-', '--services', 'web,api', '--image=shop', '--instances', '5', '--max=20', '--version', 'v7',
        '--target-groups', '2', '--health-interval', '30', '--healthy-after', '5', '--deregistration-delay', '0',
        '--launch-seconds', '120', '--bad-version', 'v8', '--bad-version', 'v9', '--stuck-version', 'v10',
        '--fail-launches', 'staging-api-green', '--scaling', '--speed', '120', '--port', '4566', '--region', 'eu-west-3',
        '--watch', '2.5', '--input', 'health-timeout=45s'
      ],
      noFile
    )
    expect(t).toMatchObject({ prefix: 'staging-', region: 'eu-west-3', speed: 120, port: 4566, watchSeconds: 2.5 })
    expect(t.badVersions).toEqual(['v8', 'v9'])
    expect(t.stuckVersions).toEqual(['v10'])
    expect(t.failLaunches).toEqual({ 'staging-api-green': '' })
    expect(t.inputs['health-timeout']).toBe('45s')
    expect(t.services.map((s) => [s.blue, s.green, s.targetGroups])).toEqual([
      ['staging-web-blue', 'staging-web-green', ['staging-web-tg1', 'staging-web-tg2']],
      ['staging-api-blue', 'staging-api-green', ['staging-api-tg1', 'staging-api-tg2']]
    ])
    for (const s of t.services) {
      expect(s).toMatchObject({ imageName: 'shop', instances: 5, max: 20, version: 'v7', launchSeconds: 120, healthCheckIntervalSeconds: 30, healthyAfterChecks: 5, deregistrationDelaySeconds: 0, scaling: true })
    }
  })

  it('--pairs N names the services web-1 … web-N; --target-groups takes names for one service', () => {
    expect(parseArgs(['--pairs', '3'], noFile).topology.services.map((s) => s.base)).toEqual(['prod-web-1', 'prod-web-2', 'prod-web-3'])
    expect(parseArgs(['--target-groups', 'web-http,web-admin'], noFile).topology.services[0]?.targetGroups).toEqual(['web-http', 'web-admin'])
  })

  it('--help wins over anything else, even bad values', () => {
    expect(parseArgs(['--instances', 'lots', '--help'], noFile).help).toBe(true)
    expect(parseArgs(['-h'], noFile).help).toBe(true)
  })

  it.each([
    [['--instances', 'abc'], /invalid value "abc" for --instances: expected a whole number from 1 to 500/],
    [['--instances', '0'], /"0" for --instances/],
    [['--instances', '2.5'], /"2.5" for --instances/],
    [['--max', '2', '--instances', '3'], /invalid value 2 for max of service web: it must be at least its 3 instances/],
    [['--pairs', '0'], /"0" for --pairs/],
    [['--services', 'web,,api'], /"web,,api" for --services/],
    [['--services', '-web'], /"-web" for --services/],
    [['--services', 'web', '--pairs', '2'], /--services or --pairs, not both/],
    [['--services', 'web,web'], /service "web" is listed twice/],
    [['--prefix', 'prod prod'], /"prod prod" for --prefix/],
    [['--image', 'we$b'], /"we\$b" for --image/],
    [['--version', ''], /"" for --version/],
    [['--version', 'x'.repeat(257)], /for --version: expected an Auto Scaling tag value/],
    [['--target-groups', '6'], /"6" for --target-groups/],
    [['--target-groups', '-bad-'], /"-bad-" for --target-groups/],
    [['--target-groups', 'a,b', '--services', 'x,y'], /for --target-groups: target group names fit one service only/],
    [['--health-interval', '4'], /"4" for --health-interval: expected a whole number from 5 to 300/],
    [['--healthy-after', '1'], /"1" for --healthy-after: expected a whole number from 2 to 10/],
    [['--deregistration-delay', '-1'], /"-1" for --deregistration-delay/],
    [['--launch-seconds', 'soon'], /"soon" for --launch-seconds/],
    [['--bad-version', 'v1'], /"v1" for --bad-version: prod-web-blue already serves v1/],
    [['--stuck-version', 'v1'], /"v1" for --stuck-version: prod-web-blue already serves v1/],
    [['--bad-version', 'v3', '--stuck-version', 'v3'], /v3 is given both as --bad-version and --stuck-version/],
    [['--fail-launches', 'prod-api-green'], /"prod-api-green" for --fail-launches: no such group .*prod-web-blue, prod-web-green/],
    [['--speed', '0'], /"0" for --speed: expected a number from 0.1 to 10000/],
    [['--speed', 'fast'], /"fast" for --speed/],
    [['--port', '70000'], /"70000" for --port: expected a whole number from 0 to 65535/],
    [['--port', '45x'], /"45x" for --port/],
    [['--region', 'mars'], /"mars" for --region: expected an AWS region/],
    [['--watch', '-5'], /"-5" for --watch/],
    [['--input', 'health-timeout'], /"health-timeout" for --input: expected an action input as name=value/],
    [['--input', 'prefix=qa-'], /"prefix" for --input: prefix is set per step/],
    [['--scenario', 'huge'], /"huge" for --scenario: expected one of single, two-services, big, bad-release/],
    [['--scenario', 'single', '--scenario', 'big'], /--scenario is given 2 times/],
    [['--instances'], /--instances needs a value/],
    [['--instances', '--max', '3'], /--instances needs a value/],
    [['--scaling=yes'], /--scaling takes no value/],
    [['--frobnicate'], /unknown option --frobnicate/],
    [['deploy'], /unexpected argument "deploy"/]
  ])('refuses %j, naming the flag and the value', (argv, message) => {
    expect(parseError(argv)).toMatch(message)
  })

  it('derived target group names longer than 32 characters are refused with a hint', () => {
    expect(parseError(['--services', 'a-very-long-service-name-for-tg'])).toMatch(/"prod-a-very-long-service-name-for-tg" for target group of service .*give "targetGroups" names/)
  })
})

describe('layers: --scenario, then --topology, then flags', () => {
  it('every preset resolves', () => {
    for (const name of Object.keys(SCENARIOS)) expect(() => parseArgs(['--scenario', name], noFile)).not.toThrow()
  })

  it('big has 45 instances; two-services has two pairs sharing image api, one with two target groups', () => {
    const big = parseArgs(['--scenario', 'big'], noFile).topology
    expect(big.services.map((s) => [s.blue, s.instances, s.max, s.scaling])).toEqual([['prod-web-blue', 45, 90, true]])
    const two = parseArgs(['--scenario', 'two-services'], noFile).topology
    expect(two.services.map((s) => [s.base, s.imageName, s.instances, s.targetGroups])).toEqual([
      ['prod-api-web', 'api', 4, ['prod-api-web-http', 'prod-api-web-grpc']],
      ['prod-api-worker', 'api', 2, ['prod-api-worker']]
    ])
    expect(parseArgs(['--scenario', 'bad-release'], noFile).topology.badVersions).toEqual(['v3'])
  })

  it('flags override the file, which overrides the preset', () => {
    const file = { defaults: { instances: 4, version: 'v5' }, speed: 30, services: [{ name: 'api', instances: 2 }, 'web'] }
    const { topology: t } = parseArgs(['--scenario', 'big', '--topology', 'f.json', '--version', 'v6', '--speed', '90'], (f) => parseTopologyJson(file, f))
    expect(t.speed).toBe(90)
    // services come from the file (replacing the preset's); instances: service > file defaults; version: flag
    expect(t.services.map((s) => [s.base, s.instances, s.version])).toEqual([
      ['prod-api', 2, 'v6'],
      ['prod-web', 4, 'v6']
    ])
  })

  it('the example file parses', () => {
    const spec = loadTopologyFile(path.join(REPO_ROOT, 'examples', 'rehearse', 'topology.json'))
    const t = resolveTopology([spec])
    expect(t.services.map((s) => s.base)).toEqual(['prod-shop-web', 'prod-shop-worker'])
    expect(t.services[0]?.targetGroups).toEqual(['prod-shop-web-http', 'prod-shop-web-admin'])
    expect(t.services[1]).toMatchObject({ instances: 2, deregistrationDelaySeconds: 30, healthyAfterChecks: 3, imageName: 'shop' })
    expect(t.port).toBe(4566)
  })

  it.each([
    [[1, 2], /invalid value \[1,2\] for f.json: expected a JSON object/],
    [{ speeed: 60 }, /unknown key "speeed" in f.json/],
    [{ services: [{ name: 'web', instancs: 3 }] }, /unknown key "instancs" in f.json: services\[0\]/],
    [{ services: [{ instances: 3 }] }, /missing key "name" in f.json: services\[0\]/],
    [{ services: [] }, /for f.json: services: expected an array of 1 to 50 services/],
    [{ services: [{ name: 'web', instances: '3' }] }, /invalid value "3" for f.json: services\[0\].instances/],
    [{ services: [{ name: 'web', targetGroups: ['ok', 'not ok'] }] }, /"not ok" for f.json: services\[0\].targetGroups\[1\]/],
    [{ services: [{ name: 'a', targetGroups: ['shared'] }, { name: 'b', targetGroups: ['shared'] }] }, /target group shared is used by two services/],
    [{ defaults: { healthyAfterChecks: 11 } }, /11 for f.json: defaults.healthyAfterChecks: expected a whole number from 2 to 10/],
    [{ defaults: { scaling: 'yes' } }, /"yes" for f.json: defaults.scaling: expected true or false/],
    [{ badVersions: 'v3' }, /"v3" for f.json: badVersions: expected an array/],
    [{ failLaunches: { 'prod-web-green': 5 } }, /5 for f.json: failLaunches.prod-web-green/],
    [{ inputs: { 'health-timeout': 60 } }, /60 for f.json: inputs.health-timeout: expected a string/],
    [{ port: 4566.5 }, /4566.5 for f.json: port/]
  ])('refuses the file %j, naming the key', (json, message) => {
    expect(parseError(['--topology', 'f.json'], { 'f.json': json })).toMatch(message)
  })

  it('a missing or malformed file is reported with its name', () => {
    expect(() => loadTopologyFile('/nonexistent/topology.json')).toThrow(/cannot read --topology \/nonexistent\/topology.json: ENOENT/)
    const bad = path.join(REPO_ROOT, 'package-lock.json') // valid JSON, but not a topology
    expect(() => loadTopologyFile(bad)).toThrow(/unknown key "name" in .*package-lock.json/)
  })
})

describe('--exec steps', () => {
  const single = parseArgs([], noFile).topology
  const two = resolveTopology([{ services: [{ name: 'web' }, { name: 'api', imageName: 'api' }] }])

  it('parses modes, versions, inputs and expect=', () => {
    expect(parseExecStep('deploy v2', single)).toEqual({ kind: 'run', text: 'deploy v2', mode: 'deploy', inputs: { version: 'v2', 'service': 'web' } })
    expect(parseExecStep(' rollback  dry-run=true expect=planned', single)).toEqual({
      kind: 'run',
      text: 'rollback  dry-run=true expect=planned',
      mode: 'rollback',
      inputs: { 'dry-run': 'true', 'service': 'web' },
      expectState: 'planned'
    })
    expect(parseExecStep('wait 1.5', single)).toEqual({ kind: 'wait', text: 'wait 1.5', seconds: 1.5 })
    expect(parseArgs(['--exec', 'deploy v2', '--exec', 'finalize'], noFile).exec.map((s) => s.text)).toEqual(['deploy v2', 'finalize'])
  })

  it('builds the inputs the bundle gets (step inputs win over --input)', () => {
    const t = resolveTopology([{ inputs: { 'health-timeout': '5m' } }])
    const step = parseExecStep('deploy v2 health-timeout=30s', t)
    if (step.kind !== 'run') throw new Error('run step expected')
    expect(stepInputs(t, step.mode, step.inputs)).toEqual({ mode: 'deploy', prefix: 'prod-', 'service': 'web', version: 'v2', 'poll-interval': '1s', 'health-timeout': '30s' })
  })

  it.each([
    ['', /invalid value "" for --exec: expected a step starting with deploy, finalize, rollback, status or wait/],
    ['upgrade v2', /"upgrade v2" for --exec/],
    ['deploy', /"deploy" for --exec: deploy needs a version/],
    ['deploy v2 v3', /unexpected word "v3"/],
    ['rollback v1', /unexpected word "v1"/],
    ['status mode=deploy', /the mode is the first word/],
    ['deploy v$2', /--exec "deploy v\$2" \(version\)/],
    ['wait', /expected "wait SECONDS"/],
    ['wait soon', /"soon" for --exec/]
  ])('refuses %j', (text, message) => {
    expect(() => parseExecStep(text, single)).toThrow(message)
  })

  it('asks for service when the topology has several', () => {
    expect(() => parseExecStep('status', two)).toThrow(/several service names \(web, api\): add service=NAME/)
    expect(parseExecStep('status service=api', two)).toMatchObject({ inputs: { 'service': 'api' } })
  })
})
