/**
 * What the gates need to know about the change under evaluation, and how to fetch what the event
 * payload does not carry (reviews, commits, files, team members) from the GitHub API. Fetches are
 * lazy and memoised: a graph without review or trace requirements makes no API call at all.
 */

import { API_FILE_LIMIT } from '../change/pull-request.js'

export interface PullRequestContext {
  owner: string
  repo: string
  number: number
  title?: string
  body?: string
  author?: string
  labels?: string[]
  headSha?: string
  /** The base commit (pull_request.base.sha), where the policy in force is read from. */
  baseSha?: string
  /**
   * Count only approvals of the head commit, as branch protection's "dismiss stale approvals"
   * does (default true): an approval of an earlier commit did not see the code now under review.
   */
  dismissStale?: boolean
  /** Head repository differs from the base: the token is read-only. */
  fork?: boolean
  /** Commit messages, when the caller already has them (else fetched). */
  commitMessages?: string[]
}

export interface ReviewRecord {
  user: string
  state: string
  submittedAt?: string
  /** The commit the review was submitted on. */
  commitId?: string
  /** GitHub's author_association of the reviewer (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ...). */
  association?: string
}

/** Whether a user may push to the repository, and how that was found out. */
export interface WriteAccess {
  write: boolean
  /** "permission API: write", or the author_association fallback with the reason the API was not used. */
  how: string
  /** True when the answer comes from author_association because the permission API could not answer. */
  fallback: boolean
}

/** Associations that can hold write access; anything else (NONE, CONTRIBUTOR, FIRST_TIMER, ...) cannot. */
export const WRITE_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR'])
const WRITE_PERMISSIONS = new Set(['admin', 'maintain', 'write'])

export interface ChangedFile {
  filename: string
  additions: number
  deletions: number
}

/** The slice of an Octokit client the gates use; any Octokit instance satisfies it. */
export interface GitHubRequester {
  request(
    route: string,
    params?: Record<string, unknown>
  ): Promise<{ data: unknown; headers?: Record<string, unknown> }>
}

/** Pages are bounded so a pathological pull request cannot make the action loop for ever. */
const PER_PAGE = 100
const MAX_PAGES = 30

export class PullRequestFacts {
  private cache = new Map<string, Promise<unknown>>()
  constructor(
    readonly pr: PullRequestContext,
    private readonly github?: GitHubRequester
  ) {}

  get hasApi(): boolean {
    return this.github !== undefined
  }

  reviews(): Promise<ReviewRecord[]> {
    return this.memo('reviews', async () => {
      const raw = await this.pages(`GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews`)
      return raw.map((r) => {
        const rec = r as {
          user?: { login?: string } | null
          state?: string
          submitted_at?: string
          commit_id?: string | null
          author_association?: string
        }
        return {
          user: rec.user?.login ?? '',
          state: String(rec.state ?? ''),
          ...(rec.submitted_at ? { submittedAt: rec.submitted_at } : {}),
          ...(typeof rec.commit_id === 'string' && rec.commit_id !== ''
            ? { commitId: rec.commit_id }
            : {}),
          ...(typeof rec.author_association === 'string'
            ? { association: rec.author_association.toUpperCase() }
            : {})
        }
      })
    })
  }

  /**
   * Whether a user has write access (admin, maintain or write) to the base repository, from
   * `GET /repos/{o}/{r}/collaborators/{u}/permission`. An association that cannot carry write
   * access (NONE, CONTRIBUTOR, ...) needs no call; a 404 means no access. When the API cannot
   * answer (a token without that permission, an outage), OWNER/MEMBER/COLLABORATOR stands in,
   * and the answer says so.
   */
  writeAccess(login: string, association?: string): Promise<WriteAccess> {
    return this.memo(`write:${login.toLowerCase()}`, async () => {
      if (association && !WRITE_ASSOCIATIONS.has(association)) {
        return { write: false, how: `author_association ${association}`, fallback: false }
      }
      try {
        const { data } = await this.api().request(
          'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
          { owner: this.pr.owner, repo: this.pr.repo, username: login }
        )
        const permission = String((data as { permission?: unknown })?.permission ?? 'none')
        return {
          write: WRITE_PERMISSIONS.has(permission),
          how: `permission ${permission}`,
          fallback: false
        }
      } catch (error) {
        const status = (error as { status?: unknown })?.status
        if (status === 404) return { write: false, how: 'not a collaborator', fallback: false }
        const why = status ? `HTTP ${String(status)}` : 'no answer'
        const write = association !== undefined && WRITE_ASSOCIATIONS.has(association)
        return {
          write,
          how: `author_association ${association ?? 'unknown'} (fallback: the permission API gave ${why})`,
          fallback: true
        }
      }
    })
  }

  /**
   * The reviews that count: each reviewer's latest APPROVED or CHANGES_REQUESTED review (a later
   * DISMISSED withdraws it), never the author's, only from users with write access, and (with
   * dismissStale, the default) only approvals of the head commit. Everything left out is listed
   * with the reason, so the summary can say why an approval did not count.
   */
  qualifiedReviews(): Promise<QualifiedReviews> {
    return this.memo('qualified', async () => {
      const latest = latestReviews(await this.reviews())
      const dismissStale = this.pr.dismissStale !== false
      const out: QualifiedReviews = {
        approvedBy: [],
        changesRequestedBy: [],
        ignored: [],
        fallbacks: []
      }
      for (const [user, review] of latest) {
        const state = review.state.toUpperCase()
        if (this.pr.author && user.toLowerCase() === this.pr.author.toLowerCase()) {
          if (state === 'APPROVED') out.ignored.push({ user, why: 'the author' })
          continue
        }
        if (state === 'APPROVED' && dismissStale) {
          if (!this.pr.headSha) {
            out.ignored.push({
              user,
              why: 'the head commit is unknown, so the approval cannot be matched to it'
            })
            continue
          }
          if (review.commitId !== this.pr.headSha) {
            out.ignored.push({
              user,
              why: `approved ${review.commitId ? review.commitId.slice(0, 7) : 'an unknown commit'}, not the head ${this.pr.headSha.slice(0, 7)}`
            })
            continue
          }
        }
        const access = await this.writeAccess(user, review.association)
        if (access.fallback) out.fallbacks.push(`${user}: ${access.how}`)
        if (!access.write) {
          out.ignored.push({ user, why: `no write access (${access.how})` })
          continue
        }
        if (state === 'APPROVED') out.approvedBy.push(user)
        else out.changesRequestedBy.push(user)
      }
      out.approvedBy.sort()
      out.changesRequestedBy.sort()
      return out
    })
  }

  /**
   * Whether a login approved the head commit and has write access: what a waiver's approver or a
   * sign-off's signer added by the pull request itself must show before it counts.
   */
  async approvedHeadWithWrite(login: string): Promise<{ ok: boolean; why: string }> {
    const name = login.replace(/^@/, '')
    if (this.pr.author && name.toLowerCase() === this.pr.author.toLowerCase())
      return { ok: false, why: `${name} is the pull request's author` }
    if (!this.pr.headSha) return { ok: false, why: 'the head commit is unknown' }
    const review = [...latestReviews(await this.reviews()).values()].find(
      (r) => r.user.toLowerCase() === name.toLowerCase()
    )
    if (!review || review.state.toUpperCase() !== 'APPROVED')
      return { ok: false, why: `${name} has not approved the pull request` }
    if (review.commitId !== this.pr.headSha)
      return {
        ok: false,
        why: `${name} approved ${review.commitId ? review.commitId.slice(0, 7) : 'an unknown commit'}, not the head ${this.pr.headSha.slice(0, 7)}`
      }
    const access = await this.writeAccess(review.user, review.association)
    if (!access.write) return { ok: false, why: `${name} has no write access (${access.how})` }
    return {
      ok: true,
      why: `${name} approved the head commit ${this.pr.headSha.slice(0, 7)} and has write access (${access.how})`
    }
  }

  commitMessages(): Promise<string[]> {
    if (this.pr.commitMessages) return Promise.resolve(this.pr.commitMessages)
    return this.memo('commits', async () => {
      const raw = await this.pages(`GET /repos/{owner}/{repo}/pulls/{pull_number}/commits`)
      return raw.map((c) => String((c as { commit?: { message?: string } }).commit?.message ?? ''))
    })
  }

  /**
   * The files the API lists for the pull request. It lists at most 3,000; a list that long may be
   * cut, and a size summed from part of a change could exempt it as small, so that is an error
   * (the caller then treats the size as unknown and keeps the rule in force).
   */
  files(): Promise<ChangedFile[]> {
    return this.memo('files', async () => {
      const raw = await this.pages(`GET /repos/{owner}/{repo}/pulls/{pull_number}/files`)
      if (raw.length >= API_FILE_LIMIT)
        throw new Error(
          `the pull request lists ${raw.length} files, as many as the API shows, so the rest of the change is unknown`
        )
      return raw.map((f) => {
        const rec = f as { filename?: string; additions?: number; deletions?: number }
        return {
          filename: String(rec.filename ?? ''),
          additions: Number(rec.additions ?? 0),
          deletions: Number(rec.deletions ?? 0)
        }
      })
    })
  }

  /** Labels from the event payload when present (they are current at trigger time), else the API. */
  labels(): Promise<string[]> {
    if (this.pr.labels) return Promise.resolve(this.pr.labels)
    return this.memo('labels', async () => {
      const data = (
        await this.api().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', this.params())
      ).data as {
        labels?: Array<{ name?: string }>
      }
      return (data.labels ?? []).map((l) => String(l.name ?? ''))
    })
  }

  /** Logins in an org team; needs a token with read:org (the workflow token has none). */
  teamMembers(org: string, team: string): Promise<string[]> {
    return this.memo(`team:${org}/${team}`, async () => {
      const out: string[] = []
      for (let page = 1; page <= MAX_PAGES; page++) {
        const { data } = await this.api().request('GET /orgs/{org}/teams/{team_slug}/members', {
          org,
          team_slug: team,
          per_page: PER_PAGE,
          page
        })
        const list = Array.isArray(data) ? data : []
        for (const m of list) out.push(String((m as { login?: string }).login ?? ''))
        if (list.length < PER_PAGE) break
      }
      return out
    })
  }

  private api(): GitHubRequester {
    if (!this.github)
      throw new Error('no GitHub token was given, so the pull request cannot be read from the API')
    return this.github
  }

  private params(): Record<string, unknown> {
    return { owner: this.pr.owner, repo: this.pr.repo, pull_number: this.pr.number }
  }

  private async pages(route: string): Promise<unknown[]> {
    const out: unknown[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data } = await this.api().request(route, {
        ...this.params(),
        per_page: PER_PAGE,
        page
      })
      const list = Array.isArray(data) ? data : []
      out.push(...list)
      if (list.length < PER_PAGE) break
    }
    return out
  }

  private memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined
    if (!p) {
      p = load()
      this.cache.set(key, p)
    }
    return p
  }
}

export interface QualifiedReviews {
  approvedBy: string[]
  changesRequestedBy: string[]
  /** Reviews that did not count, with the reason. */
  ignored: Array<{ user: string; why: string }>
  /** Reviewers whose write access was judged from author_association, with why. */
  fallbacks: string[]
}

/** Each reviewer's latest APPROVED or CHANGES_REQUESTED review; a later DISMISSED withdraws it. */
function latestReviews(reviews: ReviewRecord[]): Map<string, ReviewRecord> {
  const latest = new Map<string, ReviewRecord>()
  for (const r of reviews) {
    if (!r.user) continue
    const state = r.state.toUpperCase()
    if (state === 'APPROVED' || state === 'CHANGES_REQUESTED') latest.set(r.user, r)
    else if (state === 'DISMISSED') latest.delete(r.user)
  }
  return latest
}
