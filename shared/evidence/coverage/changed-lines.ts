import path from 'node:path'
import { existsSync, realpathSync } from 'node:fs'
import { changedLinesOf } from '../../change/model.js'
import { parseGitDiff } from '../../change/diff.js'
import type { ChangedLines } from '../types.js'

/**
 * Changed (added or modified) lines per file from a unified diff (`git diff -U0` or a pull
 * request's .diff): the `+` side of each hunk, keyed by the new path. Deleted files are skipped.
 * The same parser as the change model (shared/change), so both agree line for line.
 */
export function parseUnifiedDiff(diff: string): ChangedLines {
  return changedLinesOf({ source: 'git', description: 'diff', files: parseGitDiff(diff), notes: [] })
}

/** Report-path prefix → repository-path prefix, tried in order (the `path-map` of a declaration). */
export type PathMap = ReadonlyArray<readonly [string, string]>

/**
 * Finds the changed lines for a path as a coverage or mutation report names it:
 * 1. the declaration's path-map rewrites a prefix (`/app/` → ``, `com/` → `src/main/java/com/`);
 * 2. an absolute path inside the workspace becomes workspace-relative;
 * 3. an exact match wins; else a unique changed path that ends with the report path (a report
 *    relative to a source folder, JaCoCo's package paths), or a report path that ends with a
 *    changed path (a report written in another checkout or container: the prefix is stripped).
 * An ambiguous suffix (two changed files end with it) matches nothing rather than the wrong file.
 */
export class ChangedLinesIndex {
  private readonly realRoot: string
  /** Every "/"-boundary suffix of every changed path → that path; null when two paths share it. */
  private readonly suffixes = new Map<string, string | null>()
  private matched = 0
  private readonly unmatched: string[] = []
  private existsSeen = false

  constructor(
    private readonly changed: ChangedLines,
    private readonly root: string,
    private readonly pathMap: PathMap = []
  ) {
    let r = root
    try {
      r = realpathSync(root)
    } catch {
      /* keep the given root */
    }
    this.realRoot = r
    for (const key of changed.keys()) {
      for (let i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
        const suffix = key.slice(i + 1)
        this.suffixes.set(suffix, this.suffixes.has(suffix) ? null : key)
      }
    }
  }

  /** The repository path a report path stands for, when it is in the change. */
  resolve(reportPath: string): string | undefined {
    const p = this.normalise(reportPath)
    if (this.changed.has(p)) return p
    const bySuffix = this.suffixes.get(p)
    if (bySuffix) return bySuffix
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
      const tail = p.slice(i + 1)
      if (this.changed.has(tail)) return tail
    }
    return undefined
  }

  lookup(reportPath: string): Set<number> | undefined {
    const key = this.resolve(reportPath)
    if (key !== undefined) {
      this.matched++
      return this.changed.get(key)
    }
    if (this.matched === 0 && !this.existsSeen) {
      // Only looked at until one report file is placed in the repository: a cheap check that the
      // report's paths and the repository's paths can meet at all.
      if (this.existsInRepository(reportPath)) this.existsSeen = true
      else if (this.unmatched.length < 10) this.unmatched.push(reportPath)
    }
    return undefined
  }

  /**
   * Why new-code coverage cannot be trusted, when no file of the report could be placed in the
   * repository (neither a changed file nor a file on disk) although the change has files of the
   * kinds the report covers: the paths need a path-map.
   */
  mismatch(reportPaths: readonly string[]): string | undefined {
    if (this.matched > 0 || this.existsSeen || reportPaths.length === 0 || this.unmatched.length === 0) return undefined
    const reportExts = new Set(reportPaths.map(extension).filter(Boolean))
    const candidates = [...this.changed.keys()].filter((k) => reportExts.has(extension(k)))
    if (candidates.length === 0) return undefined
    const shown = this.unmatched.slice(0, 5).map((p) => `"${p}"`)
    return (
      `none of its ${reportPaths.length} source file(s) is a file of this repository (${shown.join(', ')}${reportPaths.length > shown.length ? ', ...' : ''}), ` +
      `while the change has ${candidates.length} such file(s) (${candidates.slice(0, 5).join(', ')}${candidates.length > 5 ? ', ...' : ''}). ` +
      `Map the report's paths onto the repository with "path-map" on the coverage evidence, e.g. path-map: { "${suggestPrefix(this.unmatched[0])}": "" }.`
    )
  }

  /** Display form of a report path: workspace-relative when it is inside the workspace. */
  display(reportPath: string): string {
    return this.normalise(reportPath)
  }

  /** The repository path for findings and annotations: the changed file it matched, else display(). */
  repositoryPath(reportPath: string): string {
    return this.resolve(reportPath) ?? this.normalise(reportPath)
  }

  /** Each report path is normalised once: lookup, display and the mismatch check all need it. */
  private readonly normalised = new Map<string, string>()

  private normalise(reportPath: string): string {
    let n = this.normalised.get(reportPath)
    if (n === undefined) {
      n = this.normaliseOnce(reportPath)
      this.normalised.set(reportPath, n)
    }
    return n
  }

  private normaliseOnce(reportPath: string): string {
    let p = reportPath.replace(/\\/g, '/')
    for (const [from, to] of this.pathMap) {
      if (p.startsWith(from)) {
        p = to + p.slice(from.length)
        break
      }
    }
    const prefix = this.realRoot.endsWith('/') ? this.realRoot : `${this.realRoot}/`
    if (p.startsWith(prefix) && !DOT_SEGMENT.test(p.slice(prefix.length - 1))) {
      // The common case (an absolute path under the workspace) without path.relative's cost.
      p = p.slice(prefix.length)
    } else if (path.isAbsolute(p)) {
      const relGiven = path.relative(this.realRoot, p)
      const rel = relGiven.split(path.sep).join('/')
      if (!rel.startsWith('..') && !path.isAbsolute(relGiven)) p = rel
      else {
        const relRaw = path.relative(this.root, p)
        if (!relRaw.startsWith('..') && !path.isAbsolute(relRaw)) p = relRaw.split(path.sep).join('/')
      }
    }
    while (p.startsWith('./')) p = p.slice(2)
    return p
  }

  private existsInRepository(reportPath: string): boolean {
    const p = this.normalise(reportPath)
    if (path.isAbsolute(p) || p.startsWith('../')) return false
    return existsSync(path.join(this.realRoot, p))
  }
}

/** "//", "/./" or "/../": a path path.relative must normalise. */
const DOT_SEGMENT = /\/\.{0,2}\//

function extension(p: string): string {
  const base = p.slice(p.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot).toLowerCase() : ''
}

/** The folder part of an unmatched path, as the likeliest prefix to strip. */
function suggestPrefix(p: string): string {
  const n = p.replace(/\\/g, '/')
  const src = n.search(/\/(src|lib|app|source|main)\//)
  if (src >= 0) return n.slice(0, src + 1)
  const slash = n.lastIndexOf('/')
  return slash >= 0 ? n.slice(0, slash + 1) : n
}
