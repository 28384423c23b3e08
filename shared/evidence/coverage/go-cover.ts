import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import type { OpenedEvidence } from '../evidence-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { forEachLine } from '../tests/tally.js'
import { CoverageAccumulator } from './accumulator.js'

interface Block {
  startLine: number
  startCol: number
  endLine: number
  endCol: number
  stmts: number
  count: number
}

const BLOCK = /^(.+):(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)$/

/**
 * Go coverage profiles (`go test -coverprofile`, `go tool covdata textfmt`), modes set, count and
 * atomic. As `go tool cover` does (golang.org/x/tools/cover ParseProfiles), blocks are sorted per
 * file and blocks at the same position merge: counts add (count, atomic) or OR (set); a different
 * statement count for the same block is an error. Profiles concatenated with the same mode line
 * are read as one. Lines: `coverage.lines_*` count statements, so the percentage is the one
 * `go tool cover -func` prints as total; per-line data for changed lines counts a line as run only
 * when every block on it ran (a line whose if-body never ran is not covered).
 */
export async function readGoCover(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const acc = new CoverageAccumulator(display, ctx)
  acc.hasLineDetail()
  let mode: string | undefined
  const files = new Map<string, Block[]>()

  await forEachLine(
    opened,
    ctx.maxBytes,
    (line, lineNo) => {
      if (line.trim() === '') return
      if (line.startsWith('mode:')) {
        const m = line.slice(5).trim()
        if (m !== 'set' && m !== 'count' && m !== 'atomic') throw new EvidenceError(display, 'malformed', `mode "${printable(m, 40)}" is not set, count or atomic.`, lineNo)
        if (mode !== undefined && mode !== m) throw new EvidenceError(display, 'malformed', `mixes coverage modes ${mode} and ${m}; profiles of different modes cannot be merged.`, lineNo)
        mode = m
        return
      }
      if (mode === undefined) throw new EvidenceError(display, 'unsupported', 'is not a Go coverage profile: its first line is not "mode: set|count|atomic".', lineNo)
      const b = BLOCK.exec(line)
      if (!b) throw new EvidenceError(display, 'malformed', `line "${printable(line, 80)}" is not a coverage block (file:line.col,line.col statements count).`, lineNo)
      const block: Block = { startLine: Number(b[2]), startCol: Number(b[3]), endLine: Number(b[4]), endCol: Number(b[5]), stmts: Number(b[6]), count: Number(b[7]) }
      if (![block.startLine, block.startCol, block.endLine, block.endCol, block.stmts, block.count].every(Number.isSafeInteger)) {
        throw new EvidenceError(display, 'malformed', `block "${printable(line, 80)}" has a number too large.`, lineNo)
      }
      if (block.endLine < block.startLine || block.startLine === 0) throw new EvidenceError(display, 'malformed', `block "${printable(line, 80)}" ends before it starts.`, lineNo)
      const list = files.get(b[1])
      if (list) list.push(block)
      else files.set(b[1], [block])
    },
    'a Go coverage profile',
    1024 * 1024
  )
  if (mode === undefined) throw new EvidenceError(display, 'empty', 'holds no "mode:" line; not a Go coverage profile.')

  for (const [name, blocks] of files) {
    blocks.sort((a, b) => a.startLine - b.startLine || a.startCol - b.startCol || a.endLine - b.endLine || a.endCol - b.endCol)
    const merged: Block[] = []
    for (const b of blocks) {
      const last = merged[merged.length - 1]
      if (last && last.startLine === b.startLine && last.startCol === b.startCol && last.endLine === b.endLine && last.endCol === b.endCol) {
        if (last.stmts !== b.stmts) throw new EvidenceError(display, 'malformed', `${printable(name, 200)}:${b.startLine}.${b.startCol}: inconsistent statement count (${last.stmts}, then ${b.stmts}).`)
        last.count = mode === 'set' ? (last.count > 0 || b.count > 0 ? 1 : 0) : last.count + b.count
      } else {
        merged.push({ ...b })
      }
    }
    let stmts = 0
    let hit = 0
    for (const b of merged) {
      stmts += b.stmts
      if (b.count > 0) hit += b.stmts
    }
    const changed = acc.changedFor(name)
    if (changed) {
      // A line counts as run only when every block touching it ran.
      const lines = new Map<number, number>()
      for (const b of merged) {
        if (b.stmts === 0) continue
        // Walk whichever is shorter: the block's lines or the changed lines (a hostile block may span a billion lines).
        const span = b.endLine - b.startLine + 1
        const candidates = span <= changed.size ? Array.from({ length: span }, (_, i) => b.startLine + i) : [...changed]
        for (const l of candidates) {
          if (l < b.startLine || l > b.endLine || !changed.has(l)) continue
          const before = lines.get(l)
          lines.set(l, before === undefined ? b.count : Math.min(before, b.count))
        }
      }
      for (const [l, c] of lines) acc.changedLine(name, l, c)
    }
    acc.addFile(name, { linesFound: stmts, linesHit: hit, branchesFound: 0, branchesHit: 0, functionsFound: 0, functionsHit: 0 })
  }
  return acc.output()
}
