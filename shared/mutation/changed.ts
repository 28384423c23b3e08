import { execFile } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { ConfigurationError, errorMessage } from '../errors.js'
import { parseUnifiedDiff, type ChangedLines } from '../evidence/index.js'
import { printable } from '../safe-path.js'

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/
const MAX_EVENT_BYTES = 32 * 1024 * 1024
const MAX_DIFF_BYTES = 256 * 1024 * 1024

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
    return { name, payload: data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {} }
  } catch {
    return { name, payload: {} }
  }
}

/** The base and head commits of a pull-request event, or undefined for other events. */
export function pullRequestCommits(event: EventInfo): { base: string; head: string; number?: number } | undefined {
  if (!PULL_REQUEST_EVENTS.has(event.name)) return undefined
  const pr = event.payload.pull_request as { base?: { sha?: unknown }; head?: { sha?: unknown }; number?: unknown } | undefined
  const base = pr?.base?.sha
  const head = pr?.head?.sha
  if (typeof base !== 'string' || typeof head !== 'string' || !SHA.test(base) || !SHA.test(head)) {
    throw new ConfigurationError(`The ${event.name} event payload has no valid pull_request.base.sha and head.sha; changed-only scoring needs them.`)
  }
  return { base, head, number: typeof pr?.number === 'number' ? pr.number : undefined }
}

export type GitRunner = (args: string[], cwd: string) => Promise<string>

export const runGit: GitRunner = (args, cwd) =>
  new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: MAX_DIFF_BYTES, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${printable(stderr.trim() || errorMessage(error), 300)}`))
      else resolve(stdout)
    })
  })

/**
 * Lines the pull request added or changed, from `git diff base...head` in the workspace (the
 * merge base to the head, as GitHub shows the PR). Needs both commits: check out with
 * `fetch-depth: 0`. Commits come from the payload and are checked to be hex SHAs, and git gets them
 * as separate arguments, never through a shell.
 */
export async function changedLinesFromGit(root: string, commits: { base: string; head: string }, git: GitRunner = runGit): Promise<ChangedLines> {
  let diff: string
  try {
    diff = await git(['diff', '--no-color', '--no-ext-diff', '--unified=0', '--no-renames', `${commits.base}...${commits.head}`, '--'], root)
  } catch (error) {
    throw new ConfigurationError(
      `changed-only: cannot diff the pull request (${commits.base.slice(0, 12)}...${commits.head.slice(0, 12)}) in the workspace: ${errorMessage(error)}. Check out with "fetch-depth: 0" so both commits are present.`
    )
  }
  return parseUnifiedDiff(diff)
}
