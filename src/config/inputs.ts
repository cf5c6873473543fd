// The action's input names (as action.yml declares them), owned here and nowhere else: config/ reads them,
// credentials/ and the run name them in their errors. A leaf: it imports nothing, so any layer may use it.

export const Inputs = {
  mode: 'mode',
  prefix: 'prefix',
  service: 'service',
  version: 'version',
  versionFormat: 'version-format',
  region: 'aws-region',
  healthTimeout: 'health-timeout',
  pollInterval: 'poll-interval',
  bootGrace: 'boot-grace',
  dryRun: 'dry-run',
  serviceTagKey: 'service-tag-key',
  versionTagKey: 'version-tag-key',
  blueColor: 'blue-color',
  greenColor: 'green-color',
  githubToken: 'github-token',
  deploymentEnvironment: 'deployment-environment',
  allowOlderCommit: 'allow-older-commit',
  bakeTime: 'bake-time',
  alarmNames: 'alarm-names',
  allowAlarmAtStart: 'allow-alarm-at-start',
  failOnInsufficientData: 'fail-on-insufficient-data',
  canaryCount: 'canary-count',
  image: 'image',
  imageOwners: 'image-owners',
  roleToAssume: 'role-to-assume',
  roleSessionName: 'role-session-name',
  roleDurationSeconds: 'role-duration-seconds',
  audience: 'audience'
} as const

export type InputName = (typeof Inputs)[keyof typeof Inputs]

/**
 * Inputs that were renamed, by their new name: the old name (still declared in action.yml, with a
 * deprecationMessage) and the default action.yml gives the new one. The old names still work, with a warning.
 */
export const Renamed = {
  [Inputs.service]: { old: 'image-name', default: '' },
  [Inputs.serviceTagKey]: { old: 'image-name-tag-key', default: 'docker:image:name' },
  [Inputs.bootGrace]: { old: 'boot-time', default: 'auto' }
} as const

export type RenamedInput = keyof typeof Renamed
