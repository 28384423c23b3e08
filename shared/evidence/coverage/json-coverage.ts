import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import type { OpenedEvidence } from '../evidence-file.js'
import { finiteNumber, isRecord, ownEntries } from '../json-file.js'
import { streamJson } from '../json-stream.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { CoverageAccumulator } from './accumulator.js'

/**
 * JSON coverage formats, each streamed (json-stream.ts): one source file's entry is parsed at a
 * time, under the per-entry cap, and the rest of the document is checked and parsed at the end.
 * Every format is reduced to per-file line hits (line -> count), branch counts and function
 * counts, then fed to the shared accumulator, so per-line data exists for new-code coverage.
 */

/**
 * Line -> hit count of one source file, compact: an array of doubles indexed by line (NaN: not
 * code) while the lines are dense, 8 bytes a line where a Map costs about 40 (a plain array, not a
 * Float64Array: 10k small typed arrays cost an ArrayBuffer each, and time to make); a Map once a
 * line lies far beyond the lines seen (a report naming line 1e9 must not allocate 8 GB).
 */
class LineHits {
  private dense: number[] = []
  private sparse: Map<number, number> | undefined
  /** Lines that are code. */
  size = 0

  /**
   * Makes room for lines up to `line` at once (a line array's length), as far as the lines seen
   * allow growing: an array of nulls reserves no more than a few thousand lines.
   */
  reserve(line: number): void {
    const length = Math.min(line, 4 * this.size + 1024) + 1
    if (!this.sparse && length > this.dense.length) this.grow(length)
  }

  add(line: number, hits: number): void {
    if (this.sparse) {
      const had = this.sparse.get(line)
      if (had === undefined) this.size++
      this.sparse.set(line, (had ?? 0) + hits)
      return
    }
    if (line >= this.dense.length) {
      if (line > 4 * this.size + 1024) {
        const sparse = new Map<number, number>()
        this.forEach((l, c) => sparse.set(l, c))
        this.sparse = sparse
        this.dense = []
        this.add(line, hits)
        return
      }
      this.grow(Math.max(line + 1, Math.ceil(this.dense.length * 1.5)))
    }
    const had = this.dense[line]
    if (Number.isNaN(had)) {
      this.dense[line] = hits
      this.size++
    } else this.dense[line] = had + hits
  }

  private grow(length: number): void {
    const next = new Array<number>(length).fill(Number.NaN)
    const d = this.dense
    for (let line = 0; line < d.length; line++) next[line] = d[line]
    this.dense = next
  }

  /** Lines in ascending order (a Map's in the order they came). */
  forEach(fn: (line: number, hits: number) => void): void {
    if (this.sparse) {
      for (const [line, hits] of this.sparse) fn(line, hits)
      return
    }
    const d = this.dense
    for (let line = 0; line < d.length; line++) if (!Number.isNaN(d[line])) fn(line, d[line])
  }

  /** Lines that ran. */
  hit(): number {
    let n = 0
    this.forEach((_, c) => {
      if (c > 0) n++
    })
    return n
  }
}

interface FileData {
  lines: LineHits
  branchesFound: number
  branchesHit: number
  /** function key -> hit count; made on the first function */
  functions?: Map<string, number>
  /** line -> branch key -> hits, for new-branch coverage of changed lines (made only when a change is known) */
  lineBranches?: Map<number, Map<string, number>>
  trackBranches: boolean
}

function newFile(ctx: ReadContext): FileData {
  return { lines: new LineHits(), branchesFound: 0, branchesHit: 0, trackBranches: ctx.changedLines !== undefined }
}

/** A plain hit count: a finite number >= 0 (NaN and Infinity fail both comparisons). */
function isHits(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= Number.MAX_VALUE
}

/**
 * A hit count: a number, or a numeric string. Callers test isHits first, so `where` is built only
 * off that path: a string per line of a 10k-file report is needless garbage.
 */
function hitCount(value: unknown, display: string, where: string): number {
  if (isHits(value)) return value
  const n = finiteNumber(value)
  if (n === undefined || n < 0) throw new EvidenceError(display, 'malformed', `${where} is ${printable(JSON.stringify(value) ?? String(value), 40)}, not a hit count.`)
  return n
}

/** Records a branch of a line (keyed, so the same branch from two result sets adds up). */
function lineBranch(f: FileData, line: number, key: string, hits: number): void {
  if (!f.trackBranches) return
  f.lineBranches ??= new Map()
  let m = f.lineBranches.get(line)
  if (!m) {
    m = new Map()
    f.lineBranches.set(line, m)
  }
  m.set(key, (m.get(key) ?? 0) + hits)
}

function finish(acc: CoverageAccumulator, files: Map<string, FileData>): ReaderOutput {
  acc.hasLineDetail()
  acc.hasBranchDetail()
  for (const [path, f] of files) {
    const changed = acc.changedFor(path)
    if (changed) {
      f.lines.forEach((line, c) => {
        if (changed.has(line)) acc.changedLine(path, line, c)
      })
      for (const [line, arms] of f.lineBranches ?? []) {
        if (!changed.has(line)) continue
        let hit = 0
        for (const n of arms.values()) if (n > 0) hit++
        acc.changedBranches(arms.size, hit)
      }
    }
    let fnHit = 0
    for (const c of f.functions?.values() ?? []) if (c > 0) fnHit++
    acc.addFile(path, {
      linesFound: f.lines.size,
      linesHit: f.lines.hit(),
      branchesFound: f.branchesFound,
      branchesHit: f.branchesHit,
      functionsFound: f.functions?.size ?? 0,
      functionsHit: fnHit
    })
  }
  return acc.output()
}

/** Adds a line array ([null, 1, 0, ...], index 0 = line 1) into a file's line map. */
function addLineArray(f: FileData, lines: unknown[], display: string, where: string): void {
  f.lines.reserve(lines.length)
  for (let i = 0; i < lines.length; i++) {
    const v = lines[i]
    // null: not code; SimpleCov writes "ignored" for :nocov: lines.
    if (v === null || typeof v === 'string') continue
    f.lines.add(i + 1, isHits(v) ? v : hitCount(v, display, `${where}[${i}]`))
  }
}

// ---- SimpleCov .resultset.json -----------------------------------------------------------------

/**
 * SimpleCov's `.resultset.json`: one result set per command name (RSpec, Minitest, each parallel
 * worker), each {"coverage": {file: {"lines": [...], "branches": {...}}}, "timestamp"}; before
 * SimpleCov 0.18 a file maps straight to its line array. Result sets are merged as SimpleCov merges
 * them: hit counts add per line and per branch; a line is code when any set says so.
 */
export async function readSimpleCov(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const files = new Map<string, FileData>()
  const branches = new Map<string, Map<string, number>>()
  const addFile = (command: string, path: string, cov: unknown): void => {
    const f = files.get(path) ?? newFile(ctx)
    files.set(path, f)
    const where = `${command}.coverage["${printable(path, 120)}"]`
    if (Array.isArray(cov)) {
      addLineArray(f, cov, display, where)
      return
    }
    if (!isRecord(cov) || !Array.isArray(cov.lines)) throw new EvidenceError(display, 'malformed', `${where} has no "lines" array.`)
    addLineArray(f, cov.lines, display, `${where}.lines`)
    if (isRecord(cov.branches)) {
      const into = branches.get(path) ?? new Map<string, number>()
      branches.set(path, into)
      for (const [cond, arms] of ownEntries(cov.branches)) {
        if (!isRecord(arms)) throw new EvidenceError(display, 'malformed', `${where}.branches["${printable(cond, 60)}"] is not an object.`)
        const line = Number(/^\[[^,]*,\s*\d+,\s*(\d+)/.exec(cond)?.[1])
        for (const [arm, n] of ownEntries(arms)) {
          const key = `${cond}\u0000${arm}`
          const hits = isHits(n) ? n : hitCount(n, display, `${where}.branches`)
          into.set(key, (into.get(key) ?? 0) + hits)
          if (Number.isInteger(line) && line > 0) lineBranch(f, line, key, hits)
        }
      }
    }
  }
  await streamJson(opened, ctx.maxBytes, {
    label: 'files of each "coverage"',
    maxPathDepth: 2,
    // {"<command>": {"coverage": {<file>: ...}}}: each file of each result set, one at a time
    stream: (path, kind) => kind === 'object' && path.length === 2 && typeof path[0] === 'string' && path[1] === 'coverage',
    element: (cov, path, at) => addFile(at[0] as string, path as string, cov),
    check(data) {
      if (!isRecord(data)) throw new EvidenceError(display, 'unsupported', 'is not a SimpleCov .resultset.json: the top level is not an object.')
      let sets = 0
      for (const [command, set] of ownEntries(data)) {
        if (!isRecord(set) || !isRecord(set.coverage)) {
          throw new EvidenceError(display, 'unsupported', `result set "${printable(command, 80)}" has no "coverage" object; not a SimpleCov .resultset.json.`)
        }
        sets++
      }
      if (sets === 0) throw new EvidenceError(display, 'empty', 'holds no result sets.')
      // Files the streamer left in place (under a key too long to decode): read them here.
      for (const [command, set] of ownEntries(data)) {
        for (const [path, cov] of ownEntries((set as { coverage: Record<string, unknown> }).coverage)) addFile(command, path, cov)
      }
    }
  })
  for (const [path, arms] of branches) {
    const f = files.get(path)
    if (!f) continue
    f.branchesFound = arms.size
    for (const n of arms.values()) if (n > 0) f.branchesHit++
  }
  return finish(new CoverageAccumulator(display, ctx), files)
}

// ---- gcovr JSON and gcov intermediate JSON -----------------------------------------------------

/**
 * `gcovr --json` and `gcov --json-format` (GCC 9+; gunzip the .gcov.json.gz first). Both list
 * files with lines ({line_number, count, branches: [{count}]}) and functions. A line listed more
 * than once (a template instantiated twice, one entry per function) adds its counts; branches
 * count per entry; functions are keyed by name (gcovr) or start line and name (gcov). gcovr's
 * `gcovr/noncode` and `gcovr/excluded` lines are not code.
 */
export async function readGcovJson(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const files = new Map<string, FileData>()
  const addFile = (file: unknown, i: number): void => {
    if (!isRecord(file) || typeof file.file !== 'string' || file.file === '') throw new EvidenceError(display, 'malformed', `files[${i}] has no "file" name.`)
    const f = files.get(file.file) ?? newFile(ctx)
    files.set(file.file, f)
    const lines = Array.isArray(file.lines) ? file.lines : []
    f.lines.reserve(lines.length)
    // Plain loops, and messages built only for an error: this runs once per line of the report.
    for (let j = 0; j < lines.length; j++) {
      const l: unknown = lines[j]
      if (!isRecord(l)) throw new EvidenceError(display, 'malformed', `files[${i}].lines[${j}] is not an object.`)
      if (l['gcovr/noncode'] === true || l['gcovr/excluded'] === true) continue
      const n = finiteNumber(l.line_number)
      if (n === undefined || !Number.isInteger(n) || n < 1) throw new EvidenceError(display, 'malformed', `files[${i}].lines[${j}] has no line_number.`)
      f.lines.add(n, isHits(l.count) ? l.count : hitCount(l.count, display, `files[${i}].lines[${j}].count`))
      const branches = l.branches
      if (!Array.isArray(branches)) continue
      for (let k = 0; k < branches.length; k++) {
        const b: unknown = branches[k]
        if (!isRecord(b)) throw new EvidenceError(display, 'malformed', `files[${i}].lines[${j}].branches[${k}] is not an object.`)
        const hits = isHits(b.count) ? b.count : hitCount(b.count, display, `files[${i}].lines[${j}].branches[${k}].count`)
        f.branchesFound++
        if (hits > 0) f.branchesHit++
        if (f.trackBranches) lineBranch(f, n, `${i}:${j}:${k}`, hits)
      }
    }
    const functions = Array.isArray(file.functions) ? file.functions : []
    functions.forEach((fn, j) => {
      if (!isRecord(fn)) throw new EvidenceError(display, 'malformed', `files[${i}].functions[${j}] is not an object.`)
      const name = String(fn.demangled_name ?? fn.name ?? `#${j}`)
      const n = hitCount(fn.execution_count ?? fn.count ?? 0, display, `files[${i}].functions[${j}].execution_count`)
      // Keyed by start line and name, as gcov keys them; gcovr keys by name alone, but which of
      // the two this is may only show after "files" (its "gcc_version"): re-keyed below.
      const key = JSON.stringify([String(fn.start_line ?? ''), name])
      f.functions ??= new Map()
      f.functions.set(key, (f.functions.get(key) ?? 0) + n)
    })
  }
  const data = await streamJson(opened, ctx.maxBytes, {
    label: 'entries of "files"',
    maxPathDepth: 1,
    stream: (path, kind) => kind === 'array' && path.length === 1 && path[0] === 'files',
    element: (file, i) => addFile(file, i as number),
    check(data) {
      if (!isRecord(data) || !Array.isArray(data.files)) throw new EvidenceError(display, 'unsupported', 'is not gcovr or gcov JSON: it has no "files" array.')
      if (data.gcc_version === undefined && data['gcovr/format_version'] === undefined) throw new EvidenceError(display, 'unsupported', 'is not gcovr or gcov JSON: it names neither "gcovr/format_version" nor "gcc_version".')
      // Entries the streamer left in place (none, unless it declined to stream "files"): read them here.
      data.files.forEach((file, i) => addFile(file, i))
    }
  })
  if ((data as Record<string, unknown>).gcc_version === undefined) {
    for (const f of files.values()) {
      if (!f.functions) continue
      const byName = new Map<string, number>()
      for (const [key, n] of f.functions) {
        const name = (JSON.parse(key) as [string, string])[1]
        byName.set(name, (byName.get(name) ?? 0) + n)
      }
      f.functions = byName
    }
  }
  return finish(new CoverageAccumulator(display, ctx), files)
}

// ---- coveralls JSON ----------------------------------------------------------------------------

/**
 * The Coveralls API's JSON (what coveralls reporters post and `--dry-run` writes): source_files
 * with `coverage` (one entry per line: null for non-code, else the hit count) and optional flat
 * `branches` quadruples [line, block, branch, hits]. The same file listed twice adds its counts.
 */
export async function readCoveralls(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const files = new Map<string, FileData>()
  const branches = new Map<string, Map<string, number>>()
  const addFile = (s: unknown, i: number): void => {
    if (!isRecord(s) || typeof s.name !== 'string' || s.name === '') throw new EvidenceError(display, 'malformed', `source_files[${i}] has no "name".`)
    if (!Array.isArray(s.coverage)) throw new EvidenceError(display, 'malformed', `source_files[${i}] ("${printable(s.name, 120)}") has no "coverage" array.`)
    const f = files.get(s.name) ?? newFile(ctx)
    files.set(s.name, f)
    addLineArray(f, s.coverage, display, `source_files[${i}].coverage`)
    if (Array.isArray(s.branches)) {
      if (s.branches.length % 4 !== 0) throw new EvidenceError(display, 'malformed', `source_files[${i}].branches has ${s.branches.length} numbers, not quadruples [line, block, branch, hits].`)
      const into = branches.get(s.name) ?? new Map<string, number>()
      branches.set(s.name, into)
      for (let k = 0; k < s.branches.length; k += 4) {
        const key = `${String(s.branches[k])}:${String(s.branches[k + 1])}:${String(s.branches[k + 2])}`
        const h: unknown = s.branches[k + 3]
        const hits = h === null ? 0 : isHits(h) ? h : hitCount(h, display, `source_files[${i}].branches[${k + 3}]`)
        into.set(key, (into.get(key) ?? 0) + hits)
        const line = Number(s.branches[k])
        if (Number.isInteger(line) && line > 0) lineBranch(f, line, key, hits)
      }
    }
  }
  await streamJson(opened, ctx.maxBytes, {
    label: 'entries of "source_files"',
    maxPathDepth: 1,
    stream: (path, kind) => kind === 'array' && path.length === 1 && path[0] === 'source_files',
    element: (s, i) => addFile(s, i as number),
    check(data) {
      if (!isRecord(data) || !Array.isArray(data.source_files)) throw new EvidenceError(display, 'unsupported', 'is not Coveralls JSON: it has no "source_files" array.')
      // Entries the streamer left in place (none, unless it declined to stream "source_files"): read them here.
      data.source_files.forEach((s, i) => addFile(s, i))
    }
  })
  for (const [path, arms] of branches) {
    const f = files.get(path)
    if (!f) continue
    f.branchesFound = arms.size
    f.branchesHit = 0
    for (const n of arms.values()) if (n > 0) f.branchesHit++
  }
  return finish(new CoverageAccumulator(display, ctx), files)
}
