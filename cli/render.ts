import { checkDiagram, prepareDiagram, writeDiagram } from '../shared/diagram/index.js'
import { ConfigurationError } from '../shared/errors.js'
import { printable } from '../shared/safe-path.js'
import type { CommandContext } from './context.js'
import { DEFAULT_GRAPH_PATH } from '../shared/graph/model.js'

export const RENDER_HELP = `flow render [--graph .process/graph.yaml] [--report flow-report.json] [--output FILE.mmd|FILE.md] [--check]
            [--title TEXT] [--direction TD|LR]
  Draws the graph as a mermaid flowchart, gates coloured from a flow report. Without --output the
  diagram is printed. --check compares with the committed --output file and prints a diff
  (exit 1 when stale).`

export function renderCommand(ctx: CommandContext): number {
  const check = ctx.flags.check === 'true'
  const diagram = prepareDiagram({
    root: ctx.root,
    graph: ctx.flags.graph ?? DEFAULT_GRAPH_PATH,
    report: ctx.flags.report,
    output: ctx.flags.output,
    title: ctx.flags.title ?? '',
    direction: direction(ctx.flags.direction)
  })
  for (const w of diagram.limits) ctx.err(`warning: ${w}`)
  if (!diagram.output) {
    if (check) {
      ctx.err('flow render: --check needs --output, the committed diagram file to compare.')
      return 2
    }
    ctx.out(diagram.mermaid)
    return 0
  }
  if (check) {
    const result = checkDiagram(diagram.output)
    if (result.upToDate) {
      ctx.out(`✓ ${diagram.output.relative} is up to date`)
      return 0
    }
    ctx.out(result.diff)
    ctx.err(
      `✗ ${diagram.output.relative} is ${result.exists ? 'stale' : 'missing'}: run flow render --output ${diagram.output.relative} and commit it.`
    )
    return 1
  }
  writeDiagram(diagram.output)
  ctx.out(`wrote ${diagram.output.relative}`)
  return 0
}

function direction(raw: string | undefined): 'TD' | 'LR' {
  if (raw === undefined || raw === 'TD' || raw === 'LR') return raw ?? 'TD'
  throw new ConfigurationError(
    `--direction must be TD (top down) or LR (left to right), not "${printable(raw, 20)}".`
  )
}
