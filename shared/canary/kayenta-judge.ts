import type { MeasurementPhase } from './argo-rules.js'
import type { ComparisonDetail } from './measurement.js'
import type { ComparisonMetric, Judgement } from './metric-config.js'
import { mannWhitneyU, shiftConfidenceInterval } from './stats/mann-whitney.js'
import { mean } from '../stats.js'

type ComparisonSettings = Pick<
  ComparisonMetric,
  | 'name'
  | 'direction'
  | 'tolerance'
  | 'confidence'
  | 'minSamples'
  | 'allowedIncrease'
  | 'allowedDecrease'
  | 'critical'
  | 'noData'
>

/**
 * Kayenta's Mann-Whitney classifier for one metric: compares the canary's series with the
 * baseline's. The shift canary - baseline gets a Hodges-Lehmann estimate and a confidence
 * interval at `confidence`; the allowed band is ±tolerance × |estimate| (Kayenta's bounds), so
 * the metric is High only when the whole interval lies above the band, i.e. the increase is both
 * significant and material. The mean ratio must also reach `allowedIncrease` (Kayenta's
 * effect-size gate). Too few samples is no data, judged by the metric's no-data policy.
 */
export function classifyComparison(
  canary: readonly number[],
  baseline: readonly number[],
  metric: ComparisonSettings
): ComparisonDetail {
  const detail: ComparisonDetail = {
    metric: metric.name,
    classification: 'Pass',
    canarySamples: canary.length,
    baselineSamples: baseline.length,
    critical: metric.critical
  }
  const notes: string[] = []
  const mismatch = sampleCountMismatch(canary.length, baseline.length)
  if (mismatch) notes.push(mismatch)
  const infinite = [canary, baseline].map(
    (series) => series.filter((v) => !Number.isFinite(v)).length
  )
  if (infinite[0] + infinite[1] > 0) {
    notes.push(
      `infinite points (canary ${infinite[0]}, baseline ${infinite[1]}) ranked beyond every finite sample`
    )
    ;[canary, baseline] = worstForInfinite(canary, baseline)
  }
  if (notes.length > 0) detail.notes = notes
  if (canary.length < metric.minSamples || baseline.length < metric.minSamples) {
    detail.classification = metric.noData === 'fail' ? 'NodataFail' : 'Nodata'
    return detail
  }
  if (canary.length === baseline.length && canary.every((v, i) => v === baseline[i])) return detail
  const test = mannWhitneyU(canary, baseline)
  const ci = shiftConfidenceInterval(canary, baseline, metric.confidence)
  const baselineMean = mean(baseline) as number
  const canaryMean = mean(canary) as number
  const ratio =
    baselineMean === 0
      ? canaryMean === 0
        ? 1
        : Number.POSITIVE_INFINITY * Math.sign(canaryMean)
      : canaryMean / baselineMean
  Object.assign(detail, {
    estimate: ci.estimate,
    lower: ci.lower,
    upper: ci.upper,
    pValue: test.pValue,
    meanRatio: ratio
  })
  const band = metric.tolerance * Math.abs(ci.estimate)
  if (
    (metric.direction === 'increase' || metric.direction === 'either') &&
    ci.lower > band &&
    ratio >= metric.allowedIncrease
  ) {
    detail.classification = 'High'
  } else if (
    (metric.direction === 'decrease' || metric.direction === 'either') &&
    ci.upper < -band &&
    ratio <= metric.allowedDecrease
  ) {
    detail.classification = 'Low'
  }
  return detail
}

/** Series lengths more than 10 % apart: one side lost points (gaps, or points a backend dropped). */
export const SAMPLE_MISMATCH_RATIO = 0.1

export function sampleCountMismatch(canary: number, baseline: number): string | undefined {
  const larger = Math.max(canary, baseline)
  if (larger === 0 || Math.abs(canary - baseline) / larger <= SAMPLE_MISMATCH_RATIO)
    return undefined
  return `sample counts differ by more than ${SAMPLE_MISMATCH_RATIO * 100} %: canary ${canary}, baseline ${baseline}`
}

/**
 * Replaces ±Inf (a p99 beyond the top histogram bucket) by values just beyond the finite range of
 * both series: the rank tests see them as the most extreme samples, as they are, and the shift
 * estimate and means stay finite instead of turning into NaN.
 */
function worstForInfinite(
  canary: readonly number[],
  baseline: readonly number[]
): [number[], number[]] {
  const finite = [...canary, ...baseline].filter((v) => Number.isFinite(v))
  const hi = finite.length > 0 ? Math.max(...finite) : 0
  const lo = finite.length > 0 ? Math.min(...finite) : 0
  const span = hi - lo || Math.abs(hi) || 1
  const map = (v: number) =>
    v === Number.POSITIVE_INFINITY ? hi + span : v === Number.NEGATIVE_INFINITY ? lo - span : v
  return [canary.map(map), baseline.map(map)]
}

export interface ScoreResult {
  score: number | undefined
  phase: Exclude<MeasurementPhase, 'Error'>
  message: string
}

/**
 * Kayenta's weighted-sum scorer over the comparison metrics: score = weight of Pass / weight of
 * judged metrics × 100, where NodataFail counts as judged and failing and plain Nodata is left
 * out. Any critical metric that does not pass forces 0. The score is then classified: at least
 * pass-score is Successful, at least marginal-score Inconclusive, below that Failed. When no
 * metric had data the judgement is Inconclusive: missing data never passes.
 */
export function scoreComparisons(
  details: readonly ComparisonDetail[],
  weights: ReadonlyMap<string, number>,
  judgement: Judgement
): ScoreResult {
  let judged = 0
  let passed = 0
  const failing: string[] = []
  for (const d of details) {
    if (d.classification === 'Nodata') continue
    const w = weights.get(d.metric) ?? 1
    judged += w
    if (d.classification === 'Pass') passed += w
    else failing.push(`${d.metric} ${d.classification}`)
  }
  const noData = details.filter((d) => d.classification === 'Nodata').map((d) => d.metric)
  if (judged === 0) {
    const notes = details.flatMap((d) => (d.notes ?? []).map((n) => `; ${d.metric}: ${n}`)).join('')
    return {
      score: undefined,
      phase: 'Inconclusive',
      message: `no data to compare for ${noData.join(', ')}${notes}`
    }
  }
  const criticalFailure = details.find(
    (d) => d.critical && d.classification !== 'Pass' && d.classification !== 'Nodata'
  )
  const score = criticalFailure ? 0 : (passed / judged) * 100
  const phase =
    score >= judgement.passScore
      ? 'Successful'
      : score >= judgement.marginalScore
        ? 'Inconclusive'
        : 'Failed'
  const parts = [
    `score ${score.toFixed(0)} (pass ≥ ${judgement.passScore}, marginal ≥ ${judgement.marginalScore})`
  ]
  if (criticalFailure)
    parts.push(`critical metric ${criticalFailure.metric} is ${criticalFailure.classification}`)
  if (failing.length > 0) parts.push(`not passing: ${failing.join(', ')}`)
  if (noData.length > 0) parts.push(`no data: ${noData.join(', ')}`)
  for (const d of details) for (const note of d.notes ?? []) parts.push(`${d.metric}: ${note}`)
  return { score, phase, message: parts.join('; ') }
}
