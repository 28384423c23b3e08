import { reportEnvelope } from '../report/build.js'
import type {
  FindingRecord,
  FlowReport,
  GateResult,
  RequirementResult,
  RunInfo
} from '../report/types.js'
import { validateReport } from '../report/validate.js'
import type { GateSettings, MutationEvaluation } from './evaluate.js'

export const MAX_REPORT_FINDINGS = 1000

export interface MutationReportInput {
  run: RunInfo
  tool: string
  sources: string[]
  evaluation: MutationEvaluation
  settings: GateSettings
  /** The merged or stamped mutation report written next to this one, if any. */
  mutationReport?: string
  shard?: { shard: number; of: number; mutate: string[] }
  mergedShards?: number
}

/**
 * The mutation-gate report: the flow report envelope with kind "mutation", the mutation.* metrics
 * (so check-gates can use it as a baseline and gates can read `mutation.score`), one gate whose
 * requirements are the checks, surviving mutants as findings, and a `mutation` section with the
 * per-file table and the settings.
 */
export function buildMutationFlowReport(input: MutationReportInput): FlowReport {
  const e = input.evaluation
  const requirements: RequirementResult[] = e.checks.map((c) => ({
    id: c.id,
    type: c.id === 'ratchet' ? 'ratchet' : c.id === 'threshold' ? 'threshold' : 'evidence',
    severity: 'fail',
    status: c.status,
    check: c.check,
    ...(c.actual ? { actual: c.actual } : {}),
    ...(c.expected ? { expected: c.expected } : {}),
    message: c.message,
    evidence: input.sources
  }))
  const gate: GateResult = {
    id: 'mutation',
    status: e.passed ? 'passed' : 'failed',
    description: 'Mutation score gate',
    requirements
  }
  const findings: FindingRecord[] = e.surviving.slice(0, MAX_REPORT_FINDINGS).map((s) => ({
    source: 'mutation',
    severity: 'warning',
    title: `${s.status === 'Survived' ? 'Surviving' : 'Uncovered'} mutant: ${s.mutatorName}${s.changed ? ' (changed line)' : ''}`,
    ...(s.replacement !== undefined
      ? { message: `replacement: ${s.replacement.slice(0, 500)}` }
      : {}),
    file: s.file,
    ...(s.line > 0 ? { line: s.line } : {})
  }))
  const metrics: Record<string, number> = {}
  for (const [k, v] of e.metrics) if (Number.isFinite(v)) metrics[k] = v
  const b = input.settings.baseline
  const report: FlowReport = {
    ...reportEnvelope('mutation', input.run),
    verdict: e.passed ? 'passed' : 'failed',
    metrics,
    gates: [gate],
    evidence: { sources: { mutation: input.sources }, problems: [] },
    findings,
    findingsTotal: e.surviving.length,
    ...(b?.value !== undefined && e.score !== undefined
      ? {
          baseline: {
            sources: [b.source],
            values: { 'mutation.score': b.value },
            candidates: [
              {
                metric: 'mutation.score',
                current: e.score,
                baseline: b.value,
                better: 'higher' as const,
                improved: e.score > b.value
              }
            ]
          }
        }
      : {}),
    mutation: {
      tool: input.tool,
      ...(input.settings.threshold !== undefined ? { threshold: input.settings.threshold } : {}),
      maxDrop: input.settings.maxDrop,
      changedOnly: input.settings.changedLines !== undefined,
      ...(input.mutationReport ? { mutationReport: input.mutationReport } : {}),
      ...(input.shard ? { shard: input.shard } : {}),
      ...(input.mergedShards ? { mergedShards: input.mergedShards } : {}),
      files: e.files
    }
  }
  return report
}

/** The report's own schema errors (a bug in flow-actions if any). */
export function reportSchemaErrors(report: FlowReport): string[] {
  const v = validateReport(report)
  return v.valid ? [] : v.errors
}
