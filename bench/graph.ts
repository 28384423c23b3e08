import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { validateGraphFile } from '../shared/graph/index.js'
import type { BenchRow } from './types.js'

/** A valid graph of n nodes: a long process of activities, decisions and gates, looping back. */
export function syntheticGraph(n: number): string {
  const lines = ['version: 1', 'vars:', '  risk: 2', 'nodes:']
  for (let i = 0; i < n; i++) {
    const next = `n${(i + 1) % n}`
    // The last node recalibrates and starts over, so the loop is one a process means to run forever
    // (a sound graph: validation measures its checks, not the cost of reporting a finding).
    const kind =
      i === n - 1 ? 'calibrate' : i % 10 === 9 ? 'gate' : i % 10 === 4 ? 'decision' : 'activity'
    lines.push(`  - id: n${i}`, `    kind: ${kind}`)
    if (kind === 'gate') {
      lines.push(
        '    requires:',
        '      - metric: tests.pass_rate >= 99',
        `    pass: ${next}`,
        `    fail: n${Math.max(0, i - 3)}`
      )
    } else if (kind === 'decision') {
      lines.push(
        '    next:',
        '      - when: risk > 3',
        `        node: ${next}`,
        '      - when: else',
        `        node: ${next}`
      )
    } else {
      lines.push(`    next: ${next}`)
      if (kind === 'calibrate') lines.push('    schedule: "0 6 * * 1"')
    }
  }
  return `${lines.join('\n')}\n`
}

function timeValidation(n: number): number {
  const root = mkdtempSync(path.join(tmpdir(), 'flow-bench-graph-'))
  mkdirSync(path.join(root, '.process'))
  writeFileSync(path.join(root, '.process', 'graph.yaml'), syntheticGraph(n))
  let best = Number.POSITIVE_INFINITY
  const repeats = n >= 100_000 ? 2 : 4
  for (let i = 0; i < repeats; i++) {
    const started = process.hrtime.bigint()
    const r = validateGraphFile(root, '.process/graph.yaml')
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    if (!r.valid)
      throw new Error(`synthetic graph of ${n} nodes is invalid: ${r.findings[0]?.message}`)
    best = Math.min(best, ms)
  }
  return best
}

export async function benchGraph(): Promise<BenchRow[]> {
  timeValidation(1_000) // warm up the JIT and the schema compiler
  const t1k = timeValidation(1_000)
  const t10k = timeValidation(10_000)
  const t100k = timeValidation(100_000)
  const growth = t100k / t10k
  return [
    { name: 'graph validation, 1k nodes', value: t1k, unit: 'ms', bar: '—', ok: true },
    { name: 'graph validation, 10k nodes', value: t10k, unit: 'ms', bar: '—', ok: true },
    {
      name: 'graph validation, 100k nodes',
      value: t100k,
      unit: 'ms',
      bar: '< 2000 ms',
      ok: t100k < 2000
    },
    {
      name: 'graph validation growth, 100k / 10k',
      value: growth,
      unit: 'x',
      bar: '<= 12x',
      ok: growth <= 12
    }
  ]
}
