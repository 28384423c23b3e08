import { formatValue } from '../expr/index.js'
import { isUnmet } from './build.js'
import type { FlowReport, RequirementResult } from './types.js'

/**
 * How numbers read in the terminal report, the job summary and the PR comment: at most two
 * decimals and the metric's unit (`96.61 %`, `245 ms`). The JSON report keeps the exact values;
 * only text people read is rounded.
 */

const PERCENT = new Set([
  'tests.pass_rate',
  'coverage.lines',
  'coverage.branches',
  'coverage.functions',
  'coverage.new_lines',
  'mutation.score',
  'mutation.changed_score'
])

/** The unit a metric is measured in (docs/evidence.md, "The metric namespace"); '' for counts and free values. */
export function metricUnit(name: string): string {
  const metric = name.startsWith('baseline.') ? name.slice('baseline.'.length) : name
  if (PERCENT.has(metric)) return '%'
  const perf = /^perf\.[^.]+\.(p50|p90|p95|p99|avg|min|max|rps|error_rate)$/.exec(metric)
  if (perf) return perf[1] === 'rps' ? '/s' : perf[1] === 'error_rate' ? '%' : 'ms'
  if (metric === 'tests.duration_s' || /_s$/.test(metric)) return 's'
  if (/_ms$/.test(metric)) return 'ms'
  if (/(_pct|_percent)$/.test(metric)) return '%'
  return ''
}

/**
 * A number with at most two decimals and no trailing zeros. A non-zero value that would round to
 * 0 keeps two significant digits instead, so a small error rate never reads as zero.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value)) return String(value)
  const rounded = Number(value.toFixed(2))
  if (rounded === 0) return String(Number(value.toPrecision(2)))
  return String(rounded)
}

/** `96.61 %`, `245 ms`, `13`: a metric value as people read it. */
export function formatMetric(name: string, value: unknown): string {
  if (typeof value !== 'number') return value === null ? 'null' : String(value)
  const unit = metricUnit(name)
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value)
}

/**
 * The requirement's message with every value it quotes from `actual` shown rounded, with its unit:
 * "coverage.lines (96.6101694915) >= 98" becomes "coverage.lines (96.61 %) >= 98". Only the exact
 * `name (value)` text the engine wrote is replaced, so other numbers in the message are untouched.
 */
export function displayMessage(r: Pick<RequirementResult, 'message' | 'actual'>): string {
  let text = r.message
  for (const [name, value] of Object.entries(r.actual ?? {})) {
    if (typeof value !== 'number') continue
    text = text
      .split(`${name} (${formatValue(value)})`)
      .join(`${name} (${formatMetric(name, value)})`)
  }
  return text
}

/** Whether an unmet requirement only warns: its severity is warn, so the gate is warned, not failed. */
export function isWarnMiss(r: RequirementResult): boolean {
  return r.severity === 'warn' && isUnmet(r)
}

/** The status shown for a requirement: a warn-level miss reads "warned", never "failed". */
export function displayStatus(r: RequirementResult): string {
  return isWarnMiss(r) ? 'warned' : r.status
}

const ORDER = ['passed', 'failed', 'missing-evidence', 'error', 'warned', 'waived', 'skipped']
const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length)

/** "10 passed, 1 warned, 1 skipped": requirement counts, with warn-level misses counted as warned. */
export function countsText(requirements: readonly RequirementResult[]): string {
  const counts = new Map<string, number>()
  for (const r of requirements)
    counts.set(displayStatus(r), (counts.get(displayStatus(r)) ?? 0) + 1)
  return [...counts.entries()]
    .sort((a, b) => rank(a[0]) - rank(b[0]) || (a[0] < b[0] ? -1 : 1))
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')
}

/** The requirement counts of a whole report for its headline; '' when it has none. */
export function reportCountsText(report: FlowReport): string {
  const gates = report.gates ?? []
  if (gates.length > 0) return countsText(gates.flatMap((g) => g.requirements))
  return Object.entries(report.totals?.requirements ?? {})
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')
}
