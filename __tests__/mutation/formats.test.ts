import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { calculateMutationTestMetrics } from 'mutation-testing-metrics'
import type { MutationTestResult } from 'mutation-testing-report-schema'
import { normaliseLegacyReport } from '../../shared/evidence/mutation/stryker.js'
import { evaluateMutants, loadMutationReports } from '../../shared/mutation/index.js'
import { evidenceFixtures, fixtures, repoRoot, workspace } from './helpers.js'

const copies = path.join(evidenceFixtures, 'compat-mutation')
const shared = path.resolve(repoRoot, '..', 'shared', 'compat', 'mutation')

function reportsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.includes('schema'))
    .sort()
}

function referenceOf(file: string): number | undefined {
  const data = JSON.parse(readFileSync(file, 'utf8')) as MutationTestResult
  normaliseLegacyReport(data)
  const score = calculateMutationTestMetrics(data).systemUnderTestMetrics.metrics.mutationScore
  return Number.isFinite(score) ? score : undefined
}

async function gateScore(dir: string, file: string): Promise<number | undefined> {
  const root = workspace([path.join(dir, file), file])
  const loaded = await loadMutationReports(root, file)
  return evaluateMutants(loaded.mutants, { maxDrop: 0 }, root, loaded.referenceScore).score
}

describe("every compat mutation report evaluates to mutation-testing-metrics' score", () => {
  const files = reportsIn(copies)
  it('has the copies', () => {
    expect(files.length).toBeGreaterThanOrEqual(5)
  })
  it.each(files)('%s (fixture copy)', async (file) => {
    const expected = referenceOf(path.join(copies, file))
    expect(expected).toBeDefined()
    expect(await gateScore(copies, file)).toBe(expected)
  })
  it.each(files)('%s also without the reference number (our formula)', async (file) => {
    const root = workspace([path.join(copies, file), file])
    const loaded = await loadMutationReports(root, file)
    expect(evaluateMutants(loaded.mutants, { maxDrop: 0 }, root).score).toBeCloseTo(
      referenceOf(path.join(copies, file)) as number,
      10
    )
  })
  const sharedFiles = existsSync(shared) ? reportsIn(shared) : []
  ;(sharedFiles.length > 0 ? it.each(sharedFiles) : it.skip.each(['(../shared/compat absent)']))(
    '%s (../shared/compat)',
    async (file) => {
      expect(await gateScore(shared, file)).toBe(referenceOf(path.join(shared, file)))
    }
  )
})

describe('PIT and mutmut with the documented normalisation', () => {
  it('PIT mutations.xml: NON_VIABLE and RUN_ERROR leave the score, as Stryker treats errors', async () => {
    const root = workspace([path.join(fixtures, 'pit'), 'target/pit-reports'])
    const loaded = await loadMutationReports(root, 'target/pit-reports/mutations.xml', 'pit')
    const e = evaluateMutants(loaded.mutants, { maxDrop: 0 }, root)
    expect(loaded.tool).toBe('pit')
    expect(e.metrics.get('mutation.killed')).toBe(2)
    expect(e.metrics.get('mutation.timeout')).toBe(1)
    expect(e.metrics.get('mutation.survived')).toBe(1)
    expect(e.metrics.get('mutation.no_coverage')).toBe(1)
    expect(e.metrics.get('mutation.errors')).toBe(2)
    expect(e.metrics.get('mutation.total')).toBe(7)
    // (2 killed + 1 timed out) / 5 valid; PIT itself would print 5/7 (71%).
    expect(e.score).toBe(60)
    expect(e.files.map((f) => f.file)).toEqual(['com/example/Calculator.java'])
    // The built report is a mutation-testing report that mutation-testing-metrics scores the same.
    expect(
      calculateMutationTestMetrics(loaded.report).systemUnderTestMetrics.metrics.mutationScore
    ).toBe(60)
  })

  it('mutmut .meta files: exit codes mapped as mutmut does, suspicious counts as survived', async () => {
    const root = workspace([path.join(fixtures, 'mutmut', 'mutants'), 'mutants'])
    const loaded = await loadMutationReports(root, 'mutants/**/*.meta', 'mutmut')
    const e = evaluateMutants(loaded.mutants, { maxDrop: 0 }, root)
    expect(e.metrics.get('mutation.killed')).toBe(2)
    expect(e.metrics.get('mutation.survived')).toBe(2)
    expect(e.metrics.get('mutation.timeout')).toBe(1)
    expect(e.metrics.get('mutation.no_coverage')).toBe(1)
    expect(e.metrics.get('mutation.errors')).toBe(1)
    expect(e.metrics.get('mutation.ignored')).toBe(1) // not checked (null) is pending
    expect(e.score).toBe(50)
  })

  it('mutmut-cicd-stats.json: counts only; unlisted mutants are pending', async () => {
    const root = workspace([path.join(fixtures, 'mutmut', 'mutants'), 'mutants'])
    const loaded = await loadMutationReports(root, 'mutants/mutmut-cicd-stats.json')
    const e = evaluateMutants(loaded.mutants, { maxDrop: 0 }, root)
    expect(e.metrics.get('mutation.total')).toBe(20)
    expect(e.score).toBeCloseTo((13 / 18) * 100, 10)
  })

  it('refuses a report of another tool than the one named', async () => {
    const root = workspace([path.join(fixtures, 'pit'), 'pit'])
    await expect(loadMutationReports(root, 'pit/mutations.xml', 'stryker')).rejects.toThrow(
      /is a pit report, but input "tool" says stryker/
    )
  })
})
