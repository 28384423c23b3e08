// Jest in ESM mode: ts-jest transpiles only (isolatedModules); `npm run typecheck` type-checks.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/fixtures/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/__tests__/fixtures/'],
  testTimeout: 60000,
  // Coverage (npm run test:ci) of the code the tests load in-process; bundles run as child
  // processes are exercised end to end but not counted here.
  coverageProvider: 'v8',
  collectCoverageFrom: ['shared/**/*.ts', 'actions/**/*.ts', 'cli/**/*.ts', '!**/index.ts'],
  coverageReporters: ['lcov', 'text-summary'],
  coverageDirectory: 'coverage'
}
