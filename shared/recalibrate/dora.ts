import { percentile } from '../stats.js'
import { reportTime, type HistoryEntry } from './history.js'

// DORA's four keys over one window: deployment frequency, lead time for changes, change failure
// rate and time to restore service. Deployments come from three places, because teams record
// them differently: flow-actions' own canary rollout reports, GitHub Deployments with their
// statuses, and published releases. Incidents are issues with a configurable label.

export type DeploymentSource = 'canary' | 'deployment' | 'release'

export interface DeploymentEvent {
  /** When the deployment succeeded or failed (ISO time). */
  at: string
  outcome: 'success' | 'failure'
  source: DeploymentSource
  environment?: string
  /** What was deployed or why it failed, for the reader. */
  label?: string
}

export interface IncidentEvent {
  number: number
  openedAt: string
  closedAt?: string
  title?: string
}

export interface RestoreStats {
  count: number
  p50Hours?: number
  p95Hours?: number
  /** Failures and incidents with no successful deployment after them yet. */
  open: number
}

export interface DoraWeek {
  /** Monday of the week, YYYY-MM-DD (UTC). */
  week: string
  deployments: number
  failures: number
  /** Median hours to restore of the failures that began this week. */
  restoreP50Hours?: number
  /** Median hours from first commit to merge of the pull requests merged this week. */
  leadTimeP50Hours?: number
}

export interface DeliveryMetrics {
  windowDays: number
  /** Successful deployments (dry runs excluded), from every source. */
  deployments: number
  /** Failed deployments and rolled-back rollouts. */
  rolledBack: number
  /** Rollouts that ended inconclusive or aborted: neither a deployment nor a failure. */
  undecided: number
  deploymentsPerWeek: number
  /** failed / (successful + failed); undefined without any deployment. */
  changeFailureRate?: number
  /** From each failed deployment or incident to the next successful deployment. */
  timeToRestore: RestoreStats
  incidents: number
  /** Where the deployments were read from, and how many each gave. */
  sources: Record<DeploymentSource, number>
  /** One row per week of the window, oldest first: the trend of each key. */
  weekly: DoraWeek[]
}

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** Deployments recorded by canary-rollout reports in the history: promoted or rolled back. */
export function canaryDeployments(entries: HistoryEntry[]): {
  deployments: DeploymentEvent[]
  undecided: string[]
} {
  const deployments: DeploymentEvent[] = []
  const undecided: string[] = []
  for (const e of entries) {
    if (e.report.kind !== 'rollout') continue
    const rollout = (e.report as { rollout?: { decision?: unknown; dryRun?: unknown } }).rollout
    if (!rollout || rollout.dryRun === true) continue
    const at = new Date(reportTime(e)).toISOString()
    if (rollout.decision === 'promoted')
      deployments.push({ at, outcome: 'success', source: 'canary' })
    else if (rollout.decision === 'rolled-back')
      deployments.push({ at, outcome: 'failure', source: 'canary', label: 'rolled back' })
    else undecided.push(at)
  }
  return { deployments, undecided }
}

function mondayOf(t: number): string {
  const d = new Date(t)
  const day = (d.getUTCDay() + 6) % 7
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day))
    .toISOString()
    .slice(0, 10)
}

const median = (xs: number[]) => (xs.length === 0 ? undefined : percentile(xs, 50))

export interface DeliveryInput {
  entries: HistoryEntry[]
  now: Date
  windowDays: number
  /** Deployments read from GitHub (Deployments API, releases). */
  deployments?: DeploymentEvent[]
  incidents?: IncidentEvent[]
  /** Merged pull requests with their first commit time, for the lead time trend. */
  pulls?: Array<{ mergedAt: string; firstCommitAt?: string }>
}

/**
 * The four keys over the window. Time to restore starts at a failed deployment (or a rolled-back
 * rollout, or an incident being opened) and ends at the next successful deployment to the same
 * environment (any environment when either side does not name one); a failure with none after it
 * is counted as open, not as a time.
 */
export function deliveryMetrics(input: DeliveryInput): DeliveryMetrics {
  const { now, windowDays } = input
  const end = now.getTime()
  const since = end - windowDays * DAY_MS
  const inWindow = (iso: string) => {
    const t = Date.parse(iso)
    return Number.isFinite(t) && t >= since && t <= end
  }
  const canary = canaryDeployments(input.entries)
  const all = [...canary.deployments, ...(input.deployments ?? [])]
    .filter((d) => inWindow(d.at))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  const successes = all.filter((d) => d.outcome === 'success')
  const failures = all.filter((d) => d.outcome === 'failure')
  const incidents = (input.incidents ?? []).filter((i) => inWindow(i.openedAt))

  const restore: Array<{ start: number; hours?: number }> = []
  const nextSuccess = (after: number, environment?: string) =>
    successes.find(
      (s) =>
        Date.parse(s.at) > after &&
        (!environment || !s.environment || s.environment === environment)
    )
  for (const f of failures) {
    const start = Date.parse(f.at)
    const fix = nextSuccess(start, f.environment)
    restore.push({ start, ...(fix ? { hours: (Date.parse(fix.at) - start) / HOUR_MS } : {}) })
  }
  for (const i of incidents) {
    const start = Date.parse(i.openedAt)
    const fix = nextSuccess(start)
    restore.push({ start, ...(fix ? { hours: (Date.parse(fix.at) - start) / HOUR_MS } : {}) })
  }
  const restored = restore.filter((r) => r.hours !== undefined).map((r) => r.hours as number)

  const weeks = new Map<string, DoraWeek>()
  for (let t = since; t <= end; t += 7 * DAY_MS)
    weeks.set(mondayOf(t), { week: mondayOf(t), deployments: 0, failures: 0 })
  weeks.set(
    mondayOf(end),
    weeks.get(mondayOf(end)) ?? { week: mondayOf(end), deployments: 0, failures: 0 }
  )
  const week = (t: number) => weeks.get(mondayOf(t))
  for (const d of all) {
    const w = week(Date.parse(d.at))
    if (!w) continue
    if (d.outcome === 'success') w.deployments++
    else w.failures++
  }
  const restoreByWeek = new Map<string, number[]>()
  for (const r of restore)
    if (r.hours !== undefined)
      restoreByWeek.set(mondayOf(r.start), [
        ...(restoreByWeek.get(mondayOf(r.start)) ?? []),
        r.hours
      ])
  const leadByWeek = new Map<string, number[]>()
  for (const p of input.pulls ?? []) {
    if (!p.firstCommitAt || !inWindow(p.mergedAt)) continue
    const hours = (Date.parse(p.mergedAt) - Date.parse(p.firstCommitAt)) / HOUR_MS
    if (Number.isFinite(hours) && hours >= 0)
      leadByWeek.set(mondayOf(Date.parse(p.mergedAt)), [
        ...(leadByWeek.get(mondayOf(Date.parse(p.mergedAt))) ?? []),
        hours
      ])
  }
  for (const w of weeks.values()) {
    const r = median(restoreByWeek.get(w.week) ?? [])
    const l = median(leadByWeek.get(w.week) ?? [])
    if (r !== undefined) w.restoreP50Hours = r
    if (l !== undefined) w.leadTimeP50Hours = l
  }

  const attempts = successes.length + failures.length
  const sources: Record<DeploymentSource, number> = { canary: 0, deployment: 0, release: 0 }
  for (const d of all) sources[d.source]++
  return {
    windowDays,
    deployments: successes.length,
    rolledBack: failures.length,
    undecided: canary.undecided.filter(inWindow).length,
    deploymentsPerWeek: successes.length / (windowDays / 7),
    ...(attempts > 0 ? { changeFailureRate: failures.length / attempts } : {}),
    timeToRestore: {
      count: restored.length,
      ...(restored.length > 0
        ? { p50Hours: percentile(restored, 50), p95Hours: percentile(restored, 95) }
        : {}),
      open: restore.length - restored.length
    },
    incidents: incidents.length,
    sources,
    weekly: [...weeks.values()].sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : 0))
  }
}

/** One row per key for every renderer: the key, its value over the window, and its weekly trend (oldest first). */
export interface DoraRow {
  key: string
  value: string
  trend: string
}

function hours(h: number | undefined): string {
  if (h === undefined || !Number.isFinite(h)) return '—'
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`
}

/** DORA's four keys as rows: deployment frequency, lead time, change failure rate, time to restore. */
export function doraRows(
  d: DeliveryMetrics,
  leadTime?: { count: number; p50Hours?: number; p95Hours?: number }
): DoraRow[] {
  const trend = (pick: (w: DoraWeek) => string) => d.weekly.map(pick).join(' · ')
  const weekRate = (w: DoraWeek) =>
    w.deployments + w.failures === 0
      ? '—'
      : `${((w.failures / (w.deployments + w.failures)) * 100).toFixed(0)} %`
  const sources = (Object.entries(d.sources) as Array<[DeploymentSource, number]>)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
  return [
    {
      key: 'Deployment frequency',
      value: `${d.deployments} in ${d.windowDays} days (${d.deploymentsPerWeek.toFixed(2)} per week)${sources.length > 0 ? `; from ${sources.join(', ')}` : ''}`,
      trend: trend((w) => String(w.deployments))
    },
    {
      key: 'Lead time for changes',
      value:
        leadTime && leadTime.count > 0
          ? `p50 ${hours(leadTime.p50Hours)}, p95 ${hours(leadTime.p95Hours)} (${leadTime.count} pull requests)`
          : 'not measured (needs the GitHub API)',
      trend: trend((w) => hours(w.leadTimeP50Hours))
    },
    {
      key: 'Change failure rate',
      value:
        d.changeFailureRate === undefined
          ? '— (no deployments)'
          : `${(d.changeFailureRate * 100).toFixed(2)} % (${d.rolledBack} failed or rolled back${d.undecided ? `, ${d.undecided} undecided` : ''})`,
      trend: trend(weekRate)
    },
    {
      key: 'Time to restore',
      value:
        d.timeToRestore.count === 0 && d.timeToRestore.open === 0
          ? '— (no failures or incidents)'
          : `p50 ${hours(d.timeToRestore.p50Hours)}, p95 ${hours(d.timeToRestore.p95Hours)} (${d.timeToRestore.count} restored${d.timeToRestore.open ? `, ${d.timeToRestore.open} not yet` : ''}; ${d.incidents} incident(s))`,
      trend: trend((w) => hours(w.restoreP50Hours))
    }
  ]
}
