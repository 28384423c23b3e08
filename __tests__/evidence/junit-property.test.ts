/**
 * Property: for any JUnit document (nested suites, every outcome spelling, retried testcases,
 * suites with only count attributes), the counts add up: total = passed + failed + skipped
 * (failed counts failures and errors together; errors is the part of failed that errored),
 * executed = total - skipped, and the pass rate is absent exactly when nothing ran. In the
 * default `retries: count` mode the totals also equal a model computed from the generated
 * document, so no testcase is lost or invented.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { collectEvidence } from '../../shared/evidence/index.js'
import { RUNS, TARGET_TIMEOUT } from '../fuzz/support.js'
import { workspace } from './helpers.js'

type Outcome =
  'pass' | 'failure' | 'error' | 'both' | 'skipped' | 'status-failed' | 'status-notrun' | 'flaky'

interface Case {
  name: string
  outcome: Outcome
}
interface SuiteNode {
  cases: readonly Case[]
  children: readonly SuiteNode[]
  /** Write the suite's own count attributes (consistent with its subtree). */
  attrs: boolean
  /** A suite with only attributes, no testcases: tests / failures / skipped. */
  onlyAttrs?: { tests: number; failures: number; skipped: number }
}

const BODY: Record<Outcome, string> = {
  pass: '/>',
  failure: '><failure message="f">trace</failure></testcase>',
  error: '><error type="E"/></testcase>',
  both: '><failure/><error/></testcase>',
  skipped: '><skipped/></testcase>',
  'status-failed': ' status="failed"/>',
  'status-notrun': ' status="notrun"/>',
  flaky: '><flakyFailure/></testcase>'
}
const bad = (o: Outcome) =>
  o === 'failure' || o === 'error' || o === 'both' || o === 'status-failed'
const marks = (o: Outcome) => (o === 'both' ? 2 : bad(o) ? 1 : 0)

const caseArb: fc.Arbitrary<Case> = fc.record({
  // A small name pool makes repeated (retried) testcases common.
  name: fc.constantFrom('a', 'b', 'c', 'd'),
  outcome: fc.constantFrom<Outcome>(
    'pass',
    'failure',
    'error',
    'both',
    'skipped',
    'status-failed',
    'status-notrun',
    'flaky'
  )
})

const suiteArb: fc.Arbitrary<SuiteNode> = fc.letrec<{ suite: SuiteNode }>((tie) => ({
  suite: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      cases: fc.array(caseArb, { maxLength: 6 }),
      children: fc.constant([]),
      attrs: fc.boolean()
    }),
    fc.record({
      cases: fc.array(caseArb, { maxLength: 4 }),
      children: fc.array(tie('suite'), { maxLength: 3 }),
      attrs: fc.boolean()
    }),
    fc.tuple(fc.nat(6), fc.nat(6), fc.nat(6)).map(([f, s, p]) => ({
      cases: [],
      children: [],
      attrs: false,
      onlyAttrs: { tests: f + s + p, failures: f, skipped: s }
    }))
  )
})).suite

interface Tally {
  total: number
  failed: number
  skipped: number
  marks: number
}

function tally(s: SuiteNode): Tally {
  if (s.onlyAttrs)
    return {
      total: s.onlyAttrs.tests,
      failed: s.onlyAttrs.failures,
      skipped: s.onlyAttrs.skipped,
      marks: s.onlyAttrs.failures
    }
  const t: Tally = { total: 0, failed: 0, skipped: 0, marks: 0 }
  for (const c of s.cases) {
    t.total++
    if (bad(c.outcome)) t.failed++
    else if (c.outcome === 'skipped' || c.outcome === 'status-notrun') t.skipped++
    t.marks += marks(c.outcome)
  }
  for (const child of s.children) {
    const x = tally(child)
    t.total += x.total
    t.failed += x.failed
    t.skipped += x.skipped
    t.marks += x.marks
  }
  return t
}

function render(s: SuiteNode, i: number): string {
  if (s.onlyAttrs)
    return `<testsuite name="s${i}" tests="${s.onlyAttrs.tests}" failures="${s.onlyAttrs.failures}" skipped="${s.onlyAttrs.skipped}"/>`
  const t = tally(s)
  // Declared failures never exceed what the testcases show (that case is refused, tested apart).
  const attrs = s.attrs ? ` tests="${t.total}" failures="${t.marks}"` : ''
  const cases = s.cases.map((c) => `<testcase classname="k" name="${c.name}"${BODY[c.outcome]}`)
  return `<testsuite name="s${i}"${attrs}>${cases.join('')}${s.children.map((c, j) => render(c, i * 10 + j + 1)).join('')}</testsuite>`
}

describe('JUnit counts (property)', () => {
  it(
    'total = passed + failed + skipped and executed = total - skipped, for any document and retries mode',
    async () => {
      const root = workspace()
      let n = 0
      await fc.assert(
        fc.asyncProperty(
          fc.array(suiteArb, { minLength: 1, maxLength: 3 }),
          fc.constantFrom<'count' | 'merge'>('count', 'merge'),
          async (suites, retries) => {
            const file = `reports/j${n++}.xml`
            const { writeFileSync, mkdirSync } = await import('node:fs')
            mkdirSync(`${root}/reports`, { recursive: true })
            writeFileSync(
              `${root}/${file}`,
              `<testsuites>${suites.map((s, i) => render(s, i + 1)).join('')}</testsuites>`
            )
            const c = await collectEvidence([{ name: 'tests', paths: [file], retries }], { root })
            expect(c.errors).toEqual([])
            const m = (k: string) => c.metrics.get(`tests.${k}`) as number
            expect(m('total')).toBe(m('passed') + m('failed') + m('skipped'))
            expect(m('executed')).toBe(m('total') - m('skipped'))
            expect(m('errors')).toBeLessThanOrEqual(m('failed'))
            expect(m('passed')).toBeGreaterThanOrEqual(0)
            expect(c.metrics.has('tests.pass_rate')).toBe(m('executed') > 0)
            if (retries === 'count') {
              const want = suites.map(tally).reduce((a, b) => ({
                total: a.total + b.total,
                failed: a.failed + b.failed,
                skipped: a.skipped + b.skipped,
                marks: 0
              }))
              expect({ total: m('total'), failed: m('failed'), skipped: m('skipped') }).toEqual({
                total: want.total,
                failed: want.failed,
                skipped: want.skipped
              })
            } else {
              expect(m('total')).toBeLessThanOrEqual(
                suites.map(tally).reduce((a, b) => a + b.total, 0)
              )
            }
          }
        ),
        { numRuns: RUNS }
      )
    },
    TARGET_TIMEOUT
  )
})
