import { describe, it, expect } from '@jest/globals'
import {
  ARGO_DEFAULT_LIMITS,
  assessCheck,
  emptyCounts,
  evaluateConditions,
  record,
  worstPhase,
  type CheckCounts
} from '../../shared/canary/argo-rules.js'

describe("Argo's measurement table (EvaluateResult)", () => {
  // [success condition, failure condition] -> phase; undefined = condition not configured.
  const table: Array<[boolean | undefined, boolean | undefined, string]> = [
    [undefined, undefined, 'Successful'],
    [true, undefined, 'Successful'],
    [false, undefined, 'Failed'],
    [undefined, false, 'Successful'],
    [undefined, true, 'Failed'],
    [true, false, 'Successful'],
    [false, true, 'Failed'],
    [true, true, 'Failed'],
    [false, false, 'Inconclusive']
  ]
  it.each(table)('success=%s failure=%s -> %s', (success, failure, expected) => {
    expect(evaluateConditions(success, failure)).toBe(expected)
  })
})

function counts(partial: Partial<CheckCounts>): CheckCounts {
  return { ...emptyCounts(), ...partial }
}

describe("Argo's metric assessment (failureLimit, inconclusiveLimit, consecutiveErrorLimit)", () => {
  const L = ARGO_DEFAULT_LIMITS
  it('uses the Argo defaults 0 / 0 / 4', () => {
    expect(L).toEqual({ failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 })
  })
  const table: Array<[string, Partial<CheckCounts>, typeof L, string]> = [
    ['no measurement yet', {}, L, 'Running'],
    ['one failure with failureLimit 0', { failed: 1 }, L, 'Failed'],
    [
      'failures equal to the limit are tolerated',
      { failed: 2 },
      { ...L, failureLimit: 2 },
      'Running'
    ],
    ['failures above the limit', { failed: 3 }, { ...L, failureLimit: 2 }, 'Failed'],
    ['failureLimit -1 disables failure', { failed: 99 }, { ...L, failureLimit: -1 }, 'Running'],
    ['one inconclusive with inconclusiveLimit 0', { inconclusive: 1 }, L, 'Inconclusive'],
    [
      'inconclusive within its limit',
      { inconclusive: 1 },
      { ...L, inconclusiveLimit: 1 },
      'Running'
    ],
    ['4 consecutive errors are tolerated', { error: 4, consecutiveError: 4 }, L, 'Running'],
    ['5 consecutive errors > 4', { error: 5, consecutiveError: 5 }, L, 'Error'],
    ['errors that were not consecutive', { error: 9, consecutiveError: 1 }, L, 'Running'],
    [
      'inconclusive overrides failed (checked later)',
      { failed: 1, inconclusive: 1 },
      L,
      'Inconclusive'
    ],
    ['error overrides both', { failed: 1, inconclusive: 1, consecutiveError: 5 }, L, 'Error']
  ]
  it.each(table)('%s', (_name, c, limits, expected) => {
    expect(assessCheck(counts(c), limits).phase).toBe(expected)
  })

  it('a check that ends without hitting a limit is Successful', () => {
    expect(assessCheck(counts({ successful: 3, failed: 0 }), L, true).phase).toBe('Successful')
    expect(assessCheck(counts({ failed: 1 }), L, true).phase).toBe('Failed')
  })

  it('records measurements the way the controller counts them: a non-error resets the streak', () => {
    let c = emptyCounts()
    for (const p of ['Error', 'Error', 'Successful', 'Error'] as const) c = record(c, p)
    expect(c).toEqual({
      count: 4,
      successful: 1,
      failed: 0,
      inconclusive: 0,
      error: 3,
      consecutiveError: 1
    })
  })

  it('orders phases as Argo does: Failed > Error > Inconclusive > Successful', () => {
    expect(worstPhase(['Successful', 'Inconclusive', 'Error'])).toBe('Error')
    expect(worstPhase(['Error', 'Failed'])).toBe('Failed')
    expect(worstPhase(['Running', 'Successful'])).toBe('Successful')
    expect(worstPhase(['Running', 'Inconclusive'])).toBe('Inconclusive')
  })
})
