import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals'
import nock from 'nock'
import { upsertComment, MAX_COMMENT_LENGTH, GitHubError } from '../../shared/github/index.js'
import { API, api, caught, testClient } from './helpers.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  // Jest may run the next test file in this worker with a fresh nock; leave fetch unpatched for it.
  nock.restore()
})
afterEach(() => nock.cleanAll())

const MARKER = '<!-- flow-actions:check-gates:ci:staging -->'
const LIST = '/repos/o/r/issues/7/comments'
const params = (body: string) => ({ owner: 'o', repo: 'r', issueNumber: 7, marker: MARKER, body })
const bot = { login: 'github-actions[bot]', type: 'Bot' }
const workflowToken = () =>
  api().get('/user').reply(403, { message: 'Resource not accessible by integration' })

describe('upsertComment', () => {
  it('creates the comment with the marker first when none exists', async () => {
    const t = testClient()
    workflowToken()
    api()
      .get(LIST)
      .query(true)
      .reply(200, [{ id: 1, body: 'LGTM', user: { login: 'alice', type: 'User' } }])
    let posted = ''
    api()
      .post(LIST, (b: { body: string }) => {
        posted = b.body
        return true
      })
      .reply(201, { id: 2, html_url: 'https://github.com/o/r/pull/7#issuecomment-2' })
    const r = await upsertComment(t.client, params('## Gates passed'))
    expect(r).toEqual({
      action: 'created',
      id: 2,
      url: 'https://github.com/o/r/pull/7#issuecomment-2'
    })
    expect(posted).toBe(`${MARKER}\n## Gates passed`)
    expect(nock.isDone()).toBe(true)
  })

  it('updates the bot comment found on a later page', async () => {
    const t = testClient()
    workflowToken()
    api()
      .get(LIST)
      .query({ per_page: '100' })
      .reply(200, [{ id: 1, body: 'hello', user: { login: 'alice', type: 'User' } }], {
        link: `<${API}${LIST}?per_page=100&page=2>; rel="next", <${API}${LIST}?per_page=100&page=2>; rel="last"`
      })
      .get(LIST)
      .query({ per_page: '100', page: '2' })
      .reply(200, [{ id: 42, body: `${MARKER}\nold`, user: bot }])
    api()
      .patch('/repos/o/r/issues/comments/42', { body: `${MARKER}\nnew` })
      .reply(200, { id: 42, html_url: 'u' })
    expect(await upsertComment(t.client, params('new'))).toEqual({
      action: 'updated',
      id: 42,
      url: 'u'
    })
    expect(nock.isDone()).toBe(true)
  })

  it('leaves an identical comment alone', async () => {
    const t = testClient()
    workflowToken()
    api()
      .get(LIST)
      .query(true)
      .reply(200, [{ id: 42, body: `${MARKER}\nsame`, html_url: 'u', user: bot }])
    expect(await upsertComment(t.client, params(`${MARKER}\nsame`))).toEqual({
      action: 'unchanged',
      id: 42,
      url: 'u'
    })
  })

  it("never edits someone else's comment carrying a forged marker", async () => {
    const t = testClient()
    workflowToken()
    api()
      .get(LIST)
      .query(true)
      .reply(200, [
        { id: 10, body: `${MARKER}\nforged by a person`, user: { login: 'mallory', type: 'User' } },
        { id: 11, body: `quoting ${MARKER} in the middle`, user: bot }
      ])
    api().post(LIST).reply(201, { id: 12 })
    const r = await upsertComment(t.client, params('real'))
    expect(r).toMatchObject({ action: 'created', id: 12 })
    expect(nock.isDone()).toBe(true) // no PATCH was set up, so none can have been sent
  })

  it("with a user token, edits only that user's comment, not another bot's", async () => {
    const t = testClient()
    api().get('/user').reply(200, { login: 'flow-bot' })
    api()
      .get(LIST)
      .query(true)
      .reply(200, [
        { id: 20, body: `${MARKER}\nother bot`, user: { login: 'renovate[bot]', type: 'Bot' } },
        { id: 21, body: `${MARKER}\nmine`, user: { login: 'Flow-Bot', type: 'User' } }
      ])
    api().patch('/repos/o/r/issues/comments/21').reply(200, { id: 21 })
    expect(await upsertComment(t.client, params('update'))).toMatchObject({
      action: 'updated',
      id: 21
    })
    expect(nock.isDone()).toBe(true)
  })

  it('does not duplicate a comment whose create got a 502 but was stored', async () => {
    const t = testClient()
    workflowToken()
    api().get(LIST).query(true).reply(200, [])
    const create = api().post(LIST).reply(502, 'bad gateway')
    api()
      .get(LIST)
      .query(true)
      .reply(200, [{ id: 77, body: `${MARKER}\nbody`, html_url: 'u77', user: bot }])
    const r = await upsertComment(t.client, params('body'))
    expect(r).toEqual({ action: 'created', id: 77, url: 'u77' })
    expect(create.isDone()).toBe(true)
    expect(nock.pendingMocks()).toEqual([])
    expect(t.logs.join('\n')).toContain('checking whether it was stored')
  })

  it('creates once more when the failed create was not stored', async () => {
    const t = testClient()
    workflowToken()
    api().get(LIST).query(true).twice().reply(200, [])
    api().post(LIST).reply(503, 'unavailable').post(LIST).reply(201, { id: 78 })
    expect(await upsertComment(t.client, params('body'))).toMatchObject({
      action: 'created',
      id: 78
    })
    expect(nock.isDone()).toBe(true)
  })

  it('treats an update that got a 502 but was applied as updated', async () => {
    const t = testClient()
    workflowToken()
    api()
      .get(LIST)
      .query(true)
      .reply(200, [{ id: 5, body: `${MARKER}\nold`, user: bot }])
    const patch = api().patch('/repos/o/r/issues/comments/5').reply(502, 'bad gateway')
    api()
      .get(LIST)
      .query(true)
      .reply(200, [{ id: 5, body: `${MARKER}\nnew`, user: bot }])
    expect(await upsertComment(t.client, params('new'))).toMatchObject({ action: 'updated', id: 5 })
    expect(patch.isDone()).toBe(true)
    expect(nock.pendingMocks()).toEqual([])
  })

  it("reports a fork's read-only token as forbidden-fork, so callers can warn", async () => {
    const t = testClient()
    workflowToken()
    api().get(LIST).query(true).reply(200, [])
    api().post(LIST).reply(403, { message: 'Resource not accessible by integration' })
    const e = await caught(upsertComment(t.client, params('body')))
    expect(e).toBeInstanceOf(GitHubError)
    expect(e.kind).toBe('forbidden-fork')
  })

  it('cuts a body over the comment limit with a note', async () => {
    const t = testClient()
    workflowToken()
    api().get(LIST).query(true).reply(200, [])
    let length = 0
    let tail = ''
    api()
      .post(LIST, (b: { body: string }) => {
        length = b.body.length
        tail = b.body.slice(-80)
        return true
      })
      .reply(201, { id: 1 })
    await upsertComment(t.client, params('x'.repeat(70_000)))
    expect(length).toBe(MAX_COMMENT_LENGTH)
    expect(tail).toContain('the full report is in the job summary')
  })

  it('rejects a marker that is not a hidden HTML comment', async () => {
    const t = testClient()
    await expect(
      upsertComment(t.client, { ...params('b'), marker: 'flow-actions' })
    ).rejects.toThrow('hidden HTML comment')
  })
})
