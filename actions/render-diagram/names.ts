/** The input names of render-diagram/action.yml, in one place; the contract tests hold them equal to it. */
export const INPUTS = {
  graph: 'graph',
  report: 'report',
  output: 'output',
  check: 'check',
  summary: 'summary',
  title: 'title',
  direction: 'direction'
} as const

/** The output names of render-diagram/action.yml, in one place; the contract tests hold them equal to it. */
export const OUTPUTS = {
  path: 'path'
} as const
