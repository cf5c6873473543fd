// The action's input names (as action.yml declares them), owned here and nowhere else: config/ reads them,
// credentials/ and the run name them in their errors. A leaf: it imports nothing, so any layer may use it.

export const Inputs = {
  mode: 'mode',
  prefix: 'prefix',
  imageName: 'image-name',
  version: 'version',
  region: 'aws-region',
  healthTimeout: 'health-timeout',
  pollInterval: 'poll-interval',
  bootTime: 'boot-time',
  dryRun: 'dry-run',
  imageNameTagKey: 'image-name-tag-key',
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
