import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import type { OpenedEvidence } from '../evidence-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { numAttr, streamXml, type XmlTag } from '../xml-stream.js'
import { MAX_MESSAGE_CHARS, TestTally } from './tally.js'

/** How one test result maps onto tests.*: pass, skip, fail, or error. */
export type Outcome = 'pass' | 'skip' | 'fail' | 'error'

interface OpenResult {
  title: string
  outcome: Outcome
  flaky: boolean
  depth: number
  message: string
  capturing: boolean
}

/** What distinguishes one XML test format from another; the streaming and counting are shared. */
interface XmlTestFormat {
  /** e.g. ".NET TRX" */
  label: string
  roots: readonly string[]
  /**
   * Returns the outcome of a test element, or undefined when the element is not a test. Throws for a
   * test whose status is unknown: guessing could turn a failure into a pass.
   */
  test(
    tag: XmlTag,
    depth: number,
    path: readonly string[],
    display: string
  ): { title: string; outcome: Outcome; flaky?: boolean } | undefined
  /** Elements inside a test whose text is the failure message. */
  messageElements: ReadonlySet<string>
  /** Elements outside any test that record an error of their own (xUnit's <error>, a failed NUnit teardown). */
  outsideError?(tag: XmlTag, path: readonly string[]): string | undefined
  duration?(tag: XmlTag, depth: number): number | undefined
  /** Checks run once the whole file is read (a run that says it was aborted...). */
  finish?(tally: TestTally): void
}

async function readXmlTests(
  opened: OpenedEvidence,
  ctx: ReadContext,
  format: XmlTestFormat
): Promise<ReaderOutput> {
  const display = opened.display
  const tally = new TestTally(display, ctx)
  const path: string[] = []
  let current: OpenResult | undefined

  const open = (tag: XmlTag, depth: number): void => {
    const name = localName(tag.name)
    if (depth === 1 && !format.roots.includes(name)) {
      throw new EvidenceError(
        display,
        'unsupported',
        `is not a ${format.label} report: its root element is <${printable(tag.name, 60)}>, expected <${format.roots.join('> or <')}>.`
      )
    }
    path.push(name)
    if (current) {
      if (
        format.messageElements.has(name) &&
        ctx.findings.wants() &&
        current.message.length < MAX_MESSAGE_CHARS
      ) {
        const m = tag.attributes.message
        if (m) current.message += (current.message ? '\n' : '') + m
        current.capturing = true
      }
      return
    }
    const d = format.duration?.(tag, depth)
    if (d !== undefined) tally.addDuration(d)
    const t = format.test(tag, depth, path, display)
    if (t) {
      current = {
        title: t.title,
        outcome: t.outcome,
        flaky: t.flaky ?? false,
        depth,
        message: '',
        capturing: false
      }
      return
    }
    const err = format.outsideError?.(tag, path)
    if (err !== undefined) tally.fail(err, `${err} (${display}).`, true)
  }

  const close = (_name: string, depth: number): void => {
    path.pop()
    if (!current) return
    if (depth === current.depth) {
      const c = current
      current = undefined
      if (c.outcome === 'pass') tally.pass(c.flaky)
      else if (c.outcome === 'skip') tally.skip()
      else tally.fail(c.title, c.message, c.outcome === 'error')
    } else {
      current.capturing = false
    }
  }

  await streamXml(opened, ctx.maxBytes, {
    open,
    close,
    wantText: () => current !== undefined && current.capturing,
    text: (t) => {
      const s = t.trim()
      if (s && current && current.message.length < MAX_MESSAGE_CHARS)
        current.message += (current.message ? '\n' : '') + s
    }
  })
  format.finish?.(tally)
  return tally.output()
}

function localName(name: string): string {
  const i = name.indexOf(':')
  return i < 0 ? name : name.slice(i + 1)
}

function unknownStatus(
  display: string,
  label: string,
  attr: string,
  value: string | undefined,
  title: string
): EvidenceError {
  return new EvidenceError(
    display,
    'malformed',
    value === undefined
      ? `${label} test "${printable(title, 120)}" has no ${attr}; its result is unknown.`
      : `${label} test "${printable(title, 120)}" has ${attr}="${printable(value, 40)}", a status flow-actions does not know; set it right or report the format.`
  )
}

// ---- .NET TRX (VSTest) -------------------------------------------------------------------------

/**
 * VSTest outcomes (Microsoft.VisualStudio.TestPlatform.ObjectModel TestOutcome and the TRX
 * schema's TestOutcome). NotExecuted, Inconclusive, NotRunnable, Pending and InProgress did not
 * run: skipped. Timeout and Aborted stopped a test that ran: failed. Error and Disconnected are
 * errors of the run, not assertions.
 */
export const TRX_OUTCOMES: Readonly<Record<string, Outcome>> = {
  passed: 'pass',
  passedbutrunaborted: 'pass',
  completed: 'pass',
  warning: 'pass',
  failed: 'fail',
  timeout: 'fail',
  aborted: 'fail',
  error: 'error',
  disconnected: 'error',
  notexecuted: 'skip',
  inconclusive: 'skip',
  notrunnable: 'skip',
  pending: 'skip',
  inprogress: 'skip'
}

/**
 * Wraps a format with a check of the run's own test count (NUnit's `<test-run total>`, xUnit's
 * `<assembly total>`): a count above the tests listed means results went missing (a crashed run
 * writes what it had), and each missing test is an error, never silently absent.
 */
function withDeclaredTotal(
  base: XmlTestFormat,
  declaredOf: (tag: XmlTag, path: readonly string[]) => number | undefined,
  what: string
): XmlTestFormat {
  let declared: number | undefined
  let results = 0
  return {
    ...base,
    test(tag, depth, path, display) {
      const t = base.test(tag, depth, path, display)
      if (t) results++
      return t
    },
    outsideError(tag, path) {
      const n = declaredOf(tag, path)
      if (n !== undefined && Number.isInteger(n) && n >= 0) declared = (declared ?? 0) + n
      return base.outsideError?.(tag, path)
    },
    finish(tally) {
      if (declared !== undefined && declared > results) {
        for (let i = results; i < declared; i++) {
          tally.fail(
            `test ${i + 1} of ${declared}`,
            `The run counted ${declared} tests (${what}) and the report lists ${results}: results are missing.`,
            true
          )
        }
      }
      base.finish?.(tally)
    }
  }
}

/**
 * A TRX whose run was aborted (a crashed test host, a run timeout) still lists the results it got:
 * `<ResultSummary outcome="Aborted|Error|Timeout">` with no failing result is one error, and
 * `<Counters total>` above the results listed counts the missing ones as errors.
 */
function trxFormat(): XmlTestFormat {
  let declared: number | undefined
  let runOutcome = ''
  let results = 0
  return {
    ...TRX,
    test(tag, depth, path, display) {
      const t = TRX.test(tag, depth, path, display)
      if (t) results++
      return t
    },
    outsideError(tag, path) {
      if (tag.name === 'ResultSummary' && path.length === 2)
        runOutcome = (tag.attributes.outcome ?? '').toLowerCase()
      if (tag.name === 'Counters' && path[1] === 'ResultSummary') {
        const n = Number(tag.attributes.total)
        if (Number.isInteger(n) && n >= 0) declared = n
      }
      return undefined
    },
    finish(tally) {
      if (declared !== undefined && declared > results) {
        for (let i = results; i < declared; i++)
          tally.fail(
            `test ${i + 1} of ${declared}`,
            `The run counted ${declared} tests (<Counters total>) and lists ${results} results: the test host may have crashed.`,
            true
          )
      }
      if (
        (runOutcome === 'aborted' || runOutcome === 'error' || runOutcome === 'timeout') &&
        tally.failed === 0
      ) {
        tally.fail(
          'test run',
          `The test run ended with outcome "${runOutcome}" (<ResultSummary>), with no failing result listed.`,
          true
        )
      }
    }
  }
}

const TRX: XmlTestFormat = {
  label: '.NET TRX',
  roots: ['TestRun'],
  messageElements: new Set(['Message']),
  // Results holds the run's results; a data-driven test's rows sit in InnerResults below it and
  // count as the one test VSTest counts.
  test(tag, depth, path, display) {
    if (
      depth !== 3 ||
      path[1] !== 'Results' ||
      !/TestResult(Aggregation)?$/.test(localName(tag.name))
    )
      return undefined
    const title = tag.attributes.testName ?? '(unnamed)'
    const raw = tag.attributes.outcome
    const outcome = raw === undefined ? undefined : TRX_OUTCOMES[raw.toLowerCase()]
    if (!outcome) throw unknownStatus(display, 'TRX', 'outcome', raw, title)
    return { title, outcome }
  },
  duration(tag, depth) {
    if (depth !== 3) return undefined
    const raw = tag.attributes.duration
    return raw === undefined ? undefined : timeSpan(raw)
  }
}

/** "00:00:01.5" (hh:mm:ss.fffffff) in seconds. */
function timeSpan(raw: string): number | undefined {
  const m = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(raw.trim())
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined
}

export async function readTrx(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  return readXmlTests(opened, ctx, trxFormat())
}

// ---- NUnit 3 -----------------------------------------------------------------------------------

/**
 * NUnit 3 test-case results: Passed; Failed (label Error or Invalid: an error, label Cancelled or
 * none: a failure); Skipped (Ignored, Explicit); Inconclusive is skipped; Warning passed with a
 * warning. A fixture whose OneTimeTearDown failed (site="TearDown") is an error of its own, since
 * its test cases all say Passed.
 */
const NUNIT3: XmlTestFormat = {
  label: 'NUnit 3',
  roots: ['test-run'],
  messageElements: new Set(['message']),
  test(tag, _depth, _path, display) {
    if (tag.name !== 'test-case') return undefined
    const a = tag.attributes
    const title = a.fullname ?? a.name ?? '(unnamed)'
    const result = (a.result ?? '').toLowerCase()
    const label = (a.label ?? '').toLowerCase()
    switch (result) {
      case 'passed':
      case 'warning':
        return { title, outcome: 'pass' }
      case 'failed':
        return { title, outcome: label === 'error' || label === 'invalid' ? 'error' : 'fail' }
      case 'skipped':
      case 'inconclusive':
        return { title, outcome: 'skip' }
      default:
        throw unknownStatus(display, 'NUnit 3', 'result', a.result, title)
    }
  },
  outsideError(tag) {
    if (tag.name !== 'test-suite') return undefined
    const a = tag.attributes
    if (
      (a.result ?? '').toLowerCase() === 'failed' &&
      (a.site ?? '').toLowerCase() === 'teardown'
    ) {
      return `OneTimeTearDown of ${a.fullname ?? a.name ?? '(unnamed suite)'}`
    }
    return undefined
  }
}

// ---- NUnit 2 -----------------------------------------------------------------------------------

/** NUnit 2.x results: Success; Failure; Error and NotRunnable (an invalid test) are errors; Ignored, Skipped and Inconclusive are skipped. */
const NUNIT2: XmlTestFormat = {
  label: 'NUnit 2',
  roots: ['test-results'],
  messageElements: new Set(['message']),
  test(tag, _depth, _path, display) {
    if (tag.name !== 'test-case') return undefined
    const a = tag.attributes
    const title = a.name ?? '(unnamed)'
    const result = (a.result ?? '').toLowerCase()
    switch (result) {
      case 'success':
        return { title, outcome: 'pass' }
      case 'failure':
      case 'cancelled':
        return { title, outcome: 'fail' }
      case 'error':
      case 'notrunnable':
        return { title, outcome: 'error' }
      case 'ignored':
      case 'skipped':
      case 'inconclusive':
        return { title, outcome: 'skip' }
      case '':
        // NUnit 2.2 writes executed="False" and no result for a test that did not run.
        if ((a.executed ?? '').toLowerCase() === 'false') return { title, outcome: 'skip' }
        throw unknownStatus(display, 'NUnit 2', 'result', a.result, title)
      default:
        throw unknownStatus(display, 'NUnit 2', 'result', a.result, title)
    }
  }
}

export async function readNUnit(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  // One reader for both versions: the root element says which.
  const either: XmlTestFormat = {
    label: 'NUnit',
    roots: ['test-run', 'test-results'],
    messageElements: NUNIT3.messageElements,
    test: (tag, depth, path, display) =>
      (path[0] === 'test-run' ? NUNIT3 : NUNIT2).test(tag, depth, path, display),
    outsideError: (tag, path) =>
      path[0] === 'test-run' ? NUNIT3.outsideError?.(tag, path) : undefined,
    duration: (tag, depth) =>
      tag.name === 'test-run'
        ? numAttr(tag, 'duration')
        : depth === 2 && tag.name === 'test-suite'
          ? numAttr(tag, 'time')
          : undefined
  }
  const total = (tag: XmlTag, path: readonly string[]) =>
    path.length === 1 &&
    (tag.name === 'test-run' || tag.name === 'test-results') &&
    tag.attributes.total !== undefined
      ? Number(tag.attributes.total)
      : undefined
  return readXmlTests(
    opened,
    ctx,
    withDeclaredTotal(either, total, 'the total of its root element')
  )
}

// ---- xUnit.net v2 ------------------------------------------------------------------------------

/**
 * xUnit.net v2 XML (`-xml`): <test result="Pass|Fail|Skip|NotRun">. An <error> under <errors>
 * (a failing fixture, collection or assembly cleanup, a catastrophic error) is an error of its own,
 * since no test carries it.
 */
const XUNIT: XmlTestFormat = {
  label: 'xUnit.net v2',
  roots: ['assemblies', 'assembly'],
  messageElements: new Set(['message']),
  test(tag, _depth, _path, display) {
    if (tag.name !== 'test') return undefined
    const a = tag.attributes
    const title = a.name ?? '(unnamed)'
    switch ((a.result ?? '').toLowerCase()) {
      case 'pass':
        return { title, outcome: 'pass' }
      case 'fail':
        return { title, outcome: 'fail' }
      case 'skip':
      case 'notrun':
        return { title, outcome: 'skip' }
      default:
        throw unknownStatus(display, 'xUnit.net', 'result', a.result, title)
    }
  },
  outsideError(tag, path) {
    if (tag.name !== 'error' || path[path.length - 2] !== 'errors') return undefined
    return `${tag.attributes.type ?? 'error'}${tag.attributes.name ? ` in ${tag.attributes.name}` : ''}`
  },
  duration(tag) {
    return tag.name === 'assembly' ? numAttr(tag, 'time') : undefined
  }
}

export async function readXUnit(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const total = (tag: XmlTag) =>
    tag.name === 'assembly' && tag.attributes.total !== undefined
      ? Number(tag.attributes.total)
      : undefined
  return readXmlTests(opened, ctx, withDeclaredTotal(XUNIT, total, '<assembly total>'))
}
