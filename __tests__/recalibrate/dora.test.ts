import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import type { FlowReport } from '../../shared/report/types.js'
import { fetchDelivery, deploymentOutcome } from '../../shared/recalibrate/deployments.js'
import { deliveryMetrics, doraRows } from '../../shared/recalibrate/dora.js'
import type { HistoryEntry } from '../../shared/recalibrate/history.js'
import { api, testClient } from '../github/helpers.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

const NOW = new Date('2026-11-30T00:00:00Z')
const rollout = (time: string, decision: string): HistoryEntry => ({
  source: `rollout ${time}`,
  report: {
    kind: 'rollout',
    run: { time, tool: { name: 'flow-actions', version: '1.0.0' } },
    verdict: decision === 'promoted' ? 'passed' : 'failed',
    rollout: { decision, dryRun: false }
  } as unknown as FlowReport
})

/** The API answers of one month: 4 deployments, 1 release and 1 incident. */
function serveMonth() {
  api()
    .get('/repos/o/r/deployments')
    .query(true)
    .reply(200, [
      { id: 4, created_at: '2026-11-25T02:30:00Z', environment: 'production', ref: 'main' },
      { id: 3, created_at: '2026-11-10T13:30:00Z', environment: 'production', ref: 'main' },
      { id: 2, created_at: '2026-11-10T07:30:00Z', environment: 'production', ref: 'main' },
      { id: 1, created_at: '2026-11-02T09:30:00Z', environment: 'production', ref: 'main' },
      { id: 0, created_at: '2026-09-01T00:00:00Z', environment: 'production', ref: 'main' }
    ])
  const statuses: Record<number, Array<{ state: string; created_at: string }>> = {
    1: [
      { state: 'inactive', created_at: '2026-11-10T14:00:00Z' },
      { state: 'success', created_at: '2026-11-02T10:00:00Z' },
      { state: 'in_progress', created_at: '2026-11-02T09:40:00Z' }
    ],
    2: [
      { state: 'failure', created_at: '2026-11-10T08:00:00Z' },
      { state: 'in_progress', created_at: '2026-11-10T07:40:00Z' }
    ],
    3: [{ state: 'success', created_at: '2026-11-10T14:00:00Z' }],
    4: [{ state: 'success', created_at: '2026-11-25T03:00:00Z' }]
  }
  for (const [id, list] of Object.entries(statuses))
    api().get(`/repos/o/r/deployments/${id}/statuses`).query(true).reply(200, list)
  api()
    .get('/repos/o/r/releases')
    .query(true)
    .reply(200, [
      { tag_name: 'v1.3.0-rc.1', prerelease: true, published_at: '2026-11-22T00:00:00Z' },
      { tag_name: 'v1.2.0', published_at: '2026-11-21T12:00:00Z' },
      { tag_name: 'v1.1.0', draft: true, published_at: null },
      { tag_name: 'v1.0.0', published_at: '2026-10-01T00:00:00Z' }
    ])
  api()
    .get('/repos/o/r/issues')
    .query((q) => q.labels === 'incident' && q.state === 'all')
    .reply(200, [
      {
        number: 41,
        title: 'Checkout is down',
        created_at: '2026-11-25T00:00:00Z',
        closed_at: '2026-11-25T04:00:00Z'
      },
      {
        number: 42,
        title: 'A pull request, not an incident',
        created_at: '2026-11-26T00:00:00Z',
        pull_request: {}
      }
    ])
}

describe("DORA's four keys", () => {
  it('reads deployments, statuses, releases and incident issues, and computes time to restore by hand count', async () => {
    serveMonth()
    const fetched = await fetchDelivery(testClient().client, {
      owner: 'o',
      repo: 'r',
      since: new Date(NOW.getTime() - 30 * 86_400_000),
      sources: ['deployment', 'release'],
      incidentLabel: 'incident'
    })
    expect(nock.isDone()).toBe(true)
    expect(fetched.problems).toEqual([])
    expect(fetched.deployments.map((d) => [d.source, d.outcome, d.at])).toEqual([
      ['deployment', 'success', '2026-11-25T03:00:00Z'],
      ['deployment', 'success', '2026-11-10T14:00:00Z'],
      ['deployment', 'failure', '2026-11-10T08:00:00Z'],
      ['deployment', 'success', '2026-11-02T10:00:00Z'],
      ['release', 'success', '2026-11-21T12:00:00Z']
    ])
    expect(fetched.incidents.map((i) => i.number)).toEqual([41])

    // A canary rollout rolled back on the 20th; the next success is the v1.2.0 release on the 21st at noon.
    const entries = [
      rollout('2026-11-20T00:00:00Z', 'rolled-back'),
      rollout('2026-11-28T00:00:00Z', 'inconclusive')
    ]
    const d = deliveryMetrics({
      entries,
      now: NOW,
      windowDays: 30,
      deployments: fetched.deployments,
      incidents: fetched.incidents
    })
    // Hand count: successes 2 Nov, 10 Nov 14:00, release 21 Nov, 25 Nov = 4; failures 10 Nov 08:00 and the rollback = 2.
    expect(d.deployments).toBe(4)
    expect(d.rolledBack).toBe(2)
    expect(d.undecided).toBe(1)
    expect(d.changeFailureRate).toBeCloseTo(2 / 6, 10)
    expect(d.sources).toEqual({ canary: 1, deployment: 4, release: 1 })
    // Restore: failed deployment 08:00 → 14:00 = 6 h; rollback 20 Nov 00:00 → release 21 Nov 12:00 = 36 h;
    // incident 25 Nov 00:00 → deployment 25 Nov 03:00 = 3 h. Sorted 3, 6, 36: p50 6 h, p95 6 + 0.9 × 30 = 33 h.
    expect(d.timeToRestore).toEqual({ count: 3, p50Hours: 6, p95Hours: 33, open: 0 })
    expect(d.incidents).toBe(1)
    const week10 = d.weekly.find((w) => w.week === '2026-11-09')!
    expect(week10).toMatchObject({ deployments: 1, failures: 1, restoreP50Hours: 6 })

    const rows = doraRows(d, { count: 3, p50Hours: 20, p95Hours: 40 })
    expect(rows.map((r) => r.key)).toEqual([
      'Deployment frequency',
      'Lead time for changes',
      'Change failure rate',
      'Time to restore'
    ])
    expect(rows[3].value).toBe('p50 6.0 h, p95 33.0 h (3 restored; 1 incident(s))')
    expect(rows[2].value).toContain('33.33 %')
  })

  it('a failure with no success after it is open, not a time', () => {
    const d = deliveryMetrics({
      entries: [rollout('2026-11-29T00:00:00Z', 'rolled-back')],
      now: NOW,
      windowDays: 30
    })
    expect(d.timeToRestore).toEqual({ count: 0, open: 1 })
    expect(d.changeFailureRate).toBe(1)
  })

  it('reads a deployment superseded after success as a success, and a pending one not at all', () => {
    expect(
      deploymentOutcome([
        { state: 'inactive', created_at: '2026-01-02T00:00:00Z' },
        { state: 'success', created_at: '2026-01-01T00:00:00Z' }
      ])
    ).toEqual({ outcome: 'success', at: '2026-01-01T00:00:00Z' })
    expect(deploymentOutcome([{ state: 'error', created_at: '2026-01-01T00:00:00Z' }])).toEqual({
      outcome: 'failure',
      at: '2026-01-01T00:00:00Z'
    })
    expect(
      deploymentOutcome([{ state: 'queued', created_at: '2026-01-01T00:00:00Z' }])
    ).toBeUndefined()
  })

  it('a token that cannot read deployments loses that source with a problem, not the run', async () => {
    api().get('/repos/o/r/deployments').query(true).reply(404, { message: 'Not Found' })
    const r = await fetchDelivery(testClient().client, {
      owner: 'o',
      repo: 'r',
      since: new Date('2026-11-01T00:00:00Z'),
      sources: ['deployment']
    })
    expect(r.deployments).toEqual([])
    expect(r.problems[0]).toMatch(/^deployments could not be read/)
  })
})
