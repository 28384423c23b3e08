import { EvidenceError } from '../../errors.js'
import { printable } from '../../safe-path.js'
import { streamText, type OpenedEvidence } from '../evidence-file.js'
import { addCount, type Counts } from '../namespaces.js'
import type { ReadContext, ReaderOutput } from '../reader.js'

export const MAX_MESSAGE_CHARS = 4000
/** A test's name in a finding's title; names of megabytes (generated, hostile) are cut. */
export const MAX_TITLE_CHARS = 300

/** Where a failing test is, for its annotation. */
export interface TestPlace {
  file?: string
  line?: number
}

/**
 * Counts test outcomes for every non-JUnit test format, so each maps onto `tests.*` exactly as the
 * JUnit reader does: a failure and an error each count once in `failed` (errors also apart in
 * `errors`), skipped tests are neither passed nor failed, and `flaky` counts passes that needed a
 * retry. Failures become findings, capped by the sink.
 */
export class TestTally {
  total = 0
  failed = 0
  errors = 0
  skipped = 0
  flaky = 0
  duration?: number

  constructor(
    readonly display: string,
    private readonly ctx: ReadContext
  ) {}

  pass(flaky = false): void {
    this.total++
    if (flaky) this.flaky++
  }

  skip(): void {
    this.total++
    this.skipped++
  }

  /** A test that ran and did not pass; `error` for a crash or an environment error, not an assertion. */
  fail(
    title: string,
    message: string | (() => string),
    error = false,
    place: TestPlace = {}
  ): void {
    this.total++
    this.failed++
    if (error) this.errors++
    if (!this.ctx.findings.wants()) {
      this.ctx.findings.count()
      return
    }
    const text = (typeof message === 'function' ? message() : message).trim()
    if (title.length > MAX_TITLE_CHARS) title = `${title.slice(0, MAX_TITLE_CHARS)}…`
    this.ctx.findings.add({
      file: place.file ?? this.display,
      line: place.line,
      title: `${error ? 'Error' : 'Failed'}: ${title}`,
      message:
        text.slice(0, MAX_MESSAGE_CHARS) ||
        `${title} ${error ? 'errored' : 'failed'} (no message) in ${this.display}.`,
      level: 'error',
      kind: 'test-failure'
    })
  }

  addDuration(seconds: number | undefined): void {
    if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0)
      this.duration = (this.duration ?? 0) + seconds
  }

  output(): ReaderOutput {
    const counts: Counts = new Map([
      ['total', this.total],
      ['passed', this.total - this.failed - this.skipped],
      ['failed', this.failed],
      ['errors', this.errors],
      ['skipped', this.skipped],
      ['flaky', this.flaky]
    ])
    addCount(counts, 'duration_s', this.duration ?? 0)
    return { namespace: 'tests', counts }
  }
}

/** Largest line a line-oriented report may hold (a go test output line, a Dart event, a TAP line). */
export const MAX_LINE_CHARS = 8 * 1024 * 1024

/**
 * Streams an opened file line by line (LF or CRLF). A line longer than `maxLine` is refused with a
 * clear error as soon as it passes the limit, so a 100 MB line costs `maxLine` of memory, not more.
 */
export async function forEachLine(
  opened: OpenedEvidence,
  maxBytes: number,
  onLine: (line: string, lineNo: number) => void,
  what: string,
  maxLine = MAX_LINE_CHARS
): Promise<number> {
  let lineNo = 0
  const pending: string[] = []
  let pendingChars = 0
  const emit = (text: string): void => {
    lineNo++
    onLine(text.endsWith('\r') ? text.slice(0, -1) : text, lineNo)
  }
  for await (const chunk of streamText(opened, maxBytes)) {
    let start = 0
    for (;;) {
      const nl = chunk.indexOf('\n', start)
      if (nl < 0) break
      const piece = chunk.slice(start, nl)
      if (pending.length > 0) {
        pending.push(piece)
        const line = pending.join('')
        pending.length = 0
        pendingChars = 0
        if (line.length > maxLine) throw tooLong(opened.display, lineNo + 1, maxLine, what)
        emit(line)
      } else {
        if (piece.length > maxLine) throw tooLong(opened.display, lineNo + 1, maxLine, what)
        emit(piece)
      }
      start = nl + 1
    }
    if (start < chunk.length) {
      pending.push(chunk.slice(start))
      pendingChars += chunk.length - start
      if (pendingChars > maxLine) throw tooLong(opened.display, lineNo + 1, maxLine, what)
    }
  }
  if (pending.length > 0) emit(pending.join(''))
  return lineNo
}

function tooLong(display: string, line: number, maxLine: number, what: string): EvidenceError {
  return new EvidenceError(
    display,
    'malformed',
    `has a line over ${Math.round(maxLine / 1024 / 1024)} MiB long; not ${what}.`,
    line
  )
}

/** Parses one JSON line of an event stream; a line that does not parse is a malformed report. */
export function parseJsonLine(
  display: string,
  line: string,
  lineNo: number,
  what: string
): unknown {
  try {
    return JSON.parse(line)
  } catch (error) {
    throw new EvidenceError(
      display,
      'malformed',
      `line ${lineNo} is not a JSON event of ${what} (${printable(error instanceof Error ? error.message : String(error), 120)}); the file may be cut off or mixed with other output.`,
      lineNo
    )
  }
}

/** A string field, or '' when absent or not a string. */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
