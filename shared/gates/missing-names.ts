import { isChangeMetric } from '../change/metrics.js'
import { classifyName, METRIC_ALIASES } from '../metrics.js'
import { BASELINE_PREFIX, DEFAULT_BASELINE_PATH, type LoadedBaseline } from '../baseline.js'
import type { CollectedEvidence } from './ports.js'

/** The evidence namespaces each seed alias is computed from. */
const ALIAS_SOURCES: Record<string, string[]> = {
  'test.pass_rate': ['tests'],
  'security.critical_vulns': ['sarif', 'sbom'],
  'performance.p95_latency_ms': ['perf'],
  'mutation.score_ratio': ['mutation']
}

export interface MissingContext {
  evidence: CollectedEvidence
  baseline: LoadedBaseline
  graphFile: string
  /** Problems resolving vars and imports (a missing nfr file, a wrong key). */
  valueProblems: string[]
}

/** The namespaces whose evidence would give a name its value. */
export function namespacesOf(name: string): string[] {
  if (ALIAS_SOURCES[name]) return ALIAS_SOURCES[name]
  const cls = classifyName(name)
  if (cls.kind === 'metric' || cls.kind === 'unknown-metric') return [name.split('.')[0]]
  return []
}

/**
 * Why names have no value, in words that say what to fix. Evidence that is missing, empty, stale
 * or unreadable is named with its file and reason; a name nobody defines gets told where to
 * define it. Never a pass: the caller turns this into missing-evidence, failed or error.
 */
export function explainMissing(
  names: string[],
  ctx: MissingContext
): { status: 'missing-evidence' | 'failed' | 'error'; message: string; evidence: string[] } {
  const messages: string[] = []
  const evidence: string[] = []
  let status: 'missing-evidence' | 'failed' | 'error' = 'failed'
  const worse = (s: typeof status) => {
    const rank = { failed: 0, 'missing-evidence': 1, error: 2 }
    if (rank[s] > rank[status]) status = s
  }
  for (const name of names) {
    if (name.startsWith(BASELINE_PREFIX)) {
      worse('missing-evidence')
      const metric = name.slice(BASELINE_PREFIX.length)
      const files =
        ctx.baseline.sources.length > 0 ? ctx.baseline.sources.join(', ') : DEFAULT_BASELINE_PATH
      const problems = ctx.baseline.problems.map((p) => p.message)
      evidence.push(...ctx.baseline.sources, ...ctx.baseline.problems.map((p) => p.file))
      messages.push(
        problems.length > 0
          ? `${name} has no value: ${problems.join('; ')}`
          : `${name} has no value: ${files} has no "${metric}"; add it under "metrics" (recalibrate proposes baselines from reports) or pass the default branch's flow-report.json as the baseline input.`
      )
      continue
    }
    const cls = classifyName(name)
    if (cls.kind === 'unknown-metric') {
      worse('error')
      messages.push(
        `${name} is not a metric flow-actions knows${cls.suggestion ? `; did you mean ${cls.suggestion}?` : '.'}`
      )
      continue
    }
    const noChange = changeMissing(name, ctx.evidence.change)
    if (noChange) {
      worse('missing-evidence')
      messages.push(noChange)
      continue
    }
    const namespaces = namespacesOf(name)
    if (namespaces.length === 0) {
      messages.push(
        `${name} is not defined: give it a value under "vars:" in ${ctx.graphFile} (e.g. "vars: { ${name.split('.')[0]}: 200 }", or "{ file: requirements/nfr.yml, key: performance.target_p95_latency_ms }"), or import a file under "imports:" (e.g. "imports: { nfr: requirements/nfr.yml }") and use its dotted name.` +
          (ctx.valueProblems.length > 0
            ? ` Problems with vars/imports: ${ctx.valueProblems.join('; ')}`
            : '')
      )
      continue
    }
    worse('missing-evidence')
    const sets = ctx.evidence.sets.filter((s) => namespaces.includes(s.declaration.name))
    if (sets.length === 0) {
      messages.push(
        `No evidence for ${name}: nothing is declared for ${namespaces.join(' or ')}; declare it under "evidence:" in ${ctx.graphFile} or in the evidence input (e.g. "${namespaces[0]}: ${exampleGlob(namespaces[0])}").`
      )
      continue
    }
    const problems = sets.flatMap((s) => s.errors)
    if (problems.length > 0) {
      evidence.push(...problems.map((p) => p.file))
      messages.push(
        `No evidence for ${name}: ${problems
          .slice(0, 5)
          .map((p) => p.message)
          .join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`
      )
      continue
    }
    const files = sets.flatMap((s) => s.files.map((f) => f.file))
    evidence.push(...files)
    messages.push(
      files.length > 0
        ? `No evidence for ${name}: ${files.slice(0, 5).join(', ')} ${files.length === 1 ? 'does' : 'do'} not report it.`
        : `No evidence for ${name}: ${sets.flatMap((s) => s.declaration.paths).join(', ')} matched no file.`
    )
  }
  return { status, message: messages.join(' '), evidence: [...new Set(evidence)] }
}

/** Why a change metric has no value when the run has no change to read, else undefined. */
function changeMissing(name: string, change: CollectedEvidence['change']): string | undefined {
  if (!isChangeMetric(name)) return undefined
  if (change && 'problem' in change)
    return `No evidence for ${name}: the change could not be read: ${change.problem}`
  if (change) return undefined
  return `No evidence for ${name}: this run has no change to measure. check-gates reads it on a pull_request event; the CLI takes it from git with --base <ref> (and --head, default HEAD).`
}

function exampleGlob(ns: string): string {
  const examples: Record<string, string> = {
    tests: 'reports/junit/*.xml',
    coverage: 'coverage/lcov.info',
    mutation: 'reports/mutation/mutation.json',
    sarif: 'reports/*.sarif',
    sbom: 'sbom.cdx.json',
    perf: 'reports/k6-summary.json'
  }
  return examples[ns] ?? `reports/${ns}.json`
}

export const KNOWN_ALIASES = METRIC_ALIASES.map((a) => a.alias)
