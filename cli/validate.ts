import { writeFileSync } from 'node:fs'
import { validateGraphFile } from '../shared/graph/index.js'
import { validationReport } from '../shared/graph/report.js'
import { resolveInWorkspace } from '../shared/safe-path.js'
import { plain, styler } from './terminal.js'
import type { CommandContext } from './main.js'

export const VALIDATE_HELP = `flow validate [--graph .process/graph.yaml] [--strict] [--json] [--report FILE]
  Checks the graph: YAML safety, schema, ids, transitions, reachability, loops, decisions,
  gates, expressions, metric names and artifact paths. Exit 0 valid, 1 invalid, 2 usage error.`

export function validateCommand(ctx: CommandContext): number {
  const graph = ctx.flags.graph ?? '.process/graph.yaml'
  const strict = ctx.flags.strict === 'true'
  const result = validateGraphFile(ctx.root, graph)
  const valid = result.valid && !(strict && result.warnings > 0)
  const report = validationReport(result, { env: process.env, now: ctx.now(), graph, strict })
  if (ctx.flags.report) writeFileSync(resolveInWorkspace(ctx.root, ctx.flags.report, 'report path'), `${JSON.stringify(report, null, 2)}\n`)
  if (ctx.flags.json === 'true') {
    ctx.out(JSON.stringify(report, null, 2))
    return valid ? 0 : 1
  }
  const s = styler()
  for (const f of result.findings) {
    const level = f.severity === 'error' ? s.red('error') : s.yellow('warning')
    ctx.out(`${f.file}:${f.line ?? 1}:${f.col ?? 1}: ${level}: ${plain(f.message)} ${s.dim(`[${f.code}]`)}`)
  }
  const counts = `${result.errors} error(s), ${result.warnings} warning(s)`
  ctx.out(valid ? s.green(`✓ ${graph} is valid (${counts})`) : s.red(`✗ ${graph} is not valid (${counts}${strict ? ', strict' : ''})`))
  return valid ? 0 : 1
}
