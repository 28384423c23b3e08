import { REPORT_SCHEMA_ID, REPORT_VERSION, type FlowReport, type RunInfo } from '../report/types.js'
import type { RolloutOutcome } from './rollout-record.js'
import type { RolloutSettings } from './settings.js'

/**
 * The rollout as a member of the flow report family (kind "rollout"), so recalibrate can count
 * rollouts and rollbacks (change failure rate) from the same history as gate reports.
 */
export function buildRolloutReport(
  outcome: RolloutOutcome,
  settings: RolloutSettings,
  run: RunInfo
): FlowReport {
  const rolledBack = outcome.rollback !== undefined
  return {
    $schema: REPORT_SCHEMA_ID,
    version: REPORT_VERSION,
    kind: 'rollout',
    run,
    verdict: outcome.decision === 'promoted' ? 'passed' : 'failed',
    metrics: {
      'rollout.promoted': outcome.decision === 'promoted' ? 1 : 0,
      'rollout.rolled_back': rolledBack && outcome.rollback?.ok ? 1 : 0,
      'rollout.duration_s': Math.round(outcome.durationMs / 100) / 10,
      'rollout.final_weight': outcome.finalWeight
    },
    rollout: {
      decision: outcome.decision,
      reason: outcome.reason,
      dryRun: outcome.dryRun,
      finalWeight: outcome.finalWeight,
      lastAppliedWeight: outcome.lastAppliedWeight,
      trafficState: outcome.trafficState,
      failedChecks: outcome.failedChecks,
      settings: {
        weights: settings.weights,
        stepDurationMs: settings.stepDurationMs,
        intervalMs: settings.intervalMs,
        limits: settings.limits,
        onInconclusive: settings.onInconclusive,
        onError: settings.onError
      },
      appliedWeights: outcome.commands
        .filter((c) => c.ok && !c.dryRun && c.name !== 'promote')
        .map((c) => ({ at: c.at, step: c.step, weight: c.weight, command: c.name })),
      steps: outcome.steps,
      decisions: outcome.decisions,
      checks: outcome.checks,
      commands: outcome.commands,
      rollback: outcome.rollback,
      measurements: outcome.measurements,
      timings: {
        startedAt: new Date(outcome.startedAt).toISOString(),
        durationMs: outcome.durationMs
      }
    }
  }
}
