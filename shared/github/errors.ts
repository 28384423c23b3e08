import { redact } from '../redact.js'

export type GitHubErrorKind =
  'forbidden-fork' | 'rate-limited' | 'unauthorized' | 'not-found' | 'server' | 'network' | 'other'

export interface GitHubErrorClass {
  kind: GitHubErrorKind
  message: string
}

/**
 * An API failure with a message a user can act on. The client throws these (never the raw
 * RequestError, whose `request` and `response` carry headers that are not ours to print).
 */
export class GitHubError extends Error {
  readonly kind: GitHubErrorKind
  /** HTTP status; 0 when no response arrived. */
  readonly status: number
  /** When a rate limit resets, if GitHub said. */
  readonly resetAt?: Date
  constructor(kind: GitHubErrorKind, status: number, message: string, resetAt?: Date) {
    super(message)
    this.name = 'GitHubError'
    this.kind = kind
    this.status = status
    this.resetAt = resetAt
  }
}

interface ErrorShape {
  status?: unknown
  message?: unknown
  code?: unknown
  name?: unknown
  response?: { headers?: Record<string, unknown>; data?: unknown }
  request?: { method?: unknown; url?: unknown }
  cause?: unknown
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
])

const PERMISSION_HINT =
  'the token lacks a permission (403 Resource not accessible by integration); grant it in the workflow, e.g. permissions: pull-requests: write'

export interface ClassifyContext {
  /**
   * Whether the pull request comes from a fork. When false, a read-only token is a permissions
   * mistake in the workflow, not a fork, and is not classified as 'forbidden-fork'.
   */
  fork?: boolean
}

/** What went wrong, in words that say what to do; callers decide whether it fails or warns. */
export function classifyGitHubError(e: unknown, context: ClassifyContext = {}): GitHubErrorClass {
  if (e instanceof GitHubError) {
    if (e.kind === 'forbidden-fork' && context.fork === false) {
      return {
        kind: 'other',
        message: e.message.replace(/the token is read-only .*$/, PERMISSION_HINT)
      }
    }
    return { kind: e.kind, message: e.message }
  }
  const err = (typeof e === 'object' && e !== null ? e : {}) as ErrorShape
  const raw = redact(typeof err.message === 'string' ? err.message : String(e))
  const status = typeof err.status === 'number' ? err.status : 0
  const where = describeRequest(err)
  const prefix = where ? `GitHub API ${where}: ` : 'GitHub API: '
  const headers = lowerCaseHeaders(err.response?.headers)

  if (status === 0 || (status === 500 && err.response === undefined)) {
    if (isNetworkError(err)) return { kind: 'network', message: `${prefix}network error (${raw})` }
    if (status === 0) return { kind: 'other', message: `${prefix}${raw}` }
  }
  if (status === 401) {
    return {
      kind: 'unauthorized',
      message: `${prefix}the token was rejected (401 ${raw}); check the token input and that it has not expired`
    }
  }
  if (status === 403 || status === 429) {
    const limit = rateLimitOf(status, raw, headers)
    if (limit) return { kind: 'rate-limited', message: `${prefix}${limit}` }
    if (/resource not accessible by integration/i.test(raw)) {
      if (context.fork === false) {
        return { kind: 'other', message: `${prefix}${PERMISSION_HINT}` }
      }
      return {
        kind: 'forbidden-fork',
        message: `${prefix}the token is read-only (403 ${raw}), as it is for a pull request from a fork; results are in the job summary instead`
      }
    }
    return { kind: 'other', message: `${prefix}forbidden (${status} ${raw})` }
  }
  if (status === 404) {
    return {
      kind: 'not-found',
      message: `${prefix}not found (404): the repository, pull request or comment does not exist, or the token cannot see it`
    }
  }
  if (status >= 500)
    return { kind: 'server', message: `${prefix}GitHub server error (${status} ${raw})` }
  return { kind: 'other', message: `${prefix}${status ? `${status} ` : ''}${raw}` }
}

function isNetworkError(err: ErrorShape): boolean {
  for (let c: unknown = err, depth = 0; c && depth < 5; c = (c as ErrorShape).cause, depth++) {
    const code = (c as ErrorShape).code
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
    const name = (c as ErrorShape).name
    if (name === 'AbortError' || name === 'TimeoutError') return true
    const message = (c as ErrorShape).message
    if (
      typeof message === 'string' &&
      /fetch failed|socket hang up|network|ECONN|ETIMEDOUT/i.test(message)
    )
      return true
  }
  return false
}

function rateLimitOf(
  status: number,
  message: string,
  headers: Record<string, string>
): string | undefined {
  const reset = Number(headers['x-ratelimit-reset'])
  if (headers['x-ratelimit-remaining'] === '0') {
    const when =
      Number.isFinite(reset) && reset > 0
        ? `; it resets at ${new Date(reset * 1000).toISOString()}`
        : ''
    return `primary rate limit exhausted (${status})${when}`
  }
  const retryAfter = Number(headers['retry-after'])
  if (/secondary rate limit/i.test(message) || headers['retry-after'] !== undefined) {
    const after = Number.isFinite(retryAfter) ? `; retry after ${retryAfter} s` : ''
    return `secondary rate limit (${status})${after}`
  }
  if (status === 429 || /rate limit/i.test(message)) return `rate limited (${status} ${message})`
  return undefined
}

function describeRequest(err: ErrorShape): string {
  const method = typeof err.request?.method === 'string' ? err.request.method : ''
  const url = typeof err.request?.url === 'string' ? err.request.url : ''
  if (!method && !url) return ''
  let path = url
  try {
    path = new URL(url, 'https://api.github.invalid').pathname
  } catch {
    // keep the raw text; redaction below still applies
  }
  return redact(`${method} ${path}`.trim())
}

export function lowerCaseHeaders(
  headers: Record<string, unknown> | undefined
): Record<string, string> {
  const out: Record<string, string> = {}
  if (!headers) return out
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined && v !== null) out[k.toLowerCase()] = String(v)
  return out
}
