import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

export interface ActionRun {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  state: Record<string, string>
  /** Workflow commands printed as annotations: `::error file=…::message` lines, parsed. */
  annotations: Array<{ level: string; props: Record<string, string>; message: string }>
}

export interface RunOptions {
  /** Action inputs by their action.yml names; defaults from action.yml are applied like the runner does. */
  inputs?: Record<string, string>
  /** The workspace (GITHUB_WORKSPACE and cwd). */
  workspace: string
  env?: Record<string, string>
  /** The event payload written to GITHUB_EVENT_PATH. */
  event?: unknown
  eventName?: string
  /** Entry inside dist: `<name>` or `<name>/post`. */
  timeoutMs?: number
  /** Called with the child once spawned, e.g. to send signals. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void
  /** Saved state from a main step, for a post step (STATE_*). */
  state?: Record<string, string>
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE files written in the runner's `name<<delimiter` format. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const [, name, delim] = m
      const value: string[] = []
      i++
      while (i < lines.length && lines[i] !== delim) value.push(lines[i++])
      out[name] = value.join('\n')
    } else if (/^[^=]+=/.test(lines[i])) {
      const eq = lines[i].indexOf('=')
      out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1)
    }
  }
  return out
}

export function parseAnnotations(stdout: string): ActionRun['annotations'] {
  const result: ActionRun['annotations'] = []
  let stopped: string | undefined
  for (const line of stdout.split('\n')) {
    if (stopped) {
      if (line === `::${stopped}::`) stopped = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(line)
    if (stop) {
      stopped = stop[1]
      continue
    }
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) continue
    const props: Record<string, string> = {}
    for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = kv.indexOf('=')
      props[kv.slice(0, eq)] = decodeProperty(kv.slice(eq + 1))
    }
    result.push({ level: m[1], props, message: decodeData(m[3]) })
  }
  return result
}

function decodeData(s: string): string {
  return s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}
function decodeProperty(s: string): string {
  return decodeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','))
}

/** Reads action.yml input defaults the way the runner applies them (plain scalars only). */
export function actionDefaults(actionYml: string): Record<string, string> {
  const defaults: Record<string, string> = {}
  const text = readFileSync(actionYml, 'utf8')
  let inInputs = false
  let current: string | undefined
  for (const line of text.split('\n')) {
    if (/^inputs:\s*$/.test(line)) {
      inInputs = true
      continue
    }
    if (inInputs && /^\S/.test(line)) inInputs = false
    if (!inInputs) continue
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line)
    if (name) current = name[1]
    const def = /^ {4}default:\s*(.*)$/.exec(line)
    if (def && current) {
      let v = def[1].trim()
      if (/^'.*'$/.test(v)) v = v.slice(1, -1).replace(/''/g, "'")
      else if (/^".*"$/.test(v)) v = JSON.parse(v) as string
      if (!v.startsWith('${{')) defaults[current] = v
    }
  }
  return defaults
}

/**
 * Runs dist/<entry>/index.js under the Node that runs the tests (Node 24 via npm scripts), exactly
 * as the runner does: INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_STATE,
 * GITHUB_EVENT_PATH, GITHUB_WORKSPACE and cwd. Input defaults come from the action's action.yml.
 */
export async function runBundledAction(entry: string, opts: RunOptions): Promise<ActionRun> {
  const bundle = path.join(repoRoot, 'dist', entry, 'index.js')
  if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run npm run bundle first`)
  const actionName = entry.split('/')[0]
  const actionYml =
    actionName === 'verify'
      ? path.join(repoRoot, 'action.yml')
      : path.join(repoRoot, actionName, 'action.yml')
  const defaults = existsSync(actionYml) ? actionDefaults(actionYml) : {}
  const temp = mkdtempSync(path.join(tmpdir(), 'flow-run-'))
  const files = {
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
    GITHUB_STATE: path.join(temp, 'state'),
    GITHUB_EVENT_PATH: path.join(temp, 'event.json')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(opts.event ?? {}))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? temp,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_REPOSITORY: 'octo/example',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: opts.eventName ?? 'push',
    GITHUB_RUN_ID: '1000',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'ci',
    GITHUB_JOB: 'test',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_TEMP: temp,
    ...files
  }
  for (const [k, v] of Object.entries({ ...defaults, ...(opts.inputs ?? {}) })) {
    env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  }
  for (const [k, v] of Object.entries(opts.state ?? {})) env[`STATE_${k}`] = v
  Object.assign(env, opts.env ?? {})

  const child = spawn(process.execPath, [bundle], {
    cwd: opts.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  opts.onSpawn?.(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const timeout = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig]))
  )
  clearTimeout(timeout)
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
    annotations: parseAnnotations(stdout)
  }
}
