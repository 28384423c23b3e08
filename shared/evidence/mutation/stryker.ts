import { Ajv, type ValidateFunction } from 'ajv'
import { schema } from 'mutation-testing-report-schema'
import { calculateMutationTestMetrics } from 'mutation-testing-metrics'
import type { MutationTestResult } from 'mutation-testing-report-schema'
import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import { finiteNumber, isRecord, ownEntries } from '../json-file.js'
import type { MutantStatus, NormalisedMutant } from '../types.js'
import { STRYKER_STATUSES } from './statuses.js'

let validator: ValidateFunction | undefined

/** Validates against mutation-testing-report-schema (compiled once). */
export function validateStrykerReport(data: unknown, display: string): asserts data is MutationTestResult {
  if (!validator) {
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false })
    validator = ajv.compile(schema as object)
  }
  if (!validator(data)) {
    const e = validator.errors?.[0]
    const where = e?.instancePath ? `at ${e.instancePath}` : 'at the top level'
    throw new EvidenceError(display, 'malformed', `is not a valid mutation-testing report (${printable(where, 120)}: ${e?.message ?? 'invalid'}).`)
  }
}

/** Mutants of a schema-valid report, in file order. */
export function strykerMutants(report: MutationTestResult): NormalisedMutant[] {
  const out: NormalisedMutant[] = []
  for (const [file, result] of ownEntries(report.files as unknown as Record<string, unknown>)) {
    if (!isRecord(result) || !Array.isArray(result.mutants)) continue
    for (const m of result.mutants as Array<Record<string, unknown>>) {
      const loc = m.location as { start: { line: number; column: number }; end?: { line: number } }
      const status = m.status as MutantStatus
      if (!STRYKER_STATUSES.includes(status)) continue // the schema already refuses this
      out.push({
        id: String(m.id),
        file,
        mutatorName: String(m.mutatorName),
        status,
        line: loc.start.line,
        column: loc.start.column,
        endLine: finiteNumber(loc.end?.line),
        replacement: typeof m.replacement === 'string' ? m.replacement : undefined,
        originalStatus: status
      })
    }
  }
  return out
}

/** The score exactly as mutation-testing-metrics computes it; undefined when nothing is valid. */
export function referenceScore(report: MutationTestResult): number | undefined {
  const score = calculateMutationTestMetrics(report).systemUnderTestMetrics.metrics.mutationScore
  return Number.isFinite(score) ? score : undefined
}
