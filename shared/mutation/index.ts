/**
 * Mutation gate: loading mutation reports (via shared/evidence), evaluating the score against a
 * threshold and a baseline, changed-line scoring, shard planning and merging, the summary and the
 * mutation report. Used by actions/mutation-gate and `flow mutation`.
 */
export {
  evaluateMutants,
  formatScore,
  type BaselineValue,
  type FileStats,
  type GateCheck,
  type GateSettings,
  type MutationEvaluation,
  type SurvivingMutant
} from './evaluate.js'
export { loadMutationReports, TOOLS, type LoadedMutation, type ToolChoice } from './load.js'
export { loadMutationBaseline } from './baseline.js'
export {
  changedLinesFromGit,
  pullRequestCommits,
  readEvent,
  runGit,
  type EventInfo,
  type GitRunner
} from './changed.js'
export {
  incrementalFile,
  incrementalKeys,
  restoreIncremental,
  saveIncremental,
  loadCacheClient,
  DEFAULT_INCREMENTAL_FILE,
  type CacheClient
} from './incremental.js'
export {
  mergeShardReports,
  parseShardSpec,
  readStrykerFile,
  shardIdentity,
  stampShard,
  SHARD_CONFIG_KEY,
  type MergeResult,
  type ShardIdentity,
  type ShardReport
} from './merge.js'
export {
  planShards,
  expandMutatePatterns,
  DEFAULT_MUTATE_PATTERNS,
  MAX_SHARDS,
  type ShardEntry,
  type ShardPlan
} from './plan.js'
export { scanSource } from './source-scan.js'
export { formatTarget, parseTarget, parseTargets, type ShardTarget } from './targets.js'
export { renderSummary, survivorAnnotations, MAX_ANNOTATIONS } from './summary.js'
export { buildMutationFlowReport, reportSchemaErrors } from './report.js'
