import { ConfigurationError, EvidenceError } from '../shared/errors.js'
import { referenceScore, strykerMutants } from '../shared/evidence/mutation/stryker.js'
import { globFiles, isGlob } from '../shared/glob.js'
import { parseInteger, parsePercent } from '../shared/inputs.js'
import {
  evaluateMutants,
  formatScore,
  loadMutationBaseline,
  loadMutationReports,
  mergeShardReports,
  planShards,
  readStrykerFile,
  TOOLS,
  type GateSettings,
  type ShardReport,
  type ToolChoice
} from '../shared/mutation/index.js'
import { printable, workspaceRelative, writeFileInside } from '../shared/safe-path.js'
import type { CommandContext } from './context.js'

export const MUTATION_HELP = [
  '  mutation plan --shards N [PATTERN...]   Split mutate targets (files, and line ranges of large files) into N',
  '                                          balanced shards; prints a JSON matrix for strategy.matrix',
  "                                          (PATTERNs are workspace globs, !PATTERN excludes; default: Stryker's).",
  '                                          --output FILE also writes it to a file.',
  '  mutation merge --output FILE [--shards N] REPORT...',
  '                                          Merge stamped shard reports (paths or globs) into one Stryker report;',
  '                                          a missing or overlapping shard is an error naming it.',
  '  mutation gate --report FILE [--threshold P] [--baseline SCORE|FILE] [--max-drop P] [--tool T] [--json]',
  '                                          Score a Stryker, PIT or mutmut report; exit 1 when below the',
  '                                          threshold, when it drops under the baseline, or when undefined.',
  '                                          --tool auto|stryker|pit|mutmut (default auto); --json adds a JSON line.'
].join('\n')

function positiveInt(raw: string | undefined, flag: string): number | undefined {
  return raw === undefined || raw === '' ? undefined : parseInteger(raw, `--${flag}`, { min: 1 })
}

function percent(raw: string | undefined, flag: string): number | undefined {
  return raw === undefined || raw === '' ? undefined : parsePercent(raw, `--${flag}`)
}

function writeOutput(root: string, file: string, text: string): string {
  const target = writeFileInside(root, file, text, 'output path')
  return workspaceRelative(root, target)
}

/** `flow mutation plan|merge|gate`. Exit codes: 0 ok, 1 the gate failed or evidence is bad, 2 usage. */
export async function mutationCommand(ctx: CommandContext): Promise<number> {
  const [sub, ...args] = ctx.positionals
  try {
    switch (sub) {
      case 'plan':
        return plan(ctx, args)
      case 'merge':
        return await merge(ctx, args)
      case 'gate':
        return await gate(ctx)
      default:
        ctx.err(
          `flow mutation: ${sub ? `unknown subcommand "${printable(sub, 40)}"` : 'missing subcommand'}; use plan, merge or gate.\n\n${MUTATION_HELP}`
        )
        return 2
    }
  } catch (error) {
    if (error instanceof EvidenceError) {
      ctx.err(`flow mutation ${sub}: ${error.message}`)
      return 1
    }
    throw error
  }
}

function plan(ctx: CommandContext, patterns: string[]): number {
  const shards = positiveInt(ctx.flags.shards, 'shards')
  if (shards === undefined)
    throw new ConfigurationError(
      'flow mutation plan needs --shards N (the number of parallel jobs).'
    )
  const result = planShards(ctx.root, patterns, shards)
  const matrix = JSON.stringify({ include: result.include })
  for (const note of result.notes) ctx.err(note)
  ctx.err(
    `Planned ${result.include.length} shard(s) over ${result.files} file(s), about ${result.estimate} mutants: ${result.include.map((e) => e.estimate).join(' / ')}.`
  )
  if (ctx.flags.output) ctx.err(`Wrote ${writeOutput(ctx.root, ctx.flags.output, `${matrix}\n`)}.`)
  ctx.out(matrix)
  return 0
}

async function merge(ctx: CommandContext, args: string[]): Promise<number> {
  const output = ctx.flags.output
  if (!output)
    throw new ConfigurationError('flow mutation merge needs --output FILE for the merged report.')
  if (args.length === 0)
    throw new ConfigurationError(
      'flow mutation merge needs the shard reports (paths or globs) after the options.'
    )
  const files: string[] = []
  for (const a of args) {
    const found = isGlob(a) ? globFiles(ctx.root, a) : [a]
    if (found.length === 0)
      throw new EvidenceError(printable(a), 'missing', 'no shard report matches this pattern.')
    files.push(...found)
  }
  const shards: ShardReport[] = []
  for (const f of [...new Set(files)]) shards.push(await readStrykerFile(ctx.root, f))
  const result = mergeShardReports(shards, {
    expectedShards: positiveInt(ctx.flags.shards, 'shards')
  })
  const written = writeOutput(ctx.root, output, `${JSON.stringify(result.report, null, 2)}\n`)
  for (const note of result.notes) ctx.err(note)
  const mutants = strykerMutants(result.report)
  const score = referenceScore(result.report)
  ctx.out(
    `Merged ${result.of} shard(s) into ${written}: ${mutants.length} mutants, score ${score === undefined ? 'undefined' : `${formatScore(score)}%`}${result.splitFiles.length > 0 ? `; ${result.splitFiles.length} file(s) split by line ranges` : ''}.`
  )
  return 0
}

async function gate(ctx: CommandContext): Promise<number> {
  const report = ctx.flags.report
  if (!report)
    throw new ConfigurationError(
      'flow mutation gate needs --report FILE (a Stryker JSON, PIT mutations.xml or mutmut results path or glob).'
    )
  const toolFlag = (ctx.flags.tool ?? 'auto') as ToolChoice
  if (!(TOOLS as readonly string[]).includes(toolFlag))
    throw new ConfigurationError(`--tool must be one of ${TOOLS.join(', ')}.`)
  const loaded = await loadMutationReports(ctx.root, report, toolFlag)
  const settings: GateSettings = {
    threshold: percent(ctx.flags.threshold, 'threshold'),
    maxDrop: percent(ctx.flags['max-drop'], 'max-drop') ?? 0,
    baseline: await loadMutationBaseline(ctx.root, ctx.flags.baseline ?? '')
  }
  const e = evaluateMutants(loaded.mutants, settings, ctx.root, loaded.referenceScore)
  const m = e.metrics
  ctx.out(
    `${loaded.files.join(', ')} (${loaded.tool}): score ${e.score === undefined ? 'undefined' : `${formatScore(e.score)}%`}; ${m.get('mutation.killed') ?? 0} killed, ${m.get('mutation.timeout') ?? 0} timeout, ${m.get('mutation.survived') ?? 0} survived, ${m.get('mutation.no_coverage') ?? 0} no coverage, ${m.get('mutation.total') ?? 0} total.`
  )
  for (const c of e.checks) ctx.out(`${c.status === 'passed' ? 'ok  ' : 'FAIL'} ${c.message}`)
  for (const w of e.warnings) ctx.err(`warning: ${w}`)
  if (ctx.flags.json)
    ctx.out(
      JSON.stringify({
        score: e.score ?? null,
        passed: e.passed,
        metrics: Object.fromEntries(m),
        checks: e.checks
      })
    )
  return e.passed ? 0 : 1
}
