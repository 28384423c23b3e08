import { lstatSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { errorMessage } from '../errors.js'
import { MAX_REPORT_BYTES } from '../report/types.js'
import type { FlowReport } from '../report/types.js'
import { validateReport } from '../report/validate.js'
import { resolveInWorkspace, workspaceRelative } from '../safe-path.js'
import { byText } from '../compare.js'

/** One report of the history, with where it came from (a file or an artifact of a run). */
export interface HistoryEntry {
  report: FlowReport
  /** A file path, or `artifact <name> of run <id>` / entry name inside it. */
  source: string
  /** The default-branch run the report came from, when it came through the API. */
  runId?: number
  runAttempt?: number
  /** The commit the run was for, from the run when the report does not say. */
  sha?: string
}

/** Something in the history that could not be used, and why. Never fatal on its own. */
export interface HistoryProblem {
  source: string
  message: string
}

export interface History {
  entries: HistoryEntry[]
  problems: HistoryProblem[]
}

/** A folder of reports deeper than this is not a report folder. */
const MAX_DEPTH = 6
/** More files than this are not read: the newest reports are what matter. */
export const MAX_HISTORY_FILES = 5000

/**
 * Parses one downloaded or local file as a flow report: JSON, under the size cap, valid against
 * the published schema. Anything else is a problem naming the source, never an exception.
 */
export function parseReport(
  text: string,
  source: string
): { report?: FlowReport; problem?: HistoryProblem } {
  if (Buffer.byteLength(text, 'utf8') > MAX_REPORT_BYTES)
    return { problem: { source, message: `over the ${MAX_REPORT_BYTES}-byte limit for a report` } }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return { problem: { source, message: `not valid JSON (${errorMessage(error).slice(0, 120)})` } }
  }
  if (!isFlowReportShape(data)) return {}
  const check = validateReport(data)
  if (!check.valid)
    return {
      problem: {
        source,
        message: `not a valid flow report: ${check.errors.slice(0, 2).join('; ')}`
      }
    }
  return { report: data as FlowReport }
}

/** JSON that at least claims to be a flow report; other JSON files (coverage, SBOM) are skipped silently. */
function isFlowReportShape(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  const o = v as Record<string, unknown>
  return typeof o.kind === 'string' && 'version' in o && typeof o.run === 'object'
}

/**
 * Reads every flow report (JSON with a kind, version and run) under a folder inside the
 * workspace, recursively, refusing symlinks. Used by `flow recalibrate --history DIR` and by the
 * action's `history-path` input.
 */
export function readHistoryFolder(root: string, userPath: string): History {
  const dir = resolveInWorkspace(root, userPath, 'history folder')
  const out: History = { entries: [], problems: [] }
  let stat
  try {
    stat = lstatSync(dir)
  } catch {
    out.problems.push({ source: userPath, message: 'the history folder does not exist' })
    return out
  }
  const files: string[] = []
  const walk = (current: string, depth: number) => {
    if (files.length >= MAX_HISTORY_FILES) return
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name)
      const st = lstatSync(full)
      if (st.isSymbolicLink()) {
        out.problems.push({
          source: workspaceRelative(root, full),
          message: 'a symbolic link; not followed'
        })
      } else if (st.isDirectory()) {
        if (depth < MAX_DEPTH) walk(full, depth + 1)
      } else if (st.isFile() && name.toLowerCase().endsWith('.json')) {
        if (files.length < MAX_HISTORY_FILES) files.push(full)
      }
    }
  }
  if (stat.isDirectory()) walk(dir, 0)
  else if (stat.isFile()) files.push(dir)
  for (const file of files) {
    const source = workspaceRelative(root, file)
    const size = lstatSync(file).size
    if (size > MAX_REPORT_BYTES) {
      out.problems.push({
        source,
        message: `${size} bytes is over the ${MAX_REPORT_BYTES}-byte limit for a report`
      })
      continue
    }
    const parsed = parseReport(readFileSync(file, 'utf8'), source)
    if (parsed.problem) out.problems.push(parsed.problem)
    if (parsed.report) out.entries.push({ report: parsed.report, source })
  }
  return out
}

/** Time of a report's run, in ms; reports without a valid time sort first. */
export function reportTime(e: HistoryEntry): number {
  const t = Date.parse(e.report.run.time)
  return Number.isFinite(t) ? t : 0
}

/** The commit a report is about. */
export function reportSha(e: HistoryEntry): string | undefined {
  return e.report.run.sha ?? e.sha
}

/**
 * Oldest first, one entry per report: the same report reached twice (a local copy and an
 * artifact, or two artifacts holding the same file) is kept once.
 */
export function normaliseHistory(entries: HistoryEntry[]): HistoryEntry[] {
  const seen = new Set<string>()
  const out: HistoryEntry[] = []
  for (const e of [...entries].sort(
    (a, b) => reportTime(a) - reportTime(b) || byText(a.source, b.source)
  )) {
    const r = e.report
    const key = JSON.stringify([
      r.kind,
      r.run.time,
      r.run.runId ?? e.runId,
      r.run.runAttempt ?? e.runAttempt,
      r.run.stage,
      r.run.sha ?? e.sha,
      r.verdict
    ])
    if (seen.has(key)) continue
    seen.add(key)
    out.push(e)
  }
  return out
}
