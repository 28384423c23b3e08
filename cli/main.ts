import { parseArgs } from 'node:util'
import { ConfigurationError, errorMessage } from '../shared/errors.js'
import { TOOL_VERSION } from '../shared/context.js'
import { demoCommand, DEMO_HELP } from './demo.js'
import { gatesCommand, GATES_HELP } from './gates.js'
import { initCommand, INIT_HELP } from './init.js'
import { mutationCommand, MUTATION_HELP } from './mutation.js'
import { recalibrateCommand, RECALIBRATE_HELP } from './recalibrate.js'
import { renderCommand, RENDER_HELP } from './render.js'
import { validateCommand, VALIDATE_HELP } from './validate.js'

export interface CommandContext {
  root: string
  flags: Record<string, string | undefined>
  positionals: string[]
  now: () => Date
  out: (line: string) => void
  err: (line: string) => void
}

export type Command = { help: string; run: (ctx: CommandContext) => number | Promise<number> }

/** Commands register here; each module owns its flags and help. */
export const COMMANDS: Record<string, Command> = {
  validate: { help: VALIDATE_HELP, run: validateCommand },
  gates: { help: GATES_HELP, run: gatesCommand },
  render: { help: RENDER_HELP, run: renderCommand },
  mutation: { help: MUTATION_HELP, run: mutationCommand },
  recalibrate: { help: RECALIBRATE_HELP, run: recalibrateCommand },
  init: { help: INIT_HELP, run: initCommand },
  demo: { help: DEMO_HELP, run: demoCommand }
}

const FLAG_OPTIONS = {
  root: { type: 'string' },
  graph: { type: 'string' },
  report: { type: 'string' },
  output: { type: 'string' },
  stage: { type: 'string' },
  gates: { type: 'string' },
  evidence: { type: 'string' },
  waivers: { type: 'string' },
  baseline: { type: 'string' },
  summary: { type: 'string' },
  shards: { type: 'string' },
  threshold: { type: 'string' },
  tool: { type: 'string' },
  'max-drop': { type: 'string' },
  history: { type: 'string' },
  'fail-on': { type: 'string' },
  'dry-run': { type: 'boolean' },
  strict: { type: 'boolean' },
  check: { type: 'boolean' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' }
} as const

export function usage(): string {
  return [
    `flow ${TOOL_VERSION}: run flow-actions locally, with the same engine as the GitHub Actions.`,
    '',
    'Usage: flow <command> [options]   (every command takes --root DIR, default the current folder)',
    '',
    ...Object.values(COMMANDS).map((c) => c.help),
    '',
    'Exit codes: 0 success, 1 a check failed, 2 a configuration or usage error.'
  ].join('\n')
}

/** Runs the CLI; returns the exit code. Errors are messages, never stack traces. */
export async function main(argv: string[], io: Partial<Pick<CommandContext, 'out' | 'err' | 'now'>> = {}): Promise<number> {
  const out = io.out ?? ((l: string) => process.stdout.write(`${l}\n`))
  const err = io.err ?? ((l: string) => process.stderr.write(`${l}\n`))
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: FLAG_OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    err(`flow: ${errorMessage(error)}\n\n${usage()}`)
    return 2
  }
  const [name, ...positionals] = parsed.positionals
  if (parsed.values.version) {
    out(TOOL_VERSION)
    return 0
  }
  if (!name || parsed.values.help) {
    const cmd = name ? COMMANDS[name] : undefined
    out(cmd ? cmd.help : usage())
    return name && !cmd ? 2 : 0
  }
  const command = COMMANDS[name]
  if (!command) {
    err(`flow: unknown command "${name}".\n\n${usage()}`)
    return 2
  }
  const flags: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(parsed.values)) flags[k] = v === undefined ? undefined : String(v)
  const ctx: CommandContext = {
    root: flags.root ?? process.cwd(),
    flags,
    positionals,
    now: io.now ?? (() => new Date()),
    out,
    err
  }
  try {
    return await command.run(ctx)
  } catch (error) {
    if (error instanceof ConfigurationError) {
      err(`flow ${name}: ${error.message}`)
      return 2
    }
    err(`flow ${name} failed unexpectedly: ${errorMessage(error)}`)
    return 2
  }
}
