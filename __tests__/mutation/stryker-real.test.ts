import { describe, expect, it, beforeAll } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { calculateMutationTestMetrics } from 'mutation-testing-metrics'
import type { MutationTestResult } from 'mutation-testing-report-schema'
import {
  evaluateMutants,
  loadMutationReports,
  mergeShardReports,
  planShards,
  readStrykerFile,
  stampShard,
  parseTargets,
  type MutationEvaluation
} from '../../shared/mutation/index.js'
import { strykerMutants, referenceScore } from '../../shared/evidence/mutation/stryker.js'
import { fixtures, repoRoot, workspace } from './helpers.js'

/**
 * The fixture project under __tests__/fixtures/mutation/project is mutated for real by StrykerJS
 * (the command test runner running `node --test`), unsharded and as planned shards.
 */
const STRYKER = path.join(repoRoot, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js')

function stryker(cwd: string, reportFile: string, mutate?: string): MutationTestResult {
  // The project's stryker.config.json writes reports/mutation/mutation.json; each run's report is moved.
  const args = [STRYKER, 'run']
  if (mutate !== undefined) args.push('--mutate', mutate)
  const run = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NODE_OPTIONS: '' }
  })
  if (run.status !== 0)
    throw new Error(`stryker failed (${run.status}): ${run.stdout}\n${run.stderr}`)
  const target = path.join(cwd, reportFile)
  mkdirSync(path.dirname(target), { recursive: true })
  renameSync(path.join(cwd, 'reports/mutation/mutation.json'), target)
  return JSON.parse(readFileSync(target, 'utf8')) as MutationTestResult
}

function counts(e: MutationEvaluation): Record<string, number | undefined> {
  const m = e.metrics
  return {
    killed: m.get('mutation.killed'),
    survived: m.get('mutation.survived'),
    noCoverage: m.get('mutation.no_coverage'),
    timeout: m.get('mutation.timeout'),
    errors: m.get('mutation.errors'),
    total: m.get('mutation.total')
  }
}

function perFile(e: MutationEvaluation): Record<string, string> {
  return Object.fromEntries(
    e.files.map((f) => [
      f.file,
      `${f.killed}/${f.survived}/${f.noCoverage}/${f.timeout}/${f.total}`
    ])
  )
}

describe('StrykerJS on the fixture project', () => {
  let root: string
  let whole: MutationEvaluation
  let wholeReport: MutationTestResult

  beforeAll(() => {
    root = workspace([path.join(fixtures, 'project'), '.'])
    wholeReport = stryker(root, 'reports/whole.json')
  }, 180_000)

  it('scores the real report exactly as mutation-testing-metrics does, with some mutants alive', async () => {
    const loaded = await loadMutationReports(root, 'reports/whole.json')
    whole = evaluateMutants(
      loaded.mutants,
      { maxDrop: 0, threshold: 50 },
      root,
      loaded.referenceScore
    )
    const reference = calculateMutationTestMetrics(wholeReport).systemUnderTestMetrics.metrics
    expect(whole.score).toBe(reference.mutationScore)
    expect(whole.metrics.get('mutation.killed')).toBe(reference.killed)
    expect(whole.metrics.get('mutation.survived')).toBe(reference.survived)
    expect(whole.metrics.get('mutation.total')).toBe(reference.totalMutants)
    // Without the reference number the computed score is the same.
    expect(evaluateMutants(loaded.mutants, { maxDrop: 0 }, root).score).toBe(
      reference.mutationScore
    )
    expect(reference.survived).toBeGreaterThan(0)
    expect(reference.killed).toBeGreaterThan(0)
    expect(whole.score).toBeGreaterThan(0)
    expect(whole.score).toBeLessThan(100)
    expect(whole.surviving.length).toBe(reference.survived + reference.noCoverage)
  })

  async function runSharded(
    n: number
  ): Promise<{ merged: MutationTestResult; evaluation: MutationEvaluation; mutate: string[] }> {
    const plan = planShards(root, ['src/**/*.js'], n)
    expect(plan.include).toHaveLength(n)
    const files: string[] = []
    for (const entry of plan.include) {
      const rel = `reports/shards-${n}/shard-${entry.shard}.json`
      const raw = stryker(root, `reports/raw-${n}-${entry.shard}.json`, entry.mutate)
      const stamped = stampShard(raw, {
        shard: entry.shard,
        of: entry.of,
        targets: parseTargets(entry.mutate)
      })
      const target = path.join(root, rel)
      mkdirSync(path.dirname(target), { recursive: true })
      writeFileSync(target, JSON.stringify(stamped))
      files.push(rel)
    }
    const shards = []
    for (const f of files) shards.push(await readStrykerFile(root, f))
    const merged = mergeShardReports(shards, { expectedShards: n })
    const evaluation = evaluateMutants(
      strykerMutants(merged.report),
      { maxDrop: 0 },
      root,
      referenceScore(merged.report)
    )
    return { merged: merged.report, evaluation, mutate: plan.include.map((e) => e.mutate) }
  }

  it('gives the same score and counts as 2 planned shards merged', async () => {
    const { merged, evaluation, mutate } = await runSharded(2)
    expect(mutate.every((m) => m !== '')).toBe(true)
    expect(evaluation.score).toBe(whole.score)
    expect(counts(evaluation)).toEqual(counts(whole))
    expect(perFile(evaluation)).toEqual(perFile(whole))
    expect(calculateMutationTestMetrics(merged).systemUnderTestMetrics.metrics.mutationScore).toBe(
      whole.score
    )
  }, 180_000)

  it('gives the same result when files are split into line ranges (3 shards)', async () => {
    const { evaluation, mutate } = await runSharded(3)
    expect(mutate.some((m) => /:\d+-\d+/.test(m))).toBe(true)
    expect(evaluation.score).toBe(whole.score)
    expect(counts(evaluation)).toEqual(counts(whole))
    expect(perFile(evaluation)).toEqual(perFile(whole))
  }, 180_000)
})
