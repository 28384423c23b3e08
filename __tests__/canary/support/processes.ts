import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { repoRoot } from '../../helpers/run-action.js'

export const fixtures = path.join(repoRoot, '__tests__', 'fixtures', 'canary')
export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? '/usr/bin/prometheus'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 200
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (error) {
      lastError = error
    }
    await new Promise((r) => setTimeout(r, everyMs))
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`
  )
}

export interface RunningService {
  port: number
  track: string
  url: string
  child: ChildProcess
  admin(update: { errorRate?: number; latencyMs?: number }): Promise<void>
  stop(): Promise<void>
}

/** Starts the fixture HTTP service (real process, loopback only). */
export async function startService(
  track: string,
  opts: { latencyMs?: number; errorRate?: number; loadRps?: number } = {}
): Promise<RunningService> {
  const args = [
    path.join(fixtures, 'service.mjs'),
    '--track',
    track,
    '--load-rps',
    String(opts.loadRps ?? 40)
  ]
  if (opts.latencyMs !== undefined) args.push('--latency-ms', String(opts.latencyMs))
  if (opts.errorRate !== undefined) args.push('--error-rate', String(opts.errorRate))
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n')[0]
      if (out.includes('\n')) resolve((JSON.parse(line) as { port: number }).port)
    })
    child.once('exit', (code) => reject(new Error(`the fixture service exited with ${code}`)))
  })
  const url = `http://127.0.0.1:${port}`
  return {
    port,
    track,
    url,
    child,
    async admin(update) {
      const r = await fetch(`${url}/admin`, { method: 'POST', body: JSON.stringify(update) })
      if (!r.ok) throw new Error(`admin update failed: ${r.status}`)
    },
    stop: () => stopProcess(child)
  }
}

export interface RunningPrometheus {
  url: string
  child: ChildProcess
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Runs an instant query; undefined when the result is empty. */
  value(query: string): Promise<number | undefined>
}

/**
 * Starts a real Prometheus on a free loopback port with a temporary config that scrapes the
 * given services every second, and a temporary storage folder removed on stop. Fails loudly
 * when the binary is missing: these tests must never be skipped quietly.
 */
export async function startPrometheus(targets: RunningService[]): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS_BINARY)) {
    throw new Error(
      `Prometheus is not installed (${PROMETHEUS_BINARY} is missing). The canary integration tests need a real Prometheus: ` +
        'install it with `apt-get update && apt-get install -y prometheus` (.ci/run does this), or set PROMETHEUS_BINARY.'
    )
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'canary-prom-'))
  const port = await freePort()
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    ...targets.map((t) =>
      [
        `  - job_name: ${t.track}`,
        '    static_configs:',
        `      - targets: ['127.0.0.1:${t.port}']`
      ].join('\n')
    )
  ].join('\n')
  writeFileSync(path.join(dir, 'prometheus.yml'), `${config}\n`)
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      '--query.lookback-delta=5s'
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Prometheus exited with ${code}: ${stderr}`)))
  )
  exited.catch(() => undefined)
  await Promise.race([
    waitFor('Prometheus to be ready', async () =>
      (await fetch(`${url}/-/ready`)).ok ? true : undefined
    ),
    exited
  ])
  return {
    url,
    child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      await stopProcess(child, signal)
      rmSync(dir, { recursive: true, force: true })
    },
    async value(query: string) {
      const r = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query })}`)
      const body = (await r.json()) as {
        error?: string
        data?: { result: Array<{ value: [number, string] }> }
      }
      if (!body.data) throw new Error(`query failed: ${body.error}`)
      const v = body.data.result[0]?.value[1]
      return v === undefined || v === 'NaN' ? undefined : Number(v)
    }
  }
}

export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM'
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await done
  clearTimeout(timer)
}
