import { createHash } from 'node:crypto'
import { createReadStream, promises as fsp } from 'node:fs'
import path from 'node:path'
import { EvidenceError } from '../errors.js'

/**
 * Where an evidence file came from, for the two checks that must not trust a path or a file time:
 * duplicates (one report reached through two globs, a symlink or a copy is read once) and
 * freshness (max_age_hours means produced in this run, which a checkout's file time cannot show).
 */

/** A file dropped from an evidence set because another file of the set is the same report. */
export interface DroppedDuplicate {
  file: string
  sameAs: string
  reason: 'same file' | 'identical content'
}

/**
 * Keeps the first of each group of files that are the same report: the same real path (two globs,
 * `reports/./j.xml`, a symlink) or byte-identical content (a copy). Content is hashed only for files
 * of equal size, so the common case costs one realpath and one stat per file. Files that cannot
 * be resolved or are not regular files are kept, for the reader to report.
 */
export async function dropDuplicates(
  root: string,
  files: string[]
): Promise<{ files: string[]; dropped: DroppedDuplicate[] }> {
  const byReal = new Map<string, string>()
  const bySize = new Map<number, Array<{ file: string; real: string; hash?: string }>>()
  const kept: string[] = []
  const dropped: DroppedDuplicate[] = []
  const realRoot = await fsp.realpath(root).catch(() => path.resolve(root))
  for (const file of files) {
    let real: string
    let size: number
    try {
      real = await fsp.realpath(path.resolve(root, file))
      // Nothing outside the workspace is read here, not even to hash it: the reader refuses it.
      if (
        path.relative(realRoot, real).startsWith('..') ||
        path.isAbsolute(path.relative(realRoot, real))
      )
        throw new Error('outside the workspace')
      const st = await fsp.stat(real)
      if (!st.isFile()) throw new Error('not a regular file')
      size = st.size
    } catch {
      kept.push(file)
      continue
    }
    const first = byReal.get(real)
    if (first !== undefined) {
      dropped.push({ file, sameAs: first, reason: 'same file' })
      continue
    }
    byReal.set(real, file)
    const peers = bySize.get(size) ?? []
    if (peers.length > 0 && size > 0) {
      const hash = await hashFile(real)
      let twin: string | undefined
      for (const p of peers) {
        p.hash ??= await hashFile(p.real)
        if (p.hash !== undefined && p.hash === hash) {
          twin = p.file
          break
        }
      }
      if (twin !== undefined && hash !== undefined) {
        dropped.push({ file, sameAs: twin, reason: 'identical content' })
        continue
      }
      peers.push({ file, real, hash })
    } else {
      peers.push({ file, real })
    }
    bySize.set(size, peers)
    kept.push(file)
  }
  return { files: kept, dropped }
}

async function hashFile(absolute: string): Promise<string | undefined> {
  try {
    const hash = createHash('sha256')
    for await (const chunk of createReadStream(absolute)) hash.update(chunk as Buffer)
    return hash.digest('hex')
  } catch {
    return undefined
  }
}

/**
 * Refuses, for max_age_hours, evidence that this run did not produce:
 * - a file git tracks and this run left unchanged: it was committed, and checkout set its file time
 *   to the moment of the clone, so its age would read as minutes;
 * - a file written before `runStartedAt` (the run's start, when the caller knows it).
 * Git missing or the workspace not being a repository skips the first check (the file time is then
 * the real write time); any other git failure is an error, never a pass.
 */
export async function checkProducedInRun(
  root: string,
  display: string,
  mtimeMs: number,
  declName: string,
  runStartedAt?: Date
): Promise<void> {
  if (runStartedAt !== undefined && mtimeMs < runStartedAt.getTime()) {
    throw new EvidenceError(
      display,
      'stale',
      `was written at ${new Date(mtimeMs).toISOString()}, before this run started (${runStartedAt.toISOString()}); max_age_hours on "${declName}" needs evidence produced in this run, so regenerate it in a step before this one.`
    )
  }
  const tracked = await git(root, ['ls-files', '--error-unmatch', '--', `:(literal)${display}`])
  if (tracked === 'no-repo' || tracked.code !== 0) return
  const diff = await git(root, ['diff', '--quiet', 'HEAD', '--', `:(literal)${display}`])
  if (diff === 'no-repo') return
  // No commit yet (the file is only staged): it was not committed, so its file time is real.
  if (
    diff.code === 128 &&
    /bad revision|unknown revision|ambiguous argument 'HEAD'/i.test(diff.stderr)
  )
    return
  if (diff.code === 0) {
    throw new EvidenceError(
      display,
      'stale',
      `is committed in git and unchanged in this run, so its file time (set by the checkout) does not tell when it was produced; max_age_hours on "${declName}" needs evidence generated in this run. Generate it in a step before this one, and stop committing it.`
    )
  }
  if (diff.code !== 1) {
    throw new EvidenceError(
      display,
      'unreadable',
      `could not be checked against git for max_age_hours on "${declName}" (git diff exited ${diff.code}: ${diff.stderr.trim().slice(0, 200)}).`
    )
  }
}

type GitResult = { code: number; stderr: string } | 'no-repo'

async function git(root: string, args: string[]): Promise<GitResult> {
  const { execFile } = await import('node:child_process')
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd: root, timeout: 20_000, maxBuffer: 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve({ code: 0, stderr: String(stderr) })
        const e = error as NodeJS.ErrnoException & { code?: number | string }
        // git not installed, or the workspace is not a repository: nothing to learn from git.
        if (e.code === 'ENOENT' || /not a git repository/i.test(String(stderr)))
          return resolve('no-repo')
        resolve({ code: typeof e.code === 'number' ? e.code : -1, stderr: String(stderr) })
      }
    )
  })
}
