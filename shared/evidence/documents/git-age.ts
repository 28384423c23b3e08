import { stat } from 'node:fs/promises'

/**
 * When a file last changed: the committer time of the last commit touching it, else (not in git,
 * uncommitted, git missing) its modification time. Arguments go to git as argv, never a shell,
 * and the path as a literal pathspec: `ADR-1*.md` is a file name, not a glob that would also
 * match a fresh ADR-10.md and hide a stale file's age.
 */
export async function lastChanged(
  root: string,
  relativePath: string,
  absolutePath: string
): Promise<{ time: Date; source: 'git' | 'mtime'; problem?: string }> {
  // child_process is loaded only here: most runs never ask for an artifact's age.
  const { execFile } = await import('node:child_process')
  // In a shallow clone the oldest commit present stands in for all the history cut off, so a file
  // untouched for years reads as changed at that commit: fail closed instead.
  if (await isShallow(root, execFile)) {
    return {
      time: new Date(0),
      source: 'git',
      problem: `${relativePath}: the repository is a shallow clone, so git history cannot tell when this file last changed (it would look as recent as the oldest fetched commit); fetch the full history, e.g. actions/checkout with fetch-depth: 0.`
    }
  }
  const fromGit = await new Promise<number | undefined>((resolve) => {
    execFile(
      'git',
      ['log', '-1', '--format=%ct', '--', `:(literal)${relativePath}`],
      { cwd: root, timeout: 10_000, maxBuffer: 64 * 1024 },
      (error, stdout) => {
        if (error) return resolve(undefined)
        const seconds = Number(String(stdout).trim())
        resolve(
          String(stdout).trim() !== '' && Number.isFinite(seconds) ? seconds * 1000 : undefined
        )
      }
    )
  })
  if (fromGit !== undefined) return { time: new Date(fromGit), source: 'git' }
  return { time: (await stat(absolutePath)).mtime, source: 'mtime' }
}

const shallowByRoot = new Map<string, Promise<boolean>>()

/** `git rev-parse --is-shallow-repository`, once per workspace; false when git cannot say. */
function isShallow(
  root: string,
  execFile: typeof import('node:child_process').execFile
): Promise<boolean> {
  let known = shallowByRoot.get(root)
  if (!known) {
    known = new Promise<boolean>((resolve) => {
      execFile(
        'git',
        ['rev-parse', '--is-shallow-repository'],
        { cwd: root, timeout: 10_000, maxBuffer: 64 * 1024 },
        (error, stdout) => {
          resolve(!error && String(stdout).trim() === 'true')
        }
      )
    })
    shallowByRoot.set(root, known)
  }
  return known
}
