import { describe, it, expect } from '@jest/globals'
import { parseExpression, comparisons, renderWithValues } from '../../shared/expr/index.js'
import { scopeOf } from './helpers.js'

describe('comparisons', () => {
  it('finds simple name-versus-number comparisons and puts the name on the left', () => {
    expect(
      comparisons(parseExpression('tests.pass_rate >= 99 && 80 < coverage.lines || -5 >= delta'))
    ).toEqual([
      { name: 'tests.pass_rate', op: '>=', value: 99, offset: 0, literalStart: 19, literalEnd: 21 },
      { name: 'coverage.lines', op: '>', value: 80, offset: 25, literalStart: 25, literalEnd: 27 },
      { name: 'delta', op: '<=', value: -5, offset: 48, literalStart: 48, literalEnd: 50 }
    ])
  })

  it('flips every ordering operator and keeps equality', () => {
    const ops = ['<', '<=', '>', '>=', '==', '!='] as const
    const flipped = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' }
    for (const op of ops) {
      expect(comparisons(parseExpression(`3 ${op} x`))[0]).toMatchObject({
        name: 'x',
        op: flipped[op],
        value: 3
      })
      expect(comparisons(parseExpression(`x ${op} 3`))[0]).toMatchObject({
        name: 'x',
        op,
        value: 3
      })
    }
  })

  it('skips comparisons that are not name against number, or are negated', () => {
    expect(
      comparisons(
        parseExpression('a >= b && a + 1 > 2 && risk == "low" && !(c > 1) && not d < 2 && 1 < 2')
      )
    ).toEqual([])
  })

  it('looks inside ternary branches and parentheses', () => {
    expect(comparisons(parseExpression('flag ? (a > 1) : b <= 2')).map((c) => c.name)).toEqual([
      'a',
      'b'
    ])
  })
})

describe('renderWithValues', () => {
  const scope = scopeOf({
    'coverage.lines': 71.2,
    'tests.pass_rate': 0.1 + 0.2,
    risk: 'low',
    labels: ['a', 'b']
  })

  it('puts each value after its name, keeping the source as written', () => {
    expect(renderWithValues(parseExpression('coverage.lines >= 80'), scope)).toBe(
      'coverage.lines (71.2) >= 80'
    )
    expect(renderWithValues(parseExpression('tests.pass_rate  and  risk=="low"'), scope)).toBe(
      'tests.pass_rate (0.3)  and  risk ("low")=="low"'
    )
  })

  it('marks missing names and leaves has() alone', () => {
    expect(renderWithValues(parseExpression('has(x) && x > 1 || "a" in labels'), scope)).toBe(
      'has(x) && x (missing) > 1 || "a" in labels (["a", "b"])'
    )
  })

  it('survives a throwing scope', () => {
    const e = parseExpression('m > 1')
    expect(
      renderWithValues(e, () => {
        throw new Error('no')
      })
    ).toBe('m (unreadable) > 1')
  })
})
