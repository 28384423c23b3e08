import { existsSync } from 'node:fs'
import { ConfigurationError, errorMessage } from '../errors.js'
import { readMutationReport } from '../evidence/index.js'
import { loadBaselines } from '../baseline.js'
import { resolveInWorkspace, workspaceRelative } from '../safe-path.js'
import type { BaselineValue } from './evaluate.js'

/**
 * The `baseline` input: a score (e.g. 72.5), or a file inside the workspace holding one: a
 * baseline file or flow report with `metrics["mutation.score"]` (check-gates' .process/baseline.json,
 * or an earlier run's mutation-gate report), or a mutation report itself (Stryker, PIT, mutmut),
 * scored the same way as the current run. A baseline that cannot be read is returned with a
 * problem, and the ratchet then fails: a missing baseline never passes silently.
 */
export async function loadMutationBaseline(
  root: string,
  input: string
): Promise<BaselineValue | undefined> {
  const raw = input.trim()
  if (raw === '') return undefined
  if (/^[+-]?\d+(\.\d+)?$/.test(raw)) {
    const value = Number(raw)
    if (value < 0 || value > 100)
      throw new ConfigurationError(
        `Input "baseline" is ${raw}: a mutation score lies between 0 and 100.`
      )
    return { value, source: 'input "baseline"' }
  }
  const absolute = resolveInWorkspace(root, raw, 'baseline file')
  const file = workspaceRelative(root, absolute)
  if (!existsSync(absolute))
    return {
      source: file,
      problem:
        "the file does not exist (download the default branch's report before this step, or give the score as a number)"
    }
  const loaded = loadBaselines(root, [raw])
  const fromMetrics = loaded.values.get('mutation.score')
  if (fromMetrics !== undefined) return { value: fromMetrics, source: file }
  if (loaded.sources.length > 0)
    return { source: file, problem: 'it has metrics but no "mutation.score"' }
  // Not a baseline file or flow report: perhaps a mutation report.
  try {
    const r = await readMutationReport(raw, { root })
    const score = r.metrics.get('mutation.score')
    if (score === undefined)
      return { source: file, problem: 'its mutation score is undefined (no valid mutants)' }
    return { value: score, source: file }
  } catch (error) {
    const first = loaded.problems[0]?.message
    return {
      source: file,
      problem: `it is neither a baseline file with metrics["mutation.score"]${first ? ` (${first})` : ''} nor a mutation report (${errorMessage(error)})`
    }
  }
}
