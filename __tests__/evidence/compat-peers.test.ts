/**
 * The peers' fixtures (TRX, NUnit, Mocha, Dart, RSpec, go test -json, and from ../shared/compat the
 * JUnit files too):
 * each file gives the totals listed in expected.json, read with the format auto-detected and with
 * it forced. `failed` there counts failures and errors together, as the peers report it.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { collectEvidence, normaliseFormat } from '../../shared/evidence/index.js'
import { FIXTURES, hasSharedCompat, SHARED_COMPAT, workspace } from './helpers.js'

interface Row {
  file: string
  format: string
  expected: { total: number; passed: number; failed: number; skipped: number } | 'refused'
}

function peersSuite(label: string, dir: string, includeJUnit: boolean) {
  const rows = (JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Row[]).filter(
    (r) => includeJUnit || r.format !== 'junit'
  )
  describe(`peer fixtures (${label})`, () => {
    it('covers every format the peers read', () => {
      expect(new Set(rows.map((r) => r.format))).toEqual(
        new Set([
          'trx',
          'nunit3',
          'mocha-json',
          'dart-json',
          'rspec-json',
          'go-test-json',
          ...(includeJUnit ? ['junit'] : [])
        ])
      )
    })
    for (const row of rows) {
      const file = path.join(dir, 'files', row.file)
      it(`${row.file} (${row.format}) gives ${JSON.stringify(row.expected)}`, async () => {
        expect(existsSync(file)).toBe(true)
        const base = path.basename(row.file)
        const root = workspace({ [`reports/${base}`]: readFileSync(file) })
        for (const format of [undefined, row.format]) {
          if (format !== undefined) expect(normaliseFormat(format)).toBeDefined()
          const c = await collectEvidence(
            [{ name: 'tests', paths: [`reports/${base}`], ...(format ? { format } : {}) }],
            { root }
          )
          if (row.expected === 'refused') {
            expect(c.errors.length).toBe(1)
            expect(c.errors[0].message).toContain(base)
            continue
          }
          expect(c.errors).toEqual([])
          const m = c.metrics
          const e = row.expected
          expect(m.get('tests.total')).toBe(e.total)
          expect(m.get('tests.passed')).toBe(e.passed)
          expect(m.get('tests.skipped')).toBe(e.skipped)
          // failures and errors together, whether or not tests.failed includes errors
          expect(e.total - (m.get('tests.passed') ?? NaN) - (m.get('tests.skipped') ?? NaN)).toBe(
            e.failed
          )
          // One finding per failed test (a report whose own counts disagree adds a warning).
          expect(c.findings.filter((f) => f.level === 'error')).toHaveLength(e.failed)
          if (e.total - e.skipped === 0) expect(m.has('tests.pass_rate')).toBe(false)
          else
            expect(m.get('tests.pass_rate')).toBeCloseTo(
              (e.passed / (e.total - e.skipped)) * 100,
              10
            )
        }
      })
    }
  })
}

peersSuite('fixture copy', path.join(FIXTURES, 'peers'), false)
if (hasSharedCompat) peersSuite('../shared/compat/peers', path.join(SHARED_COMPAT, 'peers'), true)
