import { run as verifyAction } from '../actions/verify/main.js'
import { ConfigurationError } from '../shared/errors.js'
import { resolveForWrite, writeFileInside } from '../shared/safe-path.js'
import { cliActionIO, inputsFromFlags } from './action-io.js'
import type { CommandContext } from './context.js'

/** The root (verify) action's inputs that `flow verify` takes as flags of the same name. */
export const VERIFY_FLAGS = [
  'graph',
  'stage',
  'gates',
  'evidence',
  'waivers',
  'baseline',
  'report',
  'fail-on',
  'strict',
  'diagram'
] as const

export const VERIFY_HELP = `flow verify --stage STAGE [--graph .process/graph.yaml] [--report flow-report.json] [--diagram FILE.md]
            [--strict] [--gates G1,G2] [--evidence "name: glob"] [--waivers F] [--baseline F]
            [--fail-on error|warn|never] [--summary summary.md]
  Validate, gates and diagram in one command: the root flow-actions action's own code, so the
  outputs match it (passed, failed gates, report, diagram). A graph that is not valid stops before
  the gates. --summary writes the markdown job summary the action would show.
  Exit 0 when the gates pass, 1 when the graph or a gate fails, 2 on a configuration error.`

export async function verifyCommand(ctx: CommandContext): Promise<number> {
  if (!ctx.flags.stage)
    throw new ConfigurationError(
      '--stage is required: name the target stage, e.g. dev, staging or production.'
    )
  const inputs = {
    ...inputsFromFlags(ctx.flags, VERIFY_FLAGS),
    'upload-report': 'false',
    comment: 'false'
  }
  // Checked before anything runs, so a symlinked summary path is refused without side effects.
  if (ctx.flags.summary) resolveForWrite(ctx.root, ctx.flags.summary, 'summary file')
  const io = cliActionIO(ctx, inputs, { GITHUB_STEP_SUMMARY: undefined, GITHUB_OUTPUT: undefined })
  await verifyAction({ io, root: ctx.root })
  if (ctx.flags.summary) writeFileInside(ctx.root, ctx.flags.summary, io.summary, 'summary file')
  for (const f of io.failures) ctx.err(f)
  const passed = io.outputs.passed
  for (const [name, value] of Object.entries(io.outputs).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  ))
    ctx.out(`${name}=${value}`)
  if (passed === 'true' && io.failures.length === 0) return 0
  // No verdict at all means the run could not judge anything: a configuration error.
  return passed === undefined ? 2 : 1
}
