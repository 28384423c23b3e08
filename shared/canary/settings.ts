import type { Limits } from './argo-rules.js'
import type { MetricsConfig } from './metric-config.js'
import type { ProbeSpec } from './probe-config.js'

export type InconclusiveAction = 'hold' | 'rollback'
export type ErrorAction = 'rollback' | 'inconclusive'

/** Everything a rollout needs, validated. Built from the action's inputs by readSettings. */
export interface RolloutSettings {
  /** Canary traffic weights in percent, strictly increasing, each in (0, 100]. */
  weights: number[]
  stepDurationMs: number
  intervalMs: number
  commands: { setWeight?: string; promote?: string; rollback?: string }
  commandTimeoutMs: number
  limits: Limits
  /**
   * Successful measurements each check needs in each step before the step passes (default 1);
   * at least half of the check's measurements in the step must be Successful as well.
   */
  minMeasurements?: number
  onInconclusive: InconclusiveAction
  onError: ErrorAction
  dryRun: boolean
  rollbackAttempts: number
  rollbackBackoffMs: number
  probes: ProbeSpec[]
  metrics?: MetricsConfig
}
