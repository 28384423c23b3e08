import { EvidenceError } from '../errors.js'
import { printable } from '../safe-path.js'
import { PERF_STATS } from '../metrics.js'
import type { OpenedEvidence } from './evidence-file.js'
import { finiteNumber, isRecord, ownEntries, readJson } from './json-file.js'
import type { Counts } from './namespaces.js'
import type { ReadContext, ReaderOutput } from './reader.js'

/** k6 --summary-export keys onto perf stats. `rate` is a request rate, except for k6 "rate" metrics. */
const K6_KEYS: Readonly<Record<string, string>> = {
  med: 'p50',
  'p(50)': 'p50',
  'p(90)': 'p90',
  'p(95)': 'p95',
  'p(99)': 'p99',
  avg: 'avg',
  min: 'min',
  max: 'max',
  count: 'count',
  rate: 'rps'
}

/**
 * A measurement name as it can appear in `perf.<name>.<stat>`: letters, digits, `_` and `-`. Other
 * characters (k6 tags such as `http_req_duration{expected_response:true}`) become `_`, and
 * trailing `_` are dropped: `http_req_duration_expected_response_true`.
 */
export function perfName(raw: string): string {
  return raw
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/_+$/, '')
    .replace(/^_+/, '')
}

/**
 * k6 `--summary-export` JSON, k6 `handleSummary(data)` JSON (`JSON.stringify(data)`: statistics
 * under each metric's "values") and the generic form `{"metrics": {name: {"p50":…, "p95":…, "p99":…,
 * "rps":…}}}` (any stat of PERF_STATS; times in milliseconds by convention, error_rate in percent).
 * k6 "rate" metrics hold a 0..1 `value`: it becomes error_rate in percent (http_req_failed's value
 * itself; for names without "fail"/"error", such as checks, its complement).
 */
export async function readPerf(
  opened: OpenedEvidence,
  ctx: ReadContext,
  k6: boolean
): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data) || !isRecord(data.metrics))
    throw new EvidenceError(display, 'malformed', 'has no "metrics" object.')
  const counts: Counts = new Map()
  for (const [rawName, values] of ownEntries(data.metrics)) {
    if (!isRecord(values))
      throw new EvidenceError(display, 'malformed', `metric "${rawName}" is not an object.`)
    const name = perfName(rawName)
    if (name === '') continue
    // handleSummary(data) nests the statistics under "values", beside the metric's "type"; there a
    // rate metric's 0..1 fraction is "rate", not a request rate.
    const summary = k6 && isRecord(values.values) ? values.values : undefined
    const stats = summary ?? values
    const fraction = summary
      ? values.type === 'rate'
        ? finiteNumber(summary.rate)
        : undefined
      : 'passes' in values || 'fails' in values
        ? finiteNumber(values.value)
        : undefined
    if (summary && values.type === 'rate' && fraction === undefined)
      throw new EvidenceError(
        display,
        'malformed',
        `metrics.${rawName}.values.rate is not a number.`
      )
    const isRate = k6 && fraction !== undefined
    for (const [key, raw] of ownEntries(stats)) {
      if (isRate && summary && key === 'rate') continue
      const stat = k6
        ? (K6_KEYS[key] ?? (PERF_STATS as readonly string[]).find((s) => s === key))
        : (PERF_STATS as readonly string[]).find((s) => s === key)
      if (!stat) continue
      const value = finiteNumber(raw)
      if (value === undefined)
        throw new EvidenceError(
          display,
          'malformed',
          `metrics.${rawName}.${summary ? 'values.' : ''}${key} is ${printable(String(raw), 40)}, not a number.`
        )
      if (value < 0)
        throw new EvidenceError(
          display,
          'malformed',
          `metrics.${rawName}.${key} is negative (${value}).`
        )
      counts.set(`${name}.${stat}`, value)
    }
    if (isRate) {
      // k6 rate metrics count "true" samples: for http_req_failed those are failures, for checks
      // they are passes, so the error rate is the value or its complement.
      const v = fraction ?? 0
      counts.set(`${name}.error_rate`, (/fail|error/i.test(rawName) ? v : 1 - v) * 100)
    }
  }
  if (counts.size === 0)
    throw new EvidenceError(display, 'empty', 'holds no performance statistics.')
  return { namespace: 'perf', counts }
}
