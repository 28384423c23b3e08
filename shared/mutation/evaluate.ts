import { ChangedLinesIndex } from '../evidence/coverage/changed-lines.js'
import { mutationCounts } from '../evidence/mutation/metrics.js'
import { isValid } from '../evidence/mutation/statuses.js'
import { finishMetrics } from '../evidence/namespaces.js'
import type { ChangedLines, NormalisedMutant } from '../evidence/types.js'

export interface FileStats {
  file: string
  score?: number
  killed: number
  timeout: number
  survived: number
  noCoverage: number
  /** CompileError + RuntimeError. */
  errors: number
  /** Ignored + Pending. */
  ignored: number
  total: number
}

export interface SurvivingMutant {
  file: string
  line: number
  column?: number
  mutatorName: string
  status: 'Survived' | 'NoCoverage'
  replacement?: string
  /** On a line the pull request changed. */
  changed: boolean
}

export type CheckStatus = 'passed' | 'failed' | 'missing-evidence'

export interface GateCheck {
  id: 'score' | 'threshold' | 'ratchet'
  status: CheckStatus
  /** The rule, e.g. "mutation.score >= 70". */
  check: string
  message: string
  actual?: Record<string, number | string | null>
  expected?: string
}

export interface BaselineValue {
  /** The baseline mutation score, when it could be read. */
  value?: number
  /** Where it came from: a file, or "input". */
  source: string
  /** Why it could not be used. */
  problem?: string
}

export interface GateSettings {
  /** Break threshold: a score below it fails. */
  threshold?: number
  baseline?: BaselineValue
  /** Ratchet: the score may drop at most this much below the baseline (percentage points). */
  maxDrop: number
  /** Changed lines of the pull request; the threshold applies to their mutants when given. */
  changedLines?: ChangedLines
  /** Shard runs only report: the gate applies to the merged result. */
  shard?: boolean
}

export interface MutationEvaluation {
  metrics: Map<string, number>
  score?: number
  changedScore?: number
  changedTotal?: number
  files: FileStats[]
  /** Survived and NoCoverage mutants: changed lines first, then by file and line. */
  surviving: SurvivingMutant[]
  checks: GateCheck[]
  passed: boolean
  /**
   * Said in the log and the summary: with neither a threshold nor a baseline nothing is gated, so
   * "passed" only means a score was computed, even at 0 %.
   */
  warnings: string[]
}

/**
 * Evaluates mutants against the gate. The score is Stryker's (mutation-testing-metrics):
 * (Killed + Timeout) / (Killed + Timeout + Survived + NoCoverage) x 100; with no valid mutant it is
 * undefined and the gate fails. `referenceScore` (mutation-testing-metrics' own number for a
 * Stryker report) replaces the computed one when given; they are the same expression.
 */
export function evaluateMutants(
  mutants: readonly NormalisedMutant[],
  settings: GateSettings,
  root: string,
  referenceScore?: number
): MutationEvaluation {
  const metrics = finishMetrics('mutation', mutationCounts(mutants, settings.changedLines, root))
  if (referenceScore !== undefined && metrics.has('mutation.score'))
    metrics.set('mutation.score', referenceScore)
  const score = metrics.get('mutation.score')
  const changedScore = metrics.get('mutation.changed_score')
  const changedTotal = metrics.get('mutation.changed_total')

  const index = settings.changedLines
    ? new ChangedLinesIndex(settings.changedLines, root)
    : undefined
  const onChanged = (m: NormalisedMutant): boolean => {
    if (!index || m.line <= 0) return false
    const lines = index.lookup(m.file)
    if (!lines) return false
    for (let l = m.line; l <= Math.max(m.line, m.endLine ?? m.line); l++)
      if (lines.has(l)) return true
    return false
  }

  const byFile = new Map<string, FileStats>()
  const surviving: SurvivingMutant[] = []
  for (const m of mutants) {
    const name = m.file === '' ? '(no file recorded)' : m.file
    let f = byFile.get(name)
    if (!f) {
      f = {
        file: name,
        killed: 0,
        timeout: 0,
        survived: 0,
        noCoverage: 0,
        errors: 0,
        ignored: 0,
        total: 0
      }
      byFile.set(name, f)
    }
    f.total++
    switch (m.status) {
      case 'Killed':
        f.killed++
        break
      case 'Timeout':
        f.timeout++
        break
      case 'Survived':
        f.survived++
        break
      case 'NoCoverage':
        f.noCoverage++
        break
      case 'CompileError':
      case 'RuntimeError':
        f.errors++
        break
      default:
        f.ignored++
    }
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      surviving.push({
        file: name,
        line: m.line,
        column: m.column,
        mutatorName: m.mutatorName,
        status: m.status,
        replacement: m.replacement,
        changed: onChanged(m)
      })
    }
  }
  for (const f of byFile.values()) {
    const valid = f.killed + f.timeout + f.survived + f.noCoverage
    if (valid > 0) f.score = ((f.killed + f.timeout) / valid) * 100
  }
  const files = [...byFile.values()].sort(
    (a, b) => (a.score ?? -1) - (b.score ?? -1) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
  )
  const survivingSorted = surviving
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        Number(b.s.changed) - Number(a.s.changed) ||
        (a.s.status === b.s.status ? 0 : a.s.status === 'Survived' ? -1 : 1) ||
        (a.s.file < b.s.file ? -1 : a.s.file > b.s.file ? 1 : 0) ||
        a.s.line - b.s.line ||
        a.i - b.i
    )
    .map(({ s }) => s)

  const checks = gateChecks(mutants, metrics, settings)
  const passed = checks.every((c) => c.status === 'passed')
  const warnings: string[] = []
  if (!settings.shard && settings.threshold === undefined && settings.baseline === undefined) {
    warnings.push(
      `Nothing is gated: neither "threshold" nor "baseline" is set, so this gate passes at any score${score !== undefined ? ` (this run: ${formatScore(score)}%)` : ''}. Set "threshold" (e.g. 60) to fail below a score, or "baseline" to fail on a drop.`
    )
  }
  return {
    metrics,
    score,
    changedScore,
    changedTotal,
    files,
    surviving: survivingSorted,
    checks,
    passed,
    warnings
  }
}

function gateChecks(
  mutants: readonly NormalisedMutant[],
  metrics: Map<string, number>,
  s: GateSettings
): GateCheck[] {
  const checks: GateCheck[] = []
  const score = metrics.get('mutation.score')
  const fmt = (n: number) => formatScore(n)
  if (score === undefined) {
    const invalid = mutants.filter((m) => !isValid(m.status)).length
    checks.push({
      id: 'score',
      status: 'failed',
      check: 'mutation.score is defined',
      actual: { 'mutation.score': null, 'mutation.total': mutants.length },
      message:
        mutants.length === 0
          ? 'The report holds no mutants: the mutation score is undefined, so the gate fails (a run that tested nothing proves nothing). Check the mutate patterns and that the tool ran.'
          : `None of the ${mutants.length} mutants is valid (${invalid} are compile errors, runtime errors, ignored or pending): the mutation score is undefined, so the gate fails.`
    })
    return checks
  }
  checks.push({
    id: 'score',
    status: 'passed',
    check: 'mutation.score is defined',
    actual: { 'mutation.score': score },
    message: `Mutation score ${fmt(score)}%.`
  })
  if (s.shard) return checks

  if (s.threshold !== undefined) {
    const changedScore = metrics.get('mutation.changed_score')
    const useChanged = s.changedLines !== undefined && changedScore !== undefined
    const value = useChanged ? (changedScore as number) : score
    const metric = useChanged ? 'mutation.changed_score' : 'mutation.score'
    const ok = value >= s.threshold
    let message = `${useChanged ? 'Score of mutants on changed lines' : 'Mutation score'} ${fmt(value)}% is ${ok ? 'at or above' : 'below'} the threshold ${fmt(s.threshold)}%.`
    if (s.changedLines !== undefined && !useChanged)
      message +=
        ' No valid mutant is on a changed line, so the threshold applies to the whole score.'
    checks.push({
      id: 'threshold',
      status: ok ? 'passed' : 'failed',
      check: `${metric} >= ${s.threshold}`,
      actual: { [metric]: value },
      expected: `>= ${s.threshold}`,
      message
    })
  }
  if (s.baseline) {
    const b = s.baseline
    if (b.value === undefined) {
      checks.push({
        id: 'ratchet',
        status: 'missing-evidence',
        check: `mutation.score >= baseline.mutation.score - ${s.maxDrop}`,
        actual: { 'mutation.score': score },
        message: `The baseline ${b.source} cannot be used: ${b.problem ?? 'no mutation score'}. The ratchet fails until it can be read.`
      })
    } else {
      const floor = b.value - s.maxDrop
      const ok = score >= floor - 1e-9
      const drop = b.value - score
      checks.push({
        id: 'ratchet',
        status: ok ? 'passed' : 'failed',
        check: `mutation.score >= baseline.mutation.score - ${s.maxDrop}`,
        actual: { 'mutation.score': score, 'baseline.mutation.score': b.value },
        expected: `>= ${fmt(floor)}`,
        message: ok
          ? `Score ${fmt(score)}% is within ${fmt(s.maxDrop)} points of the baseline ${fmt(b.value)}% (${b.source}).`
          : `Score ${fmt(score)}% dropped ${fmt(drop)} points below the baseline ${fmt(b.value)}% (${b.source}); at most ${fmt(s.maxDrop)} allowed.`
      })
    }
  }
  return checks
}

/** A score for people: two decimals, trailing zeros dropped. */
export function formatScore(n: number): string {
  return String(Number(n.toFixed(2)))
}
