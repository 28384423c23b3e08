/** The input names of validate-graph/action.yml, in one place; the contract tests hold them equal to it. */
export const INPUTS = {
  graph: 'graph',
  strict: 'strict',
  report: 'report'
} as const

/** The output names of validate-graph/action.yml, in one place; the contract tests hold them equal to it. */
export const OUTPUTS = {
  valid: 'valid',
  errors: 'errors',
  warnings: 'warnings',
  report: 'report'
} as const
