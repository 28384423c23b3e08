import { describe, it, expect } from '@jest/globals'
import { mannWhitneyU, shiftConfidenceInterval } from '../../shared/canary/stats/mann-whitney.js'
import { erfc, normalCdf, normalQuantile } from '../../shared/canary/stats/normal.js'

describe('normal distribution helpers', () => {
  it('matches tabulated values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 15)
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12)
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 14)
    // A far tail keeps its precision instead of rounding to 0.
    expect(erfc(6)).toBeCloseTo(2.1519736712498913e-17, 28)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9)
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 9)
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 9)
  })
})

describe('Mann-Whitney U (normal approximation, tie-corrected, two-sided)', () => {
  it('reproduces the scipy.stats.mannwhitneyu documentation example (method="asymptotic")', () => {
    // scipy docs: males vs females, U1 = 17, asymptotic p-value 0.11134688653314041.
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12])
    expect(r.u1).toBe(17)
    expect(r.u2).toBe(3)
    expect(r.pValue).toBeCloseTo(0.11134688653314041, 12)
  })

  it('reproduces a published result with ties (ClickHouse mannWhitneyUTest test: U 223, p 0.5426959774289482)', () => {
    const left = [
      310, 195, 530, 155, 530, 245, 385, 450, 465, 545, 170, 180, 125, 180, 230, 75, 430, 480, 495,
      295
    ]
    const right = [
      116, 171, 176, 421, 111, 326, 481, 111, 346, 441, 261, 411, 206, 521, 456, 446, 296, 51, 426,
      261
    ]
    const r = mannWhitneyU(left, right)
    expect(r.u1).toBe(223)
    expect(r.pValue).toBeCloseTo(0.5426959774289482, 12)
  })

  it('applies the tie correction to the variance (hand computed)', () => {
    // x = [1,2,2], y = [2,3,3]. Pooled ranks: 1 -> 1, 2 (x3) -> 3, 3 (x2) -> 5.5.
    // R1 = 1 + 3 + 3 = 7, U1 = 7 - 6 = 1. Tie term = (27-3) + (8-2) = 30.
    // var = 9/12 * (7 - 30/30) = 4.5; without continuity z = (1 - 4.5)/sqrt(4.5) = -1.6499.
    const r = mannWhitneyU([1, 2, 2], [2, 3, 3], { continuity: false })
    expect(r.u1).toBe(1)
    expect(r.z).toBeCloseTo(-3.5 / Math.sqrt(4.5), 12)
    expect(r.pValue).toBeCloseTo(2 * (1 - normalCdf(3.5 / Math.sqrt(4.5))), 12)
    // With the continuity correction the distance shrinks by 1/2.
    expect(mannWhitneyU([1, 2, 2], [2, 3, 3]).pValue).toBeCloseTo(
      2 * (1 - normalCdf(3 / Math.sqrt(4.5))),
      12
    )
  })

  it('gives p = 1 when every value is identical and is symmetric in its samples', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5]).pValue).toBe(1)
    const a = mannWhitneyU([1, 4, 9, 16], [2, 3, 5, 7, 11])
    const b = mannWhitneyU([2, 3, 5, 7, 11], [1, 4, 9, 16])
    expect(a.pValue).toBeCloseTo(b.pValue, 15)
    expect(a.u1).toBe(b.u2)
  })

  it('refuses empty or non-finite samples', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError)
    expect(() => mannWhitneyU([Number.NaN], [1])).toThrow(RangeError)
  })
})

describe('Hodges-Lehmann shift and its confidence interval', () => {
  it('matches the ordered pairwise differences (hand computed)', () => {
    // The 20 differences x - y of the scipy example, sorted:
    // -4 -1 -1 2 2 4 4 5 5 7 7 8 9 10 11 12 12 13 17 18; median 7.
    // k = round(10 - 1.96 * sqrt(20 * 10 / 12)) = round(1.998) = 2: 2nd smallest and 2nd largest.
    const r = shiftConfidenceInterval([19, 22, 16, 29, 24], [20, 11, 17, 12], 0.95)
    expect(r).toEqual({ estimate: 7, lower: -1, upper: 17 })
  })

  it('finds a clear shift with its interval above zero', () => {
    const base = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]
    const r = shiftConfidenceInterval(
      base.map((v) => v + 20),
      base,
      0.98
    )
    expect(r.estimate).toBe(20)
    expect(r.lower).toBeGreaterThan(0)
    expect(r.upper).toBeGreaterThanOrEqual(20)
  })
})
