import { existsSync, readFileSync } from 'node:fs'
import { ConfigurationError, errorMessage } from '../errors.js'
import { comparisons, parseExpression, type Expression } from '../expr/index.js'
import { BASELINE_PREFIX, DEFAULT_BASELINE_PATH, ratchetDirections } from '../baseline.js'
import { loadGraph } from '../graph/index.js'
import { resolveInWorkspace, workspaceRelative, writeFileInside } from '../safe-path.js'
import { parseYaml, type LoadedYaml } from '../yaml.js'
import type { Better, TrendPoint } from './analysis.js'
import { byText } from '../compare.js'
import { writeJsonInside } from '../report/write.js'

/** How far above (or below) a threshold the last runs must all stay before it is tightened. */
export interface Margin {
  kind: 'absolute' | 'relative'
  value: number
  text: string
}

export const DEFAULT_MARGIN = '1%'
export const DEFAULT_MIN_RUNS = 5

/** "2%" is 2% of the threshold; "0.5" is 0.5 in the metric's own unit. */
export function parseMargin(text: string): Margin {
  const t = text.trim()
  const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(t)
  if (!m)
    throw new ConfigurationError(
      `The margin "${t.slice(0, 40)}" is not a number or a percentage such as 0.5 or 2%.`
    )
  const value = Number(m[1])
  return m[2] === '%'
    ? { kind: 'relative', value: value / 100, text: t }
    : { kind: 'absolute', value, text: t }
}

export function marginFor(margin: Margin, threshold: number): number {
  return margin.kind === 'absolute' ? margin.value : margin.value * Math.abs(threshold)
}

/** One proposed change: a threshold in the graph or a value in baseline.json, always tighter. */
export interface Proposal {
  kind: 'threshold' | 'baseline'
  file: string
  metric: string
  better: Better
  from: number
  to: number
  /** The runs the proposal rests on, and what they showed. */
  runs: number
  worst: number
  mean: number
  margin: number
  reason: string
  gate?: string
  requirement?: string
  /** The stage whose expression it is (by_stage), or undefined for the default expression. */
  stage?: string
  /** The expression before and after, for thresholds. */
  expression?: string
  proposedExpression?: string
  /** False when the file cannot be edited safely in place (e.g. a folded block scalar): listed, not written. */
  writable: boolean
  note?: string
}

/** Why a gated metric got no proposal, so a reader sees it was considered. */
export interface Consideration {
  metric: string
  where: string
  outcome: 'insufficient-history' | 'within-margin' | 'already-tight' | 'no-direction'
  detail: string
}

export interface ProposalResult {
  proposals: Proposal[]
  considered: Consideration[]
  /** Every metric's better direction the graph implies (for trends). */
  directions: Map<string, Better>
  /** Ratcheted metrics that have no baseline value yet (recalibration never adds one). */
  missingBaselines: string[]
}

export interface ProposalOptions {
  root: string
  graphPath: string
  baselinePath?: string
  series: Map<string, TrendPoint[]>
  minRuns: number
  margin: Margin
}

interface ThresholdLiteral {
  name: string
  op: '<' | '<=' | '>' | '>='
  value: number
  /** Offsets of the number literal in the expression source. */
  start: number
  end: number
}

/**
 * `name OP number` threshold comparisons that decide the expression directly (never under a
 * negation), with the literal's position so it can be rewritten: the expression engine's own
 * comparisons, ordering operators only.
 */
export function thresholdLiterals(expr: Expression): ThresholdLiteral[] {
  return comparisons(expr)
    .filter((c): c is typeof c & { op: ThresholdLiteral['op'] } => c.op !== '==' && c.op !== '!=')
    .map((c) => ({
      name: c.name,
      op: c.op,
      value: c.value,
      start: c.literalStart,
      end: c.literalEnd
    }))
}

function decimalsOf(text: string): number {
  const m = /\.(\d+)$/.exec(text)
  return m ? m[1].length : 0
}

function roundTo(value: number, decimals: number, mode: 'floor' | 'ceil'): number {
  const f = 10 ** decimals
  const scaled = value * f
  const r = mode === 'floor' ? Math.floor(scaled + 1e-9) : Math.ceil(scaled - 1e-9)
  return Number((r / f).toFixed(decimals))
}

/**
 * The new threshold: the worst recent value, rounded towards the old threshold at the old
 * literal's precision (or finer when that rounding would change nothing), so every one of the
 * last runs would have passed it. Undefined when no rounding is tighter than the old value.
 */
export function tightened(
  old: number,
  oldText: string,
  worst: number,
  better: Better,
  strict: boolean
): number | undefined {
  const base = decimalsOf(oldText)
  for (let d = base; d <= base + 4; d++) {
    let candidate = roundTo(worst, d, better === 'higher' ? 'floor' : 'ceil')
    if (strict && candidate === worst)
      candidate = Number(
        (better === 'higher' ? candidate - 10 ** -d : candidate + 10 ** -d).toFixed(d)
      )
    if (better === 'higher' ? candidate > old : candidate < old) return candidate
  }
  return undefined
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)))
}

function lastValues(series: Map<string, TrendPoint[]>, metric: string, n: number): number[] {
  return (series.get(metric) ?? []).slice(-n).map((p) => p.value)
}

interface ExprSite {
  gate: string
  requirement: string
  stage?: string
  source: string
  yamlPath: Array<string | number>
}

/** Every metric/policy expression of every gate in the raw YAML, with its YAML path. */
function expressionSites(doc: LoadedYaml): ExprSite[] {
  const out: ExprSite[] = []
  const top = doc.value as Record<string, unknown>
  const nodes = Array.isArray(top.nodes) ? top.nodes : []
  nodes.forEach((node, i) => {
    if (!isRecord(node) || node.kind !== 'gate' || !Array.isArray(node.requires)) return
    const gate = String(node.id)
    node.requires.forEach((req, j) => {
      if (!isRecord(req)) return
      const type =
        ['metric', 'policy', 'artifact', 'review', 'trace'].find((k) => k in req) ?? 'requirement'
      const requirement = typeof req.id === 'string' ? req.id : `${type}-${j + 1}`
      for (const key of ['metric', 'policy'] as const) {
        if (typeof req[key] === 'string')
          out.push({
            gate,
            requirement,
            source: req[key] as string,
            yamlPath: ['nodes', i, 'requires', j, key]
          })
      }
      if (isRecord(req.by_stage)) {
        for (const [stage, source] of Object.entries(req.by_stage)) {
          if (typeof source === 'string')
            out.push({
              gate,
              requirement,
              stage,
              source,
              yamlPath: ['nodes', i, 'requires', j, 'by_stage', stage]
            })
        }
      }
    })
  })
  return out
}

/**
 * Proposes tighter thresholds and baselines from the last `minRuns` runs. A threshold `m >= t` is
 * tightened only when every one of the last runs measured m at least t + margin; the new value
 * is the worst of those runs (rounded towards t), so none of them would have failed it. Lower-
 * is-better metrics mirror this. Nothing is ever loosened, and metrics without enough history
 * are left alone.
 */
export function proposeChanges(opts: ProposalOptions): ProposalResult {
  const { graph, doc } = loadGraph(opts.root, opts.graphPath)
  const sites = expressionSites(doc)
  const proposals: Proposal[] = []
  const considered: Consideration[] = []
  const directions = new Map<string, Better>()
  const ratcheted = new Map<string, Better>()

  for (const site of sites) {
    let expr: Expression
    try {
      expr = parseExpression(site.source)
    } catch {
      continue
    }
    for (const [metric, better] of ratchetDirections(expr)) {
      if (!directions.has(metric)) directions.set(metric, better)
      if (expr.identifiers.includes(`${BASELINE_PREFIX}${metric}`)) ratcheted.set(metric, better)
    }
    for (const lit of thresholdLiterals(expr)) {
      if (lit.name.startsWith(BASELINE_PREFIX)) continue
      const better: Better = lit.op === '>=' || lit.op === '>' ? 'higher' : 'lower'
      const where = `${site.gate}/${site.requirement}${site.stage ? ` (${site.stage})` : ''}: ${site.source}`
      const values = lastValues(opts.series, lit.name, opts.minRuns)
      if (values.length < opts.minRuns) {
        considered.push({
          metric: lit.name,
          where,
          outcome: 'insufficient-history',
          detail: `${values.length} of the ${opts.minRuns} runs needed have ${lit.name}`
        })
        continue
      }
      const worst = better === 'higher' ? Math.min(...values) : Math.max(...values)
      const mean = values.reduce((s, v) => s + v, 0) / values.length
      const margin = marginFor(opts.margin, lit.value)
      const gain = better === 'higher' ? worst - lit.value : lit.value - worst
      if (!(gain > 0) || gain < margin) {
        considered.push({
          metric: lit.name,
          where,
          outcome: 'within-margin',
          detail: `worst of the last ${values.length} runs is ${formatNumber(worst)}, within the margin ${formatNumber(margin)} of ${formatNumber(lit.value)}`
        })
        continue
      }
      const oldText = site.source.slice(lit.start, lit.end)
      const to = tightened(lit.value, oldText, worst, better, lit.op === '>' || lit.op === '<')
      if (to === undefined) {
        considered.push({
          metric: lit.name,
          where,
          outcome: 'already-tight',
          detail: `no rounding of ${formatNumber(worst)} is tighter than ${oldText}`
        })
        continue
      }
      const newText = formatNumber(to)
      proposals.push({
        kind: 'threshold',
        file: graph.file,
        metric: lit.name,
        better,
        from: lit.value,
        to,
        runs: values.length,
        worst,
        mean,
        margin,
        reason: `the last ${values.length} runs all measured ${lit.name} ${better === 'higher' ? 'at least' : 'at most'} ${formatNumber(worst)} (mean ${formatNumber(Number(mean.toFixed(4)))}), ${better === 'higher' ? 'above' : 'below'} ${oldText} by more than the margin ${opts.margin.text}`,
        gate: site.gate,
        requirement: site.requirement,
        ...(site.stage ? { stage: site.stage } : {}),
        expression: site.source,
        proposedExpression: site.source.slice(0, lit.start) + newText + site.source.slice(lit.end),
        writable: true
      })
    }
  }

  // Baselines: only values that exist are tightened; a ratchet without one is reported.
  const baselineFile =
    opts.baselinePath && opts.baselinePath.trim() !== '' ? opts.baselinePath : DEFAULT_BASELINE_PATH
  const baseline = readBaselineValues(opts.root, baselineFile)
  const missingBaselines: string[] = []
  for (const [metric, better] of [...ratcheted].sort(([a], [b]) => byText(a, b))) {
    const old = baseline?.metrics.get(metric)
    if (old === undefined) {
      missingBaselines.push(metric)
      continue
    }
    const where = `${baselineFile}: ${metric}`
    const values = lastValues(opts.series, metric, opts.minRuns)
    if (values.length < opts.minRuns) {
      considered.push({
        metric,
        where,
        outcome: 'insufficient-history',
        detail: `${values.length} of the ${opts.minRuns} runs needed have ${metric}`
      })
      continue
    }
    const worst = better === 'higher' ? Math.min(...values) : Math.max(...values)
    const mean = values.reduce((s, v) => s + v, 0) / values.length
    const margin = marginFor(opts.margin, old)
    const gain = better === 'higher' ? worst - old : old - worst
    if (!(gain > 0) || gain < margin) {
      considered.push({
        metric,
        where,
        outcome: 'within-margin',
        detail: `worst of the last ${values.length} runs is ${formatNumber(worst)}, within the margin ${formatNumber(margin)} of ${formatNumber(old)}`
      })
      continue
    }
    const to = tightened(old, formatNumber(old), worst, better, false)
    if (to === undefined) continue
    proposals.push({
      kind: 'baseline',
      file: baseline!.file,
      metric,
      better,
      from: old,
      to,
      runs: values.length,
      worst,
      mean,
      margin,
      reason: `the last ${values.length} runs all measured ${metric} ${better === 'higher' ? 'at least' : 'at most'} ${formatNumber(worst)}, ${better === 'higher' ? 'above' : 'below'} the baseline ${formatNumber(old)} by more than the margin ${opts.margin.text}`,
      writable: true
    })
  }
  markUnwritable(opts.root, graph.file, doc, sites, proposals)
  return { proposals, considered, directions, missingBaselines }
}

function readBaselineValues(
  root: string,
  userPath: string
): { file: string; metrics: Map<string, number> } | undefined {
  const absolute = resolveInWorkspace(root, userPath, 'baseline file')
  if (!existsSync(absolute)) return undefined
  const file = workspaceRelative(root, absolute)
  let data: unknown
  try {
    data = JSON.parse(readFileSync(absolute, 'utf8'))
  } catch (error) {
    throw new ConfigurationError(
      `${file} is not valid JSON (${errorMessage(error)}); fix it before recalibrating.`
    )
  }
  const metrics = new Map<string, number>()
  if (isRecord(data) && isRecord(data.metrics)) {
    for (const [k, v] of Object.entries(data.metrics))
      if (typeof v === 'number' && Number.isFinite(v)) metrics.set(k, v)
  }
  return { file, metrics }
}

// ---------------------------------------------------------------- writing

interface TextEdit {
  start: number
  end: number
  text: string
}

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1)
  return starts
}

/**
 * Where an expression's text starts in the file, when the scalar holds it verbatim (plain,
 * single- or double-quoted on one line, without escapes); undefined otherwise.
 */
function verbatimOffset(
  text: string,
  starts: number[],
  doc: LoadedYaml,
  yamlPath: Array<string | number>,
  source: string
): number | undefined {
  const pos = doc.locate(yamlPath)
  if (!pos) return undefined
  const offset = (starts[pos.line - 1] ?? 0) + pos.col - 1
  const first = text[offset]
  const begin = first === '"' || first === "'" ? offset + 1 : offset
  if (text.slice(begin, begin + source.length) !== source) return undefined
  if (
    source.includes('\n') ||
    (first === '"' && source.includes('\\')) ||
    (first === "'" && source.includes("'"))
  )
    return undefined
  return begin
}

/** Where a proposal's expression is written in the graph. */
function siteOf(sites: ExprSite[], p: Proposal): ExprSite | undefined {
  return sites.find(
    (s) =>
      s.gate === p.gate &&
      s.requirement === p.requirement &&
      s.stage === p.stage &&
      s.source === p.expression
  )
}

function editsFor(
  text: string,
  doc: LoadedYaml,
  sites: ExprSite[],
  proposals: Proposal[]
): Map<Proposal, TextEdit | undefined> {
  const starts = lineStarts(text)
  const out = new Map<Proposal, TextEdit | undefined>()
  for (const p of proposals) {
    if (p.kind !== 'threshold') continue
    const site = siteOf(sites, p)
    const begin = site ? verbatimOffset(text, starts, doc, site.yamlPath, site.source) : undefined
    if (begin === undefined || !p.expression || !p.proposedExpression) {
      out.set(p, undefined)
      continue
    }
    out.set(p, { start: begin, end: begin + p.expression.length, text: p.proposedExpression })
  }
  return out
}

function markUnwritable(
  root: string,
  graphFile: string,
  doc: LoadedYaml,
  sites: ExprSite[],
  proposals: Proposal[]
): void {
  const text = readFileSync(resolveInWorkspace(root, graphFile, 'graph file'), 'utf8')
  for (const [p, edit] of editsFor(text, doc, sites, proposals)) {
    if (!edit) {
      p.writable = false
      p.note =
        'the expression is written in a form (block scalar or escapes) that cannot be edited in place; change it by hand'
    }
  }
}

/**
 * Writes the proposals into the graph (each threshold literal replaced in place, so comments and
 * layout stay) and into baseline.json (with `calibrated` set to today). Two proposals on one
 * expression (e.g. `a >= 1 && b >= 2`) are merged. Returns the files changed.
 */
export function applyProposals(
  root: string,
  graphPath: string,
  proposals: Proposal[],
  today: string
): string[] {
  const changed: string[] = []
  const thresholds = proposals.filter((p) => p.kind === 'threshold' && p.writable)
  if (thresholds.length > 0) {
    const absolute = resolveInWorkspace(root, graphPath, 'graph file')
    const file = workspaceRelative(root, absolute)
    const text = readFileSync(absolute, 'utf8')
    const doc = parseYaml(text, file)
    const sites = expressionSites(doc)
    // Rewrite each expression once, with every literal change to it.
    const bySite = new Map<ExprSite, Proposal[]>()
    for (const p of thresholds) {
      const site = siteOf(sites, p)
      if (!site) continue
      bySite.set(site, [...(bySite.get(site) ?? []), p])
    }
    const starts = lineStarts(text)
    const edits: TextEdit[] = []
    for (const [site, ps] of bySite) {
      const begin = verbatimOffset(text, starts, doc, site.yamlPath, site.source)
      if (begin === undefined) continue
      let expr = site.source
      const lits = thresholdLiterals(parseExpression(site.source)).sort((a, b) => b.start - a.start)
      for (const lit of lits) {
        const p = ps.find((x) => x.metric === lit.name && x.from === lit.value)
        if (p) expr = expr.slice(0, lit.start) + formatNumber(p.to) + expr.slice(lit.end)
      }
      edits.push({ start: begin, end: begin + site.source.length, text: expr })
    }
    let out = text
    for (const e of edits.sort((a, b) => b.start - a.start))
      out = out.slice(0, e.start) + e.text + out.slice(e.end)
    if (out !== text) {
      // The edited file must still parse to the intended expressions before it is written.
      const check = expressionSites(parseYaml(out, file))
      if (check.length !== sites.length)
        throw new Error(`rewriting ${file} changed its structure; nothing was written`)
      writeFileInside(root, graphPath, out, 'graph file')
      changed.push(file)
    }
  }
  const baselines = proposals.filter((p) => p.kind === 'baseline' && p.writable)
  if (baselines.length > 0) {
    const absolute = resolveInWorkspace(root, baselines[0].file, 'baseline file')
    const data = JSON.parse(readFileSync(absolute, 'utf8')) as Record<string, unknown>
    const metrics = isRecord(data.metrics) ? { ...data.metrics } : {}
    for (const p of baselines) metrics[p.metric] = p.to
    const next = { version: 1, ...data, metrics: sortKeys(metrics), calibrated: today }
    writeJsonInside(root, baselines[0].file, next, 'baseline file')
    changed.push(baselines[0].file)
  }
  return changed
}

/** Records the calibration date in baseline.json (created when absent) without changing values. */
export function stampCalibration(
  root: string,
  baselinePath: string | undefined,
  today: string
): string {
  const file = baselinePath && baselinePath.trim() !== '' ? baselinePath : DEFAULT_BASELINE_PATH
  const absolute = resolveInWorkspace(root, file, 'baseline file')
  let data: Record<string, unknown> = { version: 1, metrics: {} }
  if (existsSync(absolute)) {
    const parsed = JSON.parse(readFileSync(absolute, 'utf8')) as unknown
    if (isRecord(parsed)) data = parsed
  }
  writeJsonInside(root, file, { version: 1, ...data, calibrated: today }, 'baseline file')
  return workspaceRelative(root, absolute)
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => byText(a, b)))
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
