import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import nock from 'nock'
import { run } from '../../actions/recalibrate/main.js'
import { FakeIO } from '../diagram/fake-io.js'
import { api, testClient } from '../github/helpers.js'
import { fixtureRepo, NOW } from './helpers.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

function setup(inputs: Record<string, string>) {
  const root = fixtureRepo()
  const io = new FakeIO(
    {
      'history-path': 'history',
      'engineering-metrics': 'false',
      deployments: '',
      'incident-label': '',
      token: 'ghs_TESTtokenTESTtokenTESTtoken1234567',
      ...inputs
    },
    {
      GITHUB_WORKSPACE: root,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '77',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      RUNNER_TEMP: path.join(root, '.tmp')
    }
  )
  const uploads: Array<{ name: string; files: string[] }> = []
  const deps = {
    io,
    now: () => NOW,
    github: async () => testClient().client,
    upload: async (name: string, files: string[]) => {
      uploads.push({ name, files: files.map((f) => path.basename(f)) })
    },
    sleep: async () => {}
  }
  return { root, io, uploads, deps }
}

const emptyHistory = () =>
  api()
    .get('/repos/o/r')
    .reply(200, { default_branch: 'main' })
    .get('/repos/o/r/actions/runs')
    .query(true)
    .reply(200, { total_count: 0, workflow_runs: [] })

function prApi(existing: boolean, bodies: string[]) {
  const scope = api()
    .get('/repos/o/r/git/ref/heads%2Fmain')
    .reply(200, { object: { sha: 'base1' } })
    .get('/repos/o/r/git/commits/base1')
    .reply(200, { tree: { sha: 'tree0' } })
    .post('/repos/o/r/git/trees', (b) => {
      bodies.push(JSON.stringify(b))
      return true
    })
    .reply(201, { sha: 'tree1' })
    .post('/repos/o/r/git/commits')
    .reply(201, { sha: 'commit1' })
    .get('/repos/o/r/git/ref/heads%2Fflow-actions%2Frecalibrate')
    .reply(existing ? 200 : 404, existing ? { object: { sha: 'old' } } : { message: 'Not Found' })
  if (existing) scope.patch('/repos/o/r/git/refs/heads%2Fflow-actions%2Frecalibrate').reply(200, {})
  else scope.post('/repos/o/r/git/refs').reply(201, {})
  scope
    .get('/repos/o/r/pulls')
    .query(true)
    .reply(200, existing ? [{ number: 5, html_url: 'https://github.com/o/r/pull/5' }] : [])
  if (existing)
    scope
      .patch('/repos/o/r/pulls/5', (b) => bodies.push(b.body) > 0)
      .reply(200, { number: 5, html_url: 'https://github.com/o/r/pull/5' })
  else
    scope
      .post('/repos/o/r/pulls', (b) => bodies.push(b.body) > 0)
      .reply(201, { number: 5, html_url: 'https://github.com/o/r/pull/5' })
  return scope
}

describe('recalibrate action', () => {
  it('opens one pull request with the proposals, then updates it on the next run', async () => {
    const bodies: string[] = []
    const first = setup({})
    emptyHistory()
    prApi(false, bodies)
    await run(first.deps)
    expect(first.io.failure).toBeUndefined()
    expect(first.io.outputs).toMatchObject({
      proposals: '4',
      'pull-request': 'https://github.com/o/r/pull/5',
      'pull-request-number': '5',
      'flaky-tests': '1'
    })
    expect(nock.isDone()).toBe(true)
    const tree = JSON.parse(bodies[0]) as { tree: Array<{ path: string; content: string }> }
    expect(tree.tree.map((f) => f.path).sort()).toEqual([
      '.process/baseline.json',
      '.process/graph.yaml',
      'PROGRESS.md'
    ])
    expect(tree.tree.find((f) => f.path === '.process/graph.yaml')!.content).toContain(
      'tests.pass_rate >= 96'
    )
    expect(bodies[1]).toContain('<!-- flow-actions:recalibrate -->')
    expect(bodies[1]).toMatch(/\| <code>tests\.pass_rate<\/code> \| ≥ 95 \| ≥ 96 \|/)
    expect(first.io.summary).toContain('Pull request [#5](https://github.com/o/r/pull/5) created.')
    expect(first.uploads).toEqual([
      {
        name: 'flow-recalibration-77-attempt-1',
        files: ['dashboard.html', 'PROGRESS.md', 'recalibration.json']
      }
    ])

    const second = setup({})
    emptyHistory()
    prApi(true, bodies)
    await run(second.deps)
    expect(second.io.failure).toBeUndefined()
    expect(second.io.summary).toContain('Pull request [#5](https://github.com/o/r/pull/5) updated.')
    expect(nock.isDone()).toBe(true)
  })

  it('with dry-run writes only the summary and the dashboard, and opens nothing', async () => {
    const { root, io, deps } = setup({ 'dry-run': 'true' })
    emptyHistory()
    const before = readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')
    await run(deps)
    expect(io.failure).toBeUndefined()
    expect(io.outputs['pull-request']).toBe('')
    expect(io.summary).toContain('Dry run: nothing was written and no pull request was opened.')
    expect(io.summary).toContain('### Proposed changes')
    expect(readFileSync(path.join(root, '.process/graph.yaml'), 'utf8')).toBe(before)
    expect(readFileSync(io.outputs.dashboard, 'utf8')).toContain('<svg')
    expect(nock.isDone()).toBe(true)
  })

  it('still writes the summary and fails clearly when the token may not push', async () => {
    const { io, deps } = setup({})
    emptyHistory()
      .get('/repos/o/r/git/ref/heads%2Fmain')
      .reply(200, { object: { sha: 'base1' } })
      .get('/repos/o/r/git/commits/base1')
      .reply(200, { tree: { sha: 'tree0' } })
      .post('/repos/o/r/git/trees')
      .reply(403, { message: 'Resource not accessible by integration' })
    await run(deps)
    expect(io.failure).toMatch(
      /recalibrate: the proposal could not be opened as a pull request: .*contents: write and pull-requests: write/
    )
    expect(io.summary).toContain('### Proposed changes')
    expect(io.outputs.proposals).toBe('4')
  })

  it('measures lead time when asked, and degrades to a warning when the API fails', async () => {
    const { io, deps } = setup({ 'dry-run': 'true', 'engineering-metrics': 'true' })
    emptyHistory().get('/repos/o/r/pulls').query(true).reply(401, { message: 'Bad credentials' })
    await run(deps)
    expect(io.failure).toBeUndefined()
    expect(io.warnings[0].message).toMatch(
      /Lead time and review turnaround were not measured: .*401/
    )
  })

  it('refuses a bad input with the action name', async () => {
    const { io, deps } = setup({ margin: 'lots' })
    await run(deps)
    expect(io.failure).toBe(
      'recalibrate: The margin "lots" is not a number or a percentage such as 0.5 or 2%.'
    )
  })

  it("reads deployments, statuses and an incident, and puts DORA's four keys in the summary, PROGRESS.md and the dashboard", async () => {
    // The fixture history holds canary reports; one rolled back on 2026-03-04T10:00Z (rollout-r3).
    const { io, deps } = setup({
      'dry-run': 'true',
      deployments: 'deployments',
      'incident-label': 'incident',
      'deployment-environment': 'production'
    })
    emptyHistory()
      .get('/repos/o/r/deployments')
      .query((q) => q.environment === 'production')
      .reply(200, [
        { id: 2, created_at: '2026-03-06T09:00:00Z', environment: 'production' },
        { id: 1, created_at: '2026-03-05T09:00:00Z', environment: 'production' }
      ])
      .get('/repos/o/r/deployments/2/statuses')
      .query(true)
      .reply(200, [{ state: 'success', created_at: '2026-03-06T10:00:00Z' }])
      .get('/repos/o/r/deployments/1/statuses')
      .query(true)
      .reply(200, [{ state: 'failure', created_at: '2026-03-05T10:00:00Z' }])
      .get('/repos/o/r/issues')
      .query((q) => q.labels === 'incident')
      .reply(200, [
        {
          number: 9,
          title: 'Outage',
          created_at: '2026-03-06T04:00:00Z',
          closed_at: '2026-03-06T12:00:00Z'
        }
      ])
    await run(deps)
    expect(io.failure).toBeUndefined()
    expect(nock.isDone()).toBe(true)
    const progress = readFileSync(io.outputs.progress, 'utf8')
    const dashboard = readFileSync(io.outputs.dashboard, 'utf8')
    for (const key of [
      'Deployment frequency',
      'Lead time for changes',
      'Change failure rate',
      'Time to restore'
    ]) {
      expect(io.summary).toContain(key)
      expect(progress).toContain(key)
      expect(dashboard).toContain(key)
    }
    const report = JSON.parse(readFileSync(io.outputs.report, 'utf8')) as {
      delivery: Record<string, unknown>
    }
    // Hand count over 7 Feb – 7 Mar. Successes: canary 20 Feb, canary 3 Mar, deployment 6 Mar 10:00 (3).
    // Failures: canary rolled back 27 Feb 12:00, deployment 5 Mar 10:00 (2); the dry run is left out.
    // Restore: 27 Feb 12:00 → 3 Mar 12:00 = 96 h; 5 Mar 10:00 → 6 Mar 10:00 = 24 h; incident
    // 6 Mar 04:00 → 6 Mar 10:00 = 6 h. Sorted 6, 24, 96: p50 24 h, p95 24 + 0.9 × 72 = 88.8 h.
    expect(report.delivery).toMatchObject({
      deployments: 3,
      rolledBack: 2,
      incidents: 1,
      sources: { canary: 3, deployment: 2, release: 0 }
    })
    expect(report.delivery.changeFailureRate).toBeCloseTo(0.4, 10)
    expect(report.delivery.timeToRestore).toEqual({
      count: 3,
      p50Hours: 24,
      p95Hours: expect.closeTo(88.8, 6),
      open: 0
    })
    expect(io.summary).toContain('p50 24\\.0 h, p95 3\\.7 d \\(3 restored; 1 incident\\(s\\)\\)')
    expect(progress).toContain('p50 24\\.0 h')
  })
})
