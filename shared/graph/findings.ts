import type { SourceLocation } from '../errors.js'
import { byText } from '../compare.js'

export type FindingSeverity = 'error' | 'warning'

/** One problem in a graph, pointed at file:line:col, with the node it concerns. */
export interface GraphFinding extends SourceLocation {
  severity: FindingSeverity
  /** A stable code, e.g. missing-target, unreachable, trap-cycle. */
  code: string
  message: string
  node?: string
}

export function sortFindings(findings: GraphFinding[]): GraphFinding[] {
  return [...findings].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      byText(a.code, b.code)
  )
}
