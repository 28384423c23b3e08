/** The input names of mutation-gate/action.yml, in one place; the contract tests hold them equal to it. */
export const INPUTS = {
  report: 'report',
  tool: 'tool',
  command: 'command',
  threshold: 'threshold',
  baseline: 'baseline',
  maxDrop: 'max-drop',
  changedOnly: 'changed-only',
  incremental: 'incremental',
  shard: 'shard',
  allowPrivilegedEvents: 'allow-privileged-events',
  merge: 'merge',
  checkRun: 'check-run',
  token: 'token'
} as const

/** The output names of mutation-gate/action.yml, in one place; the contract tests hold them equal to it. */
export const OUTPUTS = {
  score: 'score',
  changedScore: 'changed-score',
  killed: 'killed',
  survived: 'survived',
  noCoverage: 'no-coverage',
  timeout: 'timeout',
  total: 'total',
  passed: 'passed',
  report: 'report'
} as const

/** Outputs of the prepare step that only the composite's own later steps read (not action outputs). */
export const STEP_OUTPUTS = {
  mutate: 'mutate'
} as const
