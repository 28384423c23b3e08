import { run as canaryRollout } from '../actions/canary-rollout/main.js'
import { ConfigurationError } from '../shared/errors.js'
import { cliActionIO, inputsFromFlags } from './action-io.js'
import type { CommandContext } from './context.js'

/** The canary-rollout action's inputs that `flow canary` takes as flags of the same name. */
export const CANARY_FLAGS = [
  'steps',
  'step-duration',
  'interval',
  'set-weight-command',
  'promote-command',
  'rollback-command',
  'command-timeout',
  'probes-file',
  'metrics-file',
  'prometheus-url',
  'failure-limit',
  'inconclusive-limit',
  'consecutive-error-limit',
  'min-measurements',
  'on-inconclusive',
  'on-error',
  'rollback-attempts',
  'rollback-backoff',
  'report-path',
  'environment'
] as const

export const CANARY_HELP = `flow canary --steps 10,50,100 [--probes-file F] [--metrics-file F] [--prometheus-url URL]
            [--step-duration 60s] [--interval 10s] [--min-measurements N] [--report-path FILE]
            [--apply --set-weight-command CMD --promote-command CMD --rollback-command CMD] [...]
  Runs a canary rollout locally with the canary-rollout action's own code and the same config
  files: probes and Prometheus analysis step by step, and the decision per step. A dry run by
  default: no platform command runs, and the decisions are printed as the action would make them.
  --dry-run says so explicitly; --apply runs the set-weight, promote and rollback commands for real. Every action input is a
  flag of the same name; the Prometheus token is read from FLOW_PROMETHEUS_TOKEN, never a flag.
  Exit 0 when the rollout promotes, 1 when it does not, 2 on a configuration error.`

export async function canaryCommand(ctx: CommandContext): Promise<number> {
  if (!ctx.flags.steps)
    throw new ConfigurationError(
      '--steps is required: the canary weights in percent, rising, e.g. --steps 10,50,100.'
    )
  const apply = ctx.flags.apply === 'true'
  if (apply && ctx.flags['dry-run'] === 'true')
    throw new ConfigurationError(
      '--apply and --dry-run contradict each other: give one (a dry run is the default).'
    )
  const inputs: Record<string, string> = {
    ...inputsFromFlags(ctx.flags, CANARY_FLAGS),
    'dry-run': apply ? 'false' : 'true',
    ...(process.env.FLOW_PROMETHEUS_TOKEN
      ? { 'prometheus-token': process.env.FLOW_PROMETHEUS_TOKEN }
      : {})
  }
  // A local run is never a privileged workflow event, whatever the shell inherited.
  const io = cliActionIO(ctx, inputs, {
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_STEP_SUMMARY: undefined,
    GITHUB_OUTPUT: undefined
  })
  ctx.out(
    apply
      ? 'flow canary: running the rollout for real (--apply).'
      : 'flow canary: dry run: no platform command runs; decisions are printed as the action would make them.'
  )
  await canaryRollout({ io, workspace: ctx.root })
  if (io.summary) ctx.out(`\n${io.summary.trimEnd()}`)
  for (const f of io.failures) ctx.err(f)
  const decision = io.outputs.decision
  if (decision === undefined) return 2
  ctx.out(
    `\ndecision: ${decision}, final weight ${io.outputs['final-weight'] ?? '?'} %${io.outputs.report ? `; report ${io.outputs.report}` : ''}`
  )
  return decision === 'promoted' && io.failures.length === 0 ? 0 : 1
}
