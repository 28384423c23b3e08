import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { writeFileInside } from '../safe-path.js'
import type { FlowReport } from './types.js'
import type { ReportValidation } from './validate.js'
import { redact } from '../redact.js'

/**
 * Validates the report (when given a validator), then writes it (pretty-printed, so a
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
  const check = opts.validate?.(report) ?? ({ valid: true } as const)
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
   * Checks the report before writing: pass `validateReport` (report/validate.ts) to check it
   * against the published schema. It is passed in, not imported here, so an action that leaves
   * it out (the schema is checked by the tests) never loads the 60 KB validator at start-up.
   */
  validate?: (report: unknown) => ReportValidation
}

/** Writes a report to a path the action chose itself (e.g. under RUNNER_TEMP). */
export function writeReportFile(
  target: string,
  report: FlowReport,
  opts: WriteOptions = {}
): { path: string; schemaErrors: string[] } {
  const check = opts.validate?.(report) ?? ({ valid: true } as const)
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
