import picomatch from 'picomatch'
import { boundedMatcher } from '../glob.js'
import { changeTotals, type Change } from './model.js'

/**
 * Test files by the conventions of the common test runners (Jest/Vitest/Mocha, pytest, Go,
 * JUnit/Maven/Gradle, RSpec, xUnit). A file in the change that matches one counts towards
 * changes.tests_touched.
 */
export const DEFAULT_TEST_PATTERNS: readonly string[] = [
  '**/*.{test,spec}.*',
  '**/*_{test,spec}.*',
  '**/test_*.py',
  '**/{__tests__,test,tests,spec,specs}/**',
  '**/src/test/**',
  '**/*{Test,Tests,Spec,IT}.{java,kt,kts,scala,groovy,cs,fs,vb,swift}'
]

let defaultTestMatcher: ((path: string) => boolean) | undefined

/**
 * Whether a path is a test file by DEFAULT_TEST_PATTERNS: compiled once, on first use, so a run
 * without a change (most runs of check-gates) does not pay for six regexes at start-up.
 */
export function isTestFile(path: string): boolean {
  defaultTestMatcher ??= picomatch([...DEFAULT_TEST_PATTERNS], { dot: true })
  return defaultTestMatcher(path)
}

/** Metrics that measure one change (its size, its new code, its mutants), not the project. */
export function isChangeMetric(name: string): boolean {
  return /^(changes\.|coverage\.new_|mutation\.changed_)/.test(name)
}

/** changes.* metrics of a change. */
export function changeMetrics(
  change: Change,
  testPatterns: readonly string[] = DEFAULT_TEST_PATTERNS
): Map<string, number> {
  const totals = changeTotals(change)
  const isTest =
    testPatterns === DEFAULT_TEST_PATTERNS
      ? isTestFile
      : boundedMatcher(testPatterns, { dot: true })
  const testsTouched = change.files.filter(
    (f) => isTest(f.path) || (f.previousPath !== undefined && isTest(f.previousPath))
  ).length
  return new Map([
    ['changes.files', totals.files],
    ['changes.lines', totals.lines],
    ['changes.lines_added', totals.linesAdded],
    ['changes.lines_deleted', totals.linesDeleted],
    ['changes.tests_touched', testsTouched]
  ])
}
