import type { MutationTestResult } from 'mutation-testing-report-schema'
import { ConfigurationError, EvidenceError } from '../errors.js'
import {
  readMutationReport,
  buildMutationReport,
  type MutationResult,
  type NormalisedMutant
} from '../evidence/index.js'
import { globFiles, isGlob } from '../glob.js'
import { printable } from '../safe-path.js'

export const TOOLS = ['auto', 'stryker', 'pit', 'mutmut'] as const
export type ToolChoice = (typeof TOOLS)[number]

export interface LoadedMutation {
  tool: MutationResult['tool']
  /** Workspace-relative files read. */
  files: string[]
  mutants: NormalisedMutant[]
  /** mutation-testing-metrics' score of a single Stryker report (undefined otherwise or when undefined). */
  referenceScore?: number
  /** The results as one mutation-testing-report-schema document (the original for one Stryker report). */
  report: MutationTestResult
}

/**
 * Reads the report(s) a path or glob names (Stryker JSON, PIT mutations.xml, mutmut .meta files or
 * mutmut-cicd-stats.json, detected from content) and checks they are of the expected tool.
 * Several files (mutmut writes one .meta per module) are combined; they must all be one tool's.
 */
export async function loadMutationReports(
  root: string,
  pattern: string,
  tool: ToolChoice = 'auto'
): Promise<LoadedMutation> {
  if (pattern.trim() === '')
    throw new ConfigurationError(
      'Input "report" is empty: give the path or glob of the mutation report (e.g. reports/mutation/mutation.json).'
    )
  const list = isGlob(pattern) ? globFiles(root, pattern) : [pattern]
  if (list.length === 0)
    throw new EvidenceError(
      printable(pattern),
      'missing',
      'no file matches this pattern; check the path, or that the mutation run wrote its report.'
    )
  const results: MutationResult[] = []
  for (const file of list) {
    const r = await readMutationReport(file, { root })
    if (tool !== 'auto' && r.tool !== tool) {
      throw new ConfigurationError(
        `${r.file} is a ${r.tool} report, but input "tool" says ${tool}; set tool to auto or ${r.tool}.`
      )
    }
    if (results.length > 0 && r.tool !== results[0].tool) {
      throw new ConfigurationError(
        `${r.file} is a ${r.tool} report but ${results[0].file} is ${results[0].tool}: one gate evaluates one tool's results.`
      )
    }
    results.push(r)
  }
  const mutants = results.length === 1 ? results[0].mutants : results.flatMap((r) => r.mutants)
  const single = results.length === 1 ? results[0] : undefined
  return {
    tool: results[0].tool,
    files: results.map((r) => r.file),
    mutants,
    referenceScore: single?.tool === 'stryker' ? single.metrics.get('mutation.score') : undefined,
    report: (single?.report ?? buildMutationReport(mutants)) as MutationTestResult
  }
}
