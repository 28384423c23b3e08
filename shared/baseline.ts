import { existsSync, readFileSync, statSync } from 'node:fs'
import { isChangeMetric } from './change/metrics.js'
import { EvidenceError, errorMessage } from './errors.js'
import { comparisons, type Expression } from './expr/index.js'
import { resolveInWorkspace, workspaceRelative } from './safe-path.js'
import type { BaselineCandidate, EvidenceProblemRecord } from './report/types.js'
import { byText } from './compare.js'

export const DEFAULT_BASELINE_PATH = '.process/baseline.json'
export const BASELINE_PREFIX = 'baseline.'
const MAX_BASELINE_BYTES = 16 * 1024 * 1024

export interface LoadedBaseline {
  /** Files read, in order; a later file's value wins. */
  sources: string[]
  values: Map<string, number>
  /** The file each value came from. */
  origin: Map<string, string>
  problems: EvidenceProblemRecord[]
}

/**
 * Loads baselines: the committed `.process/baseline.json` (`{"version":1,"metrics":{...}}`)
 * and/or reports of earlier runs (flow-report.json, e.g. the default branch's latest, downloaded
 * by an earlier step). Each file is read as untrusted input; a file that cannot be used becomes a
 * problem naming it, and a ratchet that needs its values then fails as missing evidence.
 */
export function loadBaselines(root: string, userPaths: string[]): LoadedBaseline {
  const explicit = userPaths.filter((p) => p.trim() !== '')
  const paths = explicit.length > 0 ? explicit : [DEFAULT_BASELINE_PATH]
  const out: LoadedBaseline = { sources: [], values: new Map(), origin: new Map(), problems: [] }
  for (const userPath of paths) {
    const absolute = resolveInWorkspace(root, userPath, 'baseline file')
    const file = workspaceRelative(root, absolute)
    if (!existsSync(absolute)) {
      // The default is optional; a named file that is missing is a problem for any ratchet.
      if (explicit.length > 0)
        out.problems.push({
          file,
          problem: 'missing',
          message: `${file}: the baseline file does not exist.`
        })
      continue
    }
    try {
      const metrics = readBaselineFile(absolute, file)
      out.sources.push(file)
      for (const [name, value] of metrics) {
        out.values.set(name, value)
        out.origin.set(name, file)
      }
    } catch (error) {
      if (!(error instanceof EvidenceError)) throw error
      out.problems.push({ file, problem: error.problem, message: error.message })
    }
  }
  return out
}

/** A baseline is evidence from an earlier run: anything wrong with it is an EvidenceError naming the file. */
function readBaselineFile(absolute: string, file: string): Map<string, number> {
  const st = statSync(absolute)
  // A named pipe or device would block the read; only a regular file can be a baseline.
  if (!st.isFile()) throw new EvidenceError(file, 'unreadable', 'is not a regular file.')
  if (st.size === 0) throw new EvidenceError(file, 'empty', 'the baseline file is empty.')
  if (st.size > MAX_BASELINE_BYTES)
    throw new EvidenceError(
      file,
      'too-large',
      `${st.size} bytes is over the ${MAX_BASELINE_BYTES}-byte limit.`
    )
  let data: unknown
  try {
    data = JSON.parse(readFileSync(absolute, 'utf8'))
  } catch (error) {
    throw new EvidenceError(file, 'malformed', `not valid JSON (${errorMessage(error)}).`)
  }
  if (!isRecord(data))
    throw new EvidenceError(file, 'malformed', `expected an object with "metrics".`)
  // A flow report carries its metrics at the top level; a baseline file under "metrics" too.
  const isReport = data.kind === 'gates' && data.version === 1
  if (!isReport && data.version !== undefined && data.version !== 1) {
    throw new EvidenceError(
      file,
      'malformed',
      `baseline version ${JSON.stringify(data.version)} is not supported (expected 1).`
    )
  }
  if (isReport && data.verdict !== undefined && typeof data.verdict !== 'string')
    throw new EvidenceError(file, 'malformed', `not a flow report.`)
  const metrics = data.metrics
  if (!isRecord(metrics))
    throw new EvidenceError(
      file,
      'malformed',
      `expected "metrics": { "<metric name>": <number>, ... }.`
    )
  const out = new Map<string, number>()
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new EvidenceError(
        file,
        'malformed',
        `metrics["${name.slice(0, 80)}"] is ${JSON.stringify(value)?.slice(0, 40)}, not a finite number.`
      )
    }
    out.set(name, value)
  }
  return out
}

/**
 * The metrics a recalibration could promote: for each ratchet (`m OP baseline.m ± d`), the current
 * value and whether it beats the baseline. Which way is better comes from the comparison itself:
 * `>=`/`>` means higher is better, `<=`/`<` lower.
 */
export function baselineCandidates(
  expressions: Expression[],
  current: (name: string) => number | undefined,
  baseline: Map<string, number>
): BaselineCandidate[] {
  const found = new Map<string, BaselineCandidate>()
  for (const expr of expressions) {
    for (const [metric, better] of ratchetDirections(expr)) {
      const value = current(metric)
      // A change's own size or new-code coverage says nothing about the next change: never a baseline.
      if (
        value === undefined ||
        !Number.isFinite(value) ||
        found.has(metric) ||
        isChangeMetric(metric)
      )
        continue
      const base = baseline.get(metric)
      const improved = base === undefined ? true : better === 'higher' ? value > base : value < base
      found.set(metric, {
        metric,
        current: value,
        ...(base !== undefined ? { baseline: base } : {}),
        better,
        improved
      })
    }
  }
  return [...found.values()].sort((a, b) => byText(a.metric, b.metric))
}

/** Metrics compared against their own baseline in an expression, with the better direction. */
export function ratchetDirections(expr: Expression): Map<string, 'higher' | 'lower'> {
  const out = new Map<string, 'higher' | 'lower'>()
  const names = new Set(expr.identifiers)
  // comparisons() only sees `name OP number`; a ratchet compares two names, so read the source:
  // `m >= baseline.m - 0.5` or `baseline.m - 0.5 <= m`.
  for (const name of names) {
    if (!name.startsWith(BASELINE_PREFIX)) continue
    const metric = name.slice(BASELINE_PREFIX.length)
    if (!names.has(metric)) continue
    const m = escapeRegExp(metric)
    const b = escapeRegExp(name)
    const src = expr.source
    if (
      new RegExp(`(^|[^\\w.])${m}\\s*(>=|>)\\s*${b}`).test(src) ||
      new RegExp(`${b}[^<>=!]*(<=|<)\\s*${m}($|[^\\w.])`).test(src)
    ) {
      out.set(metric, 'higher')
    } else if (
      new RegExp(`(^|[^\\w.])${m}\\s*(<=|<)\\s*${b}`).test(src) ||
      new RegExp(`${b}[^<>=!]*(>=|>)\\s*${m}($|[^\\w.])`).test(src)
    ) {
      out.set(metric, 'lower')
    }
  }
  // Plain thresholds are candidates too (`coverage.lines >= 80` with 86 measured could be tightened).
  for (const c of comparisons(expr)) {
    if (out.has(c.name) || c.name.startsWith(BASELINE_PREFIX)) continue
    if (c.op === '>=' || c.op === '>') out.set(c.name, 'higher')
    else if (c.op === '<=' || c.op === '<') out.set(c.name, 'lower')
  }
  return out
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
