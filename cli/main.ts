import { statSync } from 'node:fs'
import path from 'node:path'
import { ConfigurationError, errorMessage, EvidenceError } from '../shared/errors.js'
import { TOOL_VERSION } from '../shared/context.js'
import { printable } from '../shared/safe-path.js'
import { closestName } from '../shared/suggest.js'
import { canaryCommand, CANARY_FLAGS, CANARY_HELP } from './canary.js'
import { demoCommand, DEMO_HELP } from './demo.js'
import { gatesCommand, GATES_HELP } from './gates.js'
import { initCommand, INIT_HELP } from './init.js'
import { mutationCommand, MUTATION_HELP } from './mutation.js'
import { recalibrateCommand, RECALIBRATE_HELP } from './recalibrate.js'
import { renderCommand, RENDER_HELP } from './render.js'
import { validateCommand, VALIDATE_HELP } from './validate.js'
import { verifyCommand, VERIFY_FLAGS, VERIFY_HELP } from './verify.js'
import { DEFAULT_GRAPH_PATH } from '../shared/graph/model.js'
// Commands take their context from context.ts, so no command module imports this one back.
import type { CommandContext } from './context.js'

/**
 * The exit-code contract every command follows (docs/cli.md): 0 passed, 1 a gate or check failed
 * (bad evidence included), 2 a usage or configuration error: the command could not judge anything.
 */
export const EXIT = { passed: 0, failed: 1, usage: 2 } as const

export interface Command {
  /** One line for the command list of `flow help`. */
  summary: string
  /** The command's own help: `flow help NAME` and `flow NAME --help`. */
  help: string
  /** The options it takes besides --root and --help; each must be in FLAG_OPTIONS. */
  flags: readonly string[]
  /** Whether it takes positional arguments (mutation's subcommand and files); others refuse them. */
  positionals?: boolean
  run: (ctx: CommandContext) => number | Promise<number>
}

/** Commands register here, in the order `flow help` lists them; each module owns its help and run. */
export const COMMANDS: Record<string, Command> = {
  init: {
    summary: 'scaffold flow-actions into a repository: a starter graph, templates and workflows',
    help: INIT_HELP,
    flags: ['force', 'uses'],
    run: initCommand
  },
  validate: {
    summary: 'check the process graph (schema, transitions, loops, expressions, paths)',
    help: VALIDATE_HELP,
    flags: ['graph', 'strict', 'json', 'report'],
    run: validateCommand
  },
  gates: {
    summary: "evaluate a stage's gates against the evidence on disk, like the check-gates action",
    help: GATES_HELP,
    flags: [
      'stage',
      'graph',
      'gates',
      'evidence',
      'waivers',
      'baseline',
      'report',
      'summary',
      'fail-on',
      'json',
      'base',
      'head',
      'policy-ref'
    ],
    run: gatesCommand
  },
  render: {
    summary: 'draw the graph as a mermaid diagram, or check the committed one is current',
    help: RENDER_HELP,
    flags: ['graph', 'report', 'output', 'check', 'title', 'direction'],
    run: renderCommand
  },
  verify: {
    summary: 'validate, gates and diagram in one run, as the root flow-actions action',
    help: VERIFY_HELP,
    flags: [...VERIFY_FLAGS, 'summary'],
    run: verifyCommand
  },
  canary: {
    summary: 'run a canary rollout locally (a dry run by default), as the canary-rollout action',
    help: CANARY_HELP,
    flags: [...CANARY_FLAGS, 'apply', 'dry-run'],
    run: canaryCommand
  },
  mutation: {
    summary: 'plan shards, merge shard reports and gate a mutation score',
    help: `flow mutation plan|merge|gate [options]\n${MUTATION_HELP}`,
    flags: ['shards', 'output', 'report', 'threshold', 'baseline', 'max-drop', 'tool', 'json'],
    positionals: true,
    run: mutationCommand
  },
  recalibrate: {
    summary: 'read earlier reports and propose tighter thresholds and baselines',
    help: RECALIBRATE_HELP,
    flags: ['history', 'graph', 'baseline', 'waivers', 'output', 'dry-run', 'json'],
    run: recalibrateCommand
  },
  demo: {
    summary: 'run validate and gates on the bundled example repository',
    help: DEMO_HELP,
    flags: ['output'],
    run: demoCommand
  }
}

/** Every option any command takes: its type decides whether the next argument is its value. */
export const FLAG_OPTIONS: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
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
  uses: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  'policy-ref': { type: 'string' },
  title: { type: 'string' },
  direction: { type: 'string' },
  diagram: { type: 'string' },
  apply: { type: 'boolean' },
  ...Object.fromEntries(CANARY_FLAGS.map((name) => [name, { type: 'string' as const }])),
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' }
}

/** Options every command takes. */
const GLOBAL_FLAGS = ['root', 'help', 'version']

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length), 4) + 2
  return [
    `flow ${TOOL_VERSION}: run flow-actions locally, with the same engine as the GitHub Actions.`,
    '',
    'Usage: flow <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}show this list, or a command's options: flow help gates`,
    '',
    'Every command takes --root DIR (the repository; default the current folder) and --help.',
    'Exit codes: 0 passed, 1 a gate or check failed, 2 a usage or configuration error.',
    'Docs: docs/cli.md'
  ].join('\n')
}

/** A command's help, with every option it accepts named, even one its text leaves out. */
export function commandHelp(name: string): string {
  const { help, flags } = COMMANDS[name]
  const unnamed = flags.filter((f) => !new RegExp(`--${f}(?![\\w-])`).test(help))
  let more = ''
  if (unnamed.length > 0) {
    const lines = ['Also takes:']
    for (const f of unnamed.map(
      (x) => `--${x}${FLAG_OPTIONS[x]?.type === 'string' ? ' VALUE' : ''}`
    )) {
      if (`${lines[lines.length - 1]} ${f}`.length > 98) lines.push(' ')
      lines[lines.length - 1] += ` ${f}`
    }
    more = `\n\n${lines.join('\n')}`
  }
  return `${help}${more}\n\nEvery command also takes --root DIR (default the current folder).\nExit codes: 0 passed, 1 a gate or check failed, 2 a usage or configuration error.`
}

interface ParsedLine {
  positionals: string[]
  values: Record<string, string>
  /** The first option problem, found while reading left to right. */
  problem?: { option: string; kind: 'unknown' | 'needs-value' | 'no-value' }
}

/**
 * Reads argv by the option table. Node's parseArgs is not used: its errors name its own API
 * ("place it at the end of the command after '--'") and cannot suggest the option meant.
 */
function parseLine(argv: string[]): ParsedLine {
  const positionals: string[] = []
  const values: Record<string, string> = {}
  let problem: ParsedLine['problem']
  const note = (p: NonNullable<ParsedLine['problem']>) => {
    problem ??= p
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg)
      continue
    }
    let name: string
    let inline: string | undefined
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
      inline = eq < 0 ? undefined : arg.slice(eq + 1)
    } else {
      const short = Object.entries(FLAG_OPTIONS).find(([, o]) => o.short === arg.slice(1))
      if (!short) {
        note({ option: arg, kind: 'unknown' })
        continue
      }
      name = short[0]
    }
    const option = Object.hasOwn(FLAG_OPTIONS, name) ? FLAG_OPTIONS[name] : undefined
    if (!option) {
      note({ option: `--${name}`, kind: 'unknown' })
      continue
    }
    if (option.type === 'boolean') {
      if (inline !== undefined) note({ option: `--${name}`, kind: 'no-value' })
      else values[name] = 'true'
      continue
    }
    if (inline !== undefined) {
      values[name] = inline
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      values[name] = argv[++i]
    } else {
      note({ option: `--${name}`, kind: 'needs-value' })
    }
  }
  return { positionals, values, problem }
}

function didYouMean(suggestion: string | undefined): string {
  return suggestion ? `; did you mean "${suggestion}"?` : '.'
}

/**
 * Why a command line cannot run, as the message `flow` prints (exit 2), or undefined when it can:
 * an unknown command or option (with the nearest one), a missing value, an option the command
 * does not take, a stray argument. The docs test checks every `flow` example with it.
 */
export function usageProblem(argv: string[]): string | undefined {
  const parsed = parseLine(argv)
  const [first, ...rest] = parsed.positionals
  if (first === undefined || first === 'help' || parsed.values.help || parsed.values.version) {
    const topic = first === 'help' ? rest[0] : undefined
    return topic !== undefined && !Object.hasOwn(COMMANDS, topic)
      ? `flow help: unknown command "${printable(topic, 40)}"`
      : undefined
  }
  return commandLineProblem(first, rest, parsed)
}

function commandLineProblem(first: string, rest: string[], parsed: ParsedLine): string | undefined {
  if (!Object.hasOwn(COMMANDS, first)) {
    return `flow: unknown command "${printable(first, 40)}"${didYouMean(closestName(first, [...Object.keys(COMMANDS), 'help']))}\nRun \`flow help\` for the list of commands.`
  }
  const name = first
  const command = COMMANDS[name]
  const accepted = [...command.flags, ...GLOBAL_FLAGS]
  const seeHelp = `Run \`flow help ${name}\` for its options.`
  if (parsed.problem) {
    const { option, kind } = parsed.problem
    if (kind === 'unknown') {
      const suggestion = option.startsWith('--')
        ? closestName(option.slice(2), accepted)
        : undefined
      return `flow ${name}: unknown option ${printable(option, 40)}${suggestion ? `; did you mean --${suggestion}?` : '.'}\n${seeHelp}`
    }
    if (kind === 'needs-value')
      return `flow ${name}: ${option} needs a value, e.g. ${option} ${option === '--stage' ? 'dev' : 'VALUE'}.\n${seeHelp}`
    return `flow ${name}: ${option} is a switch and takes no value; write ${option} alone.\n${seeHelp}`
  }
  const foreign = Object.keys(parsed.values).find((k) => !accepted.includes(k))
  if (foreign) {
    const suggestion = closestName(foreign, command.flags)
    return `flow ${name}: ${name} does not take --${foreign}${suggestion ? `; did you mean --${suggestion}?` : '.'}\n${seeHelp}`
  }
  if (!command.positionals && rest.length > 0)
    return `flow ${name}: unexpected argument "${printable(rest[0], 80)}"; ${name} takes only options.\n${seeHelp}`
  return undefined
}

/** Runs the CLI; returns the exit code (see EXIT). Errors are one-line messages, never stack traces. */
export async function main(
  argv: string[],
  io: Partial<Pick<CommandContext, 'out' | 'err' | 'now'>> = {}
): Promise<number> {
  const out = io.out ?? ((l: string) => process.stdout.write(`${l}\n`))
  const err = io.err ?? ((l: string) => process.stderr.write(`${l}\n`))
  const parsed = parseLine(argv)
  const [first, ...rest] = parsed.positionals
  if (parsed.values.version) {
    out(TOOL_VERSION)
    return EXIT.passed
  }

  // `flow help [command]`, `flow --help`, `flow` alone.
  const helpTopic = first === 'help' ? rest[0] : parsed.values.help ? first : undefined
  if (first === undefined || first === 'help' || parsed.values.help) {
    if (helpTopic === undefined) {
      out(usage())
      return EXIT.passed
    }
    if (!Object.hasOwn(COMMANDS, helpTopic)) {
      err(
        `flow help: unknown command "${printable(helpTopic, 40)}"${didYouMean(closestName(helpTopic, Object.keys(COMMANDS)))}\nRun \`flow help\` for the list of commands.`
      )
      return EXIT.usage
    }
    out(commandHelp(helpTopic))
    return EXIT.passed
  }

  const problem = commandLineProblem(first, rest, parsed)
  if (problem) {
    err(problem)
    return EXIT.usage
  }
  const name = first
  const command = COMMANDS[name]

  let root = process.cwd()
  if (parsed.values.root !== undefined) {
    root = path.resolve(parsed.values.root)
    const problem = folderProblem(root)
    if (problem) {
      err(
        `flow ${name}: --root ${printable(parsed.values.root, 200)} ${problem}; pass the repository's folder (default: the current folder).`
      )
      return EXIT.usage
    }
  }
  const ctx: CommandContext = {
    root,
    flags: { ...parsed.values },
    positionals: rest,
    now: io.now ?? (() => new Date()),
    out,
    err
  }
  try {
    return await command.run(ctx)
  } catch (error) {
    if (error instanceof ConfigurationError) {
      // Any command run before `flow init` meets a missing graph first: say how to start.
      const graph = parsed.values.graph ?? DEFAULT_GRAPH_PATH
      const noGraph =
        error.location?.file === graph && /does not exist/.test(error.message) && name !== 'init'
      err(
        `flow ${name}: ${error.message}${noGraph ? ' Run `flow init` to write a starter graph.' : ''}`
      )
      return EXIT.usage
    }
    if (error instanceof EvidenceError) {
      err(`flow ${name}: ${error.message}`)
      return EXIT.failed
    }
    err(`flow ${name} failed unexpectedly: ${errorMessage(error)}`)
    return EXIT.usage
  }
}

function folderProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'is not a folder'
  } catch {
    return 'does not exist'
  }
}
