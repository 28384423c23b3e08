import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError, errorMessage } from '../errors.js'
import { loadGraph } from '../graph/index.js'
import type { ProcessGraph } from '../graph/model.js'
import type { FlowReport } from '../report/types.js'
import { resolveForWrite, workspaceRelative, writeFileInside } from '../safe-path.js'
import { sameLines, unifiedDiff } from './diff.js'
import {
  diagramStats,
  renderMarkdown,
  renderMermaid,
  type DiagramStats,
  type Direction
} from './mermaid.js'
import { readFlowReport } from './report-file.js'

/** mermaid's own defaults: larger diagrams are refused by the renderer (GitHub shows an error). */
export const MERMAID_MAX_TEXT = 50_000
export const MERMAID_MAX_EDGES = 500

/** A committed diagram larger than this cannot be one this tool wrote. */
const MAX_COMMITTED_BYTES = 16 * 1024 * 1024

export type OutputFormat = 'mermaid' | 'markdown'

/** The format an output file is written in, decided by its extension. */
export function outputFormat(file: string): OutputFormat {
  const ext = path.extname(file).toLowerCase()
  if (ext === '.mmd' || ext === '.mermaid') return 'mermaid'
  if (ext === '.md' || ext === '.markdown') return 'markdown'
  throw new ConfigurationError(
    `The output file "${file}" must end in .mmd (mermaid text) or .md (markdown with a mermaid block); got "${ext || 'no extension'}".`
  )
}

export interface DiagramRequest {
  /** The workspace root every path is confined to. */
  root: string
  graph: string
  /** Path of a flow-report.json; empty or undefined for an uncoloured diagram. */
  report?: string
  /** Folders outside the workspace a report may also come from (flow-actions' own output folder). */
  reportRoots?: string[]
  /** Path of the file to write or check; empty or undefined for none. */
  output?: string
  title?: string
  direction?: Direction
  /** Injected graph loader (defaults to shared/graph's loadGraph). */
  loadGraph?: (
    root: string,
    graphPath: string
  ) => { graph: ProcessGraph; findings: Array<{ severity: string }> }
}

export interface PreparedDiagram {
  graph: ProcessGraph
  report?: FlowReport
  /** The report path, workspace-relative, when one was given. */
  reportFile?: string
  /** Schema errors found while loading the graph (validate-graph reports them in detail). */
  findings: number
  stats: DiagramStats
  mermaid: string
  /** The markdown for the job summary (title as heading, status line, mermaid block). */
  markdown: string
  /** The output file, absolute and inside the workspace, and its workspace-relative form. */
  output?: { absolute: string; relative: string; format: OutputFormat; text: string }
  /** Reasons GitHub may not render the diagram. */
  limits: string[]
}

/** Loads the graph and report, draws the diagram and works out what the output file should hold. */
export function prepareDiagram(req: DiagramRequest): PreparedDiagram {
  const load = req.loadGraph ?? loadGraph
  const { graph, findings } = load(req.root, req.graph)
  let report: FlowReport | undefined
  let reportFile: string | undefined
  if (req.report)
    ({ report, file: reportFile } = readFlowReport(req.root, req.report, req.reportRoots ?? []))
  const opts = { title: req.title || undefined, direction: req.direction }
  const mermaid = renderMermaid(graph, report, opts)
  const markdown = renderMarkdown(graph, report, opts)
  let output: PreparedDiagram['output']
  if (req.output) {
    const format = outputFormat(req.output)
    // A symlink anywhere on the output path is refused (F6), also when only checking.
    const absolute = resolveForWrite(req.root, req.output, 'output file', { createFolders: false })
    output = {
      absolute,
      relative: workspaceRelative(req.root, absolute),
      format,
      text: format === 'mermaid' ? mermaid : markdown
    }
  }
  const stats = diagramStats(graph, report)
  const limits: string[] = []
  if (mermaid.length > MERMAID_MAX_TEXT) {
    limits.push(
      `the diagram is ${mermaid.length} characters, over mermaid's default limit of ${MERMAID_MAX_TEXT}`
    )
  }
  if (stats.edges > MERMAID_MAX_EDGES) {
    limits.push(
      `the diagram has ${stats.edges} transitions, over mermaid's default limit of ${MERMAID_MAX_EDGES} edges`
    )
  }
  return {
    graph,
    report,
    reportFile,
    findings: findings.filter((f) => f.severity === 'error').length,
    stats,
    mermaid,
    markdown,
    output,
    limits
  }
}

export function writeDiagram(output: NonNullable<PreparedDiagram['output']>): void {
  try {
    // The workspace root, from the output's absolute and workspace-relative forms.
    const root = path.resolve(output.absolute, ...output.relative.split('/').map(() => '..'))
    writeFileInside(root, output.relative, output.text, 'output file')
  } catch (error) {
    if (error instanceof ConfigurationError) throw error
    throw new ConfigurationError(
      `Cannot write the diagram to ${output.relative}: ${errorMessage(error)}.`,
      { file: output.relative }
    )
  }
}

export interface CheckResult {
  upToDate: boolean
  exists: boolean
  /** Unified diff from the committed file to the fresh diagram; '' when up to date. */
  diff: string
}

/**
 * Compares the committed output file with what would be drawn now. Line endings are normalised
 * (a Windows checkout with autocrlf is not stale), as is a missing final newline.
 */
export function checkDiagram(output: NonNullable<PreparedDiagram['output']>): CheckResult {
  let committed: string
  try {
    const st = statSync(output.absolute)
    if (!st.isFile())
      throw new ConfigurationError(`The output ${output.relative} is not a regular file.`, {
        file: output.relative
      })
    if (st.size > MAX_COMMITTED_BYTES) {
      return {
        upToDate: false,
        exists: true,
        diff: `${output.relative} is ${st.size} bytes; a fresh diagram is ${Buffer.byteLength(output.text)} bytes.\n`
      }
    }
    committed = readFileSync(output.absolute, 'utf8')
  } catch (error) {
    if (error instanceof ConfigurationError) throw error
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        upToDate: false,
        exists: false,
        diff: unifiedDiff('', output.text, {
          fromFile: '/dev/null',
          toFile: `b/${output.relative}`
        })
      }
    }
    throw new ConfigurationError(
      `Cannot read ${output.relative} to check it: ${errorMessage(error)}.`,
      { file: output.relative }
    )
  }
  if (sameLines(committed.replace(/^\uFEFF/, ''), output.text))
    return { upToDate: true, exists: true, diff: '' }
  return {
    upToDate: false,
    exists: true,
    diff: unifiedDiff(committed, output.text, {
      fromFile: `a/${output.relative}`,
      toFile: `b/${output.relative}`
    })
  }
}
