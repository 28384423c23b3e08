/** The input names of action.yml, in one place; the contract tests hold them equal to it. */
export const INPUTS = {
  graph: 'graph',
  strict: 'strict',
  stage: 'stage',
  gates: 'gates',
  evidence: 'evidence',
  waivers: 'waivers',
  baseline: 'baseline',
  report: 'report',
  uploadReport: 'upload-report',
  comment: 'comment',
  token: 'token',
  failOn: 'fail-on',
  policySource: 'policy-source',
  dismissStale: 'dismiss-stale',
  checkRun: 'check-run',
  diagram: 'diagram'
} as const

/** The output names of action.yml, in one place; the contract tests hold them equal to it. */
export const OUTPUTS = {
  valid: 'valid',
  errors: 'errors',
  warnings: 'warnings',
  validationReport: 'validation-report',
  passed: 'passed',
  failedGates: 'failed-gates',
  report: 'report',
  summaryPath: 'summary-path',
  diagramPath: 'diagram-path'
} as const
