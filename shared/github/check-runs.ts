import { readEventPayload } from '../runner.js'
import type { Annotation } from '../annotations.js'
import { cutToFit } from '../summary.js'
import { untrusted } from '../escape.js'
import type { GitHubClient } from './client.js'
import { GitHubError, classifyGitHubError } from './errors.js'

/** The Checks API refuses a summary or text longer than this many characters. */
export const MAX_CHECK_TEXT = 65_535
/** The Checks API takes at most 50 annotations per request; more go in further updates. */
export const ANNOTATIONS_PER_REQUEST = 50
/** GitHub keeps at most this many annotations on one check run. */
const MAX_ANNOTATIONS = 50_000

export interface CheckRunParams {
  owner: string
  repo: string
  headSha: string
  /** The check's name in the pull request, e.g. `flow-actions gates (staging)`. */
  name: string
  conclusion: 'success' | 'failure' | 'neutral'
  title: string
  /** Markdown; redacted and cut to the API's limit here. */
  summary: string
  annotations: Annotation[]
  /** Applied to every text sent: the caller's token and secrets. */
  redact: (text: string) => string
}

export type CheckRunResult =
  | { created: true; id: number; url?: string; annotations: number; requests: number }
  | { created: false; reason: string }

interface ApiAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning' | 'notice'
  message: string
  title?: string
}

const LEVEL: Record<Annotation['level'], ApiAnnotation['annotation_level']> = {
  error: 'failure',
  warning: 'warning',
  notice: 'notice'
}

/** Cuts text to the API's limit, saying so, on a code-point boundary. */
export function fitCheckText(text: string, limit = MAX_CHECK_TEXT): string {
  return cutToFit(
    text,
    limit,
    '\n\n… cut to fit the Checks API limit; the job summary and the report have everything.'
  )
}

/**
 * The annotations the Checks API can place: those with a file. Each is redacted and has invisible
 * controls made visible, as every outbound text; a file-less problem stays in the summary.
 */
function toApi(all: Annotation[], redact: (t: string) => string): ApiAnnotation[] {
  return all
    .filter((a) => a.file)
    .slice(0, MAX_ANNOTATIONS)
    .map((a) => {
      const line = a.line && a.line > 0 ? a.line : 1
      return {
        path: untrusted(redact(a.file!)),
        start_line: line,
        end_line: line,
        annotation_level: LEVEL[a.level],
        message: fitCheckText(untrusted(redact(a.message)), 64_000),
        ...(a.title ? { title: untrusted(redact(a.title)).slice(0, 255) } : {})
      }
    })
}

/**
 * Creates one completed check run with the verdict, the summary and every annotation that has a
 * file, 50 per request as the API takes them, so a pull request shows all of them in "Files
 * changed" (a step's log shows only 10 per level). A token that may not write checks (a fork's
 * read-only token: 403, or 404 for a repository it cannot see) is not an error: the caller keeps
 * its verdict and says once that the result is in the summary only.
 */
export async function createCheckRun(
  client: GitHubClient,
  p: CheckRunParams
): Promise<CheckRunResult> {
  const annotations = toApi(p.annotations, p.redact)
  const batches: ApiAnnotation[][] = []
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST))
  const output = (batch: ApiAnnotation[]) => ({
    title: fitCheckText(untrusted(p.redact(p.title)), 255),
    summary: fitCheckText(p.redact(p.summary)),
    ...(batch.length > 0 ? { annotations: batch } : {})
  })
  let requests = 0
  try {
    const created = await client.octokit.rest.checks.create({
      owner: p.owner,
      repo: p.repo,
      name: p.name,
      head_sha: p.headSha,
      status: 'completed',
      conclusion: p.conclusion,
      output: output(batches[0] ?? [])
    })
    requests++
    for (const batch of batches.slice(1)) {
      await client.octokit.rest.checks.update({
        owner: p.owner,
        repo: p.repo,
        check_run_id: created.data.id,
        output: output(batch)
      })
      requests++
    }
    return {
      created: true,
      id: created.data.id,
      url: created.data.html_url ?? undefined,
      annotations: annotations.length,
      requests
    }
  } catch (error) {
    const status =
      typeof error === 'object' && error !== null
        ? (error as { status?: unknown }).status
        : undefined
    const refused =
      status === 403 ||
      status === 404 ||
      (error instanceof GitHubError &&
        (error.kind === 'forbidden-fork' || error.kind === 'not-found'))
    if (requests === 0 && refused)
      return { created: false, reason: classifyGitHubError(error).message }
    throw error
  }
}

/** What an action needs to publish its verdict as a check run, and to say what happened. */
export interface PublishCheckRunOptions extends Omit<CheckRunParams, 'owner' | 'repo' | 'headSha'> {
  env: Readonly<Record<string, string | undefined>>
  /** The pull request's head commit when there is one; else GITHUB_SHA. */
  headSha?: string
  getClient: () => Promise<GitHubClient>
  info: (message: string) => void
  warning: (message: string) => void
}

/**
 * Publishes a check run and never changes the verdict: a token that may not write checks (a fork's
 * read-only token) gets one warning that the result is in the job summary only; any other failure
 * is one warning naming it.
 */
export async function publishCheckRun(o: PublishCheckRunOptions): Promise<void> {
  const [owner, repo] = (o.env.GITHUB_REPOSITORY ?? '').split('/')
  const headSha = o.headSha ?? pullRequestHead(o.env) ?? o.env.GITHUB_SHA
  if (!owner || !repo || !headSha) {
    o.warning(
      'check-run is on, but GITHUB_REPOSITORY or the commit is unknown; the result is in the job summary only.'
    )
    return
  }
  try {
    const r = await createCheckRun(await o.getClient(), { ...o, owner, repo, headSha })
    if (r.created)
      o.info(
        `Created the check run "${o.name}" with ${r.annotations} annotation(s) in ${r.requests} request(s)${r.url ? `: ${r.url}` : ''}.`
      )
    else
      o.warning(
        `Could not create the check run (${r.reason}); the token needs checks: write, which a fork's pull request does not get. The result is in the job summary; the verdict is unchanged.`
      )
  } catch (error) {
    o.warning(
      `Could not create the check run: ${classifyGitHubError(error).message}. The result is in the job summary; the verdict is unchanged.`
    )
  }
}

/**
 * On a pull request GITHUB_SHA is the merge commit; the check belongs on the head commit, which the
 * event payload names. Undefined when there is no readable payload or no pull request in it.
 */
export function pullRequestHead(
  env: Readonly<Record<string, string | undefined>>
): string | undefined {
  const pr = readEventPayload(env)?.pull_request as { head?: { sha?: unknown } } | undefined
  const sha = pr?.head?.sha
  return typeof sha === 'string' && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) ? sha : undefined
}
