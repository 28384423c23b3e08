import { escapeCommandData, escapeCommandProperty, untrusted } from './escape.js'

export type AnnotationLevel = 'error' | 'warning' | 'notice'

export interface Annotation {
  level: AnnotationLevel
  message: string
  title?: string
  file?: string
  line?: number
  /** The last line of a range (changed lines not covered): GitHub marks every line up to it. */
  endLine?: number
  col?: number
  /** Lower sorts first: the most important annotations are kept when capping. */
  priority?: number
}

/** GitHub shows at most 10 annotations of each level per step. */
export const ANNOTATIONS_PER_LEVEL = 10

/**
 * Formats an annotation as a workflow command. Message and properties are redacted and have their
 * bidi controls made visible before they are escaped (escaped text would hide a token from the
 * redaction), and escaped so that evidence text cannot forge a command.
 */
export function formatAnnotation(a: Annotation): string {
  const props: string[] = []
  if (a.title) props.push(`title=${escapeCommandProperty(untrusted(a.title))}`)
  if (a.file) props.push(`file=${escapeCommandProperty(untrusted(a.file))}`)
  if (a.line && a.line > 0) props.push(`line=${a.line}`)
  if (a.line && a.line > 0 && a.endLine && a.endLine > a.line) props.push(`endLine=${a.endLine}`)
  if (a.col && a.col > 0) props.push(`col=${a.col}`)
  const head = props.length > 0 ? `::${a.level} ${props.join(',')}::` : `::${a.level}::`
  return `${head}${escapeCommandData(untrusted(a.message))}`
}

/**
 * Keeps at most `perLevel` annotations per level, most important first, and says how many were
 * left out so a reader knows to look at the summary or report for the rest.
 */
export function capAnnotations(
  all: Annotation[],
  perLevel = ANNOTATIONS_PER_LEVEL
): { kept: Annotation[]; omitted: Record<AnnotationLevel, number> } {
  const omitted: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 }
  const kept: Annotation[] = []
  for (const level of ['error', 'warning', 'notice'] as const) {
    const ofLevel = all
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => a.level === level)
      .sort((x, y) => (x.a.priority ?? 0) - (y.a.priority ?? 0) || x.i - y.i)
      .map(({ a }) => a)
    kept.push(...ofLevel.slice(0, perLevel))
    omitted[level] = Math.max(0, ofLevel.length - perLevel)
  }
  return { kept, omitted }
}

/** Writes capped annotations to stdout, where the runner reads workflow commands. */
export function emitAnnotations(
  all: Annotation[],
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)
): void {
  const { kept, omitted } = capAnnotations(all)
  for (const a of kept) write(formatAnnotation(a))
  for (const level of ['error', 'warning', 'notice'] as const) {
    if (omitted[level] > 0) {
      write(
        `${omitted[level]} more ${level} annotation(s) not shown: GitHub shows ${ANNOTATIONS_PER_LEVEL} per step; see the job summary and the report.`
      )
    }
  }
}
