import { escapeMarkdown } from './escape.js'

/** GitHub drops a step summary over 1 MiB whole; stay well under it. */
export const SUMMARY_BYTE_LIMIT = 1_000_000

/** Bytes a table keeps free for its "N more not shown: hint" line (hints are cut to 200 characters). */
const MORE_LINE_ROOM = 512

/**
 * Builds a markdown job summary that never exceeds a byte budget. Sections are appended in order
 * of importance (verdict first); once the budget is nearly used, further rows are counted and
 * replaced by one "N more" line so the summary always ends readably.
 */
export class SummaryBuilder {
  private parts: string[] = []
  private bytes = 0
  private readonly reserve = 4096
  constructor(private readonly limit = SUMMARY_BYTE_LIMIT) {}

  get size(): number {
    return this.bytes
  }

  /** Bytes still free for content, for a nested builder whose result is added whole (a details block). */
  get remaining(): number {
    return Math.max(0, this.limit - this.reserve - this.bytes)
  }

  /** Adds raw markdown (already escaped). Returns false if it did not fit. */
  add(markdown: string): boolean {
    const text = markdown.endsWith('\n') ? markdown : `${markdown}\n`
    const size = Buffer.byteLength(text, 'utf8')
    if (this.bytes + size > this.limit - this.reserve) return false
    this.parts.push(text)
    this.bytes += size
    return true
  }

  heading(text: string, level = 2): this {
    this.add(`${'#'.repeat(level)} ${escapeMarkdown(text)}\n`)
    return this
  }

  paragraph(markdown: string): this {
    this.add(`${markdown}\n`)
    return this
  }

  /**
   * A table whose cells are already escaped markdown. Rows past `maxRows` or past the byte budget
   * are summarised as "N more" with `moreHint` (e.g. where the full list is).
   */
  table(
    header: string[],
    rows: string[][],
    opts: { maxRows?: number; moreHint?: string } = {}
  ): this {
    const maxRows = opts.maxRows ?? Number.POSITIVE_INFINITY
    const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`]
    let block = `${lines.join('\n')}\n`
    let shown = 0
    for (const row of rows) {
      if (shown >= maxRows) break
      const line = `| ${row.map((c) => c.replace(/\n/g, ' ')).join(' | ')} |\n`
      // Stop early enough that the "N more" line below still fits after the rows.
      if (
        this.bytes + Buffer.byteLength(block + line, 'utf8') + MORE_LINE_ROOM >
        this.limit - this.reserve
      )
        break
      block += line
      shown++
    }
    if (!this.add(block)) shown = 0
    const rest = rows.length - shown
    if (rest > 0) {
      this.add(`\n_${rest} more not shown${opts.moreHint ? `: ${opts.moreHint}` : ''}._\n`)
    }
    return this
  }

  /** A collapsible block, for long lists a reader opens on demand. */
  details(summary: string, markdown: string): this {
    this.add(
      `<details><summary>${escapeMarkdown(summary)}</summary>\n\n${markdown}\n\n</details>\n`
    )
    return this
  }

  toString(): string {
    return this.parts.join('')
  }
}

/**
 * Text cut to `limit` characters with `note` at the end saying so, for the API fields that refuse
 * longer text (comment bodies, check-run summaries). Never ends on half a surrogate pair.
 */
export function cutToFit(text: string, limit: number, note: string): string {
  if (text.length <= limit) return text
  return text.slice(0, limit - note.length).replace(/[\uD800-\uDBFF]$/, '') + note
}
