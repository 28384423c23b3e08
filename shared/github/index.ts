export {
  createGitHubClient,
  backoffMs,
  DEFAULT_MAX_WAIT_SECONDS,
  DEFAULT_RETRIES,
  type GitHubClient,
  type GitHubClientOptions,
  type Octokit
} from './client.js'
export {
  upsertComment,
  MAX_COMMENT_LENGTH,
  type UpsertCommentParams,
  type UpsertCommentResult
} from './comments.js'
export {
  classifyGitHubError,
  GitHubError,
  type GitHubErrorKind,
  type GitHubErrorClass,
  type ClassifyContext
} from './errors.js'
export {
  getPullRequest,
  listPullRequestReviews,
  listPullRequestCommits,
  listPullRequestFiles,
  type PullRequestRef,
  type PullRequestReview,
  type PullRequestCommit,
  type PullRequestFile
} from './pulls.js'
export { redact } from '../redact.js'
