import type { ErrorObject } from 'ajv'
import reportSchema from '../../schemas/flow-report.schema.json' with { type: 'json' }
// Compiled ahead of time by scripts/compile-schemas.mjs (formats as patterns), so writing a report
// never compiles the schema at run time.
import { validate } from './report-schema.validator.js'

/** The published JSON Schema of flow-report.json, as an object. */
export const FLOW_REPORT_SCHEMA: object = reportSchema

export type ReportValidation = { valid: true } | { valid: false; errors: string[] }

/** Checks a report (parsed JSON or an object about to be written) against the published schema. */
export function validateReport(report: unknown): ReportValidation {
  if (validate(report)) return { valid: true }
  return { valid: false, errors: (validate.errors ?? []).slice(0, 20).map(describe) }
}

function describe(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`
}
