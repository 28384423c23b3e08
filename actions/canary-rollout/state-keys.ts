/** Names of the values the main step saves for the post step (GITHUB_STATE). */
export const STATE = {
  phase: 'canary-phase',
  weight: 'canary-weight',
  step: 'canary-step',
  dryRun: 'canary-dry-run'
} as const
