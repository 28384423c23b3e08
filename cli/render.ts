import { checkDiagram, prepareDiagram, writeDiagram } from '../shared/diagram/index.js'
import type { CommandContext } from './main.js'

export const RENDER_HELP = `flow render [--graph .process/graph.yaml] [--report flow-report.json] [--output FILE.mmd|FILE.md] [--check]
  Draws the graph as a mermaid flowchart, gates coloured from a flow report. Without --output the
  diagram is printed. --check compares with the committed --output file and prints a diff
  (exit 1 when stale).`

export function renderCommand(ctx: CommandContext): number {
  const check = ctx.flags.check === 'true'
  const diagram = prepareDiagram({
    root: ctx.root,
    graph: ctx.flags.graph ?? '.process/graph.yaml',
    report: ctx.flags.report,
    output: ctx.flags.output
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
    ctx.err(`✗ ${diagram.output.relative} is ${result.exists ? 'stale' : 'missing'}: run flow render --output ${diagram.output.relative} and commit it.`)
    return 1
  }
  writeDiagram(diagram.output)
  ctx.out(`wrote ${diagram.output.relative}`)
  return 0
}
