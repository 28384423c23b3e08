import { runFieldsFromEnv } from '../shared/context.js'
import { ConfigurationError } from '../shared/errors.js'
import { evaluateGates, renderGatesSummary, renderTerminalReport } from '../shared/gates/index.js'
import { writeReport } from '../shared/report/write.js'
import { writeFileInside } from '../shared/safe-path.js'
import type { CommandContext } from './context.js'
import {
  changedLinesOf,
  changeFromGit,
  resolveCommit,
  type Change
} from '../shared/change/index.js'
import {
  gitPolicyReader,
  loadPolicy,
  renderPolicySection,
  renderPolicyText,
  type Policy
} from '../shared/gates/policy.js'
import { DEFAULT_GRAPH_PATH } from '../shared/graph/model.js'

export const GATES_HELP = `flow gates --stage STAGE [--graph .process/graph.yaml] [--gates G1,G2] [--evidence "name: glob"]
           [--waivers FILE] [--baseline FILE] [--report flow-report.json] [--summary summary.md]
           [--fail-on error|warn|never] [--json] [--base REF [--head REF]] [--policy-ref REF]
  Evaluates every gate for a stage against the evidence on disk, like the check-gates action.
  --base REF measures the change git diff REF...HEAD (or ...--head REF): changes.*, new-code
  coverage (coverage.new_lines) and changed mutants (mutation.changed_score), as on a pull request.
  --policy-ref REF reads the graph, waivers, sign-offs and baseline from REF (e.g. origin/main), as
  check-gates does on a pull request: the working tree's changes to them are listed as proposed,
  not in force, and a waiver or sign-off only the working tree has is ignored (no approval to check).
  Exit 0 when the gates pass, 1 when one fails, 2 on a configuration error.`

export async function gatesCommand(ctx: CommandContext): Promise<number> {
  const stage = ctx.flags.stage
  if (!stage)
    throw new ConfigurationError(
      '--stage is required: name the target stage, e.g. dev, staging or production.'
    )
  const failOn = ctx.flags['fail-on'] ?? 'error'
  if (!['error', 'warn', 'never'].includes(failOn))
    throw new ConfigurationError(`--fail-on must be error, warn or never; got "${failOn}".`)
  const change = await changeFromFlags(ctx)
  const policy = await policyFromFlags(ctx)
  const { report, graph } = await evaluateGates({
    root: ctx.root,
    ...(policy ? { policy } : {}),
    graphPath: ctx.flags.graph ?? DEFAULT_GRAPH_PATH,
    stage,
    gates: ctx.flags.gates
      ?.split(',')
      .map((g) => g.trim())
      .filter(Boolean),
    evidenceOverrides: ctx.flags.evidence,
    waiversPath: ctx.flags.waivers,
    baselinePath: ctx.flags.baseline,
    now: ctx.now(),
    ...(change ? { change, changedLines: changedLinesOf(change) } : {}),
    failOn: failOn as 'error' | 'warn' | 'never',
    // In CI (GITHUB_SHA, GITHUB_RUN_ID...) the report names the commit and run, as the action's does.
    run: runFieldsFromEnv(process.env)
  }).finally(() => policy?.dispose())
  if (ctx.flags.report) writeReport(ctx.root, ctx.flags.report, report)
  const policySummary = renderPolicySection(policy)
  if (ctx.flags.summary)
    writeFileInside(
      ctx.root,
      ctx.flags.summary,
      renderGatesSummary(report, graph) + policySummary,
      'summary file'
    )
  if (ctx.flags.json === 'true') ctx.out(JSON.stringify(report, null, 2))
  else {
    ctx.out(
      renderTerminalReport(report, {
        color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
      })
    )
    if (policy) ctx.out(renderPolicyText(policy))
  }
  return report.verdict === 'passed' ? 0 : 1
}

/** The change `--base` (and `--head`, default HEAD) names, from git in the repository. */
async function changeFromFlags(ctx: CommandContext): Promise<Change | undefined> {
  const { base, head } = ctx.flags
  if (base === undefined) {
    if (head !== undefined)
      throw new ConfigurationError('--head needs --base: the change is git diff BASE...HEAD.')
    return undefined
  }
  const commits = {
    base: await resolveCommit(ctx.root, base, '--base'),
    head: await resolveCommit(ctx.root, head ?? 'HEAD', '--head')
  }
  return changeFromGit(ctx.root, commits)
}

/** The policy of `--policy-ref` (a branch, tag or SHA in this repository), read with git. */
async function policyFromFlags(ctx: CommandContext): Promise<Policy | undefined> {
  const ref = ctx.flags['policy-ref']
  if (ref === undefined) return undefined
  const sha = await resolveCommit(ctx.root, ref, '--policy-ref')
  const reader = await gitPolicyReader(ctx.root, sha)
  if (!reader)
    throw new ConfigurationError(
      `--policy-ref ${ref} (${sha.slice(0, 7)}) cannot be read with git in ${ctx.root}.`
    )
  return loadPolicy({
    root: ctx.root,
    sha,
    reader,
    graphPath: ctx.flags.graph ?? DEFAULT_GRAPH_PATH,
    ...(ctx.flags.waivers ? { waiversPath: ctx.flags.waivers } : {}),
    now: ctx.now()
  })
}
