import { lstatSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import picomatch from 'picomatch'
import { ConfigurationError, EvidenceError } from './errors.js'
import { printable, resolveInWorkspace, workspaceRelative } from './safe-path.js'

const SKIP_DIRS = new Set(['node_modules', '.git'])

/**
 * Most `*` wildcards allowed in one path segment of a pattern that picomatch matches. Its regexes
 * backtrack polynomially in the number of stars: `*a*a*a*` takes seconds per 255-character file
 * name and `*a*a*a*a*a*a*a*a*a*a*a` minutes, and patterns come from the (pull-request-controlled)
 * graph. Patterns made only of literals, `?`, `*` and `**` do not go through picomatch at all:
 * they are matched by a linear-time matcher below, with no limit.
 */
export const MAX_STARS_PER_SEGMENT = 2
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
      absBase = resolveInWorkspace(
        this.root,
        base,
        this.errors === 'evidence' ? 'evidence path' : 'path'
      )
    } catch (error) {
      if (error instanceof ConfigurationError && this.errors === 'evidence') {
        throw new EvidenceError(printable(pattern), 'outside-workspace', error.message)
      }
      throw error
    }
    const isMatch = globMatcher(p)
    const relBase = workspaceRelative(this.root, absBase)
    const files = this.walk(absBase, relBase === '.' ? '' : relBase)
    return files.filter((f) => isMatch(f))
  }

  /** Whether a workspace-relative file matches a glob (used for "!" exclusions). */
  matches(pattern: string, file: string): boolean {
    return globMatcher(normalisePattern(pattern))(file)
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
          if (this.errors === 'evidence')
            throw new EvidenceError(relBase || '.', 'too-large', message)
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

const matcherCache = new Map<string, (file: string) => boolean>()

/**
 * A matcher for a workspace-relative path (`dot: true` semantics: `*` and `**` match dot files).
 * Simple patterns get a matcher that runs in time linear in pattern × path; patterns with
 * classes, braces or extglobs go to picomatch, after the star count per segment is checked.
 */
export function globMatcher(pattern: string): (file: string) => boolean {
  const cached = matcherCache.get(pattern)
  if (cached) return cached
  const matcher = isSimpleGlob(pattern) ? simpleMatcher(pattern) : boundedPicomatch(pattern)
  if (matcherCache.size > 1000) matcherCache.clear()
  matcherCache.set(pattern, matcher)
  return matcher
}

/** Only literal characters, `?`, `*` and whole-segment `**`: no classes, braces, extglobs or escapes. */
function isSimpleGlob(pattern: string): boolean {
  if (/[[\]{}()\\!+@]/.test(pattern) || pattern.startsWith('#')) return false
  // "." and ".." segments have picomatch's own rules; they are never in a walked path anyway.
  return !pattern.split('/').some((s) => s === '.' || s === '..' || s === '')
}

function boundedPicomatch(pattern: string): (file: string) => boolean {
  assertBoundedGlob(pattern)
  return picomatch(pattern, { dot: true })
}

/**
 * Refuses a pattern whose regex would backtrack for minutes (more than MAX_STARS_PER_SEGMENT `*`
 * in one segment). Every pattern from a file or input that reaches picomatch outside globMatcher
 * goes through this first.
 */
export function assertBoundedGlob(pattern: string): void {
  for (const segment of pattern.split('/')) {
    if (segment === '**') continue
    const stars = (segment.match(/\*/g) ?? []).length
    if (stars > MAX_STARS_PER_SEGMENT) {
      throw new ConfigurationError(
        `The glob "${printable(pattern)}" has ${stars} * wildcards in the path segment "${printable(segment, 60)}"; at most ${MAX_STARS_PER_SEGMENT} are allowed ` +
          'in one path segment of a pattern matched by regular expression, because such patterns take minutes to match. Split it into simpler patterns.'
      )
    }
  }
}

/** picomatch over patterns that passed assertBoundedGlob, for callers that need its options. */
export function boundedMatcher(
  patterns: readonly string[],
  options: picomatch.PicomatchOptions
): (file: string) => boolean {
  for (const p of patterns) assertBoundedGlob(p)
  return picomatch([...patterns], options)
}

/**
 * `**` segments match any number of path segments (memoised over positions: O(pattern × path)
 * segments); other segments are split at `*` into fixed-length parts, and each part is found at
 * its leftmost position, which is always the best choice when only `*` lies between parts.
 */
function simpleMatcher(pattern: string): (file: string) => boolean {
  // `**/**` is `**`.
  const raw = pattern.split('/').filter((s, i, all) => !(s === '**' && all[i - 1] === '**'))
  const segments = raw.map((s) => (s === '**' ? null : segmentMatcher(s)))
  // picomatch's rule, kept so results do not change: a trailing `/**` after a segment that ends in
  // `*` (`reports/*/**`) needs at least one more segment; after anything else it may match none.
  const last = raw.length - 1
  const lastNeedsOne =
    last > 0 && raw[last] === '**' && raw[last - 1] !== '**' && raw[last - 1].endsWith('*')
  return (file: string) => {
    const parts = file.split('/')
    const memo = new Map<number, boolean>()
    const match = (pi: number, fi: number): boolean => {
      const key = pi * (parts.length + 1) + fi
      const known = memo.get(key)
      if (known !== undefined) return known
      let result: boolean
      if (pi === segments.length) result = fi === parts.length
      else {
        const seg = segments[pi]
        if (seg === null) {
          result = false
          for (let k = pi === last && lastNeedsOne ? fi + 1 : fi; k <= parts.length && !result; k++)
            result = match(pi + 1, k)
        } else result = fi < parts.length && seg(parts[fi]) && match(pi + 1, fi + 1)
      }
      memo.set(key, result)
      return result
    }
    return match(0, 0)
  }
}

function segmentMatcher(segment: string): (name: string) => boolean {
  const pieces = segment.split('*')
  const at = (name: string, start: number, piece: string) => {
    if (start + piece.length > name.length) return false
    for (let i = 0; i < piece.length; i++)
      if (piece[i] !== '?' && piece[i] !== name[start + i]) return false
    return true
  }
  return (name: string) => {
    if (name === '') return false
    if (pieces.length === 1) return name.length === segment.length && at(name, 0, segment)
    const first = pieces[0]
    const last = pieces[pieces.length - 1]
    if (first.length + last.length > name.length) return false
    if (!at(name, 0, first) || !at(name, name.length - last.length, last)) return false
    let pos = first.length
    const end = name.length - last.length
    for (let i = 1; i < pieces.length - 1; i++) {
      const piece = pieces[i]
      let found = -1
      for (let j = pos; j + piece.length <= end; j++) {
        if (at(name, j, piece)) {
          found = j
          break
        }
      }
      if (found < 0) return false
      pos = found + piece.length
    }
    return true
  }
}
