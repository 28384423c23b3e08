import { EvidenceError } from '../../errors.js'
import type { OpenedEvidence } from '../evidence-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { countAttr, numAttr, streamXml, type XmlTag } from '../xml-stream.js'
import { CoverageAccumulator } from './accumulator.js'

interface FileCoverage {
  lines: Map<number, number>
  /** Conditions per line [found, hit], for the branches of changed lines. */
  lineBranches: Map<number, [number, number]>
  branchesFound: number
  branchesHit: number
  functionsFound: number
  functionsHit: number
}

/**
 * Cobertura XML (coverage.py, c8/nyc/istanbul, gcovr, coverlet, simplecov). A source file may be
 * split over several <class> elements; its lines are merged by line number (the highest hit count
 * wins). Only class-level <lines> count, since method-level <lines> repeat them. Branches come from
 * condition-coverage="50% (1/2)"; a method counts as covered when any of its lines ran.
 * `<line number="0">` is not a source line and is ignored, as coveralls does.
 */
export async function readCobertura(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const acc = new CoverageAccumulator(display, ctx)
  acc.hasLineDetail()
  acc.hasBranchDetail()
  const files = new Map<string, FileCoverage>()
  let checkedRoot = false
  let file: FileCoverage | undefined
  let classDepth = 0
  let inMethod = false
  let methodHit = false

  const open = (tag: XmlTag, depth: number): void => {
    if (!checkedRoot) {
      checkedRoot = true
      if (tag.name !== 'coverage') throw new EvidenceError(display, 'unsupported', `is not a Cobertura report: its root element is <${tag.name}>.`)
      for (const a of ['lines-valid', 'lines-covered', 'branches-valid', 'branches-covered']) countAttr(tag, a, display)
      return
    }
    switch (tag.name) {
      case 'class': {
        const name = tag.attributes.filename ?? tag.attributes.name ?? '(unknown)'
        file = files.get(name)
        if (!file) {
          file = { lines: new Map(), lineBranches: new Map(), branchesFound: 0, branchesHit: 0, functionsFound: 0, functionsHit: 0 }
          files.set(name, file)
        }
        classDepth = depth
        return
      }
      case 'method':
        if (file) {
          inMethod = true
          methodHit = false
          file.functionsFound++
        }
        return
      case 'line': {
        if (!file) return
        const number = countAttr(tag, 'number', display)
        const hits = numAttr(tag, 'hits')
        if (number === undefined || hits === undefined) {
          throw new EvidenceError(display, 'malformed', '<line> without a number or hits attribute.')
        }
        if (hits < 0) throw new EvidenceError(display, 'malformed', `<line number="${number}"> has negative hits (${hits}).`)
        // Line numbers start at 1; some writers emit line 0 for code with no source line (module
        // setup, generated code), which would make a file with no real lines read as 100 %.
        if (number === 0) return
        if (inMethod) {
          if (hits > 0) methodHit = true
          return
        }
        if (depth !== classDepth + 2) return
        const prev = file.lines.get(number)
        if (prev === undefined || prev < hits) file.lines.set(number, hits)
        if (tag.attributes.branch === 'true') {
          const m = /\((\d+)\/(\d+)\)/.exec(tag.attributes['condition-coverage'] ?? '')
          if (m) {
            const hit = Number(m[1])
            const found = Number(m[2])
            if (hit > found) throw new EvidenceError(display, 'malformed', `<line number="${number}"> covers ${hit} of ${found} conditions.`)
            file.branchesFound += found
            file.branchesHit += hit
            const prevBranches = file.lineBranches.get(number)
            if (!prevBranches || prevBranches[1] < hit) file.lineBranches.set(number, [found, hit])
          }
        }
        return
      }
      default:
        return
    }
  }
  const close = (name: string): void => {
    if (name === 'method' && inMethod) {
      inMethod = false
      if (methodHit && file) file.functionsHit++
    } else if (name === 'class') {
      file = undefined
    }
  }
  const { root } = await streamXml(opened, ctx.maxBytes, { open, close })
  if (root !== 'coverage') throw new EvidenceError(display, 'unsupported', 'is not a Cobertura report.')
  for (const [name, f] of files) {
    let hit = 0
    for (const h of f.lines.values()) if (h > 0) hit++
    const changed = acc.changedFor(name)
    if (changed) {
      for (const [ln, h] of f.lines) if (changed.has(ln)) acc.changedLine(name, ln, h)
      for (const [ln, [found, hit]] of f.lineBranches) if (changed.has(ln)) acc.changedBranches(found, hit)
    }
    acc.addFile(name, {
      linesFound: f.lines.size,
      linesHit: hit,
      branchesFound: f.branchesFound,
      branchesHit: f.branchesHit,
      functionsFound: f.functionsFound,
      functionsHit: f.functionsHit
    })
  }
  return acc.output()
}
