import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { validateGraphFile } from '../../shared/graph/index.js'
import {
  computeRecalibration,
  engineeringMetrics,
  parseMargin,
  readHistoryFolder,
  tightened,
  writeOutputs,
  type PullRecord
} from '../../shared/recalibrate/index.js'
import { fixtureRepo, NOW } from './helpers.js'

function compute(root: string, extra: Partial<Parameters<typeof computeRecalibration>[0]> = {}) {
  const history = readHistoryFolder(root, 'history')
  return computeRecalibration({
    root,
    graphPath: '.process/graph.yaml',
    entries: history.entries,
    problems: history.problems,
    now: NOW,
    minRuns: 5,
    margin: parseMargin('1%'),
    ...extra
  })
}

describe('recalibration on the fixture history', () => {
  const root = fixtureRepo()
  const r = compute(root)

  it('reads every report and skips JSON that is not one', () => {
    expect(r.history.reports).toBe(12)
    expect(r.history.problems).toEqual([])
    expect(r.history.from).toBe('2026-01-10T12:00:00.000Z')
  })

  it('computes per-metric trends with the direction the graph implies', () => {
    const lines = r.trends.find((t) => t.metric === 'coverage.lines')!
    expect(lines.points.map((p) => p.value)).toEqual([86, 87, 88.5, 87.2, 89, 88, 88])
    expect(lines).toMatchObject({
      better: 'higher',
      first: 86,
      last: 88,
      min: 86,
      max: 89,
      direction: 'improving'
    })
    // Least squares over runs -3..3: sum(x*v) = 8.5, sum(x^2) = 28.
    expect(lines.slopePerRun).toBeCloseTo(8.5 / 28, 10)
    const sarif = r.trends.find((t) => t.metric === 'sarif.errors')!
    expect(sarif).toMatchObject({ better: 'lower', direction: 'worsening' })
    expect(sarif.slopePerRun).toBeCloseTo(10 / 28, 10)
    const total = r.trends.find((t) => t.metric === 'tests.total')!
    expect(total.better).toBeUndefined()
  })

  it('finds the test that failed and passed on the same commit, not the one that always fails', () => {
    expect(r.flaky).toEqual([
      {
        test: 'suite › flaky test',
        sha: '06'.repeat(20),
        failedIn: ['run 106#1'],
        passedIn: ['run 106#2'],
        basis: 'inferred'
      }
    ])
  })

  it('lists waivers expiring soon and ones that are no longer valid', () => {
    expect(r.waivers.expiring.map((w) => [w.requirement, w.daysLeft])).toEqual([['vulns', 5]])
    expect(r.waivers.invalid.map((w) => [w.requirement, w.state])).toEqual([
      ['pass_rate', 'expired']
    ])
  })

  it('knows how long ago the last calibration was', () => {
    expect(r.calibration).toEqual({
      last: '2026-01-20',
      daysSince: 46,
      source: 'baseline.json',
      maxAgeDays: 35,
      overdue: true
    })
  })

  it('counts deployments and rollbacks in the window (dry runs and older ones left out)', () => {
    expect(r.delivery.deployments).toBe(2)
    expect(r.delivery.rolledBack).toBe(1)
    expect(r.delivery.changeFailureRate).toBeCloseTo(1 / 3, 10)
    expect(r.delivery.deploymentsPerWeek).toBeCloseTo(2 / (30 / 7), 10)
  })

  it('reports gate pass rates and the phase', () => {
    expect(r.gates).toEqual([
      expect.objectContaining({ gate: 'G-verify', runs: 7, passed: 4, failed: 3, latest: 'failed' })
    ])
    expect(r.gates[0].passRate).toBeCloseTo(4 / 7, 10)
    expect(r.phase).toBe('blocked at gate G-verify (stage dev)')
  })

  it('proposes only tighter values, from the worst of the last 5 runs', () => {
    const summary = r.proposals.map((p) => [p.kind, p.metric, p.stage ?? '', p.from, p.to])
    expect(summary).toEqual([
      ['threshold', 'tests.pass_rate', '', 95, 96],
      ['threshold', 'coverage.lines', '', 80, 87],
      ['threshold', 'coverage.lines', 'production', 85, 87],
      ['baseline', 'coverage.branches', '', 70, 72]
    ])
    for (const p of r.proposals)
      expect(p.better === 'higher' ? p.to > p.from : p.to < p.from).toBe(true)
    expect(r.considered).toEqual([
      expect.objectContaining({ metric: 'sarif.errors', outcome: 'within-margin' })
    ])
  })

  it('raises concerns a reader acts on', () => {
    const texts = r.concerns.map((c) => `${c.severity}: ${c.text}`)
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^critical: Gate G-verify is failed/),
        expect.stringMatching(/^critical: Waiver G-verify \/ pass_rate is expired/),
        expect.stringMatching(
          /^warning: Waiver G-verify \/ vulns expires on 2026-03-12 \(in 5 days\)/
        ),
        expect.stringMatching(/^warning: Flaky test suite › flaky test/),
        expect.stringMatching(/^warning: sarif.errors is worsening: 3 → 5/),
        expect.stringMatching(/^warning: The last calibration was 46 days ago/),
        expect.stringMatching(/^warning: Change failure rate 33.3%/)
      ])
    )
  })

  it('writes the proposals in place, keeping comments, and the graph still validates', () => {
    const dir = fixtureRepo()
    const rr = compute(dir)
    const out = writeOutputs(rr, {
      root: dir,
      outDir: path.join(dir, 'out'),
      graphPath: '.process/graph.yaml',
      dryRun: false
    })
    expect(out.changed.sort()).toEqual([
      '.process/baseline.json',
      '.process/graph.yaml',
      'PROGRESS.md'
    ])
    const graph = readFileSync(path.join(dir, '.process/graph.yaml'), 'utf8')
    expect(graph).toContain('metric: tests.pass_rate >= 96\n')
    expect(graph).toContain('metric: coverage.lines >= 87   # the default for every stage')
    expect(graph).toContain('production: "coverage.lines >= 87"')
    expect(graph).toContain('metric: sarif.errors <= 5')
    expect(validateGraphFile(dir, '.process/graph.yaml').valid).toBe(true)
    const baseline = JSON.parse(readFileSync(path.join(dir, '.process/baseline.json'), 'utf8'))
    expect(baseline).toEqual({
      version: 1,
      metrics: { 'coverage.branches': 72 },
      calibrated: '2026-03-07'
    })
    // Only the lines that changed differ.
    const before = readFileSync(path.join(fixtureRepo(), '.process/graph.yaml'), 'utf8').split('\n')
    const after = graph.split('\n')
    expect(after.length).toBe(before.length)
    expect(after.filter((l, i) => l !== before[i]).length).toBe(3)
    // A second recalibration on the same history proposes nothing more for what it tightened.
    const again = compute(dir)
    expect(again.proposals).toEqual([])
    expect(again.calibration).toMatchObject({ last: '2026-03-07', daysSince: 0, overdue: false })
  })

  it('changes no repository file on a dry run', () => {
    const dir = fixtureRepo()
    const before = readFileSync(path.join(dir, '.process/graph.yaml'), 'utf8')
    const out = writeOutputs(compute(dir), {
      root: dir,
      outDir: path.join(dir, 'out'),
      graphPath: '.process/graph.yaml',
      dryRun: true
    })
    expect(out.changed).toEqual([])
    expect(readFileSync(path.join(dir, '.process/graph.yaml'), 'utf8')).toBe(before)
    expect(readFileSync(out.progress, 'utf8')).toContain('## Gate status')
  })

  it('leaves metrics alone without enough history', () => {
    const dir = fixtureRepo()
    const few = compute(dir, { minRuns: 8 })
    expect(few.proposals).toEqual([])
    expect(
      few.considered.filter((c) => c.outcome === 'insufficient-history').map((c) => c.metric)
    ).toEqual(
      expect.arrayContaining([
        'tests.pass_rate',
        'coverage.lines',
        'sarif.errors',
        'coverage.branches'
      ])
    )
  })

  it('never loosens: a worse history proposes nothing', () => {
    expect(tightened(80, '80', 79, 'higher', false)).toBeUndefined()
    expect(tightened(5, '5', 6, 'lower', false)).toBeUndefined()
    expect(tightened(0.99, '0.99', 0.9967, 'higher', false)).toBe(0.996)
    expect(tightened(80, '80', 87, 'higher', true)).toBe(86)
    expect(tightened(500, '500', 312.4, 'lower', false)).toBe(313)
  })
})

describe('engineering metrics', () => {
  const h = (iso: string) => `2026-03-${iso}:00:00Z`
  const pulls: PullRecord[] = [
    {
      number: 1,
      createdAt: h('01T00'),
      firstCommitAt: '2026-02-28T12:00:00Z',
      mergedAt: h('01T10'),
      firstReviewAt: h('01T02')
    },
    {
      number: 2,
      createdAt: h('02T00'),
      firstCommitAt: h('01T00'),
      mergedAt: h('03T00'),
      firstReviewAt: h('02T06')
    },
    { number: 3, createdAt: h('03T00'), firstCommitAt: h('03T00'), mergedAt: h('03T04') },
    {
      number: 4,
      createdAt: h('04T00'),
      firstCommitAt: h('02T00'),
      mergedAt: h('06T00'),
      firstReviewAt: h('05T00')
    }
  ]
  it('gives medians and p95 by linear interpolation (hand-checked)', () => {
    const m = engineeringMetrics(pulls, 30)
    // Opened → merge: 10, 24, 4, 48 h; sorted 4, 10, 24, 48: p50 = 10 + 0.5 × 14, p95 = 24 + 0.85 × 24.
    expect(m.leadTime.openToMerge).toEqual({
      count: 4,
      p50Hours: 17,
      p95Hours: expect.closeTo(44.4, 10)
    })
    // First commit → merge: 22, 48, 4, 96 h; sorted 4, 22, 48, 96: p50 = 35, p95 = 48 + 0.85 × 48.
    expect(m.leadTime.firstCommitToMerge).toEqual({
      count: 4,
      p50Hours: 35,
      p95Hours: expect.closeTo(88.8, 10)
    })
    // Review turnaround: 2, 6, 24 h (one unreviewed): p50 = 6, p95 = 6 + 0.9 × 18.
    expect(m.reviewTurnaround).toEqual({
      count: 3,
      p50Hours: 6,
      p95Hours: expect.closeTo(22.2, 10),
      unreviewed: 1
    })
  })
})
