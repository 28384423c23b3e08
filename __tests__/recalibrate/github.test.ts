import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import nock from 'nock'
import { engineeringMetrics } from '../../shared/recalibrate/index.js'
import {
  fetchHistory,
  fetchPullRecords,
  upsertPullRequest
} from '../../shared/recalibrate/github.js'
import { readZipTexts } from '../../shared/recalibrate/zip.js'
import { api, testClient } from '../github/helpers.js'
import { fixtures } from './helpers.js'
import { makeZip } from './zip-helper.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

const report = (name: string) => readFileSync(path.join(fixtures, 'history', name), 'utf8')
const BLOB = 'https://blob.example.test'
const run = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  run_attempt: 1,
  head_sha: 'ab'.repeat(20),
  head_branch: 'main',
  event: 'push',
  head_repository: { full_name: 'o/r' },
  ...extra
})
const artifact = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  size_in_bytes: 2000,
  expired: false,
  ...extra
})

describe('history from artifacts of default-branch runs', () => {
  it('lists runs, downloads matching artifacts and reads the reports inside, skipping untrusted runs', async () => {
    const t = testClient()
    api()
      .get('/repos/o/r')
      .reply(200, { default_branch: 'main' })
      // A secondary rate limit first: waited out (retry-after), then answered.
      .get('/repos/o/r/actions/runs')
      .query({ branch: 'main', status: 'completed', per_page: 10 })
      .reply(429, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '2' })
      .get('/repos/o/r/actions/runs')
      .query({ branch: 'main', status: 'completed', per_page: 10 })
      .reply(200, {
        total_count: 4,
        workflow_runs: [
          run(201),
          run(202, { event: 'pull_request', head_repository: { full_name: 'mallory/r' } }),
          run(203, { head_repository: { full_name: 'mallory/r' } }),
          run(204)
        ]
      })
      .get('/repos/o/r/actions/runs/201/artifacts')
      .query(true)
      .reply(200, {
        total_count: 2,
        artifacts: [
          artifact(11, 'flow-report-dev-test-abc-attempt-1'),
          artifact(12, 'coverage-html')
        ]
      })
      // A 5xx on a read is retried.
      .get('/repos/o/r/actions/runs/204/artifacts')
      .query(true)
      .reply(502, 'bad gateway')
      .get('/repos/o/r/actions/runs/204/artifacts')
      .query(true)
      .reply(200, {
        total_count: 2,
        artifacts: [
          artifact(13, 'flow-report-dev-x'),
          artifact(14, 'flow-report-old', { expired: true })
        ]
      })
      .get('/repos/o/r/actions/artifacts/11/zip')
      .reply(302, '', { location: `${BLOB}/a11.zip` })
      .get('/repos/o/r/actions/artifacts/13/zip')
      .reply(302, '', { location: `${BLOB}/a13.zip` })
    nock(BLOB)
      .get('/a11.zip')
      .reply(
        200,
        makeZip([
          { name: 'flow-report-dev.json', data: report('gates-105-1.json') },
          { name: 'notes.txt', data: 'x' }
        ]),
        { 'content-type': 'application/zip' }
      )
      .get('/a13.zip')
      .reply(
        200,
        makeZip([
          { name: 'link.json', data: '/proc/self/environ', symlink: true },
          { name: 'r.json', data: report('gates-106-1.json'), stored: true }
        ]),
        { 'content-type': 'application/zip' }
      )
    const h = await fetchHistory(t.client, {
      owner: 'o',
      repo: 'r',
      maxRuns: 10,
      patterns: ['flow-report-*']
    })
    expect(h.runs).toBe(2)
    expect(h.artifacts).toBe(2)
    expect(h.entries.map((e) => [e.source, e.runId, e.report.run.runId])).toEqual([
      ['artifact flow-report-dev-test-abc-attempt-1 of run 201: flow-report-dev.json', 201, '105'],
      ['artifact flow-report-dev-x of run 204: r.json', 204, '106']
    ])
    expect(h.problems.map((p) => `${p.source}: ${p.message}`)).toEqual([
      'artifact flow-report-dev-x of run 204: link.json: a symbolic link; not read',
      'artifact flow-report-old of run 204: expired; its reports are no longer available'
    ])
    expect(t.sleeps).toEqual([2000, 1000])
    expect(nock.isDone()).toBe(true)
  })

  it('refuses a zip whose entry escapes the folder, and goes on with the rest', async () => {
    const evil = makeZip([{ name: '../../evil.json', data: report('gates-101-1.json') }])
    const read = await readZipTexts(evil, {
      maxEntries: 10,
      maxEntryBytes: 1e6,
      maxTotalBytes: 1e6,
      wanted: () => true
    })
    expect(read.files).toEqual([])
    expect(read.problems.join('\n')).toMatch(
      /could not be read safely: .*(invalid relative path|\.\.)/
    )
    const absolute = makeZip([{ name: '/etc/evil.json', data: '{}' }])
    expect(
      (
        await readZipTexts(absolute, {
          maxEntries: 10,
          maxEntryBytes: 1e6,
          maxTotalBytes: 1e6,
          wanted: () => true
        })
      ).files
    ).toEqual([])
    const bomb = makeZip([{ name: 'big.json', data: Buffer.alloc(2_000_000, 32) }])
    const capped = await readZipTexts(bomb, {
      maxEntries: 10,
      maxEntryBytes: 1_000_000,
      maxTotalBytes: 1e7,
      wanted: () => true
    })
    expect(capped.files).toEqual([])
    expect(capped.problems[0]).toMatch(/over the 1000000-byte limit/)
  })

  it('fails with the reset time when the primary rate limit is exhausted for longer than it waits', async () => {
    const t = testClient()
    const reset = Math.floor(Date.now() / 1000) + 3600
    api()
      .get('/repos/o/r/actions/runs')
      .query(true)
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }
      )
    await expect(
      fetchHistory(t.client, { owner: 'o', repo: 'r', branch: 'main', maxRuns: 5, patterns: [] })
    ).rejects.toMatchObject({
      kind: 'rate-limited',
      message: expect.stringMatching(
        /primary rate limit exhausted; it resets at .* longer than the 60 s this step will wait/
      )
    })
  })
})

describe('merged pull requests for lead time and review turnaround', () => {
  it('reads first commits and first reviews by others and gives the hand-checked numbers', async () => {
    const t = testClient()
    const d = (s: string) => `2026-03-${s}:00:00Z`
    const pr = (
      n: number,
      created: string,
      merged: string | null,
      updated = merged ?? created
    ) => ({
      number: n,
      created_at: created,
      merged_at: merged,
      updated_at: updated,
      user: { login: 'author' }
    })
    api()
      .get('/repos/o/r/pulls')
      .query({ state: 'closed', base: 'main', sort: 'updated', direction: 'desc', per_page: 100 })
      .reply(200, [
        pr(4, d('04T00'), d('06T00')),
        pr(5, d('04T00'), null), // closed without merging
        pr(3, d('03T00'), d('03T04')),
        pr(2, d('02T00'), d('03T00')),
        pr(1, d('01T00'), d('01T10')),
        pr(9, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z') // older than the window: listing stops
      ])
    const commits = (...dates: string[]) =>
      dates.map((date) => ({ sha: 'x', commit: { author: { date }, committer: { date } } }))
    const review = (login: string, at: string, state = 'COMMENTED') => ({
      id: 1,
      user: { login },
      state,
      submitted_at: at
    })
    for (const [n, c, reviews] of [
      [
        4,
        commits(d('03T00'), d('02T00')),
        [review('author', d('04T01')), review('rev', d('05T00'), 'APPROVED')]
      ],
      [3, commits(d('03T00')), [review('rev', d('03T01'), 'PENDING')]],
      [2, commits(d('01T00')), [review('rev', d('02T06'))]],
      [1, commits('2026-02-28T12:00:00Z'), [review('rev', d('01T02')), review('rev2', d('01T05'))]]
    ] as const) {
      api()
        .get(`/repos/o/r/pulls/${n}/commits`)
        .query(true)
        .reply(200, c)
        .get(`/repos/o/r/pulls/${n}/reviews`)
        .query(true)
        .reply(200, reviews)
    }
    const { pulls, problems } = await fetchPullRecords(t.client, {
      owner: 'o',
      repo: 'r',
      base: 'main',
      since: new Date('2026-02-05T00:00:00Z'),
      maxPulls: 50
    })
    expect(problems).toEqual([])
    expect(pulls.map((p) => p.number)).toEqual([4, 3, 2, 1])
    const m = engineeringMetrics(pulls, 30)
    expect(m.leadTime.openToMerge).toEqual({
      count: 4,
      p50Hours: 17,
      p95Hours: expect.closeTo(44.4, 10)
    })
    expect(m.leadTime.firstCommitToMerge).toEqual({
      count: 4,
      p50Hours: 35,
      p95Hours: expect.closeTo(88.8, 10)
    })
    expect(m.reviewTurnaround).toEqual({
      count: 3,
      p50Hours: 6,
      p95Hours: expect.closeTo(22.2, 10),
      unreviewed: 1
    })
    expect(nock.isDone()).toBe(true)
  })
})

describe('one pull request on a fixed branch', () => {
  const change = {
    owner: 'o',
    repo: 'r',
    base: 'main',
    branch: 'flow-actions/recalibrate',
    title: 'Tighten',
    body: 'why',
    commitMessage: 'msg',
    files: [{ path: '.process/graph.yaml', content: 'x' }],
    sleep: async () => {}
  }
  const gitSetup = (branchExists: boolean) => {
    const scope = api()
      .get('/repos/o/r/git/ref/heads%2Fmain')
      .reply(200, { object: { sha: 'base1' } })
      .get('/repos/o/r/git/commits/base1')
      .reply(200, { sha: 'base1', tree: { sha: 'tree0' } })
      .post(
        '/repos/o/r/git/trees',
        (b) =>
          b.base_tree === 'tree0' &&
          b.tree[0].path === '.process/graph.yaml' &&
          b.tree[0].content === 'x'
      )
      .reply(201, { sha: 'tree1' })
      .post('/repos/o/r/git/commits', (b) => b.tree === 'tree1' && b.parents[0] === 'base1')
      .reply(201, { sha: 'commit1' })
    if (branchExists) {
      scope
        .get('/repos/o/r/git/ref/heads%2Fflow-actions%2Frecalibrate')
        .reply(200, { object: { sha: 'old' } })
      scope
        .patch(
          '/repos/o/r/git/refs/heads%2Fflow-actions%2Frecalibrate',
          (b) => b.sha === 'commit1' && b.force === true
        )
        .reply(200, {})
    } else {
      scope
        .get('/repos/o/r/git/ref/heads%2Fflow-actions%2Frecalibrate')
        .reply(404, { message: 'Not Found' })
      scope
        .post(
          '/repos/o/r/git/refs',
          (b) => b.ref === 'refs/heads/flow-actions/recalibrate' && b.sha === 'commit1'
        )
        .reply(201, {})
    }
    return scope
  }

  it('creates it the first time and updates the same one the second time', async () => {
    const t = testClient()
    let creates = 0
    gitSetup(false)
      .get('/repos/o/r/pulls')
      .query({ state: 'open', head: 'o:flow-actions/recalibrate', base: 'main', per_page: 10 })
      .reply(200, [])
      .post('/repos/o/r/pulls', (b) => {
        creates++
        return b.head === 'flow-actions/recalibrate' && b.base === 'main'
      })
      .reply(201, { number: 42, html_url: 'https://github.com/o/r/pull/42' })
    expect(await upsertPullRequest(t.client, change)).toEqual({
      action: 'created',
      number: 42,
      url: 'https://github.com/o/r/pull/42'
    })
    expect(nock.isDone()).toBe(true)

    gitSetup(true)
      .get('/repos/o/r/pulls')
      .query({ state: 'open', head: 'o:flow-actions/recalibrate', base: 'main', per_page: 10 })
      .reply(200, [{ number: 42, html_url: 'https://github.com/o/r/pull/42' }])
      .patch('/repos/o/r/pulls/42', (b) => b.title === 'Tighten' && b.body === 'why')
      .reply(200, { number: 42, html_url: 'https://github.com/o/r/pull/42' })
    expect(await upsertPullRequest(t.client, change)).toEqual({
      action: 'updated',
      number: 42,
      url: 'https://github.com/o/r/pull/42'
    })
    expect(creates).toBe(1)
    expect(nock.isDone()).toBe(true)
  })

  it('names the "Allow GitHub Actions to create and approve pull requests" setting when the workflow token may not open one', async () => {
    const t = testClient()
    gitSetup(false)
      .get('/repos/o/r/pulls')
      .query(true)
      .reply(200, [])
      .post('/repos/o/r/pulls')
      .reply(403, {
        message: 'GitHub Actions is not permitted to create or approve pull requests.'
      })
    await expect(upsertPullRequest(t.client, change)).rejects.toThrow(
      /Allow GitHub Actions to create and approve pull requests/
    )
    expect(nock.isDone()).toBe(true)
  })

  it('does not create a second one when the create answered 502 but was stored', async () => {
    const t = testClient()
    gitSetup(false)
      .get('/repos/o/r/pulls')
      .query(true)
      .reply(200, [])
      .post('/repos/o/r/pulls')
      .reply(502, { message: 'bad gateway' })
      .get('/repos/o/r/pulls')
      .query(true)
      .reply(200, [{ number: 43, html_url: 'https://github.com/o/r/pull/43' }])
    expect(await upsertPullRequest(t.client, change)).toEqual({
      action: 'created',
      number: 43,
      url: 'https://github.com/o/r/pull/43'
    })
    expect(nock.isDone()).toBe(true)
  })

  it('retries the content-addressed writes after a 5xx', async () => {
    const t = testClient()
    api()
      .get('/repos/o/r/git/ref/heads%2Fmain')
      .reply(200, { object: { sha: 'base1' } })
      .get('/repos/o/r/git/commits/base1')
      .reply(200, { sha: 'base1', tree: { sha: 'tree0' } })
      .post('/repos/o/r/git/trees')
      .reply(500, { message: 'boom' })
      .post('/repos/o/r/git/trees')
      .reply(201, { sha: 'tree1' })
      .post('/repos/o/r/git/commits')
      .reply(201, { sha: 'commit1' })
      .get('/repos/o/r/git/ref/heads%2Fflow-actions%2Frecalibrate')
      .reply(200, {})
      .patch('/repos/o/r/git/refs/heads%2Fflow-actions%2Frecalibrate')
      .reply(200, {})
      .get('/repos/o/r/pulls')
      .query(true)
      .reply(200, [{ number: 42, html_url: 'u' }])
      .patch('/repos/o/r/pulls/42')
      .reply(200, { number: 42, html_url: 'u' })
    expect((await upsertPullRequest(t.client, change)).action).toBe('updated')
    expect(nock.isDone()).toBe(true)
  })
})
