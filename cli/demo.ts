import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigurationError } from '../shared/errors.js'
import { evaluateGates, renderGatesSummary, renderTerminalReport } from '../shared/gates/index.js'
import { validateGraphFile } from '../shared/graph/index.js'
import { validationSummary } from '../shared/graph/report.js'
import { writeReportFile } from '../shared/report/write.js'
import { writeFileInside } from '../shared/safe-path.js'
import type { CommandContext } from './context.js'
import { DEFAULT_GRAPH_PATH } from '../shared/graph/model.js'

export const DEMO_HELP = `flow demo [--root examples] [--output .flow-demo]
  Runs the main job on the bundled example repository: validates its graph, evaluates its gates
  for staging (they pass) and production (they fail, with reasons), prints a terminal report and
  writes the markdown job summary and the reports to the output folder.`

/** The example repository of this checkout: examples/ in the nearest folder above this code that has one. */
export function bundledExample(): string {
  // The code sits in cli/ when run from source, and in dist/cli/ or a shared dist/chunks/ file when bundled.
  for (
    let dir = path.dirname(fileURLToPath(import.meta.url)), up = 0;
    up < 4;
    up++, dir = path.dirname(dir)
  ) {
    const candidate = path.join(dir, 'examples')
    if (existsSync(path.join(candidate, '.process', 'graph.yaml'))) return candidate
  }
  throw new ConfigurationError(
    'The bundled example repository (examples/) was not found; pass --root DIR.'
  )
}

export async function demoCommand(ctx: CommandContext): Promise<number> {
  const root = ctx.flags.root ? path.resolve(ctx.flags.root) : bundledExample()
  const outDir = path.resolve(ctx.flags.output ?? '.flow-demo')
  mkdirSync(outDir, { recursive: true })
  const rule = '─'.repeat(72)
  ctx.out(`flow-actions demo on ${path.relative(process.cwd(), root) || root}\n${rule}`)

  const validation = validateGraphFile(root, DEFAULT_GRAPH_PATH)
  ctx.out(
    `1. validate-graph: ${validation.graph?.nodes.length ?? 0} nodes, ${validation.errors} error(s), ${validation.warnings} warning(s) → ${validation.valid ? 'valid' : 'NOT valid'}`
  )
  for (const f of validation.findings)
    ctx.out(`   ${f.file}:${f.line}:${f.col}: ${f.severity}: ${f.message}`)
  const summary = [validationSummary(validation, { graph: DEFAULT_GRAPH_PATH, strict: false })]
  if (!validation.valid) {
    writeFileInside(outDir, 'summary.md', summary.join('\n'), 'summary file')
    ctx.err('The example graph is not valid; gates were not evaluated.')
    return 1
  }

  const verdicts: Record<string, string> = {}
  for (const [i, stage] of ['staging', 'production'].entries()) {
    const { report, graph } = await evaluateGates({
      root,
      graphPath: DEFAULT_GRAPH_PATH,
      stage,
      now: ctx.now()
    })
    verdicts[stage] = report.verdict
    writeReportFile(path.join(outDir, `flow-report-${stage}.json`), report)
    summary.push(renderGatesSummary(report, graph, { reportHint: `flow-report-${stage}.json` }))
    ctx.out(`\n${i + 2}. check-gates --stage ${stage}\n${rule}`)
    ctx.out(
      renderTerminalReport(report, {
        color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
      })
    )
  }
  const summaryFile = path.join(outDir, 'summary.md')
  writeFileInside(outDir, 'summary.md', summary.join('\n\n'), 'summary file')
  ctx.out(`\n${rule}\nstaging: ${verdicts.staging}, production: ${verdicts.production}`)
  ctx.out(
    `Markdown job summary (as GitHub would show it): ${path.relative(process.cwd(), summaryFile)}`
  )
  ctx.out(`Reports: ${path.relative(process.cwd(), outDir)}/flow-report-{staging,production}.json`)
  return 0
}
