export * from './mermaid.js'
export { unifiedDiff, diffLines, splitLines, type DiffOptions } from './diff.js'
export { readFlowReport, parseFlowReport, MAX_REPORT_BYTES } from './report-file.js'
export {
  prepareDiagram,
  writeDiagram,
  checkDiagram,
  outputFormat,
  MERMAID_MAX_TEXT,
  MERMAID_MAX_EDGES,
  type DiagramRequest,
  type PreparedDiagram,
  type CheckResult,
  type OutputFormat
} from './render.js'
