import { normalQuantile, normalSurvival } from './normal.js'

export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (x, y) with x > y, ties counting one half. */
  u1: number
  u2: number
  /** The normal deviate, with the tie and (optionally) continuity corrections applied. */
  z: number
  /** Two-sided p-value from the normal approximation. */
  pValue: number
}

/**
 * Average ranks (1-based) of the pooled sample, and the tie term Σ(t³ - t) over groups of ties.
 */
function rankPooled(values: number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v)
  const ranks = new Array<number>(values.length)
  let tieTerm = 0
  let i = 0
  while (i < order.length) {
    let j = i
    while (j + 1 < order.length && order[j + 1].v === order[i].v) j++
    const t = j - i + 1
    const average = (i + j + 2) / 2
    for (let k = i; k <= j; k++) ranks[order[k].i] = average
    tieTerm += t * t * t - t
    i = j + 1
  }
  return { ranks, tieTerm }
}

/**
 * Mann-Whitney U (Wilcoxon rank-sum) test, two-sided, by the normal approximation with the tie
 * correction of the variance and, by default, a continuity correction of 1/2: the same method as
 * scipy.stats.mannwhitneyu(method='asymptotic') and R's wilcox.test(exact=FALSE).
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  opts: { continuity?: boolean } = {}
): MannWhitneyResult {
  const n1 = x.length
  const n2 = y.length
  if (n1 === 0 || n2 === 0)
    throw new RangeError('Mann-Whitney U needs at least one value in each sample.')
  for (const v of [...x, ...y])
    if (!Number.isFinite(v)) throw new RangeError('Mann-Whitney U needs finite values.')
  const { ranks, tieTerm } = rankPooled([...x, ...y])
  let r1 = 0
  for (let i = 0; i < n1; i++) r1 += ranks[i]
  const u1 = r1 - (n1 * (n1 + 1)) / 2
  const u2 = n1 * n2 - u1
  const n = n1 + n2
  const mean = (n1 * n2) / 2
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)))
  if (variance <= 0) {
    // Every value is the same: the samples cannot be told apart.
    return { u1, u2, z: 0, pValue: 1 }
  }
  const continuity = opts.continuity === false ? 0 : 0.5
  // Two-sided: measure the distance of the larger U from the mean, shrunk by the correction.
  const distance = Math.max(0, Math.abs(u1 - mean) - continuity)
  const z = distance / Math.sqrt(variance)
  const pValue = Math.min(1, 2 * normalSurvival(z))
  return { u1, u2, z: u1 >= mean ? z : -z, pValue }
}

export interface ShiftEstimate {
  /** Hodges-Lehmann estimate of the shift x - y: the median of all pairwise differences. */
  estimate: number
  /** Distribution-free confidence interval for the shift at the requested level. */
  lower: number
  upper: number
}

/**
 * Hodges-Lehmann estimate of the location shift between two samples and its confidence interval
 * from the ordered pairwise differences (Moses' method, normal approximation for the rank index),
 * which is what Kayenta's Mann-Whitney classifier reads its bounds from.
 */
export function shiftConfidenceInterval(
  x: readonly number[],
  y: readonly number[],
  confidence: number
): ShiftEstimate {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError('confidence must lie strictly between 0 and 1.')
  const n1 = x.length
  const n2 = y.length
  if (n1 === 0 || n2 === 0)
    throw new RangeError('A shift estimate needs at least one value in each sample.')
  const diffs = new Float64Array(n1 * n2)
  let next = 0
  for (const a of x) for (const b of y) diffs[next++] = a - b
  diffs.sort()
  const m = diffs.length
  const estimate = m % 2 === 1 ? diffs[(m - 1) / 2] : (diffs[m / 2 - 1] + diffs[m / 2]) / 2
  const zCrit = normalQuantile(1 - (1 - confidence) / 2)
  // Conover: the limits are the k-th smallest and k-th largest differences, k being the lower
  // alpha/2 quantile of U (normal approximation, rounded); tiny samples get the full range.
  const k = Math.round((n1 * n2) / 2 - zCrit * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12))
  const lowIndex = Math.min(Math.max(k, 1), m) - 1
  const highIndex = m - 1 - lowIndex
  return { estimate, lower: diffs[lowIndex], upper: diffs[highIndex] }
}
