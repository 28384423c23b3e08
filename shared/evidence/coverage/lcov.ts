import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import { streamText, type OpenedEvidence } from '../evidence-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { CoverageAccumulator } from './accumulator.js'

interface LcovRecord {
  path: string
  startLine: number
  lf?: number
  lh?: number
  brf?: number
  brh?: number
  fnf?: number
  fnh?: number
  daFound: number
  daHit: number
  brdaFound: number
  brdaHit: number
  changed?: Set<number>
}

/**
 * lcov tracefiles (c8, nyc, genhtml, gcov, cargo-llvm-cov...), read line by line. The summary lines
 * LF/LH, BRF/BRH, FNF/FNH count when present, else DA and BRDA lines are counted. Hits above found
 * and negative counts are errors.
 */
export async function readLcov(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const acc = new CoverageAccumulator(display, ctx)
  acc.hasLineDetail()
  acc.hasBranchDetail()
  let rec: LcovRecord | undefined
  let lineNo = 0
  let carry = ''

  const count = (value: string, key: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isInteger(n) || n < 0) {
      throw new EvidenceError(display, 'malformed', `${key}:${printable(value, 40)} is not a count.`, lineNo)
    }
    return n
  }

  const handle = (line: string): void => {
    lineNo++
    const text = line.endsWith('\r') ? line.slice(0, -1) : line
    if (text.trim() === '') return
    if (text === 'end_of_record') {
      if (!rec) throw new EvidenceError(display, 'malformed', 'end_of_record without a source file (SF:).', lineNo)
      finish(rec)
      rec = undefined
      return
    }
    const colon = text.indexOf(':')
    if (colon <= 0) throw new EvidenceError(display, 'malformed', `line "${printable(text, 60)}" is not an lcov record.`, lineNo)
    const key = text.slice(0, colon)
    const value = text.slice(colon + 1)
    if (key === 'SF') {
      if (rec) finish(rec) // tolerate a missing end_of_record between files
      rec = { path: value, startLine: lineNo, daFound: 0, daHit: 0, brdaFound: 0, brdaHit: 0, changed: acc.changedFor(value) }
      return
    }
    if (key === 'TN' || key === 'VER') return
    if (!rec) {
      if (/^[A-Z]+$/.test(key)) throw new EvidenceError(display, 'malformed', `${key}: appears before any SF: line.`, lineNo)
      throw new EvidenceError(display, 'malformed', `line "${printable(text, 60)}" is not an lcov record.`, lineNo)
    }
    switch (key) {
      case 'DA': {
        const [ln, hits] = value.split(',')
        const l = count(ln, 'DA line')
        // gcov may write a negative or huge hit count; only "ran or not" matters here
        const h = Number(hits)
        if (!Number.isFinite(h)) throw new EvidenceError(display, 'malformed', `DA:${printable(value, 40)} has no hit count.`, lineNo)
        rec.daFound++
        if (h > 0) rec.daHit++
        if (rec.changed?.has(l)) acc.changedLine(rec.path, l, h)
        return
      }
      case 'BRDA': {
        const parts = value.split(',')
        const taken = parts[3]
        const hit = taken !== undefined && taken !== '-' && Number(taken) > 0
        rec.brdaFound++
        if (hit) rec.brdaHit++
        if (rec.changed?.has(Number(parts[0]))) acc.changedBranches(1, hit ? 1 : 0)
        return
      }
      case 'LF': rec.lf = count(value, key); return
      case 'LH': rec.lh = count(value, key); return
      case 'BRF': rec.brf = count(value, key); return
      case 'BRH': rec.brh = count(value, key); return
      case 'FNF': rec.fnf = count(value, key); return
      case 'FNH': rec.fnh = count(value, key); return
      default:
        return // FN, FNDA, FNL, FNA and other per-item lines: summaries cover them
    }
  }

  const finish = (r: LcovRecord): void => {
    acc.addFile(
      r.path,
      {
        linesFound: r.lf ?? r.daFound,
        linesHit: r.lh ?? r.daHit,
        branchesFound: r.brf ?? r.brdaFound,
        branchesHit: r.brh ?? r.brdaHit,
        functionsFound: r.fnf ?? 0,
        functionsHit: r.fnh ?? 0
      },
      r.startLine
    )
  }

  for await (const chunk of streamText(opened, ctx.maxBytes)) {
    const text = carry + chunk
    let start = 0
    for (;;) {
      const nl = text.indexOf('\n', start)
      if (nl < 0) break
      handle(text.slice(start, nl))
      start = nl + 1
    }
    carry = text.slice(start)
    if (carry.length > 1024 * 1024) throw new EvidenceError(display, 'malformed', 'has a line over 1 MiB long; not an lcov file.', lineNo + 1)
  }
  if (carry !== '') handle(carry)
  if (rec) finish(rec)
  return acc.output()
}
