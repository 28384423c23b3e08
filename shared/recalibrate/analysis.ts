import { percentile } from '../stats.js'
import type { FlowReport, GateStatus } from '../report/types.js'
import { reportSha, reportTime, type HistoryEntry } from './history.js'
import { byText } from '../compare.js'

/** Which way a metric is better, when a gate or ratchet says so. */
export type Better = 'higher' | 'lower'

export interface TrendPoint {
  time: string
  value: number
  sha?: string
}

export interface MetricTrend {
  metric: string
  better?: Better
  /** Oldest first, one point per run. */
  points: TrendPoint[]
  first: number
  last: number
  min: number
  max: number
  mean: number
  /** Least-squares slope per run. */
  slopePerRun: number
  /** improving/worsening when the better direction is known, else rising/falling; steady when flat. */
  direction: 'improving' | 'worsening' | 'steady' | 'rising' | 'falling'
}

/** A run's key: reports of several stages (or report kinds) from one run are one observation. */
export function runKey(e: HistoryEntry): string {
  const runId = e.report.run.runId ?? (e.runId !== undefined ? String(e.runId) : undefined)
  const attempt =
    e.report.run.runAttempt ?? (e.runAttempt !== undefined ? String(e.runAttempt) : '1')
  return runId ? `run ${runId}#${attempt}` : e.source
}

/** Reports that carry evidence metrics worth trending: gates and mutation reports. */
export function metricReports(entries: HistoryEntry[]): HistoryEntry[] {
  return entries.filter((e) => e.report.kind === 'gates' || e.report.kind === 'mutation')
}

/**
 * One value per metric per run, oldest run first. A run with several reports contributes the
 * value of its latest report.
 */
export function metricSeries(entries: HistoryEntry[]): Map<string, TrendPoint[]> {
  const byRun = new Map<string, { time: number; sha?: string; metrics: Map<string, number> }>()
  for (const e of metricReports(entries)) {
    const key = runKey(e)
    const t = reportTime(e)
    const slot = byRun.get(key) ?? {
      time: t,
      sha: reportSha(e),
      metrics: new Map<string, number>()
    }
    slot.time = Math.max(slot.time, t)
    for (const [name, value] of Object.entries(e.report.metrics ?? {})) {
      if (typeof value === 'number' && Number.isFinite(value)) slot.metrics.set(name, value)
    }
    byRun.set(key, slot)
  }
  const series = new Map<string, TrendPoint[]>()
  for (const run of [...byRun.values()].sort((a, b) => a.time - b.time)) {
    for (const [name, value] of run.metrics) {
      const list = series.get(name) ?? []
      list.push({
        time: new Date(run.time).toISOString(),
        value,
        ...(run.sha ? { sha: run.sha } : {})
      })
      series.set(name, list)
    }
  }
  return series
}

/** Relative change below which a series counts as steady (1% of its typical size). */
const STEADY_FRACTION = 0.01

export function trendOf(metric: string, points: TrendPoint[], better?: Better): MetricTrend {
  const values = points.map((p) => p.value)
  const n = values.length
  const mean = values.reduce((s, v) => s + v, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (i - (n - 1) / 2) * (values[i] - mean)
    den += (i - (n - 1) / 2) ** 2
  }
  const slope = den === 0 ? 0 : num / den
  const span = Math.max(...values) - Math.min(...values)
  const scale = Math.max(Math.abs(mean), span, 1e-9)
  const change = slope * Math.max(1, n - 1)
  let direction: MetricTrend['direction']
  if (n < 2 || Math.abs(change) <= STEADY_FRACTION * scale) direction = 'steady'
  else if (better) direction = change > 0 === (better === 'higher') ? 'improving' : 'worsening'
  else direction = change > 0 ? 'rising' : 'falling'
  return {
    metric,
    ...(better ? { better } : {}),
    points,
    first: values[0],
    last: values[n - 1],
    min: Math.min(...values),
    max: Math.max(...values),
    mean,
    slopePerRun: slope,
    direction
  }
}

export function metricTrends(
  entries: HistoryEntry[],
  directions: Map<string, Better>
): MetricTrend[] {
  const out: MetricTrend[] = []
  for (const [metric, points] of metricSeries(entries))
    out.push(trendOf(metric, points, directions.get(metric)))
  // Gated metrics (a known direction) first, then by name.
  return out.sort((a, b) => Number(!a.better) - Number(!b.better) || byText(a.metric, b.metric))
}

// ---------------------------------------------------------------- flaky tests

export interface FlakyTest {
  test: string
  sha: string
  /** Runs (run id#attempt, or file) where it failed and where it passed. */
  failedIn: string[]
  passedIn: string[]
  /** recorded: the report listed the passing outcome; inferred: a complete failure list omitted it. */
  basis: 'recorded' | 'inferred'
}

interface RunOutcomes {
  key: string
  sha: string
  failed: Set<string>
  /** Tests recorded as passed (reports that carry per-test outcomes). */
  passed: Set<string>
  /** True when every failing test of the run is listed (no cap hit) and tests ran. */
  complete: boolean
}

const FAILURE_SOURCES = new Set(['test-failure', 'tests'])

/** The test's name from a finding title ("Failed: suite › name" → "suite › name"). */
export function testName(title: string): string {
  return title.replace(/^(Failed|Error):\s*/, '').trim()
}

/**
 * Per-test outcomes recorded by a report, when it carries them: `testCases: [{ name, status }]`
 * (an optional field flow reports may add; see docs/recalibrate.md).
 */
function recordedCases(report: FlowReport): Array<{ name: string; status: string }> {
  const cases = (report as { testCases?: unknown }).testCases
  if (!Array.isArray(cases)) return []
  return cases.filter(
    (c): c is { name: string; status: string } =>
      c !== null &&
      typeof c === 'object' &&
      typeof (c as { name?: unknown }).name === 'string' &&
      typeof (c as { status?: unknown }).status === 'string'
  )
}

function outcomesByRun(entries: HistoryEntry[]): RunOutcomes[] {
  const runs = new Map<string, RunOutcomes>()
  for (const e of entries) {
    if (e.report.kind !== 'gates') continue
    const sha = reportSha(e)
    if (!sha) continue
    const key = runKey(e)
    const r = e.report
    const failed = new Set<string>()
    const passed = new Set<string>()
    for (const f of r.findings ?? [])
      if (FAILURE_SOURCES.has(f.source) && f.severity === 'error') failed.add(testName(f.title))
    for (const c of recordedCases(r)) {
      if (c.status === 'passed') passed.add(c.name)
      else if (c.status === 'failed' || c.status === 'error') failed.add(c.name)
    }
    const listed = r.findings?.length ?? 0
    const testsRan = (r.metrics?.['tests.total'] ?? 0) > 0
    const complete = testsRan && (r.findingsTotal ?? listed) <= listed
    const slot = runs.get(key)
    if (!slot) {
      runs.set(key, { key, sha, failed, passed, complete })
    } else {
      failed.forEach((t) => slot.failed.add(t))
      passed.forEach((t) => slot.passed.add(t))
      slot.complete = slot.complete && complete
    }
  }
  return [...runs.values()]
}

/**
 * Tests that both failed and passed on the same commit (re-runs, or several workflows on one
 * commit). A pass is either recorded (per-test outcomes in the report) or inferred: another run
 * of that commit ran the tests and its complete failure list does not name the test.
 */
export function flakyTests(entries: HistoryEntry[]): FlakyTest[] {
  const bySha = new Map<string, RunOutcomes[]>()
  for (const run of outcomesByRun(entries)) {
    const list = bySha.get(run.sha) ?? []
    list.push(run)
    bySha.set(run.sha, list)
  }
  const out: FlakyTest[] = []
  for (const [sha, runs] of bySha) {
    if (runs.length < 2) continue
    const tests = new Set<string>()
    runs.forEach((r) => r.failed.forEach((t) => tests.add(t)))
    for (const test of [...tests].sort()) {
      const failedIn = runs.filter((r) => r.failed.has(test)).map((r) => r.key)
      const recorded = runs
        .filter((r) => r.passed.has(test) && !r.failed.has(test))
        .map((r) => r.key)
      const inferred = runs
        .filter((r) => !r.failed.has(test) && !r.passed.has(test) && r.complete)
        .map((r) => r.key)
      const passedIn = [...recorded, ...inferred]
      if (failedIn.length === 0 || passedIn.length === 0) continue
      out.push({
        test,
        sha,
        failedIn,
        passedIn,
        basis: recorded.length > 0 ? 'recorded' : 'inferred'
      })
    }
  }
  return out.sort((a, b) => byText(a.test, b.test) || byText(a.sha, b.sha))
}

// ---------------------------------------------------------------- gates

export interface GateHistory {
  gate: string
  runs: number
  passed: number
  waived: number
  failed: number
  /** passed / runs where it was evaluated; waived runs are not passes. */
  passRate: number
  latest: GateStatus
  latestTime: string
}

export function gateHistory(entries: HistoryEntry[]): GateHistory[] {
  const byGate = new Map<string, GateHistory>()
  for (const e of entries) {
    if (e.report.kind !== 'gates') continue
    for (const g of e.report.gates ?? []) {
      if (g.status === 'not-evaluated') continue
      const h = byGate.get(g.id) ?? {
        gate: g.id,
        runs: 0,
        passed: 0,
        waived: 0,
        failed: 0,
        passRate: 0,
        latest: g.status,
        latestTime: e.report.run.time
      }
      h.runs++
      if (g.status === 'passed') h.passed++
      else if (g.status === 'waived') h.waived++
      else if (g.status === 'failed' || g.status === 'error') h.failed++
      h.latest = g.status
      h.latestTime = e.report.run.time
      byGate.set(g.id, h)
    }
  }
  for (const h of byGate.values()) h.passRate = h.runs > 0 ? h.passed / h.runs : 0
  return [...byGate.values()]
}

// ---------------------------------------------------------------- delivery

export interface DurationStats {
  count: number
  p50Hours?: number
  p95Hours?: number
}

export function durationStats(hours: number[]): DurationStats {
  const finite = hours.filter((h) => Number.isFinite(h) && h >= 0)
  if (finite.length === 0) return { count: 0 }
  return {
    count: finite.length,
    p50Hours: percentile(finite, 50),
    p95Hours: percentile(finite, 95)
  }
}

/** A merged pull request as the engineering metrics need it (times are ISO strings). */
export interface PullRecord {
  number: number
  author?: string
  createdAt: string
  mergedAt: string
  /** The earliest author date among its commits. */
  firstCommitAt?: string
  /** The first review submitted by someone other than the author. */
  firstReviewAt?: string
}

export interface EngineeringMetrics {
  windowDays: number
  pullRequests: number
  leadTime: { firstCommitToMerge: DurationStats; openToMerge: DurationStats }
  reviewTurnaround: DurationStats & { unreviewed: number }
}

const HOUR_MS = 3_600_000

function hoursBetween(from: string | undefined, to: string | undefined): number {
  if (!from || !to) return Number.NaN
  return (Date.parse(to) - Date.parse(from)) / HOUR_MS
}

/**
 * Lead time for changes (first commit → merge, and PR opened → merge) and review turnaround (PR
 * opened → first review by someone else), as medians (p50) and p95 with linear interpolation.
 */
export function engineeringMetrics(pulls: PullRecord[], windowDays: number): EngineeringMetrics {
  const firstCommit = pulls.map((p) => hoursBetween(p.firstCommitAt, p.mergedAt))
  const open = pulls.map((p) => hoursBetween(p.createdAt, p.mergedAt))
  const reviewed = pulls.filter((p) => p.firstReviewAt)
  return {
    windowDays,
    pullRequests: pulls.length,
    leadTime: { firstCommitToMerge: durationStats(firstCommit), openToMerge: durationStats(open) },
    reviewTurnaround: {
      ...durationStats(reviewed.map((p) => hoursBetween(p.createdAt, p.firstReviewAt))),
      unreviewed: pulls.length - reviewed.length
    }
  }
}
