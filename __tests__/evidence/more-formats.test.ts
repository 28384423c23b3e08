/**
 * Status mapping and edge cases of the test and coverage formats besides JUnit, on small
 * documents written to show one rule each (the peers' and real tools' files are in
 * compat-peers.test.ts and real-tools-more.test.ts).
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { FORMAT_ALIASES } from '../../shared/evidence/detect.js'
import {
  collectEvidence,
  detectFormat,
  FORMATS,
  normaliseFormat
} from '../../shared/evidence/index.js'
import { HERE, workspace } from './helpers.js'

async function read(
  file: string,
  content: string,
  name = 'tests',
  format?: string,
  extra: Record<string, unknown> = {}
) {
  const root = workspace({ [`r/${file}`]: content })
  return collectEvidence([{ name, paths: [`r/${file}`], ...(format ? { format } : {}) }], {
    root,
    ...extra
  })
}
async function metrics(file: string, content: string, name = 'tests', format?: string) {
  const c = await read(file, content, name, format)
  expect(c.errors.map((e) => e.message)).toEqual([])
  if (format) expect(c.sets[0].files[0].format).toBe(normaliseFormat(format))
  return Object.fromEntries(c.metrics)
}
const lines = (...events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n'

describe('NUnit', () => {
  it('NUnit 2: Success passes; Failure fails; Error and NotRunnable are errors; Ignored, Skipped, Inconclusive and executed="False" are skipped', async () => {
    const xml = `<?xml version="1.0"?><test-results name="x" total="8"><test-suite name="a" time="1.5"><results>
      <test-case name="a.ok" executed="True" result="Success" success="True"/>
      <test-case name="a.fail" executed="True" result="Failure" success="False"><failure><message><![CDATA[expected 1]]></message></failure></test-case>
      <test-case name="a.err" executed="True" result="Error"/>
      <test-case name="a.invalid" executed="False" result="NotRunnable"/>
      <test-case name="a.ign" executed="False" result="Ignored"/>
      <test-case name="a.skip" executed="False" result="Skipped"/>
      <test-case name="a.inc" executed="True" result="Inconclusive"/>
      <test-case name="a.old" executed="False"/>
    </results></test-suite></test-results>`
    expect(detectFormat('r.xml', xml)).toBe('nunit')
    const m = await metrics('nunit2.xml', xml)
    expect(m).toMatchObject({
      'tests.total': 8,
      'tests.passed': 1,
      'tests.failed': 3,
      'tests.errors': 2,
      'tests.skipped': 4,
      'tests.duration_s': 1.5
    })
  })

  it('NUnit 3: Inconclusive is skipped, Failed with label Error is an error, a failed OneTimeTearDown is an error of its own', async () => {
    const xml = `<test-run total="4" duration="0.5"><test-suite type="TestFixture" fullname="F" result="Failed" site="TearDown">
      <test-case fullname="F.a" result="Passed"/><test-case fullname="F.b" result="Inconclusive"/>
      <test-case fullname="F.c" result="Failed" label="Error"><failure><message>boom</message></failure></test-case>
      <test-case fullname="F.d" result="Warning"/></test-suite></test-run>`
    const c = await read('nunit3.xml', xml)
    expect(c.errors).toEqual([])
    expect(Object.fromEntries(c.metrics)).toMatchObject({
      'tests.total': 5,
      'tests.passed': 2,
      'tests.skipped': 1,
      'tests.failed': 2,
      'tests.errors': 2
    })
    expect(c.findings.map((f) => f.title).sort()).toEqual([
      'Error: F.c',
      'Error: OneTimeTearDown of F'
    ])
    expect(c.findings.find((f) => f.title === 'Error: F.c')?.message).toBe('boom')
  })

  it('refuses a test case whose result it does not know, naming it', async () => {
    const c = await read('n.xml', '<test-run><test-case fullname="T.x" result="Maybe"/></test-run>')
    expect(c.errors[0].message).toMatch(/r\/n\.xml: .*"T\.x" has result="Maybe"/)
    expect(c.metrics.size).toBe(0)
  })
})

describe('.NET TRX', () => {
  it('maps outcomes: Timeout and Aborted failed, Error errored, NotExecuted/Inconclusive/NotRunnable skipped; data rows in InnerResults are not tests of their own', async () => {
    const r = (name: string, outcome: string, inner = '') =>
      `<UnitTestResult testName="${name}" outcome="${outcome}" duration="00:00:01.25">${inner}</UnitTestResult>`
    const xml = `<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
      ${r('p', 'Passed', `<InnerResults>${r('p1', 'Passed')}${r('p2', 'Failed')}</InnerResults>`)}${r('t', 'Timeout')}${r('a', 'Aborted')}${r('e', 'Error')}
      ${r('n', 'NotExecuted')}${r('i', 'Inconclusive')}${r('nr', 'NotRunnable')}${r('f', 'Failed', '<Output><ErrorInfo><Message>Assert.True() Failure</Message></ErrorInfo></Output>')}
    </Results></TestRun>`
    const c = await read('x.trx', xml)
    expect(c.errors).toEqual([])
    expect(Object.fromEntries(c.metrics)).toMatchObject({
      'tests.total': 8,
      'tests.passed': 1,
      'tests.failed': 4,
      'tests.errors': 1,
      'tests.skipped': 3,
      'tests.duration_s': 10
    })
    expect(c.findings.find((f) => f.title === 'Failed: f')?.message).toBe('Assert.True() Failure')
  })

  it('refuses a result without an outcome: its result is unknown', async () => {
    const c = await read(
      'x.trx',
      '<TestRun><Results><UnitTestResult testName="q"/></Results></TestRun>'
    )
    expect(c.errors[0].message).toMatch(/"q" has no outcome/)
  })
})

describe('xUnit.net v2', () => {
  it('counts Pass, Fail, Skip and NotRun, and each <error> of a fixture or cleanup as an error', async () => {
    const xml = `<assemblies><assembly name="A.dll" total="4" time="2"><collection name="c">
      <test name="A.ok" result="Pass"/><test name="A.bad" result="Fail"><failure><message>no</message></failure></test>
      <test name="A.skip" result="Skip"/><test name="A.nr" result="NotRun"/></collection>
      <errors><error type="fixture-cleanup" name="A.Fixture"><failure><message>Dispose threw</message></failure></error></errors></assembly></assemblies>`
    expect(detectFormat('r.xml', xml)).toBe('xunit-net')
    const c = await read('xunit.xml', xml, 'tests', 'xunit2')
    expect(c.errors).toEqual([])
    expect(Object.fromEntries(c.metrics)).toMatchObject({
      'tests.total': 5,
      'tests.passed': 1,
      'tests.failed': 2,
      'tests.errors': 1,
      'tests.skipped': 2,
      'tests.duration_s': 2
    })
  })
})

describe('go test -json', () => {
  const ev = (Action: string, Test?: string, extra: Record<string, unknown> = {}) => ({
    Action,
    Package: 'ex/p',
    ...(Test ? { Test } : {}),
    ...extra
  })

  it('counts a test run twice (-count=2) once, failed when any run failed', async () => {
    const m = await metrics(
      'go.json',
      lines(
        ev('run', 'TestA'),
        ev('pass', 'TestA'),
        ev('run', 'TestA'),
        ev('fail', 'TestA'),
        ev('run', 'TestB'),
        ev('pass', 'TestB'),
        ev('fail', undefined, { Elapsed: 1 })
      )
    )
    expect(m).toMatchObject({
      'tests.total': 2,
      'tests.passed': 1,
      'tests.failed': 1,
      'tests.errors': 0
    })
  })

  it('a package that failed outside any test (TestMain) is one error', async () => {
    const m = await metrics(
      'go.json',
      lines(
        ev('run', 'TestA'),
        ev('pass', 'TestA'),
        ev('output', undefined, { Output: 'FAIL\tex/p\n' }),
        ev('fail')
      )
    )
    expect(m).toMatchObject({ 'tests.total': 2, 'tests.passed': 1, 'tests.errors': 1 })
  })

  it('a test that never finished (panic, timeout, a cut-off stream) and a package that never finished are errors', async () => {
    const m = await metrics(
      'go.json',
      lines(
        ev('start'),
        ev('run', 'TestA'),
        ev('pass', 'TestA'),
        ev('run', 'TestB'),
        ev('output', 'TestB', { Output: 'panic: x\n' })
      )
    )
    expect(m).toMatchObject({ 'tests.total': 3, 'tests.passed': 1, 'tests.errors': 2 })
  })

  it('a Go 1.24 build failure (FailedBuild) is one error; the build-output events add nothing', async () => {
    const m = await metrics(
      'go.json',
      lines(
        { ImportPath: 'ex/p [ex/p.test]', Action: 'build-output', Output: 'x.go:1: undefined\n' },
        { ImportPath: 'ex/p [ex/p.test]', Action: 'build-fail' },
        ev('start'),
        ev('output', undefined, { Output: 'FAIL\tex/p [build failed]\n' }),
        ev('fail', undefined, { FailedBuild: 'ex/p [ex/p.test]' })
      )
    )
    expect(m).toMatchObject({ 'tests.total': 1, 'tests.errors': 1, 'tests.passed': 0 })
  })

  it('skip maps to skipped; a package with no test files adds nothing', async () => {
    const m = await metrics(
      'go.json',
      lines(ev('run', 'TestS'), ev('skip', 'TestS'), ev('pass'), {
        Action: 'skip',
        Package: 'ex/empty'
      })
    )
    expect(m).toMatchObject({ 'tests.total': 1, 'tests.skipped': 1 })
    expect(m['tests.pass_rate']).toBeUndefined()
  })
})

describe('Dart JSON', () => {
  const start = { protocolVersion: '0.1.1', type: 'start', time: 0 }
  const ts = (id: number, name: string) => ({
    type: 'testStart',
    test: { id, name, suiteID: 0 },
    time: 1
  })
  const td = (id: number, result: string, extra: Record<string, unknown> = {}) => ({
    type: 'testDone',
    testID: id,
    result,
    skipped: false,
    hidden: false,
    time: 2,
    ...extra
  })

  it('counts a test that started and never finished as an error, and a failing run with no failing test as an error', async () => {
    const m = await metrics(
      'd.json',
      lines(start, ts(1, 'a'), td(1, 'success'), ts(2, 'b'), {
        type: 'done',
        success: false,
        time: 3
      })
    )
    expect(m).toMatchObject({ 'tests.total': 2, 'tests.passed': 1, 'tests.errors': 1 })
    const m2 = await metrics(
      'd.json',
      lines(start, ts(1, 'a'), td(1, 'success'), { type: 'done', success: false, time: 3 })
    )
    expect(m2).toMatchObject({ 'tests.total': 2, 'tests.errors': 1 })
  })

  it('counts a hidden loading test only when it did not succeed (a file that failed to load)', async () => {
    const m = await metrics(
      'd.json',
      lines(
        start,
        ts(1, 'loading a_test.dart'),
        td(1, 'success', { hidden: true }),
        ts(2, 'loading b_test.dart'),
        td(2, 'error', { hidden: true })
      )
    )
    expect(m).toMatchObject({ 'tests.total': 1, 'tests.errors': 1 })
  })

  it('refuses testDone for a test that never started', async () => {
    const c = await read('d.json', lines(start, td(9, 'success')))
    expect(c.errors[0].message).toMatch(/never started/)
  })
})

describe('TAP', () => {
  it('maps ok, not ok, # SKIP and # TODO; fewer test points than planned are errors', async () => {
    const tap =
      'TAP version 14\n1..5\nok 1 - a\nnot ok 2 - b\nok 3 - c # SKIP no db\nnot ok 4 - d # TODO later\n'
    expect(detectFormat('t.tap', tap)).toBe('tap')
    const m = await metrics('t.tap', tap)
    expect(m).toMatchObject({
      'tests.total': 5,
      'tests.passed': 1,
      'tests.failed': 2,
      'tests.errors': 1,
      'tests.skipped': 2
    })
  })

  it('Bail out! is an error; a stream with no plan is refused (cut off)', async () => {
    const m = await metrics('t.tap', '1..2\nok 1 - a\nBail out! database down\n')
    expect(m).toMatchObject({ 'tests.errors': 2, 'tests.passed': 1 })
    const c = await read('t.tap', 'ok 1 - a\nok 2 - b\n')
    expect(c.errors[0].message).toMatch(/no plan/)
  })

  it('1..0 is a run of zero tests: no pass rate', async () => {
    const m = await metrics('t.tap', '1..0 # skip all\n')
    expect(m['tests.total']).toBe(0)
    expect(m['tests.pass_rate']).toBeUndefined()
  })
})

describe('Mocha and Jest retries', () => {
  it('a Mocha pass after a retry is flaky; a Jest pass with invocations > 1 is flaky', async () => {
    const mocha = {
      stats: { tests: 2, passes: 2 },
      tests: [
        { title: 'a', fullTitle: 'a', err: {}, currentRetry: 2 },
        { title: 'b', fullTitle: 'b', err: {}, currentRetry: 0 }
      ],
      pending: [],
      failures: [],
      passes: []
    }
    expect(await metrics('m.json', JSON.stringify(mocha))).toMatchObject({
      'tests.passed': 2,
      'tests.flaky': 1
    })
    const jest = {
      numTotalTests: 2,
      testResults: [
        {
          name: 'x.test.js',
          status: 'passed',
          assertionResults: [
            { fullName: 'a', status: 'passed', invocations: 3 },
            { fullName: 'b', status: 'passed' }
          ]
        }
      ]
    }
    expect(await metrics('j.json', JSON.stringify(jest))).toMatchObject({
      'tests.passed': 2,
      'tests.flaky': 1
    })
  })

  it('refuses a Jest report that lists fewer tests than numTotalTests says', async () => {
    const c = await read(
      'j.json',
      JSON.stringify({
        numTotalTests: 3,
        testResults: [{ name: 'x', status: 'passed', assertionResults: [{ status: 'passed' }] }]
      })
    )
    expect(c.errors[0].message).toMatch(/numTotalTests is 3 but the report lists 1/)
  })
})

describe('Go coverprofile', () => {
  it('merges identical blocks as go tool cover does: counts add (count) or OR (set); statements decide the percentage', async () => {
    const profile =
      'mode: count\nex/a.go:3.1,5.2 2 0\nex/a.go:6.1,7.2 1 0\nmode: count\nex/a.go:3.1,5.2 2 4\nex/b.go:1.1,2.2 1 0\n'
    expect(detectFormat('c.out', profile)).toBe('go-cover')
    const m = await metrics('c.out', profile, 'coverage')
    expect(m).toMatchObject({ 'coverage.lines_found': 4, 'coverage.lines_hit': 2 })
  })

  it('refuses a block listed with two statement counts, and profiles of two modes', async () => {
    expect(
      (await read('c.out', 'mode: set\nex/a.go:3.1,5.2 2 1\nex/a.go:3.1,5.2 3 1\n', 'coverage'))
        .errors[0].message
    ).toMatch(/inconsistent statement count/)
    expect(
      (await read('c.out', 'mode: set\nex/a.go:3.1,5.2 2 1\nmode: count\n', 'coverage')).errors[0]
        .message
    ).toMatch(/mixes coverage modes set and count/)
  })

  it('gives per-line data for changed lines: a line counts as run only when every block on it ran', async () => {
    const root = workspace({
      'r/c.out': 'mode: set\nex/a.go:3.10,5.2 2 1\nex/a.go:5.2,7.3 1 0\nex/a.go:9.1,9.20 1 1\n'
    })
    const c = await collectEvidence([{ name: 'coverage', paths: ['r/c.out'] }], {
      root,
      changedLines: new Map([['ex/a.go', new Set([4, 5, 9, 12])]])
    })
    expect(c.errors).toEqual([])
    expect(c.metrics.get('coverage.new_lines_found')).toBe(3)
    expect(c.metrics.get('coverage.new_lines_hit')).toBe(2)
  })
})

describe('SimpleCov, gcovr, coveralls and Clover', () => {
  it('SimpleCov merges result sets: a line run by either set is covered; the pre-0.18 array form reads too', async () => {
    const set = {
      RSpec: {
        coverage: {
          '/app/lib/a.rb': {
            lines: [null, 1, 0, 0],
            branches: { '[:if, 0, 2]': { '[:then, 1]': 1, '[:else, 2]': 0 } }
          }
        },
        timestamp: 1
      },
      Minitest: {
        coverage: { '/app/lib/a.rb': [null, 0, 2, 0], '/app/lib/b.rb': [1, null] },
        timestamp: 2
      }
    }
    const text = JSON.stringify(set)
    expect(detectFormat('r/.resultset.json', text)).toBe('simplecov')
    const m = await metrics('.resultset.json', text, 'coverage')
    expect(m).toMatchObject({
      'coverage.lines_found': 4,
      'coverage.lines_hit': 3,
      'coverage.branches_found': 2,
      'coverage.branches_hit': 1
    })
  })

  it('gcovr JSON: noncode and excluded lines are not code; a line listed twice adds its counts', async () => {
    const doc = {
      'gcovr/format_version': '0.6',
      files: [
        {
          file: 'a.c',
          functions: [{ name: 'f', execution_count: 0 }],
          lines: [
            { line_number: 1, count: 0, 'gcovr/noncode': true, branches: [] },
            { line_number: 2, count: 0, branches: [{ count: 1 }, { count: 0 }] },
            { line_number: 2, count: 3, branches: [] },
            { line_number: 4, count: 0, 'gcovr/excluded': true, branches: [] }
          ]
        }
      ]
    }
    const m = await metrics('g.json', JSON.stringify(doc), 'coverage')
    expect(m).toMatchObject({
      'coverage.lines_found': 1,
      'coverage.lines_hit': 1,
      'coverage.branches_found': 2,
      'coverage.branches_hit': 1,
      'coverage.functions_found': 1,
      'coverage.functions_hit': 0
    })
  })

  it('coveralls JSON: coverage arrays and branch quadruples', async () => {
    const doc = {
      service_name: 'github',
      source_files: [
        { name: 'lib/a.js', coverage: [1, null, 0, 5], branches: [1, 0, 0, 2, 1, 0, 1, 0] }
      ]
    }
    expect(detectFormat('c.json', JSON.stringify(doc))).toBe('coveralls')
    const m = await metrics('coveralls.json', JSON.stringify(doc), 'coverage')
    expect(m).toMatchObject({
      'coverage.lines_found': 3,
      'coverage.lines_hit': 2,
      'coverage.branches_found': 2,
      'coverage.branches_hit': 1
    })
  })

  it('Clover (PHPUnit style, no file metrics): stmt and cond lines, cond branches from true/false counts, method lines as functions', async () => {
    const xml = `<?xml version="1.0"?><coverage generated="1"><project timestamp="1"><package name="p"><file name="/src/A.php"><class name="A"><metrics methods="1"/></class>
      <line num="3" type="method" name="f" count="2"/><line num="4" type="stmt" count="2"/><line num="5" type="cond" truecount="2" falsecount="0"/><line num="6" type="stmt" count="0"/></file></package></project></coverage>`
    expect(detectFormat('clover.xml', xml)).toBe('clover')
    const m = await metrics('clover.xml', xml, 'coverage')
    expect(m).toMatchObject({
      'coverage.lines_found': 3,
      'coverage.lines_hit': 2,
      'coverage.branches_found': 2,
      'coverage.branches_hit': 1,
      'coverage.functions_found': 1,
      'coverage.functions_hit': 1
    })
  })
})

describe('k6 handleSummary JSON', () => {
  it('reads statistics nested under "values"; a rate metric becomes an error rate, not requests per second', async () => {
    const data = {
      root_group: { name: '', checks: [] },
      metrics: {
        http_req_duration: {
          type: 'trend',
          contains: 'time',
          values: { avg: 12.5, min: 1, med: 10, max: 90, 'p(90)': 20, 'p(95)': 25 }
        },
        http_reqs: { type: 'counter', contains: 'default', values: { count: 300, rate: 10 } },
        http_req_failed: {
          type: 'rate',
          contains: 'default',
          values: { rate: 0.02, passes: 6, fails: 294 }
        },
        checks: { type: 'rate', contains: 'default', values: { rate: 0.9, passes: 90, fails: 10 } }
      }
    }
    const text = JSON.stringify(data)
    const m = await metrics('summary.json', text, 'perf')
    expect(m).toMatchObject({
      'perf.http_req_duration.p95': 25,
      'perf.http_req_duration.p50': 10,
      'perf.http_reqs.count': 300,
      'perf.http_reqs.rps': 10
    })
    expect(m['perf.http_req_failed.error_rate']).toBeCloseTo(2, 10)
    expect(m['perf.checks.error_rate']).toBeCloseTo(10, 10)
    expect(m['perf.http_req_failed.rps']).toBeUndefined()
    const noRoot = JSON.stringify({
      metrics: {
        iterations: { type: 'counter', contains: 'default', values: { count: 5, rate: 1 } }
      }
    })
    expect(detectFormat('summary.json', noRoot)).toBe('k6')
  })
})

describe('format override', () => {
  it("accepts the peers' names for every format and refuses an unknown one", async () => {
    const tap = '1..1\nok 1 - a\n'
    for (const f of ['tap', 'tap13', 'TAP14'])
      expect((await metrics('t.txt', tap, 'tests', f))['tests.passed']).toBe(1)
    await expect(read('t.txt', tap, 'tests', 'no-such-format')).rejects.toThrow(
      /unknown format "no-such-format"/
    )
  })
})

describe('docs/evidence.md', () => {
  it('lists every format and every alias in its table of formats', () => {
    const doc = readFileSync(path.join(HERE, '../../docs/evidence.md'), 'utf8')
    const firstCells = doc
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split(' | ')[0])
      .join(' ')
    const named = new Set([...firstCells.matchAll(/`([^`]+)`/g)].map((m) => m[1]))
    for (const f of [...FORMATS, ...Object.keys(FORMAT_ALIASES)])
      expect(named.has(f) ? f : `missing: ${f}`).toBe(f)
  })
})

describe('.NET TRX runs that did not complete', () => {
  const trx = (results: string, summary: string) =>
    `<TestRun><Results>${results}</Results>${summary}</TestRun>`
  const ok = '<UnitTestResult testName="a" outcome="Passed"/>'

  it('counts tests the run counted and did not list (a crashed test host) as errors', async () => {
    const m = await metrics(
      'x.trx',
      trx(
        ok,
        '<ResultSummary outcome="Failed"><Counters total="3" executed="1" passed="1"/></ResultSummary>'
      )
    )
    expect(m).toMatchObject({ 'tests.total': 3, 'tests.passed': 1, 'tests.errors': 2 })
  })

  it('an aborted run with no failing result is an error', async () => {
    const m = await metrics(
      'x.trx',
      trx(ok, '<ResultSummary outcome="Aborted"><Counters total="1"/></ResultSummary>')
    )
    expect(m).toMatchObject({ 'tests.total': 2, 'tests.passed': 1, 'tests.errors': 1 })
    const completed = await metrics(
      'x.trx',
      trx(ok, '<ResultSummary outcome="Completed"><Counters total="1"/></ResultSummary>')
    )
    expect(completed).toMatchObject({ 'tests.total': 1, 'tests.passed': 1, 'tests.errors': 0 })
  })
})

describe('NUnit and xUnit.net runs whose own count is above the tests listed', () => {
  it('counts each test the run counted and did not list as an error', async () => {
    const nunit = await metrics(
      'n.xml',
      '<test-run total="3"><test-suite><test-case fullname="a" result="Passed"/></test-suite></test-run>'
    )
    expect(nunit).toMatchObject({ 'tests.total': 3, 'tests.passed': 1, 'tests.errors': 2 })
    const xunit = await metrics(
      'x.xml',
      '<assemblies><assembly total="2"><collection><test name="a" result="Pass"/></collection></assembly><assembly total="1"><collection><test name="b" result="Pass"/></collection></assembly></assemblies>'
    )
    expect(xunit).toMatchObject({ 'tests.total': 3, 'tests.passed': 2, 'tests.errors': 1 })
  })
})

describe('new-code coverage from the JSON coverage formats', () => {
  const changed = new Map([['lib/a.js', new Set([1, 2, 3])]])
  async function newCoverage(file: string, doc: unknown) {
    const root = workspace({ [`r/${file}`]: JSON.stringify(doc) })
    const c = await collectEvidence([{ name: 'coverage', paths: [`r/${file}`] }], {
      root,
      changedLines: changed
    })
    expect(c.errors.map((e) => e.message)).toEqual([])
    return Object.fromEntries([...c.metrics].filter(([k]) => k.startsWith('coverage.new_')))
  }

  it('coveralls, gcovr and SimpleCov give new lines and new branches of the changed lines', async () => {
    const want = {
      'coverage.new_lines_found': 2,
      'coverage.new_lines_hit': 1,
      'coverage.new_branches_found': 2,
      'coverage.new_branches_hit': 1
    }
    expect(
      await newCoverage('coveralls.json', {
        source_files: [
          {
            name: 'lib/a.js',
            coverage: [null, 3, 0, 1],
            branches: [2, 0, 0, 4, 2, 0, 1, 0, 4, 0, 0, 1]
          }
        ]
      })
    ).toMatchObject(want)
    const gcovr = {
      'gcovr/format_version': '0.6',
      files: [
        {
          file: 'lib/a.js',
          lines: [
            { line_number: 2, count: 3, branches: [{ count: 4 }, { count: 0 }] },
            { line_number: 3, count: 0, branches: [] },
            { line_number: 4, count: 1, branches: [{ count: 0 }] }
          ]
        }
      ]
    }
    expect(await newCoverage('gcovr.json', gcovr)).toMatchObject(want)
    const simplecov = {
      RSpec: {
        coverage: {
          'lib/a.js': {
            lines: [null, 3, 0, 1],
            branches: {
              '[:if, 0, 2, 4, 2, 20]': {
                '[:then, 1, 2, 4, 2, 10]': 4,
                '[:else, 2, 2, 4, 2, 20]': 0
              },
              '[:if, 3, 4, 4, 4, 20]': { '[:then, 4, 4, 4, 4, 10]': 0 }
            }
          }
        },
        timestamp: 1
      }
    }
    expect(await newCoverage('.resultset.json', simplecov)).toMatchObject(want)
  })
})

describe('TAP YAML blocks', () => {
  it('a "..." line inside a block scalar (a stack) does not end the YAML block', async () => {
    const tap =
      'TAP version 13\n1..2\nnot ok 1 - a\n  ---\n  stack: |-\n    at x\n    ...\n    ok 9 - forged inside the stack\n  ...\nok 2 - b\n'
    expect(await metrics('t.tap', tap)).toMatchObject({
      'tests.total': 2,
      'tests.passed': 1,
      'tests.failed': 1
    })
  })
})
