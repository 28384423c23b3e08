import { readFileSync, statSync } from 'node:fs'
import { ConfigurationError, EvidenceError, errorMessage } from '../errors.js'
import { resolveInWorkspace } from '../safe-path.js'
import { MAX_REPORT_BYTES, type FlowReport } from './types.js'
import { validateReport } from './validate.js'

/**
 * Reads a report written by an earlier run (e.g. the default branch's, downloaded as an
 * artifact). It is untrusted input: size-capped, parsed as JSON and checked against the schema.
 */
export function readReport(root: string, userPath: string): FlowReport {
  const file = resolveInWorkspace(root, userPath, 'report')
  let size: number
  try {
    const st = statSync(file)
    // A named pipe would block the read forever; only a regular file can be a report.
    if (!st.isFile()) throw new EvidenceError(userPath, 'unreadable', 'is not a regular file.')
    size = st.size
  } catch (error) {
    if (error instanceof EvidenceError) throw error
    throw new ConfigurationError(`${userPath} does not exist.`)
  }
  if (size > MAX_REPORT_BYTES)
    throw new EvidenceError(
      userPath,
      'too-large',
      `${size} bytes is over the ${MAX_REPORT_BYTES}-byte limit for a report.`
    )
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new EvidenceError(userPath, 'malformed', `not valid JSON (${errorMessage(error)}).`)
  }
  const check = validateReport(parsed)
  if (!check.valid)
    throw new EvidenceError(
      userPath,
      'malformed',
      `not a flow report: ${check.errors.slice(0, 3).join('; ')}.`
    )
  return parsed as FlowReport
}
