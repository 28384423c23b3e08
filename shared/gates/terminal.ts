import { isUnmet } from '../report/build.js'
import { newCodeHeadline, uncoveredChangedLines } from './new-code.js'
import { displayMessage, displayStatus, formatMetric, reportCountsText } from '../report/format.js'
import type { FlowReport, GateStatus, RequirementStatus } from '../report/types.js'

export interface TerminalOptions {
  /** ANSI colours; only for a TTY (the CLI passes process.stdout.isTTY and honours NO_COLOR). */
  color?: boolean
  /** Findings listed before "N more" (the rest are in the report). */
  maxFindings?: number
}

const MARK: Record<GateStatus | RequirementStatus, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  waived: 'WAIVED',
  warned: 'WARN',
  'not-evaluated': 'SKIP',
  error: 'ERROR',
  'missing-evidence': 'MISSING',
  skipped: 'SKIP'
}
const COLOUR: Record<string, string> = {
  PASS: '32',
  FAIL: '31',
  ERROR: '31',
  MISSING: '31',
  WAIVED: '33',
  WARN: '33',
  SKIP: '90'
}

/**
 * A plain-text report for `flow gates`: verdict, then each gate with its requirements and the
 * reason for every one that is not met. User text is stripped of control characters so evidence
 * cannot move the cursor or forge terminal escapes.
 */
export function renderTerminalReport(report: FlowReport, opts: TerminalOptions = {}): string {
  const paint = (mark: string) =>
    opts.color && COLOUR[mark] ? `\u001b[${COLOUR[mark]}m${mark}\u001b[0m` : mark
  const lines: string[] = []
  const stage = report.run.stage ? ` for stage ${clean(report.run.stage)}` : ''
  lines.push(
    `${paint(report.verdict === 'passed' ? 'PASS' : 'FAIL')} gates ${report.verdict}${stage}`
  )
  const t = report.totals
  if (t) {
    const g = Object.entries(t.gates)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')
    lines.push(`  gates: ${g || 'none'}; requirements: ${reportCountsText(report) || 'none'}`)
  }
  for (const gate of report.gates ?? []) {
    lines.push('')
    lines.push(`${paint(MARK[gate.status])} ${clean(gate.id)}`)
    if (gate.reason) lines.push(`  ${clean(gate.reason, 600)}`)
    for (const r of gate.requirements) {
      // A warn-level miss reads WARN: it does not fail the gate, and FAIL would say it does.
      const status = displayStatus(r) as GateStatus | RequirementStatus
      lines.push(
        `  ${paint(MARK[status])} ${clean(r.check || r.id)}${r.status === 'passed' ? measured(r.actual) : ''}`
      )
      if (isUnmet(r) || r.status === 'waived' || r.status === 'skipped') {
        lines.push(`      ${clean(displayMessage(r), 600)}`)
        if (r.evidence.length > 0)
          lines.push(
            `      evidence: ${r.evidence
              .slice(0, 5)
              .map((f) => clean(f))
              .join(', ')}`
          )
      }
    }
  }
  const expiring = (report.waivers ?? []).filter((w) => w.state === 'expiring')
  if (expiring.length > 0) {
    lines.push('')
    lines.push('Waivers expiring within 14 days:')
    for (const w of expiring)
      lines.push(
        `  ${clean(w.gate ?? '')} / ${clean(w.requirement ?? '')}: ${clean(w.expires ?? '')} (${w.daysLeft} day(s) left, approved by ${clean(w.approver ?? '')})`
      )
  }
  const headline = newCodeHeadline(report)
  const uncovered = uncoveredChangedLines(report)
  if (headline || uncovered.length > 0) {
    lines.push('')
    if (headline) lines.push(`${clean(headline)}.`)
    if (uncovered.length > 0) lines.push('Changed lines not covered:')
    for (const f of uncovered.slice(0, 50))
      lines.push(`  ${clean(f.file)}: ${clean(f.ranges, 1000)}`)
    if (uncovered.length > 50) lines.push(`  ... ${uncovered.length - 50} more files in the report`)
  }
  const problems = report.evidence?.problems ?? []
  if (problems.length > 0) {
    lines.push('')
    lines.push('Evidence that could not be used:')
    for (const p of problems.slice(0, 20)) lines.push(`  ${clean(p.message, 400)}`)
    if (problems.length > 20) lines.push(`  ... ${problems.length - 20} more in the report`)
  }
  const findings = report.findings ?? []
  const total = Math.max(report.findingsTotal ?? 0, findings.length)
  if (total > 0) {
    const max = opts.maxFindings ?? 20
    lines.push('')
    lines.push(`Found in the evidence (${total}):`)
    for (const f of findings.slice(0, max)) {
      lines.push(
        `  ${f.severity} ${clean(f.source)}: ${clean(f.title, 200)}${f.file ? ` (${clean(f.file)}${f.line ? `:${f.line}` : ''})` : ''}`
      )
    }
    if (total > Math.min(max, findings.length))
      lines.push(`  ... ${total - Math.min(max, findings.length)} more`)
  }
  return `${lines.join('\n')}\n`
}

/** What a passed metric measured, e.g. "  (96.61 %)", so a pass shows its margin without --json. */
function measured(actual: Record<string, unknown> | undefined): string {
  const entries = Object.entries(actual ?? {}).filter(([, v]) => typeof v === 'number')
  if (entries.length === 0) return ''
  if (entries.length === 1) return `  (${formatMetric(entries[0][0], entries[0][1])})`
  return `  (${entries
    .slice(0, 4)
    .map(([k, v]) => `${clean(k, 80)} ${formatMetric(k, v)}`)
    .join(', ')})`
}

function clean(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const t = String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
  return t.length > max ? `${t.slice(0, max)}…` : t
}
