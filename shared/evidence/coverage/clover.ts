import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import type { OpenedEvidence } from '../evidence-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { countAttr, streamXml, type XmlTag } from '../xml-stream.js'
import { CoverageAccumulator } from './accumulator.js'

interface CloverFile {
  path: string
  lines: Map<number, number>
  branchesFound: number
  branchesHit: number
  functionsFound: number
  functionsHit: number
  /** The file's own <metrics> counts of conditionals and methods, when it has them. */
  summary?: { branchesFound?: number; branchesHit?: number; functionsFound?: number; functionsHit?: number }
}

/**
 * Clover XML (OpenClover, PHPUnit --coverage-clover, istanbul's clover reporter, Kover). Per
 * <file> (its `path`, else its `name`), <line type="stmt"> and <line type="cond"> are lines, hit
 * when their count is above 0 (a line listed twice keeps its highest count). Branches and
 * functions come from the file's own <metrics conditionals coveredconditionals methods
 * coveredmethods>, because writers disagree on what a cond line's truecount/falsecount mean
 * (OpenClover: times true and false; istanbul: branches covered and not covered). Without those
 * metrics, a cond line is two branches hit when truecount / falsecount is above 0, and a
 * <line type="method"> is a function hit when its count is above 0.
 */
export async function readClover(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const acc = new CoverageAccumulator(display, ctx)
  acc.hasLineDetail()
  let file: CloverFile | undefined
  let fileDepth = 0
  let sawProject = false

  const open = (tag: XmlTag, depth: number): void => {
    if (depth === 1) {
      if (tag.name !== 'coverage') throw new EvidenceError(display, 'unsupported', `is not a Clover report: its root element is <${printable(tag.name, 60)}>, expected <coverage>.`)
      return
    }
    if (tag.name === 'project' && depth === 2) {
      sawProject = true
      return
    }
    if (tag.name === 'file') {
      if (file) throw new EvidenceError(display, 'malformed', `<file> "${printable(tag.attributes.name ?? '', 100)}" is nested inside another <file>.`)
      const p = tag.attributes.path ?? tag.attributes.name
      if (!p) throw new EvidenceError(display, 'malformed', '<file> has neither a path nor a name attribute.')
      file = { path: p, lines: new Map(), branchesFound: 0, branchesHit: 0, functionsFound: 0, functionsHit: 0 }
      fileDepth = depth
      return
    }
    if (tag.name === 'metrics' && file && depth === fileDepth + 1) {
      file.summary = {
        branchesFound: countAttr(tag, 'conditionals', display),
        branchesHit: countAttr(tag, 'coveredconditionals', display),
        functionsFound: countAttr(tag, 'methods', display),
        functionsHit: countAttr(tag, 'coveredmethods', display)
      }
      return
    }
    if (tag.name !== 'line' || !file) return
    const num = countAttr(tag, 'num', display)
    if (num === undefined || num === 0) throw new EvidenceError(display, 'malformed', `${file.path}: a <line> has no line number (num).`)
    const count = countAttr(tag, 'count', display) ?? 0
    switch (tag.attributes.type) {
      case 'method':
        file.functionsFound++
        if (count > 0) file.functionsHit++
        return
      case 'cond': {
        const t = countAttr(tag, 'truecount', display) ?? 0
        const f = countAttr(tag, 'falsecount', display) ?? 0
        file.branchesFound += 2
        file.branchesHit += (t > 0 ? 1 : 0) + (f > 0 ? 1 : 0)
        setLine(file, num, tag.attributes.count !== undefined ? count : t + f)
        return
      }
      case 'stmt':
      case undefined:
        setLine(file, num, count)
        return
      default:
        return
    }
  }

  const close = (name: string, depth: number): void => {
    if (file && name === 'file' && depth === fileDepth) {
      const f = file
      file = undefined
      let hit = 0
      for (const c of f.lines.values()) if (c > 0) hit++
      const changed = acc.changedFor(f.path)
      if (changed) for (const [line, c] of f.lines) if (changed.has(line)) acc.changedLine(f.path, line, c)
      acc.addFile(f.path, {
        linesFound: f.lines.size,
        linesHit: hit,
        branchesFound: f.summary?.branchesFound ?? f.branchesFound,
        branchesHit: f.summary?.branchesFound !== undefined ? (f.summary.branchesHit ?? 0) : f.branchesHit,
        functionsFound: f.summary?.functionsFound ?? f.functionsFound,
        functionsHit: f.summary?.functionsFound !== undefined ? (f.summary.functionsHit ?? 0) : f.functionsHit
      })
    }
  }

  await streamXml(opened, ctx.maxBytes, { open, close })
  if (!sawProject) throw new EvidenceError(display, 'unsupported', 'is not a Clover report: <coverage> holds no <project>.')
  return acc.output()
}

function setLine(file: CloverFile, line: number, count: number): void {
  const before = file.lines.get(line)
  if (before === undefined || count > before) file.lines.set(line, count)
}
