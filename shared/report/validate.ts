import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import reportSchema from '../../schemas/flow-report.schema.json' with { type: 'json' }

/** The published JSON Schema of flow-report.json, as an object. */
export const FLOW_REPORT_SCHEMA: object = reportSchema

let compiled: ValidateFunction | undefined

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true })
    // Only the two formats the schema uses; ajv-formats would add weight for nothing.
    ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/)
    ajv.addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)))
    compiled = ajv.compile(reportSchema)
  }
  return compiled
}

export type ReportValidation = { valid: true } | { valid: false; errors: string[] }

/** Checks a report (parsed JSON or an object about to be written) against the published schema. */
export function validateReport(report: unknown): ReportValidation {
  const validate = validator()
  if (validate(report)) return { valid: true }
  return { valid: false, errors: (validate.errors ?? []).slice(0, 20).map(describe) }
}

function describe(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`
}
