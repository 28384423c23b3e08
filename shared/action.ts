import { appendFileSync } from 'node:fs'
import { ConfigurationError, errorMessage } from './errors.js'
import { escapeCommandData } from './escape.js'
import {
  ANNOTATIONS_PER_LEVEL,
  capAnnotations,
  formatAnnotation,
  type Annotation
} from './annotations.js'
import { redact, registerSecret, secretsFromEnv } from './redact.js'
import { randomHex } from './random.js'

/**
 * Everything an action does to talk to the runner, behind one interface so `run()` can be tested
 * with a fake and so the bundles need no @actions/core at start-up. The file formats are the
 * runner's own: GITHUB_OUTPUT / GITHUB_STATE use `name<<delimiter` blocks, the summary is appended.
 */
export interface ActionIO {
  readonly env: Readonly<Record<string, string | undefined>>
  /** Trimmed input value; '' when unset. */
  getInput(name: string): string
  setOutput(name: string, value: string | number | boolean): void
  saveState(name: string, value: string): void
  getState(name: string): string
  appendSummary(markdown: string): void
  info(line: string): void
  warning(message: string, props?: Omit<Annotation, 'level' | 'message'>): void
  debug(message: string): void
  group<T>(title: string, body: () => Promise<T>): Promise<T>
  annotate(annotations: Annotation[]): void
  setSecret(value: string): void
  setFailed(message: string): void
  readonly failed: boolean
}

export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

function fileCommandBlock(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomHex(16)}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error('Unexpected delimiter clash in a file command value.')
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`
}

/** The real runner: reads INPUT_* from env, writes the runner's files and workflow commands. */
export function createRunnerIO(
  env: Record<string, string | undefined> = process.env,
  write: (text: string) => void = (t) => process.stdout.write(t)
): ActionIO {
  let failed = false
  // Secrets never reach the log, the summary or the outputs: values registered with setSecret,
  // token inputs, credential-named environment variables (a workflow's `env: PLATFORM_TOKEN`) and
  // anything shaped like a GitHub token (an error message may quote one). They are registered
  // process-wide so escaping redacts them before it escapes; `clean` redacts the finished text
  // again, escaped forms included.
  const secrets = [
    ...Object.entries(env)
      .filter(([k, v]) => /^INPUT_.*TOKEN$/i.test(k) && v)
      .map(([, v]) => (v as string).trim()),
    ...secretsFromEnv(env)
  ]
  for (const s of secrets) registerSecret(s)
  const clean = (t: string) => redact(t, secrets)
  const line = (t: string) => write(`${clean(t)}\n`)
  // GitHub shows 10 annotations per level per step: count them over the whole step, and keep one
  // error for the step's own failure message, which must never be the one dropped.
  const used = { error: 0, warning: 0, notice: 0 }
  const emit = (all: Annotation[]) => {
    for (const level of ['error', 'warning', 'notice'] as const) {
      const ofLevel = all.filter((a) => a.level === level)
      if (ofLevel.length === 0) continue
      const budget = Math.max(0, ANNOTATIONS_PER_LEVEL - used[level] - (level === 'error' ? 1 : 0))
      const { kept, omitted } = capAnnotations(ofLevel, budget)
      for (const a of kept) line(formatAnnotation(a))
      used[level] += kept.length
      if (omitted[level] > 0) {
        line(
          `${omitted[level]} more ${level} annotation(s) not shown: GitHub shows ${ANNOTATIONS_PER_LEVEL} per step; see the job summary and the report.`
        )
      }
    }
  }
  const appendTo = (variable: string, text: string, fallback: () => void) => {
    const file = env[variable]
    if (file) appendFileSync(file, text, 'utf8')
    else fallback()
  }
  return {
    env,
    get failed() {
      return failed
    },
    getInput(name) {
      return (env[inputEnvName(name)] ?? '').trim()
    },
    setOutput(name, value) {
      const text = clean(String(value))
      appendTo('GITHUB_OUTPUT', fileCommandBlock(name, text), () =>
        line(`${name}=${escapeCommandData(text)}`)
      )
    },
    saveState(name, value) {
      appendTo('GITHUB_STATE', fileCommandBlock(name, value), () => undefined)
    },
    getState(name) {
      return env[`STATE_${name}`] ?? ''
    },
    appendSummary(markdown) {
      const text = clean(markdown)
      appendTo('GITHUB_STEP_SUMMARY', text.endsWith('\n') ? text : `${text}\n`, () => undefined)
    },
    info(text) {
      line(text)
    },
    warning(message, props) {
      emit([{ level: 'warning', message, ...props }])
    },
    debug(message) {
      line(`::debug::${escapeCommandData(message)}`)
    },
    async group(title, body) {
      line(`::group::${escapeCommandData(title)}`)
      try {
        return await body()
      } finally {
        line('::endgroup::')
      }
    },
    annotate(annotations) {
      emit(annotations)
    },
    setSecret(value) {
      if (!value) return
      // The one line that must carry the raw value: the runner masks it from here on.
      write(`::add-mask::${escapeCommandData(value)}\n`)
      secrets.push(value)
      registerSecret(value)
    },
    setFailed(message) {
      failed = true
      process.exitCode = 1
      line(`::error::${escapeCommandData(message)}`)
    }
  }
}

/**
 * Runs an action body once, catching every error in one place: user mistakes become a failure
 * that names the action and says how to fix it; anything else is reported without a stack trace
 * (the stack goes to the debug log).
 */
export async function runAction(
  name: string,
  io: ActionIO,
  body: () => Promise<void>
): Promise<void> {
  try {
    await body()
  } catch (error) {
    if (error instanceof ConfigurationError) {
      io.setFailed(`${name}: ${error.message}`)
    } else {
      if (error instanceof Error && error.stack) io.debug(error.stack)
      io.setFailed(
        `${name} failed unexpectedly: ${errorMessage(error)}. Re-run with step debug logging for details and report it if it persists.`
      )
    }
  }
}

// The input readers live in shared/inputs.ts, one toolkit for actions and the CLI.
export { booleanInput, choiceInput } from './inputs.js'

/** The workspace the action works in: GITHUB_WORKSPACE, else the current directory. */
export function workspaceOf(io: ActionIO): string {
  return io.env.GITHUB_WORKSPACE || process.cwd()
}

/**
 * A view of an ActionIO for one stage of a pipeline: inputs come from `inputs` (by the stage's
 * own input names), outputs are renamed or dropped through `outputs`, everything else is shared.
 * The root action runs validate-graph, check-gates and render-diagram through such views.
 */
export function stageIO(
  io: ActionIO,
  inputs: Record<string, string>,
  outputs: Record<string, string | null> = {},
  onOutput?: (name: string, value: string) => void
): ActionIO {
  let failed = false
  return {
    env: io.env,
    get failed() {
      return failed
    },
    getInput: (name) => (inputs[name] ?? '').trim(),
    setOutput: (name, value) => {
      onOutput?.(name, String(value))
      const target = name in outputs ? outputs[name] : name
      if (target) io.setOutput(target, value)
    },
    saveState: (n, v) => io.saveState(n, v),
    getState: (n) => io.getState(n),
    appendSummary: (m) => io.appendSummary(m),
    info: (l) => io.info(l),
    warning: (m, p) => io.warning(m, p),
    debug: (m) => io.debug(m),
    group: (t, b) => io.group(t, b),
    annotate: (a) => io.annotate(a),
    setSecret: (v) => io.setSecret(v),
    setFailed: (m) => {
      failed = true
      io.setFailed(m)
    }
  }
}
