import type { MeasurementPhase } from './argo-rules.js'

export type CheckKind = 'probe' | 'threshold' | 'burn-rate' | 'comparison'

/** One judgement of one check at one tick. */
export interface Measurement {
  check: string
  kind: CheckKind
  phase: MeasurementPhase
  /** Milliseconds since the rollout started. */
  at: number
  step: number
  /** The number judged (metric value, burn rate, canary score); absent for no data or errors. */
  value?: number
  /** What the value was judged against, human readable. */
  expected?: string
  /** Probe round-trip time. */
  latencyMs?: number
  message: string
  /** Per-metric classifications of a canary-versus-baseline judgement. */
  details?: ComparisonDetail[]
}

export interface ComparisonDetail {
  metric: string
  classification: 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFail'
  canarySamples: number
  baselineSamples: number
  estimate?: number
  lower?: number
  upper?: number
  pValue?: number
  meanRatio?: number
  critical: boolean
  /** Facts a reader needs to trust the classification: infinite points, unequal sample counts. */
  notes?: string[]
}
