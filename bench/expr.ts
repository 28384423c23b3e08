import { evaluate, parseExpression, type Value } from '../shared/expr/index.js'
import type { BenchRow } from './types.js'

const COUNT = 100_000

// Shapes users write in gates, decisions and waivers; the numbers vary so nothing is cached.
const SHAPES: Array<(i: number) => string> = [
  (i) => `tests.pass_rate >= ${90 + (i % 10)}`,
  (i) =>
    `coverage.lines >= baseline.coverage.lines - 0.${i % 10} and coverage.branches >= ${i % 80}`,
  (i) => `has(perf.api.p95) && perf.api.p95 <= nfr.performance.target_p95_latency_ms * 1.${i % 10}`,
  (i) => `risk in ["low", "medium"] || not (sarif.critical > ${i % 3}) ? true : false`,
  (i) => `min(mutation.score, ${i % 100}) >= 60 && size(labels) > 0`
]

const VALUES = new Map<string, Value>([
  ['tests.pass_rate', 99.2],
  ['coverage.lines', 81.5],
  ['coverage.branches', 70],
  ['baseline.coverage.lines', 80],
  ['perf.api.p95', 180],
  ['nfr.performance.target_p95_latency_ms', 200],
  ['risk', 'low'],
  ['sarif.critical', 0],
  ['mutation.score', 72],
  ['labels', ['ready']]
])
const scope = (name: string): Value | undefined => VALUES.get(name)

function time(fn: () => void): number {
  const started = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - started) / 1e6
}

/** Parse and evaluate 100k expressions. Bars: a gate run evaluates hundreds, so these bars leave ample headroom on a shared runner. */
export async function benchExpr(): Promise<BenchRow[]> {
  const sources = Array.from({ length: COUNT }, (_, i) => SHAPES[i % SHAPES.length](i))
  const warm = sources.slice(0, 5_000).map(parseExpression)
  for (const e of warm) evaluate(e, scope)

  let parsed: ReturnType<typeof parseExpression>[] = []
  const parseMs = time(() => {
    parsed = sources.map(parseExpression)
  })
  let passed = 0
  const evalMs = time(() => {
    for (const e of parsed) if (evaluate(e, scope).kind === 'value') passed++
  })
  if (passed !== COUNT)
    throw new Error(`benchmark expressions did not all evaluate (${passed} of ${COUNT})`)
  const bothMs = time(() => {
    for (const s of sources) evaluate(parseExpression(s), scope)
  })
  return [
    {
      name: 'expressions: parse 100k',
      value: parseMs,
      unit: 'ms',
      bar: '< 1500 ms',
      ok: parseMs < 1500
    },
    {
      name: 'expressions: evaluate 100k',
      value: evalMs,
      unit: 'ms',
      bar: '< 1000 ms',
      ok: evalMs < 1000
    },
    {
      name: 'expressions: parse + evaluate 100k',
      value: bothMs,
      unit: 'ms',
      bar: '< 2000 ms',
      ok: bothMs < 2000
    }
  ]
}
