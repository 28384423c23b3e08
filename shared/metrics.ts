import { editDistance } from './suggest.js'

/**
 * The metric namespace: the one contract between evidence readers, expressions and reports.
 * Every proportion is a percentage from 0 to 100, as the tools print them. Seed aliases keep the
 * seed's own units and are documented as such.
 */

export type Metrics = Map<string, number>

export const METRIC_NAMES: Readonly<Record<string, readonly string[]>> = {
  tests: [
    'total',
    'executed',
    'passed',
    'failed',
    'errors',
    'skipped',
    'flaky',
    'pass_rate',
    'duration_s'
  ],
  coverage: [
    'lines',
    'branches',
    'functions',
    'new_lines',
    'lines_found',
    'lines_hit',
    'branches_found',
    'branches_hit',
    'functions_found',
    'functions_hit',
    'new_lines_found',
    'new_lines_hit',
    'new_lines_total',
    'new_branches',
    'new_branches_found',
    'new_branches_hit'
  ],
  mutation: [
    'score',
    'killed',
    'survived',
    'no_coverage',
    'timeout',
    'total',
    'detected',
    'undetected',
    'ignored',
    'errors',
    'changed_score',
    'changed_total'
  ],
  sarif: [
    'errors',
    'warnings',
    'notes',
    'critical',
    'high',
    'medium',
    'low',
    'total',
    'suppressed',
    'new'
  ],
  sbom: [
    'components',
    'vulns.critical',
    'vulns.high',
    'vulns.medium',
    'vulns.low',
    'vulns.total',
    'licenses.denied',
    'licenses.unknown'
  ],
  changes: ['lines', 'files', 'lines_added', 'lines_deleted', 'tests_touched'],
  artifacts: ['count']
}

/** `perf.<name>.<stat>`: the stats a performance report can give for each named measurement. */
export const PERF_STATS = [
  'p50',
  'p90',
  'p95',
  'p99',
  'avg',
  'min',
  'max',
  'rps',
  'error_rate',
  'count'
] as const

/** Seed spellings, mapped onto the namespace. `scale` converts units (test.pass_rate is 0..1). */
export interface MetricAlias {
  alias: string
  /** Computes the alias from the metrics; undefined when its sources are absent. */
  compute(m: Metrics): number | undefined
  description: string
}

export const METRIC_ALIASES: readonly MetricAlias[] = [
  {
    alias: 'test.pass_rate',
    description: 'tests.pass_rate / 100 (a proportion from 0 to 1, as the seed template writes it)',
    compute: (m) => {
      const v = m.get('tests.pass_rate')
      return v === undefined ? undefined : v / 100
    }
  },
  {
    alias: 'security.critical_vulns',
    description:
      'sarif.critical + sbom.vulns.critical (whichever evidence is present; absent when neither is)',
    compute: (m) => {
      const a = m.get('sarif.critical')
      const b = m.get('sbom.vulns.critical')
      if (a === undefined && b === undefined) return undefined
      return (a ?? 0) + (b ?? 0)
    }
  },
  {
    alias: 'performance.p95_latency_ms',
    description:
      "perf.http_req_duration.p95 (k6's request duration, in ms); else the p95 of the only perf measurement",
    compute: (m) => {
      const direct = m.get('perf.http_req_duration.p95')
      if (direct !== undefined) return direct
      const p95s = [...m.keys()].filter((k) => /^perf\.[^.]+\.p95$/.test(k))
      return p95s.length === 1 ? m.get(p95s[0]) : undefined
    }
  },
  {
    alias: 'mutation.score_ratio',
    description: 'mutation.score / 100 (a proportion from 0 to 1)',
    compute: (m) => {
      const v = m.get('mutation.score')
      return v === undefined ? undefined : v / 100
    }
  }
]

const ALIAS_NAMES = new Set(METRIC_ALIASES.map((a) => a.alias))

/** Adds every alias whose sources are present. */
export function withAliases(m: Metrics): Metrics {
  const out = new Map(m)
  for (const a of METRIC_ALIASES) {
    const v = a.compute(m)
    if (v !== undefined) out.set(a.alias, v)
  }
  return out
}

/** Metrics that are proportions (0..100); validate-graph warns when a threshold looks like 0..1. */
export const PERCENT_METRICS = new Set([
  'tests.pass_rate',
  'coverage.lines',
  'coverage.branches',
  'coverage.functions',
  'coverage.new_lines',
  'coverage.new_branches',
  'mutation.score',
  'mutation.changed_score'
])

export type NameClass =
  | { kind: 'metric'; name: string }
  | { kind: 'alias'; name: string }
  | { kind: 'baseline'; name: string; metric: string }
  | { kind: 'unknown-metric'; name: string; suggestion?: string }
  | { kind: 'free'; name: string }

export const EVIDENCE_NAMESPACES = new Set([...Object.keys(METRIC_NAMES), 'perf'])

export function isKnownMetric(name: string): boolean {
  const dot = name.indexOf('.')
  if (dot < 0) return false
  const ns = name.slice(0, dot)
  const rest = name.slice(dot + 1)
  if (ns === 'perf') {
    const parts = rest.split('.')
    return (
      parts.length === 2 && parts[0] !== '' && (PERF_STATS as readonly string[]).includes(parts[1])
    )
  }
  return METRIC_NAMES[ns]?.includes(rest) ?? false
}

/** Classifies a dotted name used in an expression. */
export function classifyName(name: string): NameClass {
  if (isKnownMetric(name)) return { kind: 'metric', name }
  if (ALIAS_NAMES.has(name)) return { kind: 'alias', name }
  if (name.startsWith('baseline.')) {
    const metric = name.slice('baseline.'.length)
    if (isKnownMetric(metric) || ALIAS_NAMES.has(metric)) return { kind: 'baseline', name, metric }
    return { kind: 'unknown-metric', name, suggestion: suggest(metric, true) }
  }
  const ns = name.split('.')[0]
  if (EVIDENCE_NAMESPACES.has(ns) && name.includes('.')) {
    return { kind: 'unknown-metric', name, suggestion: suggest(name, false) }
  }
  return { kind: 'free', name }
}

export function allMetricNames(): string[] {
  const names: string[] = []
  for (const [ns, list] of Object.entries(METRIC_NAMES))
    for (const n of list) names.push(`${ns}.${n}`)
  return names
}

function suggest(name: string, baseline: boolean): string | undefined {
  const candidates = [...allMetricNames(), ...ALIAS_NAMES]
  if (name.startsWith('perf.')) return `perf.<name>.${PERF_STATS.join('|')}`
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const c of candidates) {
    const d = editDistance(name, c)
    if (d < bestDistance) {
      bestDistance = d
      best = c
    }
  }
  if (!best || bestDistance > Math.max(3, Math.floor(name.length / 3))) return undefined
  return baseline ? `baseline.${best}` : best
}
