/**
 * Issue 13: each evidence file here passed its gate before the fix (a false pass). Each test runs
 * the gate engine in-process on a small graph and asserts the gate fails and the message names
 * the cause.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { evaluateGates } from '../../shared/gates/index.js'
import type { RequirementResult } from '../../shared/report/types.js'

const now = new Date('2026-11-01T12:00:00Z')

/** A repository whose graph has one gate G with one requirement `check` on `metric`. */
function repo(evidence: string, metric: string, files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'fail-closed-'))
  const graph = `version: 1\nstages: [ci]\nevidence:\n${evidence}\nnodes:\n  - id: build\n    kind: activity\n    next: G\n  - id: G\n    kind: gate\n    requires:\n      - id: check\n        metric: ${metric}\n    pass: done\n    fail: build\n  - id: done\n    kind: activity\n`
  for (const [rel, content] of Object.entries({ '.process/graph.yaml': graph, ...files })) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    writeFileSync(path.join(root, rel), content)
  }
  return root
}

async function gate(
  evidence: string,
  metric: string,
  files: Record<string, string | Buffer>
): Promise<{ verdict: string; req: RequirementResult; text: string }> {
  const root = repo(evidence, metric, files)
  const { report } = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'ci',
    now
  })
  const req = report.gates?.[0]?.requirements.find((r) => r.id === 'check') as RequirementResult
  const problems = report.evidence?.problems ?? []
  return {
    verdict: report.verdict,
    req,
    text: `${req.message ?? ''} ${req.detail ?? ''} ${problems.map((p) => p.message).join(' ')}`
  }
}

const sarif = (run: Record<string, unknown>) =>
  JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'scanner' } }, ...run }] })

describe('item 2: a SARIF run that did not complete is failed evidence, not zero findings', () => {
  const metric = 'sarif.errors == 0 && sarif.warnings == 0'
  it.each([
    [
      'executionSuccessful: false',
      { invocations: [{ executionSuccessful: false, exitCode: 2 }], results: [] },
      /executionSuccessful: false \(exit code 2\)/
    ],
    [
      'an error-level tool notification',
      {
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              { level: 'error', message: { text: 'could not parse src/a.js' } }
            ]
          }
        ],
        results: []
      },
      /error-level tool execution notification \("could not parse src\/a\.js"\)/
    ],
    ['results absent', {}, /no "results" array/],
    ['results null', { results: null }, /"results": null/]
  ])('%s fails the gate, naming the file and the run', async (_name, run, reason) => {
    const r = await gate('  sarif: reports/scan.sarif', metric, {
      'reports/scan.sarif': sarif(run)
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('missing-evidence')
    expect(r.text).toContain('reports/scan.sarif')
    expect(r.text).toContain('runs[0] (scanner)')
    expect(r.text).toMatch(reason)
  })

  it('a warning-level notification on a successful run still reads (control)', async () => {
    const run = {
      invocations: [
        {
          executionSuccessful: true,
          toolExecutionNotifications: [{ level: 'warning', message: { text: 'slow' } }]
        }
      ],
      results: []
    }
    const r = await gate('  sarif: reports/scan.sarif', metric, {
      'reports/scan.sarif': sarif(run)
    })
    expect(r.req.status).toBe('passed')
  })
})

describe('item 3: licence expressions are parsed (spdx-expression-parse), not split on OR', () => {
  const bom = (components: unknown[]) =>
    JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components })
  const deny = (list: string) => `  sbom:\n    path: reports/bom.json\n    deny_licenses: [${list}]`
  const cases: Array<[string, unknown]> = [
    [
      '(MIT OR Apache-2.0) AND GPL-3.0-only',
      { name: 'a', licenses: [{ expression: '(MIT OR Apache-2.0) AND GPL-3.0-only' }] }
    ],
    [
      'two entries combined with AND',
      {
        name: 'b',
        licenses: [{ expression: 'MIT OR Apache-2.0' }, { license: { id: 'GPL-3.0-only' } }]
      }
    ],
    ['GPL-3.0-or-later', { name: 'c', licenses: [{ license: { id: 'GPL-3.0-or-later' } }] }],
    ['the deprecated GPL-3.0', { name: 'd', licenses: [{ license: { id: 'GPL-3.0' } }] }],
    ['GPL-3.0+ in lower case', { name: 'e', licenses: [{ expression: 'mit and gpl-3.0+' }] }]
  ]
  it.each(cases)('%s is denied by a deny-list holding GPL-3.0-only', async (_name, component) => {
    const r = await gate(deny('GPL-3.0-only'), 'sbom.licenses.denied == 0', {
      'reports/bom.json': bom([component])
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('failed')
    expect(r.req.actual).toMatchObject({ 'sbom.licenses.denied': 1 })
  })

  it('a deny-list naming the family (GPL-3.0) catches -only and -or-later', async () => {
    const r = await gate(deny('GPL-3.0'), 'sbom.licenses.denied == 0', {
      'reports/bom.json': bom([cases[0][1], cases[2][1]])
    })
    expect(r.req.actual).toMatchObject({ 'sbom.licenses.denied': 2 })
  })

  it('a choice that avoids the denied licence is not denied (control)', async () => {
    const r = await gate(deny('GPL-3.0-only'), 'sbom.licenses.denied == 0', {
      'reports/bom.json': bom([
        { name: 'x', licenses: [{ expression: 'MIT OR GPL-3.0-only' }] },
        { name: 'y', licenses: [{ expression: 'GPL-2.0-or-later OR MIT' }] },
        { name: 'z', licenses: [{ expression: 'AGPL-3.0-only' }] }
      ])
    })
    expect(r.req.status).toBe('passed')
  })
})

describe('item 8: a forced format without its required fields is refused', () => {
  it('format: mutmut-stats on a mocha JSON report fails, naming the missing fields', async () => {
    const mocha = JSON.stringify({
      stats: { suites: 1, tests: 2, passes: 2, failures: 0 },
      tests: [],
      passes: [],
      failures: []
    })
    const r = await gate(
      '  mutation:\n    path: reports/mocha.json\n    format: mutmut-stats',
      'mutation.survived == 0',
      { 'reports/mocha.json': mocha }
    )
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('missing-evidence')
    expect(r.text).toMatch(
      /reports\/mocha\.json: is not mutmut-cicd-stats\.json: it lacks "killed", "survived", "total"/
    )
  })
})

describe('item 9: Cobertura <line number="0"> is not a source line', () => {
  it('a report whose only line is line 0 has no line coverage, so the gate fails', async () => {
    const xml = `<?xml version="1.0"?>\n<coverage line-rate="0" lines-valid="0" lines-covered="0" version="1"><packages><package name="p"><classes><class name="a" filename="src/a.py"><lines><line number="0" hits="1"/></lines></class></classes></package></packages></coverage>`
    const r = await gate('  coverage: reports/cobertura.xml', 'coverage.lines >= 80', {
      'reports/cobertura.xml': xml
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('missing-evidence')
    expect(r.text).toMatch(/coverage\.lines/)
  })
})

describe('item 1: JUnit', () => {
  const tests = (extra = '') => `  tests:\n    path: reports/junit.xml${extra}`

  it('every test skipped: tests.executed is 0 and tests.pass_rate absent, so the documented rule fails', async () => {
    const xml =
      '<testsuite name="s" tests="2" skipped="2"><testcase name="a"><skipped/></testcase><testcase name="b"><skipped/></testcase></testsuite>'
    const r = await gate(tests(), 'tests.failed == 0 && tests.executed > 0', {
      'reports/junit.xml': xml
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('failed')
    expect(r.req.actual).toMatchObject({ 'tests.failed': 0, 'tests.executed': 0 })
    const rate = await gate(tests(), 'tests.pass_rate == 100', { 'reports/junit.xml': xml })
    expect(rate.req.status).toBe('missing-evidence')
    expect(rate.text).toMatch(/tests\.pass_rate/)
  })

  it('a suite with count attributes and no testcases is counted from them (EnricoMi no-cases-but-tests shape)', async () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="pytest" errors="0" failures="1" skipped="2" tests="6" time="1.5"/>\n'
    const r = await gate(tests(), 'tests.failed == 0', { 'reports/junit.xml': xml })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('failed')
    const root = repo(tests(), 'tests.failed == 0', { 'reports/junit.xml': xml })
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'ci',
      now
    })
    expect(report.metrics).toMatchObject({
      'tests.total': 6,
      'tests.failed': 1,
      'tests.skipped': 2,
      'tests.passed': 3,
      'tests.executed': 4
    })
    expect(report.findings?.[0]?.message).toMatch(
      /suite "pytest" declares 1 failed of 6 tests but lists no testcases/
    )
  })

  it('a suite declaring more failures than its testcases show is malformed evidence naming the suite', async () => {
    const xml =
      '<testsuite name="checkout" tests="5" failures="3" errors="2"><testcase name="a"/></testsuite>'
    const r = await gate(tests(), 'tests.failed == 0 && tests.executed > 0', {
      'reports/junit.xml': xml
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.status).toBe('missing-evidence')
    expect(r.text).toMatch(
      /reports\/junit\.xml: suite "checkout" declares 3 failures and 2 errors, but its testcases show only 0;/
    )
  })

  it('<testcase status="failed"/> counts as failed', async () => {
    const xml =
      '<testsuite name="s"><testcase name="a" status="failed"/><testcase name="b" result="error"/><testcase name="c" status="passed"/></testsuite>'
    const r = await gate(tests(), 'tests.failed == 0 && tests.executed > 0', {
      'reports/junit.xml': xml
    })
    expect(r.verdict).toBe('failed')
    expect(r.req.actual).toMatchObject({ 'tests.failed': 2 })
  })

  describe('retries', () => {
    // gotestsum --rerun-fails style: a failing try, then a passing one, listed as two testcases.
    const retried = `<testsuites><testsuite name="pkg" tests="4" failures="1">
  <testcase classname="pkg" name="TestA"/>
  <testcase classname="pkg" name="TestRace"><failure message="timeout"/></testcase>
  <testcase classname="pkg" name="TestRace"/>
  <testcase classname="pkg" name="TestB"/>
</testsuite></testsuites>`
    const allFail = `<testsuite name="pkg" tests="3" failures="3">
  <testcase classname="pkg" name="TestBroken"><failure message="try 1"/></testcase>
  <testcase classname="pkg" name="TestBroken"><failure message="try 2"/></testcase>
  <testcase classname="pkg" name="TestBroken"><failure message="try 3"/></testcase>
</testsuite>`

    it('count (the default) counts every try, so a retry never hides a failure', async () => {
      const r = await gate(tests(), 'tests.failed == 0', { 'reports/junit.xml': retried })
      expect(r.req.status).toBe('failed')
      expect(r.req.actual).toMatchObject({ 'tests.failed': 1 })
    })

    it('merge counts a test that passed on retry once, as flaky', async () => {
      const root = repo(tests('\n    retries: merge'), 'tests.failed == 0 && tests.flaky == 0', {
        'reports/junit.xml': retried
      })
      const { report } = await evaluateGates({
        root,
        graphPath: '.process/graph.yaml',
        stage: 'ci',
        now
      })
      expect(report.metrics).toMatchObject({
        'tests.total': 3,
        'tests.passed': 3,
        'tests.failed': 0,
        'tests.flaky': 1
      })
      expect(report.verdict).toBe('failed')
    })

    it('merge counts a test that failed on every try as one failure, naming the tries', async () => {
      const root = repo(tests('\n    retries: merge'), 'tests.failed == 0', {
        'reports/junit.xml': allFail
      })
      const { report } = await evaluateGates({
        root,
        graphPath: '.process/graph.yaml',
        stage: 'ci',
        now
      })
      expect(report.verdict).toBe('failed')
      expect(report.metrics).toMatchObject({
        'tests.total': 1,
        'tests.failed': 1,
        'tests.flaky': 0
      })
      expect(report.findings?.[0]?.message).toMatch(/try 3 \(failed on all 3 tries\)/)
    })

    it('an unknown retries value is a configuration error naming the choices', async () => {
      const root = repo(tests('\n    retries: ignore'), 'tests.failed == 0', {
        'reports/junit.xml': retried
      })
      await expect(
        evaluateGates({ root, graphPath: '.process/graph.yaml', stage: 'ci', now })
      ).rejects.toThrow(/retries|count|merge/)
    })
  })

  describe('encodings', () => {
    const failing =
      '<?xml version="1.0" encoding="UTF-16"?>\n<testsuite name="win"><testcase name="a"/><testcase name="b"><failure message="broken"/></testcase></testsuite>\n'
    const utf16be = (s: string) => {
      const le = Buffer.from(s, 'utf16le')
      for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]]
      return le
    }
    it.each([
      [
        'UTF-16 LE with a BOM',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(failing, 'utf16le')])
      ],
      ['UTF-16 BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(failing)])],
      [
        'UTF-8 with a BOM',
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(failing.replace('UTF-16', 'UTF-8'))
        ])
      ]
    ])('%s is read, and its failure fails the gate', async (_name, bytes) => {
      const r = await gate(tests(), 'tests.failed == 0 && tests.executed > 0', {
        'reports/junit.xml': bytes
      })
      expect(r.verdict).toBe('failed')
      expect(r.req.status).toBe('failed')
      expect(r.req.actual).toMatchObject({ 'tests.failed': 1, 'tests.executed': 2 })
    })

    it.each([
      [
        'UTF-32',
        Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('<testsuite/>')]),
        /is UTF-32/
      ],
      [
        'UTF-16 without a BOM',
        Buffer.from(failing, 'utf16le'),
        /UTF-16 little-endian without a byte-order mark/
      ],
      [
        'an encoding the runtime cannot decode',
        Buffer.from('<?xml version="1.0" encoding="EBCDIC-XYZ"?><testsuite/>'),
        /declares encoding="EBCDIC-XYZ"/
      ]
    ])('%s is refused with a message naming the encoding', async (_name, bytes, reason) => {
      const r = await gate(tests(), 'tests.failed == 0', { 'reports/junit.xml': bytes })
      expect(r.req.status).toBe('missing-evidence')
      expect(r.text).toMatch(reason)
      expect(r.text).not.toMatch(/no format flow-actions recognises/)
    })
  })
})

describe('item 6: the same report reached twice is read once', () => {
  const two = '<testsuite name="s"><testcase name="a"/><testcase name="b"/></testsuite>'

  it.each([
    [
      'two globs naming one file',
      'reports/*.xml, reports/./j.xml',
      { 'reports/j.xml': two },
      /reports\/\.\/j\.xml is the same file as reports\/j\.xml/
    ],
    [
      'an identical copy',
      'reports/**/*.xml',
      { 'reports/j.xml': two, 'reports/copy/j.xml': two },
      /reports\/j\.xml is an identical copy of reports\/copy\/j\.xml|reports\/copy\/j\.xml is an identical copy of reports\/j\.xml/
    ]
  ])(
    '%s: tests.total >= 4 fails and the report names the dropped path',
    async (_name, paths, files, reason) => {
      const root = repo(
        `  tests: [${paths
          .split(', ')
          .map((p) => JSON.stringify(p))
          .join(', ')}]`,
        'tests.total >= 4',
        files
      )
      const { report } = await evaluateGates({
        root,
        graphPath: '.process/graph.yaml',
        stage: 'ci',
        now
      })
      expect(report.verdict).toBe('failed')
      expect(report.metrics).toMatchObject({ 'tests.total': 2 })
      const dup = report.findings?.find((f) => /Duplicate evidence/.test(f.title ?? ''))
      expect(dup?.message).toMatch(reason)
    }
  )

  it('a symlink to a report already matched', async () => {
    const root = repo('  tests: "reports/**/*.xml"', 'tests.total >= 4', { 'reports/j.xml': two })
    const { symlinkSync } = await import('node:fs')
    mkdirSync(path.join(root, 'reports/sub'))
    symlinkSync('../j.xml', path.join(root, 'reports/sub/j-link.xml'))
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'ci',
      now
    })
    expect(report.verdict).toBe('failed')
    expect(report.metrics).toMatchObject({ 'tests.total': 2 })
    expect(
      report.findings?.some((f) =>
        /reports\/sub\/j-link\.xml is the same file as reports\/j\.xml/.test(f.message ?? '')
      )
    ).toBe(true)
  })
})

describe('item 7: freshness is production in this run, not a checkout file time', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@e',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@e',
        GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
        GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z'
      },
      stdio: 'pipe'
    }).toString()
  const ok = '<testsuite name="s"><testcase name="a"/></testsuite>'

  it('a committed report left unchanged by the run is stale under max_age_hours, though checkout made its mtime new', async () => {
    const root = repo(
      '  tests:\n    path: reports/j.xml\n    max_age_hours: 1',
      'tests.failed == 0 && tests.executed > 0',
      { 'reports/j.xml': ok }
    )
    git(root, 'init', '-q')
    git(root, 'add', '.')
    git(root, 'commit', '-qm', 'report committed in 2020')
    // The file time is "now" (as after a fresh clone): only git can tell the file is old.
    const r = await gate2(root)
    expect(r.verdict).toBe('failed')
    expect(r.text).toMatch(/reports\/j\.xml: is committed in git and unchanged in this run/)
    // Regenerated in this run (different content): read normally.
    writeFileSync(path.join(root, 'reports/j.xml'), ok.replace('name="a"', 'name="a2"'))
    expect((await gate2(root)).verdict).toBe('passed')
  })

  it('a file written before the run started is stale, whatever its age', async () => {
    const root = repo(
      '  tests:\n    path: reports/j.xml\n    max_age_hours: 24',
      'tests.failed == 0',
      { 'reports/j.xml': ok }
    )
    const { utimesSync } = await import('node:fs')
    const written = new Date(now.getTime() - 30 * 60_000)
    utimesSync(path.join(root, 'reports/j.xml'), written, written)
    const { collectEvidence } = await import('../../shared/evidence/index.js')
    const c = await collectEvidence(
      [{ name: 'tests', paths: ['reports/j.xml'], maxAgeHours: 24 }],
      { root, now, runStartedAt: new Date(now.getTime() - 10 * 60_000) }
    )
    expect(c.errors[0]?.message).toMatch(
      /reports\/j\.xml: was written at .* before this run started/
    )
    expect(c.metrics.has('tests.failed')).toBe(false)
  })

  it('max_age_days on a document fails closed in a shallow clone, naming fetch-depth: 0', async () => {
    const origin = repo('', 'true', {})
    const adr =
      '---\ntitle: Queue orders\nowners: [team]\nstatus: accepted\n---\n\nWe queue orders through an outbox so that none are lost when the broker is down.\n'
    writeFileSync(path.join(origin, 'ADR-1.md'), adr)
    writeFileSync(
      path.join(origin, '.process/graph.yaml'),
      `version: 1\nstages: [ci]\nnodes:\n  - id: G\n    kind: gate\n    requires:\n      - id: check\n        artifact: ADR-*.md\n        max_age_days: 30\n    pass: done\n    fail: done\n  - id: done\n    kind: activity\n`
    )
    git(origin, 'init', '-q')
    git(origin, 'add', '.')
    git(origin, 'commit', '-qm', 'ADR written in 2020')
    writeFileSync(path.join(origin, 'other.txt'), 'x')
    git(origin, 'add', '.')
    execFileSync('git', ['commit', '-qm', 'recent commit'], {
      cwd: origin,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@e',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@e',
        GIT_AUTHOR_DATE: now.toISOString(),
        GIT_COMMITTER_DATE: now.toISOString()
      }
    })
    const clone = mkdtempSync(path.join(tmpdir(), 'shallow-'))
    git(clone, 'clone', '-q', '--depth', '1', `file://${origin}`, '.')
    expect(git(clone, 'rev-parse', '--is-shallow-repository').trim()).toBe('true')
    const { report } = await evaluateGates({
      root: clone,
      graphPath: '.process/graph.yaml',
      stage: 'ci',
      now
    })
    const req = report.gates?.[0]?.requirements.find((x) => x.id === 'check')
    expect(report.verdict).toBe('failed')
    expect(`${req?.message ?? ''} ${req?.detail ?? ''}`).toMatch(
      /ADR-1\.md: the repository is a shallow clone.*fetch-depth: 0/
    )
    // The full history gives the real age: 2020, so the document is stale for its age, not for the clone.
    const full = mkdtempSync(path.join(tmpdir(), 'full-'))
    git(full, 'clone', '-q', `file://${origin}`, '.')
    const again = await evaluateGates({
      root: full,
      graphPath: '.process/graph.yaml',
      stage: 'ci',
      now
    })
    const req2 = again.report.gates?.[0]?.requirements.find((x) => x.id === 'check')
    expect(`${req2?.message ?? ''} ${req2?.detail ?? ''}`).toMatch(
      /ADR-1\.md was last changed \d+ days ago \(git history\)/
    )
  })

  async function gate2(root: string) {
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'ci',
      now: new Date()
    })
    const req = report.gates?.[0]?.requirements.find((r) => r.id === 'check') as RequirementResult
    return {
      verdict: report.verdict,
      text: `${req.message ?? ''} ${(report.evidence?.problems ?? []).map((p) => p.message).join(' ')}`
    }
  }
})
