import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import type { OpenedEvidence } from '../evidence-file.js'
import { finiteNumber, isRecord, ownEntries, readJson } from '../json-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { CoverageAccumulator } from './accumulator.js'

/**
 * JSON coverage formats, each one document read whole under the JSON size cap. Every format is
 * reduced to per-file line hits (line -> count), branch counts and function counts, then fed to
 * the shared accumulator, so per-line data exists for new-code coverage.
 */

interface FileData {
  lines: Map<number, number>
  branchesFound: number
  branchesHit: number
  /** function key -> hit count */
  functions: Map<string, number>
  /** line -> branch key -> hits, for new-branch coverage of changed lines (kept only when a change is known) */
  lineBranches: Map<number, Map<string, number>>
  trackBranches: boolean
}

function newFile(ctx: ReadContext): FileData {
  return { lines: new Map(), branchesFound: 0, branchesHit: 0, functions: new Map(), lineBranches: new Map(), trackBranches: ctx.changedLines !== undefined }
}

/** `where` is built only for the error: a string per line of a 10k-file report is needless garbage. */
function hitCount(value: unknown, display: string, where: string | (() => string)): number {
  if (typeof value === 'number' && value >= 0 && Number.isFinite(value)) return value
  const n = finiteNumber(value)
  if (n === undefined || n < 0) throw new EvidenceError(display, 'malformed', `${typeof where === 'function' ? where() : where} is ${printable(JSON.stringify(value) ?? String(value), 40)}, not a hit count.`)
  return n
}

/** Records a branch of a line (keyed, so the same branch from two result sets adds up). */
function lineBranch(f: FileData, line: number, key: string, hits: number): void {
  if (!f.trackBranches) return
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
    let hit = 0
    for (const c of f.lines.values()) if (c > 0) hit++
    const changed = acc.changedFor(path)
    if (changed) {
      for (const [line, c] of f.lines) if (changed.has(line)) acc.changedLine(path, line, c)
      for (const [line, arms] of f.lineBranches) {
        if (!changed.has(line)) continue
        let hit = 0
        for (const n of arms.values()) if (n > 0) hit++
        acc.changedBranches(arms.size, hit)
      }
    }
    let fnHit = 0
    for (const c of f.functions.values()) if (c > 0) fnHit++
    acc.addFile(path, {
      linesFound: f.lines.size,
      linesHit: hit,
      branchesFound: f.branchesFound,
      branchesHit: f.branchesHit,
      functionsFound: f.functions.size,
      functionsHit: fnHit
    })
  }
  return acc.output()
}

/** Adds a line array ([null, 1, 0, ...], index 0 = line 1) into a file's line map. */
function addLineArray(f: FileData, lines: unknown[], display: string, where: string): void {
  lines.forEach((v, i) => {
    // null: not code; SimpleCov writes "ignored" for :nocov: lines.
    if (v === null || typeof v === 'string') return
    const c = hitCount(v, display, () => `${where}[${i}]`)
    f.lines.set(i + 1, (f.lines.get(i + 1) ?? 0) + c)
  })
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
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data)) throw new EvidenceError(display, 'unsupported', 'is not a SimpleCov .resultset.json: the top level is not an object.')
  const files = new Map<string, FileData>()
  const branches = new Map<string, Map<string, number>>()
  let sets = 0
  for (const [command, set] of ownEntries(data)) {
    if (!isRecord(set) || !isRecord(set.coverage)) {
      throw new EvidenceError(display, 'unsupported', `result set "${printable(command, 80)}" has no "coverage" object; not a SimpleCov .resultset.json.`)
    }
    sets++
    for (const [path, cov] of ownEntries(set.coverage)) {
      const f = files.get(path) ?? newFile(ctx)
      files.set(path, f)
      const where = `${command}.coverage["${printable(path, 120)}"]`
      if (Array.isArray(cov)) {
        addLineArray(f, cov, display, where)
        continue
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
            const hits = hitCount(n, display, `${where}.branches`)
            into.set(key, (into.get(key) ?? 0) + hits)
            if (Number.isInteger(line) && line > 0) lineBranch(f, line, key, hits)
          }
        }
      }
    }
  }
  if (sets === 0) throw new EvidenceError(display, 'empty', 'holds no result sets.')
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
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data) || !Array.isArray(data.files)) throw new EvidenceError(display, 'unsupported', 'is not gcovr or gcov JSON: it has no "files" array.')
  const isGcov = data.gcc_version !== undefined
  if (!isGcov && data['gcovr/format_version'] === undefined) throw new EvidenceError(display, 'unsupported', 'is not gcovr or gcov JSON: it names neither "gcovr/format_version" nor "gcc_version".')
  const files = new Map<string, FileData>()
  data.files.forEach((file, i) => {
    if (!isRecord(file) || typeof file.file !== 'string' || file.file === '') throw new EvidenceError(display, 'malformed', `files[${i}] has no "file" name.`)
    const f = files.get(file.file) ?? newFile(ctx)
    files.set(file.file, f)
    const lines = Array.isArray(file.lines) ? file.lines : []
    lines.forEach((l, j) => {
      const where = () => `files[${i}].lines[${j}]`
      if (!isRecord(l)) throw new EvidenceError(display, 'malformed', `${where()} is not an object.`)
      if (l['gcovr/noncode'] === true || l['gcovr/excluded'] === true) return
      const n = finiteNumber(l.line_number)
      if (n === undefined || !Number.isInteger(n) || n < 1) throw new EvidenceError(display, 'malformed', `${where()} has no line_number.`)
      f.lines.set(n, (f.lines.get(n) ?? 0) + hitCount(l.count, display, () => `${where()}.count`))
      if (Array.isArray(l.branches)) {
        l.branches.forEach((b, k) => {
          if (!isRecord(b)) throw new EvidenceError(display, 'malformed', `${where()}.branches[${k}] is not an object.`)
          const hits = hitCount(b.count, display, () => `${where()}.branches[${k}].count`)
          f.branchesFound++
          if (hits > 0) f.branchesHit++
          if (f.trackBranches) lineBranch(f, n, `${i}:${j}:${k}`, hits)
        })
      }
    })
    const functions = Array.isArray(file.functions) ? file.functions : []
    functions.forEach((fn, j) => {
      if (!isRecord(fn)) throw new EvidenceError(display, 'malformed', `files[${i}].functions[${j}] is not an object.`)
      const name = String(fn.demangled_name ?? fn.name ?? `#${j}`)
      const key = isGcov ? `${String(fn.start_line ?? '')}:${name}` : name
      const n = hitCount(fn.execution_count ?? fn.count ?? 0, display, `files[${i}].functions[${j}].execution_count`)
      f.functions.set(key, (f.functions.get(key) ?? 0) + n)
    })
    // Let the parsed entry go as soon as it is counted: a 10k-file report's peak stays lower.
    ;(data.files as unknown[])[i] = undefined
  })
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
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data) || !Array.isArray(data.source_files)) throw new EvidenceError(display, 'unsupported', 'is not Coveralls JSON: it has no "source_files" array.')
  const files = new Map<string, FileData>()
  const branches = new Map<string, Map<string, number>>()
  data.source_files.forEach((s, i) => {
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
        const hits = s.branches[k + 3] === null ? 0 : hitCount(s.branches[k + 3], display, `source_files[${i}].branches[${k + 3}]`)
        into.set(key, (into.get(key) ?? 0) + hits)
        const line = Number(s.branches[k])
        if (Number.isInteger(line) && line > 0) lineBranch(f, line, key, hits)
      }
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
