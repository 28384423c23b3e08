/**
 * The flow report family: one versioned JSON document (flow-report.json) written by check-gates,
 * and the same envelope for mutation and rollout reports, so recalibrate can read a history of
 * any of them. The published schema is schemas/flow-report.schema.json.
 *
 * Compatibility: fields are only ever added (optional) within a version; a consumer reads
 * `version` and `kind` first and ignores what it does not know.
 */

export const REPORT_SCHEMA_ID = 'https://flow-actions.dev/schemas/flow-report.schema.json'
export const REPORT_VERSION = 1
/** Reports are small; one far larger than this is not a report we wrote. */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024

export type GateStatus = 'passed' | 'failed' | 'waived' | 'warned' | 'not-evaluated' | 'error'
export type RequirementStatus =
  'passed' | 'failed' | 'waived' | 'missing-evidence' | 'error' | 'skipped'

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
  /** The pull request the run evaluated, when there was one. */
  pullRequest?: number
  /** The graph file the gates came from, relative to the repository root. */
  graph?: string
}

export type ActualValue = number | string | boolean | null

export interface RequirementResult {
  id: string
  type: string
  severity: 'fail' | 'warn'
  status: RequirementStatus
  /** The expression or path that was checked. */
  check: string
  /** What was found, e.g. { "coverage.lines": 71.2 }. */
  actual?: Record<string, ActualValue>
  expected?: string
  message: string
  evidence: string[]
  waiver?: { reason: string; approver: string; expires: string }
  location?: { file: string; line?: number; col?: number }
  /** The check with every name replaced by its value, e.g. "coverage.lines (71.2) >= 80". */
  detail?: string
  /** Why a requirement was skipped: not for this stage, or a change too small for the rule. */
  skipReason?: 'stage' | 'small-change'
  /** A waiver that targeted this requirement but could not be honoured (expired, open-ended, malformed). */
  waiverProblem?: string
}

export interface GateResult {
  id: string
  status: GateStatus
  /** A not-evaluated gate the graph marks optional for the stage: it does not fail the run. */
  optional?: true
  /** Why the gate was not evaluated. */
  reason?: string
  description?: string
  requirements: RequirementResult[]
  location?: { file: string; line?: number; col?: number }
}

/** Counts a reader sees first. Every gate and requirement is counted once. */
export interface ReportTotals {
  gates: Record<GateStatus, number>
  requirements: Record<RequirementStatus, number>
}

export type WaiverState = 'active' | 'expiring' | 'expired' | 'open-ended' | 'malformed' | 'unused'

/** One entry of .process/waivers.yaml as it was judged on this run. */
export interface WaiverRecord {
  gate?: string
  requirement?: string
  reason?: string
  approver?: string
  expires?: string
  stages?: string[]
  state: WaiverState
  /** Whole days left until expiry (0 on the last valid day); negative when expired. */
  daysLeft?: number
  /** Whether the waiver changed a result on this run. */
  applied: boolean
  problem?: string
  location?: { file: string; line?: number; col?: number }
}

/** A file that could not be used as evidence, and why. */
export interface EvidenceProblemRecord {
  file: string
  problem: string
  message: string
  line?: number
}

/** One item found inside the evidence, e.g. a failing test or a SARIF result. */
export interface FindingRecord {
  /** What produced it: tests, sarif, mutation, ... */
  source: string
  severity: 'error' | 'warning' | 'notice'
  title: string
  message?: string
  file?: string
  line?: number
  /** The last line of a range (changed lines not covered). */
  endLine?: number
}

/** A metric a recalibration could promote to the new baseline. */
export interface BaselineCandidate {
  metric: string
  current: number
  baseline?: number
  /** Which way is better, inferred from how the ratchet compares the metric. */
  better: 'higher' | 'lower'
  /** True when current beats the baseline: a recalibration can tighten it. */
  improved: boolean
}

export interface BaselineInfo {
  /** Files the baseline came from, in order of precedence (later wins). */
  sources: string[]
  values: Record<string, number>
  candidates: BaselineCandidate[]
}

export interface FlowReport {
  $schema?: string
  version: typeof REPORT_VERSION
  kind: 'gates' | 'mutation' | 'rollout' | 'validation'
  run: RunInfo
  verdict: 'passed' | 'failed'
  gates?: GateResult[]
  metrics?: Record<string, number>
  /** kind gates: the severity that fails the run (error: fail-severity only; warn: warnings too). */
  failOn?: 'error' | 'warn' | 'never'
  totals?: ReportTotals
  /** Files that fed each metric namespace, and files that could not be used. */
  evidence?: { sources: Record<string, string[]>; problems: EvidenceProblemRecord[] }
  /** Items found in the evidence (failing tests, ...), up to a cap; findingsTotal counts them all. */
  findings?: FindingRecord[]
  findingsTotal?: number
  waivers?: WaiverRecord[]
  baseline?: BaselineInfo
  /** Named values (vars, imports) the expressions used. */
  values?: Record<string, ActualValue>
  [extra: string]: unknown
}
