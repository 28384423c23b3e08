/**
 * The one model of a change (a pull request, or `git diff base...head`): which files it touches
 * and which lines it adds, modifies and deletes. Every rule about "the change" reads it: new-code
 * coverage, changed mutants, change size, small-change exemptions.
 */

export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied'

export interface FileChange {
  /** Repository path after the change; for a deleted file, its path before. Forward slashes. */
  path: string
  /** The path before a rename or copy. */
  previousPath?: string
  status: FileStatus
  /** New-side line numbers of the lines the change added or modified ("+" lines), ascending. */
  added: number[]
  /** The subset of `added` that replaced removed lines: modified rather than new. */
  modified: number[]
  /** Old-side line numbers of the removed lines ("-" lines). */
  deleted: number[]
  /** Lines added and removed (equal to added.length and deleted.length when the patch is whole). */
  additions: number
  deletions: number
  binary?: boolean
}

export interface Change {
  /** Where the lines came from: the pull request's files API, or git in the workspace. */
  source: 'pull-request' | 'git'
  /** What the change is, for messages: "pull request #7" or "git diff 1a2b3c...4d5e6f". */
  description: string
  base?: string
  head?: string
  files: FileChange[]
  /** How the model was built, when it took a fallback (truncated patches read from git, ...). */
  notes: string[]
}

/** Changed (added or modified) lines per new path: what coverage and mutation readers take. */
export function changedLinesOf(change: Change): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>()
  for (const f of change.files) {
    if (f.status === 'deleted' || f.added.length === 0) continue
    const set = out.get(f.path) ?? new Set<number>()
    for (const l of f.added) set.add(l)
    out.set(f.path, set)
  }
  return out
}

export interface ChangeTotals {
  files: number
  linesAdded: number
  linesDeleted: number
  /** Added + deleted, as GitHub's "+120 −30" adds up. */
  lines: number
}

export function changeTotals(change: Change): ChangeTotals {
  let linesAdded = 0
  let linesDeleted = 0
  for (const f of change.files) {
    linesAdded += f.additions
    linesDeleted += f.deletions
  }
  return { files: change.files.length, linesAdded, linesDeleted, lines: linesAdded + linesDeleted }
}

/** "12-14, 20": ascending line numbers as ranges of consecutive lines. */
export function lineRanges(lines: Iterable<number>): string {
  return lineRuns(lines)
    .map(([a, b]) => (a === b ? String(a) : `${a}-${b}`))
    .join(', ')
}

/** Ascending line numbers grouped into [first, last] runs of consecutive lines. */
export function lineRuns(lines: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(lines)].sort((a, b) => a - b)
  const out: Array<[number, number]> = []
  for (const l of sorted) {
    const last = out[out.length - 1]
    if (last && l === last[1] + 1) last[1] = l
    else out.push([l, l])
  }
  return out
}
