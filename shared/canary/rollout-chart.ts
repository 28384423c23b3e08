import type { RolloutOutcome } from './rollout-record.js'

const MAX_POINTS = 60

export interface ChartPoint {
  seconds: number
  weight: number
  /** Share of checks that did not pass at this tick, in percent. */
  errorRate: number
}

/** One point per measurement tick: the weight in force and the share of failing checks. */
export function chartPoints(outcome: RolloutOutcome): ChartPoint[] {
  const byTick = new Map<number, { step: number; total: number; bad: number }>()
  for (const m of outcome.measurements) {
    const t = byTick.get(m.at) ?? { step: m.step, total: 0, bad: 0 }
    t.total++
    if (m.phase !== 'Successful') t.bad++
    byTick.set(m.at, t)
  }
  const weightOf = (step: number) => outcome.steps.find((s) => s.index === step)?.weight ?? 0
  const points = [...byTick.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([at, t]) => ({
      seconds: Math.round(at / 100) / 10,
      weight: weightOf(t.step),
      errorRate: Math.round((t.bad / t.total) * 1000) / 10
    }))
  if (points.length <= MAX_POINTS) return points
  // Keep the chart readable: sample evenly, always keeping the last point (where it ended).
  const sampled: ChartPoint[] = []
  for (let i = 0; i < MAX_POINTS; i++)
    sampled.push(points[Math.floor((i * (points.length - 1)) / (MAX_POINTS - 1))])
  return sampled
}

/**
 * A mermaid xychart of weight and error rate over time. Everything in it is numbers we
 * computed, so no user text can reach the diagram source.
 */
export function mermaidChart(points: ChartPoint[]): string | undefined {
  if (points.length === 0) return undefined
  const labels = points.map((p) => `"${p.seconds}s"`).join(', ')
  return [
    '```mermaid',
    'xychart-beta',
    '    title "Canary weight and failing checks (%)"',
    `    x-axis [${labels}]`,
    '    y-axis "percent" 0 --> 100',
    `    line [${points.map((p) => p.weight).join(', ')}]`,
    `    bar [${points.map((p) => p.errorRate).join(', ')}]`,
    '```'
  ].join('\n')
}
