/**
 * Reports written by the real tools (scripts/fixtures/generate-more-evidence-fixtures.sh), each
 * read with the totals the tool itself printed beside it (*.printed.txt): go test -v, RSpec's
 * summary line, SimpleCov's merged total, gcovr's TOTAL rows, go tool cover -func, Mocha's spec
 * reporter, Jest's summary, node's TAP comments and c8's text summary.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { collectEvidence } from '../../shared/evidence/index.js'
import { FIXTURES, workspace } from './helpers.js'

const DIR = path.join(FIXTURES, 'real-tools-more')
const read = (f: string) => readFileSync(path.join(DIR, f), 'utf8')
const num = (text: string, re: RegExp): number => {
  const m = re.exec(text)
  if (!m) throw new Error(`the tool's printed output has no match for ${re}`)
  return Number(m[1])
}
const numOr0 = (text: string, re: RegExp): number => (re.test(text) ? num(text, re) : 0)

async function metricsOf(file: string, name: 'tests' | 'coverage', format?: string) {
  const root = workspace({ [`reports/${file}`]: readFileSync(path.join(DIR, file)) })
  const c = await collectEvidence(
    [{ name, paths: [`reports/${file}`], ...(format ? { format } : {}) }],
    { root }
  )
  expect(c.errors).toEqual([])
  expect(c.sets[0].files[0].format).toBe(format ?? c.sets[0].files[0].format)
  return { m: c.metrics, c }
}

describe('real-tool fixtures beyond JUnit', () => {
  it('go test -json gives the tests go test -v lists (subtests and parents each count)', async () => {
    const printed = read('go-test.printed.txt')
    const pass = (printed.match(/--- PASS:/g) ?? []).length
    const fail = (printed.match(/--- FAIL:/g) ?? []).length
    const skip = (printed.match(/--- SKIP:/g) ?? []).length
    expect([pass, fail, skip]).toEqual([3, 3, 1])
    const { m, c } = await metricsOf('go-test.json', 'tests')
    expect(c.sets[0].files[0].format).toBe('go-test-json')
    expect(m.get('tests.total')).toBe(pass + fail + skip)
    expect(m.get('tests.passed')).toBe(pass)
    expect(m.get('tests.failed')).toBe(fail)
    expect(m.get('tests.errors')).toBe(0)
    expect(m.get('tests.skipped')).toBe(skip)
  })

  it('a Go package that does not build is an error, never zero tests', async () => {
    expect(read('go-test-build-fail.printed.txt')).toMatch(/undefined: undefinedName/)
    const { m } = await metricsOf('go-test-build-fail.json', 'tests')
    expect(m.get('tests.total')).toBe(1)
    expect(m.get('tests.errors')).toBe(1)
    expect(m.get('tests.failed')).toBe(1)
    expect(m.has('tests.pass_rate')).toBe(true)
    expect(m.get('tests.pass_rate')).toBe(0)
  })

  for (const mode of ['set', 'count', 'atomic']) {
    it(`go coverprofile (${mode}) gives the statement total go tool cover -func prints`, async () => {
      const total = num(
        read(`go-cover-${mode}.printed.txt`),
        /^total:\s+\(statements\)\s+([\d.]+)%/m
      )
      const { m, c } = await metricsOf(`go-cover-${mode}.out`, 'coverage')
      expect(c.sets[0].files[0].format).toBe('go-cover')
      expect(m.get('coverage.lines')).toBeCloseTo(total, 1)
    })
  }

  it('RSpec JSON gives the examples, failures and pending RSpec printed', async () => {
    const printed = read('rspec.printed.txt')
    const examples = num(printed, /(\d+) examples?,/)
    const failures = num(printed, /(\d+) failures?/)
    const pending = numOr0(printed, /(\d+) pending/)
    const { m, c } = await metricsOf('rspec.json', 'tests')
    expect(c.sets[0].files[0].format).toBe('rspec-json')
    expect(m.get('tests.total')).toBe(examples)
    expect(m.get('tests.failed')).toBe(failures)
    expect(m.get('tests.skipped')).toBe(pending)
    expect(m.get('tests.passed')).toBe(examples - failures - pending)
  })

  it('SimpleCov .resultset.json merges its two result sets to the total SimpleCov printed', async () => {
    const printed = read('simplecov.printed.txt')
    expect(printed).toMatch(/generated for run-a, run-b/)
    const m1 = /(\d+) \/ (\d+) LOC/.exec(printed)
    expect(m1).not.toBeNull()
    const { m, c } = await metricsOf('simplecov.resultset.json', 'coverage')
    expect(c.sets[0].files[0].format).toBe('simplecov')
    expect(m.get('coverage.lines_hit')).toBe(Number(m1?.[1]))
    expect(m.get('coverage.lines_found')).toBe(Number(m1?.[2]))
  })

  it('gcovr JSON gives the line and branch totals gcovr printed', async () => {
    const lines = /^TOTAL\s+(\d+)\s+(\d+)/m.exec(read('gcovr.printed.txt'))
    const branches = /^TOTAL\s+(\d+)\s+(\d+)/m.exec(read('gcovr-branches.printed.txt'))
    const { m, c } = await metricsOf('gcovr.json', 'coverage')
    expect(c.sets[0].files[0].format).toBe('gcovr-json')
    expect(m.get('coverage.lines_found')).toBe(Number(lines?.[1]))
    expect(m.get('coverage.lines_hit')).toBe(Number(lines?.[2]))
    expect(m.get('coverage.branches_found')).toBe(Number(branches?.[1]))
    expect(m.get('coverage.branches_hit')).toBe(Number(branches?.[2]))
    expect(m.get('coverage.functions_found')).toBe(3)
    expect(m.get('coverage.functions_hit')).toBe(2)
  })

  it('gcov JSON (gcc --json-format) gives the same lines as gcovr over the same run', async () => {
    const lines = /^TOTAL\s+(\d+)\s+(\d+)/m.exec(read('gcovr.printed.txt'))
    const { m, c } = await metricsOf('gcov.json', 'coverage')
    expect(c.sets[0].files[0].format).toBe('gcov-json')
    expect(m.get('coverage.lines_found')).toBe(Number(lines?.[1]))
    expect(m.get('coverage.lines_hit')).toBe(Number(lines?.[2]))
  })

  it('Mocha JSON gives the passing, pending and failing Mocha printed (a failing hook is an error)', async () => {
    const printed = read('mocha.printed.txt')
    const passing = num(printed, /(\d+) passing/)
    const pending = numOr0(printed, /(\d+) pending/)
    const failing = num(printed, /(\d+) failing/)
    const { m, c } = await metricsOf('mocha.json', 'tests')
    expect(c.sets[0].files[0].format).toBe('mocha-json')
    expect(m.get('tests.passed')).toBe(passing)
    expect(m.get('tests.skipped')).toBe(pending)
    expect(m.get('tests.failed')).toBe(failing)
    expect(m.get('tests.errors')).toBe(1)
    expect(m.get('tests.total')).toBe(passing + pending + failing)
  })

  it('Jest JSON gives the tests Jest printed, plus one error for the test file that failed to run', async () => {
    const printed = read('jest.printed.txt')
    const line = /^Tests:.*$/m.exec(printed)?.[0] ?? ''
    const total = num(line, /(\d+) total/)
    const failed = numOr0(line, /(\d+) failed/)
    const skipped = numOr0(line, /(\d+) skipped/) + numOr0(line, /(\d+) todo/)
    const passed = numOr0(line, /(\d+) passed/)
    const suitesFailed = num(printed, /^Test Suites:\s+(\d+) failed/m)
    expect(printed).toMatch(/Test suite failed to run/)
    const { m, c } = await metricsOf('jest.json', 'tests')
    expect(c.sets[0].files[0].format).toBe('jest-json')
    expect(m.get('tests.passed')).toBe(passed)
    expect(m.get('tests.skipped')).toBe(skipped)
    // the suite that failed to run has no failed test of its own: it is the one error
    expect(m.get('tests.errors')).toBe(1)
    expect(suitesFailed).toBe(2)
    expect(m.get('tests.failed')).toBe(failed + 1)
    expect(m.get('tests.total')).toBe(total + 1)
  })

  it('TAP from node --test gives the totals node printed (# tests, # pass, # fail, # skipped + # todo)', async () => {
    const tap = read('node-test.tap')
    const { m, c } = await metricsOf('node-test.tap', 'tests')
    expect(c.sets[0].files[0].format).toBe('tap')
    expect(m.get('tests.total')).toBe(num(tap, /^# tests (\d+)/m))
    expect(m.get('tests.passed')).toBe(num(tap, /^# pass (\d+)/m))
    expect(m.get('tests.failed')).toBe(num(tap, /^# fail (\d+)/m) + num(tap, /^# cancelled (\d+)/m))
    expect(m.get('tests.skipped')).toBe(num(tap, /^# skipped (\d+)/m) + num(tap, /^# todo (\d+)/m))
  })

  it('Clover XML from c8 gives the totals c8 printed', async () => {
    const printed = read('clover.printed.txt')
    const pair = (label: string) =>
      /\( (\d+)\/(\d+) \)/.exec(new RegExp(`^${label}\\s*:.*$`, 'm').exec(printed)?.[0] ?? '')
    const { m, c } = await metricsOf('clover.xml', 'coverage')
    expect(c.sets[0].files[0].format).toBe('clover')
    for (const [label, key] of [
      ['Lines', 'lines'],
      ['Branches', 'branches'],
      ['Functions', 'functions']
    ]) {
      const p = pair(label)
      expect(p).not.toBeNull()
      expect([m.get(`coverage.${key}_hit`), m.get(`coverage.${key}_found`)]).toEqual([
        Number(p?.[1]),
        Number(p?.[2])
      ])
    }
  })
})
