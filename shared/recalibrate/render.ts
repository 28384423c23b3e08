import { escapeMarkdown, inlineCode } from '../escape.js'
import { SummaryBuilder } from '../summary.js'
import type { DurationStats } from './analysis.js'
import { formatNumber, type Proposal } from './proposals.js'
import { fmt, type Recalibration } from './recalibrate.js'
import { doraRows } from './dora.js'

export const PR_MARKER = '<!-- flow-actions:recalibrate -->'

export function fmtHours(h: number | undefined): string {
  if (h === undefined || !Number.isFinite(h)) return '—'
  return h < 48 ? `${fmt(h, 1)} h` : `${fmt(h / 24, 1)} d`
}

function pct(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`
}

function where(p: Proposal): string {
  if (p.kind === 'baseline') return `${inlineCode(p.file)} ${inlineCode(`metrics.${p.metric}`)}`
  return `${inlineCode(p.file)} gate ${inlineCode(p.gate ?? '?')} ${inlineCode(p.requirement ?? '?')}${p.stage ? ` (${escapeMarkdown(p.stage)})` : ''}`
}

export function proposalRows(proposals: Proposal[]): string[][] {
  return proposals.map((p) => [
    where(p),
    inlineCode(p.metric),
    `${p.better === 'higher' ? '≥' : '≤'} ${formatNumber(p.from)}`,
    `${p.better === 'higher' ? '≥' : '≤'} ${formatNumber(p.to)}`,
    escapeMarkdown(p.reason) +
      (p.writable ? '' : ` — _not written: ${escapeMarkdown(p.note ?? 'change it by hand')}_`)
  ])
}

const PROPOSAL_HEADER = ['Where', 'Metric', 'Was', 'Proposed', 'Why']

function durationRow(name: string, s: DurationStats, extra = ''): string[] {
  return [name, fmtHours(s.p50Hours), fmtHours(s.p95Hours), `${s.count}${extra}`]
}

/** The job summary: everything the run found, in order of what a reader acts on first. */
export function renderSummary(
  r: Recalibration,
  opts: {
    dryRun: boolean
    pullRequest?: { action: string; url: string; number: number }
    dashboardHint?: string
  }
): string {
  const b = new SummaryBuilder()
  b.heading('flow-actions recalibration')
  b.paragraph(
    [
      `**Phase:** ${escapeMarkdown(r.phase)}`,
      `**History:** ${r.history.reports} report(s) from ${r.history.runs} run(s)${r.history.from ? `, ${r.history.from.slice(0, 10)} to ${r.history.to?.slice(0, 10)}` : ''}`,
      `**Last calibration:** ${r.calibration.last ? `${r.calibration.last} (${r.calibration.daysSince} day(s) ago)` : 'never'}${r.calibration.overdue ? ' — overdue' : ''}`
    ].join('  \n')
  )
  b.heading('Proposed changes', 3)
  if (r.proposals.length === 0) {
    b.paragraph(
      `No threshold or baseline can be tightened: none of the gated metrics stayed beyond its threshold by the margin (${escapeMarkdown(r.margin)}) over the last ${r.minRuns} runs.`
    )
  } else {
    b.table(PROPOSAL_HEADER, proposalRows(r.proposals))
    if (opts.dryRun) b.paragraph('_Dry run: nothing was written and no pull request was opened._')
    else if (opts.pullRequest)
      b.paragraph(
        `Pull request [#${opts.pullRequest.number}](${opts.pullRequest.url}) ${opts.pullRequest.action}.`
      )
  }
  if (r.considered.length > 0) {
    const rows = r.considered.map(
      (c) => `- ${inlineCode(c.where)}: ${escapeMarkdown(c.outcome)}, ${escapeMarkdown(c.detail)}`
    )
    b.details(
      `${r.considered.length} gated value(s) considered and left as they are`,
      rows.join('\n')
    )
  }
  b.heading('Delivery', 3)
  const rows: string[][] = []
  if (r.engineering) {
    rows.push(
      durationRow('Lead time: first commit → merge', r.engineering.leadTime.firstCommitToMerge)
    )
    rows.push(
      durationRow('Lead time: pull request opened → merge', r.engineering.leadTime.openToMerge)
    )
    rows.push(
      durationRow(
        'Review turnaround: opened → first review',
        r.engineering.reviewTurnaround,
        r.engineering.reviewTurnaround.unreviewed
          ? ` (${r.engineering.reviewTurnaround.unreviewed} unreviewed)`
          : ''
      )
    )
  }
  b.table(
    ["DORA's four keys", `Last ${r.delivery.windowDays} days`, 'Weekly trend (oldest first)'],
    doraRows(r.delivery, r.engineering?.leadTime.firstCommitToMerge).map((k) => [
      k.key,
      escapeMarkdown(k.value),
      escapeMarkdown(k.trend)
    ])
  )
  if (r.delivery.problems.length > 0)
    b.paragraph(r.delivery.problems.map((p) => `- ${escapeMarkdown(p)}`).join('\n'))
  b.table(
    ['Measure', 'p50', 'p95', 'Pull requests'],
    rows.length > 0
      ? rows
      : [['Lead time and review turnaround', '—', '—', 'not measured (needs the GitHub API)']]
  )
  if (r.concerns.length > 0) {
    b.heading('Open concerns', 3)
    b.paragraph(r.concerns.map((c) => `- **${c.severity}** ${escapeMarkdown(c.text)}`).join('\n'))
  }
  if (r.gates.length > 0) {
    b.heading('Gates', 3)
    b.table(
      ['Gate', 'Latest', 'Pass rate', 'Runs', 'Waived'],
      r.gates.map((g) => [
        inlineCode(g.gate),
        escapeMarkdown(g.latest),
        pct(g.passRate),
        String(g.runs),
        String(g.waived)
      ])
    )
  }
  if (r.flaky.length > 0) {
    b.heading('Flaky tests', 3)
    b.table(
      ['Test', 'Commit', 'Failed in', 'Passed in', 'Basis'],
      r.flaky.map((f) => [
        escapeMarkdown(f.test),
        inlineCode(f.sha.slice(0, 12)),
        escapeMarkdown(f.failedIn.join(', ')),
        escapeMarkdown(f.passedIn.join(', ')),
        f.basis
      ]),
      { maxRows: 50, moreHint: 'see the recalibration report artifact' }
    )
  }
  if (r.waivers.expiring.length > 0 || r.waivers.invalid.length > 0) {
    b.heading(`Waivers expiring within ${r.waivers.withinDays} days or no longer valid`, 3)
    b.table(
      ['Gate', 'Requirement', 'Expires', 'State', 'Approver'],
      [...r.waivers.invalid, ...r.waivers.expiring].map((w) => [
        inlineCode(w.gate ?? '?'),
        inlineCode(w.requirement ?? '?'),
        escapeMarkdown(w.expires ?? '—'),
        `${escapeMarkdown(w.state)}${w.daysLeft !== undefined ? ` (${w.daysLeft} d)` : ''}`,
        escapeMarkdown(w.approver ?? '—')
      ])
    )
  }
  if (r.trends.length > 0) {
    b.heading('Metric trends', 3)
    b.table(
      ['Metric', 'Better', 'First', 'Last', 'Min', 'Max', 'Runs', 'Trend'],
      r.trends.map((t) => [
        inlineCode(t.metric),
        t.better ?? '—',
        fmt(t.first),
        fmt(t.last),
        fmt(t.min),
        fmt(t.max),
        String(t.points.length),
        t.direction
      ]),
      { maxRows: 60, moreHint: 'see the dashboard' }
    )
  }
  if (opts.dashboardHint) b.paragraph(escapeMarkdown(opts.dashboardHint))
  return b.toString()
}

/** The pull request's body: what changed and why, then the context a reviewer needs. */
export function renderPullRequestBody(r: Recalibration, opts: { runUrl?: string } = {}): string {
  const b = new SummaryBuilder(60_000)
  b.add(PR_MARKER)
  b.paragraph(
    `flow-actions recalibration proposes tightening ${r.proposals.length} value(s). Each one only tightens: the last ${r.minRuns} runs on the default branch all stayed beyond the current value by at least the margin (${escapeMarkdown(r.margin)}), and the new value is the worst of those runs, so none of them would have failed it.`
  )
  b.heading('What changed and why', 3)
  b.table(PROPOSAL_HEADER, proposalRows(r.proposals))
  b.heading('Context', 3)
  b.paragraph(
    [
      `- Phase: ${escapeMarkdown(r.phase)}`,
      `- History: ${r.history.reports} report(s) from ${r.history.runs} run(s)`,
      `- Last calibration: ${r.calibration.last ?? 'never'}`,
      ...r.concerns.slice(0, 20).map((c) => `- ${c.severity}: ${escapeMarkdown(c.text)}`)
    ].join('\n')
  )
  if (opts.runUrl)
    b.paragraph(
      `The trend dashboard is attached to [the run that opened this pull request](${opts.runUrl}).`
    )
  b.paragraph(
    '_Merge to adopt the tighter values, or close to keep the current ones; the next recalibration updates this pull request instead of opening another._'
  )
  return b.toString()
}

/** PROGRESS.md: the snapshot the Dynaforge workflow asks for (phase, gate status, QA, concerns). */
export function renderProgress(r: Recalibration): string {
  const lines: string[] = []
  const cell = (t: string) => escapeMarkdown(t, 300)
  lines.push(
    '# Progress',
    '',
    `_Generated by flow-actions recalibrate on ${r.generatedAt.slice(0, 10)} from ${r.history.reports} report(s) of ${r.history.runs} run(s). Do not edit by hand._`,
    ''
  )
  lines.push('## Phase', '', cell(r.phase), '')
  if (r.latest)
    lines.push(
      `Latest gate run: ${r.latest.time.slice(0, 16).replace('T', ' ')} UTC, verdict **${r.latest.verdict}**${r.latest.sha ? ` at \`${r.latest.sha.slice(0, 12)}\`` : ''}.`,
      ''
    )
  lines.push('## Gate status', '')
  if (r.gates.length === 0) lines.push('No gate has been evaluated yet.', '')
  else {
    lines.push('| Gate | Latest | Pass rate | Runs | Waived |', '| --- | --- | --- | --- | --- |')
    for (const g of r.gates)
      lines.push(`| ${cell(g.gate)} | ${g.latest} | ${pct(g.passRate)} | ${g.runs} | ${g.waived} |`)
    lines.push('')
  }
  lines.push('## QA status', '')
  const latest = (name: string) => r.trends.find((t) => t.metric === name)
  const qa: Array<[string, string]> = [
    ['Test pass rate', 'tests.pass_rate'],
    ['Line coverage', 'coverage.lines'],
    ['Mutation score', 'mutation.score']
  ]
  for (const [label, metric] of qa) {
    const t = latest(metric)
    lines.push(
      `- ${label}: ${t ? `${fmt(t.last)} (${t.direction} over ${t.points.length} runs)` : 'not measured'}`
    )
  }
  const worsening = r.trends.filter((t) => t.direction === 'worsening').map((t) => t.metric)
  lines.push(
    `- Drift: ${worsening.length === 0 ? 'no gated metric is worsening' : `worsening: ${worsening.map(cell).join(', ')}`}`
  )
  lines.push(`- Flaky tests: ${r.flaky.length}`, '')
  lines.push('## Delivery', '')
  if (r.engineering) {
    lines.push(
      `- Lead time (first commit → merge): p50 ${fmtHours(r.engineering.leadTime.firstCommitToMerge.p50Hours)}, p95 ${fmtHours(r.engineering.leadTime.firstCommitToMerge.p95Hours)}`
    )
    lines.push(
      `- Lead time (opened → merge): p50 ${fmtHours(r.engineering.leadTime.openToMerge.p50Hours)}, p95 ${fmtHours(r.engineering.leadTime.openToMerge.p95Hours)}`
    )
    lines.push(
      `- Review turnaround: p50 ${fmtHours(r.engineering.reviewTurnaround.p50Hours)}, p95 ${fmtHours(r.engineering.reviewTurnaround.p95Hours)}`
    )
  }
  lines.push(
    '',
    `DORA's four keys over the last ${r.delivery.windowDays} days (weekly trend, oldest first):`,
    ''
  )
  lines.push('| Key | Value | Weekly trend |', '| --- | --- | --- |')
  for (const k of doraRows(r.delivery, r.engineering?.leadTime.firstCommitToMerge))
    lines.push(`| ${k.key} | ${cell(k.value)} | ${cell(k.trend)} |`)
  lines.push('')
  lines.push('## Open concerns', '')
  if (r.concerns.length === 0) lines.push('None.')
  for (const c of r.concerns) lines.push(`- **${c.severity}** ${cell(c.text)}`)
  lines.push('', '## Calibration', '')
  lines.push(
    `Last calibration: ${r.calibration.last ?? 'never'}${r.calibration.daysSince !== undefined ? ` (${r.calibration.daysSince} days ago)` : ''}. Proposals this time: ${r.proposals.length}.`,
    ''
  )
  return lines.join('\n')
}
