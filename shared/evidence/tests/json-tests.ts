import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import type { OpenedEvidence } from '../evidence-file.js'
import { finiteNumber, isRecord, readJson, requireCount } from '../json-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { str, TestTally } from './tally.js'

/**
 * These JSON reports are one document each, read whole under the JSON size cap (64 MiB unless the
 * evidence sets another): a larger file is refused as too large before parsing, never half-read.
 */

function list(value: unknown, display: string, field: string): unknown[] {
  if (!Array.isArray(value))
    throw new EvidenceError(display, 'malformed', `has no "${field}" array.`)
  return value
}

function errorText(err: unknown): string {
  if (!isRecord(err)) return typeof err === 'string' ? err : ''
  return [str(err.message), str(err.stack)].filter(Boolean).join('\n')
}

// ---- Mocha JSON reporter -----------------------------------------------------------------------

/**
 * `mocha --reporter json`. Each entry of `tests` is a test: with a non-empty `err` it failed, if it
 * is listed in `pending` it was skipped, else it passed (a pass with `currentRetry` > 0 is flaky).
 * A hook failure ("before all" hook) is in `failures` but not in `tests`: it is an error, because
 * the tests it guarded never ran.
 */
export async function readMochaJson(
  opened: OpenedEvidence,
  ctx: ReadContext
): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data) || !isRecord(data.stats))
    throw new EvidenceError(
      display,
      'unsupported',
      'is not a Mocha JSON report: it has no "stats" object.'
    )
  const tests = list(data.tests, display, 'tests')
  const pending = Array.isArray(data.pending) ? data.pending : []
  const failures = Array.isArray(data.failures) ? data.failures : []
  const key = (t: Record<string, unknown>) =>
    `${str(t.file)}\u0000${str(t.fullTitle) || str(t.title)}`
  const pendingKeys = new Set(pending.filter(isRecord).map(key))
  const testKeys = new Set<string>()
  const tally = new TestTally(display, ctx)
  tests.forEach((t, i) => {
    if (!isRecord(t)) throw new EvidenceError(display, 'malformed', `tests[${i}] is not an object.`)
    const k = key(t)
    testKeys.add(k)
    const title = str(t.fullTitle) || str(t.title) || '(unnamed)'
    if (isRecord(t.err) && Object.keys(t.err).length > 0)
      tally.fail(title, () => errorText(t.err), false, { file: str(t.file) || undefined })
    else if (pendingKeys.has(k) || t.pending === true) tally.skip()
    else tally.pass((finiteNumber(t.currentRetry) ?? 0) > 0)
  })
  for (const f of failures) {
    if (isRecord(f) && !testKeys.has(key(f)))
      tally.fail(str(f.fullTitle) || str(f.title) || '(hook)', () => errorText(f.err), true, {
        file: str(f.file) || undefined
      })
  }
  tally.addDuration(
    finiteNumber(data.stats.duration) !== undefined
      ? (finiteNumber(data.stats.duration) ?? 0) / 1000
      : undefined
  )
  return tally.output()
}

// ---- Jest --json -------------------------------------------------------------------------------

/**
 * `jest --json`. Each assertion result is a test: passed (flaky when `invocations` > 1, as
 * jest.retryTimes records), failed, or skipped (pending, skipped, todo, disabled). A test file that
 * failed to run (syntax error, failing import) has status "failed" and no failed assertion: one
 * error, since its tests never ran.
 */
export async function readJestJson(
  opened: OpenedEvidence,
  ctx: ReadContext
): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data) || data.numTotalTests === undefined)
    throw new EvidenceError(
      display,
      'unsupported',
      'is not a Jest --json report: it has no "numTotalTests".'
    )
  const declared = requireCount(data.numTotalTests, display, 'numTotalTests')
  const files = list(data.testResults, display, 'testResults')
  const tally = new TestTally(display, ctx)
  files.forEach((f, i) => {
    if (!isRecord(f))
      throw new EvidenceError(display, 'malformed', `testResults[${i}] is not an object.`)
    const name = str(f.name) || str(f.testFilePath)
    const assertions = Array.isArray(f.assertionResults) ? f.assertionResults : []
    let failedHere = 0
    assertions.forEach((a, j) => {
      if (!isRecord(a))
        throw new EvidenceError(
          display,
          'malformed',
          `testResults[${i}].assertionResults[${j}] is not an object.`
        )
      const title = str(a.fullName) || str(a.title) || '(unnamed)'
      const status = str(a.status)
      switch (status) {
        case 'passed':
          tally.pass((finiteNumber(a.invocations) ?? 1) > 1)
          return
        case 'failed':
          failedHere++
          tally.fail(
            title,
            () =>
              Array.isArray(a.failureMessages) ? a.failureMessages.map(String).join('\n') : '',
            false,
            {
              file: name || undefined,
              line: isRecord(a.location) ? finiteNumber(a.location.line) : undefined
            }
          )
          return
        case 'pending':
        case 'skipped':
        case 'todo':
        case 'disabled':
        case 'focused':
          tally.skip()
          return
        default:
          throw new EvidenceError(
            display,
            'malformed',
            `test "${printable(title, 120)}" has status "${printable(status, 40)}", which Jest does not write.`
          )
      }
    })
    if (str(f.status) === 'failed' && failedHere === 0) {
      tally.fail(
        `test file ${name || `#${i + 1}`}`,
        str(f.message) || str(f.failureMessage),
        true,
        { file: name || undefined }
      )
    }
  })
  // Jest counts a test file that failed to run in no total; an assertion total lower than Jest's
  // own means assertions were removed from the file.
  const assertionsSeen = tally.total - tally.errors
  if (assertionsSeen < declared) {
    throw new EvidenceError(
      display,
      'malformed',
      `numTotalTests is ${declared} but the report lists ${assertionsSeen} tests; the file is inconsistent.`
    )
  }
  const start = finiteNumber(data.startTime)
  if (start !== undefined) {
    // The last file's end (a loop: spreading 100k ends into Math.max would overflow the stack).
    let end: number | undefined
    for (const f of files) {
      const e = isRecord(f) && isRecord(f.perfStats) ? finiteNumber(f.perfStats.end) : undefined
      if (e !== undefined && (end === undefined || e > end)) end = e
    }
    if (end !== undefined) tally.addDuration((end - start) / 1000)
  }
  return tally.output()
}

// ---- RSpec JSON formatter ----------------------------------------------------------------------

/**
 * `rspec --format json`. Example statuses: passed, failed, pending (skipped). RSpec's
 * `errors_outside_of_examples_count` (a file that failed to load, an error in a before(:suite)
 * hook) counts one error each, since the examples behind them never ran.
 */
export async function readRspecJson(
  opened: OpenedEvidence,
  ctx: ReadContext
): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data) || !isRecord(data.summary) || !Array.isArray(data.examples)) {
    throw new EvidenceError(
      display,
      'unsupported',
      'is not an RSpec JSON report: it needs "examples" and "summary".'
    )
  }
  const tally = new TestTally(display, ctx)
  data.examples.forEach((e, i) => {
    if (!isRecord(e))
      throw new EvidenceError(display, 'malformed', `examples[${i}] is not an object.`)
    const title = str(e.full_description) || str(e.description) || str(e.id) || '(unnamed)'
    switch (str(e.status)) {
      case 'passed':
        tally.pass()
        return
      case 'failed':
        tally.fail(
          title,
          () =>
            isRecord(e.exception)
              ? [str(e.exception.class), str(e.exception.message)].filter(Boolean).join(': ')
              : '',
          false,
          {
            file: str(e.file_path).replace(/^\.\//, '') || undefined,
            line: finiteNumber(e.line_number)
          }
        )
        return
      case 'pending':
        tally.skip()
        return
      default:
        throw new EvidenceError(
          display,
          'malformed',
          `example "${printable(title, 120)}" has status "${printable(str(e.status), 40)}", which RSpec does not write.`
        )
    }
  })
  const outside = data.summary.errors_outside_of_examples_count
  const n =
    outside === undefined
      ? 0
      : requireCount(outside, display, 'summary.errors_outside_of_examples_count')
  const messages = Array.isArray(data.messages) ? data.messages.map(String).join('\n') : ''
  for (let i = 0; i < n; i++) tally.fail('error outside of examples', messages, true)
  const declared = data.summary.example_count
  if (
    declared !== undefined &&
    requireCount(declared, display, 'summary.example_count') !== data.examples.length
  ) {
    throw new EvidenceError(
      display,
      'malformed',
      `summary.example_count is ${String(declared)} but the report lists ${data.examples.length} examples; the file is inconsistent.`
    )
  }
  tally.addDuration(finiteNumber(data.summary.duration))
  return tally.output()
}
