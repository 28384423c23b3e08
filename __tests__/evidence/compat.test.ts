import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { calculateMutationTestMetrics } from 'mutation-testing-metrics'
import { collectEvidence, readMutationReport } from '../../shared/evidence/index.js'
import { FIXTURES, hasSharedCompat, parseJUnitTable, SHARED_COMPAT, workspace } from './helpers.js'

/** Runs the JUnit table check against a folder of files and a README holding the table. */
function junitSuite(label: string, dir: string, readmeText: string) {
  const rows = parseJUnitTable(readmeText)
  describe(`JUnit compatibility corpus (${label})`, () => {
    it('lists every file of the folder in the table', () => {
      const listed = rows.flatMap((r) => r.files).sort()
      const present = readdirSync(dir)
        .filter((f) => f.endsWith('.xml'))
        .sort()
      expect(listed).toEqual(present)
      expect(rows.length).toBeGreaterThanOrEqual(12)
    })
    for (const row of rows) {
      for (const file of row.files) {
        it(`${file} gives ${row.tests} tests, ${row.passed} passed, ${row.failed} failed, ${row.skipped} skipped`, async () => {
          const root = workspace({ [`reports/${file}`]: readFileSync(path.join(dir, file)) })
          const c = await collectEvidence([{ name: 'tests', paths: [`reports/${file}`] }], { root })
          expect(c.errors).toEqual([])
          expect(c.metrics.get('tests.total')).toBe(row.tests)
          expect(c.metrics.get('tests.passed')).toBe(row.passed)
          expect(c.metrics.get('tests.failed')).toBe(row.failed)
          expect(c.metrics.get('tests.skipped')).toBe(row.skipped)
          if (row.tests - row.skipped === 0) expect(c.metrics.has('tests.pass_rate')).toBe(false)
          else
            expect(c.metrics.get('tests.pass_rate')).toBeCloseTo(
              (row.passed / (row.tests - row.skipped)) * 100,
              10
            )
          expect(c.findingsTotal).toBe(row.failed)
        })
      }
    }
  })
}

function mutationSuite(label: string, dir: string) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.includes('schema'))
  describe(`mutation compatibility corpus (${label})`, () => {
    it('has the reports', () => expect(files.length).toBeGreaterThanOrEqual(5))
    for (const file of files) {
      it(`${file} scores what mutation-testing-metrics computes`, async () => {
        const text = readFileSync(path.join(dir, file), 'utf8')
        const expected = calculateMutationTestMetrics(JSON.parse(text)).systemUnderTestMetrics
          .metrics
        const root = workspace({ [`reports/${file}`]: text })
        const result = await readMutationReport(`reports/${file}`, { root })
        expect(result.tool).toBe('stryker')
        expect(result.metrics.get('mutation.score')).toBe(expected.mutationScore)
        expect(result.metrics.get('mutation.killed')).toBe(expected.killed)
        expect(result.metrics.get('mutation.survived')).toBe(expected.survived)
        expect(result.metrics.get('mutation.no_coverage')).toBe(expected.noCoverage)
        expect(result.metrics.get('mutation.timeout')).toBe(expected.timeout)
        // Every mutant counts in the total, including legacy statuses (BuildError, Skipped) that the
        // library leaves out of its totalMutants because it no longer knows them.
        const all = Object.values(
          JSON.parse(text).files as Record<string, { mutants: unknown[] }>
        ).reduce((n, f) => n + f.mutants.length, 0)
        expect(result.metrics.get('mutation.total')).toBe(all)
        expect(result.mutants.length).toBe(all)
        // collectEvidence recomputes the score from counts: the same number.
        const c = await collectEvidence([{ name: 'mutation', paths: ['reports/*.json'] }], { root })
        expect(c.errors).toEqual([])
        expect(c.metrics.get('mutation.score')).toBe(expected.mutationScore)
      })
    }
  })
}

junitSuite(
  'fixture copy',
  path.join(FIXTURES, 'compat-junit'),
  readFileSync(path.join(FIXTURES, 'compat-junit/README.md'), 'utf8')
)
mutationSuite('fixture copy', path.join(FIXTURES, 'compat-mutation'))

if (hasSharedCompat) {
  junitSuite(
    '../shared/compat',
    path.join(SHARED_COMPAT, 'junit'),
    readFileSync(path.join(SHARED_COMPAT, 'README.md'), 'utf8')
  )
  mutationSuite('../shared/compat', path.join(SHARED_COMPAT, 'mutation'))
} else {
  describe('../shared/compat', () => {
    it.skip('is absent: only the fixture copies ran', () => undefined)
  })
}
