import type { Annotation } from '../annotations.js'
import { isUnmet } from '../report/build.js'
import type { FlowReport } from '../report/types.js'

/**
 * Annotations for a gates report, most important first (capAnnotations keeps 10 per level):
 * unmet fail-severity requirements, then expiring waivers and warnings, then what the evidence
 * found (failing tests at their file and line), then waived items as notices. Messages are plain
 * text; formatAnnotation escapes them so evidence text cannot forge a workflow command.
 */
export function gateAnnotations(report: FlowReport): Annotation[] {
  const out: Annotation[] = []
  for (const gate of report.gates ?? []) {
    for (const r of gate.requirements) {
      const at = r.location
        ? { file: r.location.file, ...(r.location.line ? { line: r.location.line } : {}) }
        : {}
      if (isUnmet(r)) {
        out.push({
          level: r.severity === 'fail' ? 'error' : 'warning',
          title: `Gate ${gate.id}: ${r.id} ${r.status}`,
          message: r.message,
          priority: r.severity === 'fail' ? (r.status === 'missing-evidence' ? 1 : 0) : 10,
          ...at
        })
      } else if (r.status === 'waived' && r.waiver) {
        out.push({
          level: 'notice',
          title: `Gate ${gate.id}: ${r.id} waived`,
          message: r.message,
          priority: 0,
          ...at
        })
      }
    }
  }
  for (const w of report.waivers ?? []) {
    if (w.state !== 'expiring') continue
    out.push({
      level: 'warning',
      title: 'Waiver expiring soon',
      message: `The waiver for ${w.gate} / ${w.requirement} expires on ${w.expires} (${w.daysLeft} day(s) left); fix the requirement or renew the waiver.`,
      priority: 5,
      ...(w.location
        ? { file: w.location.file, ...(w.location.line ? { line: w.location.line } : {}) }
        : {})
    })
  }
  for (const f of report.findings ?? []) {
    out.push({
      level: f.severity,
      title: f.title,
      message: f.message ? `${f.title}: ${f.message}` : f.title,
      priority: 50,
      ...(f.file
        ? {
            file: f.file,
            ...(f.line ? { line: f.line, ...(f.endLine ? { endLine: f.endLine } : {}) } : {})
          }
        : {})
    })
  }
  return out
}
