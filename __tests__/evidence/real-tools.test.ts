import { describe, expect, it } from '@jest/globals'
import { collectEvidence, detectFormat, parseUnifiedDiff } from '../../shared/evidence/index.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { FIXTURES, workspaceWithFixtures } from './helpers.js'

// Fixtures written by scripts/fixtures/generate-evidence-fixtures.sh (real jest-junit, node --test,
// c8, cyclonedx-npm and ESLint SARIF output). The sample: node tests 2 pass, 1 fail, 1 skip; jest
// 2 pass, 1 fail, 1 skip; src/math.mjs 15 lines, 10 run; 3 functions, 2 run; 4 branches, 3 taken.
const root = workspaceWithFixtures('real-tools', 'reports')
const one = async (
  name: string,
  file: string,
  extra: Partial<Parameters<typeof collectEvidence>[1]> = {}
) => collectEvidence([{ name, paths: [`reports/${file}`] }], { root, ...extra })

describe('evidence written by real tools', () => {
  it.each([
    ['jest-junit.xml', 'junit'],
    ['node-test-junit.xml', 'junit'],
    ['lcov.info', 'lcov'],
    ['cobertura-coverage.xml', 'cobertura'],
    ['coverage-summary.json', 'istanbul-summary'],
    ['coverage-final.json', 'istanbul-final'],
    ['bom.cdx.json', 'cyclonedx-json'],
    ['bom.cdx.xml', 'cyclonedx-xml'],
    ['eslint.sarif', 'sarif']
  ])('detects %s as %s', (file, format) => {
    expect(detectFormat(file, readFileSync(path.join(FIXTURES, 'real-tools', file), 'utf8'))).toBe(
      format
    )
  })

  it.each(['jest-junit.xml', 'node-test-junit.xml'])(
    'reads %s: 4 tests, 2 passed, 1 failed, 1 skipped',
    async (file) => {
      const c = await one('tests', file)
      expect(c.errors).toEqual([])
      expect(Object.fromEntries([...c.metrics].filter(([k]) => k !== 'tests.duration_s'))).toEqual({
        'tests.total': 4,
        'tests.passed': 2,
        'tests.failed': 1,
        'tests.errors': 0,
        'tests.executed': 3,
        'tests.skipped': 1,
        'tests.flaky': 0,
        'tests.pass_rate': (2 / 3) * 100
      })
      expect(c.metrics.get('tests.duration_s')).toBeGreaterThan(0)
      expect(c.findings).toHaveLength(1)
      expect(c.findings[0]).toMatchObject({ kind: 'test-failure', level: 'error' })
      expect(c.findings[0].title).toContain('fails on purpose')
      expect(c.findings[0].file).toMatch(/test\/(jest|node)\/math\.test\.(cjs|mjs)$/)
    }
  )

  it.each(['lcov.info', 'cobertura-coverage.xml', 'coverage-summary.json', 'coverage-final.json'])(
    'reads %s: lines 10/15, functions 2/3, branches 3/4',
    async (file) => {
      const c = await one('coverage', file)
      expect(c.errors).toEqual([])
      expect(c.metrics.get('coverage.lines_found')).toBe(15)
      expect(c.metrics.get('coverage.lines_hit')).toBe(10)
      expect(c.metrics.get('coverage.lines')).toBeCloseTo((10 / 15) * 100, 10)
      expect(c.metrics.get('coverage.functions')).toBeCloseTo((2 / 3) * 100, 10)
      expect(c.metrics.get('coverage.branches')).toBe(75)
      const files = c.sets[0].files[0].coverageFiles ?? []
      expect(files.map((f) => f.path)).toEqual([expect.stringMatching(/src\/math\.mjs$/)])
    }
  )

  it('computes coverage of changed lines from lcov, cobertura and coverage-final alike', async () => {
    // Lines 7 and 8 (the throw) never ran; lines 1 and 2 did; line 40 is not code.
    const changedLines = parseUnifiedDiff(
      [
        '--- a/src/math.mjs',
        '+++ b/src/math.mjs',
        '@@ -1,0 +1,2 @@',
        '+a',
        '+b',
        '@@ -6,0 +7,2 @@',
        '+c',
        '+d',
        '@@ -39,0 +40 @@',
        '+e',
        ''
      ].join('\n')
    )
    for (const file of ['lcov.info', 'cobertura-coverage.xml', 'coverage-final.json']) {
      const c = await one('coverage', file, { changedLines })
      expect([
        file,
        c.metrics.get('coverage.new_lines_found'),
        c.metrics.get('coverage.new_lines_hit')
      ]).toEqual([file, 4, 2])
      expect(c.metrics.get('coverage.new_lines')).toBe(50)
      // One finding per run of uncovered changed lines: 7-8.
      expect(
        c.findings.filter((f) => f.kind === 'uncovered-line').map((f) => [f.line, f.endLine])
      ).toEqual([[7, 8]])
    }
    // json-summary has no line detail: new-line coverage is absent, never invented.
    const s = await one('coverage', 'coverage-summary.json', { changedLines })
    expect(s.metrics.has('coverage.new_lines')).toBe(false)
  })

  it.each(['bom.cdx.json', 'bom.cdx.xml'])(
    'reads %s: one component, GPL denied when listed',
    async (file) => {
      const plain = await one('sbom', file)
      expect(plain.errors).toEqual([])
      expect(plain.metrics.get('sbom.components')).toBe(1)
      expect(plain.metrics.get('sbom.licenses.unknown')).toBe(0)
      expect(plain.metrics.get('sbom.vulns.critical')).toBe(0)
      expect(plain.metrics.has('sbom.licenses.denied')).toBe(false) // no deny-list: absent, not 0
      const denied = await one('sbom', file, { deniedLicenses: ['GPL-3.0-only'] })
      expect(denied.metrics.get('sbom.licenses.denied')).toBe(1)
      const allowed = await one('sbom', file, { deniedLicenses: ['AGPL-3.0-only'] })
      expect(allowed.metrics.get('sbom.licenses.denied')).toBe(0)
    }
  )

  it('reads eslint.sarif: one error, one warning, with locations', async () => {
    const c = await one('sarif', 'eslint.sarif')
    expect(c.errors).toEqual([])
    expect(c.metrics.get('sarif.errors')).toBe(1)
    expect(c.metrics.get('sarif.warnings')).toBe(1)
    expect(c.metrics.get('sarif.total')).toBe(2)
    expect(c.findings.map((f) => [f.title, f.file, f.line, f.level])).toEqual([
      ['no-unused-vars', 'sample/src/leftover.mjs', 2, 'error'],
      ['eqeqeq', 'sample/src/math.mjs', 13, 'warning']
    ])
  })

  it('aggregates several files of one namespace by summing counts and recomputing rates', async () => {
    const c = await collectEvidence([{ name: 'tests', paths: ['reports/*junit.xml'] }], { root })
    expect(c.errors).toEqual([])
    expect(c.metrics.get('tests.total')).toBe(8)
    expect(c.metrics.get('tests.failed')).toBe(2)
    expect(c.metrics.get('tests.pass_rate')).toBeCloseTo((4 / 6) * 100, 10)
    expect(c.sources.get('tests.total')).toEqual([
      'reports/jest-junit.xml',
      'reports/node-test-junit.xml'
    ])
    expect(c.sets[0].files.map((f) => f.metrics['tests.total'])).toEqual([4, 4])
  })
})
