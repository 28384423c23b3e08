import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { daysUntil, parseIsoDate } from '../dates.js'
import { DEFAULT_BASELINE_PATH } from '../baseline.js'
import { loadWaivers } from '../gates/waivers.js'
import { loadGraph } from '../graph/index.js'
import type { WaiverRecord } from '../report/types.js'
import { literalPathspec } from '../change/git.js'
import { resolveInWorkspace, workspaceRelative } from '../safe-path.js'
import {
  engineeringMetrics,
  flakyTests,
  gateHistory,
  metricSeries,
  metricTrends,
  type EngineeringMetrics,
  type FlakyTest,
  type GateHistory,
  type MetricTrend,
  type PullRecord
} from './analysis.js'
import {
  deliveryMetrics,
  type DeliveryMetrics,
  type DeploymentEvent,
  type IncidentEvent
} from './dora.js'
import { normaliseHistory, reportTime, type HistoryEntry, type HistoryProblem } from './history.js'
import { proposeChanges, type Consideration, type Margin, type Proposal } from './proposals.js'

export const DEFAULT_WINDOW_DAYS = 30
export const DEFAULT_EXPIRING_DAYS = 14
export const DEFAULT_MAX_CALIBRATION_AGE_DAYS = 35
/** A change failure rate above this is a concern (DORA's "high performer" band ends at 15%). */
export const CHANGE_FAILURE_CONCERN = 0.15

export interface Concern {
  severity: 'critical' | 'warning' | 'info'
  text: string
}

export interface CalibrationAge {
  /** YYYY-MM-DD of the last calibration, when known. */
  last?: string
  daysSince?: number
  source: 'baseline.json' | 'git' | 'never'
  maxAgeDays: number
  overdue: boolean
}

export interface Recalibration {
  generatedAt: string
  repository?: string
  graph: string
  history: { reports: number; runs: number; from?: string; to?: string; problems: HistoryProblem[] }
  latest?: { time: string; stage?: string; verdict: string; sha?: string }
  phase: string
  trends: MetricTrend[]
  flaky: FlakyTest[]
  gates: GateHistory[]
  waivers: { file?: string; expiring: WaiverRecord[]; invalid: WaiverRecord[]; withinDays: number }
  calibration: CalibrationAge
  /** From the GitHub API; undefined when it was not asked for (the CLI without a token). */
  engineering?: EngineeringMetrics & { problems: string[] }
  delivery: DeliveryMetrics & { problems: string[] }
  proposals: Proposal[]
  considered: Consideration[]
  missingBaselines: string[]
  minRuns: number
  margin: string
  concerns: Concern[]
}

export interface RecalibrateInput {
  root: string
  graphPath: string
  baselinePath?: string
  waiversPath?: string
  entries: HistoryEntry[]
  problems: HistoryProblem[]
  now: Date
  minRuns: number
  margin: Margin
  windowDays?: number
  expiringWithinDays?: number
  maxCalibrationAgeDays?: number
  pulls?: { pulls: PullRecord[]; problems: string[] }
  /** Deployments and incidents read from GitHub, beside the canary reports in the history. */
  delivery?: { deployments: DeploymentEvent[]; incidents: IncidentEvent[]; problems: string[] }
  repository?: string
}

/**
 * The whole recalibration, computed without side effects: trends, flaky tests, gate pass rates,
 * waivers expiring soon, the age of the last calibration, delivery metrics, tightening proposals
 * and the open concerns. Writing files and opening the pull request are the caller's.
 */
export function computeRecalibration(input: RecalibrateInput): Recalibration {
  const { root, now } = input
  const windowDays = input.windowDays ?? DEFAULT_WINDOW_DAYS
  const entries = normaliseHistory(input.entries)
  const series = metricSeries(entries)
  const proposal = proposeChanges({
    root,
    graphPath: input.graphPath,
    baselinePath: input.baselinePath,
    series,
    minRuns: input.minRuns,
    margin: input.margin
  })
  const { graph } = loadGraph(root, input.graphPath)
  const trends = metricTrends(entries, proposal.directions)
  const flaky = flakyTests(entries)
  const gates = gateHistory(entries)
  const withinDays = input.expiringWithinDays ?? DEFAULT_EXPIRING_DAYS
  const loaded = loadWaivers(root, input.waiversPath, now)
  const records = loaded.waivers.map((w) => w.record)
  const expiring = records.filter(
    (w) =>
      (w.state === 'active' || w.state === 'expiring') &&
      w.daysLeft !== undefined &&
      w.daysLeft <= withinDays
  )
  const invalid = records.filter(
    (w) => w.state === 'expired' || w.state === 'open-ended' || w.state === 'malformed'
  )
  const calibration = calibrationAge(
    root,
    input.baselinePath,
    now,
    input.maxCalibrationAgeDays ?? DEFAULT_MAX_CALIBRATION_AGE_DAYS
  )
  const delivery = {
    ...deliveryMetrics({
      entries,
      now,
      windowDays,
      ...(input.delivery
        ? { deployments: input.delivery.deployments, incidents: input.delivery.incidents }
        : {}),
      ...(input.pulls ? { pulls: input.pulls.pulls } : {})
    }),
    problems: input.delivery?.problems ?? []
  }
  const engineering = input.pulls
    ? { ...engineeringMetrics(input.pulls.pulls, windowDays), problems: input.pulls.problems }
    : undefined

  const gateReports = entries.filter((e) => e.report.kind === 'gates')
  const last = gateReports[gateReports.length - 1]
  const runs = new Set(entries.map((e) => e.report.run.runId ?? e.runId ?? e.source)).size
  const order = graph.nodes.filter((n) => n.kind === 'gate').map((n) => n.id)
  const phase = phaseOf(order, gates, last?.report.run.stage)

  const result: Recalibration = {
    generatedAt: now.toISOString(),
    ...(input.repository ? { repository: input.repository } : {}),
    graph: graph.file,
    history: {
      reports: entries.length,
      runs,
      ...(entries.length > 0
        ? {
            from: new Date(reportTime(entries[0])).toISOString(),
            to: new Date(reportTime(entries[entries.length - 1])).toISOString()
          }
        : {}),
      problems: input.problems
    },
    ...(last
      ? {
          latest: {
            time: last.report.run.time,
            ...(last.report.run.stage ? { stage: last.report.run.stage } : {}),
            verdict: last.report.verdict,
            ...((last.report.run.sha ?? last.sha) ? { sha: last.report.run.sha ?? last.sha } : {})
          }
        }
      : {}),
    phase,
    trends,
    flaky,
    gates: order
      .map((id) => gates.find((g) => g.gate === id))
      .filter((g): g is GateHistory => g !== undefined)
      .concat(gates.filter((g) => !order.includes(g.gate))),
    waivers: { ...(loaded.file ? { file: loaded.file } : {}), expiring, invalid, withinDays },
    calibration,
    ...(engineering ? { engineering } : {}),
    delivery,
    proposals: proposal.proposals,
    considered: proposal.considered,
    missingBaselines: proposal.missingBaselines,
    minRuns: input.minRuns,
    margin: input.margin.text,
    concerns: []
  }
  result.concerns = concernsOf(result)
  return result
}

function phaseOf(order: string[], gates: GateHistory[], stage: string | undefined): string {
  const at = stage ? ` (stage ${stage})` : ''
  if (gates.length === 0) return 'not yet evaluated: no gate reports in the history'
  for (const id of order) {
    const g = gates.find((x) => x.gate === id)
    if (!g) return `gate ${id} not yet evaluated${at}`
    if (g.latest === 'failed' || g.latest === 'error') return `blocked at gate ${id}${at}`
  }
  const warned = gates.filter((g) => g.latest === 'warned').map((g) => g.gate)
  return warned.length > 0
    ? `all gates passing, with warnings at ${warned.join(', ')}${at}`
    : `all ${order.length} gates passing${at}`
}

/**
 * When the process was last recalibrated: the `calibrated` date recalibration writes into
 * baseline.json, else the last commit that touched that file, else never.
 */
export function calibrationAge(
  root: string,
  baselinePath: string | undefined,
  now: Date,
  maxAgeDays: number
): CalibrationAge {
  const file = baselinePath && baselinePath.trim() !== '' ? baselinePath : DEFAULT_BASELINE_PATH
  const absolute = resolveInWorkspace(root, file, 'baseline file')
  const finish = (last: string | undefined, source: CalibrationAge['source']): CalibrationAge => {
    const date = last ? parseIsoDate(last) : undefined
    const daysSince = date ? 0 - daysUntil(date, now) : undefined
    return {
      ...(date ? { last } : {}),
      ...(daysSince !== undefined ? { daysSince } : {}),
      source: date ? source : 'never',
      maxAgeDays,
      overdue: daysSince === undefined || daysSince > maxAgeDays
    }
  }
  if (existsSync(absolute)) {
    try {
      const data = JSON.parse(readFileSync(absolute, 'utf8')) as { calibrated?: unknown }
      if (typeof data.calibrated === 'string' && parseIsoDate(data.calibrated.slice(0, 10)))
        return finish(data.calibrated.slice(0, 10), 'baseline.json')
    } catch {
      /* an unreadable baseline is reported by the proposals */
    }
    try {
      const out = execFileSync(
        'git',
        ['log', '-1', '--format=%cI', '--', literalPathspec(workspaceRelative(root, absolute))],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }
      ).trim()
      if (out) return finish(out.slice(0, 10), 'git')
    } catch {
      /* not a git checkout */
    }
  }
  return finish(undefined, 'never')
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`
}

function concernsOf(r: Recalibration): Concern[] {
  const out: Concern[] = []
  for (const g of r.gates) {
    if (g.latest === 'failed' || g.latest === 'error')
      out.push({
        severity: 'critical',
        text: `Gate ${g.gate} is ${g.latest} on the latest run (pass rate ${pct(g.passRate)} over ${g.runs} runs).`
      })
  }
  for (const w of r.waivers.invalid)
    out.push({
      severity: 'critical',
      text: `Waiver ${w.gate ?? '?'} / ${w.requirement ?? '?'} is ${w.state}${w.problem ? `: ${w.problem}` : ''}.`
    })
  for (const w of r.waivers.expiring)
    out.push({
      severity: 'warning',
      text: `Waiver ${w.gate} / ${w.requirement} expires on ${w.expires} (in ${w.daysLeft} day${w.daysLeft === 1 ? '' : 's'}).`
    })
  for (const f of r.flaky)
    out.push({
      severity: 'warning',
      text: `Flaky test ${f.test}: failed and passed on ${f.sha.slice(0, 7)}.`
    })
  for (const t of r.trends)
    if (t.direction === 'worsening')
      out.push({
        severity: 'warning',
        text: `${t.metric} is worsening: ${fmt(t.first)} → ${fmt(t.last)} over ${t.points.length} runs.`
      })
  if (r.calibration.overdue) {
    out.push({
      severity: 'warning',
      text:
        r.calibration.daysSince === undefined
          ? 'The process has never been recalibrated.'
          : `The last calibration was ${r.calibration.daysSince} days ago (more than ${r.calibration.maxAgeDays}).`
    })
  }
  if (
    r.delivery.changeFailureRate !== undefined &&
    r.delivery.changeFailureRate > CHANGE_FAILURE_CONCERN
  ) {
    out.push({
      severity: 'warning',
      text: `Change failure rate ${pct(r.delivery.changeFailureRate)} over the last ${r.delivery.windowDays} days.`
    })
  }
  if (r.missingBaselines.length > 0)
    out.push({
      severity: 'info',
      text: `Ratchets without a baseline value: ${r.missingBaselines.join(', ')} (add them to .process/baseline.json).`
    })
  if (r.history.problems.length > 0)
    out.push({
      severity: 'info',
      text: `${r.history.problems.length} history item(s) could not be used; see the recalibration report.`
    })
  return out
}

export function fmt(n: number | undefined, digits = 2): string {
  if (n === undefined || !Number.isFinite(n)) return '—'
  return Number.isInteger(n) ? String(n) : n.toFixed(digits).replace(/\.?0+$/, '')
}
