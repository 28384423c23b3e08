/**
 * What the gates need to know about the change under evaluation, and how to fetch what the event
 * payload does not carry (reviews, commits, files, team members) from the GitHub API. Fetches are
 * lazy and memoised: a graph without review or trace requirements makes no API call at all.
 */

export interface PullRequestContext {
  owner: string
  repo: string
  number: number
  title?: string
  body?: string
  author?: string
  labels?: string[]
  headSha?: string
  /** Head repository differs from the base: the token is read-only. */
  fork?: boolean
  /** Commit messages, when the caller already has them (else fetched). */
  commitMessages?: string[]
}

export interface ReviewRecord {
  user: string
  state: string
  submittedAt?: string
}

export interface ChangedFile {
  filename: string
  additions: number
  deletions: number
}

/** The slice of an Octokit client the gates use; any Octokit instance satisfies it. */
export interface GitHubRequester {
  request(route: string, params?: Record<string, unknown>): Promise<{ data: unknown; headers?: Record<string, unknown> }>
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
        const rec = r as { user?: { login?: string } | null; state?: string; submitted_at?: string }
        return { user: rec.user?.login ?? '', state: String(rec.state ?? ''), ...(rec.submitted_at ? { submittedAt: rec.submitted_at } : {}) }
      })
    })
  }

  commitMessages(): Promise<string[]> {
    if (this.pr.commitMessages) return Promise.resolve(this.pr.commitMessages)
    return this.memo('commits', async () => {
      const raw = await this.pages(`GET /repos/{owner}/{repo}/pulls/{pull_number}/commits`)
      return raw.map((c) => String((c as { commit?: { message?: string } }).commit?.message ?? ''))
    })
  }

  files(): Promise<ChangedFile[]> {
    return this.memo('files', async () => {
      const raw = await this.pages(`GET /repos/{owner}/{repo}/pulls/{pull_number}/files`)
      return raw.map((f) => {
        const rec = f as { filename?: string; additions?: number; deletions?: number }
        return { filename: String(rec.filename ?? ''), additions: Number(rec.additions ?? 0), deletions: Number(rec.deletions ?? 0) }
      })
    })
  }

  /** Labels from the event payload when present (they are current at trigger time), else the API. */
  labels(): Promise<string[]> {
    if (this.pr.labels) return Promise.resolve(this.pr.labels)
    return this.memo('labels', async () => {
      const data = (await this.api().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', this.params())).data as {
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
        const { data } = await this.api().request('GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: team, per_page: PER_PAGE, page })
        const list = Array.isArray(data) ? data : []
        for (const m of list) out.push(String((m as { login?: string }).login ?? ''))
        if (list.length < PER_PAGE) break
      }
      return out
    })
  }

  private api(): GitHubRequester {
    if (!this.github) throw new Error('no GitHub token was given, so the pull request cannot be read from the API')
    return this.github
  }

  private params(): Record<string, unknown> {
    return { owner: this.pr.owner, repo: this.pr.repo, pull_number: this.pr.number }
  }

  private async pages(route: string): Promise<unknown[]> {
    const out: unknown[] = []
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data } = await this.api().request(route, { ...this.params(), per_page: PER_PAGE, page })
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

/**
 * Each reviewer's standing: their latest APPROVED or CHANGES_REQUESTED review counts; a later
 * DISMISSED review withdraws it; comments change nothing. Approvals by the author are ignored.
 */
export function reviewStanding(reviews: ReviewRecord[], author?: string): { approvedBy: string[]; changesRequestedBy: string[] } {
  const latest = new Map<string, string>()
  for (const r of reviews) {
    if (!r.user) continue
    const state = r.state.toUpperCase()
    if (state === 'APPROVED' || state === 'CHANGES_REQUESTED') latest.set(r.user, state)
    else if (state === 'DISMISSED') latest.delete(r.user)
  }
  const approvedBy: string[] = []
  const changesRequestedBy: string[] = []
  for (const [user, state] of latest) {
    if (author && user.toLowerCase() === author.toLowerCase()) continue
    if (state === 'APPROVED') approvedBy.push(user)
    else changesRequestedBy.push(user)
  }
  return { approvedBy: approvedBy.sort(), changesRequestedBy: changesRequestedBy.sort() }
}
