import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { evaluateGates, type PullRequestContext } from '../../shared/gates/index.js'
import { classifyGitHubError, createGitHubClient } from '../../shared/github/index.js'
import { gateFixtures, repo, requirement } from './helpers.js'

const API = 'https://api.github.com'
const now = new Date('2026-11-01T12:00:00Z')
const HEAD = '2'.repeat(40)
const OLD = '1'.repeat(40)
const shopGraph = readFileSync(path.join(gateFixtures, 'shop', '.process', 'graph.yaml'), 'utf8')

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

function requester() {
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

/** A fork pull request by mallory, whose head is HEAD. */
const pr: PullRequestContext = {
  owner: 'o',
  repo: 'r',
  number: 9,
  author: 'mallory',
  headSha: HEAD,
  fork: true
}

async function approvals(n: number, reviews: unknown[], extra: Partial<PullRequestContext> = {}) {
  const start = shopGraph.indexOf('      - id: adr\n')
  const end = shopGraph.lastIndexOf('    pass: N-release')
  const graph =
    shopGraph.slice(0, start) +
    `      - id: approved\n        review: { approvals: ${n} }\n` +
    shopGraph.slice(end)
  const root = repo({ '.process/graph.yaml': graph }, 'shop')
  nock(API).get('/repos/o/r/pulls/9/reviews').query(true).reply(200, reviews)
  const { report } = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'staging',
    gates: ['G-release'],
    now,
    pullRequest: { ...pr, ...extra },
    github: requester(),
    describeApiError: (e) => classifyGitHubError(e).message
  })
  return requirement(report, 'G-release', 'approved')
}

const review = (login: string, association: string, commit = HEAD, state = 'APPROVED') => ({
  user: { login },
  state,
  commit_id: commit,
  author_association: association,
  submitted_at: '2026-10-30T00:00:00Z'
})

describe('review approvals count only from users with write access on the head commit', () => {
  it('two APPROVED reviews from author_association NONE accounts do not satisfy approvals: 2', async () => {
    // No permission call is needed (or mocked): NONE cannot hold write access.
    const r = await approvals(2, [review('sock1', 'NONE'), review('sock2', 'NONE')])
    expect(r.status).toBe('failed')
    expect(r.actual).toEqual({ approvals: 0 })
    expect(r.message).toContain('sock1 (no write access (author_association NONE))')
    expect(r.message).toContain('sock2 (no write access (author_association NONE))')
  })

  it('one MEMBER approval of an older commit does not count by default', async () => {
    const r = await approvals(1, [review('maria', 'MEMBER', OLD)])
    expect(r.status).toBe('failed')
    expect(r.actual).toEqual({ approvals: 0 })
    expect(r.message).toContain(
      `maria (approved ${OLD.slice(0, 7)}, not the head ${HEAD.slice(0, 7)})`
    )
  })

  it('the same approval counts with dismiss-stale off, once the permission API confirms write access', async () => {
    nock(API).get('/repos/o/r/collaborators/maria/permission').reply(200, { permission: 'write' })
    const r = await approvals(1, [review('maria', 'MEMBER', OLD)], { dismissStale: false })
    expect(r.status).toBe('passed')
    expect(nock.isDone()).toBe(true)
  })

  it('a MEMBER whose permission is only read does not count; admin and maintain do', async () => {
    nock(API)
      .get('/repos/o/r/collaborators/reader/permission')
      .reply(200, { permission: 'read' })
      .get('/repos/o/r/collaborators/boss/permission')
      .reply(200, { permission: 'admin' })
      .get('/repos/o/r/collaborators/keeper/permission')
      .reply(200, { permission: 'maintain' })
    const r = await approvals(3, [
      review('reader', 'MEMBER'),
      review('boss', 'OWNER'),
      review('keeper', 'COLLABORATOR')
    ])
    expect(r.status).toBe('failed')
    expect(r.actual).toEqual({ approvals: 2 })
    expect(r.message).toContain('reader (no write access (permission read))')
  })

  it('never counts the author, even with write access', async () => {
    const r = await approvals(1, [review('mallory', 'OWNER')])
    expect(r.status).toBe('failed')
    expect(r.message).toContain('mallory (the author)')
  })

  it('falls back to author_association when the permission API refuses, and says so', async () => {
    nock(API)
      .get('/repos/o/r/collaborators/maria/permission')
      .reply(403, { message: 'Resource not accessible by integration' })
    const r = await approvals(1, [review('maria', 'MEMBER')])
    expect(r.status).toBe('passed')
    expect(r.message).toContain(
      'Write access judged from author_association: maria: author_association MEMBER (fallback: the permission API gave HTTP 403)'
    )
  })

  it('a 404 from the permission API means no access', async () => {
    nock(API).get('/repos/o/r/collaborators/ghost/permission').reply(404, { message: 'Not Found' })
    const r = await approvals(1, [review('ghost', 'COLLABORATOR')])
    expect(r.status).toBe('failed')
    expect(r.message).toContain('ghost (no write access (not a collaborator))')
  })

  it('changes requested by someone without write access do not block', async () => {
    nock(API).get('/repos/o/r/collaborators/maria/permission').reply(200, { permission: 'write' })
    const r = await approvals(1, [
      review('maria', 'MEMBER'),
      review('troll', 'NONE', HEAD, 'CHANGES_REQUESTED')
    ])
    expect(r.status).toBe('passed')
  })
})
