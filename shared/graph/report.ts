import type { Annotation } from '../annotations.js'
import { runInfoFromEnv } from '../context.js'
import { escapeMarkdown, inlineCode } from '../escape.js'
import { SummaryBuilder } from '../summary.js'
import type { FlowReport } from '../report/types.js'
import type { GraphFinding } from './findings.js'
import type { ValidationResult } from './validate.js'

/** The validation report: the flow report envelope with kind "validation". */
export function validationReport(
  result: ValidationResult,
  ctx: {
    env: Readonly<Record<string, string | undefined>>
    now: Date
    graph: string
    strict: boolean
  }
): FlowReport {
  const failed = result.errors > 0 || (ctx.strict && result.warnings > 0)
  return {
    version: 1,
    kind: 'validation',
    run: runInfoFromEnv(ctx.env, ctx.now),
    verdict: failed ? 'failed' : 'passed',
    validation: {
      graph: ctx.graph,
      strict: ctx.strict,
      nodes: result.graph?.nodes.length ?? 0,
      errors: result.errors,
      warnings: result.warnings,
      findings: result.findings.map((f) => ({
        severity: f.severity,
        code: f.code,
        message: f.message,
        file: f.file,
        line: f.line,
        col: f.col,
        ...(f.node ? { node: f.node } : {})
      }))
    }
  }
}

export function findingAnnotations(findings: GraphFinding[], strict: boolean): Annotation[] {
  return findings.map((f) => ({
    level: f.severity === 'error' || strict ? 'error' : 'warning',
    title: `validate-graph: ${f.code}`,
    message: f.message,
    file: f.file,
    line: f.line,
    col: f.col
  }))
}

export function validationSummary(
  result: ValidationResult,
  ctx: { graph: string; strict: boolean }
): string {
  const s = new SummaryBuilder()
  const failed = result.errors > 0 || (ctx.strict && result.warnings > 0)
  s.heading(`${failed ? '❌' : '✅'} Process graph ${failed ? 'is not valid' : 'is valid'}`)
  s.paragraph(
    `${inlineCode(ctx.graph)}: ${result.graph?.nodes.length ?? 0} node(s), **${result.errors}** error(s), **${result.warnings}** warning(s)${ctx.strict ? ' (strict: warnings fail)' : ''}.`
  )
  if (result.findings.length > 0) {
    s.table(
      ['', 'Where', 'Node', 'Finding'],
      result.findings.map((f) => [
        f.severity === 'error' ? '❌ error' : '⚠️ warning',
        inlineCode(`${f.file}:${f.line ?? 1}:${f.col ?? 1}`),
        f.node ? inlineCode(f.node) : '',
        escapeMarkdown(f.message)
      ]),
      { moreHint: 'the JSON report lists every finding' }
    )
  }
  return s.toString()
}
