import { describe, it, expect } from '@jest/globals'
import {
  parseExpression,
  evaluate,
  truthy,
  type EvalOutcome,
  type Value
} from '../../shared/expr/index.js'
import { scopeOf } from './helpers.js'

const metrics = scopeOf({
  'tests.pass_rate': 99.5,
  'coverage.lines': 71.2,
  'baseline.coverage.lines': 71.5,
  'perf.api.p95': 180,
  'nfr.performance.target_p95_latency_ms': 200,
  'privacy.signoff': true,
  risk: 'low',
  medium: 'medium',
  labels: ['ready', 'security'],
  zero: 0,
  name: 'héllo'
})

const run = (src: string, scope = metrics): EvalOutcome => evaluate(parseExpression(src), scope)
const value = (v: Value): EvalOutcome => ({ kind: 'value', value: v })

describe('evaluate', () => {
  it.each<[string, Value]>([
    ['tests.pass_rate >= 99', true],
    ['coverage.lines >= baseline.coverage.lines - 0.5', true],
    ['coverage.lines >= baseline.coverage.lines - 0.5 && coverage.lines >= 80', false],
    ['perf.api.p95 <= nfr.performance.target_p95_latency_ms', true],
    ['privacy.signoff == true', true],
    ['risk <= medium and privacy.signoff', true],
    ['1 + 2 * 3', 7],
    ['7 % 4 - 10 / 4', 0.5],
    ['-(2 - 5)', 3],
    ['0.1 + 0.2 > 0.3', true],
    ['1 == 1.0', true],
    ['"a" + \'b\' == "ab"', true],
    ['[1] + [2, 3] == [1, 2, 3]', true],
    ['[1, [2]] != [1, [3]]', true],
    ['"security" in labels', true],
    ['2 in [1, 2, 3] and not (4 in [1, 2, 3])', true],
    ['null == null', true],
    ['risk == null', false],
    ['risk != null', true],
    ['size(labels) == 2 && size(name) == 5 && size("") == 0', true],
    ['min(3, 1, 2) == 1 && max(3, 1, 2) == 3 && min([5, 4]) == 4', true],
    ['abs(-2.5)', 2.5],
    ['has(coverage.lines) && !has(coverage.branches)', true],
    ['true ? "yes" : "no"', 'yes'],
    ['coverage.lines > 80 ? "ok" : "low"', 'low'],
    ['"a" < "b"', true]
  ])('%s', (src, expected) => {
    expect(run(src)).toEqual(value(expected))
  })

  it('gives the same results for both spellings of the logical operators', () => {
    for (const [a, b] of [
      ['true and false or not false', 'true && false || !false'],
      ['not true or true', '!true || true'],
      [
        'tests.pass_rate > 99 and coverage.lines > 70',
        'tests.pass_rate > 99 && coverage.lines > 70'
      ]
    ]) {
      expect(run(a)).toEqual(run(b))
    }
  })
})

describe('missing values', () => {
  it('makes the outcome undefined, naming every missing name once', () => {
    expect(run('coverage.branches > 80 && mutation.score > 60 || coverage.branches < 0')).toEqual({
      kind: 'undefined',
      names: ['coverage.branches', 'mutation.score']
    })
    expect(run('x + 1 > y')).toEqual({ kind: 'undefined', names: ['x', 'y'] })
  })

  it('lets &&, || and ?: short-circuit a missing name away, left to right', () => {
    expect(run('has(x) && x > 1')).toEqual(value(false))
    expect(run('!has(x) || x > 1')).toEqual(value(true))
    expect(run('false && x')).toEqual(value(false))
    expect(run('true || x')).toEqual(value(true))
    expect(run('has(x) ? x > 1 : true')).toEqual(value(true))
    expect(run('x > 1 && false')).toEqual({ kind: 'undefined', names: ['x'] })
  })

  it('never passes, whether negated or compared', () => {
    for (const src of [
      'x > 1',
      'x < 1',
      'x == null',
      'x != 1',
      '!(x > 1)',
      'not x >= 80',
      'x in [1]',
      'size(x) > 0'
    ]) {
      const out = run(src)
      expect(out.kind).toBe('undefined')
      expect(truthy(out)).toBe(false)
    }
  })

  it('treats __proto__ and constructor as ordinary names', () => {
    expect(run('__proto__ > 1')).toEqual({ kind: 'undefined', names: ['__proto__'] })
    expect(run('has(constructor)')).toEqual(value(false))
    expect(run('__proto__ == 1', scopeOf(JSON.parse('{"__proto__": 1}')))).toEqual(value(true))
  })
})

describe('errors', () => {
  it.each([
    ['1 / zero', 'division by zero at column 3'],
    ['1 % 0', 'division by zero at column 3'],
    ['risk > 1', "'>' cannot order string against number at column 6"],
    ['risk == 1', "'==' cannot compare string with number"],
    ['"1" == 1', "'==' cannot compare string with number"],
    ['true + 1', "'+' needs numbers, got boolean and number"],
    ['"a" * 2', "'*' needs numbers"],
    ['!1', "'!' needs a boolean, got number"],
    ['not "x"', "'not' needs a boolean, got string"],
    ['-"x"', "unary '-' needs a number"],
    ['1 && true', "'&&' needs booleans, but its left side is number 1"],
    ['true and 2', "'and' needs booleans, but its right side is number 2"],
    ['1 ? 2 : 3', "the condition before '?' must be a boolean"],
    ['1 in 1', "'in' needs a list on its right"],
    ['"a" in [1]', "'in' cannot compare string with a number element"],
    ['size(1)', 'size() needs a string or a list'],
    ['min("a")', 'min() needs numbers'],
    ['max([])', 'max() of an empty list'],
    ['1e300 * 1e300 > 0', 'overflows'],
    ['[1] < [2]', 'cannot order list against list']
  ])('%s', (src, message) => {
    const out = run(src)
    expect(out.kind).toBe('error')
    expect(out.kind === 'error' && out.message).toContain(message)
    expect(truthy(out)).toBe(false)
  })

  it('reports an error in preference to a missing name', () => {
    expect(run('x > 1 && 1 / 0 > 1').kind).toBe('error')
    expect(run('x + 1 / 0').kind).toBe('error')
  })

  it('turns NaN, infinities and unsupported values from the scope into errors', () => {
    const bad = (v: unknown) => run('m > 1', () => v as Value)
    expect(bad(NaN)).toEqual({ kind: 'error', message: 'm is not a number (NaN)' })
    expect(bad(Infinity)).toEqual({ kind: 'error', message: 'm is not a finite number' })
    expect(bad({ a: 1 }).kind).toBe('error')
    expect(bad([1, NaN]).kind).toBe('error')
    expect(bad(() => 1).kind).toBe('error')
    expect(run('!(m > 1)', () => NaN)).toMatchObject({ kind: 'error' })
    expect(run('m != 1', () => NaN)).toMatchObject({ kind: 'error' })
  })

  it('never throws, even when the scope does', () => {
    const out = run('m > 1', () => {
      throw new Error('boom')
    })
    expect(out).toEqual({ kind: 'error', message: 'could not read m: boom' })
  })

  it('re-parses an expression that was built by hand, and reports a bad one as an error', () => {
    expect(evaluate({ source: '1 < 2', identifiers: [] }, metrics)).toEqual(value(true))
    expect(evaluate({ source: '1 <', identifiers: [] }, metrics).kind).toBe('error')
  })

  it('evaluates the longest flat chain the length limit allows', () => {
    const src = Array.from({ length: 2048 }, () => '1').join('+')
    expect(run(src)).toEqual(value(2048))
  })
})

describe('truthy', () => {
  it('is true only for the boolean true', () => {
    expect(truthy(value(true))).toBe(true)
    for (const out of [value(false), value(1), value('true'), value([true]), value(null)])
      expect(truthy(out)).toBe(false)
    expect(truthy({ kind: 'undefined', names: ['x'] })).toBe(false)
    expect(truthy({ kind: 'error', message: 'x' })).toBe(false)
  })
})
