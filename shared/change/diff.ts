import type { FileChange, FileStatus } from './model.js'

/**
 * Unified-diff parsing into line sets. Two inputs share the hunk logic: a whole `git diff` (with
 * `diff --git` headers, renames, binary files) and the bare `patch` of one file that the GitHub
 * pull-request files API returns (hunks only, with context lines).
 */

/** The lines one file's hunks add and remove. */
export interface HunkLines {
  /** New-side numbers of '+' lines: lines the change added or modified. */
  added: number[]
  /** The subset of `added` that replaced '-' lines in the same block: modified rather than new. */
  modified: number[]
  /** Old-side numbers of '-' lines. */
  deleted: number[]
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/

/**
 * Reads hunks line by line. A block of '-' lines followed by '+' lines pairs them up: the first
 * min(removed, added) '+' lines are modifications, the rest additions, as review tools show them.
 */
class HunkReader {
  readonly lines: HunkLines = { added: [], modified: [], deleted: [] }
  private oldLine = 0
  private newLine = 0
  private oldLeft = 0
  private newLeft = 0
  private blockDeleted = 0
  private blockAdded = 0

  get inHunk(): boolean {
    return this.oldLeft > 0 || this.newLeft > 0
  }

  /** Takes one line; returns false when the line is not part of a hunk (a header). */
  feed(text: string): boolean {
    if (this.inHunk) {
      const c = text[0]
      if (c === '+') {
        this.lines.added.push(this.newLine)
        if (this.blockAdded < this.blockDeleted) this.lines.modified.push(this.newLine)
        this.blockAdded++
        this.newLine++
        this.newLeft--
        return true
      }
      if (c === '-') {
        // A '-' after '+' lines starts a new block.
        if (this.blockAdded > 0) this.endBlock()
        this.lines.deleted.push(this.oldLine)
        this.blockDeleted++
        this.oldLine++
        this.oldLeft--
        return true
      }
      if (c === ' ' || text === '') {
        this.endBlock()
        this.oldLine++
        this.newLine++
        this.oldLeft--
        this.newLeft--
        return true
      }
      if (c === '\\') return true // "\ No newline at end of file"
      // A hunk shorter than its header said: the diff was cut; stop reading it as a hunk.
      this.oldLeft = 0
      this.newLeft = 0
    }
    const m = HUNK.exec(text)
    if (!m) return false
    this.endBlock()
    this.oldLine = Number(m[1])
    this.oldLeft = m[2] === undefined ? 1 : Number(m[2])
    this.newLine = Number(m[3])
    this.newLeft = m[4] === undefined ? 1 : Number(m[4])
    return true
  }

  private endBlock(): void {
    this.blockDeleted = 0
    this.blockAdded = 0
  }
}

/** The line sets of one file's patch, as the pull-request files API gives it. */
export function parsePatch(patch: string): HunkLines {
  const reader = new HunkReader()
  for (const raw of patch.split('\n')) reader.feed(raw.endsWith('\r') ? raw.slice(0, -1) : raw)
  return reader.lines
}

interface Pending {
  oldPath?: string
  newPath?: string
  status: FileStatus
  binary: boolean
  /** Seen "+++": a later "--- " outside a hunk starts the next file of a plain diff. */
  headerDone?: boolean
  reader: HunkReader
}

/**
 * Every file of a `git diff` (run with `--src-prefix=a/ --dst-prefix=b/`, as changeFromGit does):
 * its paths before and after, its status, and its added, modified and deleted lines.
 */
export function parseGitDiff(diff: string): FileChange[] {
  const out: FileChange[] = []
  let cur: Pending | undefined
  const finish = () => {
    if (!cur) return
    const file = toFileChange(cur)
    if (file) out.push(file)
    cur = undefined
  }
  for (const raw of diff.split('\n')) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (text.startsWith('diff --git ')) {
      finish()
      cur = { status: 'modified', binary: false, reader: new HunkReader() }
      const both = splitGitHeader(text.slice('diff --git '.length))
      if (both) {
        cur.oldPath = both[0]
        cur.newPath = both[1]
      }
      continue
    }
    if (text.startsWith('--- ') && (!cur || (cur.headerDone && !cur.reader.inHunk))) {
      // A diff without git headers (plain `diff -u`): each "--- " starts a file.
      finish()
      cur = { status: 'modified', binary: false, reader: new HunkReader() }
    }
    if (!cur) continue
    if (cur.reader.feed(text)) continue
    if (text.startsWith('--- ')) {
      const p = diffPath(text.slice(4), 'a/')
      if (p === undefined) cur.status = 'added'
      else cur.oldPath = p
    } else if (text.startsWith('+++ ')) {
      const p = diffPath(text.slice(4), 'b/')
      cur.headerDone = true
      if (p === undefined) cur.status = 'deleted'
      else cur.newPath = p
    } else if (text.startsWith('new file mode')) {
      cur.status = 'added'
    } else if (text.startsWith('deleted file mode')) {
      cur.status = 'deleted'
    } else if (text.startsWith('rename from ')) {
      cur.status = 'renamed'
      cur.oldPath = unquote(text.slice('rename from '.length))
    } else if (text.startsWith('rename to ')) {
      cur.newPath = unquote(text.slice('rename to '.length))
    } else if (text.startsWith('copy from ')) {
      cur.status = 'copied'
      cur.oldPath = unquote(text.slice('copy from '.length))
    } else if (text.startsWith('copy to ')) {
      cur.newPath = unquote(text.slice('copy to '.length))
    } else if (text.startsWith('Binary files ') || text === 'GIT binary patch') {
      cur.binary = true
    }
  }
  finish()
  return out
}

function toFileChange(p: Pending): FileChange | undefined {
  const path = p.status === 'deleted' ? (p.oldPath ?? p.newPath) : (p.newPath ?? p.oldPath)
  if (path === undefined) return undefined
  const { added, modified, deleted } = p.reader.lines
  const previousPath =
    (p.status === 'renamed' || p.status === 'copied') &&
    p.oldPath !== undefined &&
    p.oldPath !== path
      ? p.oldPath
      : undefined
  return {
    path,
    ...(previousPath ? { previousPath } : {}),
    status: p.status,
    added,
    modified,
    deleted,
    additions: added.length,
    deletions: deleted.length,
    ...(p.binary ? { binary: true } : {})
  }
}

/** "a/x b/x" → [x, x]; only the unambiguous cases (quoted, or both sides the same path). */
function splitGitHeader(rest: string): [string, string] | undefined {
  if (rest.startsWith('"')) {
    const end = closingQuote(rest)
    if (end < 0) return undefined
    const a = unquote(rest.slice(0, end + 1))
    const b = unquote(rest.slice(end + 2))
    return [strip(a, 'a/'), strip(b, 'b/')]
  }
  if (rest.endsWith('"')) return undefined
  const n = (rest.length - 5) / 2
  if (!Number.isInteger(n) || n <= 0) return undefined
  const a = rest.slice(2, 2 + n)
  if (rest.slice(0, 2) === 'a/' && rest.slice(2 + n) === ` b/${a}`) return [a, a]
  return undefined
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++
    else if (s[i] === '"') return i
  }
  return -1
}

function diffPath(raw: string, prefix: string): string | undefined {
  // A tab separates the name from a timestamp in plain `diff -u` output.
  let p = raw.startsWith('"') ? unquote(raw.slice(0, closingQuote(raw) + 1)) : raw.split('\t')[0]
  if (p === '/dev/null') return undefined
  p = strip(p, prefix)
  return p.replace(/\\/g, '/')
}

function strip(p: string, prefix: string): string {
  return p.startsWith(prefix) ? p.slice(prefix.length) : p
}

const ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  '\\': 92
}

/**
 * Git's C-style quoting of unusual names: "\303\251" is the UTF-8 bytes of "é". Unquoted text is
 * returned as it is.
 */
export function unquote(text: string): string {
  if (!(text.length >= 2 && text.startsWith('"') && text.endsWith('"'))) return text
  const bytes: number[] = []
  const body = text.slice(1, -1)
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'))
      continue
    }
    const next = body[i + 1]
    if (next !== undefined && /[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))?.[0] ?? next
      bytes.push(parseInt(oct, 8) & 0xff)
      i += oct.length
    } else if (next !== undefined && ESCAPES[next] !== undefined) {
      bytes.push(ESCAPES[next])
      i++
    } else {
      bytes.push(92)
    }
  }
  return Buffer.from(bytes).toString('utf8')
}
