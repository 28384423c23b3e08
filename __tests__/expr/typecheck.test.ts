import { describe, it, expect } from '@jest/globals'
import { parseExpression, typeCheck, type TypeName } from '../../shared/expr/index.js'

const types: Record<string, TypeName> = {
  'coverage.lines': 'number',
  'privacy.signoff': 'boolean',
  risk: 'string',
  labels: 'list',
  extra: 'any'
}
const check = (src: string, requireBoolean = true) =>
  typeCheck(parseExpression(src), (n) => (Object.hasOwn(types, n) ? types[n] : undefined), {
    requireBoolean
  })

describe('typeCheck', () => {
  it('accepts well-typed conditions', () => {
    for (const src of [
      'coverage.lines >= 80 && privacy.signoff',
      'risk == "low" || risk < "m"',
      '"ready" in labels and size(labels) > 0',
      'has(nope) && nope > 1',
      'unknown.metric > 3',
      'extra + 1 > 2',
      'risk != null',
      'max(labels) > 1',
      'privacy.signoff ? coverage.lines > 80 : coverage.lines > 60'
    ]) {
      expect(check(src)).toEqual([])
    }
  })

  it.each([
    ['risk >= 80', "'>=' cannot order string risk against number at column 6"],
    [
      'coverage.lines == "80"',
      "'==' compares number coverage.lines with string, which is always an error at column 16"
    ],
    [
      'privacy.signoff + 1 > 0',
      "'+': arithmetic on a boolean, got boolean privacy.signoff and number"
    ],
    ['true * 2 > 1', 'arithmetic on a boolean'],
    ['"a" - 1 > 0', "'-': arithmetic needs numbers, got string and number"],
    ['!coverage.lines', "'!' needs a boolean, got number coverage.lines at column 1"],
    ['coverage.lines and true', "'and' needs booleans, but its left side is number coverage.lines"],
    ['coverage.lines ? true : false', "the condition before '?' must be a boolean"],
    ['1 in risk', "'in' needs a list on its right, got string risk"],
    ['risk in [1, 2]', "'in' looks for string risk in a list holding a number"],
    ['size(coverage.lines) > 1', 'size() needs a string or a list, got number coverage.lines'],
    ['abs(risk) > 1', 'abs() needs a number'],
    ['min(1, risk) > 1', 'min() needs numbers'],
    ['coverage.lines / 0 > 1', 'division by zero at column 16'],
    ['-risk < 1', "unary '-' needs a number"],
    ['coverage.lines', 'a condition must give true or false, but this expression gives a number'],
    ['risk', 'a condition must give true or false, but this expression gives a string']
  ])('%s', (src, message) => {
    const messages = check(src)
    expect(messages.join('\n')).toContain(message)
  })

  it('allows non-boolean results when the caller asks for a value', () => {
    expect(check('coverage.lines * 1.1', false)).toEqual([])
    expect(check('risk + "x"', false)).toEqual([])
  })

  it('reports unknown names only when asked', () => {
    const expr = parseExpression('nope > 1')
    expect(typeCheck(expr, () => undefined)).toEqual([])
    expect(typeCheck(expr, () => undefined, { reportUnknown: true })).toEqual([
      "unknown name 'nope' at column 1"
    ])
  })

  it('collects every problem, not just the first', () => {
    expect(check('risk > 1 && privacy.signoff + 1 > 0')).toHaveLength(2)
  })
})
