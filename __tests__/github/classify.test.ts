import { describe, it, expect } from '@jest/globals'
import { classifyGitHubError, redact } from '../../shared/github/index.js'

const requestError = (
  status: number,
  message: string,
  headers: Record<string, string> = {},
  withResponse = true
) => ({
  name: 'HttpError',
  status,
  message,
  request: { method: 'GET', url: 'https://api.github.com/repos/o/r/pulls/7?access_token=x' },
  ...(withResponse ? { response: { headers, data: {} } } : {})
})

describe('classifyGitHubError', () => {
  it.each([
    [requestError(401, 'Bad credentials'), 'unauthorized', 'the token was rejected'],
    [requestError(404, 'Not Found'), 'not-found', 'not found (404)'],
    [requestError(403, 'Resource not accessible by integration'), 'forbidden-fork', 'read-only'],
    [
      requestError(403, 'API rate limit exceeded', {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1700000000'
      }),
      'rate-limited',
      'resets at 2023-11-14T22:13:20.000Z'
    ],
    [
      requestError(403, 'You have exceeded a secondary rate limit'),
      'rate-limited',
      'secondary rate limit'
    ],
    [requestError(429, 'Too many', { 'Retry-After': '30' }), 'rate-limited', 'retry after 30 s'],
    [
      requestError(403, 'Must have admin rights'),
      'other',
      'forbidden (403 Must have admin rights)'
    ],
    [requestError(502, 'Bad Gateway'), 'server', 'GitHub server error (502'],
    [requestError(500, 'fetch failed', {}, false), 'network', 'network error'],
    [
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      'network',
      'network error'
    ],
    [
      Object.assign(new Error('fetch failed'), { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }),
      'network',
      'network error'
    ],
    [requestError(422, 'Validation Failed'), 'other', '422 Validation Failed'],
    ['a string', 'other', 'a string']
  ])('%#: %s', (error, kind, message) => {
    const c = classifyGitHubError(error)
    expect(c.kind).toBe(kind)
    expect(c.message).toContain(message)
  })

  it('names the request without its query string', () => {
    const c = classifyGitHubError(requestError(404, 'Not Found'))
    expect(c.message.startsWith('GitHub API GET /repos/o/r/pulls/7: ')).toBe(true)
    expect(c.message).not.toContain('access_token')
  })

  it('says a permission is missing when the caller knows the pull request is not from a fork', () => {
    const c = classifyGitHubError(requestError(403, 'Resource not accessible by integration'), {
      fork: false
    })
    expect(c.kind).toBe('other')
    expect(c.message).toContain('permissions: pull-requests: write')
  })

  it('redacts token-shaped text in messages', () => {
    const c = classifyGitHubError(
      new Error('failed with ghp_abcdefghijklmnopqrstuvwxyz0123456789 in it')
    )
    expect(c.message).toBe('GitHub API: failed with *** in it')
  })
})

describe('redact', () => {
  it('removes the given secret and anything shaped like a GitHub token', () => {
    expect(redact('a sekret-value-123 b', ['sekret-value-123'])).toBe('a *** b')
    expect(redact('github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz')).toBe('***')
    expect(redact('Authorization: token abcdef0123456789abcdef0123456789')).toBe(
      'Authorization: token ***'
    )
    expect(redact('Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature')).toBe('Bearer ***')
    expect(redact('short', ['ab'])).toBe('short')
  })
})
