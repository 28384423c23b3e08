import {
  booleanInput,
  choiceInput,
  createRunnerIO,
  runAction,
  workspaceOf,
  type ActionIO
} from '../../shared/action.js'
import {
  checkDiagram,
  prepareDiagram,
  writeDiagram,
  type DiagramRequest
} from '../../shared/diagram/render.js'
import {
  COLOUR_LABELS,
  GATE_COLOURS,
  colourOf,
  type Direction
} from '../../shared/diagram/mermaid.js'
import { outputDir } from '../../shared/context.js'
import { ConfigurationError } from '../../shared/errors.js'
import { escapeMarkdown } from '../../shared/escape.js'
import { SUMMARY_BYTE_LIMIT } from '../../shared/summary.js'
import { printInert } from '../../shared/log.js'
import { DEFAULT_GRAPH_PATH } from '../../shared/graph/model.js'
import { INPUTS, OUTPUTS } from './names.js'

const NAME = 'render-diagram'

export interface RenderDiagramInputs {
  graph: string
  report: string
  output: string
  check: boolean
  summary: boolean
  title: string
  direction: Direction
}

export function readInputs(io: ActionIO): RenderDiagramInputs {
  return {
    graph: io.getInput(INPUTS.graph) || DEFAULT_GRAPH_PATH,
    report: io.getInput(INPUTS.report),
    output: io.getInput(INPUTS.output),
    check: booleanInput(io, INPUTS.check, false),
    summary: booleanInput(io, INPUTS.summary, true),
    title: io.getInput(INPUTS.title),
    direction: choiceInput(io, INPUTS.direction, ['TD', 'LR'] as const, 'TD')
  }
}

export interface RenderDiagramDeps {
  io?: ActionIO
  /** The workspace root (default GITHUB_WORKSPACE, else the current directory). */
  workspace?: string
  /** The graph loader (default shared/graph's loadGraph). */
  loadGraph?: DiagramRequest['loadGraph']
}

export async function run(deps: RenderDiagramDeps = {}): Promise<void> {
  const io = deps.io ?? createRunnerIO()
  await runAction(NAME, io, async () => {
    const inputs = readInputs(io)
    if (inputs.check && !inputs.output) {
      throw new ConfigurationError(
        'Input "check" is true but "output" is empty: name the committed diagram file to compare (.mmd or .md).'
      )
    }
    const root = deps.workspace ?? workspaceOf(io)
    const diagram = prepareDiagram({
      root,
      graph: inputs.graph,
      report: inputs.report,
      reportRoots: [outputDir(io.env)],
      output: inputs.output,
      title: inputs.title,
      direction: inputs.direction,
      loadGraph: deps.loadGraph
    })
    const { stats } = diagram

    io.info(
      `${diagram.graph.file}: ${stats.nodes} nodes, ${stats.edges} transitions${diagram.reportFile ? `, gates coloured from ${diagram.reportFile}` : ''}.`
    )
    if (diagram.reportFile) {
      io.info(
        `Gates: ${GATE_COLOURS.map((c) => `${stats.gates[c]} ${COLOUR_LABELS[c]}`).join(', ')}.`
      )
      const odd = (diagram.report?.gates ?? []).filter(
        (g) => colourOf(g.status) === 'notEvaluated' && g.status !== 'not-evaluated'
      )
      if (odd.length > 0) {
        io.warning(
          `${diagram.reportFile}: ${odd.length} gate(s) have a status this version does not know (${[...new Set(odd.map((g) => String(g.status).slice(0, 40)))].join(', ')}); they are drawn as not evaluated.`,
          { file: diagram.reportFile }
        )
      }
      if (stats.unknownReportGates.length > 0) {
        io.info(
          `Gates in the report but not in the graph (not drawn): ${stats.unknownReportGates.join(', ')}.`
        )
      }
    }
    if (diagram.findings > 0) {
      io.warning(
        `${diagram.graph.file} has ${diagram.findings} schema error(s); the diagram is drawn best-effort. Run validate-graph for details.`,
        {
          file: diagram.graph.file
        }
      )
    }
    if (stats.missing.length > 0) {
      io.warning(
        `${stats.missing.length} node(s) are referenced by transitions but not defined: ${stats.missing.join(', ')}. They are drawn with the "missing" style.`,
        { file: diagram.graph.file }
      )
    }
    for (const limit of diagram.limits) {
      io.warning(`GitHub may not render the diagram: ${limit}.`, { file: diagram.graph.file })
    }

    if (inputs.summary) {
      const size = Buffer.byteLength(diagram.markdown, 'utf8')
      if (size < SUMMARY_BYTE_LIMIT - 8192) io.appendSummary(diagram.markdown)
      else {
        io.appendSummary(
          `${escapeMarkdown(`The process diagram (${size} bytes) is too large for the job summary; write it to a file with the "output" input.`)}\n`
        )
      }
    }

    const output = diagram.output
    if (!output) {
      io.setOutput(OUTPUTS.path, '')
      return
    }
    io.setOutput(OUTPUTS.path, output.absolute)
    if (!inputs.check) {
      writeDiagram(output)
      io.info(`Wrote ${output.relative} (${output.format}).`)
      return
    }

    const result = checkDiagram(output)
    if (result.upToDate) {
      io.info(`${output.relative} is up to date.`)
      return
    }
    // The diff quotes file contents: stop workflow commands while it is printed.
    await io.group(`Diff of ${output.relative} (committed -> drawn now)`, async () =>
      printInert(io, result.diff, 'render-diagram')
    )
    const fix = `Run render-diagram without "check" (or \`flow render\`) and commit ${output.relative}.`
    io.setFailed(
      result.exists
        ? `${NAME}: ${output.relative} is stale: it differs from the diagram ${diagram.graph.file} draws now (diff above). ${fix}`
        : `${NAME}: ${output.relative} does not exist, so it cannot be up to date. ${fix}`
    )
  })
}
