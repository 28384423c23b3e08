import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { main } from '../../cli/main.js'
import { ConfigurationError } from '../../shared/errors.js'
import {
  evaluateGates,
  type EvaluateGatesOptions,
  type PullRequestContext
} from '../../shared/gates/index.js'
import { failingGates } from '../../shared/report/build.js'
import { renderGatesSummary } from '../../shared/gates/summary.js'
import { createGitHubClient } from '../../shared/github/index.js'
import { expectValidReport, gateFixtures, lcov, repo, requirement } from './helpers.js'

const API = 'https://api.github.com'
const now = new Date('2026-11-01T12:00:00Z')
const shopGraph = readFileSync(path.join(gateFixtures, 'shop', '.process', 'graph.yaml'), 'utf8')

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

async function evaluate(files: Record<string, string>, opts: Partial<EvaluateGatesOptions> = {}) {
  const root = repo(files, 'shop')
  const result = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'production',
    gates: ['G-release'],
    now,
    ...opts
  })
  expectValidReport(result.report)
  return result.report
}

/** The shop graph with G-release's requirements (and anything after them) replaced. */
function releaseGraph(requires: string, stages = 'stages: [dev, staging, production]'): string {
  const start = shopGraph.indexOf('      - id: adr\n')
  const end = shopGraph.lastIndexOf('    pass: N-release')
  return (shopGraph.slice(0, start) + requires + shopGraph.slice(end)).replace(
    'stages: [dev, staging, production]',
    stages
  )
}

describe('stages: check-gates refuses a stage the graph does not declare', () => {
  it('refuses any stage when the graph declares stages: [] (before, every stage was accepted)', async () => {
    const graph = releaseGraph(
      '      - id: rollout\n        metric: tests.failed == 0\n        only: [production]\n',
      'stages: []'
    )
    const run = evaluate({ '.process/graph.yaml': graph }, { stage: 'prodution' })
    await expect(run).rejects.toThrow(ConfigurationError)
    await expect(
      evaluate({ '.process/graph.yaml': graph }, { stage: 'prodution' })
    ).rejects.toThrow(/declares no stages \(stages: \[\]\)/)
  })

  it('flow gates exits 2 on an undeclared stage, naming the declared ones', async () => {
    const root = repo({}, 'shop')
    const lines: string[] = []
    const code = await main(['gates', '--root', root, '--stage', 'prod'], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
      now: () => now
    })
    expect(code).toBe(2)
    expect(lines.join('\n')).toContain(
      '"prod" is not one of the graph\'s stages (dev, staging, production)'
    )
  })
})

describe('stages: a gate whose every requirement was skipped', () => {
  // F12: before, this gate read "passed" at production because its one requirement named "prod".
  const onlyProd = releaseGraph(
    '      - id: rollout_plan\n        metric: tests.failed == 1000\n        only: [staging]\n'
  )

  it('is not evaluated, never passed, and fails the run under fail-on: error, saying why', async () => {
    const report = await evaluate({ '.process/graph.yaml': onlyProd })
    const gate = report.gates?.find((g) => g.id === 'G-release')
    expect(requirement(report, 'G-release', 'rollout_plan')).toMatchObject({
      status: 'skipped',
      skipReason: 'stage'
    })
    expect(gate?.status).toBe('not-evaluated')
    expect(gate?.reason).toContain(
      'Every requirement of G-release was skipped for stage production, so nothing was checked'
    )
    expect(gate?.reason).toContain('optional: [production]')
    expect(report.verdict).toBe('failed')
    expect(failingGates(report)).toEqual(['G-release'])
    expect(renderGatesSummary(report)).toContain(
      'was skipped for stage production, so nothing was checked'
    )
  })

  it('does not fail the run when the gate is optional for the stage, and still reads not evaluated', async () => {
    const optional = onlyProd.replace(
      '    pass: N-release',
      '    optional: [production]\n    pass: N-release'
    )
    const report = await evaluate({ '.process/graph.yaml': optional })
    expect(report.gates?.find((g) => g.id === 'G-release')).toMatchObject({
      status: 'not-evaluated',
      optional: true
    })
    expect(report.verdict).toBe('passed')
    const elsewhere = await evaluate({
      '.process/graph.yaml': optional.replace('optional: [production]', 'optional: [dev]')
    })
    expect(elsewhere.verdict).toBe('failed')
    const always = await evaluate({
      '.process/graph.yaml': onlyProd.replace(
        '    pass: N-release',
        '    optional: true\n    pass: N-release'
      )
    })
    expect(always.verdict).toBe('passed')
  })
})

describe('change size: min_changed_lines', () => {
  const pr: PullRequestContext = {
    owner: 'o',
    repo: 'r',
    number: 7,
    title: 'Tidy up',
    body: '',
    author: 'mallory',
    labels: []
  }
  const coverageRule = releaseGraph(
    '      - id: coverage\n        metric: coverage.lines >= 80\n        min_changed_lines: 20\n'
  )
  const lowCoverage = { '.process/graph.yaml': coverageRule, 'coverage/lcov.info': lcov(100, 10) }
  const github = () => {
    const c = createGitHubClient({
      token: 'ghs_TESTtokenTESTtokenTESTtoken1234567',
      baseUrl: API,
      sleep: async () => undefined,
      maxWaitSeconds: 60
    })
    return {
      request: (route: string, params?: Record<string, unknown>) =>
        c.octokit.request(route as never, params as never) as Promise<{ data: unknown }>
    }
  }

  it('counts deletions: a change deleting 830 test lines and adding none is not a 0-line change (F13)', async () => {
    nock(API)
      .get('/repos/o/r/pulls/7/files')
      .query(true)
      .reply(200, [
        { filename: 'src/cart.test.ts', additions: 0, deletions: 830, status: 'modified' }
      ])
    const report = await evaluate(lowCoverage, { pullRequest: pr, github: github() })
    expect(requirement(report, 'G-release', 'coverage')).toMatchObject({
      status: 'failed',
      detail: 'coverage.lines (10) >= 80'
    })
    expect(report.verdict).toBe('failed')
  })

  it('never exempts a small change that deletes lines in test files, and says why', async () => {
    nock(API)
      .get('/repos/o/r/pulls/7/files')
      .query(true)
      .reply(200, [
        { filename: 'src/cart.ts', additions: 1, deletions: 0, status: 'modified' },
        { filename: '__tests__/cart.ts', additions: 0, deletions: 6, status: 'modified' }
      ])
    const report = await evaluate(lowCoverage, { pullRequest: pr, github: github() })
    const r = requirement(report, 'G-release', 'coverage')
    expect(r.status).toBe('failed')
    expect(r.message).toContain(
      'Not exempt as a small change: it deletes 6 line(s) in test files (__tests__/cart.ts (−6))'
    )
  })

  it('never exempts a change whose file list the API cut at 3,000 files (the rest is unknown)', async () => {
    // 3,000 renamed files without a changed line: summed alone they would make a 0-line change.
    const renames = (page: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        filename: `src/moved/${page}-${i}.ts`,
        additions: 0,
        deletions: 0,
        status: 'renamed'
      }))
    for (let page = 1; page <= 30; page++)
      nock(API)
        .get('/repos/o/r/pulls/7/files')
        .query((q) => Number(q.page) === page)
        .reply(200, renames(page))
    const report = await evaluate(lowCoverage, { pullRequest: pr, github: github() })
    expect(requirement(report, 'G-release', 'coverage')).toMatchObject({
      status: 'failed',
      detail: 'coverage.lines (10) >= 80'
    })
    expect(report.verdict).toBe('failed')
  })

  it('still exempts a small change that deletes no test lines', async () => {
    nock(API)
      .get('/repos/o/r/pulls/7/files')
      .query(true)
      .reply(200, [{ filename: 'src/cart.ts', additions: 3, deletions: 4, status: 'modified' }])
    const report = await evaluate(lowCoverage, { pullRequest: pr, github: github() })
    expect(requirement(report, 'G-release', 'coverage')).toMatchObject({
      status: 'skipped',
      skipReason: 'small-change',
      actual: { 'changes.lines': 7 }
    })
  })
})
