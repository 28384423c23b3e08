import path from 'node:path'
import { ConfigurationError } from '../shared/errors.js'
import {
  computeRecalibration,
  DEFAULT_MIN_RUNS,
  parseMargin,
  readHistoryFolder,
  writeOutputs
} from '../shared/recalibrate/index.js'
import { formatNumber } from '../shared/recalibrate/proposals.js'
import { fmtHours } from '../shared/recalibrate/render.js'
import { resolveInWorkspace } from '../shared/safe-path.js'
import type { CommandContext } from './context.js'
import { plain, styler } from './terminal.js'
import { DEFAULT_GRAPH_PATH } from '../shared/graph/model.js'

export const RECALIBRATE_HELP = `flow recalibrate --history DIR [--graph .process/graph.yaml] [--baseline FILE] [--waivers FILE]
                 [--output DIR] [--dry-run] [--json]
  Reads earlier flow reports (gates, mutation, rollout) under DIR and prints trends, flaky tests,
  expiring waivers, days since the last calibration, deployment frequency and change failure rate,
  and the thresholds and baselines that can be tightened (never loosened). Without --dry-run the
  proposals are written into the graph and .process/baseline.json, and PROGRESS.md is updated.
  The dashboard (dashboard.html), PROGRESS.md and recalibration.json go to --output
  (default .flow/recalibrate). Lead time and review turnaround need the GitHub API: use the action.
  Exit 0 done, 2 usage error.`

export async function recalibrateCommand(ctx: CommandContext): Promise<number> {
  const history = ctx.flags.history
  if (!history)
    throw new ConfigurationError(
      '--history DIR is required: a folder of earlier flow-report.json files (e.g. downloaded artifacts).'
    )
  const dryRun = ctx.flags['dry-run'] === 'true'
  const graphPath = ctx.flags.graph ?? DEFAULT_GRAPH_PATH
  const now = ctx.now()
  const read = readHistoryFolder(ctx.root, history)
  const result = computeRecalibration({
    root: ctx.root,
    graphPath,
    baselinePath: ctx.flags.baseline,
    waiversPath: ctx.flags.waivers,
    entries: read.entries,
    problems: read.problems,
    now,
    minRuns: DEFAULT_MIN_RUNS,
    margin: parseMargin('1%')
  })
  const outDir = resolveInWorkspace(
    ctx.root,
    ctx.flags.output ?? path.join('.flow', 'recalibrate'),
    'output folder'
  )
  const written = writeOutputs(result, {
    root: ctx.root,
    outDir,
    graphPath,
    baselinePath: ctx.flags.baseline,
    dryRun
  })
  if (ctx.flags.json === 'true') {
    ctx.out(JSON.stringify({ ...result, written }, null, 2))
    return 0
  }
  const s = styler()
  ctx.out(
    s.bold(
      `Recalibration of ${graphPath}: ${result.history.reports} report(s) from ${result.history.runs} run(s)`
    )
  )
  ctx.out(`Phase: ${plain(result.phase)}`)
  ctx.out(
    `Last calibration: ${result.calibration.last ?? 'never'}${result.calibration.daysSince !== undefined ? ` (${result.calibration.daysSince} days ago)` : ''}`
  )
  for (const p of read.problems.slice(0, 10))
    ctx.out(s.dim(`skipped ${plain(p.source)}: ${plain(p.message)}`))
  ctx.out('')
  if (result.proposals.length === 0) ctx.out('No threshold or baseline can be tightened.')
  for (const p of result.proposals) {
    const where =
      p.kind === 'baseline'
        ? `${p.file} metrics.${p.metric}`
        : `${p.file} ${p.gate}/${p.requirement}${p.stage ? ` (${p.stage})` : ''}`
    const op = p.better === 'higher' ? '>=' : '<='
    ctx.out(
      `${s.green('tighten')} ${plain(where)}: ${plain(p.metric)} ${op} ${formatNumber(p.from)} → ${op} ${formatNumber(p.to)}${p.writable ? '' : s.yellow(' (change by hand)')}`
    )
    ctx.out(s.dim(`  ${plain(p.reason)}`))
  }
  if (result.flaky.length > 0) {
    ctx.out('')
    for (const f of result.flaky)
      ctx.out(
        `${s.yellow('flaky')} ${plain(f.test)} on ${f.sha.slice(0, 12)}: failed in ${f.failedIn.join(', ')}, passed in ${f.passedIn.join(', ')}`
      )
  }
  ctx.out('')
  ctx.out(
    `Deployments: ${result.delivery.deployments} in ${result.delivery.windowDays} days; change failure rate ${result.delivery.changeFailureRate === undefined ? '—' : `${(result.delivery.changeFailureRate * 100).toFixed(1)}%`}`
  )
  if (result.engineering)
    ctx.out(`Lead time p50 ${fmtHours(result.engineering.leadTime.openToMerge.p50Hours)}`)
  for (const c of result.concerns)
    ctx.out(
      `${c.severity === 'critical' ? s.red(c.severity) : c.severity === 'warning' ? s.yellow(c.severity) : c.severity}: ${plain(c.text)}`
    )
  ctx.out('')
  ctx.out(`Dashboard: ${written.dashboard}`)
  ctx.out(
    dryRun
      ? 'Dry run: no repository file was changed.'
      : written.changed.length > 0
        ? `Changed: ${written.changed.join(', ')}`
        : 'No repository file changed.'
  )
  return 0
}
