import { ConfigurationError, errorMessage } from '../errors.js'
import { parsePatch } from './diff.js'
import { changeFromGit, type GitRunner } from './git.js'
import type { Change, FileChange, FileStatus } from './model.js'

/** The pull-request files API lists at most this many files; a bigger pull request is read from git. */
export const API_FILE_LIMIT = 3000

/** One entry of `GET /repos/{owner}/{repo}/pulls/{n}/files`, as far as the change model reads it. */
export interface PullRequestFileEntry {
  filename: string
  previous_filename?: string
  status?: string
  additions?: number
  deletions?: number
  /** Absent for binary files, and for files whose diff GitHub found too large to include. */
  patch?: string
}

export interface PullRequestChangeOptions {
  number: number
  /** Both SHAs come from the event payload; they are needed for the git fallback. */
  base?: string
  head?: string
  /** pull_request.changed_files from the event: more than the API listed means the list was cut. */
  changedFiles?: number
  root: string
  /** Lists the files with their patches (shared/github's listPullRequestFiles, paginated). */
  listFiles: () => Promise<PullRequestFileEntry[]>
  git?: GitRunner
}

const STATUS: Record<string, FileStatus> = {
  added: 'added',
  removed: 'deleted',
  renamed: 'renamed',
  copied: 'copied'
}

/**
 * The change of a pull request from its files and patches. GitHub leaves a patch out when a file's
 * diff is too large, and lists no more than 3,000 files: those files, or the whole change, are
 * then read from git in the workspace (`base...head`), so a big change is never counted short.
 */
export async function changeFromPullRequest(opts: PullRequestChangeOptions): Promise<Change> {
  const description = `pull request #${opts.number}`
  const entries = await opts.listFiles()
  if (!Array.isArray(entries)) throw new Error(`the files of ${description} are not a list`)
  const fromGit = async (paths?: string[]) => {
    if (!opts.base || !opts.head) {
      throw new ConfigurationError(
        `${description}: the event payload has no base and head SHA, so the files GitHub did not include cannot be read from git.`
      )
    }
    return changeFromGit(
      opts.root,
      { base: opts.base, head: opts.head },
      { git: opts.git, ...(paths ? { paths } : {}) }
    )
  }

  if (
    entries.length >= API_FILE_LIMIT ||
    (opts.changedFiles !== undefined && opts.changedFiles > entries.length)
  ) {
    const total = Math.max(entries.length, opts.changedFiles ?? 0)
    const change = await withContext(
      fromGit(),
      `${description} has ${total} files, more than the ${API_FILE_LIMIT} the API lists`
    )
    return {
      ...change,
      source: 'git',
      description,
      notes: [
        `The pull request has ${total} files, more than the API lists (${API_FILE_LIMIT}); the change was read from git.`
      ]
    }
  }

  const files: FileChange[] = []
  const incomplete: PullRequestFileEntry[] = []
  for (const e of entries) {
    if (!e || typeof e.filename !== 'string' || e.filename === '')
      throw new Error(`${description}: the files API returned an entry without a filename`)
    const status = STATUS[e.status ?? ''] ?? 'modified'
    const additions = count(e.additions)
    const deletions = count(e.deletions)
    const base = {
      path: e.filename,
      ...(typeof e.previous_filename === 'string' &&
      e.previous_filename !== '' &&
      e.previous_filename !== e.filename
        ? { previousPath: e.previous_filename }
        : {}),
      status
    }
    if (typeof e.patch === 'string') {
      const lines = parsePatch(e.patch)
      // A patch whose lines do not add up to the file's counts was cut short by GitHub.
      if (lines.added.length === additions && lines.deleted.length === deletions) {
        files.push({ ...base, ...lines, additions, deletions })
        continue
      }
    } else if (additions + deletions === 0) {
      // A binary file, or a rename without edits: no lines to read.
      files.push({
        ...base,
        added: [],
        modified: [],
        deleted: [],
        additions,
        deletions,
        ...(status !== 'renamed' ? { binary: true } : {})
      })
      continue
    }
    incomplete.push(e)
    files.push({ ...base, added: [], modified: [], deleted: [], additions, deletions })
  }

  const notes: string[] = []
  if (incomplete.length > 0) {
    const paths = [
      ...new Set(
        incomplete.flatMap((e) => [
          e.filename,
          ...(e.previous_filename ? [e.previous_filename] : [])
        ])
      )
    ]
    const names =
      incomplete
        .slice(0, 5)
        .map((e) => e.filename)
        .join(', ') + (incomplete.length > 5 ? ` and ${incomplete.length - 5} more` : '')
    const git = await withContext(fromGit(paths), `GitHub left out the patch of ${names}`)
    const byPath = new Map(git.files.map((f) => [f.path, f]))
    for (let i = 0; i < files.length; i++) {
      if (!incomplete.some((e) => e.filename === files[i].path)) continue
      const g = byPath.get(files[i].path)
      if (!g)
        throw new ConfigurationError(
          `${description}: ${files[i].path} is in the pull request but not in git diff ${opts.base?.slice(0, 12)}...${opts.head?.slice(0, 12)}; is the workspace at the pull request's head?`
        )
      files[i] = {
        ...g,
        status: files[i].status,
        ...(files[i].previousPath ? { previousPath: files[i].previousPath } : {})
      }
    }
    notes.push(
      `GitHub left out the patch of ${names} (too large); ${incomplete.length === 1 ? 'its lines were' : 'their lines were'} read from git.`
    )
  }
  return {
    source: 'pull-request',
    description,
    ...(opts.base ? { base: opts.base } : {}),
    ...(opts.head ? { head: opts.head } : {}),
    files,
    notes
  }
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0
}

async function withContext<T>(p: Promise<T>, why: string): Promise<T> {
  try {
    return await p
  } catch (error) {
    throw new ConfigurationError(`${why}, and git could not fill in: ${errorMessage(error)}`)
  }
}
