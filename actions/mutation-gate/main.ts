import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { MutationTestResult } from 'mutation-testing-report-schema'
import {
  booleanInput,
  choiceInput,
  createRunnerIO,
  runAction,
  workspaceOf,
  type ActionIO
} from '../../shared/action.js'
import { outputDir, runInfoFromEnv } from '../../shared/context.js'
import { percentInput } from '../../shared/inputs.js'
import { ConfigurationError, EvidenceError } from '../../shared/errors.js'
import { escapeMarkdown } from '../../shared/escape.js'
import { referenceScore, strykerMutants } from '../../shared/evidence/mutation/stryker.js'
import { globFiles, isGlob } from '../../shared/glob.js'
import {
  buildMutationFlowReport,
  changedLinesFromGit,
  evaluateMutants,
  formatScore,
  incrementalFile,
  incrementalKeys,
  loadMutationBaseline,
  loadMutationReports,
  mergeShardReports,
  parseShardSpec,
  pullRequestCommits,
  readEvent,
  readStrykerFile,
  renderSummary,
  reportSchemaErrors,
  restoreIncremental,
  saveIncremental,
  stampShard,
  survivorAnnotations,
  TOOLS,
  formatTarget,
  type CacheClient,
  type GateSettings,
  type GitRunner,
  type ShardIdentity,
  type ToolChoice
} from '../../shared/mutation/index.js'
import type { NormalisedMutant } from '../../shared/evidence/index.js'
import { PRIVILEGED_EVENTS } from '../../shared/mutation/incremental.js'
import { printable, workspaceRelative } from '../../shared/safe-path.js'
import { redact } from '../../shared/redact.js'
import { defaultGitHub, type GitHubFactory } from '../../shared/runner.js'
import { writeJsonInside } from '../../shared/report/write.js'
import { INPUTS, OUTPUTS, STEP_OUTPUTS } from './names.js'

const NAME = 'mutation-gate'

export interface MutationGateInputs {
  report: string
  tool: ToolChoice
  threshold?: number
  baseline: string
  maxDrop: number
  changedOnly: boolean
  incremental?: string
  shard?: ShardIdentity
  merge: string
  checkRun: boolean
  token: string
}

export function readInputs(io: ActionIO): MutationGateInputs {
  const shardRaw = io.getInput(INPUTS.shard)
  const inputs: MutationGateInputs = {
    report: io.getInput(INPUTS.report),
    tool: choiceInput(io, INPUTS.tool, TOOLS, 'auto'),
    threshold: percentInput(io, INPUTS.threshold),
    baseline: io.getInput(INPUTS.baseline),
    maxDrop: percentInput(io, INPUTS.maxDrop) ?? 0,
    changedOnly: booleanInput(io, INPUTS.changedOnly, false),
    incremental: incrementalFile(io.getInput(INPUTS.incremental)),
    shard: shardRaw === '' ? undefined : parseShardSpec(shardRaw),
    merge: io.getInput(INPUTS.merge),
    checkRun: booleanInput(io, INPUTS.checkRun, false),
    token: io.getInput(INPUTS.token)
  }
  if (inputs.shard && inputs.merge)
    throw new ConfigurationError(
      'Inputs "shard" and "merge" are both set: a shard job runs and records one shard; the merge job combines them. Set one.'
    )
  if (!inputs.merge && inputs.report === '')
    throw new ConfigurationError(
      'Input "report" is empty: give the path or glob of the mutation report (e.g. reports/mutation/mutation.json).'
    )
  return inputs
}

export interface MutationGateDeps {
  io?: ActionIO
  workspace?: string
  now?: () => Date
  /** @actions/cache, loaded lazily by default. */
  loadCache?: () => Promise<CacheClient>
  git?: GitRunner
  /** The GitHub client for the check run; built from the token input by default. */
  github?: GitHubFactory
}

export async function run(deps: MutationGateDeps = {}): Promise<void> {
  const io = deps.io ?? createRunnerIO()
  await runAction(NAME, io, async () => {
    const phase = io.env.FLOW_MUTATION_PHASE === 'prepare' ? 'prepare' : 'evaluate'
    try {
      refusePrivilegedEvent(io)
      if (phase === 'prepare') await prepare(io, deps)
      else await evaluate(io, deps)
    } catch (error) {
      if (!(error instanceof EvidenceError) && !(error instanceof ConfigurationError)) throw error
      // The run fails closed with a clear message, and the summary says why.
      io.setOutput(OUTPUTS.passed, 'false')
      io.appendSummary(`## Mutation gate failed\n\n${escapeMarkdown(error.message, 2000)}\n`)
      if (error instanceof ConfigurationError) throw error
      io.setFailed(`${NAME}: ${error.message}`)
    }
  })
}

/**
 * pull_request_target and workflow_run run with the base repository's token and cache scope; the
 * mutation command would run a pull request's code there (docs/security.md). Refused unless the
 * caller says this job never checks out untrusted code.
 */
function refusePrivilegedEvent(io: ActionIO): void {
  const event = io.env.GITHUB_EVENT_NAME ?? ''
  if (!PRIVILEGED_EVENTS.has(event)) return
  if (booleanInput(io, INPUTS.allowPrivilegedEvents, false)) {
    io.warning(
      `mutation-gate runs on ${event} because allow-privileged-events is true: the incremental cache is not saved on this event.`
    )
    return
  }
  throw new ConfigurationError(
    `mutation-gate refuses to run on ${event}: that event runs with the base repository's token and cache scope, and a mutation run executes the checked-out code. Use pull_request, or set allow-privileged-events: true if this job never checks out untrusted code.`
  )
}

function shardScope(shard: ShardIdentity | undefined): string {
  return shard ? `shard-${shard.shard}-of-${shard.of}` : 'all'
}

/** Before the mutation command: hands the shard's targets to the command and restores the incremental cache. */
async function prepare(io: ActionIO, deps: MutationGateDeps): Promise<void> {
  const inputs = readInputs(io)
  const root = deps.workspace ?? workspaceOf(io)
  const mutate = inputs.shard ? inputs.shard.targets.map(formatTarget).join(',') : ''
  io.setOutput(STEP_OUTPUTS.mutate, mutate)
  if (inputs.shard)
    io.info(
      `Shard ${inputs.shard.shard} of ${inputs.shard.of}: ${mutate || '(no targets given; the command chooses)'}`
    )
  if (inputs.incremental) {
    const keys = incrementalKeys(io.env, readEvent(io.env), shardScope(inputs.shard))
    await restoreIncremental(
      root,
      inputs.incremental,
      keys,
      { info: (l) => io.info(l), warning: (m) => io.warning(m) },
      deps.loadCache
    )
  }
}

interface Loaded {
  tool: string
  sources: string[]
  mutants: NormalisedMutant[]
  referenceScore?: number
  report: MutationTestResult
  mergedShards?: number
  notes: string[]
}

async function loadMerged(root: string, pattern: string, io: ActionIO): Promise<Loaded> {
  const files = isGlob(pattern) ? globFiles(root, pattern) : [pattern]
  if (files.length === 0)
    throw new EvidenceError(
      printable(pattern),
      'missing',
      'no shard report matches this pattern: did the shard jobs upload their reports, and did the download step run?'
    )
  const shards = []
  for (const f of files) shards.push(await readStrykerFile(root, f))
  const merged = mergeShardReports(shards)
  io.info(
    `Merged ${merged.of} shard report(s)${merged.splitFiles.length > 0 ? `; ${merged.splitFiles.length} file(s) were split across shards by line ranges` : ''}.`
  )
  return {
    tool: 'stryker',
    sources: shards.map((s) => s.file),
    mutants: strykerMutants(merged.report),
    referenceScore: referenceScore(merged.report),
    report: merged.report,
    mergedShards: merged.of,
    notes: merged.notes
  }
}

// Every folder below `root` is checked: a symlink on the way is refused, never followed.
function writeJson(file: string, data: unknown, root = path.dirname(file)): string {
  mkdirSync(root, { recursive: true })
  return writeJsonInside(root, path.relative(root, file), data, 'report path')
}

/** After the mutation command: reads (or merges) the report, gates it, writes summary, report and outputs. */
async function evaluate(io: ActionIO, deps: MutationGateDeps): Promise<void> {
  const inputs = readInputs(io)
  const root = deps.workspace ?? workspaceOf(io)
  const now = deps.now ?? (() => new Date())
  const event = readEvent(io.env)
  const log = { info: (l: string) => io.info(l), warning: (m: string) => io.warning(m) }
  if (inputs.incremental)
    await saveIncremental(
      root,
      inputs.incremental,
      incrementalKeys(io.env, event, shardScope(inputs.shard)),
      log,
      deps.loadCache
    )

  const outDir = path.join(outputDir(io.env), 'mutation')
  let loaded: Loaded
  let mutationReport: string | undefined
  if (inputs.merge) {
    loaded = await loadMerged(root, inputs.merge, io)
    mutationReport = path.join(outDir, 'merged-mutation.json')
    writeJson(mutationReport, loaded.report)
    if (inputs.report) {
      const target = writeJson(path.resolve(root, inputs.report), loaded.report, root)
      io.info(`Wrote the merged report to ${workspaceRelative(root, target)}.`)
    }
  } else {
    const r = await loadMutationReports(root, inputs.report, inputs.tool)
    loaded = {
      tool: r.tool,
      sources: r.files,
      mutants: r.mutants,
      referenceScore: r.referenceScore,
      report: r.report,
      notes: []
    }
  }

  const settings: GateSettings = {
    threshold: inputs.threshold,
    maxDrop: inputs.maxDrop,
    shard: inputs.shard !== undefined
  }
  if (inputs.changedOnly) {
    const commits = pullRequestCommits(event)
    if (commits) {
      settings.changedLines = await changedLinesFromGit(root, commits, deps.git)
      io.info(
        `changed-only: ${settings.changedLines.size} file(s) changed between ${commits.base.slice(0, 12)} and ${commits.head.slice(0, 12)}.`
      )
    } else {
      loaded.notes.push(
        `changed-only is on, but this is a ${event.name || 'non-pull-request'} event: the whole score is gated.`
      )
    }
  }
  if (!inputs.shard) settings.baseline = await loadMutationBaseline(root, inputs.baseline)
  if (inputs.maxDrop > 0 && !inputs.baseline)
    io.warning(
      'Input "max-drop" is set but "baseline" is empty: there is nothing to ratchet against.'
    )

  const evaluation = evaluateMutants(loaded.mutants, settings, root, loaded.referenceScore)
  for (const w of evaluation.warnings) io.warning(w)

  if (inputs.shard) {
    mutationReport = path.join(outDir, `shard-${inputs.shard.shard}-of-${inputs.shard.of}.json`)
    writeJson(mutationReport, stampShard(loaded.report, inputs.shard))
  }
  const flow = buildMutationFlowReport({
    run: runInfoFromEnv(io.env, now()),
    tool: loaded.tool,
    sources: loaded.sources,
    evaluation,
    settings,
    mutationReport,
    shard: inputs.shard
      ? {
          shard: inputs.shard.shard,
          of: inputs.shard.of,
          mutate: inputs.shard.targets.map(formatTarget)
        }
      : undefined,
    mergedShards: loaded.mergedShards
  })
  const flowPath = path.join(
    outDir,
    inputs.shard ? `mutation-report-shard-${inputs.shard.shard}.json` : 'mutation-report.json'
  )
  writeJson(flowPath, flow)
  const schemaErrors = reportSchemaErrors(flow)
  if (schemaErrors.length > 0)
    io.warning(
      `The mutation report does not match its published schema (a flow-actions bug; please report it): ${schemaErrors.slice(0, 3).join('; ')}`
    )

  const reportOutput = inputs.shard ? (mutationReport as string) : flowPath
  const summary = renderSummary(evaluation, settings, {
    tool: loaded.tool,
    sources: loaded.sources,
    shardLabel: inputs.shard ? `shard ${inputs.shard.shard} of ${inputs.shard.of}` : undefined,
    mergedShards: loaded.mergedShards,
    reportPath: reportOutput,
    notes: loaded.notes
  })
  io.appendSummary(summary)
  const annotations = survivorAnnotations(evaluation)
  io.annotate(annotations)
  if (inputs.checkRun) {
    if (inputs.token) io.setSecret(inputs.token)
    const { publishCheckRun } = await import('../../shared/github/check-runs.js')
    const score =
      evaluation.score === undefined ? 'undefined' : `${formatScore(evaluation.score)} %`
    await publishCheckRun({
      env: io.env,
      name: `flow-actions mutation${inputs.shard ? ` (shard ${inputs.shard.shard} of ${inputs.shard.of})` : ''}`,
      conclusion: evaluation.passed ? 'success' : 'failure',
      title: `Mutation score ${score}${evaluation.passed ? '' : ': the gate failed'}`,
      summary,
      // Every surviving mutant, not only the 10 a step shows.
      annotations: survivorAnnotations(evaluation, Number.POSITIVE_INFINITY),
      redact: (text) => redact(text, [inputs.token]),
      getClient: async () => (deps.github ?? defaultGitHub)(inputs.token, (m) => io.info(m)),
      info: (m) => io.info(m),
      warning: (m) => io.warning(m)
    })
  }
  if (evaluation.surviving.length > annotations.length) {
    io.info(
      `${evaluation.surviving.length - annotations.length} more surviving mutant(s) are not annotated (GitHub shows ${annotations.length} per step): see the job summary and the report.`
    )
  }

  const m = evaluation.metrics
  io.setOutput(OUTPUTS.score, evaluation.score === undefined ? '' : formatScore(evaluation.score))
  io.setOutput(
    OUTPUTS.changedScore,
    evaluation.changedScore === undefined ? '' : formatScore(evaluation.changedScore)
  )
  io.setOutput(OUTPUTS.killed, m.get('mutation.killed') ?? 0)
  io.setOutput(OUTPUTS.survived, m.get('mutation.survived') ?? 0)
  io.setOutput(OUTPUTS.noCoverage, m.get('mutation.no_coverage') ?? 0)
  io.setOutput(OUTPUTS.timeout, m.get('mutation.timeout') ?? 0)
  io.setOutput(OUTPUTS.total, m.get('mutation.total') ?? 0)
  io.setOutput(OUTPUTS.passed, evaluation.passed ? 'true' : 'false')
  io.setOutput(OUTPUTS.report, reportOutput)

  const score = evaluation.score === undefined ? 'undefined' : `${formatScore(evaluation.score)}%`
  io.info(
    `Mutation score ${score}${evaluation.changedScore !== undefined ? `, changed lines ${formatScore(evaluation.changedScore)}%` : ''} (${loaded.sources.join(', ')}).`
  )
  for (const note of loaded.notes) io.info(note)
  if (!evaluation.passed) {
    io.setFailed(
      `${NAME}: ${evaluation.checks
        .filter((c) => c.status !== 'passed')
        .map((c) => c.message)
        .join(' ')}`
    )
  }
}
