// Two suites from one config:
// - `npm test` (the fast suite): every test file but the ones listed in EXHAUSTIVE_ONLY; kill sweeps visit a
//   seeded sample of their kill points (test-support/suite.ts). The seed is drawn here, once per run, and
//   printed: `KILL_SEED=<seed> npm test` replays the same sample.
// - `npm run test:exhaustive` (TEST_SUITE=exhaustive): every test file, every kill point.
import os from 'node:os'

const exhaustive = process.env.TEST_SUITE === 'exhaustive'

/**
 * Only in the exhaustive suite: the starter kit, the simulate and bench commands' own process tests, the workflow
 * linter's own tests (CI lints the workflows with it either way), the bundle e2e tests of single features
 * whose behaviour the in-process scenario tests already prove (traffic-switch: scenario/traffic-switch and
 * traffic-switch-kills; the fast suite keeps the bundle's main e2e, startup, OIDC and every mode's kill test),
 * and the job summary's render test (it needs Debian's Chromium, which a fresh machine does not have).
 */
const EXHAUSTIVE_ONLY = [
  '/__tests__/starter/',
  '/__tests__/simulate/(cli|bench)\\.test\\.ts$',
  '/__tests__/workflows/',
  '/__tests__/e2e/(ami|classic-lb|hooks|progressive|traffic-switch|weights)\\.test\\.ts$',
  '/__tests__/summary/render\\.test\\.ts$'
]

if (!exhaustive && !process.env.KILL_SEED) {
  process.env.KILL_SEED = String(Math.floor(Math.random() * 1_000_000))
  process.stderr.write(`kill sweeps sample their kill points with KILL_SEED=${process.env.KILL_SEED} (set it to replay this sample; npm run test:exhaustive visits every point)\n`)
}

export default {
  testEnvironment: 'node',
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...(exhaustive ? [] : EXHAUSTIVE_ONLY)],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: [151002] } }]
  },
  setupFilesAfterEnv: ['<rootDir>/test-support/jest-setup.ts'],
  testSequencer: '<rootDir>/test-support/sequencer.mjs',
  testTimeout: 60000,
  // Two workers more than the cores: the bundle's e2e and kill tests spend most of their time waiting on
  // child processes that run in real time, the in-process tests keep the cores busy meanwhile.
  maxWorkers: os.availableParallelism() + 2
}
