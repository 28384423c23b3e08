import { readEventPayload } from '../../shared/runner.js'
import type { PullRequestContext } from '../../shared/gates/index.js'

export interface ChangeContext {
  pullRequest?: PullRequestContext
  /** A push's commit messages, for trace requirements. */
  commits?: string[]
  /** The pull request's base and head commits and file count, for reading its change. */
  diff?: { base?: string; head?: string; changedFiles?: number }
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/

/**
 * What the triggering event says about the change: the pull request (number, title, body,
 * author, labels, fork) for pull_request-like events, or the commit messages of a push. A payload
 * that cannot be read yields nothing, and requirements that need it then fail closed.
 */
export function changeFromEvent(env: Readonly<Record<string, string | undefined>>): ChangeContext {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const payload = readEventPayload(env)
  if (!payload) return {}
  const pr = (payload.pull_request ?? undefined) as
    | {
        number?: number
        title?: string
        body?: string | null
        user?: { login?: string }
        labels?: Array<{ name?: string }>
        head?: { sha?: string; repo?: { full_name?: string } | null }
        base?: { sha?: string; repo?: { full_name?: string } }
        changed_files?: number
      }
    | undefined
  if (pr && typeof pr.number === 'number' && owner && repo) {
    const headRepo = pr.head?.repo?.full_name
    const baseRepo = pr.base?.repo?.full_name ?? `${owner}/${repo}`
    // Only well-formed SHAs reach git, as separate arguments.
    const sha = (v: unknown) => (typeof v === 'string' && SHA.test(v) ? v : undefined)
    const diff = {
      ...(sha(pr.base?.sha) ? { base: sha(pr.base?.sha) } : {}),
      ...(sha(pr.head?.sha) ? { head: sha(pr.head?.sha) } : {}),
      ...(typeof pr.changed_files === 'number' &&
      Number.isInteger(pr.changed_files) &&
      pr.changed_files >= 0
        ? { changedFiles: pr.changed_files }
        : {})
    }
    return {
      diff,
      pullRequest: {
        owner,
        repo,
        number: pr.number,
        ...(typeof pr.title === 'string' ? { title: pr.title } : {}),
        ...(typeof pr.body === 'string' ? { body: pr.body } : {}),
        ...(pr.user?.login ? { author: pr.user.login } : {}),
        ...(Array.isArray(pr.labels)
          ? { labels: pr.labels.map((l) => String(l?.name ?? '')).filter(Boolean) }
          : {}),
        ...(pr.head?.sha ? { headSha: pr.head.sha } : {}),
        ...(sha(pr.base?.sha) ? { baseSha: sha(pr.base?.sha) } : {}),
        // A deleted fork has no head repo: treat it as a fork, the token is read-only either way.
        fork: headRepo === undefined || headRepo === null ? true : headRepo !== baseRepo
      }
    }
  }
  const commits = payload.commits
  if (Array.isArray(commits)) {
    return {
      commits: commits
        .map((c) => String((c as { message?: unknown })?.message ?? ''))
        .filter(Boolean)
    }
  }
  return {}
}
