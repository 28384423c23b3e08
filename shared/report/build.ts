import {
  REPORT_SCHEMA_ID,
  REPORT_VERSION,
  type FlowReport,
  type GateResult,
  type GateStatus,
  type ReportTotals,
  type RequirementResult,
  type RequirementStatus,
  type RunInfo
} from './types.js'

export const GATE_STATUSES: readonly GateStatus[] = [
  'passed',
  'failed',
  'waived',
  'warned',
  'not-evaluated',
  'error'
]
export const REQUIREMENT_STATUSES: readonly RequirementStatus[] = [
  'passed',
  'failed',
  'waived',
  'missing-evidence',
  'error',
  'skipped'
]

export type FailOn = 'error' | 'warn' | 'never'

/** A requirement that did not hold: failed, without evidence, or could not be evaluated. */
export function isUnmet(r: RequirementResult): boolean {
  return r.status === 'failed' || r.status === 'missing-evidence' || r.status === 'error'
}

/**
 * A gate's status from its requirements. Any unmet fail-severity requirement fails the gate; unmet
 * warn-severity ones only warn; a gate held open by a waiver is "waived", never "passed", so a
 * reader always sees that something was excused.
 */
export function gateStatus(requirements: RequirementResult[]): GateStatus {
  if (requirements.some((r) => r.severity === 'fail' && isUnmet(r))) return 'failed'
  if (requirements.some((r) => r.severity === 'warn' && isUnmet(r))) return 'warned'
  if (requirements.some((r) => r.status === 'waived')) return 'waived'
  return 'passed'
}

export function countTotals(gates: GateResult[]): ReportTotals {
  const totals: ReportTotals = {
    gates: Object.fromEntries(GATE_STATUSES.map((s) => [s, 0])) as Record<GateStatus, number>,
    requirements: Object.fromEntries(REQUIREMENT_STATUSES.map((s) => [s, 0])) as Record<
      RequirementStatus,
      number
    >
  }
  for (const g of gates) {
    totals.gates[g.status]++
    for (const r of g.requirements) totals.requirements[r.status]++
  }
  return totals
}

/**
 * The verdict: failed when a gate failed (or errored), and with fail-on "warn" also when one only
 * warned. fail-on "never" keeps the verdict truthful; it is the action that then does not fail
 * the step.
 */
export function gatesVerdict(gates: GateResult[], failOn: FailOn): 'passed' | 'failed' {
  return gates.some((g) => failsVerdict(g, failOn)) ? 'failed' : 'passed'
}

/** A gate that checked nothing fails too, unless it is optional for the stage. */
function failsVerdict(g: GateResult, failOn: FailOn): boolean {
  return (
    g.status === 'failed' ||
    g.status === 'error' ||
    (g.status === 'not-evaluated' && !g.optional) ||
    (failOn === 'warn' && g.status === 'warned')
  )
}

/** Gates that make the verdict fail, for outputs and messages. */
export function failingGates(report: FlowReport): string[] {
  const failOn = report.failOn ?? 'error'
  return (report.gates ?? []).filter((g) => failsVerdict(g, failOn)).map((g) => g.id)
}

/** The envelope every report kind shares. */
export function reportEnvelope(
  kind: FlowReport['kind'],
  run: RunInfo
): Pick<FlowReport, '$schema' | 'version' | 'kind' | 'run'> {
  return { $schema: REPORT_SCHEMA_ID, version: REPORT_VERSION, kind, run }
}
