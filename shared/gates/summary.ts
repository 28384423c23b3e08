import { escapeMarkdown, inlineCode } from '../escape.js'
import { SummaryBuilder, SUMMARY_BYTE_LIMIT } from '../summary.js'
import { failingGates, isUnmet } from '../report/build.js'
import { newCodeHeadline, uncoveredChangedLines } from './new-code.js'
import {
  countsText,
  displayMessage,
  displayStatus,
  formatMetric,
  isWarnMiss,
  reportCountsText
} from '../report/format.js'
import type {
  FlowReport,
  GateResult,
  GateStatus,
  RequirementResult,
  RequirementStatus
} from '../report/types.js'

export interface GatesSummaryOptions {
  /** Markdown of the coloured process diagram, added when it fits. */
  diagram?: string
  /** Byte budget: 1 MB for a step summary, less for a PR comment (65,536 characters). */
  limit?: number
  /** Where the full report is, e.g. the artifact name or the report path. */
  reportHint?: string
  /** Rows per table before "N more" (the full list is in the report). */
  maxRows?: number
}

const GATE_ICON: Record<GateStatus, string> = {
  passed: '✅',
  failed: '❌',
  waived: '🟨',
  warned: '⚠️',
  'not-evaluated': '⚪',
  error: '💥'
}
const REQ_ICON: Record<RequirementStatus, string> = {
  passed: '✅',
  failed: '❌',
  waived: '🟨',
  'missing-evidence': '❓',
  error: '💥',
  skipped: '⏭️'
}

/**
 * The job summary for a gates report: the verdict first, then what failed with actual vs expected
 * and the file, a table per gate, waived items, expiring waivers, evidence problems, what the
 * evidence found, and the diagram. Every piece of user text is escaped (markdown, HTML, @mentions,
 * newlines), and the builder keeps it under the byte budget with "N more" lines.
 */
export function renderGatesSummary(report: FlowReport, opts: GatesSummaryOptions = {}): string {
  const out = new SummaryBuilder(opts.limit ?? SUMMARY_BYTE_LIMIT)
  const maxRows = opts.maxRows ?? 50
  const hint = opts.reportHint
    ? `the full list is in ${escapeMarkdown(opts.reportHint, 200)}`
    : 'the full list is in the report (flow-report.json)'
  const gates = report.gates ?? []
  const stage = report.run.stage ?? ''
  const failing = failingGates(report)
  const verdictLine =
    report.verdict === 'passed'
      ? `## ✅ Gates passed${stage ? ` for ${inlineCode(stage)}` : ''}`
      : `## ❌ Gates failed${stage ? ` for ${inlineCode(stage)}` : ''}: ${failing.map((g) => inlineCode(g)).join(', ')}`
  out.add(`${verdictLine}\n`)
  out.add(`${countsLine(report)}\n`)

  const unmet = gates.flatMap((g) => g.requirements.filter(isUnmet).map((r) => ({ g, r })))
  unmet.sort((a, b) => rank(a.r) - rank(b.r))
  if (unmet.length > 0) {
    out.add('### What to fix\n')
    // The message already quotes the actual values against the check, so no Actual/Expected columns.
    out.table(
      ['Gate', 'Requirement', 'Status', 'Why', 'Evidence'],
      unmet.map(({ g, r }) => [
        inlineCode(g.id),
        inlineCode(r.check || r.id),
        statusCell(r),
        escapeMarkdown(displayMessage(r), 400),
        filesCell(r.evidence)
      ]),
      { maxRows, moreHint: hint }
    )
  }

  const waived = gates.flatMap((g) =>
    g.requirements.filter((r) => r.status === 'waived').map((r) => ({ g, r }))
  )
  if (waived.length > 0) {
    out.add('### Waived (not passed)\n')
    out.table(
      ['Gate', 'Requirement', 'Approver', 'Expires', 'Reason'],
      waived.map(({ g, r }) => [
        inlineCode(g.id),
        inlineCode(r.check || r.id),
        escapeMarkdown(r.waiver?.approver ?? '', 80),
        escapeMarkdown(r.waiver?.expires ?? '', 20),
        escapeMarkdown(r.waiver?.reason ?? '', 300)
      ]),
      { maxRows, moreHint: hint }
    )
  }
  const expiring = (report.waivers ?? []).filter((w) => w.state === 'expiring')
  if (expiring.length > 0) {
    out.add('### Waivers expiring within 14 days\n')
    out.table(
      ['Gate', 'Requirement', 'Expires', 'Days left', 'Approver'],
      expiring.map((w) => [
        inlineCode(w.gate ?? ''),
        inlineCode(w.requirement ?? ''),
        escapeMarkdown(w.expires ?? '', 20),
        String(w.daysLeft ?? ''),
        escapeMarkdown(w.approver ?? '', 80)
      ]),
      { maxRows, moreHint: hint }
    )
  }

  out.add('### Gates\n')
  const passedGates = gates.filter((g) => g.status === 'passed')
  for (const g of gates) if (g.status !== 'passed') gateSection(out, g, maxRows, hint)
  if (passedGates.length > 0) {
    // Passed gates fold away so the summary opens on what to fix; built apart so the block is
    // added whole (an unclosed <details> would swallow the rest of the page).
    const inner = new SummaryBuilder(out.remaining)
    for (const g of passedGates) gateSection(inner, g, maxRows, hint)
    const names = passedGates.slice(0, 10).map((g) => inlineCode(g.id, 80))
    const title = `✅ ${passedGates.length} gate(s) passed: ${names.join(', ')}${passedGates.length > 10 ? ` and ${passedGates.length - 10} more` : ''}`
    if (!out.add(`\n<details><summary>${title}</summary>\n\n${inner.toString()}\n</details>\n\n`))
      out.add(`_${passedGates.length} passed gate(s) not shown: ${hint}._\n`)
  }

  newCodeSection(out, report, maxRows, hint)

  const problems = report.evidence?.problems ?? []
  if (problems.length > 0) {
    out.add('### Evidence that could not be used\n')
    out.table(
      ['File', 'Problem', 'Message'],
      problems.map((p) => [
        inlineCode(p.file),
        escapeMarkdown(p.problem, 40),
        escapeMarkdown(p.message, 400)
      ]),
      { maxRows, moreHint: hint }
    )
  }

  const findings = report.findings ?? []
  const total = Math.max(report.findingsTotal ?? 0, findings.length)
  if (total > 0) {
    const failedTests = report.metrics?.['tests.failed']
    const heading = `### Found in the evidence: ${total} item(s)${failedTests !== undefined ? `, ${failedTests} failed test(s)` : ''}\n`
    out.add(heading)
    out.table(
      ['Level', 'What', 'Where', 'Message'],
      findings.map((f) => [
        escapeMarkdown(f.severity, 10),
        escapeMarkdown(`${f.source}: ${f.title}`, 200),
        f.file ? inlineCode(`${f.file}${f.line ? `:${f.line}` : ''}`) : '',
        escapeMarkdown(f.message ?? '', 300)
      ]),
      { maxRows, moreHint: hint }
    )
    if (total > findings.length && findings.length <= maxRows) {
      out.add(
        `\n_${total - findings.length} more not kept in the report (the evidence files have them all)._\n`
      )
    }
  }

  const candidates = (report.baseline?.candidates ?? []).filter((c) => c.improved)
  if (candidates.length > 0) {
    out.add('### Baseline candidates\n')
    out.table(
      ['Metric', 'Baseline', 'Now', 'Better'],
      candidates.map((c) => [
        inlineCode(c.metric),
        c.baseline === undefined ? '—' : formatMetric(c.metric, c.baseline),
        formatMetric(c.metric, c.current),
        c.better
      ]),
      { maxRows, moreHint: hint }
    )
  }

  if (opts.diagram && !out.add(`### Process graph\n\n${opts.diagram}`)) {
    out.add('_The process diagram does not fit in the summary; render it with render-diagram._\n')
  }
  out.add(
    `\n<sub>${escapeMarkdown(report.run.tool.name, 40)} ${escapeMarkdown(report.run.tool.version, 20)} · report version ${report.version}${opts.reportHint ? ` · ${escapeMarkdown(opts.reportHint, 200)}` : ''}</sub>\n`
  )
  return out.toString()
}

/** Codecov-style patch view: each file's changed lines that no test ran, as line ranges. */
function newCodeSection(
  out: SummaryBuilder,
  report: FlowReport,
  maxRows: number,
  hint: string
): void {
  const headline = newCodeHeadline(report)
  const files = uncoveredChangedLines(report)
  if (!headline && files.length === 0) return
  out.add(`### New code not covered\n${headline ? `\n${headline}.\n` : ''}`)
  if (files.length > 0) {
    out.table(
      ['File', 'Changed lines not covered', 'Lines'],
      files.map((f) => [inlineCode(f.file), inlineCode(f.ranges), String(f.lines)]),
      { maxRows, moreHint: hint }
    )
  }
}

function gateSection(out: SummaryBuilder, g: GateResult, maxRows: number, hint: string): void {
  const counts = g.requirements.length > 0 ? ` (${countsText(g.requirements)})` : ''
  out.add(`#### ${GATE_ICON[g.status]} ${inlineCode(g.id)} ${g.status}${counts}\n`)
  if (g.reason) out.add(`${escapeMarkdown(g.reason, 400)}\n`)
  if (g.requirements.length === 0) {
    out.add('_No requirements._\n')
    return
  }
  out.table(
    ['', 'Requirement', 'Actual', 'Evidence'],
    g.requirements.map((r) => [
      statusCell(r),
      inlineCode(r.check || r.id),
      actualCell(r),
      filesCell(r.evidence)
    ]),
    { maxRows, moreHint: hint }
  )
}

function countsLine(report: FlowReport): string {
  const t = report.totals
  if (!t) return ''
  const gates = Object.entries(t.gates)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
  return `**Gates:** ${gates.join(', ') || 'none'} · **Requirements:** ${reportCountsText(report) || 'none'}${report.failOn && report.failOn !== 'error' ? ` · fail-on ${report.failOn}` : ''}`
}

function rank(r: RequirementResult): number {
  const sev = r.severity === 'fail' ? 0 : 10
  const status = r.status === 'error' ? 0 : r.status === 'missing-evidence' ? 1 : 2
  return sev + status
}

function actualCell(r: RequirementResult): string {
  const entries = Object.entries(r.actual ?? {})
  if (entries.length === 0) return ''
  return entries
    .slice(0, 4)
    .map(([k, v]) => inlineCode(`${k} = ${formatMetric(k, v)}`, 120))
    .join(' ')
}

/** A warn-level miss shows ⚠️ warned: it did not fail the gate. */
function statusCell(r: RequirementResult): string {
  return isWarnMiss(r) ? '⚠️ warned' : `${REQ_ICON[r.status]} ${displayStatus(r)}`
}

function filesCell(files: string[]): string {
  if (files.length === 0) return ''
  const shown = files.slice(0, 3).map((f) => inlineCode(f, 120))
  return `${shown.join(' ')}${files.length > 3 ? ` +${files.length - 3}` : ''}`
}
