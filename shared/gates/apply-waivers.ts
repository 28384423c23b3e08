import type { GraphNode, ProcessGraph, Requirement } from '../graph/index.js'
import { gateStatus, isUnmet } from '../report/build.js'
import type { GateResult, RequirementResult, WaiverRecord } from '../report/types.js'
import { waiverCoversStage, waiverTargets, type Waiver } from './waivers.js'

/**
 * Waivers excuse unmet requirements only: a usable waiver turns failed/missing-evidence/error
 * into "waived" (never "passed"), keeping the original message. A waiver that targets an unmet
 * requirement but cannot be honoured is named on the result, which stays unmet.
 */
export function applyWaivers(
  gate: string,
  requirements: RequirementResult[],
  waivers: Waiver[],
  stage: string
): void {
  for (const r of requirements) {
    const matching = waivers.filter(
      (w) => waiverTargets(w.record, gate, r.id, r.check) && waiverCoversStage(w.record, stage)
    )
    if (matching.length === 0 || !isUnmet(r)) continue
    const usable = matching.find((w) => w.usable)
    if (usable) {
      const w = usable.record
      w.applied = true
      r.waiver = {
        reason: w.reason as string,
        approver: w.approver as string,
        expires: w.expires as string
      }
      r.message = `Waived until ${w.expires} (approved by ${w.approver}: ${w.reason}). Without the waiver: ${r.status} — ${r.message}`
      r.status = 'waived'
    } else {
      r.waiverProblem = matching
        .map(
          (w) =>
            `waiver ${w.record.location?.file ?? ''}:${w.record.location?.line ?? ''} ${w.record.problem ?? w.record.state}`
        )
        .join('; ')
      r.message = `${r.message} (A waiver targets this requirement but is not honoured: ${r.waiverProblem}.)`
    }
  }
}

/**
 * Expired, open-ended and malformed waivers fail the run on their own, in a pseudo-gate named after
 * the waivers file, so they are renewed or removed rather than silently ignored. Waivers naming a
 * gate or requirement that does not exist are warnings (a rename leaves them dangling).
 */
export function waiverProblemsGate(
  file: string | undefined,
  waivers: Waiver[],
  graph: ProcessGraph,
  evaluated: GraphNode[]
): GateResult | undefined {
  if (!file) return undefined
  const requirements: RequirementResult[] = []
  const evaluatedIds = new Set(evaluated.map((g) => g.id))
  for (const w of waivers) {
    const rec: WaiverRecord = w.record
    const id = `waiver-line-${rec.location?.line ?? requirements.length + 1}`
    const target = `${rec.gate ?? '?'} / ${rec.requirement ?? '?'}`
    const location = rec.location ? { location: rec.location } : {}
    const problem = (
      r: Pick<RequirementResult, 'severity' | 'status' | 'message'> & { expected?: string }
    ) =>
      requirements.push({
        id,
        type: 'waiver',
        severity: r.severity,
        status: r.status,
        check: target,
        ...(r.expected ? { expected: r.expected } : {}),
        message: r.message,
        evidence: [file],
        ...location
      })
    if (!w.usable) {
      problem({
        severity: 'fail',
        status: rec.state === 'malformed' ? 'error' : 'failed',
        expected: 'gate, requirement, reason, approver and expires: YYYY-MM-DD within a year',
        message: `Waiver for ${target} is ${rec.state}: ${rec.problem ?? ''}`.trim()
      })
      continue
    }
    const gate = graph.byId.get(rec.gate ?? '')
    if (!gate || gate.kind !== 'gate') {
      rec.state = 'unused'
      problem({
        severity: 'warn',
        status: 'failed',
        message: `Waiver names gate "${rec.gate}", which is not a gate in ${graph.file}; fix or remove it.`
      })
    } else if (
      evaluatedIds.has(gate.id) &&
      !(gate.requires ?? []).some(
        (r) => r.id === rec.requirement || checkTextAll(r).includes(rec.requirement ?? '')
      )
    ) {
      rec.state = 'unused'
      problem({
        severity: 'warn',
        status: 'failed',
        message: `Waiver names requirement "${rec.requirement}", which gate ${gate.id} does not have (its requirements: ${(gate.requires ?? []).map((r) => r.id).join(', ')}); fix or remove it.`
      })
    }
  }
  if (requirements.length === 0) return undefined
  return {
    id: file,
    status: gateStatus(requirements),
    description: 'Waivers that cannot be honoured',
    requirements,
    location: { file }
  }
}

function checkTextAll(req: Requirement): string[] {
  if (req.type === 'metric') return [req.expr, ...Object.values(req.byStage ?? {})]
  if (req.type === 'policy') return [req.expr]
  if (req.type === 'artifact') return [req.path]
  if (req.type === 'instructions') return [req.glob]
  if (req.type === 'review') return req.expr ? [req.expr] : []
  return []
}
