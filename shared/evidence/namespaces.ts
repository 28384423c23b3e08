/**
 * Raw counts per namespace and how they become metrics. Readers return additive counts (tests
 * seen, lines found and hit, mutants per status...), never rates, so several files aggregate by
 * summing and rates are recomputed once at the end. A rate over nothing is absent, never 100 or NaN.
 */

export type Namespace = 'tests' | 'coverage' | 'mutation' | 'sarif' | 'sbom' | 'perf'
export const NAMESPACES: readonly Namespace[] = [
  'tests',
  'coverage',
  'mutation',
  'sarif',
  'sbom',
  'perf'
]

/** Counts keyed without the namespace prefix: 'total', 'lines_found', 'http_req_duration.p95'. */
export type Counts = Map<string, number>

export function addCount(counts: Counts, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by)
}

/** Combines two count maps of one namespace. Perf statistics are not additive: see combinePerf. */
export function combineCounts(ns: Namespace, into: Counts, from: Counts): void {
  for (const [key, value] of from) {
    const current = into.get(key)
    if (current === undefined) into.set(key, value)
    else into.set(key, ns === 'perf' ? combinePerf(key, current, value) : current + value)
  }
}

/**
 * Two reports of the same perf measurement: rates and counts add up (two load generators), the
 * minimum is the smaller, every other statistic (percentiles, avg, max, error rate) keeps the
 * worse value, since percentiles of separate runs cannot be merged exactly.
 */
function combinePerf(key: string, a: number, b: number): number {
  const stat = key.slice(key.lastIndexOf('.') + 1)
  if (stat === 'rps' || stat === 'count') return a + b
  if (stat === 'min') return Math.min(a, b)
  return Math.max(a, b)
}

function percent(hit: number | undefined, found: number | undefined): number | undefined {
  if (hit === undefined || found === undefined || found <= 0) return undefined
  return (hit / found) * 100
}

function setIf(out: Map<string, number>, name: string, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) out.set(name, value)
}

/** Turns a namespace's counts into metrics with full names (tests.pass_rate, perf.x.p95...). */
export function finishMetrics(ns: Namespace, c: Counts): Map<string, number> {
  const out = new Map<string, number>()
  const g = (k: string) => c.get(k)
  switch (ns) {
    case 'tests': {
      for (const k of ['total', 'passed', 'failed', 'errors', 'skipped', 'flaky', 'duration_s'])
        setIf(out, `tests.${k}`, g(k) ?? 0)
      const total = g('total') ?? 0
      const run = total - (g('skipped') ?? 0)
      // Tests that ran (passed + failed, errors being among the failed): a report where every
      // test was skipped has executed 0, so `tests.executed > 0` fails on it.
      setIf(out, 'tests.executed', run)
      // Pass rate over the tests that ran; over zero tests it is absent, so a gate on it fails.
      setIf(out, 'tests.pass_rate', percent(g('passed') ?? 0, run))
      break
    }
    case 'coverage': {
      for (const kind of ['lines', 'branches', 'functions', 'new_lines', 'new_branches']) {
        const found = g(`${kind}_found`)
        const hit = g(`${kind}_hit`)
        if (found === undefined) continue
        setIf(out, `coverage.${kind}_found`, found)
        setIf(out, `coverage.${kind}_hit`, hit ?? 0)
        setIf(out, `coverage.${kind}`, percent(hit ?? 0, found))
      }
      // Codecov's "patch" denominator: changed lines the report knows as executable.
      setIf(out, 'coverage.new_lines_total', g('new_lines_found'))
      break
    }
    case 'mutation': {
      const killed = g('killed') ?? 0
      const timeout = g('timeout') ?? 0
      const survived = g('survived') ?? 0
      const noCoverage = g('no_coverage') ?? 0
      const errors = (g('compile_error') ?? 0) + (g('runtime_error') ?? 0)
      const ignored = g('ignored') ?? 0
      const pending = g('pending') ?? 0
      const detected = killed + timeout
      const undetected = survived + noCoverage
      const valid = detected + undetected
      out.set('mutation.killed', killed)
      out.set('mutation.survived', survived)
      out.set('mutation.no_coverage', noCoverage)
      out.set('mutation.timeout', timeout)
      out.set('mutation.detected', detected)
      out.set('mutation.undetected', undetected)
      out.set('mutation.errors', errors)
      out.set('mutation.ignored', ignored + pending)
      out.set('mutation.total', valid + errors + ignored + pending)
      // Same expression as mutation-testing-metrics, so the score is bit-for-bit equal.
      if (valid > 0) out.set('mutation.score', (detected / valid) * 100)
      const changedValid = g('changed_valid')
      if (changedValid !== undefined) {
        out.set('mutation.changed_total', changedValid)
        if (changedValid > 0)
          out.set('mutation.changed_score', ((g('changed_detected') ?? 0) / changedValid) * 100)
      }
      break
    }
    case 'sarif':
    case 'sbom':
    case 'perf':
      for (const [k, v] of c) setIf(out, `${ns}.${k}`, v)
      break
  }
  return out
}
