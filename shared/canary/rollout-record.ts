import type { CheckCounts, CheckPhase } from './argo-rules.js'
import type { CheckKind, Measurement } from './measurement.js'

export type Decision = 'promoted' | 'rolled-back' | 'inconclusive' | 'aborted'

export interface StepRecord {
  /** 1-based, as CANARY_STEP. */
  index: number
  weight: number
  /** Milliseconds since the rollout started. */
  startedAt: number
  endedAt?: number
  outcome: 'passed' | 'failed' | 'inconclusive' | 'error' | 'aborted' | 'command-failed' | 'running'
}

export interface CheckRecord {
  name: string
  kind: CheckKind
  critical: boolean
  counts: CheckCounts
  phase: CheckPhase
  message: string
}

export interface DecisionRecord {
  at: number
  step: number
  weight: number
  action: 'set-weight' | 'continue' | 'hold' | 'rollback' | 'promote' | 'abort'
  reason: string
}

export interface CommandRecord {
  name: 'set-weight' | 'promote' | 'rollback'
  at: number
  step: number
  weight: number
  attempt: number
  ok: boolean
  dryRun: boolean
  durationMs: number
  message: string
  tail: string[]
}

export interface RolloutOutcome {
  decision: Decision
  reason: string
  dryRun: boolean
  /** The canary weight at the end: 0 after a rollback, 100 after promotion, the held weight otherwise. */
  finalWeight: number
  /** The last weight a command applied successfully (what traffic is, as far as we know). */
  lastAppliedWeight: number
  /** "unknown" when a rollback failed: nobody can say what the platform is serving. */
  trafficState: 'known' | 'unknown'
  startedAt: number
  durationMs: number
  steps: StepRecord[]
  checks: CheckRecord[]
  measurements: Measurement[]
  decisions: DecisionRecord[]
  commands: CommandRecord[]
  failedChecks: string[]
  rollback?: { attempts: number; ok: boolean; message: string; durationMs: number }
}
