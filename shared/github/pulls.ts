import type { GitHubClient } from './client.js'

export interface PullRequestRef {
  owner: string
  repo: string
  pullNumber: number
}

// A pull request shows at most 3,000 files and 250 commits through the API anyway; the page cap
// keeps a pathological one from looping for ever.
const MAX_PAGES = 30

async function collect<T>(iterator: AsyncIterable<{ data: unknown }>): Promise<T[]> {
  const out: T[] = []
  let pages = 0
  for await (const page of iterator) {
    out.push(...(page.data as T[]))
    if (++pages >= MAX_PAGES) break
  }
  return out
}

export async function getPullRequest(client: GitHubClient, ref: PullRequestRef) {
  const r = await client.octokit.rest.pulls.get({
    owner: ref.owner,
    repo: ref.repo,
    pull_number: ref.pullNumber
  })
  return r.data
}

type Rest = GitHubClient['octokit']['rest']['pulls']
export type PullRequestReview = Awaited<ReturnType<Rest['listReviews']>>['data'][number]
export type PullRequestCommit = Awaited<ReturnType<Rest['listCommits']>>['data'][number]
export type PullRequestFile = Awaited<ReturnType<Rest['listFiles']>>['data'][number]

export function listPullRequestReviews(
  client: GitHubClient,
  ref: PullRequestRef
): Promise<PullRequestReview[]> {
  const { octokit } = client
  return collect(
    octokit.paginate.iterator(octokit.rest.pulls.listReviews, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.pullNumber,
      per_page: 100
    })
  )
}

export function listPullRequestCommits(
  client: GitHubClient,
  ref: PullRequestRef
): Promise<PullRequestCommit[]> {
  const { octokit } = client
  return collect(
    octokit.paginate.iterator(octokit.rest.pulls.listCommits, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.pullNumber,
      per_page: 100
    })
  )
}

export function listPullRequestFiles(
  client: GitHubClient,
  ref: PullRequestRef
): Promise<PullRequestFile[]> {
  const { octokit } = client
  return collect(
    octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: ref.pullNumber,
      per_page: 100
    })
  )
}
