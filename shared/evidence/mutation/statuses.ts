import type { MutantStatus } from '../types.js'

/**
 * How other tools' statuses map onto Stryker's (mutation-testing-report-schema). The score is
 * always Stryker's: (Killed + Timeout) / (Killed + Timeout + Survived + NoCoverage) x 100, with
 * CompileError, RuntimeError, Ignored and Pending outside it.
 *
 * PIT counts NON_VIABLE, MEMORY_ERROR and RUN_ERROR as detected and divides by every mutant; here
 * they are errors outside the score (as Stryker treats a mutant that does not compile or crashes
 * the run), so our score can differ from PIT's own printout on projects with such mutants.
 */
export const PIT_STATUS: Readonly<Record<string, MutantStatus>> = {
  KILLED: 'Killed',
  TIMED_OUT: 'Timeout',
  SURVIVED: 'Survived',
  NO_COVERAGE: 'NoCoverage',
  NON_VIABLE: 'CompileError',
  MEMORY_ERROR: 'RuntimeError',
  RUN_ERROR: 'RuntimeError',
  EQUIVALENT: 'Ignored',
  NOT_STARTED: 'Pending',
  STARTED: 'Pending'
}

/**
 * mutmut 3 exit codes (mutmut/__main__.py status_by_exit_code). "suspicious" (35 and any code
 * mutmut does not know) means the tests neither clearly passed nor failed: it is normalised to
 * Survived, so an unexplained result never raises the score. -24 is listed twice in mutmut's dict;
 * the later entry, timeout, is the one mutmut uses. Caught by the type checker (37) is a
 * CompileError; a segfault (-11, -9) a RuntimeError; not checked (null) Pending.
 */
export function mutmutStatus(exitCode: number | null): MutantStatus {
  if (exitCode === null) return 'Pending'
  switch (exitCode) {
    case 1:
    case 3:
      return 'Killed'
    case 0:
      return 'Survived'
    case 5:
    case 33:
      return 'NoCoverage'
    case 34:
      return 'Ignored'
    case 36:
    case 24:
    case -24:
    case 152:
    case 255:
      return 'Timeout'
    case 37:
      return 'CompileError'
    case -11:
    case -9:
      return 'RuntimeError'
    default:
      return 'Survived' // 35 "suspicious" and unmapped codes
  }
}

/** mutmut-cicd-stats.json keys and the status each count is normalised to. */
export const MUTMUT_STATS_KEYS: ReadonlyArray<[string, MutantStatus]> = [
  ['killed', 'Killed'],
  ['survived', 'Survived'],
  ['no_tests', 'NoCoverage'],
  ['skipped', 'Ignored'],
  ['suspicious', 'Survived'],
  ['timeout', 'Timeout'],
  ['segfault', 'RuntimeError']
]

export const STRYKER_STATUSES: readonly MutantStatus[] = [
  'Killed',
  'Survived',
  'NoCoverage',
  'Timeout',
  'CompileError',
  'RuntimeError',
  'Ignored',
  'Pending'
]

const COUNT_KEY: Record<MutantStatus, string> = {
  Killed: 'killed',
  Survived: 'survived',
  NoCoverage: 'no_coverage',
  Timeout: 'timeout',
  CompileError: 'compile_error',
  RuntimeError: 'runtime_error',
  Ignored: 'ignored',
  Pending: 'pending'
}

export function countKey(status: MutantStatus): string {
  return COUNT_KEY[status]
}

export function isDetected(status: MutantStatus): boolean {
  return status === 'Killed' || status === 'Timeout'
}

export function isValid(status: MutantStatus): boolean {
  return isDetected(status) || status === 'Survived' || status === 'NoCoverage'
}
