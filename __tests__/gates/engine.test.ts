import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError } from '../../shared/errors.js'
import { evaluateGates, type EvaluateGatesOptions } from '../../shared/gates/index.js'
import {
  ADR_TEMPLATE,
  expectValidReport,
  gateFixtures,
  junit,
  lcov,
  repo,
  requirement
} from './helpers.js'

const now = new Date('2026-11-01T12:00:00Z')
const shopGraph = readFileSync(path.join(gateFixtures, 'shop', '.process', 'graph.yaml'), 'utf8')

async function evaluate(files: Record<string, string>, opts: Partial<EvaluateGatesOptions> = {}) {
  const root = repo(files, 'shop')
  const result = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'staging',
    now,
    ...opts
  })
  expectValidReport(result.report)
  return { ...result, root }
}

/** The shop graph with G-quality's requirements replaced. */
function graphWith(requires: string, extra = ''): string {
  const start = shopGraph.indexOf('    requires:\n      - id: tests_pass')
  const end = shopGraph.indexOf('    pass: G-release')
  return `${shopGraph.slice(0, start)}    requires:\n${requires}${shopGraph.slice(end)}${extra}`
}

describe('metric requirements', () => {
  it('pass with the shop evidence at staging, with actual, expected and files', async () => {
    const { report } = await evaluate({})
    expect(report.verdict).toBe('passed')
    const cov = requirement(report, 'G-quality', 'coverage')
    expect(cov).toMatchObject({
      status: 'passed',
      actual: { 'coverage.lines': 86, min_coverage: 80 },
      expected: '>= min_coverage (80)',
      evidence: ['coverage/lcov.info']
    })
    expect(cov.location).toEqual({
      file: '.process/graph.yaml',
      line: expect.any(Number),
      col: expect.any(Number)
    })
    expect(report.run).toMatchObject({
      stage: 'staging',
      graph: '.process/graph.yaml',
      tool: { name: 'flow-actions' }
    })
    expect(report.metrics).toMatchObject({
      'coverage.lines': 86,
      'tests.total': 40,
      'tests.failed': 0
    })
    expect(report.totals?.gates.passed).toBe(2)
  })

  it('use the per-stage threshold: production needs 90', async () => {
    const { report } = await evaluate({}, { stage: 'production' })
    const cov = requirement(report, 'G-quality', 'coverage')
    expect(cov).toMatchObject({
      status: 'failed',
      check: 'coverage.lines >= 90',
      detail: 'coverage.lines (86) >= 90'
    })
    expect(report.verdict).toBe('failed')
    expect(report.gates?.find((g) => g.id === 'G-quality')?.status).toBe('failed')
  })

  it('fail when tests fail, naming the count', async () => {
    const { report, annotations } = await evaluate({ 'reports/junit.xml': junit(10, 3) })
    const r = requirement(report, 'G-quality', 'tests_pass')
    expect(r.status).toBe('failed')
    expect(r.actual).toMatchObject({ 'tests.failed': 3 })
    expect(report.findingsTotal).toBe(3)
    expect(report.findings?.[0]).toMatchObject({
      source: 'test-failure',
      severity: 'error',
      file: 'src/app.test.ts',
      line: 1
    })
    expect(annotations[0]).toMatchObject({
      level: 'error',
      file: '.process/graph.yaml',
      title: 'Gate G-quality: tests_pass failed'
    })
    expect(annotations.some((a) => a.file === 'src/app.test.ts' && a.line === 2)).toBe(true)
  })

  it('report missing evidence naming the file, never a pass', async () => {
    const root = repo({}, 'shop')
    const { rmSync } = await import('node:fs')
    rmSync(path.join(root, 'coverage/lcov.info'))
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'staging',
      now
    })
    expectValidReport(report)
    const cov = requirement(report, 'G-quality', 'coverage')
    expect(cov.status).toBe('missing-evidence')
    expect(cov.message).toContain('coverage/lcov.info')
    expect(cov.evidence).toContain('coverage/lcov.info')
    expect(report.evidence?.problems[0]).toMatchObject({
      file: 'coverage/lcov.info',
      problem: 'missing'
    })
    expect(report.verdict).toBe('failed')
  })

  it('report empty and unparseable evidence as missing evidence', async () => {
    for (const text of [
      '',
      '<testsuites><testsuite tests="1"><testcase name="a"></testsuite>',
      junit(0, 0)
    ]) {
      const { report } = await evaluate({ 'reports/junit.xml': text })
      const r = requirement(report, 'G-quality', 'tests_pass')
      expect(['missing-evidence', 'failed']).toContain(r.status)
      expect(r.status === 'failed' ? r.actual?.['tests.total'] : r.message).toBeDefined()
      expect(report.verdict).toBe('failed')
    }
  })

  it('report stale evidence as missing evidence, naming the file', async () => {
    const graph = shopGraph.replace(
      '  tests: reports/junit.xml\n',
      '  tests: { paths: [reports/junit.xml], max_age_hours: 24 }\n'
    )
    const { report } = await evaluate(
      { '.process/graph.yaml': graph },
      { now: new Date(Date.now() + 3 * 86_400_000) }
    )
    const r = requirement(report, 'G-quality', 'tests_pass')
    expect(r.status).toBe('missing-evidence')
    expect(r.message).toContain('reports/junit.xml')
    expect(report.evidence?.problems.find((p) => p.file === 'reports/junit.xml')?.problem).toBe(
      'stale'
    )
  })

  it('name an undefined name and say how to define it (vars or imports)', async () => {
    const { report } = await evaluate({
      '.process/graph.yaml': graphWith(
        '      - id: latency\n        metric: coverage.lines <= target\n'
      )
    })
    const r = requirement(report, 'G-quality', 'latency')
    expect(r.status).toBe('failed')
    expect(r.message).toContain('target is not defined')
    expect(r.message).toContain('vars:')
    expect(r.message).toContain('imports:')
  })

  it('resolve names from imports', async () => {
    const { report } = await evaluate({
      '.process/graph.yaml': graphWith(
        '      - id: latency\n        metric: coverage.lines >= nfr.quality.coverage\n',
        '\nimports:\n  nfr: requirements/nfr.yml\n'
      ),
      'requirements/nfr.yml': 'quality:\n  coverage: 85\n'
    })
    expect(requirement(report, 'G-quality', 'latency')).toMatchObject({
      status: 'passed',
      actual: { 'nfr.quality.coverage': 85 },
      evidence: ['coverage/lcov.info', 'requirements/nfr.yml']
    })
  })

  it('call an unknown metric an error with a suggestion', async () => {
    const { report } = await evaluate({
      '.process/graph.yaml': graphWith('      - id: typo\n        metric: coverage.line >= 80\n')
    })
    expect(requirement(report, 'G-quality', 'typo')).toMatchObject({
      status: 'error',
      message: expect.stringContaining('did you mean coverage.lines')
    })
  })

  it('never pass a non-boolean or ill-typed expression, or an invalid one', async () => {
    const { report } = await evaluate({
      '.process/graph.yaml': graphWith(
        '      - id: num\n        metric: coverage.lines + 1\n      - id: typed\n        metric: coverage.lines == "86"\n      - id: syntax\n        metric: coverage.lines >=\n'
      )
    })
    expect(requirement(report, 'G-quality', 'num').status).toBe('error')
    expect(requirement(report, 'G-quality', 'typed').status).toBe('error')
    expect(requirement(report, 'G-quality', 'syntax').status).toBe('error')
  })

  it('exempt small changes from a rule with min_changed_lines, and only when the size is known', async () => {
    const small = new Map([['src/cart.ts', new Set([1, 2, 3])]])
    const exempt = await evaluate({}, { stage: 'production', changedLines: small })
    expect(requirement(exempt.report, 'G-quality', 'coverage')).toMatchObject({
      status: 'skipped',
      skipReason: 'small-change',
      actual: { 'changes.lines': 3 }
    })
    expect(exempt.report.verdict).toBe('passed')
    const big = new Map([['src/cart.ts', new Set(Array.from({ length: 25 }, (_, i) => i + 1))]])
    expect(
      requirement(
        (await evaluate({}, { stage: 'production', changedLines: big })).report,
        'G-quality',
        'coverage'
      ).status
    ).toBe('failed')
    // Unknown change size: the rule stays in force.
    expect(
      requirement((await evaluate({}, { stage: 'production' })).report, 'G-quality', 'coverage')
        .status
    ).toBe('failed')
  })

  it('skip requirements for other stages (only:)', async () => {
    const graph = graphWith(
      '      - id: prod_only\n        metric: tests.total > 1000\n        only: [production]\n'
    )
    const staging = await evaluate({ '.process/graph.yaml': graph })
    expect(requirement(staging.report, 'G-quality', 'prod_only')).toMatchObject({
      status: 'skipped',
      skipReason: 'stage'
    })
    const production = await evaluate({ '.process/graph.yaml': graph }, { stage: 'production' })
    expect(requirement(production.report, 'G-quality', 'prod_only').status).toBe('failed')
  })

  it('treat warn severity as a warning unless fail-on is warn', async () => {
    const graph = graphWith(
      '      - id: soft\n        metric: coverage.lines >= 95\n        severity: warn\n'
    )
    const error = await evaluate({ '.process/graph.yaml': graph })
    expect(error.report.gates?.[0].status).toBe('warned')
    expect(error.report.verdict).toBe('passed')
    expect(error.annotations.find((a) => a.title?.includes('soft'))?.level).toBe('warning')
    const warn = await evaluate({ '.process/graph.yaml': graph }, { failOn: 'warn' })
    expect(warn.report.verdict).toBe('failed')
    expect(warn.report.failOn).toBe('warn')
  })

  it('evaluate policy requirements like metrics', async () => {
    const { report } = await evaluate({
      '.process/graph.yaml': graphWith(
        '      - id: pol\n        policy: tests.skipped == 0 && tests.total >= 40\n'
      )
    })
    expect(requirement(report, 'G-quality', 'pol').status).toBe('passed')
  })
})

describe('artifact requirements', () => {
  it('fail an unfilled template, naming the placeholders', async () => {
    const { report } = await evaluate({
      'artifacts/adr/ADR-0007.md':
        ADR_TEMPLATE.replace('status: proposed', 'status: accepted') + 'owners: [x]\n'
    })
    const r = requirement(report, 'G-release', 'adr')
    expect(r.status).toBe('failed')
    expect(r.message).toContain('still holds template placeholders')
    expect(r.message).toMatch(/XXXX|YYYY-MM-DD/)
  })

  it('check frontmatter rules: allowed values, required keys, real dates', async () => {
    const { report } = await evaluate({
      'artifacts/adr/ADR-0007.md':
        '---\nid: adr-0007\ntitle: Outbox\nstatus: proposed\ndate: 2026-13-01\n---\n\nText.\n'
    })
    const r = requirement(report, 'G-release', 'adr')
    expect(r.status).toBe('failed')
    expect(r.message).toContain('"status" is "proposed"; allowed: "accepted"')
    expect(r.message).toContain('"owners" is missing')
    expect(r.message).toContain('"date" is "2026-13-01", not a real date')
  })

  it('report a missing artifact as missing evidence and never count the template', async () => {
    const root = repo({}, 'shop')
    const { rmSync } = await import('node:fs')
    rmSync(path.join(root, 'artifacts/adr/ADR-0007.md'))
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'staging',
      now
    })
    const r = requirement(report, 'G-release', 'adr')
    expect(r.status).toBe('missing-evidence')
    expect(r.message).toContain('Create it from artifacts/adr/ADR_TEMPLATE.md')
  })

  it('fail an artifact older than max_age_days', async () => {
    const graph = shopGraph.replace(
      '        artifact: artifacts/adr/ADR-*.md\n',
      '        artifact: artifacts/adr/ADR-*.md\n        max_age_days: 30\n'
    )
    const { report } = await evaluate(
      { '.process/graph.yaml': graph },
      { now: new Date(Date.now() + 90 * 86_400_000) }
    )
    const r = requirement(report, 'G-release', 'adr')
    expect(r.status).toBe('failed')
    expect(r.message).toMatch(/last changed (89|90) days ago/)
    const fresh = await evaluate({ '.process/graph.yaml': graph }, { now: new Date() })
    expect(requirement(fresh.report, 'G-release', 'adr').status).toBe('passed')
  })
})

describe('configuration mistakes', () => {
  it('throw for an unknown stage, unknown gate, or an invalid graph', async () => {
    await expect(evaluate({}, { stage: 'qa' })).rejects.toThrow(
      /not one of the graph's stages \(dev, staging, production\)/
    )
    await expect(evaluate({}, { gates: ['G-nope'] })).rejects.toThrow(
      /Unknown gate\(s\).*G-nope.*G-quality, G-release/
    )
    await expect(evaluate({ '.process/graph.yaml': 'nodes: 3\n' })).rejects.toThrow(
      ConfigurationError
    )
  })

  it('evaluate only the selected gates', async () => {
    const { report } = await evaluate({}, { gates: ['G-release'] })
    expect(report.gates?.map((g) => g.id)).toEqual(['G-release'])
  })

  it('let the evidence input replace a declaration', async () => {
    const { report } = await evaluate(
      { 'other/junit.xml': junit(5, 1) },
      { evidenceOverrides: 'tests: other/*.xml\n' }
    )
    expect(requirement(report, 'G-quality', 'tests_pass')).toMatchObject({
      status: 'failed',
      evidence: ['other/junit.xml']
    })
    expect(report.evidence?.sources['tests.total']).toEqual(['other/junit.xml'])
  })

  it('keep a low-coverage lcov honest', async () => {
    const { report } = await evaluate({ 'coverage/lcov.info': lcov(10, 5) })
    expect(requirement(report, 'G-quality', 'coverage')).toMatchObject({
      status: 'failed',
      actual: { 'coverage.lines': 50 }
    })
  })
})
