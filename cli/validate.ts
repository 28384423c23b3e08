import { existsSync } from 'node:fs'
import { ConfigurationError } from '../shared/errors.js'
import { validateGraphFile } from '../shared/graph/index.js'
import { validationReport } from '../shared/graph/report.js'
import { printable, resolveInWorkspace } from '../shared/safe-path.js'
import { plain, styler } from './terminal.js'
import type { CommandContext } from './context.js'
import { writeJsonInside } from '../shared/report/write.js'
import { DEFAULT_GRAPH_PATH } from '../shared/graph/model.js'

export const VALIDATE_HELP = `flow validate [--graph .process/graph.yaml] [--strict] [--json] [--report FILE]
  Checks the graph: YAML safety, schema, ids, transitions, reachability, loops, decisions,
  gates, expressions, metric names and artifact paths. Exit 0 valid, 1 invalid (with --strict,
  warnings too), 2 usage error or no graph (run flow init first).`

export function validateCommand(ctx: CommandContext): number {
  const graph = ctx.flags.graph ?? DEFAULT_GRAPH_PATH
  const strict = ctx.flags.strict === 'true'
  // No graph at all is a setup step not taken, not an invalid graph: exit 2 and say how to start.
  if (!existsSync(resolveInWorkspace(ctx.root, graph, 'graph path'))) {
    throw new ConfigurationError(
      ctx.flags.graph === undefined
        ? `${printable(graph)} does not exist. Run \`flow init\` to write a starter graph, or pass --graph FILE.`
        : `${printable(graph)} does not exist; check the --graph path, or run \`flow init\` to write a starter graph.`
    )
  }
  const result = validateGraphFile(ctx.root, graph)
  const valid = result.valid && !(strict && result.warnings > 0)
  const report = validationReport(result, { env: process.env, now: ctx.now(), graph, strict })
  if (ctx.flags.report) writeJsonInside(ctx.root, ctx.flags.report, report, 'report path')
  if (ctx.flags.json === 'true') {
    ctx.out(JSON.stringify(report, null, 2))
    return valid ? 0 : 1
  }
  const s = styler()
  for (const f of result.findings) {
    const level = f.severity === 'error' ? s.red('error') : s.yellow('warning')
    ctx.out(
      `${f.file}:${f.line ?? 1}:${f.col ?? 1}: ${level}: ${plain(f.message)} ${s.dim(`[${f.code}]`)}`
    )
  }
  const counts = `${result.errors} error(s), ${result.warnings} warning(s)`
  ctx.out(
    valid
      ? s.green(`✓ ${graph} is valid (${counts})`)
      : s.red(`✗ ${graph} is not valid (${counts}${strict ? ', strict' : ''})`)
  )
  return valid ? 0 : 1
}
