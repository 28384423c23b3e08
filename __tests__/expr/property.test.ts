import { describe, it, expect } from '@jest/globals'
import fc from 'fast-check'
import { expressionSoup } from '../fuzz/damage.js'
import {
  parseExpression,
  evaluate,
  typeCheck,
  comparisons,
  renderWithValues,
  ExpressionError,
  type EvalOutcome,
  type Value
} from '../../shared/expr/index.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 200)

// An AST of the test's own, printed to text, parsed by the product and evaluated by both the
// product and the small reference evaluator below: agreement checks parsing (precedence, both
// spellings, literals, escapes) and evaluation semantics at once.
type T =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string; quote: '"' | "'" }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'id'; name: string }
  | { t: 'list'; items: T[] }
  | { t: 'un'; op: '!' | 'not' | '-'; e: T }
  | { t: 'bin'; op: string; spelling: string; l: T; r: T }
  | { t: 'tern'; c: T; a: T; b: T }
  | { t: 'call'; fn: 'size' | 'min' | 'max' | 'abs'; args: T[] }
  | { t: 'has'; name: string }
  | { t: 'paren'; e: T }

const SCOPE: Record<string, Value> = {
  a: 3,
  'b.c': 0,
  s: 'x',
  flag: true,
  lst: [1, 2],
  n: null,
  'big.num': 1e200
}
const NAMES = [...Object.keys(SCOPE), 'm.x', 'm.y', '__proto__']
const scope = (name: string): Value | undefined =>
  Object.hasOwn(SCOPE, name) ? SCOPE[name] : undefined

const BINARY: Array<[op: string, spellings: string[]]> = [
  ['||', ['||', 'or']],
  ['&&', ['&&', 'and']],
  ['==', ['==']],
  ['!=', ['!=']],
  ['<', ['<']],
  ['<=', ['<=']],
  ['>', ['>']],
  ['>=', ['>=']],
  ['in', ['in']],
  ['+', ['+']],
  ['-', ['-']],
  ['*', ['*']],
  ['/', ['/']],
  ['%', ['%']]
]

const bin = (op: string, l: T, r: T, alt = false): T => {
  const spellings = BINARY.find(([o]) => o === op)![1]
  return { t: 'bin', op, spelling: spellings[alt ? spellings.length - 1 : 0], l, r }
}
const ops = (...names: string[]) => fc.constantFrom(...names)

// Mostly well-typed expressions, so that outcomes are real values and a parsing or precedence
// mistake changes a value; plus an untyped branch so type errors and missing names are covered.
const { top } = fc.letrec<{ top: T; num: T; bool: T; str: T; list: T; any: T }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'medium', maxDepth: 7 },
    fc
      .oneof(
        { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 6 },
        { arbitrary: fc.constantFrom(0.5, 2.25), weight: 2 },
        { arbitrary: fc.constantFrom(1e3, 1e200), weight: 1 }
      )
      .map((v): T => ({ t: 'num', v })),
    fc
      .oneof(
        { arbitrary: fc.constantFrom('a', 'b.c'), weight: 4 },
        { arbitrary: fc.constantFrom('big.num', 'm.x'), weight: 1 }
      )
      .map((name): T => ({ t: 'id', name })),
    tie('num').map((e): T => ({ t: 'un', op: '-', e })),
    fc
      .tuple(ops('+', '-', '*', '/', '%'), tie('num'), tie('num'))
      .map(([op, l, r]) => bin(op, l, r)),
    fc.oneof(tie('str'), tie('list')).map((e): T => ({ t: 'call', fn: 'size', args: [e] })),
    tie('num').map((e): T => ({ t: 'call', fn: 'abs', args: [e] })),
    fc
      .tuple(ops('min', 'max'), fc.array(tie('num'), { minLength: 1, maxLength: 3 }))
      .map(([fn, args]): T => ({ t: 'call', fn: fn as 'min', args })),
    fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, a, b]): T => ({ t: 'tern', c, a, b })),
    tie('num').map((e): T => ({ t: 'paren', e }))
  ),
  bool: fc.oneof(
    { depthSize: 'medium', maxDepth: 7 },
    fc.boolean().map((v): T => ({ t: 'bool', v })),
    fc
      .oneof(
        { arbitrary: fc.constant('flag'), weight: 3 },
        { arbitrary: fc.constant('m.y'), weight: 1 }
      )
      .map((name): T => ({ t: 'id', name })),
    fc.constantFrom(...NAMES).map((name): T => ({ t: 'has', name })),
    fc.tuple(ops('!', 'not'), tie('bool')).map(([op, e]): T => ({ t: 'un', op: op as '!', e })),
    fc
      .tuple(ops('&&', '||'), fc.boolean(), tie('bool'), tie('bool'))
      .map(([op, alt, l, r]) => bin(op, l, r, alt)),
    fc
      .tuple(ops('<', '<=', '>', '>=', '==', '!='), tie('num'), tie('num'))
      .map(([op, l, r]) => bin(op, l, r)),
    fc.tuple(ops('<', '>=', '==', '!='), tie('str'), tie('str')).map(([op, l, r]) => bin(op, l, r)),
    fc.tuple(tie('num'), tie('list')).map(([l, r]) => bin('in', l, r)),
    fc.tuple(tie('bool'), tie('bool'), tie('bool')).map(([c, a, b]): T => ({ t: 'tern', c, a, b })),
    tie('bool').map((e): T => ({ t: 'paren', e }))
  ),
  str: fc.oneof(
    { depthSize: 'medium', maxDepth: 7 },
    fc
      .record({
        v: fc.string({
          unit: fc.constantFrom('a', 'b', "'", '"', '\\', '\n', '\t', 'é', ' '),
          maxLength: 4
        }),
        quote: fc.constantFrom<'"' | "'">('"', "'")
      })
      .map((r): T => ({ t: 'str', ...r })),
    fc.constant<T>({ t: 'id', name: 's' }),
    fc.tuple(tie('str'), tie('str')).map(([l, r]) => bin('+', l, r))
  ),
  list: fc.oneof(
    { depthSize: 'medium', maxDepth: 7 },
    fc.constant<T>({ t: 'id', name: 'lst' }),
    fc.array(tie('num'), { maxLength: 3 }).map((items): T => ({ t: 'list', items })),
    fc.tuple(tie('list'), tie('list')).map(([l, r]) => bin('+', l, r))
  ),
  any: fc.oneof(
    { depthSize: 'medium', maxDepth: 7 },
    tie('num'),
    tie('bool'),
    tie('str'),
    tie('list'),
    fc.constant<T>({ t: 'null' }),
    fc.constantFrom(...NAMES).map((name): T => ({ t: 'id', name })),
    fc.array(tie('any'), { maxLength: 3 }).map((items): T => ({ t: 'list', items })),
    fc.tuple(ops('!', 'not', '-'), tie('any')).map(([op, e]): T => ({ t: 'un', op: op as '!', e })),
    fc
      .tuple(fc.integer({ min: 0, max: BINARY.length - 1 }), fc.boolean(), tie('any'), tie('any'))
      .map(([which, alt, l, r]) => bin(BINARY[which][0], l, r, alt)),
    fc.tuple(tie('any'), tie('any'), tie('any')).map(([c, a, b]): T => ({ t: 'tern', c, a, b })),
    fc
      .tuple(ops('size', 'min', 'max', 'abs'), fc.array(tie('any'), { minLength: 1, maxLength: 3 }))
      .map(([fn, args]): T => ({
        t: 'call',
        fn: fn as 'min',
        args: fn === 'size' || fn === 'abs' ? args.slice(0, 1) : args
      }))
  ),
  top: fc.oneof(
    { arbitrary: tie('bool'), weight: 4 },
    { arbitrary: tie('num'), weight: 1 },
    { arbitrary: tie('any'), weight: 2 }
  )
}))

// Closed expressions (no missing names, no division by zero): nearly every outcome is a value, so
// a grouping mistake almost always changes the result even with a few hundred runs.
const { closedBool } = fc.letrec<{ closedNum: T; closedBool: T }>((tie) => ({
  closedNum: fc.oneof(
    { depthSize: 'medium', maxDepth: 6 },
    fc.integer({ min: 1, max: 9 }).map((v): T => ({ t: 'num', v })),
    fc
      .tuple(ops('+', '-', '*'), tie('closedNum'), tie('closedNum'))
      .map(([op, l, r]) => bin(op, l, r)),
    fc
      .tuple(ops('/', '%'), tie('closedNum'), fc.integer({ min: 1, max: 9 }))
      .map(([op, l, v]) => bin(op, l, { t: 'num', v })),
    tie('closedNum').map((e): T => ({ t: 'un', op: '-', e })),
    fc
      .tuple(tie('closedBool'), tie('closedNum'), tie('closedNum'))
      .map(([c, a, b]): T => ({ t: 'tern', c, a, b }))
  ),
  closedBool: fc.oneof(
    { depthSize: 'medium', maxDepth: 6 },
    fc.boolean().map((v): T => ({ t: 'bool', v })),
    fc.constant<T>({ t: 'id', name: 'flag' }),
    fc
      .tuple(ops('!', 'not'), tie('closedBool'))
      .map(([op, e]): T => ({ t: 'un', op: op as '!', e })),
    fc
      .tuple(ops('&&', '||'), fc.boolean(), tie('closedBool'), tie('closedBool'))
      .map(([op, alt, l, r]) => bin(op, l, r, alt)),
    fc
      .tuple(ops('<', '<=', '>', '>=', '==', '!='), tie('closedNum'), tie('closedNum'))
      .map(([op, l, r]) => bin(op, l, r)),
    fc
      .tuple(tie('closedBool'), tie('closedBool'), tie('closedBool'))
      .map(([c, a, b]): T => ({ t: 'tern', c, a, b }))
  )
}))
const closed = fc.oneof(
  closedBool,
  closedBool.map((c): T => ({ t: 'tern', c, a: { t: 'num', v: 1 }, b: { t: 'num', v: 0 } }))
)

function prec(n: T): number {
  switch (n.t) {
    case 'tern':
      return 1
    case 'bin':
      return { '||': 2, '&&': 3, '+': 6, '-': 6, '*': 7, '/': 7, '%': 7 }[n.op as '||'] ?? 5
    case 'un':
      return n.op === 'not' ? 4 : 8
    default:
      return 9
  }
}

function quoteString(v: string, quote: string): string {
  let out = quote
  for (const ch of v) {
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\t') out += '\\t'
    else out += ch
  }
  return out + quote
}

/** Prints with the fewest parentheses the grammar needs, so the parser's precedence is tested. */
function print(n: T, minPrec = 1): string {
  const text = printRaw(n)
  return prec(n) < minPrec ? `(${text})` : text
}

function printRaw(n: T): string {
  switch (n.t) {
    case 'num':
      return String(n.v)
    case 'str':
      return quoteString(n.v, n.quote)
    case 'bool':
      return String(n.v)
    case 'null':
      return 'null'
    case 'id':
      return n.name
    case 'has':
      return `has( ${n.name} )`
    case 'paren':
      return `(${print(n.e)})`
    case 'list':
      return `[${n.items.map((i) => print(i)).join(', ')}]`
    case 'un':
      if (n.op === 'not') return `not ${print(n.e, 4)}`
      return `${n.op} ${print(n.e, 8)}`
    case 'bin': {
      const p = prec(n)
      const leftMin = p === 5 ? 6 : p
      return `${print(n.l, leftMin)} ${n.spelling}\n${print(n.r, p + 1)}`
    }
    case 'tern':
      return `${print(n.c, 2)} ? ${print(n.a, 1)} : ${print(n.b, 1)}`
    case 'call':
      return `${n.fn}(${n.args.map((a) => print(a)).join(', ')})`
  }
}

// The reference semantics, written plainly and separately from shared/expr/evaluate.ts.
type R = EvalOutcome
const V = (value: Value): R => ({ kind: 'value', value })
const E: R = { kind: 'error', message: '' }

function all(rs: R[]): R | Value[] {
  const err = rs.find((r) => r.kind === 'error')
  if (err) return err
  const missing = rs.flatMap((r) => (r.kind === 'undefined' ? r.names : []))
  if (missing.length > 0) return { kind: 'undefined', names: missing }
  return rs.map((r) => (r as { value: Value }).value)
}

function sameType(a: Value, b: Value): boolean {
  const k = (v: Value) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v)
  return k(a) === k(b)
}

function eq(a: Value, b: Value): boolean | 'err' {
  if (a === null || b === null) return a === b
  if (!sameType(a, b)) return 'err'
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) {
      const r = eq(a[i], b[i])
      if (r !== true) return r
    }
    return true
  }
  return a === b
}

function num(x: number): R {
  return Number.isFinite(x) ? V(x === 0 ? 0 : x) : E
}

function ref(n: T): R {
  switch (n.t) {
    case 'num':
    case 'str':
    case 'bool':
      return V(n.v)
    case 'null':
      return V(null)
    case 'id': {
      const v = scope(n.name)
      return v === undefined ? { kind: 'undefined', names: [n.name] } : V(v)
    }
    case 'has':
      return V(scope(n.name) !== undefined)
    case 'paren':
      return ref(n.e)
    case 'list': {
      const r = all(n.items.map(ref))
      return Array.isArray(r) ? V(r) : r
    }
    case 'un': {
      const r = ref(n.e)
      if (r.kind !== 'value') return r
      if (n.op === '-') return typeof r.value === 'number' ? num(-r.value) : E
      return typeof r.value === 'boolean' ? V(!r.value) : E
    }
    case 'tern': {
      const c = ref(n.c)
      if (c.kind !== 'value') return c
      if (typeof c.value !== 'boolean') return E
      return c.value ? ref(n.a) : ref(n.b)
    }
    case 'call': {
      const r = all(n.args.map(ref))
      if (!Array.isArray(r)) return r
      if (n.fn === 'size') {
        const v = r[0]
        return typeof v === 'string' ? V(Array.from(v).length) : Array.isArray(v) ? V(v.length) : E
      }
      if (n.fn === 'abs') return typeof r[0] === 'number' ? V(Math.abs(r[0])) : E
      const items = r.length === 1 && Array.isArray(r[0]) ? r[0] : r
      if (items.length === 0 || items.some((x) => typeof x !== 'number')) return E
      return num(
        n.fn === 'min' ? Math.min(...(items as number[])) : Math.max(...(items as number[]))
      )
    }
    case 'bin':
      return refBinary(n)
  }
}

function refBinary(n: Extract<T, { t: 'bin' }>): R {
  if (n.op === '&&' || n.op === '||') {
    const l = ref(n.l)
    if (l.kind === 'error') return l
    if (l.kind === 'undefined') {
      const r = ref(n.r)
      if (r.kind === 'error') return r
      return r.kind === 'undefined' ? { kind: 'undefined', names: [...l.names, ...r.names] } : l
    }
    if (typeof l.value !== 'boolean') return E
    if (l.value === (n.op === '||')) return l
    const r = ref(n.r)
    if (r.kind === 'value' && typeof r.value !== 'boolean') return E
    return r
  }
  const both = all([ref(n.l), ref(n.r)])
  if (!Array.isArray(both)) return both
  const [a, b] = both
  switch (n.op) {
    case '==':
    case '!=': {
      const r = eq(a, b)
      return r === 'err' ? E : V(n.op === '==' ? r : !r)
    }
    case 'in': {
      if (!Array.isArray(b)) return E
      for (const item of b) {
        const r = eq(a, item)
        if (r === 'err') return E
        if (r) return V(true)
      }
      return V(false)
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (!(
        (typeof a === 'number' && typeof b === 'number') ||
        (typeof a === 'string' && typeof b === 'string')
      ))
        return E
      const cmp = { '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[n.op]
      return V(cmp)
    }
  }
  if (n.op === '+' && typeof a === 'string' && typeof b === 'string') return V(a + b)
  if (n.op === '+' && Array.isArray(a) && Array.isArray(b)) return V([...a, ...b])
  if (typeof a !== 'number' || typeof b !== 'number') return E
  if ((n.op === '/' || n.op === '%') && b === 0) return E
  const r =
    n.op === '+'
      ? a + b
      : n.op === '-'
        ? a - b
        : n.op === '*'
          ? a * b
          : n.op === '/'
            ? a / b
            : a % b
  return num(r)
}

function normalise(o: EvalOutcome): EvalOutcome {
  if (o.kind === 'error') return { kind: 'error', message: '' }
  if (o.kind === 'undefined') return { kind: 'undefined', names: [...new Set(o.names)] }
  return o
}

function checkErrorShape(e: unknown, source: string): void {
  if (!(e instanceof ExpressionError)) throw e
  expect(e.offset).toBeGreaterThanOrEqual(0)
  expect(e.offset + e.length).toBeLessThanOrEqual(source.length)
  expect(e.message).toMatch(/column \d+|limit/)
}

describe('expression properties', () => {
  it('parses generated expressions and agrees with the reference evaluation', () => {
    const kinds = { value: 0, undefined: 0, error: 0 }
    fc.assert(
      fc.property(top, (tree) => {
        const source = print(tree)
        const parsed = parseExpression(source)
        const expected = normalise(ref(tree))
        kinds[expected.kind]++
        expect(normalise(evaluate(parsed, scope))).toEqual(expected)
      }),
      { numRuns: RUNS }
    )
    // Guards the generator itself: if nearly everything were an error, agreement would prove little.
    expect(kinds.value).toBeGreaterThan(RUNS / 3)
  })

  it('agrees with the reference on closed arithmetic and logic, where grouping decides the value', () => {
    fc.assert(
      fc.property(closed, (tree) => {
        const parsed = parseExpression(print(tree))
        expect(evaluate(parsed, scope)).toEqual(normalise(ref(tree)))
      }),
      { numRuns: RUNS }
    )
  })

  it('throws nothing but ExpressionError on arbitrary text, and never throws afterwards', () => {
    const soup = expressionSoup(40)
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), soup), (source) => {
        let parsed
        try {
          parsed = parseExpression(source)
        } catch (e) {
          checkErrorShape(e, source)
          return
        }
        const out = evaluate(parsed, scope)
        expect(['value', 'undefined', 'error']).toContain(out.kind)
        expect(Array.isArray(typeCheck(parsed, () => 'any'))).toBe(true)
        comparisons(parsed)
        expect(renderWithValues(parsed, scope).length).toBeGreaterThanOrEqual(source.length)
      }),
      { numRuns: RUNS * 5 }
    )
  })
})
