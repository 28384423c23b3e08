import type { Annotation } from '../annotations.js'
import { TOOL_NAME, TOOL_VERSION } from '../context.js'
import { ConfigurationError, errorMessage } from '../errors.js'
import type { Expression, Scope, Value } from '../expr/index.js'
import {
  loadGraph,
  resolveValues,
  type GraphNode,
  type ProcessGraph,
  type Requirement
} from '../graph/index.js'
import { withAliases } from '../metrics.js'
import {
  countTotals,
  gateStatus,
  gatesVerdict,
  reportEnvelope,
  type FailOn
} from '../report/build.js'
import type {
  ActualValue,
  FindingRecord,
  FlowReport,
  GateResult,
  RequirementResult,
  RunInfo
} from '../report/types.js'
import { gateAnnotations } from './annotate.js'
import { BASELINE_PREFIX, baselineCandidates, loadBaselines } from '../baseline.js'
import { checkExpression, parseCheck, type ExpressionContext } from './check-expression.js'
import { checkInstructions } from './check-instructions.js'
import { checkReview } from './check-review.js'
import { checkTrace } from './check-trace.js'
import { explainMissing, namespacesOf } from './missing-names.js'
import type { CheckOutcome } from './outcome.js'
import type { CollectedFinding, EvidencePort } from './ports.js'
import { PullRequestFacts, type GitHubRequester, type PullRequestContext } from './pull-request.js'
import { loadSignoffs } from './signoffs.js'
import { loadWaivers } from './waivers.js'
import { applyWaivers, waiverProblemsGate } from './apply-waivers.js'
import { checkArtifactRequirement } from './check-artifact.js'
import type { Policy } from './policy.js'
import { byText } from '../compare.js'
import type { Change } from '../change/model.js'
import { changeSize, notExemptBecause, type ChangeSize } from './change-size.js'

export interface EvaluateGatesOptions {
  root: string
  graphPath: string
  stage: string
  /** A subset of gate ids; default every gate. */
  gates?: string[]
  /** The evidence input: `name: path-or-glob` per line, replacing the graph's declaration of that name. */
  evidenceOverrides?: string
  waiversPath?: string
  /** Baseline files (baseline.json or earlier flow reports); default .process/baseline.json. */
  baselinePath?: string | string[]
  now: Date
  /** Changed lines per file (from a diff), for small-change exemptions and new-code metrics. */
  changedLines?: Map<string, Set<number>>
  /** The change under evaluation (shared/change): feeds changes.*, new-code coverage and changed mutants. */
  change?: Change
  /** Why the change could not be read (no fetch-depth, API error): named when a change metric is missing. */
  changeProblem?: string
  pullRequest?: PullRequestContext
  /** Commit messages of a push, for trace requirements when there is no pull request. */
  commits?: string[]
  /** A GitHubClient from shared/github (its octokit is used) or anything with Octokit's request(). */
  github?: GitHubRequester | { octokit: GitHubRequester }
  failOn?: FailOn
  /** Run metadata (repository, sha, ...); time and tool are filled in. */
  run?: Partial<RunInfo>
  maxFindings?: number
  /** Explains API errors in actionable words; shared/github's classifier in production. */
  describeApiError?: (error: unknown) => string
  /**
   * The policy in force when it is not the workspace's own (shared/gates/policy.ts): the graph,
   * evidence.yaml and the default baseline are read from its root, with its waivers and sign-offs.
   */
  policy?: Pick<Policy, 'root' | 'waivers' | 'signoffs'>
}

export interface GatesEvaluation {
  report: FlowReport
  annotations: Annotation[]
  graph: ProcessGraph
}

export const DEFAULT_MAX_FINDINGS = 1000

/**
 * Evaluates every selected gate of the graph for a stage and returns one report. Configuration
 * mistakes (a graph that does not load, an unknown gate or stage, an unreadable waivers file)
 * throw ConfigurationError; everything about evidence becomes a result in the report, so the
 * report and summary are always written.
 */
export async function evaluateGatesWith(
  port: EvidencePort,
  opts: EvaluateGatesOptions
): Promise<GatesEvaluation> {
  const { root, stage, now } = opts
  const failOn = opts.failOn ?? 'error'
  // The policy in force (on a pull request, the base commit's); evidence always comes from root.
  const policyRoot = opts.policy?.root ?? root
  const { graph, findings } = loadGraph(policyRoot, opts.graphPath)
  const schemaErrors = findings.filter((f) => f.severity === 'error')
  if (schemaErrors.length > 0) {
    const first = schemaErrors.slice(0, 3).map((f) => `${f.file}:${f.line ?? 0}: ${f.message}`)
    throw new ConfigurationError(
      `${graph.file} is not a valid graph (${schemaErrors.length} error(s)): ${first.join('; ')}. Run validate-graph for the full list.`
    )
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(stage)) {
    throw new ConfigurationError(
      `The stage "${stage.slice(0, 64)}" is not a valid stage name (letters, digits, ".", "_" and "-").`
    )
  }
  // An empty stages: list declares no stage at all; accepting any stage there would skip every
  // only: requirement on a typo (validate-graph reports the empty list as empty-stages).
  if (!graph.stages.includes(stage)) {
    throw new ConfigurationError(
      graph.stages.length === 0
        ? `The stage "${stage}" cannot be checked: ${graph.file} declares no stages (stages: []). List them, e.g. stages: [dev, staging, production], or remove the key for that default.`
        : `The stage "${stage}" is not one of the graph's stages (${graph.stages.join(', ')}) in ${graph.file}; use one of them or add it to stages:.`
    )
  }
  const gateNodes = selectGates(graph, opts.gates)

  const resolved = resolveValues(policyRoot, graph)
  const waivers = opts.policy?.waivers ?? loadWaivers(policyRoot, opts.waiversPath, now)
  const baselinePaths = Array.isArray(opts.baselinePath)
    ? opts.baselinePath
    : opts.baselinePath
      ? [opts.baselinePath]
      : []
  // The committed default baseline is policy; named files are reports a workflow step downloaded.
  const baseline = loadBaselines(baselinePaths.length === 0 ? policyRoot : root, baselinePaths)
  const signoffs = opts.policy?.signoffs ?? loadSignoffs(policyRoot)
  const evidence = await port.collect({
    root,
    ...(opts.policy ? { policyRoot } : {}),
    graphDeclarations: graph.evidence,
    overrides: opts.evidenceOverrides,
    now,
    changedLines: opts.changedLines,
    ...(opts.change ? { change: opts.change } : {}),
    ...(opts.changeProblem ? { changeProblem: opts.changeProblem } : {}),
    maxFindings: opts.maxFindings ?? DEFAULT_MAX_FINDINGS
  })
  const metrics = withAliases(evidence.metrics)

  const usedValues = new Map<string, ActualValue>()
  const scope: Scope = (name) => {
    if (name.startsWith(BASELINE_PREFIX))
      return baseline.values.get(name.slice(BASELINE_PREFIX.length))
    const m = metrics.get(name)
    if (m !== undefined) return m
    const v = resolved.values.get(name)
    if (v !== undefined) usedValues.set(name, Array.isArray(v) ? JSON.stringify(v) : v)
    return v as Value | undefined
  }
  const missingCtx = { evidence, baseline, graphFile: graph.file, valueProblems: resolved.problems }
  const expressionCtx: ExpressionContext = {
    scope,
    explainMissing: (names) => explainMissing(names, missingCtx),
    evidenceFor: (names) => [
      ...evidenceFiles(names, evidence, baseline.origin),
      ...valueFiles(names, graph)
    ]
  }
  const describeApiError = opts.describeApiError ?? errorMessage
  const github = opts.github && 'octokit' in opts.github ? opts.github.octokit : opts.github
  const facts = opts.pullRequest ? new PullRequestFacts(opts.pullRequest, github) : undefined
  const changedLineCount = memoise(() => changeSize(opts.change, opts.changedLines, facts))

  const gates: GateResult[] = []
  const expressions: Expression[] = []
  for (const node of gateNodes) {
    const requirements: RequirementResult[] = []
    for (const req of node.requires ?? []) {
      const outcome = await checkRequirement(req, {
        stage,
        root,
        now,
        graph,
        port,
        expressionCtx,
        facts,
        commits: opts.commits,
        describeApiError,
        changedLineCount,
        signoffs
      })
      const source = metricSource(req, stage)
      if (source) {
        const parsed = parseCheck(source)
        if (!('error' in parsed)) expressions.push(parsed)
      }
      requirements.push({
        id: req.id,
        type: req.type,
        severity: req.severity,
        ...outcome,
        evidence: [...new Set(outcome.evidence)],
        ...(req.pos ? { location: { file: graph.file, line: req.pos.line, col: req.pos.col } } : {})
      })
    }
    applyWaivers(node.id, requirements, waivers.waivers, stage)
    gates.push({
      id: node.id,
      ...notEvaluated(node, requirements, stage),
      ...(node.description ? { description: node.description.trim().replace(/\s+/g, ' ') } : {}),
      requirements,
      ...(node.pos
        ? { location: { file: graph.file, line: node.pos.line, col: node.pos.col } }
        : {})
    })
  }
  const waiverGate = waiverProblemsGate(waivers.file, waivers.waivers, graph, gateNodes)
  if (waiverGate) gates.push(waiverGate)

  const report: FlowReport = {
    ...reportEnvelope('gates', {
      ...opts.run,
      stage,
      graph: graph.file,
      time: now.toISOString(),
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      ...(opts.pullRequest ? { pullRequest: opts.pullRequest.number } : {})
    }),
    verdict: gatesVerdict(gates, failOn),
    failOn,
    totals: countTotals(gates),
    gates,
    metrics: finiteMetrics(metrics),
    evidence: {
      sources: Object.fromEntries([...evidence.sources].sort(([a], [b]) => byText(a, b))),
      problems: [...evidence.errors, ...baseline.problems].map((p) => ({
        file: p.file,
        problem: p.problem,
        message: p.message,
        ...(p.line ? { line: p.line } : {})
      }))
    },
    findings: evidence.findings.map(toFindingRecord),
    findingsTotal: Math.max(evidence.findingsTotal, evidence.findings.length),
    waivers: waivers.waivers.map((w) => w.record),
    baseline: {
      sources: baseline.sources,
      values: Object.fromEntries(baseline.values),
      candidates: baselineCandidates(expressions, (n) => metrics.get(n), baseline.values)
    },
    values: Object.fromEntries(usedValues)
  }
  return { report, annotations: gateAnnotations(report), graph }
}

/**
 * A gate whose every requirement was skipped (other stages, small-change exemptions) checked
 * nothing: it is "not evaluated", never "passed", and fails the run unless the graph marks it
 * optional for this stage.
 */
function notEvaluated(
  node: GraphNode,
  requirements: RequirementResult[],
  stage: string
): Pick<GateResult, 'status' | 'optional' | 'reason'> {
  if (requirements.length === 0 || requirements.some((r) => r.status !== 'skipped'))
    return { status: gateStatus(requirements) }
  const optional =
    node.optional === true || (Array.isArray(node.optional) && node.optional.includes(stage))
  const reason = `Every requirement of ${node.id} was skipped for stage ${stage}, so nothing was checked${
    optional
      ? ` (the gate is optional for ${stage})`
      : `; it fails the run. Add a requirement that applies to ${stage}, or mark the gate optional: [${stage}] if skipping it there is intended`
  }.`
  return { status: 'not-evaluated', reason, ...(optional ? { optional: true as const } : {}) }
}

function selectGates(graph: ProcessGraph, wanted: string[] | undefined): GraphNode[] {
  const all = graph.nodes.filter((n) => n.kind === 'gate')
  if (!wanted || wanted.length === 0) {
    if (all.length === 0)
      throw new ConfigurationError(
        `${graph.file} has no gate nodes (kind: gate); there is nothing to evaluate.`
      )
    return all
  }
  const unknown = wanted.filter((id) => !all.some((g) => g.id === id))
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `Unknown gate(s) in the gates input: ${unknown.join(', ')}. The graph's gates are: ${all.map((g) => g.id).join(', ') || 'none'}.`
    )
  }
  return all.filter((g) => wanted.includes(g.id))
}

interface RequirementContext {
  stage: string
  root: string
  now: Date
  graph: ProcessGraph
  port: EvidencePort
  expressionCtx: ExpressionContext
  facts?: PullRequestFacts
  commits?: string[]
  describeApiError: (error: unknown) => string
  changedLineCount: () => Promise<ChangeSize | undefined>
  signoffs: ReturnType<typeof loadSignoffs>
}

/** The expression a metric or policy requirement uses at this stage. */
function metricSource(req: Requirement, stage: string): string | undefined {
  if (req.type === 'metric') return req.byStage?.[stage] ?? req.expr
  if (req.type === 'policy') return req.expr
  return undefined
}

async function checkRequirement(req: Requirement, ctx: RequirementContext): Promise<CheckOutcome> {
  const check = checkText(req, ctx.stage)
  if (req.stages && !req.stages.includes(ctx.stage)) {
    return {
      status: 'skipped',
      skipReason: 'stage',
      check,
      message: `Applies to ${req.stages.join(', ')} only.`,
      evidence: []
    }
  }
  try {
    switch (req.type) {
      case 'metric': {
        if (req.minChangedLines !== undefined) {
          const size = await ctx.changedLineCount()
          const changed = size?.lines
          const notExempt = size && notExemptBecause(size)
          if (notExempt && changed !== undefined && changed < req.minChangedLines) {
            const outcome = checkExpression(check, ctx.expressionCtx, 'metric')
            return { ...outcome, message: `${outcome.message} ${notExempt}` }
          }
          if (changed !== undefined && changed < req.minChangedLines) {
            return {
              status: 'skipped',
              skipReason: 'small-change',
              check,
              actual: { 'changes.lines': changed },
              message: `Exempt: the change has ${changed} changed line(s), fewer than the ${req.minChangedLines} this rule needs (minChangedLines).`,
              evidence: []
            }
          }
        }
        return checkExpression(check, ctx.expressionCtx, 'metric')
      }
      case 'policy':
        return checkExpression(check, ctx.expressionCtx, 'policy')
      case 'artifact':
        return await checkArtifactRequirement(req, ctx.port, { root: ctx.root, now: ctx.now })
      case 'review':
        return await checkReview(req, {
          facts: ctx.facts,
          signoffs: ctx.signoffs,
          expression: ctx.expressionCtx,
          describeApiError: ctx.describeApiError,
          readSignoffArtifact: (p, key) => readSignoffArtifact(ctx, p, key)
        })
      case 'trace':
        return await checkTrace(req, {
          root: ctx.root,
          facts: ctx.facts,
          commits: ctx.commits,
          describeApiError: ctx.describeApiError
        })
      case 'instructions':
        return await checkInstructions(req, { root: ctx.root })
      default:
        return {
          status: 'error',
          check,
          message: `Unknown requirement type "${(req as { type: string }).type}".`,
          evidence: []
        }
    }
  } catch (error) {
    // A requirement that cannot be evaluated fails closed, with the reason, and the rest go on.
    return {
      status: 'error',
      check,
      message: `Could not evaluate ${check}: ${errorMessage(error)}`,
      evidence: []
    }
  }
}

function checkText(req: Requirement, stage: string): string {
  switch (req.type) {
    case 'metric':
    case 'policy':
      return metricSource(req, stage) ?? ''
    case 'artifact':
      return req.path
    case 'review':
      return (
        req.expr ??
        [
          req.approvals !== undefined ? `${req.approvals} approval(s)` : '',
          ...(req.from ?? []),
          ...(req.labels ?? []),
          req.signoff?.path ?? ''
        ]
          .filter(Boolean)
          .join(', ')
      )
    case 'trace':
      return `trace ${(req.prefixes ?? ['ADR', 'RFC']).join('/')}`
    case 'instructions':
      return req.glob
  }
}

function readSignoffArtifact(
  ctx: RequirementContext,
  file: string,
  key: string
): { value?: unknown; file: string; problem?: string } {
  const read = ctx.port.readFrontmatter(ctx.root, file)
  if (read.problem || !read.data)
    return { file, problem: read.problem ?? `${file} has no frontmatter.` }
  let v: unknown = read.data
  for (const seg of key.split('.')) {
    v =
      v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, seg)
        ? (v as Record<string, unknown>)[seg]
        : undefined
  }
  return { file, value: v }
}

function evidenceFiles(
  names: readonly string[],
  evidence: {
    sources: Map<string, string[]>
    sets: Array<{ declaration: { name: string }; files: Array<{ file: string }> }>
  },
  baselineOrigin: Map<string, string>
): string[] {
  const out = new Set<string>()
  for (const name of names) {
    if (name.startsWith(BASELINE_PREFIX)) {
      const origin = baselineOrigin.get(name.slice(BASELINE_PREFIX.length))
      if (origin) out.add(origin)
      continue
    }
    const direct = evidence.sources.get(name)
    if (direct && direct.length > 0) {
      direct.forEach((f) => out.add(f))
      continue
    }
    for (const ns of namespacesOf(name)) {
      for (const s of evidence.sets)
        if (s.declaration.name === ns) s.files.forEach((f) => out.add(f.file))
    }
  }
  return [...out]
}

/** Files that named values come from: an import's file, or the file a var points into. */
function valueFiles(names: readonly string[], graph: ProcessGraph): string[] {
  const out = new Set<string>()
  for (const name of names) {
    const v = graph.vars.get(name)
    if (v && typeof v === 'object') out.add(v.file)
    const ns = graph.imports.get(name.split('.')[0])
    if (ns && name.includes('.')) out.add(ns)
  }
  return [...out]
}

function memoise<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= fn())
}

function finiteMetrics(metrics: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of [...metrics].sort(([a], [b]) => byText(a, b)))
    if (Number.isFinite(v)) out[k] = v
  return out
}

function toFindingRecord(f: CollectedFinding): FindingRecord {
  return {
    source: f.kind,
    severity: f.level,
    title: f.title,
    ...(f.message ? { message: f.message } : {}),
    ...(f.file ? { file: f.file } : {}),
    ...(f.line && f.line > 0 ? { line: f.line } : {}),
    ...(f.line && f.endLine && f.endLine > f.line ? { endLine: f.endLine } : {})
  }
}
