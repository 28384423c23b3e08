import { EvidenceError } from '../../errors.js'
import type { Counts } from '../namespaces.js'
import type { ReadContext, ReaderOutput } from '../reader.js'
import type { CoverageFileSummary } from '../types.js'
import { lineRuns } from '../../change/model.js'
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
  private newBranchesFound = 0
  private newBranchesHit = 0
  private sawLineDetail = false
  private sawBranchDetail = false
  /** Changed lines that never ran, per repository path: reported as ranges, not line by line. */
  private readonly uncovered = new Map<string, number[]>()
  private readonly reportPaths: string[] = []

  constructor(private readonly display: string, private readonly ctx: ReadContext) {
    if (ctx.changedLines) this.index = new ChangedLinesIndex(ctx.changedLines, ctx.root, ctx.pathMap)
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
    } else {
      const file = this.index?.repositoryPath(reportPath) ?? reportPath
      const list = this.uncovered.get(file)
      if (list) list.push(line)
      else this.uncovered.set(file, [line])
    }
  }

  /** Records the branches of one changed line (formats with per-line branch data). */
  changedBranches(found: number, hit: number): void {
    if (!(found >= 0 && hit >= 0 && hit <= found)) return
    this.newBranchesFound += found
    this.newBranchesHit += hit
  }

  /** Says the format carries per-line branch data, so new-branch coverage can be computed. */
  hasBranchDetail(): void {
    this.sawBranchDetail = true
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
    if (this.index) this.reportPaths.push(reportPath)
    this.files.push({ path: this.index?.display(reportPath) ?? reportPath, ...s })
  }

  /** One finding per run of consecutive uncovered changed lines, so annotations point at them. */
  private reportUncovered(): void {
    for (const [file, lines] of [...this.uncovered].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const [first, last] of lineRuns(lines)) {
        if (!this.ctx.findings.wants()) {
          this.ctx.findings.count()
          continue
        }
        this.ctx.findings.add({
          file,
          line: first,
          ...(last > first ? { endLine: last } : {}),
          title: 'Changed lines not covered',
          message: first === last ? `Line ${first} changed and no test ran it (${this.display}).` : `Lines ${first}-${last} changed and no test ran them (${this.display}).`,
          level: 'warning',
          kind: 'uncovered-line'
        })
      }
    }
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
      const mismatch = this.index.mismatch(this.reportPaths)
      if (mismatch) throw new EvidenceError(this.display, 'malformed', mismatch)
      counts.set('new_lines_found', this.newFound)
      counts.set('new_lines_hit', this.newHit)
      if (this.sawBranchDetail) {
        counts.set('new_branches_found', this.newBranchesFound)
        counts.set('new_branches_hit', this.newBranchesHit)
      }
      this.reportUncovered()
    }
    return { namespace: 'coverage', counts, coverageFiles: this.files }
  }
}
