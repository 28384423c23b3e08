import { boundedMatcher } from '../glob.js'
import { ConfigurationError, errorMessage } from '../errors.js'
import {
  classifyGitHubError,
  GitHubError,
  listPullRequestCommits,
  listPullRequestReviews,
  type GitHubClient
} from '../github/index.js'
import { MAX_REPORT_BYTES } from '../report/types.js'
import type { PullRecord } from './analysis.js'
import { parseReport, type History } from './history.js'
import { readZipTexts } from './zip.js'

export interface RepoRef {
  owner: string
  repo: string
}

export const DEFAULT_ARTIFACT_PATTERNS = ['flow-report-*', 'flow-rollout-*', 'flow-mutation-*']
export const DEFAULT_MAX_RUNS = 30
/** Larger artifacts are not downloaded: a report artifact is a few hundred KiB at most. */
export const MAX_ARTIFACT_BYTES = 50 * 1024 * 1024

export interface HistoryQuery extends RepoRef {
  /** The branch whose runs count; the repository's default branch when empty. */
  branch?: string
  /** A workflow file name or id to restrict the runs to. */
  workflow?: string
  maxRuns: number
  /** Artifact name globs. */
  patterns: string[]
  maxArtifactBytes?: number
  /** Events whose runs are history (an allow-list; default push, schedule and workflow_dispatch). */
  events?: string[]
}

/** The repository's default branch. */
export async function defaultBranch(client: GitHubClient, ref: RepoRef): Promise<string> {
  const r = await client.octokit.rest.repos.get({ owner: ref.owner, repo: ref.repo })
  return r.data.default_branch
}

interface RunSummary {
  id: number
  run_attempt?: number
  head_sha: string
  head_branch: string | null
  event: string
  head_repository?: { full_name?: string } | null
}

/**
 * Events whose runs build only what is on the branch, started by the repository itself or by
 * someone with write access. Everything else (pull_request*, issue_comment, pull_request_review,
 * workflow_run, merge_group, check_run, ...) may run code or write artifacts a stranger controls.
 */
export const DEFAULT_HISTORY_EVENTS = ['push', 'schedule', 'workflow_dispatch']

/** A run left out of the history, and why; recalibrate logs each one. */
export interface IgnoredRun {
  runId: number
  event: string
  reason: string
}

/**
 * The history of flow reports from artifacts of the latest completed runs on the branch: runs are
 * listed newest first, each run's artifacts whose names match are downloaded (zip, in memory),
 * and every JSON entry that is a flow report is kept. Only runs of allowed events (push, schedule
 * and workflow_dispatch by default) whose head is this repository count: anything else is not the
 * branch's history and may be forged, so it is listed in `ignored` with the reason. A single
 * artifact that fails (download error, hostile zip) becomes a problem and the rest go on; failing
 * to list runs at all throws.
 */
export async function fetchHistory(
  client: GitHubClient,
  q: HistoryQuery
): Promise<History & { runs: number; artifacts: number; ignored: IgnoredRun[] }> {
  const { octokit } = client
  const out: History & { runs: number; artifacts: number; ignored: IgnoredRun[] } = {
    entries: [],
    problems: [],
    runs: 0,
    artifacts: 0,
    ignored: []
  }
  const allowed = new Set(q.events && q.events.length > 0 ? q.events : DEFAULT_HISTORY_EVENTS)
  const matches = boundedMatcher(q.patterns.length > 0 ? q.patterns : DEFAULT_ARTIFACT_PATTERNS, {
    nocase: false,
    dot: true
  })
  const maxBytes = q.maxArtifactBytes ?? MAX_ARTIFACT_BYTES
  const fullName = `${q.owner}/${q.repo}`.toLowerCase()
  const branch = q.branch && q.branch.trim() !== '' ? q.branch : await defaultBranch(client, q)

  const runs: RunSummary[] = []
  const params = {
    owner: q.owner,
    repo: q.repo,
    branch,
    status: 'completed' as const,
    per_page: Math.min(100, Math.max(1, q.maxRuns))
  }
  const iterator = q.workflow
    ? octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
        ...params,
        workflow_id: q.workflow
      })
    : octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, params)
  for await (const page of iterator) {
    for (const run of page.data as unknown as RunSummary[]) {
      const ignore = (reason: string) =>
        void out.ignored.push({ runId: run.id, event: String(run.event), reason })
      if (!allowed.has(run.event)) {
        ignore(
          `its event ${String(run.event)} is not one of the allowed events (${[...allowed].join(', ')})`
        )
        continue
      }
      if (run.head_branch !== branch) {
        ignore(`it ran on ${run.head_branch ?? 'no branch'}, not ${branch}`)
        continue
      }
      // A deleted fork has no head repository: unknown is untrusted.
      const head = run.head_repository?.full_name
      if (!head || head.toLowerCase() !== fullName) {
        ignore(
          head
            ? `its head repository is ${head}, not ${q.owner}/${q.repo}`
            : 'its head repository is unknown (a deleted fork?)'
        )
        continue
      }
      runs.push(run)
      if (runs.length >= q.maxRuns) break
    }
    if (runs.length >= q.maxRuns) break
  }
  out.runs = runs.length

  for (const run of runs) {
    let artifacts: Array<{ id: number; name: string; size_in_bytes: number; expired: boolean }>
    try {
      const r = await octokit.rest.actions.listWorkflowRunArtifacts({
        owner: q.owner,
        repo: q.repo,
        run_id: run.id,
        per_page: 100
      })
      artifacts = r.data.artifacts
    } catch (error) {
      out.problems.push({
        source: `run ${run.id}`,
        message: `listing its artifacts failed: ${classifyGitHubError(error).message}`
      })
      if (isFatal(error)) throw error
      continue
    }
    for (const artifact of artifacts) {
      if (!matches(artifact.name)) continue
      const source = `artifact ${artifact.name} of run ${run.id}`
      if (artifact.expired) {
        out.problems.push({ source, message: 'expired; its reports are no longer available' })
        continue
      }
      if (artifact.size_in_bytes > maxBytes) {
        out.problems.push({
          source,
          message: `${artifact.size_in_bytes} bytes is over the ${maxBytes}-byte limit for a report artifact`
        })
        continue
      }
      let zip: Buffer
      try {
        const r = await octokit.rest.actions.downloadArtifact({
          owner: q.owner,
          repo: q.repo,
          artifact_id: artifact.id,
          archive_format: 'zip'
        })
        zip = Buffer.from(r.data as ArrayBuffer)
      } catch (error) {
        out.problems.push({
          source,
          message: `download failed: ${classifyGitHubError(error).message}`
        })
        if (isFatal(error)) throw error
        continue
      }
      if (zip.length > maxBytes) {
        out.problems.push({
          source,
          message: `${zip.length} bytes is over the ${maxBytes}-byte limit for a report artifact`
        })
        continue
      }
      out.artifacts++
      let read
      try {
        read = await readZipTexts(zip, {
          maxEntries: 1000,
          maxEntryBytes: MAX_REPORT_BYTES,
          maxTotalBytes: 4 * MAX_REPORT_BYTES,
          wanted: (name) => name.toLowerCase().endsWith('.json')
        })
      } catch (error) {
        out.problems.push({ source, message: `not a readable zip: ${errorMessage(error)}` })
        continue
      }
      for (const p of read.problems) out.problems.push({ source, message: p })
      for (const file of read.files) {
        const parsed = parseReport(file.text, `${source}: ${file.name}`)
        if (parsed.problem) out.problems.push(parsed.problem)
        if (parsed.report) {
          out.entries.push({
            report: parsed.report,
            source: `${source}: ${file.name}`,
            runId: run.id,
            ...(run.run_attempt ? { runAttempt: run.run_attempt } : {}),
            sha: run.head_sha
          })
        }
      }
    }
  }
  return out
}

/** Errors that will not get better for the next request: a bad token or exhausted rate limit. */
function isFatal(error: unknown): boolean {
  const kind = error instanceof GitHubError ? error.kind : classifyGitHubError(error).kind
  return kind === 'unauthorized' || kind === 'rate-limited'
}

export interface PullQuery extends RepoRef {
  base: string
  since: Date
  /** Merged pull requests examined at most (each costs two more requests). */
  maxPulls: number
}

interface PullSummary {
  number: number
  created_at: string
  updated_at: string
  merged_at: string | null
  user: { login?: string } | null
}

/**
 * Merged pull requests into the base branch since a date, with the first commit's author date and
 * the first review by someone other than the author. Pull requests are listed by last update,
 * newest first, and listing stops once they are older than the window.
 */
export async function fetchPullRecords(
  client: GitHubClient,
  q: PullQuery
): Promise<{ pulls: PullRecord[]; problems: string[] }> {
  const { octokit } = client
  const merged: PullSummary[] = []
  const since = q.since.getTime()
  outer: for await (const page of octokit.paginate.iterator(octokit.rest.pulls.list, {
    owner: q.owner,
    repo: q.repo,
    state: 'closed',
    base: q.base,
    sort: 'updated',
    direction: 'desc',
    per_page: 100
  })) {
    for (const pr of page.data as unknown as PullSummary[]) {
      if (Date.parse(pr.updated_at) < since) break outer
      if (pr.merged_at && Date.parse(pr.merged_at) >= since) merged.push(pr)
      if (merged.length >= q.maxPulls) break outer
    }
  }
  const problems: string[] = []
  const pulls: PullRecord[] = []
  for (const pr of merged) {
    const ref = { owner: q.owner, repo: q.repo, pullNumber: pr.number }
    const author = pr.user?.login
    const record: PullRecord = {
      number: pr.number,
      createdAt: pr.created_at,
      mergedAt: pr.merged_at as string,
      ...(author ? { author } : {})
    }
    try {
      const commits = await listPullRequestCommits(client, ref)
      const times = commits
        .map((c) => Date.parse(c.commit.author?.date ?? c.commit.committer?.date ?? ''))
        .filter((t) => Number.isFinite(t))
      if (times.length > 0) record.firstCommitAt = new Date(Math.min(...times)).toISOString()
    } catch (error) {
      if (isFatal(error)) throw error
      problems.push(
        `#${pr.number}: commits could not be listed (${classifyGitHubError(error).message})`
      )
    }
    try {
      const reviews = await listPullRequestReviews(client, ref)
      const times = reviews
        .filter(
          (r) =>
            r.state !== 'PENDING' &&
            r.submitted_at &&
            (!author || r.user?.login?.toLowerCase() !== author.toLowerCase())
        )
        .map((r) => Date.parse(r.submitted_at as string))
        .filter((t) => Number.isFinite(t))
      if (times.length > 0) record.firstReviewAt = new Date(Math.min(...times)).toISOString()
    } catch (error) {
      if (isFatal(error)) throw error
      problems.push(
        `#${pr.number}: reviews could not be listed (${classifyGitHubError(error).message})`
      )
    }
    pulls.push(record)
  }
  return { pulls, problems }
}

export interface PullRequestChange extends RepoRef {
  base: string
  /** The fixed branch the proposal lives on; force-updated on every run. */
  branch: string
  title: string
  body: string
  commitMessage: string
  files: Array<{ path: string; content: string }>
  sleep?: (ms: number) => Promise<void>
}

export interface PullRequestOutcome {
  action: 'created' | 'updated'
  number: number
  url: string
}

/**
 * Puts the files on the fixed branch as one commit on top of the base branch (force-updating the
 * branch), then updates the open pull request from that branch, or creates it when there is none.
 * There is never a second one: a create that fails with a 5xx, or that GitHub refuses because one
 * already exists (422), is followed by a fresh look for the open pull request.
 */
export async function upsertPullRequest(
  client: GitHubClient,
  c: PullRequestChange
): Promise<PullRequestOutcome> {
  const { octokit } = client
  const sleep = c.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const base = await octokit.rest.git.getRef({
    owner: c.owner,
    repo: c.repo,
    ref: `heads/${c.base}`
  })
  const baseSha = base.data.object.sha
  const baseCommit = await octokit.rest.git.getCommit({
    owner: c.owner,
    repo: c.repo,
    commit_sha: baseSha
  })
  // Trees and commits are content-addressed: repeating these writes after a 5xx is harmless.
  const tree = await harmlessWrite(client, sleep, () =>
    octokit.rest.git.createTree({
      owner: c.owner,
      repo: c.repo,
      base_tree: baseCommit.data.tree.sha,
      tree: c.files.map((f) => ({
        path: f.path,
        mode: '100644' as const,
        type: 'blob' as const,
        content: f.content
      }))
    })
  )
  const commit = await harmlessWrite(client, sleep, () =>
    octokit.rest.git.createCommit({
      owner: c.owner,
      repo: c.repo,
      message: c.commitMessage,
      tree: tree.data.sha,
      parents: [baseSha]
    })
  )
  let branchExists = true
  try {
    await octokit.rest.git.getRef({ owner: c.owner, repo: c.repo, ref: `heads/${c.branch}` })
  } catch (error) {
    if (classifyGitHubError(error).kind !== 'not-found') throw error
    branchExists = false
  }
  if (branchExists) {
    await harmlessWrite(client, sleep, () =>
      octokit.rest.git.updateRef({
        owner: c.owner,
        repo: c.repo,
        ref: `heads/${c.branch}`,
        sha: commit.data.sha,
        force: true
      })
    )
  } else {
    await octokit.rest.git.createRef({
      owner: c.owner,
      repo: c.repo,
      ref: `refs/heads/${c.branch}`,
      sha: commit.data.sha
    })
  }

  const findOpen = async () => {
    const r = await octokit.rest.pulls.list({
      owner: c.owner,
      repo: c.repo,
      state: 'open',
      head: `${c.owner}:${c.branch}`,
      base: c.base,
      per_page: 10
    })
    return r.data[0]
  }
  const update = async (n: number): Promise<PullRequestOutcome> => {
    const r = await octokit.rest.pulls.update({
      owner: c.owner,
      repo: c.repo,
      pull_number: n,
      title: c.title,
      body: c.body
    })
    return { action: 'updated', number: r.data.number, url: r.data.html_url }
  }
  const open = await findOpen()
  if (open) return update(open.number)
  try {
    const r = await octokit.rest.pulls.create({
      owner: c.owner,
      repo: c.repo,
      head: c.branch,
      base: c.base,
      title: c.title,
      body: c.body,
      maintainer_can_modify: true
    })
    return { action: 'created', number: r.data.number, url: r.data.html_url }
  } catch (error) {
    const { kind } = classifyGitHubError(error)
    const status = (error as { status?: number }).status
    if (
      status === 403 &&
      /not permitted to create or approve pull requests/i.test(errorMessage(error))
    ) {
      throw new ConfigurationError(
        `The branch ${c.branch} was pushed, but GitHub refused to open the pull request: the workflow token may not create pull requests in ${c.owner}/${c.repo}. Turn on "Allow GitHub Actions to create and approve pull requests" (Settings > Actions > General > Workflow permissions), or pass a PAT or GitHub App token as "token".`
      )
    }
    if (kind !== 'server' && kind !== 'network' && status !== 422) throw error
    client.log(
      `creating the pull request failed (${classifyGitHubError(error).message}); looking for it before anything else`
    )
    const stored = await findOpen()
    if (stored)
      return status === 422
        ? update(stored.number)
        : { action: 'created', number: stored.number, url: stored.html_url }
    throw error
  }
}

async function harmlessWrite<T>(
  client: GitHubClient,
  sleep: (ms: number) => Promise<void>,
  fn: () => Promise<T>,
  tries = 3
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      const { kind, message } = classifyGitHubError(error)
      if (attempt >= tries || (kind !== 'server' && kind !== 'network')) throw error
      client.log(`${message}; trying again (${attempt} of ${tries - 1})`)
      await sleep(1000 * 2 ** (attempt - 1))
    }
  }
}
