/** The input names of recalibrate/action.yml, in one place; the contract tests hold them equal to it. */
export const INPUTS = {
  graph: 'graph',
  baseline: 'baseline',
  waivers: 'waivers',
  historyPath: 'history-path',
  artifactPattern: 'artifact-pattern',
  historyEvents: 'history-events',
  workflow: 'workflow',
  branch: 'branch',
  maxRuns: 'max-runs',
  minRuns: 'min-runs',
  margin: 'margin',
  windowDays: 'window-days',
  expiringDays: 'expiring-days',
  maxCalibrationAgeDays: 'max-calibration-age-days',
  engineeringMetrics: 'engineering-metrics',
  maxPullRequests: 'max-pull-requests',
  deployments: 'deployments',
  deploymentEnvironment: 'deployment-environment',
  incidentLabel: 'incident-label',
  dryRun: 'dry-run',
  prBranch: 'pr-branch',
  progress: 'progress',
  uploadDashboard: 'upload-dashboard',
  token: 'token'
} as const

/** The output names of recalibrate/action.yml, in one place; the contract tests hold them equal to it. */
export const OUTPUTS = {
  proposals: 'proposals',
  pullRequest: 'pull-request',
  pullRequestNumber: 'pull-request-number',
  dashboard: 'dashboard',
  progress: 'progress',
  report: 'report',
  flakyTests: 'flaky-tests',
  concerns: 'concerns'
} as const
