import { readFileSync, realpathSync, statSync } from 'node:fs'
import { ConfigurationError, errorMessage } from '../errors.js'
import { isInside, printable, resolveInWorkspaceOr, workspaceRelative } from '../safe-path.js'
import { MAX_REPORT_BYTES, REPORT_VERSION, type FlowReport } from '../report/types.js'

export { MAX_REPORT_BYTES }

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Reads a flow-report.json inside the workspace for colouring a diagram. The path is confined to
 * the workspace, the size is capped, prototype-reaching keys are dropped, and anything that is not
 * a report (bad JSON, wrong shape, another version) is a ConfigurationError naming the file.
 */
export function readFlowReport(
  root: string,
  userPath: string,
  alsoInside: string[] = []
): { report: FlowReport; file: string } {
  const absolute = resolveInWorkspaceOr(root, userPath, 'report file', alsoInside)
  const file = isInside(realpathSync(root), absolute) ? workspaceRelative(root, absolute) : absolute
  let size: number
  try {
    const st = statSync(absolute)
    if (!st.isFile())
      throw new ConfigurationError(`The report file ${file} is not a regular file.`, { file })
    size = st.size
  } catch (error) {
    if (error instanceof ConfigurationError) throw error
    throw new ConfigurationError(
      `The report file ${file} cannot be read (${errorMessage(error)}). Give the path of a flow-report.json written by check-gates, or leave "report" empty.`,
      { file }
    )
  }
  if (size > MAX_REPORT_BYTES) {
    throw new ConfigurationError(
      `The report file ${file} is ${size} bytes, more than the ${MAX_REPORT_BYTES} a flow report may have.`,
      { file }
    )
  }
  const text = readFileSync(absolute, 'utf8').replace(/^\uFEFF/, '')
  return { report: parseFlowReport(text, file), file }
}

/** Parses and checks the parts of a flow report that the diagram uses. */
export function parseFlowReport(text: string, file: string): FlowReport {
  let value: unknown
  try {
    value = JSON.parse(text, (key, v: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : v))
  } catch (error) {
    throw new ConfigurationError(
      `The report file ${file} is not valid JSON: ${printable(errorMessage(error))}.`,
      { file }
    )
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigurationError(
      `The report file ${file} must hold a JSON object (a flow report), not ${describe(value)}.`,
      { file }
    )
  }
  const report = value as Record<string, unknown>
  if (report.version !== REPORT_VERSION) {
    throw new ConfigurationError(
      `The report file ${file} has version ${printable(JSON.stringify(report.version) ?? 'undefined', 40)}; this flow-actions reads version ${REPORT_VERSION} flow reports.`,
      { file }
    )
  }
  if (report.gates !== undefined) {
    if (!Array.isArray(report.gates)) {
      throw new ConfigurationError(
        `The report file ${file}: "gates" must be a list, not ${describe(report.gates)}.`,
        { file }
      )
    }
    report.gates.forEach((gate: unknown, i: number) => {
      const g = gate as Record<string, unknown> | null
      if (
        g === null ||
        typeof g !== 'object' ||
        Array.isArray(g) ||
        typeof g.id !== 'string' ||
        typeof g.status !== 'string'
      ) {
        throw new ConfigurationError(
          `The report file ${file}: gates[${i}] must be an object with a string "id" and "status".`,
          { file }
        )
      }
    })
  }
  return report as unknown as FlowReport
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  return `a ${typeof v}`
}
