import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals'
import nock from 'nock'
import {
  getPullRequest,
  listPullRequestCommits,
  listPullRequestFiles,
  listPullRequestReviews
} from '../../shared/github/index.js'
import { API, api, testClient } from './helpers.js'

beforeAll(() => nock.disableNetConnect())
afterAll(() => {
  nock.enableNetConnect()
  // Jest may run the next test file in this worker with a fresh nock; leave fetch unpatched for it.
  nock.restore()
})
afterEach(() => nock.cleanAll())

const ref = { owner: 'o', repo: 'r', pullNumber: 7 }

function twoPages(path: string, first: unknown[], second: unknown[]) {
  api()
    .get(path)
    .query({ per_page: '100' })
    .reply(200, first, { link: `<${API}${path}?per_page=100&page=2>; rel="next"` })
    .get(path)
    .query({ per_page: '100', page: '2' })
    .reply(200, second)
}

describe('pull request helpers', () => {
  it('gets a pull request', async () => {
    api().get('/repos/o/r/pulls/7').reply(200, { number: 7, title: 'Add gates' })
    expect(await getPullRequest(testClient().client, ref)).toMatchObject({
      number: 7,
      title: 'Add gates'
    })
  })

  it('lists reviews, commits and files across pages', async () => {
    const { client } = testClient()
    twoPages(
      '/repos/o/r/pulls/7/reviews',
      [{ id: 1, state: 'APPROVED' }],
      [{ id: 2, state: 'CHANGES_REQUESTED' }]
    )
    twoPages('/repos/o/r/pulls/7/commits', [{ sha: 'a' }], [{ sha: 'b' }])
    twoPages('/repos/o/r/pulls/7/files', [{ filename: 'a.ts' }], [{ filename: 'b.ts' }])
    expect((await listPullRequestReviews(client, ref)).map((r) => r.state)).toEqual([
      'APPROVED',
      'CHANGES_REQUESTED'
    ])
    expect((await listPullRequestCommits(client, ref)).map((c) => c.sha)).toEqual(['a', 'b'])
    expect((await listPullRequestFiles(client, ref)).map((f) => f.filename)).toEqual([
      'a.ts',
      'b.ts'
    ])
    expect(nock.isDone()).toBe(true)
  })
})
