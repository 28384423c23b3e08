import { escapeHtml } from '../escape.js'
import type { MetricTrend } from './analysis.js'
import { formatNumber } from './proposals.js'
import { fmt, type Recalibration } from './recalibrate.js'
import { fmtHours } from './render.js'
import { doraRows } from './dora.js'

/** At most this many metric charts; gated metrics come first. */
export const MAX_CHARTS = 40

const W = 560
const H = 180
const PAD = { left: 56, right: 16, top: 16, bottom: 28 }

const e = (t: string | number) => escapeHtml(String(t))

/** A line chart of one metric's series as inline SVG (no script, no external resource). */
export function trendChart(t: MetricTrend, threshold?: { from: number; to: number }): string {
  const values = t.points.map((p) => p.value)
  const extra = threshold ? [threshold.from, threshold.to] : []
  let lo = Math.min(...values, ...extra)
  let hi = Math.max(...values, ...extra)
  if (hi === lo) {
    const pad = Math.abs(hi) * 0.05 || 1
    lo -= pad
    hi += pad
  }
  const iw = W - PAD.left - PAD.right
  const ih = H - PAD.top - PAD.bottom
  const x = (i: number) =>
    PAD.left + (values.length === 1 ? iw / 2 : (i * iw) / (values.length - 1))
  const y = (v: number) => PAD.top + ih - ((v - lo) / (hi - lo)) * ih
  const pts = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
  const colour =
    t.direction === 'worsening' ? '#c62828' : t.direction === 'improving' ? '#2e7d32' : '#1565c0'
  const dots = t.points
    .map(
      (p, i) =>
        `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="${colour}"><title>${e(p.time.slice(0, 16).replace('T', ' '))}${p.sha ? ` ${e(p.sha.slice(0, 7))}` : ''}: ${e(formatNumber(p.value))}</title></circle>`
    )
    .join('')
  const lines = threshold
    ? [
        `<line class="threshold-old" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(threshold.from).toFixed(1)}" y2="${y(threshold.from).toFixed(1)}" stroke="#9e9e9e" stroke-dasharray="4 3"/>`,
        `<line class="threshold-new" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(threshold.to).toFixed(1)}" y2="${y(threshold.to).toFixed(1)}" stroke="#ef6c00" stroke-dasharray="6 3"/>`
      ].join('')
    : ''
  const first = t.points[0]?.time.slice(0, 10) ?? ''
  const last = t.points[t.points.length - 1]?.time.slice(0, 10) ?? ''
  return [
    `<figure class="chart" data-metric="${e(t.metric)}">`,
    `<figcaption><code>${e(t.metric)}</code> <span class="dir ${e(t.direction)}">${e(t.direction)}</span> last ${e(fmt(t.last))}${t.better ? `, ${e(t.better)} is better` : ''}</figcaption>`,
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${e(t.metric)} over ${t.points.length} runs" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#555"/>`,
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#555"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end" font-size="11">${e(fmt(hi))}</text>`,
    `<text x="${PAD.left - 6}" y="${H - PAD.bottom}" text-anchor="end" font-size="11">${e(fmt(lo))}</text>`,
    `<text x="${PAD.left}" y="${H - 8}" font-size="11">${e(first)}</text>`,
    `<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" font-size="11">${e(last)}</text>`,
    lines,
    `<polyline class="series" fill="none" stroke="${colour}" stroke-width="2" points="${pts}"/>`,
    dots,
    '</svg></figure>'
  ].join('')
}

/** Gate pass rates as horizontal bars. */
function gateBars(r: Recalibration): string {
  if (r.gates.length === 0) return '<p>No gate has been evaluated yet.</p>'
  const rowH = 24
  const h = r.gates.length * rowH + 8
  const bars = r.gates
    .map((g, i) => {
      const y = 4 + i * rowH
      const w = Math.round(g.passRate * 300)
      const colour =
        g.latest === 'passed'
          ? '#2e7d32'
          : g.latest === 'waived' || g.latest === 'warned'
            ? '#ef6c00'
            : '#c62828'
      return `<text x="0" y="${y + 15}" font-size="12">${e(g.gate.slice(0, 28))}</text><rect class="bar" x="200" y="${y + 3}" width="${w}" height="16" fill="${colour}"><title>${e(g.gate)}: ${(g.passRate * 100).toFixed(1)}% of ${g.runs} runs, latest ${e(g.latest)}</title></rect><text x="${210 + w}" y="${y + 15}" font-size="12">${(g.passRate * 100).toFixed(0)}%</text>`
    })
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" class="gates" role="img" aria-label="gate pass rates" viewBox="0 0 560 ${h}" width="560" height="${h}">${bars}</svg>`
}

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p>None.</p>'
  return `<table><thead><tr>${header.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`
}

/**
 * The dashboard: one HTML file with inline CSS and SVG, no script and nothing fetched (a
 * Content-Security-Policy forbids it), so it opens from an artifact download anywhere. Every
 * text from the history (metric names, test names, gate ids) is HTML-escaped.
 */
export function renderDashboard(r: Recalibration): string {
  const proposalFor = new Map(
    r.proposals.filter((p) => p.kind === 'threshold').map((p) => [p.metric, p])
  )
  const charts = r.trends.filter((t) => t.points.length >= 1).slice(0, MAX_CHARTS)
  const delivery: string[][] = []
  if (r.engineering) {
    const { leadTime, reviewTurnaround } = r.engineering
    delivery.push([
      'Lead time: first commit → merge',
      fmtHours(leadTime.firstCommitToMerge.p50Hours),
      fmtHours(leadTime.firstCommitToMerge.p95Hours),
      String(leadTime.firstCommitToMerge.count)
    ])
    delivery.push([
      'Lead time: opened → merge',
      fmtHours(leadTime.openToMerge.p50Hours),
      fmtHours(leadTime.openToMerge.p95Hours),
      String(leadTime.openToMerge.count)
    ])
    delivery.push([
      'Review turnaround',
      fmtHours(reviewTurnaround.p50Hours),
      fmtHours(reviewTurnaround.p95Hours),
      String(reviewTurnaround.count)
    ])
  }
  const cfr =
    r.delivery.changeFailureRate === undefined
      ? '—'
      : `${(r.delivery.changeFailureRate * 100).toFixed(1)}%`
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>flow-actions recalibration${r.repository ? ` — ${e(r.repository)}` : ''}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1b1b1b;background:#fafafa}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
.grid{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fff;border:1px solid #ddd;padding:8px;margin:0}
figcaption{font-size:13px;margin-bottom:4px}.dir{font-weight:600}.worsening{color:#c62828}.improving{color:#2e7d32}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:4px 8px;font-size:13px;text-align:left}
.critical{color:#c62828}.warning{color:#ef6c00}.info{color:#555}
</style>
</head>
<body>
<h1>flow-actions recalibration${r.repository ? ` — ${e(r.repository)}` : ''}</h1>
<p>Generated ${e(r.generatedAt.slice(0, 16).replace('T', ' '))} UTC from ${r.history.reports} report(s) of ${r.history.runs} run(s). Phase: <strong>${e(r.phase)}</strong>. Last calibration: ${e(r.calibration.last ?? 'never')}.</p>
<h2>Proposed changes</h2>
${table(
  ['Where', 'Metric', 'Was', 'Proposed', 'Why'],
  r.proposals.map((p) => [
    e(
      p.kind === 'baseline'
        ? `${p.file} metrics.${p.metric}`
        : `${p.file} ${p.gate}/${p.requirement}${p.stage ? ` (${p.stage})` : ''}`
    ),
    `<code>${e(p.metric)}</code>`,
    e(formatNumber(p.from)),
    e(formatNumber(p.to)),
    e(p.reason)
  ])
)}
<h2>Metric trends</h2>
<div class="grid">${charts.map((t) => trendChart(t, proposalFor.get(t.metric))).join('\n')}</div>
${r.trends.length > charts.length ? `<p>${r.trends.length - charts.length} more metric(s) not charted.</p>` : ''}
<h2>Gate pass rates</h2>
${gateBars(r)}
<h2>Delivery</h2>
${table(
  ['Measure', 'p50', 'p95', 'Pull requests'],
  delivery.map((row) => row.map(e))
)}
<h3>DORA's four keys</h3>
${table(
  ['Key', `Last ${r.delivery.windowDays} days`, 'Weekly trend (oldest first)'],
  doraRows(r.delivery, r.engineering?.leadTime.firstCommitToMerge).map((k) => [
    e(k.key),
    e(k.value),
    e(k.trend)
  ])
)}
<p>Deployments: ${r.delivery.deployments} in ${r.delivery.windowDays} days (${e(fmt(r.delivery.deploymentsPerWeek))} per week). Change failure rate: ${e(cfr)}.</p>
<h2>Flaky tests</h2>
${table(
  ['Test', 'Commit', 'Failed in', 'Passed in'],
  r.flaky
    .slice(0, 200)
    .map((f) => [
      e(f.test),
      `<code>${e(f.sha.slice(0, 12))}</code>`,
      e(f.failedIn.join(', ')),
      e(f.passedIn.join(', '))
    ])
)}
<h2>Waivers expiring soon or invalid</h2>
${table(
  ['Gate', 'Requirement', 'Expires', 'State'],
  [...r.waivers.invalid, ...r.waivers.expiring].map((w) => [
    e(w.gate ?? '?'),
    e(w.requirement ?? '?'),
    e(w.expires ?? '—'),
    e(w.state)
  ])
)}
<h2>Open concerns</h2>
${r.concerns.length === 0 ? '<p>None.</p>' : `<ul>${r.concerns.map((c) => `<li class="${c.severity}"><strong>${c.severity}</strong> ${e(c.text)}</li>`).join('')}</ul>`}
</body>
</html>
`
}
