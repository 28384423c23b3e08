import { createRunnerIO, runAction, workspaceOf, type ActionIO } from '../../shared/action.js'
import { safeOutput } from '../../shared/escape.js'
import type { RunInfo } from '../../shared/report/types.js'
import { resolveForWrite, workspaceRelative } from '../../shared/safe-path.js'
import type { CheckRecord } from '../../shared/canary/rollout-record.js'
import { MetricRunner, CANARY_SCORE_CHECK } from '../../shared/canary/metric-runner.js'
import { runPlatformCommand } from '../../shared/canary/platform-command.js'
import { runProbe } from '../../shared/canary/probe-runner.js'
import { PrometheusClient } from '../../shared/canary/prometheus-client.js'
import { readSettings } from '../../shared/canary/read-settings.js'
import { buildRolloutReport } from '../../shared/canary/rollout-report.js'
import { renderRolloutSummary } from '../../shared/canary/rollout-summary.js'
import {
  runRollout,
  systemClock,
  type Clock,
  type MeasuredCheck
} from '../../shared/canary/rollout-controller.js'
import { STATE } from './state-keys.js'
import { TOOL_VERSION } from '../../shared/context.js'
import { secretsFromEnv } from '../../shared/redact.js'
import { writeJsonInside } from '../../shared/report/write.js'
import { INPUTS, OUTPUTS } from '../../shared/canary/action-names.js'

export const ACTION_NAME = 'canary-rollout'

export interface RunDeps {
  io: ActionIO
  workspace: string
  clock: Clock
  fetchImpl: typeof fetch
  /** Subscribes to cancellation signals; returns an unsubscribe function. */
  onSignal(handler: (signal: NodeJS.Signals) => void): () => void
  now(): Date
}

function processSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  const listener = (signal: NodeJS.Signals) => handler(signal)
  process.on('SIGINT', listener)
  process.on('SIGTERM', listener)
  return () => {
    process.off('SIGINT', listener)
    process.off('SIGTERM', listener)
  }
}

export async function run(partial: Partial<RunDeps> = {}): Promise<void> {
  const io = partial.io ?? createRunnerIO()
  const deps: RunDeps = {
    io,
    workspace: partial.workspace ?? workspaceOf(io),
    clock: partial.clock ?? systemClock,
    fetchImpl: partial.fetchImpl ?? fetch,
    onSignal: partial.onSignal ?? processSignals,
    now: partial.now ?? (() => new Date())
  }
  await runAction(ACTION_NAME, io, () => rollout(deps))
}

async function rollout(deps: RunDeps): Promise<void> {
  const { io, workspace } = deps
  const token = io.getInput(INPUTS.prometheusToken)
  if (token) io.setSecret(token)
  const settings = readSettings(io, workspace)
  const reportInput = io.getInput(INPUTS.reportPath) || 'flow-rollout-report.json'
  // Checked before the rollout starts: a symlinked report path must not cost the report afterwards.
  const reportFile = resolveForWrite(workspace, reportInput, 'report path')

  const cancel = new AbortController()
  const unsubscribe = deps.onSignal((signal) => {
    if (cancel.signal.aborted) return
    io.info(`Received ${signal}: stopping the rollout and rolling back.`)
    cancel.abort(signal)
  })

  const metricRunner = settings.metrics
    ? new MetricRunner(
        settings.metrics,
        new PrometheusClient({
          baseUrl: settings.metrics.prometheusUrl as string,
          timeoutMs: settings.metrics.queryTimeoutMs,
          token: token || undefined,
          fetchImpl: deps.fetchImpl
        }),
        deps.now
      )
    : undefined
  const checks: Array<Pick<CheckRecord, 'name' | 'kind' | 'critical'>> = settings.probes.map(
    (p) => ({ name: p.name, kind: 'probe' as const, critical: false })
  )
  for (const m of settings.metrics?.metrics ?? []) {
    if (m.kind !== 'comparison') checks.push({ name: m.name, kind: m.kind, critical: m.critical })
  }
  if (metricRunner?.hasComparisons)
    checks.push({ name: CANARY_SCORE_CHECK, kind: 'comparison', critical: false })

  const measure = async (signal: AbortSignal): Promise<MeasuredCheck[]> => {
    const [probes, metrics] = await Promise.all([
      Promise.all(
        settings.probes.map(async (p) => ({
          check: p.name,
          kind: 'probe' as const,
          ...(await runProbe(p, signal, deps.fetchImpl))
        }))
      ),
      metricRunner ? metricRunner.measureAll(signal) : Promise.resolve([])
    ])
    return [...probes, ...metrics]
  }

  io.info(
    `Canary rollout${settings.dryRun ? ' (dry run: no platform command will run)' : ''}: weights ${settings.weights.join(', ')}%, ` +
      `${settings.stepDurationMs} ms per step, measuring every ${settings.intervalMs} ms; ${checks.length} check(s).`
  )
  io.saveState(STATE.dryRun, String(settings.dryRun))
  let outcome
  try {
    outcome = await runRollout({
      settings,
      measure,
      checks,
      runCommand: (name, command, env, timeoutMs, signal) =>
        runPlatformCommand({ name, command, env, timeoutMs, signal }, io),
      clock: deps.clock,
      log: { info: (l) => io.info(l), warning: (l) => io.warning(l) },
      onProgress: (state) => {
        io.saveState(STATE.phase, state.phase)
        io.saveState(STATE.weight, String(state.lastAppliedWeight))
        io.saveState(STATE.step, String(state.step))
      },
      cancel: cancel.signal
    })
  } finally {
    unsubscribe()
  }

  const report = buildRolloutReport(outcome, settings, runInfo(io, deps.now()))
  // Command output in the report may echo a credential from the step's environment (`set -x`).
  writeJsonInside(workspace, reportInput, report, 'report path', [token, ...secretsFromEnv(io.env)])
  const reportRel = workspaceRelative(workspace, reportFile)
  io.appendSummary(renderRolloutSummary(outcome, { reportPath: reportRel }))
  io.setOutput(OUTPUTS.decision, outcome.decision)
  io.setOutput(OUTPUTS.finalWeight, String(outcome.finalWeight))
  io.setOutput(OUTPUTS.failedChecks, safeOutput(JSON.stringify(outcome.failedChecks)))
  io.setOutput(OUTPUTS.report, reportRel)

  const failing = outcome.checks.filter((c) => outcome.failedChecks.includes(c.name))
  io.annotate(
    failing.map((c) => ({
      level: 'warning' as const,
      title: `canary check ${c.name}`,
      message: `${c.phase}: ${c.message}`
    }))
  )
  if (outcome.trafficState === 'unknown') {
    io.setFailed(
      `${ACTION_NAME}: the rollback FAILED after ${outcome.rollback?.attempts} attempt(s) (${outcome.rollback?.message}). ` +
        `Traffic state is unknown; the last weight applied was ${outcome.lastAppliedWeight}%. Fix the platform by hand.`
    )
  } else if (outcome.decision !== 'promoted') {
    io.setFailed(
      `${ACTION_NAME}: ${outcome.decision}${settings.dryRun ? ' (dry run)' : ''}: ${outcome.reason}`
    )
  } else {
    io.info(`Promoted${settings.dryRun ? ' (dry run)' : ''}: every step passed.`)
  }
  if (cancel.signal.aborted) {
    // Cancelled: the runner is about to kill us; leave now rather than wait for open sockets.
    process.exit(process.exitCode && process.exitCode !== 0 ? process.exitCode : 1)
  }
}

function runInfo(io: ActionIO, now: Date): RunInfo {
  const env = io.env
  return {
    repository: env.GITHUB_REPOSITORY,
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    event: env.GITHUB_EVENT_NAME,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    workflow: env.GITHUB_WORKFLOW,
    stage: io.getInput(INPUTS.environment) || undefined,
    time: now.toISOString(),
    tool: { name: `flow-actions/${ACTION_NAME}`, version: TOOL_VERSION }
  }
}
