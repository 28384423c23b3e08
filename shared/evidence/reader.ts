import type { OpenedEvidence } from './evidence-file.js'
import type { FindingSink } from './findings.js'
import type { Counts, Namespace } from './namespaces.js'
import type { ChangedLines, CoverageFileSummary } from './types.js'

/** What every format reader receives besides the opened file. */
export interface ReadContext {
  root: string
  /** The per-file cap already applied by openEvidence, re-checked while streaming. */
  maxBytes: number
  findings: FindingSink
  changedLines?: ChangedLines
  /** The declaration's path-map: report-path prefix → repository-path prefix. */
  pathMap?: ReadonlyArray<readonly [string, string]>
  deniedLicenses?: string[]
  /** JUnit: how repeated testcases (retries) count; default 'count'. */
  retries?: 'count' | 'merge'
}

/** Additive counts for one namespace, plus per-source-file coverage where the format has it. */
export interface ReaderOutput {
  namespace: Namespace
  counts: Counts
  coverageFiles?: CoverageFileSummary[]
}

export type FormatReader = (opened: OpenedEvidence, ctx: ReadContext) => Promise<ReaderOutput>

/**
 * A reader whose module loads on first use. A run reads a few formats; loading every reader on
 * start cost each action's cold start the compile of code it never ran (the Stryker schema
 * validator, the SPDX licence lists, a dozen test formats). The bundler splits each into a chunk.
 */
export function lazyReader(load: () => Promise<FormatReader>): FormatReader {
  let loading: Promise<FormatReader> | undefined
  return async (opened, ctx) => (await (loading ??= load()))(opened, ctx)
}
