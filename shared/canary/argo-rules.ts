/**
 * Argo Rollouts' analysis semantics, reproduced so users who know Argo get what they expect:
 * how one measurement is judged from success and failure conditions, and how the running counts
 * of a check turn into its phase (failure-limit, inconclusive-limit, consecutive-error-limit).
 */

export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error'
export type CheckPhase = 'Running' | MeasurementPhase

/**
 * Argo's `EvaluateResult`: `undefined` means the condition is not configured.
 * - neither set: Successful
 * - only success set: Failed whenever success is false
 * - only failure set: Successful whenever failure is false
 * - both set: Failed if failure holds (even if success holds too), Inconclusive if neither holds
 */
export function evaluateConditions(
  success: boolean | undefined,
  failure: boolean | undefined
): Exclude<MeasurementPhase, 'Error'> {
  if (success === undefined && failure === undefined) return 'Successful'
  let ok = success ?? false
  let bad = failure ?? false
  if (success !== undefined && failure === undefined) bad = !ok
  if (success === undefined && failure !== undefined) ok = !bad
  if (bad) return 'Failed'
  if (!ok) return 'Inconclusive'
  return 'Successful'
}

export interface CheckCounts {
  count: number
  successful: number
  failed: number
  inconclusive: number
  error: number
  consecutiveError: number
}

export function emptyCounts(): CheckCounts {
  return { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0 }
}

/** Adds one measurement the way Argo's controller does: a non-error resets the error streak. */
export function record(counts: CheckCounts, phase: MeasurementPhase): CheckCounts {
  const next = { ...counts, count: counts.count + 1 }
  if (phase === 'Error') {
    next.error++
    next.consecutiveError++
    return next
  }
  next.consecutiveError = 0
  if (phase === 'Successful') next.successful++
  else if (phase === 'Failed') next.failed++
  else next.inconclusive++
  return next
}

export interface Limits {
  /** Failed measurements tolerated; the check fails when failed > failureLimit. -1 disables. Argo default 0. */
  failureLimit: number
  /** Inconclusive measurements tolerated. -1 disables. Argo default 0. */
  inconclusiveLimit: number
  /** Errors in a row tolerated; the check errors when consecutive errors > limit. -1 disables. Argo default 4. */
  consecutiveErrorLimit: number
}

export const ARGO_DEFAULT_LIMITS: Limits = {
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4
}

/**
 * Argo's `assessMetricFailureInconclusiveOrError` followed by the terminating rule of
 * `assessMetricStatus`. The limits are tested in Argo's order and a later hit overrides an
 * earlier one, so Error wins over Inconclusive, which wins over Failed. A check that is stopped
 * (`terminating`, i.e. its step ended) without hitting a limit is Successful.
 */
export function assessCheck(
  counts: CheckCounts,
  limits: Limits,
  terminating = false
): { phase: CheckPhase; message: string } {
  let phase: CheckPhase | undefined
  let message = ''
  if (limits.failureLimit >= 0 && counts.failed > limits.failureLimit) {
    phase = 'Failed'
    message = `failed (${counts.failed}) > failure-limit (${limits.failureLimit})`
  }
  if (limits.inconclusiveLimit >= 0 && counts.inconclusive > limits.inconclusiveLimit) {
    phase = 'Inconclusive'
    message = `inconclusive (${counts.inconclusive}) > inconclusive-limit (${limits.inconclusiveLimit})`
  }
  if (limits.consecutiveErrorLimit >= 0 && counts.consecutiveError > limits.consecutiveErrorLimit) {
    phase = 'Error'
    message = `consecutive errors (${counts.consecutiveError}) > consecutive-error-limit (${limits.consecutiveErrorLimit})`
  }
  if (phase) return { phase, message }
  if (!terminating) return { phase: 'Running', message: '' }
  // Argo calls a stopped check Successful when no limit was hit, even with nothing but errors
  // below consecutive-error-limit: here a check with no Successful measurement never passes.
  if (counts.successful === 0)
    return {
      phase: noSuccessPhase(counts),
      message: `no Successful measurement (${describeCounts(counts)})`
    }
  return { phase: 'Successful', message: 'no limit was exceeded' }
}

/** The phase of a check that had no (or too few) Successful measurements: its most common other outcome, the worse on a tie. */
export function noSuccessPhase(
  counts: Pick<CheckCounts, 'failed' | 'inconclusive' | 'error'>
): Exclude<MeasurementPhase, 'Successful'> {
  const ranked: Array<[Exclude<MeasurementPhase, 'Successful'>, number]> = [
    ['Failed', counts.failed],
    ['Error', counts.error],
    ['Inconclusive', counts.inconclusive]
  ]
  const top = ranked.reduce((best, next) => (next[1] > best[1] ? next : best))
  return top[1] === 0 ? 'Inconclusive' : top[0]
}

export function describeCounts(
  counts: Pick<CheckCounts, 'count' | 'successful' | 'failed' | 'inconclusive' | 'error'>
): string {
  if (counts.count === 0) return 'not measured'
  return `${counts.count} measurement(s): ${counts.successful} successful, ${counts.failed} failed, ${counts.inconclusive} inconclusive, ${counts.error} error(s)`
}

/** Argo's order of phases from best to worst (`orderedPhases`), used to combine checks. */
const ORDER: readonly CheckPhase[] = ['Running', 'Successful', 'Inconclusive', 'Error', 'Failed']

export function worstPhase(phases: readonly CheckPhase[]): CheckPhase {
  let worst: CheckPhase = 'Successful'
  for (const p of phases) if (ORDER.indexOf(p) > ORDER.indexOf(worst)) worst = p
  return worst
}
