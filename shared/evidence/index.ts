/**
 * The evidence module: finds declared evidence inside the workspace, reads each file with a
 * streaming or bounded parser, and yields metrics in the one namespace of shared/metrics.ts plus
 * findings for annotations. Readers throw only EvidenceError; collectEvidence never throws for bad
 * evidence (it records it) and throws ConfigurationError only for bad declarations.
 */
export type {
  ChangedLines,
  CoverageFileSummary,
  EvidenceCollection,
  EvidenceFileResult,
  EvidenceOptions,
  EvidenceSetResult,
  Finding,
  MutantStatus,
  MutationResult,
  NormalisedMutant
} from './types.js'
export { collectEvidence, readEvidenceFile, READERS } from './collect.js'
export {
  loadEvidenceDeclarations,
  mergeEvidenceDeclarations,
  parseEvidenceOverrides,
  DEFAULT_EVIDENCE_FILE
} from './declarations.js'
export {
  detectFormat,
  FORMATS,
  FORMAT_NAMESPACE,
  normaliseFormat,
  type FormatName
} from './detect.js'
export { parseUnifiedDiff } from './coverage/changed-lines.js'
export { checkArtifact, isTemplateName, type ArtifactCheck } from './documents/artifact.js'
export { parseFrontmatter } from './documents/frontmatter.js'
export { findPlaceholders } from './documents/placeholders.js'
export { checkInstructionFile } from './documents/instructions.js'
export { readMutationReport, mutationMetrics } from './mutation/index.js'
export { buildReport as buildMutationReport } from './mutation/report-builder.js'
export { PIT_STATUS, mutmutStatus } from './mutation/statuses.js'
export { severityBucket } from './sarif.js'
export { perfName } from './perf.js'
export { DEFAULT_MAX_STREAM_BYTES, DEFAULT_MAX_JSON_BYTES } from './evidence-file.js'
export { DEFAULT_MAX_FINDINGS } from './findings.js'
