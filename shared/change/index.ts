export {
  changedLinesOf,
  changeTotals,
  lineRanges,
  lineRuns,
  type Change,
  type ChangeTotals,
  type FileChange,
  type FileStatus
} from './model.js'
export { parseGitDiff, parsePatch, unquote, type HunkLines } from './diff.js'
export { changeFromGit, literalPathspec, resolveCommit, runGit, type GitRunner } from './git.js'
export {
  API_FILE_LIMIT,
  changeFromPullRequest,
  type PullRequestChangeOptions,
  type PullRequestFileEntry
} from './pull-request.js'
export { changeMetrics, DEFAULT_TEST_PATTERNS, isChangeMetric } from './metrics.js'
