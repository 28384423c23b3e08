import { readFileSync, statSync } from 'node:fs'
import { changedLinesOf } from '../change/model.js'
import { changeFromGit, runGit, type GitRunner } from '../change/git.js'
import { ConfigurationError, errorMessage } from '../errors.js'
import type { ChangedLines } from '../evidence/index.js'

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/
const MAX_EVENT_BYTES = 32 * 1024 * 1024

export const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

export interface EventInfo {
  name: string
  payload: Record<string, unknown>
}

/** The event payload the runner wrote (GITHUB_EVENT_PATH); {} when there is none. */
export function readEvent(env: Readonly<Record<string, string | undefined>>): EventInfo {
  const name = env.GITHUB_EVENT_NAME ?? ''
  const file = env.GITHUB_EVENT_PATH
  if (!file) return { name, payload: {} }
  try {
    if (statSync(file).size > MAX_EVENT_BYTES) return { name, payload: {} }
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown
    return {
      name,
      payload:
        data !== null && typeof data === 'object' && !Array.isArray(data)
          ? (data as Record<string, unknown>)
          : {}
    }
  } catch {
    return { name, payload: {} }
  }
}

/** The base and head commits of a pull-request event, or undefined for other events. */
export function pullRequestCommits(
  event: EventInfo
): { base: string; head: string; number?: number } | undefined {
  if (!PULL_REQUEST_EVENTS.has(event.name)) return undefined
  const pr = event.payload.pull_request as
    { base?: { sha?: unknown }; head?: { sha?: unknown }; number?: unknown } | undefined
  const base = pr?.base?.sha
  const head = pr?.head?.sha
  if (typeof base !== 'string' || typeof head !== 'string' || !SHA.test(base) || !SHA.test(head)) {
    throw new ConfigurationError(
      `The ${event.name} event payload has no valid pull_request.base.sha and head.sha; changed-only scoring needs them.`
    )
  }
  return { base, head, number: typeof pr?.number === 'number' ? pr.number : undefined }
}

export { runGit, type GitRunner }

/**
 * Lines the pull request added or changed, from `git diff base...head` in the workspace (the
 * merge base to the head, as GitHub shows the PR), through the one change model (shared/change):
 * renames are followed, so a moved file's edited lines count and its unchanged ones do not. Needs
 * both commits: check out with `fetch-depth: 0`. Commits come from the payload and are checked to
 * be hex SHAs, and git gets them as separate arguments, never through a shell.
 */
export async function changedLinesFromGit(
  root: string,
  commits: { base: string; head: string },
  git: GitRunner = runGit
): Promise<ChangedLines> {
  try {
    return changedLinesOf(await changeFromGit(root, commits, { git }))
  } catch (error) {
    throw new ConfigurationError(`changed-only: ${errorMessage(error)}`)
  }
}
