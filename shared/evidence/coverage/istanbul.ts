import { EvidenceError } from '../../errors.js'
import type { OpenedEvidence } from '../evidence-file.js'
import { finiteNumber, isRecord, ownEntries, readJson } from '../json-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { CoverageAccumulator } from './accumulator.js'

/**
 * Istanbul json-summary (coverage-summary.json): one entry per file plus "total". The per-file
 * entries are summed (so merged summaries stay exact); a summary holding only "total" counts as one
 * pseudo-file. It has no line detail, so coverage.new_lines cannot come from it.
 */
export async function readIstanbulSummary(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data)) throw new EvidenceError(display, 'malformed', 'is not a JSON object of files.')
  const acc = new CoverageAccumulator(display, ctx)
  const entries = ownEntries(data)
  const perFile = entries.filter(([k]) => k !== 'total')
  const use = perFile.length > 0 ? perFile : entries
  for (const [name, value] of use) {
    if (!isRecord(value)) throw new EvidenceError(display, 'malformed', `entry "${name}" is not an object.`)
    const pair = (kind: string): [number, number] => {
      const m = value[kind]
      if (m === undefined) return [0, 0]
      if (!isRecord(m)) throw new EvidenceError(display, 'malformed', `"${name}".${kind} is not an object.`)
      const total = finiteNumber(m.total)
      const covered = finiteNumber(m.covered)
      if (total === undefined || covered === undefined) {
        throw new EvidenceError(display, 'malformed', `"${name}".${kind} needs numeric total and covered.`)
      }
      return [total, covered]
    }
    const [lf, lh] = pair('lines')
    const [bf, bh] = pair('branches')
    const [ff, fh] = pair('functions')
    acc.addFile(name === 'total' ? '(total)' : name, { linesFound: lf, linesHit: lh, branchesFound: bf, branchesHit: bh, functionsFound: ff, functionsHit: fh })
  }
  return acc.output()
}

/**
 * Istanbul coverage-final.json (nyc, jest --coverage, c8 --reporter=json). Line coverage is derived
 * as Istanbul does: each statement's start line takes the highest hit count of its statements.
 */
export async function readIstanbulFinal(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data)) throw new EvidenceError(display, 'malformed', 'is not a JSON object of files.')
  const acc = new CoverageAccumulator(display, ctx)
  acc.hasLineDetail()
  acc.hasBranchDetail()
  for (const [key, value] of ownEntries(data)) {
    if (!isRecord(value)) throw new EvidenceError(display, 'malformed', `entry "${key}" is not an object.`)
    const name = typeof value.path === 'string' ? value.path : key
    const statementMap = value.statementMap
    const s = value.s
    if (!isRecord(statementMap) || !isRecord(s)) throw new EvidenceError(display, 'malformed', `"${name}" has no statementMap and s.`)
    const lines = new Map<number, number>()
    for (const [id, hitsRaw] of ownEntries(s)) {
      const loc = Object.getOwnPropertyDescriptor(statementMap, id)?.value
      const hits = finiteNumber(hitsRaw)
      if (hits === undefined || hits < 0) throw new EvidenceError(display, 'malformed', `"${name}" statement ${id} has hit count ${String(hitsRaw)}.`)
      const line = isRecord(loc) && isRecord(loc.start) ? finiteNumber(loc.start.line) : undefined
      if (line === undefined) continue
      const prev = lines.get(line)
      if (prev === undefined || prev < hits) lines.set(line, hits)
    }
    let lh = 0
    for (const h of lines.values()) if (h > 0) lh++
    let bf = 0, bh = 0, ff = 0, fh = 0
    const changed = acc.changedFor(name)
    const branchMap = isRecord(value.branchMap) ? value.branchMap : undefined
    if (isRecord(value.b)) {
      for (const [id, arr] of ownEntries(value.b)) {
        if (!Array.isArray(arr)) continue
        let hit = 0
        for (const c of arr) {
          bf++
          if ((finiteNumber(c) ?? 0) > 0) hit++
        }
        bh += hit
        if (changed && branchMap) {
          // The line Istanbul's own reporters put a branch on (lcov BRDA, Cobertura condition-coverage).
          const entry = Object.getOwnPropertyDescriptor(branchMap, id)?.value
          const line = isRecord(entry) ? (finiteNumber(entry.line) ?? (isRecord(entry.loc) && isRecord(entry.loc.start) ? finiteNumber(entry.loc.start.line) : undefined)) : undefined
          if (line !== undefined && changed.has(line)) acc.changedBranches(arr.length, hit)
        }
      }
    }
    if (isRecord(value.f)) {
      for (const [, c] of ownEntries(value.f)) {
        ff++
        if ((finiteNumber(c) ?? 0) > 0) fh++
      }
    }
    if (changed) for (const [ln, h] of lines) if (changed.has(ln)) acc.changedLine(name, ln, h)
    acc.addFile(name, { linesFound: lines.size, linesHit: lh, branchesFound: bf, branchesHit: bh, functionsFound: ff, functionsHit: fh })
  }
  return acc.output()
}
