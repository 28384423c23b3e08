/**
 * The flow report family: one versioned JSON document (flow-report.json) written by check-gates,
 * and the same envelope for mutation and rollout reports, so recalibrate can read a history of
 * any of them. The published schema is schemas/flow-report.schema.json.
 */

export const REPORT_SCHEMA_ID = 'https://flow-actions.dev/schemas/flow-report.schema.json'
export const REPORT_VERSION = 1

export type GateStatus = 'passed' | 'failed' | 'waived' | 'warned' | 'not-evaluated' | 'error'
export type RequirementStatus = 'passed' | 'failed' | 'waived' | 'missing-evidence' | 'error' | 'skipped'

export interface RunInfo {
  repository?: string
  sha?: string
  ref?: string
  event?: string
  runId?: string
  runAttempt?: string
  workflow?: string
  stage?: string
  time: string
  tool: { name: string; version: string }
}

export interface RequirementResult {
  id: string
  type: string
  severity: 'fail' | 'warn'
  status: RequirementStatus
  /** The expression or path that was checked. */
  check: string
  /** What was found, e.g. { "coverage.lines": 71.2 }. */
  actual?: Record<string, number | string | boolean | null>
  expected?: string
  message: string
  evidence: string[]
  waiver?: { reason: string; approver: string; expires: string }
  location?: { file: string; line?: number; col?: number }
}

export interface GateResult {
  id: string
  status: GateStatus
  description?: string
  requirements: RequirementResult[]
}

export interface FlowReport {
  $schema?: string
  version: typeof REPORT_VERSION
  kind: 'gates' | 'mutation' | 'rollout' | 'validation'
  run: RunInfo
  verdict: 'passed' | 'failed'
  gates?: GateResult[]
  metrics?: Record<string, number>
  [extra: string]: unknown
}
