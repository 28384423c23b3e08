import type { ActionIO } from '../action.js'
import { booleanInput, choiceInput, durationInput, integerInput } from '../inputs.js'
import { ConfigurationError } from '../errors.js'
import { resolveInWorkspace } from '../safe-path.js'
import { loadYamlFile } from '../yaml.js'
import { ARGO_DEFAULT_LIMITS } from './argo-rules.js'
import { readMetrics } from './metric-config.js'
import { assertProbeNamesDistinct, readProbes } from './probe-config.js'
import type { RolloutSettings } from './settings.js'
import { INPUTS } from './action-names.js'

/**
 * Parses the traffic weights, e.g. `10, 25, 50, 100`. Each must be a plain number in (0, 100]
 * and the list must rise: anything else (including shell text) is refused here, long before a
 * command could see it.
 */
export function parseWeights(text: string): number[] {
  const parts = text.split(/[,\s]+/).filter(Boolean)
  if (parts.length === 0)
    throw new ConfigurationError(
      'Input "steps" is empty: give traffic weights such as 10,25,50,100.'
    )
  if (parts.length > 100) throw new ConfigurationError('Input "steps" lists more than 100 weights.')
  const weights = parts.map((p) => {
    if (!/^\d{1,3}(\.\d{1,3})?%?$/.test(p)) {
      throw new ConfigurationError(
        `Input "steps" has "${p.slice(0, 40)}", which is not a weight; give percentages such as 10,25,50,100.`
      )
    }
    const w = Number(p.replace('%', ''))
    if (!(w > 0 && w <= 100))
      throw new ConfigurationError(`Input "steps": the weight ${w} is outside 0 < weight ≤ 100.`)
    return w
  })
  for (let i = 1; i < weights.length; i++) {
    if (weights[i] <= weights[i - 1])
      throw new ConfigurationError(
        `Input "steps" must rise: ${weights[i]} follows ${weights[i - 1]}.`
      )
  }
  return weights
}

function commandInput(io: ActionIO, name: string): string | undefined {
  const v = io.getInput(name)
  return v === '' ? undefined : v
}

/** Events that run with a privileged token next to code a fork may control. */
const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run'])

export function readSettings(io: ActionIO, workspace: string): RolloutSettings {
  const event = io.env.GITHUB_EVENT_NAME ?? ''
  if (PRIVILEGED_EVENTS.has(event) && !booleanInput(io, INPUTS.allowPrivilegedEvents, false)) {
    throw new ConfigurationError(
      `Refusing to run on "${event}": the probe and metric files and the platform commands could come from a fork's code ` +
        'while the job holds a privileged token. Run the rollout from push, workflow_dispatch or a deployment job, or set ' +
        'allow-privileged-events: true if the checked-out code is trusted.'
    )
  }
  const dryRun = booleanInput(io, INPUTS.dryRun, false)
  const weights = parseWeights(io.getInput(INPUTS.steps))
  const stepDurationMs = durationInput(io, INPUTS.stepDuration, '60s')
  const intervalMs = durationInput(io, INPUTS.interval, '10s')
  if (intervalMs > stepDurationMs)
    throw new ConfigurationError(
      'Input "interval" is longer than "step-duration": each step needs at least one measurement.'
    )
  const commands = {
    setWeight: commandInput(io, 'set-weight-command'),
    promote: commandInput(io, 'promote-command'),
    rollback: commandInput(io, 'rollback-command')
  }
  if (!dryRun) {
    if (!commands.setWeight)
      throw new ConfigurationError(
        'Input "set-weight-command" is required (or set dry-run: true): it shifts traffic to CANARY_WEIGHT percent.'
      )
    if (!commands.rollback)
      throw new ConfigurationError(
        'Input "rollback-command" is required (or set dry-run: true): without it a bad canary could not be undone.'
      )
  }
  const probesFile = io.getInput(INPUTS.probesFile)
  const metricsFile = io.getInput(INPUTS.metricsFile)
  const probes = probesFile
    ? readProbes(loadYamlFile(resolveInWorkspace(workspace, probesFile, 'probes file'), probesFile))
    : []
  let metrics = metricsFile
    ? readMetrics(
        loadYamlFile(resolveInWorkspace(workspace, metricsFile, 'metrics file'), metricsFile)
      )
    : undefined
  if (metrics) {
    const url = io.getInput(INPUTS.prometheusUrl) || metrics.prometheusUrl
    if (!url)
      throw new ConfigurationError(
        `${metricsFile} has metrics but no Prometheus: set the prometheus-url input or prometheus.url in the file.`
      )
    try {
      const parsed = new URL(url)
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme')
    } catch {
      throw new ConfigurationError('Input "prometheus-url" must be an http or https URL.')
    }
    metrics = { ...metrics, prometheusUrl: url }
    assertProbeNamesDistinct(
      probes,
      metrics.metrics.map((m) => m.name)
    )
  }
  const minMeasurements = integerInput(io, INPUTS.minMeasurements, 1, { min: 1, max: 10_000 })
  const ticksPerStep = Math.ceil(stepDurationMs / intervalMs)
  if (minMeasurements > ticksPerStep) {
    throw new ConfigurationError(
      `Input "min-measurements" is ${minMeasurements}, but a step of ${io.getInput(INPUTS.stepDuration) || '60s'} measured every ${io.getInput(INPUTS.interval) || '10s'} takes only ${ticksPerStep} measurement(s), so no step could pass; lower it or lengthen step-duration.`
    )
  }
  if (probes.length === 0 && !metrics) {
    throw new ConfigurationError(
      'Give probes-file, metrics-file or both: a rollout with nothing to judge would promote blindly.'
    )
  }
  return {
    weights,
    stepDurationMs,
    intervalMs,
    commands,
    commandTimeoutMs: durationInput(io, INPUTS.commandTimeout, '5m', { maxMs: 3_600_000 }),
    limits: {
      failureLimit: integerInput(io, INPUTS.failureLimit, ARGO_DEFAULT_LIMITS.failureLimit, {
        min: -1,
        max: 10_000
      }),
      inconclusiveLimit: integerInput(
        io,
        INPUTS.inconclusiveLimit,
        ARGO_DEFAULT_LIMITS.inconclusiveLimit,
        { min: -1, max: 10_000 }
      ),
      consecutiveErrorLimit: integerInput(
        io,
        INPUTS.consecutiveErrorLimit,
        ARGO_DEFAULT_LIMITS.consecutiveErrorLimit,
        { min: -1, max: 10_000 }
      )
    },
    minMeasurements,
    onInconclusive: choiceInput(io, INPUTS.onInconclusive, ['hold', 'rollback'] as const, 'hold'),
    onError: choiceInput(io, INPUTS.onError, ['rollback', 'inconclusive'] as const, 'rollback'),
    dryRun,
    rollbackAttempts: integerInput(io, INPUTS.rollbackAttempts, 3, { min: 1, max: 20 }),
    rollbackBackoffMs: durationInput(io, INPUTS.rollbackBackoff, '2s', { maxMs: 600_000 }),
    probes,
    metrics
  }
}
