import { stat } from 'node:fs/promises'

/**
 * When a file last changed: the committer time of the last commit touching it, else (not in git,
 * uncommitted, git missing) its modification time. Arguments go to git as argv, never a shell.
 */
export async function lastChanged(root: string, relativePath: string, absolutePath: string): Promise<{ time: Date; source: 'git' | 'mtime' }> {
  // child_process is loaded only here: most runs never ask for an artifact's age.
  const { execFile } = await import('node:child_process')
  const fromGit = await new Promise<number | undefined>((resolve) => {
    execFile('git', ['log', '-1', '--format=%ct', '--', relativePath], { cwd: root, timeout: 10_000, maxBuffer: 64 * 1024 }, (error, stdout) => {
      if (error) return resolve(undefined)
      const seconds = Number(String(stdout).trim())
      resolve(String(stdout).trim() !== '' && Number.isFinite(seconds) ? seconds * 1000 : undefined)
    })
  })
  if (fromGit !== undefined) return { time: new Date(fromGit), source: 'git' }
  return { time: (await stat(absolutePath)).mtime, source: 'mtime' }
}
