import { EvidenceError } from '../../errors.js'
import type { Counts } from '../namespaces.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import type { CoverageFileSummary } from '../types.js'
import { ChangedLinesIndex } from './changed-lines.js'

/**
 * Collects per-source-file coverage from any coverage format and, when changed lines are known,
 * the coverage of those lines. Formats feed it file by file; it checks every file's counts
 * (hit <= found, no negatives) so a broken report is an error, not a strange percentage.
 */
export class CoverageAccumulator {
  private readonly files: CoverageFileSummary[] = []
  private readonly index?: ChangedLinesIndex
  private newFound = 0
  private newHit = 0
  private sawLineDetail = false

  constructor(private readonly display: string, private readonly ctx: ReadContext) {
    if (ctx.changedLines) this.index = new ChangedLinesIndex(ctx.changedLines, ctx.root)
  }

  /** Changed lines of a source file, or undefined when there are none (skip line bookkeeping). */
  changedFor(reportPath: string): Set<number> | undefined {
    return this.index?.lookup(reportPath)
  }

  /** Records one changed, instrumented line and whether it ran. */
  changedLine(reportPath: string, line: number, hits: number): void {
    this.newFound++
    if (hits > 0) {
      this.newHit++
    } else if (this.ctx.findings.wants()) {
      this.ctx.findings.add({
        file: this.index?.display(reportPath) ?? reportPath,
        line,
        title: 'Changed line not covered',
        message: `Line ${line} changed and no test ran it (${this.display}).`,
        level: 'warning',
        kind: 'uncovered-line'
      })
    } else {
      this.ctx.findings.count()
    }
  }

  /** Says the format carries line-level data, so new-line coverage can be computed. */
  hasLineDetail(): void {
    this.sawLineDetail = true
  }

  addFile(reportPath: string, s: Omit<CoverageFileSummary, 'path'>, line?: number): void {
    const pairs: Array<[string, number, number]> = [
      ['lines', s.linesFound, s.linesHit],
      ['branches', s.branchesFound, s.branchesHit],
      ['functions', s.functionsFound, s.functionsHit]
    ]
    for (const [kind, found, hit] of pairs) {
      if (!Number.isFinite(found) || !Number.isFinite(hit) || found < 0 || hit < 0) {
        throw new EvidenceError(this.display, 'malformed', `${reportPath}: ${kind} counts ${hit}/${found} are not counts.`, line)
      }
      if (hit > found) {
        throw new EvidenceError(this.display, 'malformed', `${reportPath}: ${hit} ${kind} hit but only ${found} found; the report is inconsistent.`, line)
      }
    }
    this.files.push({ path: this.index?.display(reportPath) ?? reportPath, ...s })
  }

  output(): ReaderOutput {
    if (this.files.length === 0) throw new EvidenceError(this.display, 'malformed', 'names no source files: the coverage report is empty.')
    const counts: Counts = new Map()
    let lf = 0, lh = 0, bf = 0, bh = 0, ff = 0, fh = 0
    for (const f of this.files) {
      lf += f.linesFound
      lh += f.linesHit
      bf += f.branchesFound
      bh += f.branchesHit
      ff += f.functionsFound
      fh += f.functionsHit
    }
    counts.set('lines_found', lf)
    counts.set('lines_hit', lh)
    counts.set('branches_found', bf)
    counts.set('branches_hit', bh)
    counts.set('functions_found', ff)
    counts.set('functions_hit', fh)
    if (this.index && this.sawLineDetail) {
      counts.set('new_lines_found', this.newFound)
      counts.set('new_lines_hit', this.newHit)
    }
    return { namespace: 'coverage', counts, coverageFiles: this.files }
  }
}
