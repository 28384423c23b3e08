import { spawn } from 'node:child_process'
import { stopCommands } from '../log.js'
import { redact, secretsFromEnv } from '../redact.js'

export type CommandName = 'set-weight' | 'promote' | 'rollback'

export interface CommandResult {
  ok: boolean
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  aborted: boolean
  durationMs: number
  /** The last lines of output, for the report and the error message. */
  tail: string[]
  message: string
}

export interface CommandRequest {
  name: CommandName
  command: string
  env: Record<string, string>
  timeoutMs: number
  signal?: AbortSignal
}

export interface CommandLog {
  info(line: string): void
  group<T>(title: string, body: () => Promise<T>): Promise<T>
}

/** Grace between SIGTERM and SIGKILL for a command that overran or was cancelled. */
const KILL_GRACE_MS = 1000
const TAIL_LINES = 20

/**
 * Runs one of the user's platform commands as `bash -c <command>`: the command text is exactly
 * what the user wrote, and the rollout's values (weight, step) reach it only as environment
 * variables, so a value can never become shell syntax. The command runs in its own process group
 * so a timeout or a cancellation kills everything it started. Its output is logged inside a group
 * and between stop-commands markers, so text it prints cannot forge workflow commands.
 */
export function runPlatformCommand(
  request: CommandRequest,
  log: CommandLog,
  baseEnv: NodeJS.ProcessEnv = process.env
): Promise<CommandResult> {
  return log.group(`${request.name}: ${request.command.split('\n')[0].slice(0, 120)}`, () =>
    execute(request, log, baseEnv)
  )
}

function childEnvironment(
  baseEnv: NodeJS.ProcessEnv,
  extra: Record<string, string>
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(baseEnv)) {
    // The action's own inputs and saved state (which may hold a Prometheus token) stay with us.
    if (k.startsWith('INPUT_') || k.startsWith('STATE_')) continue
    env[k] = v
  }
  return { ...env, ...extra }
}

function execute(
  request: CommandRequest,
  log: CommandLog,
  baseEnv: NodeJS.ProcessEnv
): Promise<CommandResult> {
  const started = Date.now()
  const resumeCommands = stopCommands(log, 'canary')
  const tail: string[] = []
  const pending = { out: '', err: '' }
  const env = childEnvironment(baseEnv, request.env)
  // The runner masks secrets in the log, but the tail also goes into the rollout report, an
  // artifact the masking never sees: a command that echoes its credential (`set -x`) must not
  // put it there. Credential-named variables of the command's environment are redacted.
  const secrets = secretsFromEnv(env)
  const emit = (raw: string) => {
    const line = redact(raw, secrets)
    log.info(line)
    tail.push(line)
    if (tail.length > TAIL_LINES) tail.shift()
  }
  return new Promise<CommandResult>((resolve) => {
    if (request.signal?.aborted) {
      resumeCommands()
      resolve({
        ok: false,
        exitCode: null,
        signal: null,
        timedOut: false,
        aborted: true,
        durationMs: 0,
        tail,
        message: 'not started: the rollout was cancelled'
      })
      return
    }
    const child = spawn('bash', ['-c', request.command], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    let timedOut = false
    let aborted = false
    let killTimer: NodeJS.Timeout | undefined
    const killGroup = () => {
      signalGroup(child.pid, 'SIGTERM')
      killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS)
    }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup()
    }, request.timeoutMs)
    const onAbort = () => {
      aborted = true
      killGroup()
    }
    request.signal?.addEventListener('abort', onAbort, { once: true })
    const collect = (key: 'out' | 'err') => (chunk: Buffer) => {
      pending[key] += chunk.toString('utf8')
      const lines = pending[key].split('\n')
      pending[key] = lines.pop() ?? ''
      for (const l of lines) emit(l)
    }
    child.stdout.on('data', collect('out'))
    child.stderr.on('data', collect('err'))
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      clearTimeout(timer)
      request.signal?.removeEventListener('abort', onAbort)
      for (const key of ['out', 'err'] as const) if (pending[key]) emit(pending[key])
      resumeCommands()
      // The group may still hold children that ignored SIGTERM; make sure none outlive us.
      if (timedOut || aborted) signalGroup(child.pid, 'SIGKILL')
      if (killTimer) clearTimeout(killTimer)
      const durationMs = Date.now() - started
      const ok = !spawnError && !timedOut && !aborted && exitCode === 0
      const message = spawnError
        ? `could not start bash: ${spawnError.message}`
        : timedOut
          ? `timed out after ${request.timeoutMs} ms and was killed`
          : aborted
            ? 'cancelled and killed'
            : exitCode === 0
              ? `succeeded in ${durationMs} ms`
              : `exited with ${exitCode === null ? `signal ${signal}` : `code ${exitCode}`}`
      resolve({ ok, exitCode, signal, timedOut, aborted, durationMs, tail, message })
    }
    let settled = false
    child.on('error', (error) => {
      if (!settled) {
        settled = true
        finish(null, null, error)
      }
    })
    child.on('close', (code, sig) => {
      if (!settled) {
        settled = true
        finish(code, sig)
      }
    })
    // A background process the command left behind can hold the pipes open after bash exits:
    // judge the command by bash's exit and do not wait for the pipes for long.
    child.on('exit', (code, sig) => {
      setTimeout(() => {
        if (!settled) {
          settled = true
          finish(code, sig)
        }
      }, 500).unref()
    })
  })
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return
  try {
    process.kill(-pid, signal)
  } catch {
    /* the group is already gone */
  }
}
