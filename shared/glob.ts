import { lstatSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import picomatch from 'picomatch'
import { ConfigurationError, EvidenceError } from './errors.js'
import { printable, resolveInWorkspace, workspaceRelative } from './safe-path.js'

const SKIP_DIRS = new Set(['node_modules', '.git'])
export const MAX_WALK_ENTRIES = 500_000

export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob
}

/** Normalises a declared path: forward slashes, no leading "./". */
export function normalisePattern(p: string): string {
  let out = p.trim().replace(/\\/g, '/')
  while (out.startsWith('./')) out = out.slice(2)
  return out
}

/**
 * Lists workspace files matching globs. The tree is walked from each pattern's static base (so
 * `reports/**` never walks src/), skipping node_modules and .git and never descending into a
 * symlinked folder. Symlinked files are listed: readers then refuse those that lead outside.
 * Results are workspace-relative, sorted, with forward slashes. Walks are cached per base.
 *
 * A pattern whose base leaves the workspace is an EvidenceError for evidence (so it becomes a
 * result naming the file) and a ConfigurationError elsewhere (`errors: 'configuration'`).
 */
export class WorkspaceGlob {
  private readonly walked = new Map<string, string[]>()
  constructor(
    private readonly root: string,
    private readonly errors: 'evidence' | 'configuration' = 'evidence'
  ) {}

  match(pattern: string): string[] {
    const p = normalisePattern(pattern)
    const scan = picomatch.scan(p)
    const base = scan.base === '' ? '.' : scan.base
    let absBase: string
    try {
      absBase = resolveInWorkspace(this.root, base, this.errors === 'evidence' ? 'evidence path' : 'path')
    } catch (error) {
      if (error instanceof ConfigurationError && this.errors === 'evidence') {
        throw new EvidenceError(printable(pattern), 'outside-workspace', error.message)
      }
      throw error
    }
    const relBase = workspaceRelative(this.root, absBase)
    const files = this.walk(absBase, relBase === '.' ? '' : relBase)
    const isMatch = picomatch(p, { dot: true })
    return files.filter((f) => isMatch(f))
  }

  /** Whether a workspace-relative file matches a glob (used for "!" exclusions). */
  matches(pattern: string, file: string): boolean {
    return picomatch(normalisePattern(pattern), { dot: true })(file)
  }

  private walk(absBase: string, relBase: string): string[] {
    const cached = this.walked.get(absBase)
    if (cached) return cached
    const out: string[] = []
    const stack: Array<[string, string]> = [[absBase, relBase]]
    let entries = 0
    while (stack.length > 0) {
      const [dir, rel] = stack.pop() as [string, string]
      let list
      try {
        if (!lstatSync(dir).isDirectory()) continue
        list = readdirSync(dir, { withFileTypes: true })
      } catch {
        continue // unreadable folders are skipped; a missing match is reported by the caller
      }
      for (const e of list) {
        if (++entries > MAX_WALK_ENTRIES) {
          const message = `holds over ${MAX_WALK_ENTRIES} entries; narrow the glob.`
          if (this.errors === 'evidence') throw new EvidenceError(relBase || '.', 'too-large', message)
          throw new ConfigurationError(`${relBase || '.'} ${message}`)
        }
        const childRel = rel ? `${rel}/${e.name}` : e.name
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) stack.push([path.join(dir, e.name), childRel])
        } else if (e.isFile() || e.isSymbolicLink()) {
          out.push(childRel)
        }
      }
    }
    out.sort()
    this.walked.set(absBase, out)
    return out
  }
}

/**
 * Files matching a repo-relative glob (or one plain path) for configuration: artifact
 * requirements, mutation targets. Refuses patterns that leave the workspace with a
 * ConfigurationError.
 */
export function globFiles(root: string, pattern: string): string[] {
  const normalised = normalisePattern(pattern)
  if (!isGlob(normalised)) {
    const file = resolveInWorkspace(root, normalised, 'path')
    return isFile(file) ? [workspaceRelative(root, file)] : []
  }
  return new WorkspaceGlob(root, 'configuration').match(normalised)
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}
