import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { schema } from 'mutation-testing-report-schema'
import { calculateMutationTestMetrics } from 'mutation-testing-metrics'
import {
  collectEvidence,
  detectFormat,
  mutationMetrics,
  parseUnifiedDiff,
  readMutationReport,
  severityBucket
} from '../../shared/evidence/index.js'
import { workspace } from './helpers.js'

const collectOne = async (
  name: string,
  file: string,
  content: string,
  extra: Record<string, unknown> = {}
) => {
  const root = workspace({ [file]: content })
  return collectEvidence([{ name, paths: [file] }], { root, ...extra })
}

describe('JUnit details', () => {
  const surefire = `<?xml version="1.0"?>
<testsuites>
  <testsuite name="outer" tests="6" time="3.5">
    <testsuite name="inner" time="1.0">
      <testcase name="ok" classname="a.B" time="0.5"/>
      <testcase name="flaky" classname="a.B"><flakyFailure message="first run failed"/></testcase>
      <testcase name="rerun-failed" classname="a.B" file="src/a/B.java" line="42"><failure message="still broken">trace</failure><rerunFailure message="again"/></testcase>
    </testsuite>
    <testcase name="boom" classname="a.C"><error type="NullPointerException" message="npe"/></testcase>
    <testcase name="skip" classname="a.C"><skipped/></testcase>
    <testcase name="gtest-notrun" classname="a.C" status="notrun"/>
  </testsuite>
</testsuites>`

  it.each([
    [
      'the root time',
      '<testsuites time="9"><testsuite time="2"><testcase name="a" time="1"/></testsuite></testsuites>',
      9
    ],
    [
      'outer suite times when the root has none',
      '<testsuites><testsuite time="2"><testcase name="a" time="1"/></testsuite><testsuite time="3"><testcase name="b" time="1"/></testsuite></testsuites>',
      5
    ],
    [
      'outer suite times even when an earlier suite has none',
      '<testsuites><testsuite><testcase name="a" time="1.5"/></testsuite><testsuite time="3"><testcase name="b" time="1"/></testsuite></testsuites>',
      3
    ],
    [
      'testcase times when no root or suite has one',
      '<testsuites><testsuite><testcase name="a" time="1.25"/><testcase name="b" time="0.5"/></testsuite></testsuites>',
      1.75
    ]
  ])('tests.duration_s comes from %s', async (_, xml, seconds) => {
    const c = await collectOne('tests', 'times.xml', xml)
    expect(c.errors).toEqual([])
    expect(c.metrics.get('tests.duration_s')).toBe(seconds)
  })

  it('counts failures, errors, skips and Surefire flaky reruns from nested suites', async () => {
    const c = await collectOne('tests', 'surefire.xml', surefire)
    expect(c.errors).toEqual([])
    expect(Object.fromEntries(c.metrics)).toEqual({
      'tests.total': 6,
      'tests.passed': 2,
      'tests.failed': 2,
      'tests.errors': 1,
      'tests.executed': 4,
      'tests.skipped': 2,
      'tests.flaky': 1,
      'tests.duration_s': 3.5,
      'tests.pass_rate': 50
    })
    expect(c.findings).toEqual([
      {
        file: 'src/a/B.java',
        line: 42,
        title: 'Failed: a.B › rerun-failed',
        message: 'still broken\ntrace',
        level: 'error',
        kind: 'test-failure'
      },
      {
        file: 'surefire.xml',
        line: undefined,
        title: 'Error: a.C › boom',
        message: 'NullPointerException: npe',
        level: 'error',
        kind: 'test-failure'
      }
    ])
  })

  it('keeps at most maxFindings failure details and counts the rest', async () => {
    const xml = `<testsuite>${Array.from({ length: 50 }, (_, i) => `<testcase name="t${i}"><failure message="m${i}"/></testcase>`).join('')}</testsuite>`
    const c = await collectOne('tests', 'many.xml', xml, { maxFindings: 3 })
    expect(c.metrics.get('tests.failed')).toBe(50)
    expect(c.findings.map((f) => f.message)).toEqual(['m0', 'm1', 'm2'])
    expect(c.findingsTotal).toBe(50)
    expect(c.sets[0].findingsTotal).toBe(50)
  })

  it('keeps workflow commands and markup in test names as plain data', async () => {
    const c = await collectOne(
      'tests',
      'x.xml',
      '<testsuite><testcase name="::add-mask::x &lt;b&gt;@team"><failure message="::error::boom"/></testcase></testsuite>'
    )
    expect(c.findings[0].title).toBe('Failed: ::add-mask::x <b>@team')
    expect(c.findings[0].message).toBe('::error::boom')
  })

  it('refuses XML that is not a JUnit report', async () => {
    const c = await collectOne('tests', 'x.xml', '<results><result/></results>', {})
    expect(c.errors[0].problem).toBe('unsupported')
  })
})

describe('coverage formats', () => {
  it('reads JaCoCo per source file, with changed lines', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="demo"><sessioninfo id="s" start="1" dump="2"/>
<package name="com/acme"><class name="com/acme/Foo" sourcefilename="Foo.java"><method name="a" desc="()V" line="3"><counter type="LINE" missed="0" covered="2"/></method></class>
<sourcefile name="Foo.java"><line nr="3" mi="0" ci="2" mb="0" cb="0"/><line nr="4" mi="3" ci="0" mb="1" cb="1"/><counter type="LINE" missed="1" covered="1"/><counter type="BRANCH" missed="1" covered="1"/><counter type="METHOD" missed="0" covered="1"/></sourcefile>
<counter type="LINE" missed="1" covered="1"/></package><counter type="LINE" missed="1" covered="1"/></report>`
    const changedLines = new Map([['src/main/java/com/acme/Foo.java', new Set([3, 4])]])
    const c = await collectOne('coverage', 'jacoco.xml', xml, { changedLines })
    expect(c.errors).toEqual([])
    expect(c.metrics.get('coverage.lines')).toBe(50)
    expect(c.metrics.get('coverage.branches')).toBe(50)
    expect(c.metrics.get('coverage.functions')).toBe(100)
    expect(c.metrics.get('coverage.new_lines')).toBe(50)
    expect(c.sets[0].files[0].coverageFiles).toEqual([
      {
        path: 'com/acme/Foo.java',
        linesFound: 2,
        linesHit: 1,
        branchesFound: 2,
        branchesHit: 1,
        functionsFound: 1,
        functionsHit: 1
      }
    ])
  })

  it('merges Cobertura classes of one file by line and ignores method-level duplicates', async () => {
    const xml = `<coverage line-rate="0.5"><packages><package name="p"><classes>
<class name="A" filename="src/a.py"><methods><method name="f"><lines><line number="1" hits="1"/></lines></method></methods><lines><line number="1" hits="1"/><line number="2" hits="0" branch="true" condition-coverage="50% (1/2)"/></lines></class>
<class name="A2" filename="src/a.py"><lines><line number="2" hits="4"/><line number="3" hits="0"/></lines></class>
</classes></package></packages></coverage>`
    const c = await collectOne('coverage', 'cov.xml', xml)
    expect(c.metrics.get('coverage.lines_found')).toBe(3)
    expect(c.metrics.get('coverage.lines_hit')).toBe(2)
    expect(c.metrics.get('coverage.branches')).toBe(50)
    expect(c.metrics.get('coverage.functions')).toBe(100)
  })

  it('leaves a rate absent when nothing was found, never 100 or NaN', async () => {
    const c = await collectOne('coverage', 'lcov.info', 'SF:a.js\nLF:0\nLH:0\nend_of_record\n')
    expect(c.errors).toEqual([])
    expect(c.metrics.get('coverage.lines_found')).toBe(0)
    expect(c.metrics.has('coverage.lines')).toBe(false)
    expect(c.metrics.has('coverage.branches')).toBe(false)
  })
})

describe('unified diff', () => {
  it('takes the new side of every hunk, skipping deleted files and removed lines', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1,3 +1,4 @@',
      ' keep',
      '-gone',
      '+new1',
      '+new2',
      ' keep',
      '@@ -10 +11,0 @@',
      '-removed only',
      'diff --git a/old.ts b/old.ts',
      '--- a/old.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      '--- /dev/null',
      '+++ b/new file.ts',
      '@@ -0,0 +1,2 @@',
      '+a',
      '+b',
      '\\ No newline at end of file'
    ].join('\n')
    const changed = parseUnifiedDiff(diff)
    expect([...changed.keys()]).toEqual(['src/a.ts', 'new file.ts'])
    expect([...(changed.get('src/a.ts') ?? [])]).toEqual([2, 3])
    expect([...(changed.get('new file.ts') ?? [])]).toEqual([1, 2])
  })
})

describe('mutation formats', () => {
  const pit = `<?xml version="1.0" encoding="UTF-8"?>
<mutations partial="false">
<mutation detected='true' status='KILLED' numberOfTestsRun='2'><sourceFile>Foo.java</sourceFile><mutatedClass>com.acme.Foo</mutatedClass><mutatedMethod>a</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>10</lineNumber><mutator>org.pitest.mutationtest.engine.gregor.mutators.MathMutator</mutator><indexes><index>1</index></indexes><blocks><block>0</block></blocks><killingTest>t</killingTest><description>Replaced integer addition with subtraction</description></mutation>
<mutation detected='false' status='SURVIVED' numberOfTestsRun='1'><sourceFile>Foo.java</sourceFile><mutatedClass>com.acme.Foo$Inner</mutatedClass><mutatedMethod>b</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>20</lineNumber><mutator>NegateConditionalsMutator</mutator><description>negated conditional</description></mutation>
<mutation detected='false' status='NO_COVERAGE' numberOfTestsRun='0'><sourceFile>Foo.java</sourceFile><mutatedClass>com.acme.Foo</mutatedClass><mutatedMethod>c</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>30</lineNumber><mutator>VoidMethodCallMutator</mutator><description>removed call</description></mutation>
<mutation detected='true' status='TIMED_OUT' numberOfTestsRun='1'><sourceFile>Foo.java</sourceFile><mutatedClass>com.acme.Foo</mutatedClass><mutatedMethod>d</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>40</lineNumber><mutator>M</mutator><description>d</description></mutation>
<mutation detected='true' status='NON_VIABLE' numberOfTestsRun='0'><sourceFile>Foo.java</sourceFile><mutatedClass>com.acme.Foo</mutatedClass><mutatedMethod>e</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>50</lineNumber><mutator>M</mutator><description>e</description></mutation>
<mutation detected='true' status='RUN_ERROR' numberOfTestsRun='0'><sourceFile>Foo.java</sourceFile><mutatedClass>com.acme.Foo</mutatedClass><mutatedMethod>f</mutatedMethod><methodDescription>()V</methodDescription><lineNumber>60</lineNumber><mutator>M</mutator><description>f</description></mutation>
</mutations>`

  it('normalises PIT statuses onto Stryker scoring and builds a schema-valid report', async () => {
    const root = workspace({ 'target/pit-reports/mutations.xml': pit })
    const r = await readMutationReport('target/pit-reports/mutations.xml', {
      root,
      changedLines: new Map([['src/main/java/com/acme/Foo.java', new Set([20, 40])]])
    })
    expect(r.tool).toBe('pit')
    expect(r.mutants.map((m) => [m.file, m.status, m.originalStatus, m.line])).toEqual([
      ['com/acme/Foo.java', 'Killed', 'KILLED', 10],
      ['com/acme/Foo.java', 'Survived', 'SURVIVED', 20],
      ['com/acme/Foo.java', 'NoCoverage', 'NO_COVERAGE', 30],
      ['com/acme/Foo.java', 'Timeout', 'TIMED_OUT', 40],
      ['com/acme/Foo.java', 'CompileError', 'NON_VIABLE', 50],
      ['com/acme/Foo.java', 'RuntimeError', 'RUN_ERROR', 60]
    ])
    // Stryker: (killed + timeout) / (killed + timeout + survived + no coverage); PIT would say 4/6.
    expect(r.metrics.get('mutation.score')).toBe(50)
    expect(r.metrics.get('mutation.errors')).toBe(2)
    expect(r.metrics.get('mutation.total')).toBe(6)
    expect(r.metrics.get('mutation.changed_total')).toBe(2)
    expect(r.metrics.get('mutation.changed_score')).toBe(50)
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema as object)
    expect(validate(r.report)).toBe(true)
    expect(
      calculateMutationTestMetrics(r.report as never).systemUnderTestMetrics.metrics.mutationScore
    ).toBe(50)
    expect(r.mutants[0].mutatorName).toBe('MathMutator')
  })

  it('refuses an unknown PIT status rather than guessing', async () => {
    const root = workspace({ 'mutations.xml': pit.replace("status='KILLED'", "status='WEIRD'") })
    await expect(readMutationReport('mutations.xml', { root })).rejects.toMatchObject({
      name: 'EvidenceError',
      problem: 'unsupported'
    })
  })

  it('normalises mutmut 3 .meta exit codes, documented per code', async () => {
    const meta = {
      exit_code_by_key: {
        'pkg.mod.x_f__mutmut_1': 1,
        'pkg.mod.x_f__mutmut_2': 0,
        'pkg.mod.x_f__mutmut_3': 33,
        'pkg.mod.x_f__mutmut_4': 36,
        'pkg.mod.x_f__mutmut_5': -24,
        'pkg.mod.x_f__mutmut_6': 37,
        'pkg.mod.x_f__mutmut_7': -11,
        'pkg.mod.x_f__mutmut_8': 34,
        'pkg.mod.x_f__mutmut_9': 35,
        'pkg.mod.x_f__mutmut_10': null
      },
      durations_by_key: {}
    }
    const root = workspace({ 'mutants/src/pkg/mod.py.meta': JSON.stringify(meta) })
    const r = await readMutationReport('mutants/src/pkg/mod.py.meta', { root })
    expect(r.tool).toBe('mutmut')
    expect(r.mutants.map((m) => m.status)).toEqual([
      'Killed',
      'Survived',
      'NoCoverage',
      'Timeout',
      'Timeout',
      'CompileError',
      'RuntimeError',
      'Ignored',
      'Survived',
      'Pending'
    ])
    expect(r.mutants[0].file).toBe('src/pkg/mod.py')
    expect(r.metrics.get('mutation.score')).toBe((3 / 6) * 100)
    expect(
      new Ajv({ strict: false, validateFormats: false }).compile(schema as object)(r.report)
    ).toBe(true)
  })

  it('reads mutmut-cicd-stats.json counts, the unlisted rest as Pending', async () => {
    const stats = {
      killed: 8,
      survived: 1,
      total: 12,
      no_tests: 1,
      skipped: 0,
      suspicious: 0,
      timeout: 0,
      check_was_interrupted_by_user: 0,
      segfault: 0
    }
    const root = workspace({ 'mutants/mutmut-cicd-stats.json': JSON.stringify(stats) })
    const r = await readMutationReport('mutants/mutmut-cicd-stats.json', { root })
    expect(r.metrics.get('mutation.score')).toBe(80)
    expect(r.metrics.get('mutation.total')).toBe(12)
    expect(r.metrics.get('mutation.ignored')).toBe(2)
  })

  it('aggregates several mutmut .meta files through collectEvidence', async () => {
    const root = workspace({
      'mutants/a.py.meta': JSON.stringify({
        exit_code_by_key: { 'a.x_f__mutmut_1': 1, 'a.x_f__mutmut_2': 0 }
      }),
      'mutants/b.py.meta': JSON.stringify({
        exit_code_by_key: { 'b.x_g__mutmut_1': 1, 'b.x_g__mutmut_2': 1 }
      })
    })
    const c = await collectEvidence([{ name: 'mutation', paths: ['mutants/**/*.meta'] }], { root })
    expect(c.errors).toEqual([])
    expect(c.metrics.get('mutation.score')).toBe(75)
    expect(c.findings.map((f) => [f.kind, f.file])).toEqual([['surviving-mutant', 'a.py']])
  })

  it('mutationMetrics leaves the score absent when no mutant is valid', () => {
    const m = mutationMetrics([
      {
        id: '1',
        file: 'a',
        mutatorName: 'm',
        status: 'CompileError',
        line: 1,
        originalStatus: 'CompileError'
      }
    ])
    expect(m.has('mutation.score')).toBe(false)
    expect(m.get('mutation.total')).toBe(1)
  })

  it('refuses a Stryker report that breaks the schema', async () => {
    const root = workspace({
      'm.json': JSON.stringify({
        schemaVersion: '2',
        thresholds: { high: 80, low: 60 },
        files: {
          'a.js': {
            language: 'js',
            source: '',
            mutants: [
              {
                id: '1',
                mutatorName: 'x',
                status: 'Weird',
                location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }
              }
            ]
          }
        }
      })
    })
    await expect(readMutationReport('m.json', { root })).rejects.toMatchObject({
      problem: 'malformed'
    })
  })
})

describe('SARIF', () => {
  const log = {
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'CodeQL',
            rules: [
              {
                id: 'js/sql-injection',
                defaultConfiguration: { level: 'error' },
                properties: { 'security-severity': '8.8' }
              },
              { id: 'js/xss', properties: { 'security-severity': '9.1' } },
              { id: 'js/unused', defaultConfiguration: { level: 'note' } }
            ]
          }
        },
        results: [
          {
            ruleId: 'js/sql-injection',
            ruleIndex: 0,
            message: { text: 'sql' },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: 'src/db.js' },
                  region: { startLine: 7 }
                }
              }
            ]
          },
          { ruleId: 'js/xss', level: 'error', baselineState: 'new', message: { text: 'xss' } },
          {
            ruleId: 'js/xss',
            level: 'error',
            baselineState: 'absent',
            message: { text: 'fixed already' }
          },
          {
            ruleId: 'js/xss',
            level: 'error',
            suppressions: [{ kind: 'inSource' }],
            message: { text: 'waived' }
          },
          {
            ruleId: 'js/xss',
            level: 'error',
            suppressions: [{ kind: 'external', status: 'underReview' }],
            message: { text: 'still open' }
          },
          { ruleId: 'js/unused', message: { text: 'note' } },
          {
            ruleId: 'other',
            message: { text: 'default level is warning' },
            properties: { 'security-severity': '2.0' }
          }
        ]
      }
    ]
  }

  it('counts by level, security severity, suppression and baseline state', async () => {
    const c = await collectOne('sarif', 'codeql.sarif', JSON.stringify(log))
    expect(c.errors).toEqual([])
    expect(Object.fromEntries(c.metrics)).toEqual({
      'sarif.errors': 3,
      'sarif.warnings': 1,
      'sarif.notes': 1,
      'sarif.critical': 2,
      'sarif.high': 1,
      'sarif.medium': 0,
      'sarif.low': 1,
      'sarif.total': 5,
      'sarif.suppressed': 1,
      'sarif.new': 1
    })
    expect(c.findings[0]).toMatchObject({
      file: 'src/db.js',
      line: 7,
      title: 'js/sql-injection (high)',
      level: 'error',
      kind: 'sarif'
    })
  })

  it('buckets security severity as CodeQL does', () => {
    expect([9, 8.9, 7, 6.9, 4, 3.9, 0.1, 0, NaN].map(severityBucket)).toEqual([
      'critical',
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
      undefined,
      undefined
    ])
  })
})

describe('SBOM', () => {
  it('counts CycloneDX vulnerabilities by worst rating and nested components', async () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      metadata: { component: { name: 'app', licenses: [{ license: { id: 'MIT' } }] } },
      components: [
        {
          name: 'a',
          version: '1',
          licenses: [{ expression: 'MIT OR GPL-3.0-only' }],
          components: [{ name: 'a-inner', licenses: [{ license: { id: 'AGPL-3.0-only' } }] }]
        },
        { name: 'b', version: '2' }
      ],
      vulnerabilities: [
        { id: 'CVE-1', ratings: [{ severity: 'medium' }, { severity: 'critical' }] },
        { id: 'CVE-2', ratings: [{ severity: 'high' }] },
        { id: 'CVE-3', ratings: [{ severity: 'info' }] }
      ]
    }
    const c = await collectOne('sbom', 'bom.json', JSON.stringify(bom), {
      deniedLicenses: ['GPL-3.0-only', 'AGPL-3.0-only']
    })
    expect(Object.fromEntries(c.metrics)).toEqual({
      'sbom.components': 3,
      'sbom.licenses.unknown': 1,
      'sbom.licenses.denied': 1, // a-inner; a may be taken under MIT
      'sbom.vulns.total': 3,
      'sbom.vulns.critical': 1,
      'sbom.vulns.high': 1,
      'sbom.vulns.medium': 0,
      'sbom.vulns.low': 0
    })
  })

  it('reads SPDX packages and their concluded or declared licences', async () => {
    const spdx = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      packages: [
        {
          name: 'x',
          versionInfo: '1',
          licenseConcluded: 'NOASSERTION',
          licenseDeclared: 'Apache-2.0'
        },
        { name: 'y', licenseConcluded: 'NOASSERTION' },
        { name: 'z', licenseConcluded: 'GPL-2.0-or-later' }
      ]
    }
    const c = await collectOne('sbom', 'sbom.spdx.json', JSON.stringify(spdx), {
      deniedLicenses: ['gpl-2.0-or-later']
    })
    expect(c.metrics.get('sbom.components')).toBe(3)
    expect(c.metrics.get('sbom.licenses.unknown')).toBe(1)
    expect(c.metrics.get('sbom.licenses.denied')).toBe(1)
  })
})

describe('performance', () => {
  it('maps a k6 --summary-export onto perf.<name>.<stat>', async () => {
    const k6 = {
      root_group: { name: '', checks: {} },
      metrics: {
        http_req_duration: {
          avg: 120.5,
          min: 10,
          med: 100,
          max: 900,
          'p(90)': 200,
          'p(95)': 250.25
        },
        'http_req_duration{expected_response:true}': {
          avg: 110,
          min: 10,
          med: 95,
          max: 800,
          'p(90)': 190,
          'p(95)': 240
        },
        http_reqs: { count: 1000, rate: 33.3 },
        http_req_failed: { passes: 5, fails: 995, value: 0.005 },
        checks: { passes: 990, fails: 10, value: 0.99 }
      }
    }
    const c = await collectOne('perf', 'summary.json', JSON.stringify(k6))
    expect(c.errors).toEqual([])
    expect(c.metrics.get('perf.http_req_duration.p95')).toBe(250.25)
    expect(c.metrics.get('perf.http_req_duration.p50')).toBe(100)
    expect(c.metrics.get('perf.http_req_duration_expected_response_true.p95')).toBe(240)
    expect(c.metrics.get('perf.http_reqs.rps')).toBe(33.3)
    expect(c.metrics.get('perf.http_req_failed.error_rate')).toBeCloseTo(0.5, 10)
    expect(c.metrics.get('perf.checks.error_rate')).toBeCloseTo(1, 10)
  })

  it('reads the generic perf JSON and combines two reports conservatively', async () => {
    const root = workspace({
      'perf/a.json': JSON.stringify({ metrics: { api: { p50: 10, p95: 100, p99: 300, rps: 50 } } }),
      'perf/b.json': JSON.stringify({ metrics: { api: { p50: 12, p95: 90, p99: 350, rps: 40 } } })
    })
    expect(detectFormat('a.json', JSON.stringify({ metrics: { api: { p95: 1 } } }))).toBe(
      'perf-json'
    )
    const c = await collectEvidence([{ name: 'perf', paths: ['perf/*.json'] }], { root })
    expect(Object.fromEntries(c.metrics)).toEqual({
      'perf.api.p50': 12,
      'perf.api.p95': 100,
      'perf.api.p99': 350,
      'perf.api.rps': 90
    })
  })
})

describe('Stryker uniqueItems, checked in linear time', () => {
  const mutant = (id: string, line: number) => ({
    id,
    mutatorName: 'x',
    status: 'Killed',
    location: { start: { line, column: 1 }, end: { line, column: 2 } }
  })
  const report = (mutants: unknown[]) =>
    JSON.stringify({
      schemaVersion: '2',
      thresholds: { high: 80, low: 60 },
      files: { 'a.js': { language: 'js', source: '', mutants } }
    })

  it('refuses two identical mutants, as the schema does', async () => {
    const root = workspace({ 'm.json': report([mutant('1', 1), mutant('1', 1)]) })
    await expect(readMutationReport('m.json', { root })).rejects.toMatchObject({
      problem: 'malformed',
      message: expect.stringContaining('duplicate items')
    })
  })

  it('accepts mutants that share an id but differ, as the schema does', async () => {
    const root = workspace({ 'm.json': report([mutant('1', 1), mutant('1', 2)]) })
    expect((await readMutationReport('m.json', { root })).metrics.get('mutation.total')).toBe(2)
  })
})
