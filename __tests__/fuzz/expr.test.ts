/**
 * The expression engine under fast-check. The agreement with a reference evaluation on generated
 * expressions is the property suite of __tests__/expr/property.test.ts, imported here so that
 * `npm run fuzz` runs it at FUZZ_RUNS; this file adds per-input time bounds, hostile scopes and
 * pathological shapes (deep nesting, long chains, huge numbers and strings).
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals'
import fc from 'fast-check'
import {
  evaluate,
  ExpressionError,
  parseExpression,
  renderWithValues,
  typeCheck,
  type Value
} from '../../shared/expr/index.js'
import { expectTyped, PER_INPUT_MS, RUNS, slowest, TARGET_TIMEOUT, timedSync } from './support.js'
import { expressionSoup } from './damage.js'
import '../expr/property.test.js'

jest.setTimeout(TARGET_TIMEOUT)

const hostileValue: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(
    NaN,
    Infinity,
    -Infinity,
    -0,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    'x'.repeat(10_000),
    null,
    true
  ),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), {
    maxLength: 5
  }) as fc.Arbitrary<Value>
)
const NAMES = [
  'a',
  'b.c',
  'tests.pass_rate',
  'coverage.lines',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty'
]

const shapes = fc.oneof(
  fc.nat({ max: 5000 }).map((n) => `${'('.repeat(n)}1${')'.repeat(n)} > 0`),
  fc.nat({ max: 5000 }).map((n) => `${'!'.repeat(n)}true`),
  fc.nat({ max: 5000 }).map((n) => `${'-'.repeat(n)}1 < 2`),
  fc
    .nat({ max: 3000 })
    .map((n) => Array.from({ length: n + 1 }, (_, i) => `a > ${i}`).join(' && ')),
  fc.nat({ max: 3000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)} == []`),
  fc.nat({ max: 3000 }).map((n) => `${'a ? '.repeat(n)}1${' : 0'.repeat(n)}`),
  fc.nat({ max: 2000 }).map((n) => `size("${'x'.repeat(n * 50)}") > 0`),
  fc.constantFrom(
    '1e999 > 1',
    '9'.repeat(400) + ' > 1',
    '0/0 == 0/0',
    '"\\u{110000}" == ""',
    '"\\uD800" == ""',
    'min() == 1',
    'max([]) == 1'
  )
)

const soup = expressionSoup(60)

function run(source: string, values: Record<string, Value>): void {
  timedSync(source, () => {
    let parsed
    try {
      parsed = parseExpression(source)
    } catch (error) {
      expectTyped(error, ExpressionError)
      expect((error as Error).message).not.toMatch(/\n\s+at /)
      return
    }
    const scope = (name: string) => (Object.hasOwn(values, name) ? values[name] : undefined)
    const out = evaluate(parsed, scope)
    expect(['value', 'undefined', 'error']).toContain(out.kind)
    expect(Array.isArray(typeCheck(parsed, () => 'any'))).toBe(true)
    expect(typeof renderWithValues(parsed, scope)).toBe('string')
  })
}

afterAll(() => {
  console.log(
    `fuzz expressions: ${RUNS} runs per target; slowest input ${slowest.ms.toFixed(1)} ms (bound ${PER_INPUT_MS} ms)`
  )
})

describe('expression engine: hostile text, scopes and shapes', () => {
  it('arbitrary text and token soup against hostile scopes: only ExpressionError, bounded time', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 120 }), soup),
        fc.dictionary(fc.constantFrom(...NAMES), hostileValue),
        (source, values) => run(source, values)
      ),
      { numRuns: RUNS }
    )
  })

  it('pathological shapes (deep nesting, long chains, huge literals): only ExpressionError, bounded time', () => {
    fc.assert(
      fc.property(
        shapes,
        fc.dictionary(fc.constantFrom(...NAMES), hostileValue),
        (source, values) => run(source, values)
      ),
      { numRuns: RUNS }
    )
  })
})
