export interface RetryOptions {
  attempts: number
  /** First wait; doubles after each failure (exponential backoff). */
  backoffMs: number
  /** Absolute time (clock.now()) after which no attempt starts; Infinity when unbounded. */
  deadline: number
  /** Upper bound for one attempt, shortened near the deadline. */
  attemptTimeoutMs: number
  now(): number
  sleep(ms: number): Promise<void>
  attempt(n: number, timeoutMs: number): Promise<{ ok: boolean; message: string }>
  onFailedAttempt?(n: number, message: string): void
}

export interface RetryResult {
  ok: boolean
  attempts: number
  message: string
}

/**
 * Retries a rollback with exponential backoff. Near a deadline (cancellation: the runner kills
 * the job 7.5 s after SIGINT) attempts are shortened and waits clipped so we stop in time and
 * can still say what happened.
 */
export async function retryWithBackoff(opts: RetryOptions): Promise<RetryResult> {
  let attempts = 0
  let message = 'no attempt could start before the deadline'
  for (let n = 1; n <= opts.attempts; n++) {
    const remaining = opts.deadline - opts.now()
    if (remaining <= 100) break
    attempts = n
    const result = await opts.attempt(n, Math.min(opts.attemptTimeoutMs, remaining))
    message = result.message
    if (result.ok) return { ok: true, attempts, message }
    opts.onFailedAttempt?.(n, message)
    if (n < opts.attempts) {
      const wait = Math.min(
        opts.backoffMs * 2 ** (n - 1),
        Math.max(0, opts.deadline - opts.now() - 500)
      )
      await opts.sleep(wait)
    }
  }
  return { ok: false, attempts, message }
}
