import { escapeMarkdown } from '../escape.js'
import { SummaryBuilder } from '../summary.js'
import { formatDuration } from './duration.js'
import type { Measurement } from './measurement.js'
import { formatNumber } from './metric-runner.js'
import { chartPoints, mermaidChart } from './rollout-chart.js'
import type { RolloutOutcome } from './rollout-record.js'
import { percentile } from '../stats.js'

const DECISION_TITLE: Record<RolloutOutcome['decision'], string> = {
  promoted: '✅ promoted',
  'rolled-back': '↩️ rolled back',
  inconclusive: '⏸️ inconclusive: traffic held, not promoted',
  aborted: '🛑 aborted'
}

const PHASE_MARK: Record<Measurement['phase'], string> = {
  Successful: '✅',
  Failed: '❌',
  Inconclusive: '❔',
  Error: '⚠️'
}

const e = (t: string) => escapeMarkdown(t)

/** The job summary: verdict first, then the per-step timeline, the chart, checks and decisions. */
export function renderRolloutSummary(
  outcome: RolloutOutcome,
  opts: { reportPath?: string } = {}
): string {
  const s = new SummaryBuilder()
  s.heading(
    `Canary rollout: ${DECISION_TITLE[outcome.decision]}${outcome.dryRun ? ' (dry run)' : ''}`
  )
  const facts = [
    `**Reason:** ${e(outcome.reason || 'none given')}`,
    `**Final weight:** ${outcome.finalWeight}%${outcome.dryRun ? ' (dry run: no platform command was run)' : ''}`,
    `**Duration:** ${formatDuration(outcome.durationMs)}`
  ]
  if (outcome.rollback) {
    facts.push(
      `**Rollback:** ${outcome.rollback.ok ? 'succeeded' : 'FAILED'} after ${outcome.rollback.attempts} attempt(s) in ${formatDuration(outcome.rollback.durationMs)}`
    )
  }
  s.paragraph(facts.join('  \n'))
  if (outcome.trafficState === 'unknown') {
    const lastSetWeight = [...outcome.commands]
      .reverse()
      .find((c) => c.name === 'set-weight' && c.ok)
    s.paragraph(
      `> [!CAUTION]\n> **Traffic state unknown.** The rollback command failed after ${outcome.rollback?.attempts ?? 0} attempt(s) ` +
        `(last error: ${e(outcome.rollback?.message ?? 'none')}). The last weight applied was **${outcome.lastAppliedWeight}%**` +
        `${lastSetWeight ? ` (set-weight at step ${lastSetWeight.step}, ${formatDuration(lastSetWeight.at)} into the rollout)` : ''}. ` +
        'Check the platform by hand and route traffic back to the stable version.'
    )
  }

  s.heading('Timeline', 3)
  const rows = outcome.steps.map((step) => {
    const ms = outcome.measurements.filter((m) => m.step === step.index)
    const probes = ms.filter((m) => m.kind === 'probe')
    const passed = probes.filter((m) => m.phase === 'Successful').length
    const latencies = probes.map((m) => m.latencyMs).filter((v): v is number => v !== undefined)
    const lat =
      latencies.length > 0
        ? [50, 95, 99].map((p) => `${Math.round(percentile(latencies, p) as number)}`).join(' / ') +
          ' ms'
        : '–'
    const lastByMetric = new Map<string, Measurement>()
    for (const m of ms) if (m.kind !== 'probe') lastByMetric.set(m.check, m)
    const metrics = [...lastByMetric.values()]
      .map(
        (m) =>
          `${PHASE_MARK[m.phase]} ${e(m.check)}: ${m.value === undefined ? e(m.message) : `${formatNumber(m.value)} vs ${e(m.expected ?? '')}`}`
      )
      .join('<br>')
    return [
      String(step.index),
      `${step.weight}%`,
      `${formatDuration(step.startedAt)}–${step.endedAt === undefined ? '…' : formatDuration(step.endedAt)}`,
      probes.length > 0
        ? `${passed}/${probes.length} (${Math.round((passed / probes.length) * 100)}%)`
        : '–',
      lat,
      metrics || '–',
      step.outcome
    ]
  })
  s.table(
    [
      'Step',
      'Weight',
      'Time',
      'Probe success',
      'Probe latency p50 / p95 / p99',
      'Metrics (last value vs threshold)',
      'Outcome'
    ],
    rows
  )

  const chart = mermaidChart(chartPoints(outcome))
  if (chart)
    s.paragraph(
      `${chart}\n\n_Line: canary weight (%). Bars: share of checks not passing at each measurement (%)._`
    )

  s.heading('Checks', 3)
  s.table(
    ['Check', 'Kind', '✅ / ❌ / ❔ / ⚠️', 'Phase', 'Why'],
    outcome.checks.map((c) => [
      e(c.name) + (c.critical ? ' (critical)' : ''),
      c.kind,
      `${c.counts.successful} / ${c.counts.failed} / ${c.counts.inconclusive} / ${c.counts.error}`,
      c.phase,
      e(c.message || lastMessage(outcome, c.name))
    ]),
    { maxRows: 200, moreHint: opts.reportPath ? `see ${e(opts.reportPath)}` : undefined }
  )

  const comparisons = outcome.measurements.filter((m) => m.details && m.details.length > 0)
  const lastComparison = comparisons[comparisons.length - 1]
  if (lastComparison?.details) {
    const table = [
      '| Metric | Class | Samples (canary / baseline) | Shift estimate [CI] | p-value | Mean ratio |',
      '| --- | --- | --- | --- | --- | --- |',
      ...lastComparison.details.map(
        (d) =>
          `| ${e(d.metric)}${d.critical ? ' (critical)' : ''} | ${d.classification}${d.notes?.length ? ` (${e(d.notes.join('; '))})` : ''} | ${d.canarySamples} / ${d.baselineSamples} | ` +
          `${d.estimate === undefined ? '–' : `${formatNumber(d.estimate)} [${formatNumber(d.lower as number)}, ${formatNumber(d.upper as number)}]`} | ` +
          `${d.pValue === undefined ? '–' : formatNumber(d.pValue)} | ${d.meanRatio === undefined ? '–' : formatNumber(d.meanRatio)} |`
      )
    ].join('\n')
    s.details('Canary versus baseline (last judgement)', table)
  }

  s.heading('Decisions', 3)
  s.table(
    ['Time', 'Step', 'Weight', 'Action', 'Reason'],
    outcome.decisions.map((d) => [
      formatDuration(d.at),
      String(d.step),
      `${d.weight}%`,
      d.action,
      e(d.reason)
    ]),
    { maxRows: 100 }
  )
  if (outcome.commands.length > 0) {
    const table = [
      '| Time | Command | Step | Weight | Attempt | Result |',
      '| --- | --- | --- | --- | --- | --- |',
      ...outcome.commands.map(
        (c) =>
          `| ${formatDuration(c.at)} | ${c.name} | ${c.step} | ${c.weight}% | ${c.attempt} | ${c.ok ? '✅' : '❌'} ${e(c.message)} |`
      )
    ].join('\n')
    s.details('Platform commands', table)
  }
  if (opts.reportPath) s.paragraph(`Full rollout report: ${e(opts.reportPath)}`)
  return s.toString()
}

function lastMessage(outcome: RolloutOutcome, check: string): string {
  for (let i = outcome.measurements.length - 1; i >= 0; i--)
    if (outcome.measurements[i].check === check) return outcome.measurements[i].message
  return 'not measured'
}
