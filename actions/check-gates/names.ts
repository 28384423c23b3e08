/** The input names of check-gates/action.yml, in one place; the contract tests hold them equal to it. */
export const INPUTS = {
  graph: 'graph',
  stage: 'stage',
  gates: 'gates',
  evidence: 'evidence',
  waivers: 'waivers',
  baseline: 'baseline',
  report: 'report',
  uploadReport: 'upload-report',
  comment: 'comment',
  checkRun: 'check-run',
  token: 'token',
  failOn: 'fail-on',
  policySource: 'policy-source',
  dismissStale: 'dismiss-stale'
} as const

/** The output names of check-gates/action.yml, in one place; the contract tests hold them equal to it. */
export const OUTPUTS = {
  passed: 'passed',
  failedGates: 'failed-gates',
  report: 'report',
  summaryPath: 'summary-path'
} as const
