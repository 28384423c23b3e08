import type { SaxesTagPlain } from 'saxes'
import { EvidenceError } from '../errors.js'
import type { OpenedEvidence } from './evidence-file.js'
import { addCount, type Counts } from './namespaces.js'
import type { ReadContext, ReaderOutput } from './reader.js'
import { countAttr, numAttr, streamXml } from './xml-stream.js'

const MAX_MESSAGE_CHARS = 4000
const SUITE_COUNT_ATTRS = ['tests', 'failures', 'errors', 'skipped', 'disabled', 'skip']

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
}

/**
 * JUnit/xUnit XML (Surefire, Gradle, pytest, unittest, jest-junit, node --test, PHPUnit, nette
 * tester, swift, googletest). Totals come from the <testcase> elements themselves, not from suite
 * attributes, because writers disagree on them (pytest counts a test's failure and teardown error
 * twice). Suite count attributes are still checked: a negative or NaN count means a broken writer.
 * A testcase with <failure> or <error> failed (errors are also counted apart); <skipped> (or a
 * googletest status="notrun") is skipped; Surefire's <flakyFailure>/<flakyError> without a final
 * failure is a pass that was flaky; <rerunFailure> accompanies a failure and adds nothing.
 */
export async function readJUnit(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const counts: Counts = new Map([['total', 0], ['passed', 0], ['failed', 0], ['errors', 0], ['skipped', 0], ['flaky', 0]])
  let total = 0
  let failed = 0
  let errors = 0
  let skipped = 0
  let flaky = 0
  let rootTime: number | undefined
  let outerSuiteTime: number | undefined
  let caseTime = 0
  let suiteDepth = 0
  let checkedRoot = false
  let current: OpenCase | undefined
  let caseDepth = 0

  const open = (tag: SaxesTagPlain, depth: number): void => {
    const name = tag.name
    if (!checkedRoot) {
      checkedRoot = true
      if (name !== 'testsuites' && name !== 'testsuite') {
        throw new EvidenceError(display, 'unsupported', `is not a JUnit report: its root element is <${name}>, expected <testsuites> or <testsuite>.`)
      }
      if (name === 'testsuites') rootTime = numAttr(tag, 'time')
    }
    if (name === 'testcase') {
      if (current) return // a testcase inside a testcase is not a test of its own
      // Test case times only matter when the root gives no total (most writers give one).
      if (rootTime === undefined) {
        const time = numAttr(tag, 'time')
        if (time !== undefined && time > 0) caseTime += time
      }
      const a = tag.attributes
      const status = (a.status ?? '').toLowerCase()
      const result = (a.result ?? '').toLowerCase()
      current = {
        name: a.name ?? '(unnamed)',
        classname: a.classname ?? a.class ?? '',
        file: a.file,
        line: a.line !== undefined ? positiveInt(a.line) : undefined,
        failed: false,
        errored: false,
        skipped: status === 'notrun' || status === 'skipped' || status === 'disabled' || result === 'skipped' || result === 'suppressed',
        flaky: false,
        message: '',
        capturing: false
      }
      caseDepth = depth
      return
    }
    if (current) {
      if (depth !== caseDepth + 1) return
      switch (name) {
        case 'failure':
        case 'error':
          if (name === 'error') current.errored = true
          else current.failed = true
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
    if (name === 'testsuite') {
      for (const attr of SUITE_COUNT_ATTRS) countAttr(tag, attr, display)
      if (suiteDepth === 0) {
        const t = numAttr(tag, 'time')
        if (t !== undefined && t >= 0) outerSuiteTime = (outerSuiteTime ?? 0) + t
      }
      suiteDepth++
    } else if (name === 'testsuites') {
      for (const attr of SUITE_COUNT_ATTRS) countAttr(tag, attr, display)
    }
  }

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
    if (name === 'testsuite') suiteDepth--
  }

  const finishCase = (c: OpenCase): void => {
    total++
    if (c.failed || c.errored) {
      failed++
      if (c.errored) errors++
      if (ctx.findings.wants()) {
        const title = c.classname ? `${c.classname} › ${c.name}` : c.name
        ctx.findings.add({
          file: c.file ?? display,
          line: c.line,
          title: `${c.errored && !c.failed ? 'Error' : 'Failed'}: ${title}`,
          message: c.message.trim().slice(0, MAX_MESSAGE_CHARS) || `${title} ${c.errored ? 'errored' : 'failed'} (no message) in ${display}.`,
          level: 'error',
          kind: 'test-failure'
        })
      } else {
        ctx.findings.count()
      }
    } else if (c.skipped) {
      skipped++
    } else if (c.flaky) {
      flaky++
    }
  }

  await streamXml(opened, ctx.maxBytes, {
    open,
    close,
    wantText: () => current !== undefined && current.capturing,
    text: (t) => {
      const s = t.trim()
      if (s && current && current.message.length < MAX_MESSAGE_CHARS) {
        current.message += (current.message ? '\n' : '') + s
      }
    }
  })
  counts.set('total', total)
  counts.set('failed', failed)
  counts.set('errors', errors)
  counts.set('skipped', skipped)
  counts.set('flaky', flaky)
  counts.set('passed', total - failed - skipped)
  addCount(counts, 'duration_s', rootTime ?? outerSuiteTime ?? caseTime)
  return { namespace: 'tests', counts }
}

function positiveInt(raw: string): number | undefined {
  const n = Number(raw)
  return Number.isInteger(n) && n > 0 ? n : undefined
}
