import { describe, it, expect } from '@jest/globals'
import { classifyComparison, scoreComparisons } from '../../shared/canary/kayenta-judge.js'
import type { ComparisonDetail } from '../../shared/canary/measurement.js'

const settings = {
  name: 'latency',
  direction: 'either' as const,
  tolerance: 0.25,
  confidence: 0.98,
  minSamples: 5,
  allowedIncrease: 1,
  allowedDecrease: 1,
  critical: false,
  noData: 'inconclusive' as const
}
const baseline = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99]

describe('Kayenta Mann-Whitney classification', () => {
  it('is High when the canary is clearly slower', () => {
    const d = classifyComparison(
      baseline.map((v) => v * 1.5),
      baseline,
      settings
    )
    expect(d.classification).toBe('High')
    expect(d.lower as number).toBeGreaterThan(0.25 * Math.abs(d.estimate as number))
    expect(d.meanRatio).toBeCloseTo(1.5, 10)
  })
  it('is Low when clearly lower and the direction allows it; Pass when only increases count', () => {
    const lower = baseline.map((v) => v * 0.5)
    expect(classifyComparison(lower, baseline, settings).classification).toBe('Low')
    expect(
      classifyComparison(lower, baseline, { ...settings, direction: 'increase' }).classification
    ).toBe('Pass')
  })
  it('passes the same distribution (shifted samples of noise)', () => {
    const canary = [101, 99, 100, 102, 98, 100, 103, 97, 99, 101]
    expect(classifyComparison(canary, baseline, settings).classification).toBe('Pass')
  })
  it('respects the effect-size gate', () => {
    const d = classifyComparison(
      baseline.map((v) => v * 1.05),
      baseline,
      { ...settings, allowedIncrease: 1.2 }
    )
    expect(d.classification).toBe('Pass')
  })
  it('treats too few samples as no data, by policy', () => {
    expect(classifyComparison([1, 2], baseline, settings).classification).toBe('Nodata')
    expect(
      classifyComparison([1, 2], baseline, { ...settings, noData: 'fail' }).classification
    ).toBe('NodataFail')
  })
})

function detail(
  metric: string,
  classification: ComparisonDetail['classification'],
  critical = false
): ComparisonDetail {
  return { metric, classification, critical, canarySamples: 10, baselineSamples: 10 }
}
const judgement = { passScore: 95, marginalScore: 75 }

describe('Kayenta weighted score', () => {
  it('scores pass weight over judged weight and classifies it', () => {
    const weights = new Map([
      ['a', 1],
      ['b', 3]
    ])
    const r = scoreComparisons([detail('a', 'High'), detail('b', 'Pass')], weights, judgement)
    expect(r.score).toBe(75)
    expect(r.phase).toBe('Inconclusive')
    expect(
      scoreComparisons([detail('a', 'Pass'), detail('b', 'Pass')], weights, judgement).phase
    ).toBe('Successful')
    expect(
      scoreComparisons([detail('a', 'Pass'), detail('b', 'Low')], weights, judgement).phase
    ).toBe('Failed')
  })
  it('forces 0 when a critical metric does not pass', () => {
    const r = scoreComparisons(
      [detail('a', 'High', true), ...Array.from({ length: 9 }, (_, i) => detail(`p${i}`, 'Pass'))],
      new Map(),
      judgement
    )
    expect(r.score).toBe(0)
    expect(r.phase).toBe('Failed')
  })
  it('never passes without data: all Nodata is Inconclusive, NodataFail counts as failing', () => {
    expect(scoreComparisons([detail('a', 'Nodata')], new Map(), judgement)).toMatchObject({
      score: undefined,
      phase: 'Inconclusive'
    })
    expect(
      scoreComparisons([detail('a', 'NodataFail'), detail('b', 'Nodata')], new Map(), judgement)
    ).toMatchObject({ score: 0, phase: 'Failed' })
  })
})
