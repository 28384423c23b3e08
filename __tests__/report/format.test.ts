import { describe, expect, it } from '@jest/globals'
import { formatValue } from '../../shared/expr/index.js'
import {
  countsText,
  displayMessage,
  displayStatus,
  formatMetric,
  formatNumber,
  metricUnit
} from '../../shared/report/format.js'
import type { RequirementResult } from '../../shared/report/types.js'

const req = (over: Partial<RequirementResult>): RequirementResult => ({
  id: 'r',
  type: 'metric',
  severity: 'fail',
  status: 'passed',
  check: 'x',
  message: '',
  evidence: [],
  ...over
})

describe('numbers people read', () => {
  it('show at most two decimals, without trailing zeros, and never round a small value to 0', () => {
    expect(formatNumber(96.61016949152543)).toBe('96.61')
    expect(formatNumber(91.66666666666666)).toBe('91.67')
    expect(formatNumber(80)).toBe('80')
    expect(formatNumber(86.2)).toBe('86.2')
    expect(formatNumber(0.5)).toBe('0.5')
    expect(formatNumber(0.0012)).toBe('0.0012')
    expect(formatNumber(-3.14159)).toBe('-3.14')
    expect(formatNumber(Number.NaN)).toBe('NaN')
  })

  it('carry the unit of the metric namespace', () => {
    expect(formatMetric('coverage.lines', 96.61016949152543)).toBe('96.61 %')
    expect(formatMetric('baseline.coverage.lines', 96.5)).toBe('96.5 %')
    expect(formatMetric('mutation.score', 67.857)).toBe('67.86 %')
    expect(formatMetric('perf.checkout.p95', 245.04)).toBe('245.04 ms')
    expect(formatMetric('perf.api.rps', 120)).toBe('120 /s')
    expect(formatMetric('perf.api.error_rate', 0.5)).toBe('0.5 %')
    expect(formatMetric('tests.duration_s', 12.3456)).toBe('12.35 s')
    expect(formatMetric('nfr.performance.checkout_p95_ms', 250)).toBe('250 ms')
    expect(formatMetric('tests.total', 13)).toBe('13')
    expect(formatMetric('coverage.lines_found', 59)).toBe('59')
    expect(formatMetric('privacy.signoff', true)).toBe('true')
    expect(metricUnit('test.pass_rate')).toBe('')
  })

  it('rewrite only the values the engine quoted in the message', () => {
    const actual = {
      'coverage.lines': 96.61016949152543,
      'baseline.coverage.lines': 96.5,
      label: 'x'
    }
    const message = `coverage.lines (${formatValue(96.61016949152543)}) >= baseline.coverage.lines (96.5) - 0.123456 does not hold.`
    expect(displayMessage({ message, actual })).toBe(
      'coverage.lines (96.61 %) >= baseline.coverage.lines (96.5 %) - 0.123456 does not hold.'
    )
    expect(displayMessage({ message: 'no values here', actual })).toBe('no values here')
  })
})

describe('counts people read', () => {
  it('a warn-level miss is warned, never failed; a fail-level miss stays failed', () => {
    const warnMiss = req({ severity: 'warn', status: 'failed' })
    const warnMissing = req({ severity: 'warn', status: 'missing-evidence' })
    expect(displayStatus(warnMiss)).toBe('warned')
    expect(displayStatus(warnMissing)).toBe('warned')
    expect(displayStatus(req({ status: 'failed' }))).toBe('failed')
    expect(
      countsText([
        req({}),
        req({}),
        warnMiss,
        req({ status: 'skipped' }),
        req({ status: 'failed' })
      ])
    ).toBe('2 passed, 1 failed, 1 warned, 1 skipped')
  })
})
