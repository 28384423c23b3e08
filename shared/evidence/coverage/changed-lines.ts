import path from 'node:path'
import { realpathSync } from 'node:fs'
import type { ChangedLines } from '../types.js'

/**
 * Changed (added or modified) lines per file from a unified diff (`git diff -U0` or a pull
 * request's .diff): the `+` side of each hunk, keyed by the new path. Deleted files are skipped.
 */
export function parseUnifiedDiff(diff: string): ChangedLines {
  const out: ChangedLines = new Map()
  let current: Set<number> | undefined
  let line = 0
  let oldLeft = 0
  let newLeft = 0
  for (const raw of diff.split('\n')) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (oldLeft > 0 || newLeft > 0) {
      // Inside a hunk: '+' lines are new, ' ' lines are context, '-' lines are gone.
      const c = text[0]
      if (c === '+') {
        current?.add(line++)
        newLeft--
        continue
      }
      if (c === '-') {
        oldLeft--
        continue
      }
      if (c === ' ' || text === '') {
        line++
        oldLeft--
        newLeft--
        continue
      }
      if (c === '\\') continue // "\ No newline at end of file"
      oldLeft = 0
      newLeft = 0
    }
    if (text.startsWith('+++ ')) {
      const target = diffPath(text.slice(4))
      current = target === undefined ? undefined : (out.get(target) ?? new Set<number>())
      if (target !== undefined && current) out.set(target, current)
      continue
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(text)
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1])
      line = Number(hunk[2])
      newLeft = hunk[3] === undefined ? 1 : Number(hunk[3])
    }
  }
  for (const [k, v] of out) if (v.size === 0) out.delete(k)
  return out
}

function diffPath(raw: string): string | undefined {
  let p = raw.split('\t')[0].trim()
  if (p === '/dev/null') return undefined
  if (p.startsWith('"') && p.endsWith('"')) p = p.slice(1, -1).replace(/\\(.)/g, '$1')
  if (p.startsWith('b/')) p = p.slice(2)
  return p.replace(/\\/g, '/')
}

/**
 * Finds the changed lines for a path as a coverage report names it: absolute paths are made
 * workspace-relative; otherwise a report path relative to a source folder (src/, lib/) matches a
 * changed path that ends with it.
 */
export class ChangedLinesIndex {
  private readonly realRoot: string
  constructor(private readonly changed: ChangedLines, root: string) {
    let r = root
    try {
      r = realpathSync(root)
    } catch {
      /* keep the given root */
    }
    this.realRoot = r
  }

  lookup(reportPath: string): Set<number> | undefined {
    let p = reportPath.replace(/\\/g, '/')
    if (path.isAbsolute(p)) {
      const rel = path.relative(this.realRoot, p).split(path.sep).join('/')
      const relGiven = path.relative(this.realRoot, p)
      p = rel.startsWith('..') || path.isAbsolute(relGiven) ? p : rel
    }
    if (p.startsWith('./')) p = p.slice(2)
    const exact = this.changed.get(p)
    if (exact) return exact
    for (const [key, lines] of this.changed) {
      if (key.endsWith(`/${p}`) || p.endsWith(`/${key}`)) return lines
    }
    return undefined
  }

  /** Display form of a report path: workspace-relative when it is inside the workspace. */
  display(reportPath: string): string {
    const p = reportPath.replace(/\\/g, '/')
    if (!path.isAbsolute(p)) return p.startsWith('./') ? p.slice(2) : p
    const rel = path.relative(this.realRoot, p)
    return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel.split(path.sep).join('/')
  }
}
