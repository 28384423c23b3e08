import { renderMarkdown } from '../diagram/mermaid.js'
import type { ProcessGraph } from '../graph/model.js'
import { renderGatesSummary as renderSummary, type GatesSummaryOptions } from './summary.js'
import type { FlowReport } from '../report/types.js'
import { evaluateGatesWith, type EvaluateGatesOptions, type GatesEvaluation } from './engine.js'
import { evidencePort } from './evidence-port.js'

export type { EvaluateGatesOptions, GatesEvaluation } from './engine.js'
export type { PullRequestContext, GitHubRequester } from './pull-request.js'
export { renderTerminalReport, type TerminalOptions } from './terminal.js'
export { gateAnnotations } from './annotate.js'
export { evaluateGatesWith, DEFAULT_MAX_FINDINGS } from './engine.js'
export { DEFAULT_WAIVERS_PATH, EXPIRING_WITHIN_DAYS, MAX_WAIVER_DAYS } from './waivers.js'
export { DEFAULT_BASELINE_PATH } from '../baseline.js'
export { DEFAULT_SIGNOFFS_PATH } from './signoffs.js'

/**
 * Evaluates the gates of a graph for a stage with the real evidence readers. The CLI (`flow
 * gates`), the check-gates action and the root action all call this, so they agree.
 */
export function evaluateGates(opts: EvaluateGatesOptions): Promise<GatesEvaluation> {
  return evaluateGatesWith(evidencePort, opts)
}

/** The job summary; with the graph, it ends with the diagram coloured by gate status. */
export function renderGatesSummary(
  report: FlowReport,
  graph?: ProcessGraph,
  opts: Omit<GatesSummaryOptions, 'diagram'> = {}
): string {
  let diagram: string | undefined
  if (graph) {
    try {
      diagram = renderMarkdown(graph, report)
    } catch {
      // The diagram is decoration; a graph it cannot draw must not cost the summary.
      diagram = undefined
    }
  }
  return renderSummary(report, { ...opts, ...(diagram ? { diagram } : {}) })
}
