import { cutToFit } from '../summary.js'
import type { GitHubClient } from './client.js'
import { GitHubError, classifyGitHubError } from './errors.js'

/** GitHub refuses issue comments longer than this many characters. */
export const MAX_COMMENT_LENGTH = 65_536
/** 100 per page: a pull request with more than 5,000 comments is not searched further. */
const MAX_COMMENT_PAGES = 50

export interface UpsertCommentParams {
  owner: string
  repo: string
  issueNumber: number
  /** A hidden HTML comment, e.g. `<!-- flow-actions:check-gates:workflow:stage -->`; the body is prefixed with it. */
  marker: string
  body: string
}

export interface UpsertCommentResult {
  action: 'created' | 'updated' | 'unchanged'
  id: number
  url?: string
}

interface CommentRecord {
  id: number
  body?: string | null
  html_url?: string
  user?: { login?: string; type?: string } | null
}

/**
 * One sticky comment per marker: found among the bot's own comments, updated in place, created
 * only when none exists. Writes are never retried blindly: after a failed create or update the
 * comments are listed again, so a write that GitHub stored despite a 5xx is not repeated.
 */
export async function upsertComment(
  client: GitHubClient,
  params: UpsertCommentParams
): Promise<UpsertCommentResult> {
  const { owner, repo, issueNumber, marker } = params
  if (!/^<!--[\s\S]*-->$/.test(marker) || marker.length > 200) {
    throw new Error(
      `comment marker must be a short hidden HTML comment such as <!-- flow-actions:gates -->, got ${JSON.stringify(marker.slice(0, 60))}`
    )
  }
  const body = fitComment(
    params.body.startsWith(marker) ? params.body : `${marker}\n${params.body}`
  )
  const viewer = await client.viewerLogin()
  const octokit = client.octokit

  const find = () => findOwnComment(client, { owner, repo, issueNumber, marker, viewer })

  const update = async (existing: CommentRecord): Promise<UpsertCommentResult> => {
    if (existing.body === body)
      return { action: 'unchanged', id: existing.id, url: existing.html_url }
    try {
      const r = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body
      })
      return { action: 'updated', id: r.data.id, url: r.data.html_url }
    } catch (e) {
      if (!mayHaveBeenApplied(e)) throw e
      const again = await find()
      if (again?.id === existing.id && again.body === body)
        return { action: 'updated', id: again.id, url: again.html_url }
      throw e
    }
  }

  const existing = await find()
  if (existing) return update(existing)

  try {
    const r = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body
    })
    return { action: 'created', id: r.data.id, url: r.data.html_url }
  } catch (e) {
    if (!mayHaveBeenApplied(e)) throw e
    client.log(
      `creating the comment failed (${classifyGitHubError(e).message}); checking whether it was stored before trying again`
    )
    const stored = await find()
    if (stored) {
      if (stored.body === body) return { action: 'created', id: stored.id, url: stored.html_url }
      return update(stored)
    }
    const r = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body
    })
    return { action: 'created', id: r.data.id, url: r.data.html_url }
  }
}

/** A 5xx or a dropped connection says nothing about whether the write happened. */
function mayHaveBeenApplied(e: unknown): boolean {
  const kind = e instanceof GitHubError ? e.kind : classifyGitHubError(e).kind
  return kind === 'server' || kind === 'network'
}

async function findOwnComment(
  client: GitHubClient,
  q: {
    owner: string
    repo: string
    issueNumber: number
    marker: string
    viewer: string | undefined
  }
): Promise<CommentRecord | undefined> {
  let pages = 0
  for await (const page of client.octokit.paginate.iterator(
    client.octokit.rest.issues.listComments,
    {
      owner: q.owner,
      repo: q.repo,
      issue_number: q.issueNumber,
      per_page: 100
    }
  )) {
    for (const c of page.data as CommentRecord[]) {
      if (typeof c.body === 'string' && c.body.startsWith(q.marker) && isOwn(c, q.viewer)) return c
    }
    if (++pages >= MAX_COMMENT_PAGES) break
  }
  return undefined
}

/**
 * Anyone can paste our marker into a comment; only our own comments are ours to edit (a token
 * with admin rights could otherwise rewrite a maintainer's words). When the token cannot tell
 * who it is (GITHUB_TOKEN, app tokens), its comments come from a Bot account.
 */
function isOwn(c: CommentRecord, viewer: string | undefined): boolean {
  const login = c.user?.login
  if (!login) return false
  if (viewer !== undefined) return login.toLowerCase() === viewer.toLowerCase()
  return c.user?.type === 'Bot'
}

function fitComment(body: string): string {
  return cutToFit(
    body,
    MAX_COMMENT_LENGTH,
    '\n\n… (cut to fit GitHub’s comment limit; the full report is in the job summary and the report artifact)'
  )
}
