import { ConfigurationError, errorMessage } from '../errors.js'
import { printable } from '../safe-path.js'
import { parseGitDiff } from './diff.js'
import type { Change } from './model.js'

const MAX_DIFF_BYTES = 256 * 1024 * 1024
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/

export type GitRunner = (args: string[], cwd: string) => Promise<string>

/**
 * Runs git without a shell or a terminal prompt; arguments are passed as they are. child_process
 * (and the net and dgram modules it pulls in) loads on the first call, not at every start.
 */
export const runGit: GitRunner = async (args, cwd) => {
  const { execFile } = await import('node:child_process')
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        maxBuffer: MAX_DIFF_BYTES,
        encoding: 'utf8',
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${printable(stderr.trim() || errorMessage(error), 300)}`))
        else resolve(stdout)
      }
    )
  })
}

/**
 * The diff options every read of a change uses. The prefixes are explicit so a user's
 * diff.noprefix or diff.mnemonicPrefix setting cannot change the headers the parser reads; quoted
 * paths are off so names stay UTF-8; renames are followed so a moved file is one change.
 */
const DIFF_ARGS = [
  '-c',
  'core.quotePath=false',
  'diff',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--unified=0',
  '--find-renames',
  '--src-prefix=a/',
  '--dst-prefix=b/'
]

/** A literal pathspec: `*`, `?`, `[` and `:` in a file name are not patterns or magic. */
export function literalPathspec(p: string): string {
  return `:(literal)${p}`
}

/**
 * Resolves a ref the user typed (a branch, tag or SHA) to a commit SHA. `--end-of-options` keeps a
 * ref that starts with "-" from being read as an option.
 */
export async function resolveCommit(
  root: string,
  ref: string,
  what: string,
  git: GitRunner = runGit
): Promise<string> {
  if (ref.trim() === '' || /[\0\n\r]/.test(ref))
    throw new ConfigurationError(
      `${what} is empty or holds control characters; give a branch, tag or commit.`
    )
  try {
    const sha = (
      await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], root)
    ).trim()
    if (!SHA.test(sha)) throw new Error(`git printed "${printable(sha, 80)}"`)
    return sha
  } catch (error) {
    throw new ConfigurationError(
      `${what} "${printable(ref, 120)}" is not a commit in ${root} (${errorMessage(error) || 'unknown revision'}). Fetch it first (e.g. git fetch origin ${printable(ref, 60)}), or in a workflow check out with "fetch-depth: 0".`
    )
  }
}

/**
 * The change from `git diff --unified=0 --find-renames base...head` in the workspace: the merge
 * base to the head, as GitHub shows a pull request. `paths` limits it to some files (literal
 * pathspecs); both commits must be present (check out with `fetch-depth: 0`).
 */
export async function changeFromGit(
  root: string,
  commits: { base: string; head: string },
  opts: { git?: GitRunner; paths?: string[] } = {}
): Promise<Change> {
  const git = opts.git ?? runGit
  for (const [what, sha] of [
    ['base', commits.base],
    ['head', commits.head]
  ] as const) {
    if (!SHA.test(sha))
      throw new ConfigurationError(
        `The ${what} commit "${printable(sha, 80)}" is not a commit SHA; resolve the ref first.`
      )
  }
  const range = `${commits.base}...${commits.head}`
  let diff: string
  try {
    diff = await git([...DIFF_ARGS, range, '--', ...(opts.paths ?? []).map(literalPathspec)], root)
  } catch (error) {
    throw new ConfigurationError(
      `Cannot diff ${commits.base.slice(0, 12)}...${commits.head.slice(0, 12)} in ${root}: ${errorMessage(error)}. Both commits must be in the clone: check out with "fetch-depth: 0".`
    )
  }
  return {
    source: 'git',
    description: `git diff ${commits.base.slice(0, 12)}...${commits.head.slice(0, 12)}`,
    base: commits.base,
    head: commits.head,
    files: parseGitDiff(diff),
    notes: []
  }
}
