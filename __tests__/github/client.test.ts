import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals'
import nock from 'nock'
import { GitHubError, classifyGitHubError, createGitHubClient } from '../../shared/github/index.js'
import { api, caught, netError, testClient, TOKEN } from './helpers.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  // Jest may run the next test file in this worker with a fresh nock; leave fetch unpatched for it.
  nock.restore()
})
afterEach(() => nock.cleanAll())

const PR = '/repos/o/r/pulls/7'
const getPr = (t: ReturnType<typeof testClient>) =>
  t.client.octokit.rest.pulls.get({ owner: 'o', repo: 'r', pull_number: 7 })

describe('retries of reads', () => {
  it('retries a GET after 5xx with growing backoff, then succeeds', async () => {
    const t = testClient()
    api()
      .get(PR)
      .reply(502, 'bad gateway')
      .get(PR)
      .reply(503, { message: 'unavailable' })
      .get(PR)
      .reply(200, { number: 7 })
    const r = await getPr(t)
    expect(r.data.number).toBe(7)
    expect(t.sleeps).toEqual([1000, 2000])
    expect(t.logs.join('\n')).toContain(
      'GET /repos/o/r/pulls/7: server error 502; retry 1 of 3 in 1 s'
    )
    expect(nock.isDone()).toBe(true)
  })

  it('retries a GET after a reset connection', async () => {
    const t = testClient()
    api().get(PR).replyWithError(netError('ECONNRESET')).get(PR).reply(200, { number: 7 })
    expect((await getPr(t)).data.number).toBe(7)
    expect(t.sleeps).toEqual([1000])
  })

  it('gives up after the configured number of retries with a server error', async () => {
    const t = testClient({ retries: 2 })
    api().get(PR).times(3).reply(500, { message: 'boom' })
    const e = await caught(getPr(t))
    expect(e).toBeInstanceOf(GitHubError)
    expect(e.kind).toBe('server')
    expect(e.status).toBe(500)
    expect(e.message).toBe('GitHub API GET /repos/o/r/pulls/7: GitHub server error (500 boom)')
    expect(t.sleeps).toEqual([1000, 2000])
    expect(nock.isDone()).toBe(true)
  })

  it('reports a network failure that persists as network', async () => {
    const t = testClient({ retries: 1 })
    api().get(PR).times(2).replyWithError(netError('ECONNREFUSED'))
    const e = await caught(getPr(t))
    expect(e.kind).toBe('network')
    expect(e.message).toContain('network error')
  })
})

describe('writes are never retried blindly', () => {
  it('does not repeat a POST after a 502', async () => {
    const t = testClient()
    const scope = api()
      .post('/repos/o/r/issues/7/comments')
      .reply(502, 'bad gateway')
      .post('/repos/o/r/issues/7/comments')
      .reply(201, { id: 1 })
    const e = await caught(
      t.client.octokit.rest.issues.createComment({
        owner: 'o',
        repo: 'r',
        issue_number: 7,
        body: 'x'
      })
    )
    expect(e.kind).toBe('server')
    expect(scope.pendingMocks()).toHaveLength(1) // the second POST was never sent
    expect(t.sleeps).toEqual([])
  })

  it('does not repeat a PATCH after a dropped connection', async () => {
    const t = testClient()
    const scope = api()
      .patch('/repos/o/r/issues/comments/5')
      .replyWithError(netError('ECONNRESET'))
      .patch('/repos/o/r/issues/comments/5')
      .reply(200, { id: 5 })
    const e = await caught(
      t.client.octokit.rest.issues.updateComment({
        owner: 'o',
        repo: 'r',
        comment_id: 5,
        body: 'x'
      })
    )
    expect(e.kind).toBe('network')
    expect(scope.pendingMocks()).toHaveLength(1)
  })
})

describe('rate limits', () => {
  const now = () => Math.floor(Date.now() / 1000)

  it('waits for x-ratelimit-reset on a primary limit, then retries', async () => {
    const t = testClient()
    api()
      .get(PR)
      .reply(
        403,
        { message: 'API rate limit exceeded for installation' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now() + 20) }
      )
      .get(PR)
      .reply(200, { number: 7 })
    expect((await getPr(t)).data.number).toBe(7)
    expect(t.sleeps).toHaveLength(1)
    expect(t.sleeps[0]).toBeGreaterThanOrEqual(19_000)
    expect(t.sleeps[0]).toBeLessThanOrEqual(22_000)
    expect(t.logs.join('\n')).toMatch(/primary rate limit exhausted; waiting 2\d s/)
  })

  it('fails fast with the reset time when a primary limit resets beyond the wait budget', async () => {
    const t = testClient()
    const reset = now() + 3600
    api()
      .get(PR)
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }
      )
    const e = await caught(getPr(t))
    expect(e.kind).toBe('rate-limited')
    expect(e.message).toMatch(
      /GET \/repos\/o\/r\/pulls\/7: primary rate limit exhausted; it resets at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(in 360\d s\), longer than the 60 s this step will wait/
    )
    expect(Math.abs(e.resetAt!.getTime() - (reset + 1) * 1000)).toBeLessThan(3000)
    expect(t.sleeps).toEqual([])
  })

  it('honours retry-after on a secondary limit (403)', async () => {
    const t = testClient()
    api()
      .get(PR)
      .reply(
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
        },
        { 'retry-after': '7' }
      )
      .get(PR)
      .reply(200, { number: 7 })
    expect((await getPr(t)).data.number).toBe(7)
    expect(t.sleeps).toEqual([7000])
  })

  it('honours retry-after on a 429, for writes too (a limited request was not applied)', async () => {
    const t = testClient()
    api()
      .post('/repos/o/r/issues/7/comments')
      .reply(429, { message: 'Too many requests' }, { 'retry-after': '3' })
      .post('/repos/o/r/issues/7/comments')
      .reply(201, { id: 9 })
    const r = await t.client.octokit.rest.issues.createComment({
      owner: 'o',
      repo: 'r',
      issue_number: 7,
      body: 'x'
    })
    expect(r.data.id).toBe(9)
    expect(t.sleeps).toEqual([3000])
  })

  it('waits a minute on a secondary limit message without retry-after', async () => {
    const t = testClient()
    api()
      .get(PR)
      .reply(403, { message: 'You have exceeded a secondary rate limit' })
      .get(PR)
      .reply(200, { number: 7 })
    expect((await getPr(t)).data.number).toBe(7)
    expect(t.sleeps).toEqual([60_000])
  })

  it('fails fast on that minute when the budget is smaller', async () => {
    const t = testClient({ maxWaitSeconds: 10 })
    api().get(PR).reply(403, { message: 'You have exceeded a secondary rate limit' })
    const e = await caught(getPr(t))
    expect(e.kind).toBe('rate-limited')
    expect(e.message).toContain('secondary rate limit hit; it resets at')
    expect(e.message).toContain('(in 60 s), longer than the 10 s this step will wait')
    expect(t.sleeps).toEqual([])
  })

  it('stops after the configured retries when the limit persists', async () => {
    const t = testClient({ retries: 2 })
    api().get(PR).times(3).reply(403, { message: 'secondary rate limit' }, { 'retry-after': '1' })
    const e = await caught(getPr(t))
    expect(e.kind).toBe('rate-limited')
    expect(e.message).toContain('still limited after 2 retries')
    expect(t.sleeps).toEqual([1000, 1000])
    expect(nock.isDone()).toBe(true)
  })
})

describe('clear messages', () => {
  it('explains a 401 without echoing the token', async () => {
    const t = testClient()
    api()
      .get(PR)
      .reply(401, { message: `Bad credentials: ${TOKEN}` })
    const e = await caught(getPr(t))
    expect(e.kind).toBe('unauthorized')
    expect(e.message).toContain('the token was rejected (401 Bad credentials: ***)')
    expect(e.message).not.toContain(TOKEN)
    expect(JSON.stringify(e)).not.toContain(TOKEN)
    expect(t.sleeps).toEqual([])
  })

  it('explains a 404', async () => {
    const t = testClient()
    api().get(PR).reply(404, { message: 'Not Found' })
    const e = await caught(getPr(t))
    expect(e.kind).toBe('not-found')
    expect(e.message).toBe(
      'GitHub API GET /repos/o/r/pulls/7: not found (404): the repository, pull request or comment does not exist, or the token cannot see it'
    )
  })

  it('classifies a fork pull request 403, unless the caller knows it is not a fork', async () => {
    const t = testClient()
    api()
      .post('/repos/o/r/issues/7/comments')
      .reply(403, { message: 'Resource not accessible by integration' })
    const e = await caught(
      t.client.octokit.rest.issues.createComment({
        owner: 'o',
        repo: 'r',
        issue_number: 7,
        body: 'x'
      })
    )
    expect(e.kind).toBe('forbidden-fork')
    expect(classifyGitHubError(e).kind).toBe('forbidden-fork')
    expect(e.message).toContain('read-only')
    const notFork = classifyGitHubError(e, { fork: false })
    expect(notFork.kind).toBe('other')
    expect(notFork.message).toContain('permissions: pull-requests: write')
  })

  it('never logs the token', async () => {
    const t = testClient()
    t.client.log(`about to call with ${TOKEN} and token ${TOKEN}`)
    api().get(PR).reply(502, TOKEN).get(PR).reply(200, {})
    await getPr(t)
    expect(t.logs.length).toBeGreaterThan(1)
    for (const line of t.logs) expect(line).not.toContain(TOKEN)
  })

  it('refuses an empty token with a clear message', () => {
    expect(() => createGitHubClient({ token: '  ' })).toThrow('no GitHub token was given')
  })
})

describe('viewerLogin', () => {
  it('returns the login of a user token, once', async () => {
    const t = testClient()
    api().get('/user').once().reply(200, { login: 'flow-bot' })
    expect(await t.client.viewerLogin()).toBe('flow-bot')
    expect(await t.client.viewerLogin()).toBe('flow-bot')
  })

  it('is undefined for the workflow token, which may not read /user', async () => {
    const t = testClient()
    api().get('/user').reply(403, { message: 'Resource not accessible by integration' })
    expect(await t.client.viewerLogin()).toBeUndefined()
  })
})
