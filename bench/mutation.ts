import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { MutationTestResult } from 'mutation-testing-report-schema'
import {
  evaluateMutants,
  loadMutationReports,
  mergeShardReports,
  readStrykerFile,
  stampShard,
  parseTargets
} from '../shared/mutation/index.js'
import { referenceScore } from '../shared/evidence/mutation/stryker.js'
import type { BenchRow } from './types.js'

const MUTANTS = 100_000
const FILES = 1_000
const SHARDS = 20
const BAR_MS = 2_000
const STATUSES = [
  'Killed',
  'Killed',
  'Killed',
  'Survived',
  'NoCoverage',
  'Timeout',
  'Killed',
  'CompileError',
  'Ignored',
  'Killed'
] as const

/** A 100k-mutant Stryker report over 1,000 files, generated on the fly. */
function bigReport(): MutationTestResult {
  const files: MutationTestResult['files'] = {}
  const perFile = MUTANTS / FILES
  const source = 'export function f(a, b) {\n  return a + b\n}\n'.repeat(perFile)
  for (let f = 0; f < FILES; f++) {
    const mutants: MutationTestResult['files'][string]['mutants'] = []
    for (let i = 0; i < perFile; i++) {
      const line = i * 3 + 2
      mutants.push({
        id: String(f * perFile + i),
        mutatorName: i % 2 === 0 ? 'ArithmeticOperator' : 'BlockStatement',
        replacement: i % 2 === 0 ? 'a - b' : '{}',
        status: STATUSES[(f + i) % STATUSES.length],
        location: { start: { line, column: 10 }, end: { line, column: 15 } }
      })
    }
    files[`src/module-${String(f).padStart(4, '0')}.js`] = {
      language: 'javascript',
      source,
      mutants
    }
  }
  return { schemaVersion: '2', thresholds: { high: 80, low: 60 }, files }
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - started) / 1e6
}

/** Evaluating a 100k-mutant report, and merging 20 shards of it: each under 2 s. */
export async function benchMutation(): Promise<BenchRow[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'flow-bench-mutation-'))
  try {
    const report = bigReport()
    writeFileSync(path.join(root, 'mutation.json'), JSON.stringify(report))
    let score: number | undefined
    const evaluateMs = await timeMs(async () => {
      const loaded = await loadMutationReports(root, 'mutation.json')
      score = evaluateMutants(
        loaded.mutants,
        { maxDrop: 0, threshold: 60 },
        root,
        loaded.referenceScore
      ).score
    })

    const names = Object.keys(report.files)
    mkdirSync(path.join(root, 'shards'))
    for (let s = 0; s < SHARDS; s++) {
      const mine = names.filter((_, i) => i % SHARDS === s)
      const files: MutationTestResult['files'] = {}
      for (const n of mine) files[n] = report.files[n]
      const shard = stampShard(
        { ...report, files },
        { shard: s + 1, of: SHARDS, targets: parseTargets(mine) }
      )
      writeFileSync(path.join(root, 'shards', `shard-${s + 1}.json`), JSON.stringify(shard))
    }
    let mergedScore: number | undefined
    const mergeMs = await timeMs(async () => {
      const shards = []
      for (let s = 1; s <= SHARDS; s++)
        shards.push(await readStrykerFile(root, `shards/shard-${s}.json`))
      const merged = mergeShardReports(shards, { expectedShards: SHARDS })
      writeFileSync(path.join(root, 'merged.json'), JSON.stringify(merged.report))
      mergedScore = referenceScore(merged.report)
    })
    const same = score !== undefined && score === mergedScore
    return [
      {
        name: `mutation: evaluate a ${MUTANTS / 1000}k-mutant Stryker report`,
        value: Math.round(evaluateMs),
        unit: 'ms',
        bar: `< ${BAR_MS} ms`,
        ok: evaluateMs < BAR_MS && score !== undefined
      },
      {
        name: `mutation: merge ${SHARDS} shards of it (read, validate, check, merge, write, score)`,
        value: Math.round(mergeMs),
        unit: 'ms',
        bar: `< ${BAR_MS} ms, same score`,
        ok: mergeMs < BAR_MS && same
      }
    ]
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
