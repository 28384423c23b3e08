import { EvidenceError } from '../errors.js'
import { printable } from '../safe-path.js'
import type { OpenedEvidence } from './evidence-file.js'
import { addCount, type Counts } from './namespaces.js'
import type { ReadContext, ReaderOutput } from './reader.js'
import { countAttr, numAttr, streamXml, type XmlTag } from './xml-stream.js'

const MAX_MESSAGE_CHARS = 4000
const SUITE_COUNT_ATTRS = ['tests', 'failures', 'errors', 'skipped', 'disabled', 'skip']
/** Status or result attribute values that mean the test did not run, failed, or errored. */
const SKIPPED_STATUS = new Set(['notrun', 'skipped', 'skip', 'disabled', 'suppressed'])
const FAILED_STATUS = new Set(['failed', 'failure', 'fail'])
const ERROR_STATUS = new Set(['error', 'errored'])

interface OpenCase {
  name: string
  classname: string
  file?: string
  line?: number
  failed: boolean
  errored: boolean
  skipped: boolean
  flaky: boolean
  message: string
  capturing: boolean
  /** <failure> and <error> elements: JUnit 5 writes one per failed assertion, and suites count them. */
  failureEls: number
  errorEls: number
}

/** One try, or several tries merged, of the same test in one suite (retries: merge). */
interface Merged {
  last: OpenCase
  passed: boolean
  failedTries: number
  /** The last failed try, for its message. */
  lastFailure?: OpenCase
}

/** A <testsuite> or <testsuites> being read, with what its subtree showed so far. */
interface Suite {
  label: string
  tests?: number
  failures?: number
  errors?: number
  skipped?: number
  /** Tests counted in this subtree, from testcases or from a child suite's attributes. */
  counted: number
  /** Failure (or error) marks of the testcases in this subtree: elements, or a status attribute; every try counted. */
  failureMarks: number
  errorMarks: number
  merged?: Map<string, Merged>
}

/**
 * JUnit/xUnit XML (Surefire, Gradle, pytest, unittest, jest-junit, node --test, PHPUnit, nette
 * tester, swift, googletest). Totals come from the <testcase> elements, not from suite attributes,
 * because writers disagree on them (pytest counts a test's failure and teardown error twice).
 * Suite attributes still count in three ways: a negative or NaN count means a broken writer; a
 * suite that lists no testcase at all (and no child suite that did) is counted from its
 * tests/failures/errors/skipped attributes, as EnricoMi's publisher does; and a suite declaring
 * more failures and errors than its testcases show is refused as inconsistent, since trusting
 * the testcases would pass a report that says tests failed.
 * A testcase with <failure> or <error> (or status/result "failed"/"error") failed, and errors are
 * also counted apart; <skipped> (or a googletest status="notrun") is skipped; Surefire's
 * <flakyFailure>/<flakyError> without a final failure is a pass that was flaky; <rerunFailure>
 * accompanies a failure and adds nothing. With `retries: merge`, one test listed several times in
 * one suite (same classname, name and file) counts once: flaky when some try passed, failed when
 * every try failed.
 */
export async function readJUnit(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const merge = ctx.retries === 'merge'
  let total = 0
  let failed = 0
  let errors = 0
  let skipped = 0
  let flaky = 0
  let rootTime: number | undefined
  let outerSuiteTime: number | undefined
  let caseTime = 0
  let checkedRoot = false
  let current: OpenCase | undefined
  let caseDepth = 0
  let suiteCount = 0
  let keptMessages = 0
  const suites: Suite[] = []
  // Testcases outside any suite element (possible only under a <testsuites> root, which opens one).
  const orphan: Suite = {
    label: 'the report',
    counted: 0,
    failureMarks: 0,
    errorMarks: 0,
    ...(merge ? { merged: new Map() } : {})
  }

  const failure = (
    title: string,
    message: string,
    errored: boolean,
    place: { file?: string; line?: number }
  ) => {
    if (!ctx.findings.wants()) return ctx.findings.count()
    ctx.findings.add({
      file: place.file ?? display,
      line: place.line,
      title: `${errored ? 'Error' : 'Failed'}: ${title}`,
      message:
        message.trim().slice(0, MAX_MESSAGE_CHARS) ||
        `${title} ${errored ? 'errored' : 'failed'} (no message) in ${display}.`,
      level: 'error',
      kind: 'test-failure'
    })
  }
  const titleOf = (c: OpenCase) => (c.classname ? `${c.classname} › ${c.name}` : c.name)

  const countFailed = (c: OpenCase) => {
    total++
    failed++
    if (c.errored) errors++
    failure(titleOf(c), c.message, c.errored && !c.failed, c)
  }

  const open = (tag: XmlTag, depth: number): void => {
    const name = tag.name
    if (!checkedRoot) {
      checkedRoot = true
      if (name !== 'testsuites' && name !== 'testsuite') {
        throw new EvidenceError(
          display,
          'unsupported',
          `is not a JUnit report: its root element is <${name}>, expected <testsuites> or <testsuite>.`
        )
      }
      if (name === 'testsuites') rootTime = numAttr(tag, 'time')
    }
    if (name === 'testcase') {
      if (current) return // a testcase inside a testcase is not a test of its own
      // Case times count only when neither the root nor any outer suite gives a time (the total is
      // rootTime ?? outerSuiteTime ?? caseTime), so most reports never parse them.
      if (rootTime === undefined && outerSuiteTime === undefined) {
        const time = numAttr(tag, 'time')
        if (time !== undefined && time > 0) caseTime += time
      }
      // Most writers give neither attribute: then no lowercasing, and the tag's attributes never
      // become strings.
      const marked = tag.attribute('status') !== undefined || tag.attribute('result') !== undefined
      if (tag.isSelfClosing && !marked && !merge) {
        // No status and no child (<failure>, <error>, <skipped>) can follow: a pass, counted as
        // finishCase would count it, without building the case (most testcases of a big report).
        ;(suites[suites.length - 1] ?? orphan).counted++
        total++
        return
      }
      const a = tag.attributes
      const status = marked ? (a.status ?? '').toLowerCase() : ''
      const result = marked ? (a.result ?? '').toLowerCase() : ''
      current = {
        name: a.name ?? '(unnamed)',
        classname: a.classname ?? a.class ?? '',
        file: a.file,
        line: a.line !== undefined ? positiveInt(a.line) : undefined,
        failed: marked && (FAILED_STATUS.has(status) || FAILED_STATUS.has(result)),
        errored: marked && (ERROR_STATUS.has(status) || ERROR_STATUS.has(result)),
        skipped: marked && (SKIPPED_STATUS.has(status) || SKIPPED_STATUS.has(result)),
        flaky: false,
        message: '',
        capturing: false,
        failureEls: 0,
        errorEls: 0
      }
      caseDepth = depth
      return
    }
    if (current) {
      if (depth !== caseDepth + 1) return
      switch (name) {
        case 'failure':
        case 'error':
          if (name === 'error') {
            current.errored = true
            current.errorEls++
          } else {
            current.failed = true
            current.failureEls++
          }
          if (ctx.findings.wants() && current.message.length < MAX_MESSAGE_CHARS) {
            const m = tag.attributes.message
            const type = tag.attributes.type
            const head = [type, m].filter((s) => s !== undefined && s !== '').join(': ')
            if (head) current.message += (current.message ? '\n' : '') + head
            current.capturing = true
          }
          return
        case 'skipped':
          current.skipped = true
          return
        case 'flakyFailure':
        case 'flakyError':
          current.flaky = true
          return
        default:
          return
      }
    }
    if (name === 'testsuite' || name === 'testsuites') {
      const [tests, failures, errs, skip, disabled, skip2] = SUITE_COUNT_ATTRS.map((attr) =>
        countAttr(tag, attr, display)
      )
      suiteCount++
      const label = tag.attributes.name
        ? `suite "${printable(tag.attributes.name, 120)}"`
        : `<${name}> #${suiteCount}`
      suites.push({
        label,
        tests,
        failures,
        errors: errs,
        skipped: skip ?? skip2 ?? disabled,
        counted: 0,
        failureMarks: 0,
        errorMarks: 0,
        ...(merge ? { merged: new Map() } : {})
      })
      // Outer suite times are summed when the root gives no total.
      if (name === 'testsuite' && isOuterSuite()) {
        const t = numAttr(tag, 'time')
        if (t !== undefined && t >= 0) outerSuiteTime = (outerSuiteTime ?? 0) + t
      }
    }
  }

  // The root is a <testsuites> when the first suite frame was opened for it.
  let rootIsSuites = false
  const isOuterSuite = (): boolean => suites.length === (rootIsSuites ? 2 : 1)

  const close = (name: string, depth: number): void => {
    if (current) {
      if (depth === caseDepth && name === 'testcase') {
        finishCase(current)
        current = undefined
      } else if (depth === caseDepth + 1) {
        current.capturing = false
      }
      return
    }
    if (name === 'testsuite' || name === 'testsuites') closeSuite()
  }

  const finishCase = (c: OpenCase): void => {
    const suite = suites[suites.length - 1] ?? orphan
    suite.counted++
    suite.failureMarks += Math.max(c.failureEls, c.failed ? 1 : 0)
    suite.errorMarks += Math.max(c.errorEls, c.errored ? 1 : 0)
    if (suite.merged) {
      const key = `${c.classname}\u0000${c.name}\u0000${c.file ?? ''}`
      const bad = c.failed || c.errored
      const entry = suite.merged.get(key)
      // Messages are kept only for as many failures as can become findings.
      if (bad && keptMessages >= ctx.findings.max) c.message = ''
      else if (bad) keptMessages++
      if (!entry) {
        suite.merged.set(key, {
          last: c,
          passed: !bad && !c.skipped,
          failedTries: bad ? 1 : 0,
          ...(bad ? { lastFailure: c } : {})
        })
      } else {
        suite.counted-- // the same test again: a retry, not another test
        entry.last = c
        if (bad) {
          entry.failedTries++
          entry.lastFailure = c
        } else if (!c.skipped) {
          entry.passed = true
        }
      }
      return
    }
    countCase(c)
  }

  const countCase = (c: OpenCase): void => {
    if (c.failed || c.errored) {
      countFailed(c)
    } else if (c.skipped) {
      total++
      skipped++
    } else {
      total++
      if (c.flaky) flaky++
    }
  }

  const flushMerged = (suite: Suite): void => {
    if (!suite.merged) return
    for (const m of suite.merged.values()) {
      if (m.passed) {
        total++
        if (m.failedTries > 0 || m.last.flaky) flaky++
      } else if (m.lastFailure) {
        const tries = m.failedTries > 1 ? ` (failed on all ${m.failedTries} tries)` : ''
        countFailed({ ...m.lastFailure, message: m.lastFailure.message + tries })
      } else {
        total++
        skipped++
      }
    }
    suite.merged.clear()
  }

  const closeSuite = (): void => {
    const suite = suites.pop()
    if (!suite) return
    flushMerged(suite)
    const declaredBad = (suite.failures ?? 0) + (suite.errors ?? 0)
    if (suite.counted === 0 && (suite.tests ?? 0) + declaredBad > 0) {
      countFromAttributes(suite)
    } else if (
      declaredBad > suite.failureMarks + suite.errorMarks &&
      suite.failureMarks + suite.errorMarks > 0
    ) {
      // Failures are recorded, so the tests fail either way; the counts follow the testcases, as the
      // peers count them (mikepenz's flaky_with_classname_file.xml declares 3 and shows 2), and the
      // disagreement is reported rather than silently dropped.
      if (ctx.findings.wants()) {
        ctx.findings.add({
          file: display,
          title: `Inconsistent counts: ${suite.label}`,
          message: `${suite.label} declares ${suite.failures ?? 0} failures and ${suite.errors ?? 0} errors, but its testcases show ${suite.failureMarks + suite.errorMarks}; the testcases are counted.`,
          level: 'warning',
          kind: 'test-failure'
        })
      }
    } else if (declaredBad > suite.failureMarks + suite.errorMarks) {
      throw new EvidenceError(
        display,
        'malformed',
        `${suite.label} declares ${suite.failures ?? 0} failures and ${suite.errors ?? 0} errors, but its testcases show only ${suite.failureMarks + suite.errorMarks}; the report is inconsistent (testcases lost, or failures outside any testcase), so it is not read as passing (its testcases show no failure at all). Regenerate it, or fix the tool that writes it.`
      )
    }
    const parent = suites[suites.length - 1] ?? orphan
    parent.counted += suite.counted
    parent.failureMarks += suite.failureMarks
    parent.errorMarks += suite.errorMarks
  }

  /** A suite without testcases: its own counts are the only information, as EnricoMi reads them. */
  const countFromAttributes = (suite: Suite): void => {
    const tests = suite.tests ?? 0
    const fails = suite.failures ?? 0
    const errs = suite.errors ?? 0
    const skips = suite.skipped ?? 0
    if (fails + errs + skips > tests) {
      throw new EvidenceError(
        display,
        'malformed',
        `${suite.label} lists no testcases and declares ${fails} failures, ${errs} errors and ${skips} skipped out of ${tests} tests, more than it has.`
      )
    }
    total += tests
    failed += fails + errs
    errors += errs
    skipped += skips
    if (fails + errs > 0) {
      failure(
        suite.label,
        `${suite.label} declares ${fails + errs} failed of ${tests} tests but lists no testcases, so which tests failed is unknown (${display}).`,
        fails === 0,
        {}
      )
    }
    suite.counted = tests
    suite.failureMarks = fails
    suite.errorMarks = errs
  }

  const { root } = await streamXml(opened, ctx.maxBytes, {
    open: (tag, depth) => {
      if (!checkedRoot && tag.name === 'testsuites') rootIsSuites = true
      open(tag, depth)
    },
    close,
    wantText: () => current !== undefined && current.capturing,
    text: (t) => {
      const s = t.trim()
      if (s && current && current.message.length < MAX_MESSAGE_CHARS) {
        current.message += (current.message ? '\n' : '') + s
      }
    }
  })
  if (root === undefined) throw new EvidenceError(display, 'malformed', 'holds no XML element.')
  flushMerged(orphan)
  const counts: Counts = new Map([
    ['total', total],
    ['passed', total - failed - skipped],
    ['failed', failed],
    ['errors', errors],
    ['skipped', skipped],
    ['flaky', flaky]
  ])
  addCount(counts, 'duration_s', rootTime ?? outerSuiteTime ?? caseTime)
  return { namespace: 'tests', counts }
}

function positiveInt(raw: string): number | undefined {
  const n = Number(raw)
  return Number.isInteger(n) && n > 0 ? n : undefined
}
