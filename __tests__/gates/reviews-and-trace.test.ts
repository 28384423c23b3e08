import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import nock from 'nock'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  evaluateGates,
  type EvaluateGatesOptions,
  type PullRequestContext
} from '../../shared/gates/index.js'
import { classifyGitHubError, createGitHubClient } from '../../shared/github/index.js'
import { expectValidReport, gateFixtures, repo, requirement } from './helpers.js'

const API = 'https://api.github.com'
const now = new Date('2026-11-01T12:00:00Z')
const shopGraph = readFileSync(path.join(gateFixtures, 'shop', '.process', 'graph.yaml'), 'utf8')

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  // Jest may run the next test file in this process with a fresh nock: give the interceptor back.
  nock.enableNetConnect()
  nock.restore()
})
afterEach(() => nock.cleanAll())

function client() {
  const sleeps: number[] = []
  const c = createGitHubClient({
    token: 'ghs_TESTtokenTESTtokenTESTtoken1234567',
    baseUrl: API,
    sleep: async (ms) => void sleeps.push(ms),
    maxWaitSeconds: 60
  })
  return {
    requester: {
      request: (route: string, params?: Record<string, unknown>) =>
        c.octokit.request(route as never, params as never) as Promise<{ data: unknown }>
    },
    sleeps,
    client: c
  }
}

/** The shop graph with G-release's requirements replaced. */
function releaseGraph(requires: string): string {
  const start = shopGraph.indexOf('      - id: adr\n')
  const end = shopGraph.lastIndexOf('    pass: N-release')
  return shopGraph.slice(0, start) + requires + shopGraph.slice(end)
}

const HEAD = '2'.repeat(40)
const pr: PullRequestContext = {
  owner: 'o',
  repo: 'r',
  number: 7,
  title: 'Outbox for orders',
  body: 'Implements ADR-7.',
  author: 'carol',
  labels: ['reviewed'],
  headSha: HEAD
}

async function evaluate(
  requires: string,
  opts: Partial<EvaluateGatesOptions> = {},
  files: Record<string, string> = {}
) {
  const root = repo({ '.process/graph.yaml': releaseGraph(requires), ...files }, 'shop')
  const { report } = await evaluateGates({
    root,
    graphPath: '.process/graph.yaml',
    stage: 'staging',
    gates: ['G-release'],
    now,
    describeApiError: (e) => classifyGitHubError(e).message,
    ...opts
  })
  expectValidReport(report)
  return report
}

/** Reviews of the head commit by members; each reviewer's write access is confirmed by writers(). */
const reviews = (list: Array<[string, string]>, extra: Record<string, unknown> = {}) =>
  list.map(([user, state], i) => ({
    id: i,
    user: { login: user },
    state,
    submitted_at: `2026-10-0${i + 1}T00:00:00Z`,
    commit_id: HEAD,
    author_association: 'MEMBER',
    ...extra
  }))
/** The permission API: these logins have write access, any other answers read. */
function writers(...logins: string[]): void {
  for (const login of logins)
    nock(API)
      .persist()
      .get(`/repos/o/r/collaborators/${login}/permission`)
      .reply(200, { permission: 'write' })
  nock(API)
    .persist()
    .get(/^\/repos\/o\/r\/collaborators\/[^/]+\/permission$/)
    .reply(200, { permission: 'read' })
}
const REVIEW =
  '      - id: approved\n        review: { approvals: 2, from: [bob, acme/security], labels: [reviewed] }\n'

describe('review requirements from the pull request', () => {
  it('pass with enough approvals, the named user, a team member and the labels', async () => {
    const { requester } = client()
    writers('bob', 'erin')
    nock(API)
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(
        200,
        reviews([
          ['bob', 'APPROVED'],
          ['dave', 'COMMENTED'],
          ['erin', 'CHANGES_REQUESTED'],
          ['erin', 'APPROVED'],
          ['carol', 'APPROVED']
        ])
      )
      .get('/orgs/acme/teams/security/members')
      .query(true)
      .reply(200, [{ login: 'erin' }])
    const report = await evaluate(REVIEW, { pullRequest: pr, github: requester })
    const r = requirement(report, 'G-release', 'approved')
    expect(r.status).toBe('passed')
    expect(r.actual).toEqual({ approvals: 2 })
    expect(r.evidence).toEqual(['pull request #7'])
    expect(r.message).toContain('Not counted: carol (the author)')
    expect(nock.pendingMocks().filter((m) => !m.includes('/permission'))).toEqual([])
  })

  it('fail with too few approvals, changes requested, no team approval and a missing label', async () => {
    const { requester } = client()
    writers('bob', 'frank', 'gus')
    nock(API)
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(
        200,
        reviews([
          ['bob', 'APPROVED'],
          ['frank', 'CHANGES_REQUESTED'],
          ['gus', 'APPROVED'],
          ['gus', 'DISMISSED']
        ])
      )
      .get('/orgs/acme/teams/security/members')
      .query(true)
      .reply(200, [{ login: 'erin' }])
    const report = await evaluate(REVIEW, { pullRequest: { ...pr, labels: [] }, github: requester })
    const r = requirement(report, 'G-release', 'approved')
    expect(r.status).toBe('failed')
    expect(r.message).toContain('Changes requested by frank; 1 of 2 approvals.')
    expect(r.message).toContain('No approval from acme/security (team).')
    expect(r.message).toContain('Missing label(s): reviewed.')
  })

  it('retry a 5xx and then succeed', async () => {
    const { requester, sleeps } = client()
    writers('bob', 'erin')
    nock(API)
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(502, 'bad gateway')
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(
        200,
        reviews([
          ['bob', 'APPROVED'],
          ['erin', 'APPROVED']
        ])
      )
    const report = await evaluate('      - id: approved\n        review: { approvals: 2 }\n', {
      pullRequest: pr,
      github: requester
    })
    expect(requirement(report, 'G-release', 'approved').status).toBe('passed')
    expect(sleeps).toEqual([1000])
  })

  it('turn an exhausted primary rate limit (403 with headers) into an error naming the reset', async () => {
    const { requester } = client()
    const reset = Math.floor(Date.now() / 1000) + 3600
    nock(API)
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-limit': '1000',
          'x-ratelimit-reset': String(reset)
        }
      )
    const report = await evaluate('      - id: approved\n        review: { approvals: 1 }\n', {
      pullRequest: pr,
      github: requester
    })
    const r = requirement(report, 'G-release', 'approved')
    expect(r.status).toBe('error')
    expect(r.message).toContain('rate limit')
    expect(r.message).toContain(new Date(reset * 1000).toISOString().slice(0, 16))
    expect(report.verdict).toBe('failed')
  })

  it('wait out a 429 with retry-after, then succeed', async () => {
    const { requester, sleeps } = client()
    writers('bob')
    nock(API)
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(429, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '7' })
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(200, reviews([['bob', 'APPROVED']]))
    const report = await evaluate('      - id: approved\n        review: { approvals: 1 }\n', {
      pullRequest: pr,
      github: requester
    })
    expect(requirement(report, 'G-release', 'approved').status).toBe('passed')
    expect(sleeps).toContain(7000)
  })

  it('fail closed when the token cannot read a team', async () => {
    const { requester } = client()
    writers('bob')
    nock(API)
      .get('/repos/o/r/pulls/7/reviews')
      .query(true)
      .reply(200, reviews([['bob', 'APPROVED']]))
      .get('/orgs/acme/teams/security/members')
      .query(true)
      .reply(404, { message: 'Not Found' })
    const report = await evaluate(
      '      - id: approved\n        review: { from: [acme/security] }\n',
      { pullRequest: pr, github: requester }
    )
    const r = requirement(report, 'G-release', 'approved')
    expect(r.status).toBe('error')
    expect(r.message).toContain('could not read the pull request')
  })

  it('need a pull request: missing evidence on a push', async () => {
    const report = await evaluate('      - id: approved\n        review: { approvals: 1 }\n')
    expect(requirement(report, 'G-release', 'approved')).toMatchObject({
      status: 'missing-evidence',
      message: expect.stringContaining('needs a pull request')
    })
  })
})

describe('sign-offs', () => {
  const seedForm = '      - id: privacy\n        review: privacy.signoff == true\n'
  it('resolve the seed form from .process/signoffs.yaml with who and when', async () => {
    const report = await evaluate(
      seedForm,
      {},
      { '.process/signoffs.yaml': 'privacy:\n  signoff: true\n  by: dana\n  date: 2026-10-03\n' }
    )
    expect(requirement(report, 'G-release', 'privacy')).toMatchObject({
      status: 'passed',
      evidence: ['.process/signoffs.yaml'],
      message: expect.stringContaining('privacy by dana on 2026-10-03')
    })
  })

  it('fail an unattributed sign-off, a false one, and a missing one (saying where to record it)', async () => {
    const unattributed = await evaluate(
      seedForm,
      {},
      { '.process/signoffs.yaml': 'privacy:\n  signoff: true\n' }
    )
    expect(requirement(unattributed, 'G-release', 'privacy')).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('does not say who signed')
    })
    const no = await evaluate(
      seedForm,
      {},
      { '.process/signoffs.yaml': 'privacy:\n  signoff: false\n  by: dana\n  date: 2026-10-03\n' }
    )
    expect(requirement(no, 'G-release', 'privacy').status).toBe('failed')
    const missing = await evaluate(seedForm)
    expect(requirement(missing, 'G-release', 'privacy')).toMatchObject({
      status: 'missing-evidence',
      message: expect.stringContaining('record it in .process/signoffs.yaml')
    })
  })

  it('read a sign-off artifact frontmatter', async () => {
    const req =
      '      - id: sec\n        review: { signoff: { path: artifacts/signoff/security.md, key: approved, equals: true } }\n'
    const yes = await evaluate(
      req,
      {},
      { 'artifacts/signoff/security.md': '---\napproved: true\nby: erin\n---\nLooks good.\n' }
    )
    expect(requirement(yes, 'G-release', 'sec')).toMatchObject({
      status: 'passed',
      evidence: ['artifacts/signoff/security.md']
    })
    const no = await evaluate(
      req,
      {},
      { 'artifacts/signoff/security.md': '---\napproved: false\n---\n' }
    )
    expect(requirement(no, 'G-release', 'sec').message).toContain(
      'approved is false, expected true'
    )
    const none = await evaluate(req)
    expect(requirement(none, 'G-release', 'sec').status).toBe('missing-evidence')
  })
})

describe('trace requirements', () => {
  const TRACE = '      - id: linked\n        trace: {}\n'
  it('pass when the pull request references an ADR that exists (ADR-7 finds ADR-0007.md)', async () => {
    const { requester } = client()
    nock(API)
      .get('/repos/o/r/pulls/7/commits')
      .query(true)
      .reply(200, [{ commit: { message: 'Add outbox' } }])
    const report = await evaluate(TRACE, { pullRequest: pr, github: requester })
    expect(requirement(report, 'G-release', 'linked')).toMatchObject({
      status: 'passed',
      evidence: ['pull request #7', 'artifacts/adr/ADR-0007.md']
    })
  })

  it('find references in commit messages read through the API', async () => {
    const { requester } = client()
    nock(API)
      .get('/repos/o/r/pulls/7/commits')
      .query(true)
      .reply(200, [{ commit: { message: 'Relay events\n\nRefs adr-0007' } }])
    const report = await evaluate(TRACE, { pullRequest: { ...pr, body: '' }, github: requester })
    expect(requirement(report, 'G-release', 'linked').status).toBe('passed')
  })

  it('fail without a reference, or with one to a record that does not exist', async () => {
    const none = await evaluate(TRACE, {
      pullRequest: { ...pr, body: 'no link', commitMessages: ['wip'] }
    })
    expect(requirement(none, 'G-release', 'linked')).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('references no ADR or RFC id')
    })
    const dangling = await evaluate(TRACE, {
      pullRequest: { ...pr, body: 'See RFC-12', commitMessages: [] }
    })
    expect(requirement(dangling, 'G-release', 'linked')).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('RFC-12, but no such record exists under artifacts/')
    })
  })

  it('use pushed commit messages without a pull request, and fail closed with neither', async () => {
    const pushed = await evaluate(TRACE, { commits: ['Implement ADR-0007'] })
    expect(requirement(pushed, 'G-release', 'linked').status).toBe('passed')
    const nothing = await evaluate(TRACE)
    expect(requirement(nothing, 'G-release', 'linked').status).toBe('missing-evidence')
  })

  it('never count a template as the referenced record', async () => {
    const report = await evaluate(
      TRACE,
      { commits: ['see ADR-1'] },
      { 'artifacts/adr/ADR-0001_TEMPLATE.md': '# template' }
    )
    expect(requirement(report, 'G-release', 'linked').status).toBe('failed')
  })
})

describe('small-change exemption from the pull request files', () => {
  it('counts added and deleted lines through the API (given the shared GitHubClient itself)', async () => {
    const { client: requester } = client()
    nock(API)
      .get('/repos/o/r/pulls/7/files')
      .query(true)
      .reply(200, [
        { filename: 'src/a.ts', additions: 4, deletions: 10 },
        { filename: 'src/b.ts', additions: 3, deletions: 0 }
      ])
    const root = repo({}, 'shop')
    const { report } = await evaluateGates({
      root,
      graphPath: '.process/graph.yaml',
      stage: 'production',
      gates: ['G-quality'],
      now,
      pullRequest: pr,
      github: requester
    })
    expect(requirement(report, 'G-quality', 'coverage')).toMatchObject({
      status: 'skipped',
      skipReason: 'small-change',
      actual: { 'changes.lines': 17 }
    })
  })
})
