import {
  changeFromGit,
  changeFromPullRequest,
  type Change,
  type GitRunner
} from '../../shared/change/index.js'
import { errorMessage } from '../../shared/errors.js'
import type { GitHubClient } from '../../shared/github/index.js'
import type { ChangeContext } from './event.js'

export interface ChangeRead {
  change?: Change
  /** Why there is no change although the event is a pull request. */
  problem?: string
}

/**
 * The change of a pull_request run, for changes.*, new-code coverage and changed mutants: the
 * files API with patches when a token is given (git fills in what GitHub leaves out), else git in
 * the workspace. A failure is not fatal: the metrics that need the change are then missing, with
 * the reason (in their requirement's message), and every other requirement is evaluated as usual.
 */
export async function readPullRequestChange(opts: {
  root: string
  event: ChangeContext
  getClient?: () => Promise<GitHubClient>
  describeApiError: (error: unknown) => Promise<string>
  /** Logged, not warned: a graph without change rules must not get a warning on every run. */
  log: (message: string) => void
  git?: GitRunner
}): Promise<ChangeRead> {
  const pr = opts.event.pullRequest
  if (!pr) return {}
  const diff = opts.event.diff ?? {}
  let apiProblem: string | undefined
  if (opts.getClient) {
    const getClient = opts.getClient
    try {
      const change = await changeFromPullRequest({
        number: pr.number,
        base: diff.base,
        head: diff.head,
        changedFiles: diff.changedFiles,
        root: opts.root,
        git: opts.git,
        listFiles: async () => {
          const { listPullRequestFiles } = await import('../../shared/github/index.js')
          try {
            return await listPullRequestFiles(await getClient(), {
              owner: pr.owner,
              repo: pr.repo,
              pullNumber: pr.number
            })
          } catch (error) {
            throw new Error(
              `the files of pull request #${pr.number} could not be listed: ${await opts.describeApiError(error)}`,
              { cause: error }
            )
          }
        }
      })
      return { change }
    } catch (error) {
      apiProblem = errorMessage(error)
    }
  }
  if (diff.base && diff.head) {
    try {
      const change = await changeFromGit(
        opts.root,
        { base: diff.base, head: diff.head },
        { git: opts.git }
      )
      if (apiProblem) opts.log(`Read the pull request's change from git, because ${apiProblem}`)
      return { change: { ...change, description: `pull request #${pr.number}` } }
    } catch (error) {
      const problem = [apiProblem, errorMessage(error)].filter(Boolean).join('; and from git: ')
      opts.log(
        `The pull request's change could not be read, so changes.*, coverage.new_* and mutation.changed_* are missing: ${problem}`
      )
      return { problem }
    }
  }
  const problem =
    apiProblem ??
    'the event payload has no base and head SHA and no token was given to read the files from the API'
  opts.log(
    `The pull request's change could not be read, so changes.*, coverage.new_* and mutation.changed_* are missing: ${problem}`
  )
  return { problem }
}
