// Jest in ESM mode: ts-jest transpiles only (isolatedModules); `npm run typecheck` type-checks.
//
// Two suites share this file. FLOW_TESTS=unit (`npm test`) runs the in-process unit, property and
// contract tests: the fast loop. FLOW_TESTS=e2e (`npm run test:e2e`) runs the suites that spawn
// bundles from dist/, real tools (Stryker, ShellCheck, git hooks) and real servers (Prometheus,
// Chromium). Unset (`npm run test:all` through test:ci) runs both in one process, so the JUnit report
// and the coverage the self-gate reads cover the whole suite.
const E2E = [
  '/__tests__/e2e/',
  '/__tests__/hostile/',
  '/e2e\\.test\\.ts$',
  '/__tests__/canary/integration\\.test\\.ts$',
  '/__tests__/mutation/(lint|stryker-real)\\.test\\.ts$',
  '/__tests__/workflows/lint\\.test\\.ts$',
  '/__tests__/recalibrate/dashboard\\.test\\.ts$'
]
const ALWAYS_IGNORED = ['/node_modules/', '/__tests__/fixtures/']
const suite = process.env.FLOW_TESTS ?? 'all'
if (!['unit', 'e2e', 'all'].includes(suite))
  throw new Error(`FLOW_TESTS must be unit, e2e or all, not "${suite}"`)

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  ...(suite === 'e2e'
    ? { testRegex: E2E.map((p) => `${p.endsWith('$') ? p : `${p}.*\\.test\\.ts$`}`) }
    : { testMatch: ['<rootDir>/__tests__/**/*.test.ts'] }),
  testPathIgnorePatterns: suite === 'unit' ? [...ALWAYS_IGNORED, ...E2E] : ALWAYS_IGNORED,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/__tests__/fixtures/'],
  testTimeout: 60000,
  // Coverage (npm run test:ci) of the code the tests load in-process; bundles run as child
  // processes are exercised end to end but not counted here.
  coverageProvider: 'v8',
  collectCoverageFrom: ['shared/**/*.ts', 'actions/**/*.ts', 'cli/**/*.ts', '!**/index.ts'],
  coverageReporters: ['lcov', 'text-summary'],
  coverageDirectory: 'coverage'
}
