import { describe, it, expect } from '@jest/globals'
import {
  parseExpression,
  ExpressionError,
  MAX_NESTING_DEPTH,
  MAX_SOURCE_LENGTH
} from '../../shared/expr/index.js'
import { treeOf } from '../../shared/expr/parser.js'
import { sexpr } from './helpers.js'

const tree = (src: string) => sexpr(treeOf(parseExpression(src)))

function parseError(src: string): ExpressionError {
  try {
    parseExpression(src)
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError)
    return e as ExpressionError
  }
  throw new Error(`expected ${JSON.stringify(src)} not to parse`)
}

describe('precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b % c', '(% (/ a b) c)'],
    ['-a * b', '(* (- a) b)'],
    ['-5 + a', '(+ -5 a)'],
    ['a + b > c * d', '(> (+ a b) (* c d))'],
    ['a || b && c', '(|| a (&& b c))'],
    ['a && b || c', '(|| (&& a b) c)'],
    ['a or b and c', '(|| a (&& b c))'],
    ['!a && b', '(&& (! a) b)'],
    ['!a == b', '(== (! a) b)'],
    ['not a == b', '(! (== a b))'],
    ['not a and b', '(&& (! a) b)'],
    ['not not a', '(! (! a))'],
    ['a == 1 or not b in [1, 2]', '(|| (== a 1) (! (in b [1 2])))'],
    ['a ? b : c ? d : e', '(? a b (? c d e))'],
    ['a || b ? c : d', '(? (|| a b) c d)'],
    ['a ? b ? c : d : e', '(? a (? b c d) e)'],
    [
      'size(x) + min(1, 2, y) > max([1]) && has(p.q)',
      '(&& (> (+ (size x) (min 1 2 y)) (max [1])) (has p.q))'
    ]
  ])('%s', (src, expected) => {
    expect(tree(src)).toBe(expected)
  })

  it('keeps both spellings of the logical operators equivalent', () => {
    expect(tree('a and b or not c')).toBe(tree('a && b || !c'))
  })
})

describe('literals and names', () => {
  it('reads numbers, strings with escapes, booleans and null', () => {
    expect(
      tree(`[1, 2.5, 1e3, 1.5E-2, 'it\\'s', "a\\"b", "\\n\\t\\x41\\u00e9", true, false, null]`)
    ).toBe(`[1 2.5 1000 0.015 "it's" "a\\"b" "\\n\\tAé" true false null]`)
  })

  it('treats a dotted name as one identifier and lists identifiers in order, once', () => {
    const e = parseExpression(
      'perf.api.p95 < nfr.performance.target_p95_latency_ms && perf.api.p95 > 0 || has(baseline.coverage.lines)'
    )
    expect(e.identifiers).toEqual([
      'perf.api.p95',
      'nfr.performance.target_p95_latency_ms',
      'baseline.coverage.lines'
    ])
    expect(e.source).toContain('perf.api.p95')
  })

  it('allows keywords after a dot and keeps __proto__ a plain name', () => {
    expect(
      parseExpression('limits.in > 1 && __proto__ == constructor.prototype').identifiers
    ).toEqual(['limits.in', '__proto__', 'constructor.prototype'])
  })

  it('serialises to plain data', () => {
    expect(JSON.parse(JSON.stringify(parseExpression('a >= 1')))).toEqual({
      source: 'a >= 1',
      identifiers: ['a']
    })
  })
})

describe('syntax errors say what was expected and where', () => {
  it.each([
    [
      'coverage.lines >= ',
      "expected an operand after '>=' at column 19, found end of input",
      18,
      0
    ],
    ['tests.pass_rate >= and x', "expected an operand after '>=' at column 20, found 'and'", 19, 3],
    ['', 'expected an expression at column 1', 0, 0],
    ['a < b < c', 'comparisons cannot be chained', 6, 1],
    ['a == b != c', 'comparisons cannot be chained', 7, 2],
    ['(a > 1', "expected ')' at column 7 to close the '(' at column 1, found end of input", 6, 0],
    ['a > 1)', 'unbalanced parenthesis', 5, 1],
    ['a ? b', "expected ':' at column 6 to match the '?' at column 3", 5, 0],
    ['[1, 2', "expected ']' at column 6 to close the list opened at column 1", 5, 0],
    ['a = 1', "use '==' to compare", 2, 1],
    ['a & b', "use '&&' or 'and'", 2, 1],
    ['${{ x }}', 'without ${{ }}', 0, 1],
    ["'open", 'unterminated string', 0, 5],
    ['"a\\qb"', "invalid escape '\\q'", 2, 2],
    ['12abc', 'malformed number', 0, 3],
    ['1e', 'exponent', 0, 2],
    ['1e999 > 0', 'out of range', 0, 5],
    ['a.', "expected a name after '.'", 1, 1],
    ['x > 1 2', 'expected an operator or the end of the expression at column 7', 6, 1],
    ['1 + not x', "'not' at column 5 needs parentheses", 4, 3],
    ['else', "'else' at column 1 is not an expression", 0, 4],
    ['x.y(1)', 'method calls are not supported', 0, 3],
    ['eval(1)', "unknown function 'eval'", 0, 4],
    ['has(1 + 2)', 'has() takes one name', 0, 10],
    ['size()', 'size() takes exactly one argument, got 0', 0, 6],
    ['abs(1, 2)', 'abs() takes exactly one argument, got 2', 0, 9],
    ['max()', 'max() needs at least one argument', 0, 5],
    ['a >= >= 1', "expected an operand after '>=' at column 6, found '>='", 5, 2],
    ['a @ b', "unexpected character '@' at column 3", 2, 1],
    ['a \u0000 b', 'unexpected character U+0000', 2, 1]
  ])('%j', (src, message, offset, length) => {
    const e = parseError(src)
    expect(e.message).toContain(message)
    expect(e.offset).toBe(offset)
    expect(e.length).toBe(length)
    expect(e.name).toBe('ExpressionError')
  })
})

describe('hostile input', () => {
  it('rejects sources over the length limit before tokenising them', () => {
    const e = parseError('x'.repeat(MAX_SOURCE_LENGTH + 1))
    expect(e.message).toContain(`limit is ${MAX_SOURCE_LENGTH}`)
  })

  it('rejects deep nesting of every kind with a clear message instead of overflowing', () => {
    const n = MAX_NESTING_DEPTH + 1
    for (const src of [
      '('.repeat(n) + '1' + ')'.repeat(n),
      '!'.repeat(n) + 'true',
      '-'.repeat(n) + '1',
      'not '.repeat(n) + 'true',
      '['.repeat(n) + ']'.repeat(n),
      'abs('.repeat(n) + '1' + ')'.repeat(n),
      'a ? b : '.repeat(n) + 'c',
      '('.repeat(4000)
    ]) {
      expect(parseError(src).message).toContain(`nested more than ${MAX_NESTING_DEPTH} levels`)
    }
  })

  it('accepts nesting up to the limit', () => {
    const n = MAX_NESTING_DEPTH - 1
    expect(() => parseExpression('('.repeat(n) + '1' + ')'.repeat(n))).not.toThrow()
  })

  it('parses a long flat chain without deep recursion', () => {
    const src = Array.from({ length: 1300 }, (_, i) => `a${i % 10}`).join('+')
    expect(src.length).toBeLessThanOrEqual(MAX_SOURCE_LENGTH)
    expect(parseExpression(src).identifiers).toHaveLength(10)
  })

  it('throws ExpressionError for a non-string source', () => {
    expect(() => parseExpression(42 as unknown as string)).toThrow(ExpressionError)
  })
})
