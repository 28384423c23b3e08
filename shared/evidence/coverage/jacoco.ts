import { EvidenceError } from '../../errors.js'
import type { OpenedEvidence } from '../evidence-file.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import { countAttr, streamXml, type XmlTag } from '../xml-stream.js'
import { CoverageAccumulator } from './accumulator.js'

/**
 * JaCoCo XML. Each <sourcefile> inside a <package> carries LINE, BRANCH and METHOD counters
 * (missed/covered) and <line nr mi ci> elements; the file's path is the package folder plus the
 * source file name (com/acme/Foo.java), which matches changed paths under src/main/java by suffix.
 */
export async function readJacoco(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const acc = new CoverageAccumulator(display, ctx)
  acc.hasLineDetail()
  acc.hasBranchDetail()
  let checkedRoot = false
  let pkg = ''
  let source: { path: string; depth: number; changed?: Set<number>; counters: Map<string, [number, number]> } | undefined

  const open = (tag: XmlTag, depth: number): void => {
    if (!checkedRoot) {
      checkedRoot = true
      if (tag.name !== 'report') throw new EvidenceError(display, 'unsupported', `is not a JaCoCo report: its root element is <${tag.name}>.`)
      return
    }
    if (tag.name === 'package') {
      pkg = tag.attributes.name ?? ''
    } else if (tag.name === 'sourcefile') {
      const name = tag.attributes.name ?? '(unknown)'
      const p = pkg ? `${pkg}/${name}` : name
      source = { path: p, depth, changed: acc.changedFor(p), counters: new Map() }
    } else if (source && tag.name === 'counter' && depth === source.depth + 1) {
      const missed = countAttr(tag, 'missed', display) ?? 0
      const covered = countAttr(tag, 'covered', display) ?? 0
      source.counters.set(tag.attributes.type ?? '', [missed + covered, covered])
    } else if (source?.changed && tag.name === 'line') {
      const nr = countAttr(tag, 'nr', display)
      const ci = countAttr(tag, 'ci', display) ?? 0
      if (nr !== undefined && source.changed.has(nr)) {
        // JaCoCo counts instructions per line: a line with none covered (ci 0) never ran.
        acc.changedLine(source.path, nr, ci)
        const mb = countAttr(tag, 'mb', display) ?? 0
        const cb = countAttr(tag, 'cb', display) ?? 0
        acc.changedBranches(mb + cb, cb)
      }
    }
  }
  const close = (name: string): void => {
    if (name === 'sourcefile' && source) {
      const get = (t: string) => source?.counters.get(t) ?? [0, 0]
      const [lf, lh] = get('LINE')
      const [bf, bh] = get('BRANCH')
      const [ff, fh] = get('METHOD')
      acc.addFile(source.path, { linesFound: lf, linesHit: lh, branchesFound: bf, branchesHit: bh, functionsFound: ff, functionsHit: fh })
      source = undefined
    } else if (name === 'package') {
      pkg = ''
    }
  }
  await streamXml(opened, ctx.maxBytes, { open, close })
  return acc.output()
}
