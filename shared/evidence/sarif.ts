import { EvidenceError } from '../errors.js'
import { METRIC_NAMES } from '../metrics.js'
import { printable } from '../safe-path.js'
import type { OpenedEvidence } from './evidence-file.js'
import { finiteNumber, isRecord, readJson } from './json-file.js'
import type { Counts } from './namespaces.js'
import type { ReadContext, ReaderOutput } from './reader.js'

type Level = 'error' | 'warning' | 'note' | 'none'

/** CodeQL's buckets for properties["security-severity"] (a CVSS-like score from 0 to 10). */
export function severityBucket(score: number): 'critical' | 'high' | 'medium' | 'low' | undefined {
  if (!Number.isFinite(score) || score <= 0) return undefined
  if (score >= 9) return 'critical'
  if (score >= 7) return 'high'
  if (score >= 4) return 'medium'
  return 'low'
}

interface RuleInfo {
  level?: Level
  severity?: number
  name?: string
}

/**
 * SARIF 2.1.0. A result counts when it is neither suppressed (a suppression whose status is not
 * "rejected") nor fixed (baselineState "absent"). Its level is its own, else its rule's
 * defaultConfiguration.level, else "warning" (the SARIF default). Its security severity is the
 * result's or the rule's properties["security-severity"]. A log without runs is refused: an
 * analysis that did not run is not evidence of zero problems. So is a run that says it did not
 * complete (SARIF's rule, oasis-tcs/sarif-spec#398): an invocation with executionSuccessful false,
 * an error-level tool execution notification, or results absent or null (§3.14.23: null means the
 * tool failed to analyse, absent means nothing is known).
 */
export async function readSarif(opened: OpenedEvidence, ctx: ReadContext): Promise<ReaderOutput> {
  const display = opened.display
  const data = await readJson(opened, ctx.maxBytes)
  if (!isRecord(data))
    throw new EvidenceError(display, 'malformed', 'is not a SARIF log (not a JSON object).')
  if (data.version !== '2.1.0')
    throw new EvidenceError(
      display,
      'unsupported',
      `has SARIF version ${printable(String(data.version), 20)}; only 2.1.0 is read.`
    )
  if (!Array.isArray(data.runs))
    throw new EvidenceError(display, 'malformed', 'has no "runs" array.')
  if (data.runs.length === 0)
    throw new EvidenceError(
      display,
      'empty',
      'has no runs: the analysis produced no results at all, which is not evidence of zero problems.'
    )
  const counts: Counts = new Map()
  // Every sarif.* metric exists, at 0 when nothing of its kind was found.
  for (const k of METRIC_NAMES.sarif) counts.set(k, 0)
  const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1)
  data.runs.forEach((run, runIndex) => {
    if (!isRecord(run))
      throw new EvidenceError(display, 'malformed', `runs[${runIndex}] is not an object.`)
    const rules = collectRules(run)
    checkRunCompleted(run, runIndex, display)
    const results = run.results
    if (!Array.isArray(results))
      throw new EvidenceError(display, 'malformed', `runs[${runIndex}].results is not an array.`)
    for (const r of results) {
      if (!isRecord(r))
        throw new EvidenceError(
          display,
          'malformed',
          `runs[${runIndex}] has a result that is not an object.`
        )
      if (r.baselineState === 'absent') continue
      if (isSuppressed(r.suppressions)) {
        add('suppressed')
        continue
      }
      const rule = findRule(r, rules)
      const level = asLevel(r.level) ?? rule?.level ?? 'warning'
      add('total')
      if (r.baselineState === 'new') add('new')
      if (level === 'error') add('errors')
      else if (level === 'warning') add('warnings')
      else if (level === 'note') add('notes')
      const severity = securitySeverity(r.properties) ?? rule?.severity
      const bucket = severity === undefined ? undefined : severityBucket(severity)
      if (bucket) add(bucket)
      if (level === 'none') continue
      if (!ctx.findings.wants()) {
        ctx.findings.count()
        continue
      }
      const loc = firstLocation(r)
      const ruleId = typeof r.ruleId === 'string' ? r.ruleId : (rule?.name ?? 'result')
      ctx.findings.add({
        file: loc.file ?? display,
        line: loc.line,
        title: `${ruleId}${bucket ? ` (${bucket})` : ''}`,
        message: messageText(r.message) ?? `${ruleId} reported by ${display}`,
        level: level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'notice',
        kind: 'sarif'
      })
    }
  })
  return { namespace: 'sarif', counts }
}

/** Throws 'failed' evidence when a run says its analysis did not complete. */
function checkRunCompleted(run: Record<string, unknown>, runIndex: number, display: string): void {
  const where = `runs[${runIndex}]${toolName(run)}`
  const fail = (why: string) => {
    throw new EvidenceError(
      display,
      'failed',
      `${where}: ${why}; the analysis did not complete, so its results are not evidence of zero findings. Fix the tool's run and regenerate the file.`
    )
  }
  const invocations = Array.isArray(run.invocations) ? run.invocations : []
  invocations.forEach((inv, i) => {
    if (!isRecord(inv)) return
    if (inv.executionSuccessful === false) {
      const code = finiteNumber(inv.exitCode)
      fail(
        `invocations[${i}] has executionSuccessful: false${code !== undefined ? ` (exit code ${code})` : ''}`
      )
    }
    const notes = Array.isArray(inv.toolExecutionNotifications)
      ? inv.toolExecutionNotifications
      : []
    for (const n of notes) {
      // A notification's level defaults to "warning" (§3.58.6); only "error" means the run failed.
      if (isRecord(n) && n.level === 'error') {
        const text = messageText(n.message)
        fail(
          `invocations[${i}] has an error-level tool execution notification${text ? ` ("${printable(text, 200)}")` : ''}`
        )
      }
    }
  })
  if (run.results === undefined)
    fail('has no "results" array (absent means the tool did not report any)')
  if (run.results === null) fail('has "results": null (the tool failed to analyse)')
}

function toolName(run: Record<string, unknown>): string {
  const tool = isRecord(run.tool) ? run.tool : undefined
  const driver = isRecord(tool?.driver) ? tool.driver : undefined
  return typeof driver?.name === 'string' ? ` (${printable(driver.name, 60)})` : ''
}

function asLevel(v: unknown): Level | undefined {
  return v === 'error' || v === 'warning' || v === 'note' || v === 'none' ? v : undefined
}

function securitySeverity(props: unknown): number | undefined {
  if (!isRecord(props)) return undefined
  const raw = Object.getOwnPropertyDescriptor(props, 'security-severity')?.value
  return finiteNumber(raw)
}

function isSuppressed(s: unknown): boolean {
  if (!Array.isArray(s) || s.length === 0) return false
  // Only an accepted suppression hides a result; one under review or rejected leaves it open.
  return s.some((x) => isRecord(x) && (x.status === undefined || x.status === 'accepted'))
}

function collectRules(run: Record<string, unknown>): {
  list: RuleInfo[]
  byId: Map<string, RuleInfo>
} {
  const list: RuleInfo[] = []
  const byId = new Map<string, RuleInfo>()
  const tool = isRecord(run.tool) ? run.tool : undefined
  const components = [tool?.driver, ...(Array.isArray(tool?.extensions) ? tool.extensions : [])]
  components.forEach((component, ci) => {
    if (!isRecord(component) || !Array.isArray(component.rules)) return
    for (const rule of component.rules) {
      if (!isRecord(rule)) continue
      const cfg = isRecord(rule.defaultConfiguration) ? rule.defaultConfiguration : undefined
      const info: RuleInfo = {
        level: asLevel(cfg?.level),
        severity: securitySeverity(rule.properties),
        name: typeof rule.name === 'string' ? rule.name : undefined
      }
      if (ci === 0) list.push(info) // ruleIndex refers to the driver's rules
      if (typeof rule.id === 'string' && !byId.has(rule.id)) byId.set(rule.id, info)
    }
  })
  return { list, byId }
}

function findRule(
  r: Record<string, unknown>,
  rules: { list: RuleInfo[]; byId: Map<string, RuleInfo> }
): RuleInfo | undefined {
  const ref = isRecord(r.rule) ? r.rule : undefined
  const index = finiteNumber(r.ruleIndex) ?? finiteNumber(ref?.index)
  if (index !== undefined && Number.isInteger(index) && index >= 0 && index < rules.list.length)
    return rules.list[index]
  const id =
    typeof r.ruleId === 'string' ? r.ruleId : typeof ref?.id === 'string' ? ref.id : undefined
  if (id === undefined) return undefined
  return rules.byId.get(id) ?? rules.byId.get(id.split('/')[0])
}

function firstLocation(r: Record<string, unknown>): { file?: string; line?: number } {
  const loc = Array.isArray(r.locations) ? r.locations[0] : undefined
  const phys = isRecord(loc) && isRecord(loc.physicalLocation) ? loc.physicalLocation : undefined
  const art = isRecord(phys?.artifactLocation) ? phys.artifactLocation : undefined
  const region = isRecord(phys?.region) ? phys.region : undefined
  let file = typeof art?.uri === 'string' ? art.uri : undefined
  if (file?.startsWith('file://')) file = decodeURIComponentSafe(file.replace(/^file:\/\//, ''))
  const line = finiteNumber(region?.startLine)
  return { file, line: line !== undefined && line > 0 ? line : undefined }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function messageText(m: unknown): string | undefined {
  if (!isRecord(m)) return undefined
  if (typeof m.text === 'string') return m.text
  if (typeof m.markdown === 'string') return m.markdown
  return undefined
}
