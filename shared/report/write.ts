import { mkdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError, EvidenceError, errorMessage } from '../errors.js'
import { resolveInWorkspace, writeFileInside } from '../safe-path.js'
import type { FlowReport } from './types.js'
import { validateReport } from './validate.js'
import { redact } from '../redact.js'

/** Reports are small; one far larger than this is not a report we wrote. */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024

/**
 * Validates the report against the published schema, then writes it (pretty-printed, so a
 * reviewer can read the artifact) to a path inside the workspace. A report that fails its own
 * schema is a bug in flow-actions: it is still written, so nothing is lost, and the problem is
 * returned for the caller to surface.
 */
export function writeReport(
  root: string,
  userPath: string,
  report: FlowReport,
  opts: WriteOptions = {}
): { path: string; schemaErrors: string[] } {
  const check = opts.validate === false ? ({ valid: true } as const) : validateReport(report)
  // A symlink anywhere on the path (committed by the pull request) is refused, never followed.
  const target = writeJsonInside(root, userPath, report, 'report path')
  return { path: target, schemaErrors: check.valid ? [] : check.errors }
}

/**
 * The one JSON writer for every file the product writes (reports, rollout and recalibration
 * records, baselines): pretty-printed so a reviewer can read the artifact, redacted so token-shaped
 * text (an error message quoting a token) never reaches a file that is uploaded or committed, and
 * written through the symlink-refusing writer. Returns the absolute path.
 */
export function writeJsonInside(
  root: string,
  userPath: string,
  data: unknown,
  what: string,
  secrets: readonly string[] = []
): string {
  return writeFileInside(root, userPath, jsonText(data, secrets), what)
}

function jsonText(data: unknown, secrets: readonly string[] = []): string {
  return redact(`${JSON.stringify(data, null, 2)}\n`, secrets)
}

export interface WriteOptions {
  /**
   * Check the report against the schema before writing (default true). Actions may turn it off to
   * keep start-up fast: compiling the schema costs tens of milliseconds, and every test that
   * writes a report validates it.
   */
  validate?: boolean
}

/** Writes a report to a path the action chose itself (e.g. under RUNNER_TEMP). */
export function writeReportFile(
  target: string,
  report: FlowReport,
  opts: WriteOptions = {}
): { path: string; schemaErrors: string[] } {
  const check = opts.validate === false ? ({ valid: true } as const) : validateReport(report)
  // The folder is the action's own (under RUNNER_TEMP); the file itself is still never followed.
  mkdirSync(path.dirname(target), { recursive: true })
  const written = writeJsonInside(
    path.dirname(target),
    path.basename(target),
    report,
    'report file'
  )
  return { path: written, schemaErrors: check.valid ? [] : check.errors }
}

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
