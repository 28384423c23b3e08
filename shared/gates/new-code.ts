import type { FlowReport } from '../report/types.js'

export interface UncoveredFile {
  file: string
  /** "12-14, 20" */
  ranges: string
  lines: number
}

/**
 * Changed lines no test ran, per file, from the report's uncovered-line findings (one per run of
 * lines). Feeds the summary's and the terminal's "new code not covered" table.
 */
export function uncoveredChangedLines(report: FlowReport): UncoveredFile[] {
  const byFile = new Map<string, Array<[number, number]>>()
  for (const f of report.findings ?? []) {
    if (f.source !== 'uncovered-line' || !f.file || !f.line) continue
    const runs = byFile.get(f.file) ?? []
    runs.push([f.line, f.endLine && f.endLine > f.line ? f.endLine : f.line])
    byFile.set(f.file, runs)
  }
  const out: UncoveredFile[] = []
  for (const [file, runs] of byFile) {
    runs.sort((a, b) => a[0] - b[0])
    const merged: Array<[number, number]> = []
    for (const [a, b] of runs) {
      const last = merged[merged.length - 1]
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b)
      else merged.push([a, b])
    }
    out.push({
      file,
      ranges: merged.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', '),
      lines: merged.reduce((n, [a, b]) => n + b - a + 1, 0)
    })
  }
  return out.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0))
}

/** "coverage.new_lines 62.5% of 8 changed executable lines", when the report has the metrics. */
export function newCodeHeadline(report: FlowReport): string | undefined {
  const m = report.metrics ?? {}
  const pct = m['coverage.new_lines']
  const total = m['coverage.new_lines_total'] ?? m['coverage.new_lines_found']
  if (total === undefined) return undefined
  if (total === 0) return 'New code: no changed line is executable in the coverage report'
  const branches = m['coverage.new_branches']
  const fmt = (n: number) => String(Math.round(n * 100) / 100)
  return (
    `New code: ${pct === undefined ? 'no' : `${fmt(pct)}% of`} ${total} changed executable line(s) covered` +
    (branches !== undefined
      ? `, ${fmt(branches)}% of ${m['coverage.new_branches_found'] ?? 0} changed branch(es)`
      : '')
  )
}
