import type { ActionIO } from '../shared/action.js'
import type { Annotation } from '../shared/annotations.js'
import { redact } from '../shared/redact.js'
import { visibleControls } from '../shared/escape.js'
import type { CommandContext } from './context.js'

/**
 * An ActionIO for running an action's own run() from the CLI, so `flow verify` and `flow canary`
 * decide exactly as the actions do: inputs come from the command line, outputs and the summary
 * are collected, and the log, warnings and annotations are printed as plain lines (no workflow
 * commands: a terminal is not a runner, and text from evidence must not act as one).
 */
export interface CollectingIO extends ActionIO {
  readonly outputs: Record<string, string>
  readonly summary: string
  readonly failures: string[]
}

export function cliActionIO(
  ctx: CommandContext,
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = {}
): CollectingIO {
  const outputs: Record<string, string> = {}
  const state: Record<string, string> = {}
  const secrets: string[] = []
  const failures: string[] = []
  let summary = ''
  const clean = (text: string) => visibleControls(redact(text, secrets))
  const place = (a: { file?: string; line?: number }) =>
    a.file ? `${a.file}${a.line ? `:${a.line}` : ''}: ` : ''
  const io: CollectingIO = {
    env: { ...process.env, ...env, GITHUB_WORKSPACE: ctx.root },
    outputs,
    get summary() {
      return summary
    },
    failures,
    getInput: (name) => (inputs[name] ?? '').trim(),
    setOutput: (name, value) => {
      outputs[name] = String(value)
    },
    saveState: (name, value) => {
      state[name] = value
    },
    getState: (name) => state[name] ?? '',
    appendSummary: (markdown) => {
      summary += clean(markdown.endsWith('\n') ? markdown : `${markdown}\n`)
    },
    info: (line) => ctx.out(clean(line)),
    warning: (message, props) => ctx.err(`${place(props ?? {})}warning: ${clean(message)}`),
    debug: () => undefined,
    group: async (title, body) => {
      ctx.out(clean(title))
      return body()
    },
    annotate: (annotations: Annotation[]) => {
      for (const a of annotations)
        ctx.err(`${place(a)}${a.level}: ${clean(a.title ? `${a.title}: ${a.message}` : a.message)}`)
    },
    setSecret: (value) => {
      if (value) secrets.push(value)
    },
    setFailed: (message) => {
      failures.push(clean(message))
    },
    get failed() {
      return failures.length > 0
    }
  }
  return io
}

/** Inputs for an action from the flags it shares with the CLI: every given flag, by the same name. */
export function inputsFromFlags(
  flags: Record<string, string | undefined>,
  names: readonly string[]
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of names) if (flags[name] !== undefined) out[name] = flags[name] as string
  return out
}
