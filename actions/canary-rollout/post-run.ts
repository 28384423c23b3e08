import { booleanInput, createRunnerIO, runAction, type ActionIO } from '../../shared/action.js'
import { ConfigurationError } from '../../shared/errors.js'
import { escapeMarkdown } from '../../shared/escape.js'
import { durationInput, integerInput } from '../../shared/inputs.js'
import { runPlatformCommand } from '../../shared/canary/platform-command.js'
import { retryWithBackoff } from '../../shared/canary/rollback-retry.js'
import { systemClock, type Clock } from '../../shared/canary/rollout-controller.js'
import { STATE } from './state-keys.js'
import { INPUTS } from '../../shared/canary/action-names.js'

export interface PostDeps {
  io: ActionIO
  clock: Clock
}

/**
 * The post step (post-if: always()): if the main step saved that a rollout was running, or that
 * its rollback failed, and never that it finished, the main step was killed or cancelled before
 * it could clean up, so roll back now.
 */
export async function runPost(partial: Partial<PostDeps> = {}): Promise<void> {
  const io = partial.io ?? createRunnerIO()
  const clock = partial.clock ?? systemClock
  await runAction('canary-rollout (post)', io, async () => {
    const phase = io.getState(STATE.phase)
    if (phase === '' || phase === 'finished') {
      io.info(
        phase === ''
          ? 'No rollout was started: nothing to undo.'
          : 'The rollout finished: nothing to undo.'
      )
      return
    }
    if (io.getState(STATE.dryRun) === 'true' || booleanInput(io, INPUTS.dryRun, false)) {
      io.info('Dry run: nothing was applied, nothing to undo.')
      return
    }
    const weight = io.getState(STATE.weight) || 'unknown'
    const step = io.getState(STATE.step) || '0'
    const command = io.getInput(INPUTS.rollbackCommand)
    if (!command)
      throw new ConfigurationError(
        `The rollout did not finish (last weight ${weight}%) and no rollback-command is set: route traffic back by hand.`
      )
    // The same readers and bounds as the main step, so the post step cannot read a value the main step refused.
    const attempts = integerInput(io, INPUTS.rollbackAttempts, 3, { min: 1, max: 20 })
    const backoffMs = durationInput(io, INPUTS.rollbackBackoff, '2s', { maxMs: 600_000 })
    const timeoutMs = durationInput(io, INPUTS.commandTimeout, '5m', { maxMs: 3_600_000 })
    io.info(
      `The main step did not finish the rollout (state "${phase}", last weight ${weight}%): rolling back.`
    )
    const result = await retryWithBackoff({
      attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 3,
      backoffMs,
      deadline: Number.POSITIVE_INFINITY,
      attemptTimeoutMs: timeoutMs,
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      attempt: async () => {
        const r = await runPlatformCommand(
          {
            name: 'rollback',
            command,
            env: {
              CANARY_WEIGHT: '0',
              CANARY_STEP: step,
              CANARY_PREVIOUS_WEIGHT: /^\d+(\.\d+)?$/.test(weight) ? weight : ''
            },
            timeoutMs
          },
          io
        )
        return { ok: r.ok, message: r.message }
      },
      onFailedAttempt: (n, message) =>
        io.warning(`post-step rollback attempt ${n} failed: ${message}`)
    })
    io.saveState(STATE.phase, result.ok ? 'finished' : 'rollback-failed')
    if (result.ok) {
      io.appendSummary(
        `## Canary rollout: ↩️ rolled back by the post step\n\nThe main step ended before the rollout finished (last weight applied: ${escapeMarkdown(weight)}%). The rollback command succeeded after ${result.attempts} attempt(s).\n`
      )
      io.info('Rolled back.')
    } else {
      io.appendSummary(
        `## Canary rollout: traffic state unknown\n\n> [!CAUTION]\n> The post step could not roll back after ${result.attempts} attempt(s) (last error: ${escapeMarkdown(result.message)}). ` +
          `The last weight applied was **${escapeMarkdown(weight)}%** (step ${escapeMarkdown(step)}). Route traffic back to the stable version by hand.\n`
      )
      io.setFailed(
        `canary-rollout (post): the rollback FAILED after ${result.attempts} attempt(s): ${result.message}. Traffic state is unknown; the last weight applied was ${weight}%.`
      )
    }
  })
}
