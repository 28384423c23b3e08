import { ChangedLinesIndex, type PathMap } from '../coverage/changed-lines.js'
import { finishMetrics, type Counts } from '../namespaces.js'
import type { ChangedLines, NormalisedMutant } from '../types.js'
import { countKey, isDetected, isValid } from './statuses.js'

/** Additive per-status counts of mutants, plus the changed-line counts when lines are given. */
export function mutationCounts(
  mutants: readonly NormalisedMutant[],
  changedLines?: ChangedLines,
  root = '.',
  pathMap?: PathMap
): Counts {
  const counts: Counts = new Map()
  for (const m of mutants) {
    const k = countKey(m.status)
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  if (changedLines) {
    const index = new ChangedLinesIndex(changedLines, root, pathMap)
    let valid = 0
    let detected = 0
    for (const m of mutants) {
      if (!isValid(m.status) || m.line <= 0) continue
      const lines = index.lookup(m.file)
      if (!lines) continue
      let touched = lines.has(m.line)
      for (let l = m.line + 1; !touched && m.endLine !== undefined && l <= m.endLine; l++)
        touched = lines.has(l)
      if (!touched) continue
      valid++
      if (isDetected(m.status)) detected++
    }
    counts.set('changed_valid', valid)
    counts.set('changed_detected', detected)
  }
  return counts
}

/** mutation.* metrics of a list of mutants, with Stryker's score (absent when no mutant is valid). */
export function mutationMetrics(
  mutants: NormalisedMutant[],
  changedLines?: ChangedLines
): Map<string, number> {
  return finishMetrics('mutation', mutationCounts(mutants, changedLines))
}
