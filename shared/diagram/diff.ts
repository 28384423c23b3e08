/**
 * A unified diff of two texts (line based, Myers' algorithm), for render-diagram's `check` mode:
 * the log shows what changed between the committed diagram and the one the graph draws now.
 * Common prefix and suffix are stripped first, so a small change in a large file is cheap; when
 * the middle is too different to diff within the work budget, it is shown as removed then added.
 */

export interface DiffOptions {
  fromFile?: string
  toFile?: string
  /** Unchanged lines shown around each change (default 3). */
  context?: number
  /** Diff lines printed at most; the rest is summarised in one line (default 400). */
  maxLines?: number
}

type Op = { t: ' ' | '-' | '+'; line: string }

/** Splits into lines; a final newline does not make an extra empty line. CRLF counts as LF. */
export function splitLines(text: string): string[] {
  const t = text.replace(/\r\n?/g, '\n')
  if (t === '') return []
  const lines = t.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * Whether two texts hold the same lines, line endings and a final newline aside: the one notion
 * of "unchanged" that the check and the diff share (so a diff is never printed for texts the
 * check calls equal, e.g. an empty file and one blank line).
 */
export function sameLines(oldText: string, newText: string): boolean {
  return splitLines(oldText).join('\n') === splitLines(newText).join('\n')
}

/** Edit-script entries allowed in the Myers trace (memory bound: about 32 MB of Int32). */
const TRACE_BUDGET = 8_000_000

function myers(a: string[], b: string[]): Op[] | undefined {
  const n = a.length
  const m = b.length
  const max = n + m
  const offset = max + 1
  const size = 2 * max + 3
  const maxD = Math.min(max, Math.floor(TRACE_BUDGET / size))
  const v = new Int32Array(size)
  const trace: Int32Array[] = []
  for (let d = 0; d <= maxD; d++) {
    trace.push(v.slice())
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) return backtrack(trace, a, b, offset)
    }
  }
  return undefined
}

function backtrack(trace: Int32Array[], a: string[], b: string[], offset: number): Op[] {
  const ops: Op[] = []
  let x = a.length
  let y = b.length
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]
    const k = x - y
    const prevK = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? k + 1 : k - 1
    const prevX = v[offset + prevK]
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      ops.push({ t: ' ', line: a[x - 1] })
      x--
      y--
    }
    if (d > 0) {
      if (x === prevX) ops.push({ t: '+', line: b[y - 1] })
      else ops.push({ t: '-', line: a[x - 1] })
    }
    x = prevX
    y = prevY
  }
  return ops.reverse()
}

/** The edit script from `a` to `b`: every line of both, marked ' ', '-' or '+'. */
export function diffLines(a: string[], b: string[]): Op[] {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  const midA = a.slice(start, endA)
  const midB = b.slice(start, endB)
  const middle = myers(midA, midB) ?? [
    ...midA.map((line): Op => ({ t: '-', line })),
    ...midB.map((line): Op => ({ t: '+', line }))
  ]
  return [
    ...a.slice(0, start).map((line): Op => ({ t: ' ', line })),
    ...middle,
    ...a.slice(endA).map((line): Op => ({ t: ' ', line }))
  ]
}

/** A unified diff (`---`/`+++` headers, `@@ -a,b +c,d @@` hunks); '' when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, opts: DiffOptions = {}): string {
  const context = opts.context ?? 3
  const maxLines = opts.maxLines ?? 400
  if (sameLines(oldText, newText)) return ''
  const a = splitLines(oldText)
  const b = splitLines(newText)
  const ops = diffLines(a, b)
  if (ops.every((op) => op.t === ' ')) return ''

  // positions (1-based line numbers in a and b) before each op
  const posA: number[] = []
  const posB: number[] = []
  let la = 1
  let lb = 1
  for (const op of ops) {
    posA.push(la)
    posB.push(lb)
    if (op.t !== '+') la++
    if (op.t !== '-') lb++
  }

  // group changes whose context windows touch into hunks
  const hunks: Array<[number, number]> = []
  for (let i = 0; i < ops.length; i++) {
    if (ops[i].t === ' ') continue
    const from = Math.max(0, i - context)
    let to = i
    while (to + 1 < ops.length) {
      let next = to + 1
      while (next < ops.length && ops[next].t === ' ') next++
      if (next < ops.length && next - to - 1 <= 2 * context) to = next
      else break
    }
    const end = Math.min(ops.length - 1, to + context)
    hunks.push([from, end])
    i = end
  }

  const out: string[] = [`--- ${opts.fromFile ?? 'a'}`, `+++ ${opts.toFile ?? 'b'}`]
  for (const [from, end] of hunks) {
    const slice = ops.slice(from, end + 1)
    const countA = slice.filter((op) => op.t !== '+').length
    const countB = slice.filter((op) => op.t !== '-').length
    const startA = countA === 0 ? posA[from] - 1 : posA[from]
    const startB = countB === 0 ? posB[from] - 1 : posB[from]
    out.push(`@@ -${startA},${countA} +${startB},${countB} @@`)
    for (const op of slice) out.push(`${op.t}${op.line}`)
  }
  if (out.length > maxLines) {
    const rest = out.length - maxLines
    return `${out.slice(0, maxLines).join('\n')}\n… ${rest} more diff line${rest === 1 ? '' : 's'} not shown\n`
  }
  return `${out.join('\n')}\n`
}
