import type { Annotation } from '../annotations.js'
import { escapeMarkdown, inlineCode } from '../escape.js'
import { SummaryBuilder } from '../summary.js'
import {
  formatScore,
  type GateSettings,
  type MutationEvaluation,
  type SurvivingMutant
} from './evaluate.js'

export const MAX_ANNOTATIONS = 10
const MAX_FILE_ROWS = 100
const MAX_SURVIVOR_ROWS = 200

export interface SummaryContext {
  tool: string
  sources: string[]
  /** Shard runs: "shard 2 of 4". */
  shardLabel?: string
  /** Merge runs: how many shards were combined. */
  mergedShards?: number
  reportPath?: string
  notes?: string[]
}

function pct(n: number | undefined): string {
  return n === undefined ? 'n/a' : `${formatScore(n)}%`
}

function where(s: SurvivingMutant): string {
  return s.line > 0 ? `${s.file}:${s.line}${s.column ? `:${s.column}` : ''}` : s.file
}

/**
 * The job summary: the verdict with the score against the threshold and the baseline, a table per
 * file (score, survived, no coverage), then the surviving mutants with changed lines first and the
 * replacement each one made. Size-capped by SummaryBuilder; the report holds the full list.
 */
export function renderSummary(
  e: MutationEvaluation,
  settings: GateSettings,
  ctx: SummaryContext
): string {
  const b = new SummaryBuilder()
  // An ungated pass is not a pass: the heading says so, and the warning below says why.
  const verdict = ctx.shardLabel
    ? e.passed
      ? 'recorded'
      : 'failed'
    : !e.passed
      ? 'failed'
      : e.warnings.length > 0
        ? 'not gated'
        : 'passed'
  b.heading(`Mutation gate ${verdict}${ctx.shardLabel ? ` (${ctx.shardLabel})` : ''}`)
  const m = e.metrics
  const lines: string[] = []
  lines.push(
    `**Score ${pct(e.score)}**${settings.threshold !== undefined ? ` · threshold ${formatScore(settings.threshold)}%` : ''}${settings.baseline?.value !== undefined ? ` · baseline ${formatScore(settings.baseline.value)}% (max drop ${formatScore(settings.maxDrop)})` : ''}`
  )
  if (settings.changedLines) {
    lines.push(
      e.changedTotal
        ? `Changed lines: **${pct(e.changedScore)}** over ${e.changedTotal} mutant(s) on lines this pull request changed.`
        : 'Changed lines: no valid mutant is on a line this pull request changed.'
    )
  }
  lines.push(
    `${m.get('mutation.killed') ?? 0} killed, ${m.get('mutation.timeout') ?? 0} timed out, ${m.get('mutation.survived') ?? 0} survived, ${m.get('mutation.no_coverage') ?? 0} without coverage, ${m.get('mutation.errors') ?? 0} errors, ${m.get('mutation.ignored') ?? 0} ignored or pending; ${m.get('mutation.total') ?? 0} in all (${escapeMarkdown(ctx.tool)}: ${ctx.sources.map((s) => inlineCode(s)).join(', ')}).`
  )
  if (ctx.shardLabel)
    lines.push(`This is one shard: thresholds and the ratchet apply to the merged report.`)
  if (ctx.mergedShards) lines.push(`Merged from ${ctx.mergedShards} shard report(s).`)
  b.paragraph(lines.join('<br>\n'))
  for (const w of e.warnings) b.paragraph(`> :warning: **${escapeMarkdown(w, 1000)}**`)

  const failed = e.checks.filter((c) => c.status !== 'passed')
  if (failed.length > 0) {
    b.paragraph(failed.map((c) => `- :x: ${escapeMarkdown(c.message, 1000)}`).join('\n'))
  } else if (e.checks.length > 1) {
    b.paragraph(
      e.checks
        .filter((c) => c.id !== 'score')
        .map((c) => `- :white_check_mark: ${escapeMarkdown(c.message, 1000)}`)
        .join('\n')
    )
  }
  for (const note of ctx.notes ?? []) b.paragraph(`> ${escapeMarkdown(note, 1000)}`)

  if (e.files.length > 0) {
    b.heading('Files', 3)
    b.table(
      ['File', 'Score', 'Killed', 'Survived', 'No coverage', 'Timeout', 'Mutants'],
      e.files.map((f) => [
        inlineCode(f.file),
        pct(f.score),
        String(f.killed),
        String(f.survived),
        String(f.noCoverage),
        String(f.timeout),
        String(f.total)
      ]),
      { maxRows: MAX_FILE_ROWS, moreHint: 'see the JSON report' }
    )
  }
  if (e.surviving.length > 0) {
    const changed = e.surviving.filter((s) => s.changed).length
    b.heading(
      `Surviving mutants (${e.surviving.length}${changed > 0 ? `, ${changed} on changed lines` : ''})`,
      3
    )
    b.table(
      ['Where', 'Mutator', 'Replacement', 'Status', 'Changed line'],
      e.surviving.map((s) => [
        inlineCode(where(s)),
        escapeMarkdown(s.mutatorName, 80),
        s.replacement !== undefined ? inlineCode(s.replacement, 120) : '',
        s.status === 'Survived' ? 'survived' : 'no coverage',
        s.changed ? 'yes' : ''
      ]),
      { maxRows: MAX_SURVIVOR_ROWS, moreHint: 'see the JSON report' }
    )
  }
  if (ctx.reportPath) b.paragraph(`Report: ${inlineCode(ctx.reportPath, 300)}`)
  return b.toString()
}

/** At most 10 annotations on surviving mutants, changed lines first (the list is already in that order). */
export function survivorAnnotations(e: MutationEvaluation, max = MAX_ANNOTATIONS): Annotation[] {
  return e.surviving
    .filter((s) => s.file !== '(no file recorded)')
    .slice(0, max)
    .map((s, i) => ({
      level: 'warning' as const,
      title: `${s.status === 'Survived' ? 'Surviving' : 'Uncovered'} mutant: ${s.mutatorName}`,
      message: `${s.mutatorName}${s.replacement !== undefined ? ` → ${s.replacement.length > 200 ? `${s.replacement.slice(0, 200)}…` : s.replacement}` : ''} ${s.status === 'Survived' ? 'survived: no test failed' : 'is not covered by any test'}${s.changed ? ' (on a line this pull request changed)' : ''}.`,
      file: s.file,
      line: s.line > 0 ? s.line : undefined,
      col: s.column,
      priority: i
    }))
}
