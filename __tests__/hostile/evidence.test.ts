/**
 * Hostile evidence files through the bundled check-gates (and the CLI, and mutation-gate where it
 * reads the format): XML attacks, impossible counts, a SARIF log with no runs, lcov with more hits
 * than lines, prototype keys in JSON. The requirement that needs the file fails closed, naming the
 * file and the reason; the requirements on the intact files still pass; the report and summary are
 * written; nothing from a file the evidence points at ever appears.
 */
import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { collectEvidence } from '../../shared/evidence/index.js'
import { runCli, runHostile, workspace, type HostileRun } from './support.js'

const CANARY = 'CANARY-FILE-CONTENT-7731'
const repo = (files: Record<string, string>) => workspace(files, 'hostile/repo')

interface Requirement {
  id: string
  status: string
  message?: string
}

async function gates(
  files: Record<string, string>,
  inputs: Record<string, string> = {}
): Promise<HostileRun & { requirements: Map<string, Requirement> }> {
  const run = await runHostile('check-gates', {
    workspace: repo(files),
    inputs: { stage: 'staging', 'upload-report': 'false', ...inputs }
  })
  const report = JSON.parse(run.reportText) as { gates: Array<{ requirements: Requirement[] }> }
  return { ...run, requirements: new Map(report.gates[0].requirements.map((r) => [r.id, r])) }
}

/** The gate failed on `id` alone, as missing evidence naming `file`; the summary says so too. */
function expectFailsClosed(
  run: Awaited<ReturnType<typeof gates>>,
  id: string,
  file: string,
  reason: RegExp
): void {
  expect(run.exitCode).toBe(1)
  expect(run.outputs.passed).toBe('false')
  expect(run.outputs['failed-gates']).toBe('G-verify')
  const r = run.requirements.get(id)
  expect(r?.status).toBe('missing-evidence')
  expect(r?.message).toContain(file)
  expect(r?.message).toMatch(reason)
  for (const [other, req] of run.requirements) if (other !== id) expect(req.status).toBe('passed')
  expect(run.summary).toContain('Gates failed for <code>staging</code>')
  expect(run.summary).toContain(file.replace(/\./g, '\\.').replace(/\//g, '/'))
  expect(run.stdout + run.summary + run.reportText).not.toContain(CANARY)
}

describe('XML attacks in evidence', () => {
  it('check-gates refuses JUnit with an XXE entity and never reads the named file', async () => {
    const secret = workspace({ 'secret.txt': CANARY })
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY xxe SYSTEM "file://${path.join(secret, 'secret.txt')}">]>\n<testsuite tests="1"><testcase name="&xxe;"/></testsuite>`
    expectFailsClosed(
      await gates({ 'reports/junit.xml': xml }),
      'tests_pass',
      'reports/junit.xml',
      /entit/i
    )
  })

  it('check-gates refuses billion laughs in JUnit quickly without expanding it', async () => {
    const decls = [
      '<!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`
      )
    ].join('\n')
    const run = await gates({
      'reports/junit.xml': `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${decls}\n]>\n<testsuite><testcase name="&lol9;"/></testsuite>`
    })
    expectFailsClosed(run, 'tests_pass', 'reports/junit.xml', /entit/i)
  })

  it('check-gates refuses 10,000-deep XML nesting', async () => {
    const xml = `<testsuites>${'<testsuite>'.repeat(10_000)}${'</testsuite>'.repeat(10_000)}</testsuites>`
    expectFailsClosed(
      await gates({ 'reports/junit.xml': xml }),
      'tests_pass',
      'reports/junit.xml',
      /deeper than/
    )
  })

  it.each([
    ['mismatched tags', '<testsuite><testcase name="a"></testsuite>'],
    ['a truncated file', '<testsuites><testsuite><testcase name="a"/>'],
    ['an unclosed attribute', '<testsuite><testcase name="a/></testsuite>'],
    ['two roots', '<testsuite><testcase name="a"/></testsuite><testsuite/>']
  ])('check-gates refuses JUnit with %s, with a line number', async (_label, xml) => {
    const run = await gates({ 'reports/junit.xml': xml })
    expectFailsClosed(run, 'tests_pass', 'reports/junit.xml', /not well-formed XML \(line \d+/)
  })

  it('flow gates refuses the same XXE file with exit 1 and never prints the named file', () => {
    const secret = workspace({ 'secret.txt': CANARY })
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY xxe SYSTEM "file://${path.join(secret, 'secret.txt')}">]>\n<testsuite><testcase name="&xxe;"/></testsuite>`
    const r = runCli(['gates', '--stage', 'staging'], repo({ 'reports/junit.xml': xml }))
    expect(r.status).toBe(1)
    expect(r.stdout).toContain('MISSING tests.failed == 0')
    expect(r.stdout).toContain('reports/junit.xml')
    expect(r.stdout + r.stderr).not.toContain(CANARY)
  })

  it('mutation-gate refuses a PIT mutations.xml with an XXE entity, naming the file', async () => {
    const secret = workspace({ 'secret.txt': CANARY })
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY xxe SYSTEM "file://${path.join(secret, 'secret.txt')}">]>\n<mutations><mutation detected="true" status="KILLED"><sourceFile>&xxe;</sourceFile></mutation></mutations>`
    const run = await runHostile('mutation-gate', {
      workspace: workspace({ 'target/pit-reports/mutations.xml': xml }),
      inputs: { report: 'target/pit-reports/mutations.xml', threshold: '0' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.passed).not.toBe('true')
    expect(run.stdout).toContain('mutations.xml')
    expect(run.stdout).toMatch(/entit/i)
    expect(run.stdout + run.summary).not.toContain(CANARY)
  })
})

describe('impossible counts fail closed', () => {
  it('check-gates fails a JUnit file with zero tests (tests.total > 0 does not hold)', async () => {
    const run = await gates({ 'reports/junit.xml': '<testsuite name="x" tests="0"/>' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.passed).toBe('false')
    expect(run.requirements.get('tests_pass')?.status).toBe('failed')
    expect(run.requirements.get('coverage')?.status).toBe('passed')
  })

  it.each(['-1', 'NaN', '1e400', 'Infinity'])(
    'check-gates fails a JUnit suite with tests="%s" as not a count',
    async (v) => {
      expectFailsClosed(
        await gates({
          'reports/junit.xml': `<testsuite tests="${v}"><testcase name="a"/></testsuite>`
        }),
        'tests_pass',
        'reports/junit.xml',
        /not a count/
      )
    }
  )

  it('check-gates fails a JUnit suite whose failures count is negative', async () => {
    expectFailsClosed(
      await gates({
        'reports/junit.xml': '<testsuite tests="1" failures="-5"><testcase name="a"/></testsuite>'
      }),
      'tests_pass',
      'reports/junit.xml',
      /not a count/
    )
  })

  it('check-gates fails a SARIF log with no runs: an analysis that did not run is no evidence', async () => {
    expectFailsClosed(
      await gates({ 'reports/scan.sarif': JSON.stringify({ version: '2.1.0', runs: [] }) }),
      'no_errors',
      'reports/scan.sarif',
      /run/i
    )
  })

  it('check-gates fails lcov with more lines hit than found', async () => {
    expectFailsClosed(
      await gates({ 'reports/lcov.info': 'TN:\nSF:src/a.js\nDA:1,1\nLF:1\nLH:5\nend_of_record\n' }),
      'coverage',
      'reports/lcov.info',
      /5 lines hit but only 1 found/
    )
  })

  it('check-gates fails an empty evidence file, naming it', async () => {
    expectFailsClosed(
      await gates({ 'reports/junit.xml': '' }),
      'tests_pass',
      'reports/junit.xml',
      /empty/
    )
  })

  it('flow gates exits 1 on a JUnit suite with tests="NaN"', () => {
    const r = runCli(
      ['gates', '--stage', 'staging'],
      repo({ 'reports/junit.xml': '<testsuite tests="NaN"><testcase name="a"/></testsuite>' })
    )
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/reports\/junit\.xml: <testsuite tests="NaN">: not a count/)
  })
})

describe('__proto__, constructor and prototype keys in JSON evidence', () => {
  const summary = (pct: number) =>
    `{"total":{"lines":{"total":10,"covered":${pct / 10},"skipped":0,"pct":${pct}},"__proto__":{"lines":{"total":1,"covered":1,"pct":100}}},` +
    `"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},` +
    `"src/a.ts":{"lines":{"total":10,"covered":${pct / 10},"skipped":0,"pct":${pct}}}}`

  it('check-gates reads them as inert data: the verdict is what the real numbers say', async () => {
    const low = await gates(
      { 'coverage/coverage-summary.json': summary(30) },
      { evidence: 'coverage: coverage/coverage-summary.json' }
    )
    expect(low.requirements.get('coverage')?.status).toBe('failed')
    expect(low.outputs.passed).toBe('false')
    const high = await gates(
      { 'coverage/coverage-summary.json': summary(90) },
      { evidence: 'coverage: coverage/coverage-summary.json' }
    )
    expect(high.requirements.get('coverage')?.status).toBe('passed')
    expect(high.outputs.passed).toBe('true')
    expect(high.reportText).not.toContain('polluted')
  })

  it('the readers pollute nothing in-process (Istanbul, SARIF, perf, generic JSON)', async () => {
    const root = workspace({
      'coverage-summary.json': summary(50),
      'x.sarif':
        '{"version":"2.1.0","__proto__":{"polluted":1},"runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"__proto__","properties":{"__proto__":{"polluted":2}}}]}},"results":[{"ruleId":"constructor","level":"error","message":{"text":"m"},"properties":{"constructor":{"prototype":{"polluted":3}}}}]}]}',
      'perf.json': '{"metrics":{"__proto__":{"p95":1},"constructor":{"p95":2},"api":{"p95":120}}}'
    })
    const c = await collectEvidence(
      [
        { name: 'coverage', paths: ['coverage-summary.json'] },
        { name: 'sarif', paths: ['x.sarif'] },
        { name: 'perf', paths: ['perf.json'] }
      ],
      { root }
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted')
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('p95')
    expect(c.metrics.get('coverage.lines')).toBe(50)
    expect(c.metrics.get('sarif.errors')).toBe(1)
  })

  it('render-diagram colours only real gates from a report full of prototype keys', async () => {
    const ws = workspace(
      {
        'report.json':
          '{"version":1,"__proto__":{"verdict":"passed"},"gates":[{"id":"__proto__","status":"passed"},{"id":"constructor","status":"passed"},{"id":"G-verify","status":"failed","__proto__":{"status":"passed"}}]}'
      },
      'hostile/repo'
    )
    writeFileSync(path.join(ws, 'keep'), '')
    const run = await runHostile('render-diagram', {
      workspace: ws,
      inputs: { report: 'report.json', output: 'process.mmd' }
    })
    expect(run.exitCode).toBe(0)
    expect(run.summary).toMatch(/G-verify/)
    expect(run.summary).toMatch(/failed/)
    expect(run.summary).not.toMatch(/G-verify[^\n]*passed/)
  })
})
