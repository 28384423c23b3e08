import { ExpressionError, column } from './errors.js'

export type TokenKind = 'number' | 'string' | 'name' | 'keyword' | 'op' | 'eof'

export interface Token {
  kind: TokenKind
  /** The source text of the token (for messages). */
  text: string
  /** Canonical operator or keyword spelling; the decoded value for strings and numbers. */
  value: string | number
  start: number
  end: number
}

const KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'in', 'else'])

// Longest match first: two-character operators before their one-character prefixes.
const TWO_CHAR_OPS = new Set(['&&', '||', '==', '!=', '<=', '>='])
const ONE_CHAR_OPS = new Set([
  '!',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  '[',
  ']',
  ',',
  '?',
  ':'
])

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}
function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
}
function isNamePart(c: number): boolean {
  return isNameStart(c) || isDigit(c)
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13
}

/** Splits the source into tokens; hand-written so no user text ever reaches a regular expression. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const n = source.length
  while (i < n) {
    const c = source.charCodeAt(i)
    if (isSpace(c)) {
      i++
      continue
    }
    const start = i
    if (isDigit(c)) {
      i = scanNumber(source, i, tokens)
      continue
    }
    if (isNameStart(c)) {
      i = scanName(source, i, tokens)
      continue
    }
    if (c === 34 || c === 39) {
      i = scanString(source, i, tokens)
      continue
    }
    const two = source.slice(i, i + 2)
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: 'op', text: two, value: two, start, end: i + 2 })
      i += 2
      continue
    }
    const one = source[i]
    if (ONE_CHAR_OPS.has(one)) {
      tokens.push({ kind: 'op', text: one, value: one, start, end: i + 1 })
      i++
      continue
    }
    throw unexpectedCharacter(source, i)
  }
  tokens.push({ kind: 'eof', text: '', value: '', start: n, end: n })
  return tokens
}

function unexpectedCharacter(source: string, i: number): ExpressionError {
  const ch = source[i]
  const hints: Record<string, string> = {
    '=': "; use '==' to compare",
    '&': "; use '&&' or 'and'",
    '|': "; use '||' or 'or'",
    '.': '; a name cannot start with a dot',
    $: '; write names without ${{ }}',
    '{': '; write names without ${{ }}'
  }
  const shown = /[\x20-\x7e]/.test(ch)
    ? `'${ch}'`
    : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
  return new ExpressionError(
    `unexpected character ${shown} at column ${column(i)}${hints[ch] ?? ''}`,
    i,
    1
  )
}

function scanNumber(source: string, i: number, tokens: Token[]): number {
  const start = i
  while (i < source.length && isDigit(source.charCodeAt(i))) i++
  if (source[i] === '.' && isDigit(source.charCodeAt(i + 1))) {
    i++
    while (i < source.length && isDigit(source.charCodeAt(i))) i++
  }
  if (source[i] === 'e' || source[i] === 'E') {
    let j = i + 1
    if (source[j] === '+' || source[j] === '-') j++
    if (!isDigit(source.charCodeAt(j))) {
      throw new ExpressionError(
        `expected digits in the exponent of a number at column ${column(j)}`,
        start,
        j - start
      )
    }
    while (j < source.length && isDigit(source.charCodeAt(j))) j++
    i = j
  }
  if (i < source.length && (isNameStart(source.charCodeAt(i)) || source[i] === '.')) {
    throw new ExpressionError(
      `malformed number '${source.slice(start, i + 1)}' at column ${column(start)}; names cannot start with a digit`,
      start,
      i + 1 - start
    )
  }
  const text = source.slice(start, i)
  const value = Number(text)
  if (!Number.isFinite(value)) {
    throw new ExpressionError(
      `number '${text}' at column ${column(start)} is out of range`,
      start,
      i - start
    )
  }
  tokens.push({ kind: 'number', text, value, start, end: i })
  return i
}

/**
 * A dotted name such as `perf.api.p95` is one token: it is looked up whole in the scope, so
 * segments after the first may be anything name-like, keywords included (`limits.in`).
 */
function scanName(source: string, i: number, tokens: Token[]): number {
  const start = i
  while (i < source.length && isNamePart(source.charCodeAt(i))) i++
  while (source[i] === '.') {
    const dot = i
    i++
    if (i >= source.length || !isNamePart(source.charCodeAt(i))) {
      throw new ExpressionError(
        `expected a name after '.' in '${source.slice(start, i)}' at column ${column(i)}`,
        dot,
        1
      )
    }
    while (i < source.length && isNamePart(source.charCodeAt(i))) i++
  }
  const text = source.slice(start, i)
  const kind: TokenKind = KEYWORDS.has(text) ? 'keyword' : 'name'
  tokens.push({ kind, text, value: text, start, end: i })
  return i
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`'
}

function scanString(source: string, i: number, tokens: Token[]): number {
  const start = i
  const quote = source[i]
  i++
  let out = ''
  for (;;) {
    if (i >= source.length || source[i] === '\n' || source[i] === '\r') {
      throw new ExpressionError(
        `unterminated string starting at column ${column(start)}: expected a closing ${quote}`,
        start,
        i - start
      )
    }
    const ch = source[i]
    if (ch === quote) {
      i++
      break
    }
    if (ch !== '\\') {
      out += ch
      i++
      continue
    }
    const esc = source[i + 1]
    if (esc !== undefined && esc in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[esc]
      i += 2
      continue
    }
    const hexLength = esc === 'x' ? 2 : esc === 'u' ? 4 : 0
    const hex = source.slice(i + 2, i + 2 + hexLength)
    if (hexLength > 0 && hex.length === hexLength && isHex(hex)) {
      out += String.fromCharCode(parseInt(hex, 16))
      i += 2 + hexLength
      continue
    }
    throw new ExpressionError(
      `invalid escape '\\${esc ?? ''}' in a string at column ${column(i)}; valid escapes are \\n \\r \\t \\b \\f \\v \\0 \\\\ \\' \\" \\xHH \\uHHHH`,
      i,
      Math.min(2, source.length - i)
    )
  }
  tokens.push({ kind: 'string', text: source.slice(start, i), value: out, start, end: i })
  return i
}

function isHex(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if (!(isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false
  }
  return true
}
