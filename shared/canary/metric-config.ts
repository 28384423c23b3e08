import type { LoadedYaml } from '../yaml.js'
import { readRange, type Range } from './ranges.js'
import { YamlFields } from './yaml-fields.js'

export type NoDataPolicy = 'inconclusive' | 'fail'

interface MetricBase {
  name: string
  /** A failed measurement of a critical check is never tolerated (its failure-limit is 0). */
  critical: boolean
  noData: NoDataPolicy
}

/** An instant query judged against a range (Flagger's thresholdRange, Argo's conditions). */
export interface ThresholdMetric extends MetricBase {
  kind: 'threshold'
  query: string
  /** Success condition: the value lies in this range. */
  threshold?: Range
  /** Failure condition: the value is above / below. With both conditions, between is inconclusive. */
  failAbove?: number
  failBelow?: number
}

/** Error-budget burn rate: error ratio / (1 - objective), guarded against a maximum. */
export interface BurnRateMetric extends MetricBase {
  kind: 'burn-rate'
  /** A query returning the error ratio (0..1) over a window of the user's choice. */
  errorRatio: string
  objective: number
  maxBurnRate: number
}

/** Canary versus baseline over query_range, judged by Mann-Whitney (Kayenta). */
export interface ComparisonMetric extends MetricBase {
  kind: 'comparison'
  canary: string
  baseline: string
  windowMs: number
  stepMs: number
  direction: 'increase' | 'decrease' | 'either'
  tolerance: number
  confidence: number
  minSamples: number
  /** Effect-size gate on mean(canary) / mean(baseline), as Kayenta's allowedIncrease/Decrease. */
  allowedIncrease: number
  allowedDecrease: number
  weight: number
}

export type MetricSpec = ThresholdMetric | BurnRateMetric | ComparisonMetric

export interface Judgement {
  passScore: number
  marginalScore: number
}

export interface MetricsConfig {
  prometheusUrl?: string
  queryTimeoutMs: number
  metrics: MetricSpec[]
  judgement: Judgement
}

export const KAYENTA_DEFAULTS = {
  tolerance: 0.25,
  confidence: 0.98,
  passScore: 95,
  marginalScore: 75
}

/**
 * Reads the metric file:
 *
 *   prometheus: { url: http://prometheus:9090, timeout: 10s }
 *   judgement: { pass-score: 95, marginal-score: 75 }
 *   metrics:
 *     - name: error-rate
 *       query: sum(rate(http_requests_total{track="canary",code=~"5.."}[1m])) / sum(rate(http_requests_total{track="canary"}[1m]))
 *       threshold: { max: 0.01 }
 *       fail-above: 0.05
 *       no-data: inconclusive
 *     - name: latency
 *       compare: { canary: '…{track="canary"}', baseline: '…{track="baseline"}', window: 5m, step: 15s, direction: increase }
 *       critical: true
 *     - name: budget
 *       burn-rate: { error-ratio: '…', objective: 0.999, max: 14.4 }
 */
export function readMetrics(doc: LoadedYaml): MetricsConfig {
  const root = YamlFields.root(doc)
  root.allowOnly(['prometheus', 'judgement', 'metrics'])
  const prom = root.mapping('prometheus')
  prom?.allowOnly(['url', 'timeout'])
  const prometheusUrl = prom?.string('url')
  if (prometheusUrl !== undefined) assertHttpUrl(prom as YamlFields, prometheusUrl)
  const judgementFields = root.mapping('judgement')
  judgementFields?.allowOnly(['pass-score', 'marginal-score'])
  const judgement: Judgement = {
    passScore:
      judgementFields?.number('pass-score', { min: 0, max: 100 }) ?? KAYENTA_DEFAULTS.passScore,
    marginalScore:
      judgementFields?.number('marginal-score', { min: 0, max: 100 }) ??
      KAYENTA_DEFAULTS.marginalScore
  }
  if (judgement.marginalScore > judgement.passScore)
    throw (judgementFields ?? root).fail('marginal-score must not exceed pass-score')
  const items = root.list('metrics')
  if (items.length === 0) throw root.fail('"metrics" must list at least one metric')
  const names = new Set<string>()
  const metrics = items.map((m) => {
    const name = m.string('name', true)
    if (names.has(name)) throw m.fail(`the metric name "${name}" is used twice`, 'name')
    names.add(name)
    const base = {
      name,
      critical: m.boolean('critical') ?? false,
      noData: m.choice('no-data', ['inconclusive', 'fail'] as const) ?? 'inconclusive'
    }
    const kinds = ['query', 'compare', 'burn-rate'].filter((k) => m.has(k))
    if (kinds.length !== 1)
      throw m.fail(
        'give exactly one of query (a threshold), compare (canary versus baseline) or burn-rate'
      )
    if (kinds[0] === 'query') return readThreshold(m, base)
    if (kinds[0] === 'compare') return readComparison(m, base)
    return readBurnRate(m, base)
  })
  return {
    prometheusUrl,
    queryTimeoutMs: prom?.duration('timeout', { maxMs: 120_000 }) ?? 10_000,
    metrics,
    judgement
  }
}

function readThreshold(m: YamlFields, base: MetricBase): ThresholdMetric {
  m.allowOnly(['name', 'critical', 'no-data', 'query', 'threshold', 'fail-above', 'fail-below'])
  const metric: ThresholdMetric = {
    ...base,
    kind: 'threshold',
    query: m.string('query', true),
    threshold: readRange(m, 'threshold'),
    failAbove: m.number('fail-above'),
    failBelow: m.number('fail-below')
  }
  if (!metric.threshold && metric.failAbove === undefined && metric.failBelow === undefined) {
    throw m.fail(
      'give threshold {min, max} and/or fail-above / fail-below; a metric with no condition judges nothing'
    )
  }
  return metric
}

function readBurnRate(m: YamlFields, base: MetricBase): BurnRateMetric {
  m.allowOnly(['name', 'critical', 'no-data', 'burn-rate'])
  const b = m.mapping('burn-rate') as YamlFields
  b.allowOnly(['error-ratio', 'objective', 'max'])
  const objective = b.number('objective', { min: 0 })
  if (objective === undefined || objective <= 0 || objective >= 1)
    throw b.fail('"objective" must be a fraction between 0 and 1, e.g. 0.999', 'objective')
  const max = b.number('max', { min: 0 })
  if (max === undefined || max <= 0)
    throw b.fail('"max" (the highest tolerated burn rate, e.g. 14.4) is required', 'max')
  return {
    ...base,
    kind: 'burn-rate',
    errorRatio: b.string('error-ratio', true),
    objective,
    maxBurnRate: max
  }
}

function readComparison(m: YamlFields, base: MetricBase): ComparisonMetric {
  m.allowOnly(['name', 'critical', 'no-data', 'compare', 'weight'])
  const c = m.mapping('compare') as YamlFields
  c.allowOnly([
    'canary',
    'baseline',
    'window',
    'step',
    'direction',
    'tolerance',
    'confidence',
    'min-samples',
    'allowed-increase',
    'allowed-decrease'
  ])
  const windowMs = c.duration('window', { maxMs: 24 * 3_600_000 }) ?? 300_000
  const stepMs = c.duration('step', { maxMs: 3_600_000 }) ?? 15_000
  if (stepMs > windowMs) throw c.fail('"step" must not be longer than "window"', 'step')
  if (windowMs / stepMs > 11_000)
    throw c.fail('window / step exceeds the 11,000 points Prometheus returns per series', 'step')
  const confidence = c.number('confidence') ?? KAYENTA_DEFAULTS.confidence
  if (!(confidence > 0 && confidence < 1))
    throw c.fail('"confidence" must lie between 0 and 1, e.g. 0.98', 'confidence')
  return {
    ...base,
    kind: 'comparison',
    canary: c.string('canary', true),
    baseline: c.string('baseline', true),
    windowMs,
    stepMs,
    direction: c.choice('direction', ['increase', 'decrease', 'either'] as const) ?? 'either',
    tolerance: c.number('tolerance', { min: 0 }) ?? KAYENTA_DEFAULTS.tolerance,
    confidence,
    minSamples: c.number('min-samples', { min: 3, integer: true }) ?? 10,
    allowedIncrease: c.number('allowed-increase', { min: 0 }) ?? 1,
    allowedDecrease: c.number('allowed-decrease', { min: 0 }) ?? 1,
    weight: m.number('weight', { min: 0 }) ?? 1
  }
}

function assertHttpUrl(fields: YamlFields, url: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw fields.fail('"url" is not an absolute URL', 'url')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw fields.fail('"url" must use http or https', 'url')
}
