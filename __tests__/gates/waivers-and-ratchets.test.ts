import { describe, expect, it } from '@jest/globals'
import { evaluateGates, type EvaluateGatesOptions } from '../../shared/gates/index.js'
import { baselineCandidates, loadBaselines, ratchetDirections } from '../../shared/baseline.js'
import { parseExpression } from '../../shared/expr/index.js'
import { expectValidReport, lcov, repo, requirement } from './helpers.js'

const now = new Date('2026-11-01T12:00:00Z')

async function evaluate(files: Record<string, string>, opts: Partial<EvaluateGatesOptions> = {}) {
  const root = repo(files, 'shop')
  const result = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'production',
    now,
    ...opts
  })
  expectValidReport(result.report)
  return result
}

const waiver = (expires: string, extra = '') =>
  `waivers:\n  - gate: G-quality\n    requirement: coverage\n    reason: "Legacy checkout code; ticket SHOP-12 raises coverage"\n    approver: alice\n    expires: ${expires}\n${extra}`

describe('waivers applied to results', () => {
  it('turn an unmet requirement into waived (never passed) and the gate into waived', async () => {
    const { report, annotations } = await evaluate({
      '.process/waivers.yaml': waiver('2026-12-31')
    })
    const r = requirement(report, 'G-quality', 'coverage')
    expect(r.status).toBe('waived')
    expect(r.waiver).toEqual({
      reason: 'Legacy checkout code; ticket SHOP-12 raises coverage',
      approver: 'alice',
      expires: '2026-12-31'
    })
    expect(r.message).toContain('Without the waiver: failed')
    expect(report.gates?.find((g) => g.id === 'G-quality')?.status).toBe('waived')
    expect(report.verdict).toBe('passed')
    expect(report.totals?.requirements.waived).toBe(1)
    expect(report.waivers?.[0]).toMatchObject({ state: 'active', applied: true })
    expect(annotations.find((a) => a.level === 'notice')?.title).toContain('waived')
  })

  it('do not touch a requirement that passes', async () => {
    const { report } = await evaluate(
      { '.process/waivers.yaml': waiver('2026-12-31') },
      { stage: 'staging' }
    )
    expect(requirement(report, 'G-quality', 'coverage').status).toBe('passed')
    expect(report.waivers?.[0].applied).toBe(false)
  })

  it('list waivers expiring within 14 days and warn about them', async () => {
    const { report, annotations } = await evaluate({
      '.process/waivers.yaml': waiver('2026-11-10')
    })
    expect(report.waivers?.[0]).toMatchObject({ state: 'expiring', daysLeft: 9 })
    expect(requirement(report, 'G-quality', 'coverage').status).toBe('waived')
    expect(annotations.find((a) => a.title === 'Waiver expiring soon')).toMatchObject({
      level: 'warning',
      file: '.process/waivers.yaml',
      line: 2
    })
  })

  it('fail an expired waiver on its own and leave the requirement failed, saying why', async () => {
    const { report } = await evaluate({ '.process/waivers.yaml': waiver('2026-10-01') })
    const r = requirement(report, 'G-quality', 'coverage')
    expect(r.status).toBe('failed')
    expect(r.waiverProblem).toContain('expired on 2026-10-01')
    const w = requirement(report, '.process/waivers.yaml', 'waiver-line-2')
    expect(w).toMatchObject({ type: 'waiver', status: 'failed', severity: 'fail' })
    expect(report.verdict).toBe('failed')
  })

  it('fail open-ended and malformed waivers even when nothing needs them', async () => {
    const { report } = await evaluate(
      {
        '.process/waivers.yaml': `${waiver('never')}  - gate: G-release\n    requirement: adr\n    reason: x\n    expires: 2026-12-01\n`
      },
      { stage: 'staging' }
    )
    const gate = report.gates?.find((g) => g.id === '.process/waivers.yaml')
    expect(gate?.status).toBe('failed')
    expect(gate?.requirements.map((r) => r.status)).toEqual(['failed', 'error'])
    expect(gate?.requirements[1].message).toContain('missing "approver"')
    expect(report.verdict).toBe('failed')
  })

  it('warn about waivers for gates or requirements that do not exist', async () => {
    const { report } = await evaluate(
      {
        '.process/waivers.yaml': waiver('2026-12-31').replace(
          'requirement: coverage',
          'requirement: covrage'
        )
      },
      { stage: 'staging' }
    )
    const w = report.gates?.find((g) => g.id === '.process/waivers.yaml')?.requirements[0]
    expect(w).toMatchObject({ severity: 'warn', status: 'failed' })
    expect(w?.message).toContain('does not have')
    expect(report.verdict).toBe('passed')
  })

  it('apply only in the stages a waiver lists', async () => {
    const { report } = await evaluate({
      '.process/waivers.yaml': waiver('2026-12-31', '    stages: [staging]\n')
    })
    expect(requirement(report, 'G-quality', 'coverage').status).toBe('failed')
  })
})

describe('baselines and ratchets', () => {
  it('pass within the allowed drop and record candidates', async () => {
    const { report } = await evaluate(
      { 'coverage/lcov.info': lcov(1000, 858) },
      { stage: 'staging' }
    )
    expect(requirement(report, 'G-quality', 'coverage_ratchet')).toMatchObject({
      status: 'passed',
      actual: { 'coverage.lines': 85.8, 'baseline.coverage.lines': 86.2 },
      evidence: ['coverage/lcov.info', '.process/baseline.json']
    })
    expect(report.baseline).toMatchObject({
      sources: ['.process/baseline.json'],
      values: { 'coverage.lines': 86.2 }
    })
    expect(report.baseline?.candidates).toContainEqual({
      metric: 'coverage.lines',
      current: 85.8,
      baseline: 86.2,
      better: 'higher',
      improved: false
    })
  })

  it('fail a regression beyond the allowed drop', async () => {
    const { report } = await evaluate(
      { 'coverage/lcov.info': lcov(1000, 850) },
      { stage: 'staging' }
    )
    expect(requirement(report, 'G-quality', 'coverage_ratchet')).toMatchObject({
      status: 'failed',
      detail: 'coverage.lines (85) >= baseline.coverage.lines (86.2) - 0.5'
    })
  })

  it('mark an improvement as a candidate a recalibration can promote', async () => {
    const { report } = await evaluate({ 'coverage/lcov.info': lcov(100, 95) }, { stage: 'staging' })
    expect(report.baseline?.candidates).toContainEqual({
      metric: 'coverage.lines',
      current: 95,
      baseline: 86.2,
      better: 'higher',
      improved: true
    })
  })

  it('fail closed without a baseline, saying how to create one', async () => {
    const { report } = await evaluate(
      { '.process/baseline.json': '{"version":1,"metrics":{}}' },
      { stage: 'staging' }
    )
    const r = requirement(report, 'G-quality', 'coverage_ratchet')
    expect(r.status).toBe('missing-evidence')
    expect(r.message).toContain('.process/baseline.json has no "coverage.lines"')
  })

  it('read the default branch report as a baseline, later files winning', async () => {
    const mainReport = {
      version: 1,
      kind: 'gates',
      run: { time: now.toISOString(), tool: { name: 'flow-actions', version: '1' } },
      verdict: 'passed',
      gates: [],
      totals: { gates: {}, requirements: {} },
      metrics: { 'coverage.lines': 90 }
    }
    const { report } = await evaluate(
      { 'main-report/flow-report.json': JSON.stringify(mainReport) },
      { stage: 'staging', baselinePath: ['.process/baseline.json', 'main-report/flow-report.json'] }
    )
    const r = requirement(report, 'G-quality', 'coverage_ratchet')
    expect(r).toMatchObject({
      status: 'failed',
      actual: { 'baseline.coverage.lines': 90 },
      evidence: ['coverage/lcov.info', 'main-report/flow-report.json']
    })
    expect(report.baseline?.sources).toEqual([
      '.process/baseline.json',
      'main-report/flow-report.json'
    ])
  })

  it('refuse a baseline with NaN, strings or bad JSON, naming the file', () => {
    const bad = loadBaselines(
      repo({
        'a.json': '{"version":1,"metrics":{"coverage.lines":"86"}}',
        'b.json': '{oops',
        'c.json': ''
      }),
      ['a.json', 'b.json', 'c.json', 'd.json']
    )
    expect(bad.values.size).toBe(0)
    expect(bad.problems.map((p) => p.file)).toEqual(['a.json', 'b.json', 'c.json', 'd.json'])
    expect(bad.problems[0].message).toContain('not a finite number')
    expect(bad.problems[3].problem).toBe('missing')
  })

  it('a missing named baseline makes the ratchet missing evidence with the file named', async () => {
    const { report } = await evaluate(
      {},
      { stage: 'staging', baselinePath: 'main-report/flow-report.json' }
    )
    const r = requirement(report, 'G-quality', 'coverage_ratchet')
    expect(r.status).toBe('missing-evidence')
    expect(r.message).toContain('main-report/flow-report.json')
  })

  it('infers which way is better from the comparison', () => {
    const dir = (s: string) => Object.fromEntries(ratchetDirections(parseExpression(s)))
    expect(dir('coverage.lines >= baseline.coverage.lines - 0.5')).toEqual({
      'coverage.lines': 'higher'
    })
    expect(dir('perf.api.p95 <= baseline.perf.api.p95 * 1.1')).toEqual({ 'perf.api.p95': 'lower' })
    expect(dir('baseline.mutation.score - 1 <= mutation.score')).toEqual({
      'mutation.score': 'higher'
    })
    expect(dir('tests.failed == 0')).toEqual({})
    const c = baselineCandidates(
      [parseExpression('perf.api.p95 <= baseline.perf.api.p95 * 1.1')],
      () => 120,
      new Map([['perf.api.p95', 150]])
    )
    expect(c).toEqual([
      { metric: 'perf.api.p95', current: 120, baseline: 150, better: 'lower', improved: true }
    ])
  })
})
