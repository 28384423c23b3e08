import { describe, expect, it } from '@jest/globals'
import { ConfigurationError } from '../../shared/errors.js'
import {
  loadWaivers,
  judgeWaivers,
  waiverCoversStage,
  waiverTargets
} from '../../shared/gates/waivers.js'
import { parseYaml } from '../../shared/yaml.js'
import { repo } from './helpers.js'

const now = new Date('2026-11-01T12:00:00Z')
const judge = (yaml: string) => judgeWaivers(parseYaml(yaml, '.process/waivers.yaml'), now)
const entry = (extra: string) =>
  `waivers:\n  - gate: G-verify\n    requirement: coverage\n    reason: flaky lab\n    approver: alice\n${extra}`

describe('waiver states', () => {
  it('is active with more than 14 days left, and usable', () => {
    const [w] = judge(entry('    expires: 2026-12-31\n'))
    expect(w.usable).toBe(true)
    expect(w.record).toMatchObject({
      state: 'active',
      daysLeft: 60,
      gate: 'G-verify',
      requirement: 'coverage',
      approver: 'alice',
      reason: 'flaky lab'
    })
    expect(w.record.location).toEqual({ file: '.process/waivers.yaml', line: 2, col: 5 })
  })

  it('is expiring within 14 days (including the last valid day) and still usable', () => {
    expect(judge(entry('    expires: 2026-11-15\n'))[0].record).toMatchObject({
      state: 'expiring',
      daysLeft: 14
    })
    expect(judge(entry('    expires: 2026-11-16\n'))[0].record.state).toBe('active')
    const [today] = judge(entry('    expires: 2026-11-01\n'))
    expect(today.record).toMatchObject({ state: 'expiring', daysLeft: 0 })
    expect(today.usable).toBe(true)
  })

  it('is expired the day after its date, and not usable', () => {
    const [w] = judge(entry('    expires: 2026-10-31\n'))
    expect(w.usable).toBe(false)
    expect(w.record.state).toBe('expired')
    expect(w.record.problem).toContain('expired on 2026-10-31 (1 day ago)')
  })

  it('is open-ended without expiry, with "never", or beyond a year', () => {
    for (const extra of [
      '',
      '    expires: never\n',
      '    expires:\n',
      '    expires: 2028-01-01\n'
    ]) {
      const [w] = judge(entry(extra))
      expect(w.record.state).toBe('open-ended')
      expect(w.usable).toBe(false)
    }
  })

  it.each([
    ['    expires: 2026-02-30\n', 'not a real date'],
    ['    expires: 20261231\n', 'must be a date'],
    ['    expires: 2026-12-31\n    scope: all\n', 'unknown key "scope"'],
    ['    expires: 2026-12-31\n    stages: []\n', '"stages" must be a non-empty list']
  ])('is malformed: %j', (extra, problem) => {
    const [w] = judge(entry(extra))
    expect(w.record.state).toBe('malformed')
    expect(w.usable).toBe(false)
    expect(w.record.problem).toContain(problem)
  })

  it('is malformed without a reason, an approver or a requirement, or with a wildcard', () => {
    expect(
      judge(
        'waivers:\n  - gate: G\n    requirement: r\n    approver: a\n    expires: 2026-12-01\n'
      )[0].record.problem
    ).toBe('missing "reason"')
    expect(
      judge(
        'waivers:\n  - gate: G\n    requirement: r\n    reason: x\n    expires: 2026-12-01\n'
      )[0].record.problem
    ).toBe('missing "approver"')
    expect(
      judge('waivers:\n  - gate: G\n    reason: x\n    approver: a\n    expires: 2026-12-01\n')[0]
        .record.problem
    ).toContain('missing "requirement"')
    expect(
      judge(
        'waivers:\n  - gate: G\n    requirement: "*"\n    reason: x\n    approver: a\n    expires: 2026-12-01\n'
      )[0].record.problem
    ).toContain('wildcards')
    expect(judge('waivers:\n  - just a string\n')[0].record.state).toBe('malformed')
  })

  it('scopes a waiver to gate, requirement (id or exact check) and stages', () => {
    const [w] = judge(entry('    expires: 2026-12-31\n    stages: [staging]\n'))
    expect(waiverTargets(w.record, 'G-verify', 'coverage', 'coverage.lines >= 80')).toBe(true)
    expect(waiverTargets(w.record, 'G-design', 'coverage', 'coverage.lines >= 80')).toBe(false)
    expect(waiverTargets(w.record, 'G-verify', 'metric_2', 'coverage')).toBe(true)
    expect(waiverTargets(w.record, 'G-verify', 'metric_2', 'coverage.lines >= 80')).toBe(false)
    expect(waiverCoversStage(w.record, 'staging')).toBe(true)
    expect(waiverCoversStage(w.record, 'production')).toBe(false)
  })
})

describe('the waivers file', () => {
  it('is optional at its default path and required when named', () => {
    const root = repo({})
    expect(loadWaivers(root, undefined, now).waivers).toEqual([])
    expect(() => loadWaivers(root, 'ops/waivers.yaml', now)).toThrow(
      /ops\/waivers.yaml does not exist/
    )
  })

  it('refuses YAML that is not a waivers list, unknown top-level keys and unsafe YAML', () => {
    const load = (text: string) =>
      loadWaivers(repo({ '.process/waivers.yaml': text }), undefined, now)
    expect(() => load('waivers: 3\n')).toThrow(ConfigurationError)
    expect(() => load('waivers: []\nextra: 1\n')).toThrow(/unknown top-level key "extra"/)
    expect(() => load('waivers: []\nwaivers: []\n')).toThrow(ConfigurationError)
    expect(() => load('a: &a [1]\nb: !!js/function "x"\n')).toThrow(ConfigurationError)
    expect(load('waivers:\n').waivers).toEqual([])
  })

  it('escapes nothing and pollutes nothing with __proto__ keys', () => {
    expect(() =>
      loadWaivers(
        repo({ '.process/waivers.yaml': 'waivers:\n  - __proto__: { polluted: 1 }\n' }),
        undefined,
        now
      )
    ).toThrow(/not allowed/)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses a waivers path outside the workspace', () => {
    expect(() => loadWaivers(repo({}), '../../etc/passwd', now)).toThrow(/outside the workspace/)
  })
})
