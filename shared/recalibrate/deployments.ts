import type { GitHubClient } from '../github/index.js'
import { classifyGitHubError, GitHubError } from '../github/index.js'
import type { DeploymentEvent, DeploymentSource, IncidentEvent } from './dora.js'

export interface DeliveryQuery {
  owner: string
  repo: string
  since: Date
  /** Which sources to read besides canary reports: GitHub Deployments and published releases. */
  sources: DeploymentSource[]
  /** Only deployments to this environment (GitHub Deployments); all when empty. */
  environment?: string
  /** Issues with this label are incidents; none are read when empty. */
  incidentLabel?: string
  /** Upper bound on deployments whose statuses are read (one request each). */
  maxDeployments?: number
}

interface DeploymentRecord {
  id: number
  created_at: string
  environment?: string
  ref?: string
  sha?: string
}

interface StatusRecord {
  state: string
  created_at: string
}

interface ReleaseRecord {
  tag_name?: string
  draft?: boolean
  prerelease?: boolean
  published_at?: string | null
}

interface IssueRecord {
  number: number
  title?: string
  created_at: string
  closed_at?: string | null
  pull_request?: unknown
}

const FAILED = new Set(['failure', 'error'])

// A token that cannot read these (403/404) loses one source, said in problems; a rate limit or a
// rejected token stops the run as for every other API read.
function isFatal(error: unknown): boolean {
  const kind = error instanceof GitHubError ? error.kind : classifyGitHubError(error).kind
  return kind === 'rate-limited' || kind === 'unauthorized'
}

/**
 * A deployment's outcome from its statuses (newest first, as the API lists them): the time it
 * first reached success, else the time it failed; undefined while it is still pending. `inactive`
 * marks a deployment superseded after it succeeded, so it is read through to the success.
 */
export function deploymentOutcome(
  statuses: StatusRecord[]
): { outcome: 'success' | 'failure'; at: string } | undefined {
  const oldestFirst = [...statuses].sort(
    (a, b) => Date.parse(a.created_at) - Date.parse(b.created_at)
  )
  const success = oldestFirst.find((s) => s.state === 'success')
  if (success) return { outcome: 'success', at: success.created_at }
  const failed = oldestFirst.find((s) => FAILED.has(s.state))
  return failed ? { outcome: 'failure', at: failed.created_at } : undefined
}

/** Deployments (GitHub Deployments with their statuses, and published releases) and incidents since a date. */
export async function fetchDelivery(
  client: GitHubClient,
  q: DeliveryQuery
): Promise<{ deployments: DeploymentEvent[]; incidents: IncidentEvent[]; problems: string[] }> {
  const { octokit } = client
  const since = q.since.getTime()
  const deployments: DeploymentEvent[] = []
  const incidents: IncidentEvent[] = []
  const problems: string[] = []
  const max = q.maxDeployments ?? 200

  if (q.sources.includes('deployment')) {
    try {
      const records: DeploymentRecord[] = []
      outer: for await (const page of octokit.paginate.iterator(
        octokit.rest.repos.listDeployments,
        {
          owner: q.owner,
          repo: q.repo,
          ...(q.environment ? { environment: q.environment } : {}),
          per_page: 100
        }
      )) {
        for (const d of page.data as unknown as DeploymentRecord[]) {
          if (Date.parse(d.created_at) < since) break outer
          records.push(d)
          if (records.length >= max) break outer
        }
      }
      for (const d of records) {
        const statuses = (
          await octokit.rest.repos.listDeploymentStatuses({
            owner: q.owner,
            repo: q.repo,
            deployment_id: d.id,
            per_page: 100
          })
        ).data as unknown as StatusRecord[]
        const result = deploymentOutcome(statuses)
        if (!result) continue
        deployments.push({
          ...result,
          source: 'deployment',
          ...(d.environment ? { environment: d.environment } : {}),
          label: `deployment ${d.id}${d.ref ? ` of ${d.ref}` : ''}`
        })
      }
    } catch (error) {
      if (isFatal(error)) throw error
      problems.push(`deployments could not be read (${classifyGitHubError(error).message})`)
    }
  }

  if (q.sources.includes('release')) {
    try {
      outer: for await (const page of octokit.paginate.iterator(octokit.rest.repos.listReleases, {
        owner: q.owner,
        repo: q.repo,
        per_page: 100
      })) {
        for (const r of page.data as unknown as ReleaseRecord[]) {
          if (r.draft || r.prerelease || !r.published_at) continue
          // Releases are listed newest first by creation; one published before the window ends the walk.
          if (Date.parse(r.published_at) < since) break outer
          deployments.push({
            at: r.published_at,
            outcome: 'success',
            source: 'release',
            ...(r.tag_name ? { label: `release ${r.tag_name}` } : {})
          })
        }
      }
    } catch (error) {
      if (isFatal(error)) throw error
      problems.push(`releases could not be read (${classifyGitHubError(error).message})`)
    }
  }

  if (q.incidentLabel) {
    try {
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
        owner: q.owner,
        repo: q.repo,
        labels: q.incidentLabel,
        state: 'all',
        since: q.since.toISOString(),
        per_page: 100
      })) {
        for (const i of page.data as unknown as IssueRecord[]) {
          if (i.pull_request || Date.parse(i.created_at) < since) continue
          incidents.push({
            number: i.number,
            openedAt: i.created_at,
            ...(i.closed_at ? { closedAt: i.closed_at } : {}),
            ...(i.title ? { title: i.title } : {})
          })
        }
      }
    } catch (error) {
      if (isFatal(error)) throw error
      problems.push(
        `incident issues labelled "${q.incidentLabel}" could not be read (${classifyGitHubError(error).message})`
      )
    }
  }
  return { deployments, incidents, problems }
}
