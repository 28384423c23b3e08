import { errorMessage } from '../errors.js'
import { evaluateConditions } from './argo-rules.js'
import { classifyComparison, scoreComparisons } from './kayenta-judge.js'
import type { ComparisonDetail, Measurement } from './measurement.js'
import type {
  BurnRateMetric,
  ComparisonMetric,
  MetricsConfig,
  ThresholdMetric
} from './metric-config.js'
import { PrometheusClient, type InstantResult } from './prometheus-client.js'
import { describeRange, inRange } from './ranges.js'

export type MetricOutcome = Omit<Measurement, 'at' | 'step'>

/** The name of the one check that carries the canary-versus-baseline score. */
export const CANARY_SCORE_CHECK = 'canary-score'

/**
 * Takes one measurement of every metric. A Prometheus failure is an Error measurement (counted
 * toward consecutive-error-limit); no data is Inconclusive or Failed by the metric's policy.
 */
export class MetricRunner {
  constructor(
    private readonly config: MetricsConfig,
    private readonly client: PrometheusClient,
    private readonly now: () => Date = () => new Date()
  ) {}

  get hasComparisons(): boolean {
    return this.config.metrics.some((m) => m.kind === 'comparison')
  }

  async measureAll(signal?: AbortSignal): Promise<MetricOutcome[]> {
    const singles = this.config.metrics.filter(
      (m): m is ThresholdMetric | BurnRateMetric => m.kind !== 'comparison'
    )
    const comparisons = this.config.metrics.filter(
      (m): m is ComparisonMetric => m.kind === 'comparison'
    )
    const tasks: Array<Promise<MetricOutcome>> = singles.map((m) =>
      m.kind === 'threshold' ? this.threshold(m, signal) : this.burnRate(m, signal)
    )
    if (comparisons.length > 0) tasks.push(this.compare(comparisons, signal))
    return Promise.all(tasks)
  }

  private async threshold(m: ThresholdMetric, signal?: AbortSignal): Promise<MetricOutcome> {
    const expected = describeThreshold(m)
    const base = { check: m.name, kind: 'threshold' as const, expected }
    let result: InstantResult
    try {
      result = await this.client.instant(m.query, signal)
    } catch (error) {
      return { ...base, phase: 'Error', message: errorMessage(error) }
    }
    if (result.kind === 'no-data') return { ...base, ...noData(m.noData, result.reason) }
    const v = result.value
    const success = m.threshold ? inRange(v, m.threshold) : undefined
    const failure =
      m.failAbove === undefined && m.failBelow === undefined
        ? undefined
        : (m.failAbove !== undefined && v > m.failAbove) ||
          (m.failBelow !== undefined && v < m.failBelow)
    const phase = evaluateConditions(success, failure)
    return {
      ...base,
      phase,
      value: v,
      message: `${formatNumber(v)} (${phase === 'Successful' ? 'within' : phase === 'Failed' ? 'outside' : 'between'} ${expected})`
    }
  }

  private async burnRate(m: BurnRateMetric, signal?: AbortSignal): Promise<MetricOutcome> {
    const expected = `burn rate ≤ ${m.maxBurnRate} (objective ${m.objective})`
    const base = { check: m.name, kind: 'burn-rate' as const, expected }
    let result: InstantResult
    try {
      result = await this.client.instant(m.errorRatio, signal)
    } catch (error) {
      return { ...base, phase: 'Error', message: errorMessage(error) }
    }
    if (result.kind === 'no-data') return { ...base, ...noData(m.noData, result.reason) }
    if (result.value < 0 || result.value > 1) {
      return {
        ...base,
        phase: 'Error',
        message: `the error ratio ${formatNumber(result.value)} is not a fraction between 0 and 1; check the query`
      }
    }
    const burn = result.value / (1 - m.objective)
    const phase = burn <= m.maxBurnRate ? 'Successful' : 'Failed'
    return {
      ...base,
      phase,
      value: burn,
      message: `burning the error budget ${formatNumber(burn)}× (error ratio ${formatNumber(result.value)})`
    }
  }

  private async compare(metrics: ComparisonMetric[], signal?: AbortSignal): Promise<MetricOutcome> {
    const base = {
      check: CANARY_SCORE_CHECK,
      kind: 'comparison' as const,
      expected: `score ≥ ${this.config.judgement.passScore}`
    }
    const end = this.now()
    let details: ComparisonDetail[]
    try {
      details = await Promise.all(
        metrics.map(async (m) => {
          const start = new Date(end.getTime() - m.windowMs)
          const [canary, baseline] = await Promise.all([
            this.client.range(m.canary, start, end, m.stepMs, signal),
            this.client.range(m.baseline, start, end, m.stepMs, signal)
          ])
          return classifyComparison(canary, baseline, m)
        })
      )
    } catch (error) {
      return { ...base, phase: 'Error', message: errorMessage(error) }
    }
    const weights = new Map(metrics.map((m) => [m.name, m.weight]))
    const scored = scoreComparisons(details, weights, this.config.judgement)
    return { ...base, phase: scored.phase, value: scored.score, message: scored.message, details }
  }
}

function noData(
  policy: 'inconclusive' | 'fail',
  reason: string
): Pick<MetricOutcome, 'phase' | 'message'> {
  return { phase: policy === 'fail' ? 'Failed' : 'Inconclusive', message: `no data: ${reason}` }
}

export function describeThreshold(m: ThresholdMetric): string {
  const parts: string[] = []
  if (m.threshold) parts.push(describeRange(m.threshold))
  if (m.failAbove !== undefined) parts.push(`fails above ${m.failAbove}`)
  if (m.failBelow !== undefined) parts.push(`fails below ${m.failBelow}`)
  return parts.join(', ')
}

export function formatNumber(v: number): string {
  // Prometheus' spelling, so a +Inf p99 reads the same in the summary as in Prometheus.
  if (v === Number.POSITIVE_INFINITY) return '+Inf'
  if (v === Number.NEGATIVE_INFINITY) return '-Inf'
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return '0'
  const abs = Math.abs(v)
  if (abs >= 1000 || abs < 0.001) return v.toExponential(2)
  return String(Number(v.toPrecision(4)))
}
