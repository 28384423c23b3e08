import { describe, expect, it } from '@jest/globals'
import { symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { EvidenceError } from '../../shared/errors.js'
import { collectEvidence, readMutationReport } from '../../shared/evidence/index.js'
import { workspace } from './helpers.js'

/** Collects one file under a namespace and returns its single error (failing if there is none). */
async function errorOf(
  name: string,
  file: string,
  content: string | Buffer,
  extra: Record<string, unknown> = {}
): Promise<EvidenceError> {
  const root = workspace({ [file]: content })
  const c = await collectEvidence([{ name, paths: [file] }], { root, ...extra })
  expect(c.errors).toHaveLength(1)
  expect(c.errors[0]).toBeInstanceOf(EvidenceError)
  // Bad evidence yields no metric of its namespace: nothing can pass on it.
  expect([...c.metrics.keys()].filter((k) => k.startsWith(`${name}.`))).toEqual([])
  return c.errors[0]
}

const SECRET = 'CANARY-SECRET-CONTENT-4242'

describe('XML attacks reaching a reader', () => {
  it('refuses XXE and never reads the named file', async () => {
    const root = workspace({ 'secret.txt': SECRET })
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY xxe SYSTEM "file://${path.join(root, 'secret.txt')}">]>\n<testsuite><testcase name="&xxe;"/></testsuite>`
    writeFileSync(path.join(root, 'junit.xml'), xml)
    const c = await collectEvidence([{ name: 'tests', paths: ['junit.xml'] }], { root })
    expect(c.errors[0].problem).toBe('malformed')
    expect(c.errors[0].message).toMatch(/entities/)
    expect(JSON.stringify(c)).not.toContain(SECRET)
    expect(c.metrics.size).toBe(0)
  })

  it('refuses an entity reference with no declaration (saxes expands none)', async () => {
    const e = await errorOf(
      'tests',
      'junit.xml',
      '<testsuite>\n<testcase name="a"/>\n<testcase name="&lol9;"/></testsuite>'
    )
    expect(e.problem).toBe('malformed')
    expect(e.message).toMatch(/not well-formed XML \(line 3, column \d+: .*entity/i)
    expect(e.line).toBe(3)
  })

  it('refuses billion laughs quickly without expanding it', async () => {
    const decls = [
      '<!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`
      )
    ].join('\n')
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${decls}\n]>\n<testsuite><testcase name="&lol9;"/></testsuite>`
    // Expanding it would take minutes and gigabytes; the jest timeout catches that as a hang.
    const e = await errorOf('tests', 'junit.xml', xml)
    expect(e.problem).toBe('malformed')
  })

  it('accepts a DOCTYPE that only names an external DTD, and never fetches it', async () => {
    const root = workspace({
      'coverage.xml':
        '<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM "http://127.0.0.1:9/never-fetched.dtd">\n<coverage line-rate="1" lines-valid="1" lines-covered="1"><packages><package><classes><class filename="a.py"><lines><line number="1" hits="3"/></lines></class></classes></package></packages></coverage>'
    })
    const c = await collectEvidence([{ name: 'coverage', paths: ['coverage.xml'] }], { root })
    expect(c.errors).toEqual([])
    expect(c.metrics.get('coverage.lines')).toBe(100)
  })

  it('refuses 10,000-deep nesting', async () => {
    const xml = `<testsuites>${'<testsuite>'.repeat(10_000)}${'</testsuite>'.repeat(10_000)}</testsuites>`
    const e = await errorOf('tests', 'junit.xml', xml)
    expect(e.message).toMatch(/deeper than/)
  })

  it.each([
    ['mismatched tags', '<testsuite><testcase name="a"></testsuite>'],
    ['a truncated file', '<testsuites><testsuite><testcase name="a"/>'],
    ['two roots', '<testsuite/><testsuite/>'],
    ['text only', 'hello'],
    [
      'a __proto__ tag',
      '<testsuite><__proto__ polluted="yes"/><testcase name="a"><failure/></testcase>'
    ]
  ])('rejects %s or reads it inertly', async (_label, xml) => {
    const root = workspace({ 'junit.xml': xml })
    const c = await collectEvidence([{ name: 'tests', paths: ['junit.xml'], format: 'junit' }], {
      root
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    if (c.errors.length === 0) {
      expect(c.metrics.get('tests.failed')).toBe(1)
    } else {
      expect(c.errors[0]).toBeInstanceOf(EvidenceError)
      expect(c.metrics.size).toBe(0)
    }
  })
})

describe('bad counts', () => {
  it.each(['-1', 'NaN', '1e400', 'abc', '2.5'])(
    'refuses a JUnit suite with tests="%s"',
    async (v) => {
      const e = await errorOf(
        'tests',
        'junit.xml',
        `<testsuite tests="${v}"><testcase name="a"/></testsuite>`
      )
      expect(e.problem).toBe('malformed')
      expect(e.message).toContain('not a count')
    }
  )

  it('treats a JUnit file with zero tests as valid evidence of zero tests, whose pass rate is absent', async () => {
    const root = workspace({ 'junit.xml': '<testsuite name="x" tests="0"/>' })
    const c = await collectEvidence([{ name: 'tests', paths: ['junit.xml'] }], { root })
    expect(c.errors).toEqual([])
    expect(c.metrics.get('tests.total')).toBe(0)
    expect(c.metrics.has('tests.pass_rate')).toBe(false)
    for (const v of c.metrics.values()) expect(Number.isNaN(v)).toBe(false)
  })

  it('refuses lcov with more lines hit than found', async () => {
    const e = await errorOf(
      'coverage',
      'lcov.info',
      'TN:\nSF:src/a.js\nDA:1,1\nLF:1\nLH:5\nend_of_record\n'
    )
    expect(e.problem).toBe('malformed')
    expect(e.message).toMatch(/5 lines hit but only 1 found/)
  })

  it.each(['LF:-3', 'LH:NaN', 'BRF:x'])('refuses lcov with %s', async (line) => {
    const e = await errorOf(
      'coverage',
      'lcov.info',
      `SF:src/a.js\nDA:1,1\n${line}\nend_of_record\n`
    )
    expect(e.problem).toBe('malformed')
    expect(e.line).toBe(3)
  })

  it('refuses Cobertura with negative hits and Istanbul summaries with covered above total', async () => {
    const cob =
      '<coverage line-rate="1"><packages><package><classes><class filename="a.py"><lines><line number="1" hits="-4"/></lines></class></classes></package></packages></coverage>'
    expect((await errorOf('coverage', 'coverage.xml', cob)).problem).toBe('malformed')
    const summary = JSON.stringify({
      total: { lines: { total: 1, covered: 2, pct: 200 } },
      'a.js': { lines: { total: 1, covered: 2, pct: 200 } }
    })
    expect((await errorOf('coverage', 'coverage-summary.json', summary)).message).toMatch(
      /2 lines hit but only 1 found/
    )
  })

  it('refuses perf statistics that are negative or not numbers', async () => {
    expect(
      (await errorOf('perf', 'perf.json', JSON.stringify({ metrics: { api: { p95: -1 } } })))
        .problem
    ).toBe('malformed')
    expect(
      (await errorOf('perf', 'perf.json', JSON.stringify({ metrics: { api: { p95: 'NaN' } } })))
        .problem
    ).toBe('malformed')
  })

  it('refuses mutmut stats whose counts are negative or exceed the total', async () => {
    expect(
      (
        await errorOf(
          'mutation',
          'mutants/mutmut-cicd-stats.json',
          JSON.stringify({ killed: -1, survived: 0, no_tests: 0, total: 0 })
        )
      ).problem
    ).toBe('malformed')
    expect(
      (
        await errorOf(
          'mutation',
          'mutants/mutmut-cicd-stats.json',
          JSON.stringify({ killed: 5, survived: 0, no_tests: 0, total: 2 })
        )
      ).problem
    ).toBe('malformed')
  })
})

describe('SARIF', () => {
  it('refuses a log with no runs: an analysis that did not run is no evidence', async () => {
    const e = await errorOf('sarif', 'x.sarif', JSON.stringify({ version: '2.1.0', runs: [] }))
    expect(e.problem).toBe('empty')
    expect(
      (
        await errorOf(
          'sarif',
          'y.sarif',
          JSON.stringify({
            $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
            version: '2.1.0'
          })
        )
      ).problem
    ).toBe('malformed')
  })

  it('keeps __proto__, constructor and prototype keys as inert data', async () => {
    const text =
      '{"version":"2.1.0","__proto__":{"polluted":1},"runs":[{"tool":{"driver":{"name":"t","rules":[{"id":"__proto__","properties":{"__proto__":{"polluted":2},"security-severity":"9.5"}}]}},' +
      '"results":[{"ruleId":"__proto__","level":"error","message":{"text":"m"},"properties":{"constructor":{"prototype":{"polluted":3}}}}]}]}'
    const root = workspace({ 'x.sarif': text })
    const c = await collectEvidence([{ name: 'sarif', paths: ['x.sarif'] }], { root })
    expect(c.errors).toEqual([])
    expect(c.metrics.get('sarif.errors')).toBe(1)
    expect(c.metrics.get('sarif.critical')).toBe(1)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false)
  })
})

describe('files and paths', () => {
  it('refuses a file over the size limit before reading it', async () => {
    const e = await errorOf(
      'tests',
      'junit.xml',
      `<testsuite>${'<testcase name="a"/>'.repeat(100)}</testsuite>`,
      { maxBytes: 200 }
    )
    expect(e.problem).toBe('too-large')
    expect(e.message).toMatch(/over the 200-byte limit/)
  })

  it('refuses an empty file and reports a missing one by name', async () => {
    expect((await errorOf('tests', 'junit.xml', '')).problem).toBe('empty')
    const root = workspace()
    const c = await collectEvidence(
      [{ name: 'tests', paths: ['reports/junit.xml', 'reports/**/*.xml'] }],
      { root }
    )
    expect(c.errors.map((e) => [e.file, e.problem]).sort()).toEqual([
      ['reports/**/*.xml', 'missing'],
      ['reports/junit.xml', 'missing']
    ])
    expect(c.errors.find((e) => e.file.includes('*'))?.message).toContain('matches no file')
  })

  it.each(['../outside.xml', '/etc/passwd', 'reports/../../x.xml'])(
    'refuses %s as outside the workspace',
    async (p) => {
      const root = workspace()
      const c = await collectEvidence([{ name: 'tests', paths: [p] }], { root })
      expect(c.errors.map((e) => e.problem)).toEqual(['outside-workspace'])
    }
  )

  it('refuses a symlink to /proc/self/environ, found directly or by a glob, without echoing it', async () => {
    process.env.EVIDENCE_TEST_CANARY = SECRET
    const root = workspace()
    symlinkSync('/proc/self/environ', path.join(root, 'environ.xml'))
    const direct = await collectEvidence([{ name: 'tests', paths: ['environ.xml'] }], { root })
    const globbed = await collectEvidence([{ name: 'tests', paths: ['*.xml'] }], { root })
    for (const c of [direct, globbed]) {
      expect(c.errors.map((e) => e.problem)).toEqual(['outside-workspace'])
      expect(JSON.stringify(c)).not.toContain(SECRET)
    }
    await expect(readMutationReport('environ.xml', { root })).rejects.toMatchObject({
      problem: 'outside-workspace'
    })
  })

  it('refuses a symlinked folder leading out of the workspace', async () => {
    const outside = workspace({ 'junit.xml': '<testsuite><testcase name="a"/></testsuite>' })
    const root = workspace()
    symlinkSync(outside, path.join(root, 'reports'))
    const c = await collectEvidence([{ name: 'tests', paths: ['reports/junit.xml'] }], { root })
    expect(c.errors.map((e) => e.problem)).toEqual(['outside-workspace'])
  })

  it('marks evidence older than max_age_hours as stale', async () => {
    const root = workspace({ 'junit.xml': '<testsuite><testcase name="a"/></testsuite>' })
    const now = new Date(Date.now() + 48 * 3_600_000)
    const c = await collectEvidence([{ name: 'tests', paths: ['junit.xml'], maxAgeHours: 24 }], {
      root,
      now
    })
    expect(c.errors.map((e) => e.problem)).toEqual(['stale'])
  })

  it('refuses a file of another namespace and withholds the namespace when one file of several fails', async () => {
    const root = workspace({
      'reports/a.xml': '<testsuite><testcase name="a"/></testsuite>',
      'reports/b.xml': '<testsuite><testcase name="b"><failure/></testcase>',
      'lcov.info': 'SF:a.js\nDA:1,1\nend_of_record\n'
    })
    const c = await collectEvidence(
      [
        { name: 'tests', paths: ['reports/*.xml'] },
        { name: 'tests2', paths: ['lcov.info'] },
        { name: 'coverage', paths: ['reports/a.xml'] }
      ],
      { root }
    )
    expect(c.errors.map((e) => [e.file, e.problem])).toEqual([
      ['reports/b.xml', 'malformed'],
      ['reports/a.xml', 'unsupported']
    ])
    // a.xml alone read fine, but 1 passing test out of a broken pair must not become a 100% pass rate.
    expect(c.metrics.has('tests.total')).toBe(false)
    expect(c.metrics.has('coverage.lines')).toBe(false)
  })
})
