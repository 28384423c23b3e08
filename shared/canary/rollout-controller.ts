import {
  assessCheck,
  describeCounts,
  emptyCounts,
  noSuccessPhase,
  record,
  worstPhase,
  type CheckPhase,
  type Limits
} from './argo-rules.js'
import type { Measurement } from './measurement.js'
import type { CommandName, CommandResult } from './platform-command.js'
import type {
  CheckRecord,
  CommandRecord,
  Decision,
  RolloutOutcome,
  StepRecord
} from './rollout-record.js'
import { retryWithBackoff } from './rollback-retry.js'
import type { RolloutSettings } from './settings.js'
import { safeOutput } from '../escape.js'

export type MeasuredCheck = Omit<Measurement, 'at' | 'step'>

export interface Clock {
  now(): number
  /** Resolves after ms, or early when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      signal?.addEventListener('abort', done, { once: true })
    })
}

export interface ProgressState {
  /** 'rollback-failed' tells the post step to try the rollback again. */
  phase: 'running' | 'finished' | 'rollback-failed'
  lastAppliedWeight: number
  step: number
  decision?: Decision
}

export interface RolloutDeps {
  settings: RolloutSettings
  /** Takes one measurement of every check (probes and metrics). */
  measure(signal: AbortSignal): Promise<MeasuredCheck[]>
  /** The checks that exist, so counts start at zero even before the first measurement. */
  checks: Array<Pick<CheckRecord, 'name' | 'kind' | 'critical'>>
  runCommand(
    name: CommandName,
    command: string,
    env: Record<string, string>,
    timeoutMs: number,
    signal?: AbortSignal
  ): Promise<CommandResult>
  clock?: Clock
  log: { info(line: string): void; warning(line: string): void }
  /** Called whenever traffic changes, so the post step knows what to undo. */
  onProgress(state: ProgressState): void
  /** Aborted on SIGINT/SIGTERM: stop, roll back within the budget, report. */
  cancel: AbortSignal
  /** How long a rollback may take once cancelled: the runner kills us 7.5 s after SIGINT. */
  cancelBudgetMs?: number
}

export const DEFAULT_CANCEL_BUDGET_MS = 4000

/**
 * Drives one canary rollout: for each weight, apply it, then measure every interval for the
 * step's duration, judging each check with Argo's limits. A failed check (or an errored one,
 * by configuration) rolls back at once; an inconclusive one holds the traffic where it is and
 * ends the rollout without promotion (or rolls back, by configuration). After the last step the
 * promote command runs. Cancellation rolls back within a bounded time.
 */
export async function runRollout(deps: RolloutDeps): Promise<RolloutOutcome> {
  const { settings, log } = deps
  const clock = deps.clock ?? systemClock
  const startedAt = clock.now()
  const since = () => clock.now() - startedAt
  const outcome: RolloutOutcome = {
    decision: 'promoted',
    reason: '',
    dryRun: settings.dryRun,
    finalWeight: 0,
    lastAppliedWeight: 0,
    trafficState: 'known',
    startedAt,
    durationMs: 0,
    steps: [],
    checks: deps.checks.map((c) => ({
      ...c,
      counts: emptyCounts(),
      phase: 'Running',
      message: ''
    })),
    measurements: [],
    decisions: [],
    commands: [],
    failedChecks: []
  }
  const checkByName = new Map(outcome.checks.map((c) => [c.name, c]))
  let touchedTraffic = false
  let currentStep = 0

  const command = async (
    name: CommandName,
    text: string | undefined,
    weight: number,
    step: number,
    timeoutMs: number,
    signal?: AbortSignal,
    attempt = 1
  ): Promise<boolean> => {
    const env = {
      CANARY_WEIGHT: String(weight),
      CANARY_STEP: String(step),
      CANARY_PREVIOUS_WEIGHT: String(outcome.lastAppliedWeight)
    }
    const entry: CommandRecord = {
      name,
      at: since(),
      step,
      weight,
      attempt,
      ok: true,
      dryRun: settings.dryRun,
      durationMs: 0,
      message: '',
      tail: []
    }
    outcome.commands.push(entry)
    if (settings.dryRun || text === undefined) {
      entry.message = settings.dryRun
        ? `dry run: not run (CANARY_WEIGHT=${weight}, CANARY_STEP=${step})`
        : 'no command configured'
      log.info(`${name}: ${entry.message}`)
      return true
    }
    if (name !== 'rollback') touchedTraffic = true
    const result = await deps.runCommand(name, text, env, timeoutMs, signal)
    Object.assign(entry, {
      ok: result.ok,
      durationMs: result.durationMs,
      message: result.message,
      tail: result.tail
    })
    return result.ok
  }

  const decide = (
    action: RolloutOutcome['decisions'][number]['action'],
    weight: number,
    reason: string
  ) => {
    outcome.decisions.push({ at: since(), step: currentStep, weight, action, reason })
    // The reason carries check names and probe responses: one line, so none of it can start a workflow command.
    log.info(
      `decision at step ${currentStep} (${weight}%): ${action}${reason ? ` - ${safeOutput(reason, 2000)}` : ''}`
    )
  }

  const save = (phase: ProgressState['phase']) =>
    deps.onProgress({
      phase,
      lastAppliedWeight: outcome.lastAppliedWeight,
      step: currentStep,
      decision: phase === 'running' ? undefined : outcome.decision
    })

  const rollback = async (decision: Decision, reason: string): Promise<void> => {
    outcome.decision = decision
    outcome.reason = reason
    decide(decision === 'aborted' ? 'abort' : 'rollback', outcome.lastAppliedWeight, reason)
    if (!touchedTraffic && !settings.dryRun) {
      outcome.finalWeight = outcome.lastAppliedWeight
      return
    }
    const cancelled = deps.cancel.aborted
    const started = clock.now()
    const result = await retryWithBackoff({
      attempts: settings.rollbackAttempts,
      backoffMs: settings.rollbackBackoffMs,
      deadline: cancelled
        ? started + (deps.cancelBudgetMs ?? DEFAULT_CANCEL_BUDGET_MS)
        : Number.POSITIVE_INFINITY,
      attemptTimeoutMs: settings.commandTimeoutMs,
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      attempt: async (n, timeoutMs) => {
        const ok = await command(
          'rollback',
          settings.commands.rollback,
          0,
          currentStep,
          timeoutMs,
          undefined,
          n
        )
        return { ok, message: outcome.commands[outcome.commands.length - 1].message }
      },
      onFailedAttempt: (n, message) =>
        log.warning(`rollback attempt ${n} of ${settings.rollbackAttempts} failed: ${message}`)
    })
    outcome.rollback = {
      attempts: result.attempts,
      ok: result.ok,
      message: result.message,
      durationMs: clock.now() - started
    }
    if (result.ok) {
      outcome.lastAppliedWeight = 0
      outcome.finalWeight = 0
      return
    }
    outcome.trafficState = 'unknown'
    outcome.finalWeight = outcome.lastAppliedWeight
  }

  const limitsFor = (c: CheckRecord): Limits =>
    c.critical ? { ...settings.limits, failureLimit: 0 } : settings.limits

  /** Records one tick of measurements and returns the worst check phase. */
  const judgeTick = (
    measured: MeasuredCheck[],
    step: number
  ): { phase: CheckPhase; reason: string } => {
    const at = since()
    for (const m of measured) {
      const check = checkByName.get(m.check)
      if (!check) continue
      outcome.measurements.push({ ...m, at, step })
      check.counts = record(check.counts, m.phase)
    }
    const bad: string[] = []
    for (const c of outcome.checks) {
      const assessed = assessCheck(c.counts, limitsFor(c))
      c.phase = assessed.phase
      c.message = assessed.message
      if (assessed.phase !== 'Running') {
        const last = measured.find((m) => m.check === c.name)
        bad.push(
          `${c.name} ${assessed.phase.toLowerCase()}: ${assessed.message}${last ? ` (last: ${last.message})` : ''}`
        )
      }
    }
    return { phase: worstPhase(outcome.checks.map((c) => c.phase)), reason: bad.join('; ') }
  }

  /**
   * Argo's limits only count what went wrong, so a step measured by nothing but errors and
   * inconclusives (below their limits) would pass. A step passes only when each check had at
   * least min-measurements Successful measurements in it, and at least half of its measurements.
   */
  const shortOfSuccesses = (
    stepIndex: number
  ): { phase: Exclude<CheckPhase, 'Running' | 'Successful'>; reason: string } | undefined => {
    const minimum = settings.minMeasurements ?? 1
    const phases: CheckPhase[] = []
    const reasons: string[] = []
    for (const c of outcome.checks) {
      const ms = outcome.measurements.filter((m) => m.step === stepIndex && m.check === c.name)
      const counts = ms.reduce((acc, m) => record(acc, m.phase), emptyCounts())
      const needed = Math.max(minimum, Math.ceil(ms.length / 2))
      if (counts.successful >= needed) continue
      const phase = noSuccessPhase(counts)
      const last = ms[ms.length - 1]
      c.phase = phase
      c.message = `${counts.successful} Successful measurement(s) in step ${stepIndex}, fewer than the ${needed} needed (min-measurements ${minimum}, and at least half); ${describeCounts(counts)}`
      phases.push(phase)
      reasons.push(
        `${c.name} ${phase.toLowerCase()}: ${c.message}${last ? ` (last: ${last.message})` : ''}`
      )
    }
    if (phases.length === 0) return undefined
    return {
      phase: worstPhase(phases) as Exclude<CheckPhase, 'Running' | 'Successful'>,
      reason: reasons.join('; ')
    }
  }

  /** Applies the configured reaction to a non-passing phase. Returns true when the rollout ends. */
  const react = async (phase: CheckPhase, reason: string, weight: number): Promise<boolean> => {
    if (phase === 'Running' || phase === 'Successful') return false
    const effective =
      phase === 'Error' && settings.onError === 'inconclusive' ? 'Inconclusive' : phase
    if (effective === 'Inconclusive' && settings.onInconclusive === 'hold') {
      outcome.decision = 'inconclusive'
      outcome.reason = reason
      outcome.finalWeight = settings.dryRun ? weight : outcome.lastAppliedWeight
      decide(
        'hold',
        weight,
        `${reason}; traffic is held at ${outcome.finalWeight}% for a human to decide`
      )
      return true
    }
    await rollback('rolled-back', reason)
    return true
  }

  save('running')
  try {
    for (let i = 0; i < settings.weights.length; i++) {
      const weight = settings.weights[i]
      currentStep = i + 1
      if (deps.cancel.aborted) break
      const step: StepRecord = {
        index: currentStep,
        weight,
        startedAt: since(),
        outcome: 'running'
      }
      outcome.steps.push(step)
      decide('set-weight', weight, `step ${currentStep} of ${settings.weights.length}`)
      const applied = await command(
        'set-weight',
        settings.commands.setWeight,
        weight,
        currentStep,
        settings.commandTimeoutMs,
        deps.cancel
      )
      if (deps.cancel.aborted) {
        step.outcome = 'aborted'
        break
      }
      if (!applied) {
        step.outcome = 'command-failed'
        step.endedAt = since()
        await rollback(
          'rolled-back',
          `the set-weight command failed at ${weight}%: ${outcome.commands[outcome.commands.length - 1].message}`
        )
        return finish()
      }
      outcome.lastAppliedWeight = weight
      outcome.finalWeight = weight
      save('running')
      const stepEnd = clock.now() + settings.stepDurationMs
      for (;;) {
        const tickStart = clock.now()
        const measured = await deps.measure(deps.cancel)
        if (deps.cancel.aborted) break
        const judged = judgeTick(measured, currentStep)
        if (judged.phase !== 'Running') {
          step.outcome =
            judged.phase === 'Failed'
              ? 'failed'
              : judged.phase === 'Error'
                ? 'error'
                : 'inconclusive'
          step.endedAt = since()
          if (await react(judged.phase, judged.reason, weight)) return finish()
        }
        const nextTick = tickStart + settings.intervalMs
        if (nextTick >= stepEnd) break
        await clock.sleep(nextTick - clock.now(), deps.cancel)
        if (deps.cancel.aborted) break
      }
      if (deps.cancel.aborted) {
        step.outcome = 'aborted'
        step.endedAt = since()
        break
      }
      await clock.sleep(stepEnd - clock.now(), deps.cancel)
      if (deps.cancel.aborted) {
        step.outcome = 'aborted'
        step.endedAt = since()
        break
      }
      const short = shortOfSuccesses(currentStep)
      if (short) {
        step.outcome =
          short.phase === 'Failed' ? 'failed' : short.phase === 'Error' ? 'error' : 'inconclusive'
        step.endedAt = since()
        if (await react(short.phase, short.reason, weight)) return finish()
      }
      step.outcome = 'passed'
      step.endedAt = since()
      decide('continue', weight, `every check passed during step ${currentStep}`)
    }
    if (deps.cancel.aborted) {
      await rollback(
        'aborted',
        `cancelled (${String(deps.cancel.reason ?? 'signal')}) during step ${currentStep}`
      )
      return finish()
    }
    for (const c of outcome.checks) {
      const assessed = assessCheck(c.counts, limitsFor(c), true)
      c.phase = assessed.phase
      c.message = assessed.message
    }
    decide('promote', 100, 'every step passed')
    if (
      !(await command(
        'promote',
        settings.commands.promote,
        100,
        settings.weights.length,
        settings.commandTimeoutMs,
        deps.cancel
      ))
    ) {
      await rollback(
        deps.cancel.aborted ? 'aborted' : 'rolled-back',
        `the promote command failed: ${outcome.commands[outcome.commands.length - 1].message}`
      )
      return finish()
    }
    outcome.decision = 'promoted'
    outcome.reason = 'every step passed'
    outcome.finalWeight =
      settings.commands.promote || settings.dryRun ? 100 : outcome.lastAppliedWeight
    outcome.lastAppliedWeight = outcome.finalWeight
    return finish()
  } catch (error) {
    // An internal failure must not leave traffic on an unjudged canary.
    await rollback('aborted', `internal error: ${(error as Error).message}`)
    return finish()
  }

  function finish(): RolloutOutcome {
    outcome.durationMs = clock.now() - startedAt
    outcome.failedChecks = outcome.checks
      .filter((c) => c.phase === 'Failed' || c.phase === 'Error' || c.phase === 'Inconclusive')
      .map((c) => c.name)
    save(outcome.trafficState === 'unknown' ? 'rollback-failed' : 'finished')
    return outcome
  }
}
