import type { EvidenceDeclaration } from '../graph/model.js'
import type { EvidenceError } from '../errors.js'
import type { DroppedDuplicate } from './provenance.js'

/** Changed lines per workspace-relative path (forward slashes), 1-based line numbers. */
export type ChangedLines = Map<string, Set<number>>

export interface EvidenceOptions {
  /** The workspace root: every evidence path must resolve inside it. */
  root: string
  /** Per-file cap in bytes; default 1 GiB for streamed formats, 64 MiB for JSON. */
  maxBytes?: number
  /** Failure details kept (default 1000); the rest are only counted. */
  maxFindings?: number
  now?: Date
  /**
   * When this run started (the job's start, from the runner). With max_age_hours, a file written
   * before it was not produced by this run and is stale, whatever its age.
   */
  runStartedAt?: Date
  changedLines?: ChangedLines
  /** SPDX ids (case-insensitive) that make a component's licence "denied" (sbom.licenses.denied). */
  deniedLicenses?: string[]
}

export interface Finding {
  file: string
  line?: number
  /** The last line of a range (uncovered changed lines 12-14). */
  endLine?: number
  title: string
  message: string
  level: 'error' | 'warning' | 'notice'
  /** e.g. 'test-failure', 'sarif', 'surviving-mutant', 'uncovered-line', 'vulnerability' */
  kind: string
}

/** Coverage of one source file named inside a coverage report. Counts, not percentages. */
export interface CoverageFileSummary {
  /** The path as the report names it, made workspace-relative when it lies inside the workspace. */
  path: string
  linesFound: number
  linesHit: number
  branchesFound: number
  branchesHit: number
  functionsFound: number
  functionsHit: number
}

export interface EvidenceFileResult {
  /** Workspace-relative, forward slashes. */
  file: string
  format: string
  /** The file's own metrics, in the shared namespace (e.g. tests.total for this file alone). */
  metrics: Record<string, number>
  /** Coverage reports only: one entry per source file (the documented per-file form). */
  coverageFiles?: CoverageFileSummary[]
}

export interface EvidenceSetResult {
  declaration: EvidenceDeclaration
  files: EvidenceFileResult[]
  metrics: Map<string, number>
  findings: Finding[]
  findingsTotal: number
  errors: EvidenceError[]
  /** Paths dropped because another path of the set is the same report (symlink, copy, two globs). */
  duplicates?: DroppedDuplicate[]
}

export interface EvidenceCollection {
  metrics: Map<string, number>
  /** metric name -> workspace-relative files that fed it */
  sources: Map<string, string[]>
  sets: EvidenceSetResult[]
  errors: EvidenceError[]
  findings: Finding[]
  findingsTotal: number
}

export type MutantStatus =
  | 'Killed'
  | 'Survived'
  | 'NoCoverage'
  | 'Timeout'
  | 'CompileError'
  | 'RuntimeError'
  | 'Ignored'
  | 'Pending'

export interface NormalisedMutant {
  id: string
  /** Source file as the report names it; '' when the tool does not say (mutmut-cicd-stats.json). */
  file: string
  mutatorName: string
  status: MutantStatus
  /** 1-based; 0 when the tool does not record a line (mutmut). */
  line: number
  column?: number
  endLine?: number
  replacement?: string
  /** The tool's own status spelling, e.g. NON_VIABLE or exit code 37. */
  originalStatus: string
}

export interface MutationResult {
  tool: 'stryker' | 'pit' | 'mutmut'
  file: string
  schemaVersion?: string
  mutants: NormalisedMutant[]
  metrics: Map<string, number>
  /** The schema-valid mutation-testing-report JSON (built for PIT and mutmut too). */
  report?: unknown
}
