/** The input names of canary-rollout/action.yml, in one place; the contract tests hold them equal to it. */
export const INPUTS = {
  steps: 'steps',
  stepDuration: 'step-duration',
  interval: 'interval',
  setWeightCommand: 'set-weight-command',
  promoteCommand: 'promote-command',
  rollbackCommand: 'rollback-command',
  commandTimeout: 'command-timeout',
  probesFile: 'probes-file',
  metricsFile: 'metrics-file',
  prometheusUrl: 'prometheus-url',
  prometheusToken: 'prometheus-token',
  failureLimit: 'failure-limit',
  inconclusiveLimit: 'inconclusive-limit',
  consecutiveErrorLimit: 'consecutive-error-limit',
  minMeasurements: 'min-measurements',
  onInconclusive: 'on-inconclusive',
  onError: 'on-error',
  rollbackAttempts: 'rollback-attempts',
  rollbackBackoff: 'rollback-backoff',
  dryRun: 'dry-run',
  reportPath: 'report-path',
  environment: 'environment',
  allowPrivilegedEvents: 'allow-privileged-events'
} as const

/** The output names of canary-rollout/action.yml, in one place; the contract tests hold them equal to it. */
export const OUTPUTS = {
  decision: 'decision',
  finalWeight: 'final-weight',
  failedChecks: 'failed-checks',
  report: 'report'
} as const
