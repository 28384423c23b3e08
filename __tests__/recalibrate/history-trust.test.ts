import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import nock from 'nock'
import { run } from '../../actions/recalibrate/main.js'
import { fetchHistory } from '../../shared/recalibrate/github.js'
import { FakeIO } from '../diagram/fake-io.js'
import { api, testClient } from '../github/helpers.js'
import { fixtureRepo, fixtures, NOW } from './helpers.js'
import { makeZip } from './zip-helper.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

const BLOB = 'https://blob.example.test'
const report = readFileSync(path.join(fixtures, 'history', 'gates-105-1.json'), 'utf8')
const workflowRun = (id: number, event: string, extra: Record<string, unknown> = {}) => ({
  id,
  run_attempt: 1,
  head_sha: 'ab'.repeat(20),
  head_branch: 'main',
  event,
  head_repository: { full_name: 'o/r' },
  ...extra
})

describe('recalibrate history comes only from allowed events on the branch, of this repository', () => {
  it('fetchHistory ignores issue_comment, pull_request_review (deleted fork), merge_group and check_run runs and never downloads their artifacts', async () => {
    const t = testClient()
    api()
      .get('/repos/o/r/actions/runs')
      .query(true)
      .reply(200, {
        total_count: 6,
        workflow_runs: [
          workflowRun(301, 'issue_comment'),
          workflowRun(302, 'pull_request_review', { head_repository: null }),
          workflowRun(303, 'merge_group'),
          workflowRun(304, 'check_run'),
          workflowRun(305, 'push', { head_repository: null }),
          workflowRun(306, 'schedule')
        ]
      })
      .get('/repos/o/r/actions/runs/306/artifacts')
      .query(true)
      .reply(200, { total_count: 0, artifacts: [] })
    const h = await fetchHistory(t.client, {
      owner: 'o',
      repo: 'r',
      branch: 'main',
      maxRuns: 10,
      patterns: ['flow-report-*']
    })
    expect(nock.isDone()).toBe(true)
    expect(h.runs).toBe(1)
    expect(h.ignored.map((i) => [i.runId, i.event])).toEqual([
      [301, 'issue_comment'],
      [302, 'pull_request_review'],
      [303, 'merge_group'],
      [304, 'check_run'],
      [305, 'push']
    ])
    expect(h.ignored[0].reason).toBe(
      'its event issue_comment is not one of the allowed events (push, schedule, workflow_dispatch)'
    )
    expect(h.ignored[4].reason).toBe('its head repository is unknown (a deleted fork?)')
  })

  it('a configured allow-list replaces the default', async () => {
    const t = testClient()
    api()
      .get('/repos/o/r/actions/runs')
      .query(true)
      .reply(200, {
        total_count: 2,
        workflow_runs: [workflowRun(401, 'push'), workflowRun(402, 'workflow_dispatch')]
      })
      .get('/repos/o/r/actions/runs/401/artifacts')
      .query(true)
      .reply(200, { total_count: 0, artifacts: [] })
    const h = await fetchHistory(t.client, {
      owner: 'o',
      repo: 'r',
      branch: 'main',
      maxRuns: 10,
      patterns: ['flow-report-*'],
      events: ['push']
    })
    expect(h.ignored).toEqual([
      {
        runId: 402,
        event: 'workflow_dispatch',
        reason: 'its event workflow_dispatch is not one of the allowed events (push)'
      }
    ])
  })

  it('the recalibrate action ignores a report artifact from an issue_comment run and says so in its log', async () => {
    const root = fixtureRepo()
    const io = new FakeIO(
      {
        'engineering-metrics': 'false',
        deployments: '',
        'incident-label': '',
        'dry-run': 'true',
        'upload-dashboard': 'false',
        token: 'ghs_TESTtokenTESTtokenTESTtoken1234567'
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
    // The forged report sits in an artifact of the issue_comment run: it must never be listed or downloaded.
    const forged = api()
      .get('/repos/o/r/actions/runs/501/artifacts')
      .query(true)
      .reply(200, {
        total_count: 1,
        artifacts: [{ id: 51, name: 'flow-report-dev', size_in_bytes: 2000, expired: false }]
      })
    const download = api()
      .get('/repos/o/r/actions/artifacts/51/zip')
      .reply(302, '', { location: `${BLOB}/forged.zip` })
    nock(BLOB)
      .get('/forged.zip')
      .reply(200, makeZip([{ name: 'flow-report-dev.json', data: report }]), {
        'content-type': 'application/zip'
      })
    api()
      .get('/repos/o/r')
      .reply(200, { default_branch: 'main' })
      .get('/repos/o/r/actions/runs')
      .query(true)
      .reply(200, { total_count: 1, workflow_runs: [workflowRun(501, 'issue_comment')] })
    await run({
      io,
      now: () => NOW,
      github: async () => testClient().client,
      upload: async () => undefined,
      sleep: async () => undefined
    } as never)
    expect(forged.isDone()).toBe(false)
    expect(download.isDone()).toBe(false)
    const log = io.log.join('\n')
    expect(log).toContain(
      'Ignored run 501 (issue_comment): its event issue_comment is not one of the allowed events (push, schedule, workflow_dispatch); its artifacts are not used as history.'
    )
    expect(log).toContain('0 report(s) from 0 artifact(s) of 0 run(s).')
  })

  it('refuses a history-events entry that is not an event name', async () => {
    const root = fixtureRepo()
    const io = new FakeIO(
      { 'history-events': 'push\n$(id)', token: 'ghs_TESTtokenTESTtokenTESTtoken1234567' },
      { GITHUB_WORKSPACE: root, GITHUB_REPOSITORY: 'o/r', RUNNER_TEMP: path.join(root, '.tmp') }
    )
    await run({
      io,
      now: () => NOW,
      github: async () => testClient().client,
      upload: async () => undefined,
      sleep: async () => undefined
    } as never)
    expect(io.failure).toContain('Input "history-events" holds "$(id)"')
  })
})
