import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { GitHubError, classifyGitHubError, lowerCaseHeaders } from './errors.js'
import { redact } from '../redact.js'

export interface GitHubClientOptions {
  token: string
  /** API root, e.g. https://ghe.example.com/api/v3; defaults to GITHUB_API_URL or api.github.com. */
  baseUrl?: string
  /** Longest rate-limit wait to sit out; a longer one fails at once, naming the reset time. */
  maxWaitSeconds?: number
  /** Retries of a GET after a 5xx or network error, and of any request after a rate limit. */
  retries?: number
  log?: (msg: string) => void
  /** Injectable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>
}

export type Octokit = ReturnType<typeof getOctokit>

export interface GitHubClient {
  readonly octokit: Octokit
  /** Logs through the caller's logger with tokens redacted. */
  readonly log: (msg: string) => void
  readonly redact: (text: string) => string
  /**
   * The login the token acts as, or undefined when the API will not say: GITHUB_TOKEN and app
   * installation tokens get 403 from GET /user, and their comments come from a Bot account.
   */
  viewerLogin(): Promise<string | undefined>
}

export const DEFAULT_MAX_WAIT_SECONDS = 60
export const DEFAULT_RETRIES = 3

// Requests that are safe to repeat after an answer that may have been applied (5xx, reset
// connection). A POST that timed out may have created a comment; repeating it could duplicate it.
const IDEMPOTENT = new Set(['GET', 'HEAD'])

interface RequestOptions {
  method?: string
  url?: string
  request?: { retries?: number; retryCount?: number }
  [key: string]: unknown
}

interface HookedOctokit {
  hook: {
    before(name: 'request', fn: (options: RequestOptions) => Promise<void> | void): void
    error(name: 'request', fn: (error: unknown, options: RequestOptions) => unknown): void
  }
}

/** Exponential backoff for retried GETs: 1 s, 2 s, 4 s … capped at 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1))
}

export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  if (typeof opts.token !== 'string' || opts.token.trim() === '') {
    throw new GitHubError(
      'unauthorized',
      0,
      'no GitHub token was given; pass the token input (the default is the workflow token)'
    )
  }
  const token = opts.token.trim()
  const maxWait = opts.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS
  const retries = Math.max(0, Math.floor(opts.retries ?? DEFAULT_RETRIES))
  const sleep =
    opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const scrub = (text: string) => redact(text, [token])
  const log = (msg: string) => opts.log?.(scrub(msg))

  // What happened to a request, keyed by its options object (the one object every hook and both
  // plugins see for one call): the last retryable failure, and why a rate-limit wait was refused.
  const lastFailure = new WeakMap<object, string>()
  const refusal = new WeakMap<object, { message: string; resetAt?: Date }>()

  const describe = (o: RequestOptions) => `${o.method ?? 'GET'} ${routeOf(o)}`

  // Typed loosely because the plugin declares its handlers as returning void, yet awaits them and
  // retries when they resolve to true.
  const onLimit = (kind: 'primary' | 'secondary') =>
    (async (
      retryAfter: number,
      options: RequestOptions,
      _octokit: unknown,
      retryCount: number
    ): Promise<boolean> => {
      const seconds = Math.max(0, Math.ceil(Number(retryAfter) || 0))
      const resetAt = new Date(Date.now() + seconds * 1000)
      const what = kind === 'primary' ? 'primary rate limit exhausted' : 'secondary rate limit hit'
      if (retryCount >= retries) {
        refusal.set(options, {
          message: `${what}; still limited after ${retries} ${retries === 1 ? 'retry' : 'retries'}, it resets at ${resetAt.toISOString()}`,
          resetAt
        })
        return false
      }
      if (seconds > maxWait) {
        refusal.set(options, {
          message: `${what}; it resets at ${resetAt.toISOString()} (in ${seconds} s), longer than the ${maxWait} s this step will wait`,
          resetAt
        })
        return false
      }
      log(
        `GitHub API ${describe(options)}: ${what}; waiting ${seconds} s (retry ${retryCount + 1} of ${retries})`
      )
      await sleep(seconds * 1000)
      return true
    }) as unknown as () => void

  // Registered before plugin-retry, so its hooks run inside the retry loop: once per attempt.
  const attemptHooks = (octokit: HookedOctokit) => {
    octokit.hook.before('request', async (options) => {
      const method = (options.method ?? 'GET').toUpperCase()
      if (!IDEMPOTENT.has(method) && options.request) options.request.retries = 0
      const failure = lastFailure.get(options)
      const attempt = options.request?.retryCount ?? 0
      if (failure !== undefined && attempt > 0) {
        lastFailure.delete(options)
        const ms = backoffMs(attempt)
        log(
          `GitHub API ${describe(options)}: ${failure}; retry ${attempt} of ${retries} in ${ms / 1000} s`
        )
        await sleep(ms)
      }
    })
    octokit.hook.error('request', (error, options) => {
      const status = (error as { status?: number }).status ?? 0
      markSecondaryLimit(error, status)
      const method = (options.method ?? 'GET').toUpperCase()
      if (IDEMPOTENT.has(method) && (status >= 500 || status === 0)) {
        lastFailure.set(
          options,
          status >= 500 && (error as { response?: unknown }).response
            ? `server error ${status}`
            : 'network error'
        )
      }
      throw error
    })
    return {}
  }

  // Registered last, so it is the outermost hook: every failure leaves as a redacted GitHubError.
  const finalErrors = (octokit: HookedOctokit) => {
    octokit.hook.error('request', (error, options) => {
      if (error instanceof GitHubError) throw error
      const status =
        typeof (error as { status?: unknown }).status === 'number'
          ? (error as { status: number }).status
          : 0
      const refused = refusal.get(options)
      if (refused) {
        throw new GitHubError(
          'rate-limited',
          status,
          scrub(`GitHub API ${describe(options)}: ${refused.message}`),
          refused.resetAt
        )
      }
      const { kind, message } = classifyGitHubError(error)
      const headers = lowerCaseHeaders(
        (error as { response?: { headers?: Record<string, unknown> } }).response?.headers
      )
      const reset = Number(headers['x-ratelimit-reset'])
      const resetAt = kind === 'rate-limited' && reset > 0 ? new Date(reset * 1000) : undefined
      throw new GitHubError(kind, status, scrub(message), resetAt)
    })
    return {}
  }

  const octokit = getOctokit(
    token,
    {
      ...(opts.baseUrl ? { baseUrl: opts.baseUrl.replace(/\/+$/, '') } : {}),
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => log(String(m)),
        error: (m: string) => log(String(m))
      },
      retry: {
        retries,
        // Rate limits are plugin-throttling's to handle, with their reset headers.
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        // Backoff is slept in attemptHooks through the injectable sleep, not by Bottleneck.
        retryAfterBaseValue: 0
      },
      throttle: {
        // A key per client: the write spacing (1 s, 3 s for notifying writes) applies within
        // one run, not across unrelated clients in the same process.
        id: `flow-actions-${Math.random().toString(36).slice(2)}`,
        retryAfterBaseValue: 0,
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary')
      }
    },
    attemptHooks as never,
    retry,
    throttling,
    finalErrors as never
  )

  let viewer: Promise<string | undefined> | undefined
  return {
    octokit,
    log,
    redact: scrub,
    viewerLogin() {
      viewer ??= octokit.rest.users.getAuthenticated().then(
        (r) => r.data.login,
        (e: unknown) => {
          const kind = classifyGitHubError(e).kind
          if (kind === 'network' || kind === 'server' || kind === 'rate-limited') throw e
          return undefined
        }
      )
      return viewer
    }
  }
}

/**
 * plugin-throttling recognises a secondary limit only by the words "secondary rate" in the
 * message. GitHub also signals one with a bare 429, or a 403/429 carrying retry-after; label
 * those so the plugin waits (retry-after, else 60 s) instead of failing at once.
 */
function markSecondaryLimit(error: unknown, status: number): void {
  if (status !== 403 && status !== 429) return
  const e = error as { message?: unknown; response?: { headers?: Record<string, unknown> } }
  const headers = lowerCaseHeaders(e.response?.headers)
  if (headers['x-ratelimit-remaining'] === '0') return
  if (typeof e.message !== 'string' || /\bsecondary rate\b/i.test(e.message)) return
  if (status === 429 || headers['retry-after'] !== undefined) e.message += ' (secondary rate limit)'
}

function routeOf(o: RequestOptions): string {
  const url = typeof o.url === 'string' ? o.url : ''
  // The route template (`/repos/{owner}/{repo}/…`) with the call's values filled in, without query.
  const filled = url.replace(/\{(\w+)\}/g, (m, name: string) =>
    typeof o[name] === 'string' || typeof o[name] === 'number' ? String(o[name]) : m
  )
  try {
    return new URL(filled, 'https://api.github.invalid').pathname
  } catch {
    return filled
  }
}
