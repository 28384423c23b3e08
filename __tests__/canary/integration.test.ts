/**
 * Canary rollouts against real processes on loopback: the fixture HTTP service (prom-client
 * metrics, faults injectable while it runs) and a real Prometheus scraping it every second.
 * Platform commands are real bash commands that write what they did to files.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  fixtures,
  startPrometheus,
  startService,
  waitFor,
  type RunningPrometheus,
  type RunningService
} from './support/processes.js'
import { runInProcess } from './support/in-process.js'

const ERROR_RATE = (track: string) =>
  `sum(rate(http_requests_total{track="${track}",code=~"5.."}[3s])) / sum(rate(http_requests_total{track="${track}"}[3s]))`
const MEAN_LATENCY = (track: string) =>
  `sum(rate(http_request_duration_seconds_sum{track="${track}"}[3s])) / sum(rate(http_request_duration_seconds_count{track="${track}"}[3s]))`
const P99 = (track: string) =>
  `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{track="${track}"}[3s])))`

let canary: RunningService
let slowCanary: RunningService
let baseline: RunningService
let prometheus: RunningPrometheus

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'canary-ws-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
  return dir
}

/** A platform driven by bash commands that record each call, as a real CLI would be driven. */
function platformCommands(dir: string, extraSetWeight = '') {
  return {
    'set-weight-command': `echo "$CANARY_STEP $CANARY_WEIGHT $(date +%s%3N)" >> "${dir}/weights.log"${extraSetWeight ? `; ${extraSetWeight}` : ''}`,
    'promote-command': `echo "promoted $(date +%s%3N)" >> "${dir}/promote.log"`,
    'rollback-command': `date +%s%3N >> "${dir}/rollback.log"; echo "rolled back from $CANARY_PREVIOUS_WEIGHT"`
  }
}

const probeFile = (url: string, timeout = '1s') => `probes:
  - name: canary-home
    url: ${url}/
    timeout: ${timeout}
    latency-budget: 800ms
    expect:
      status: [200]
      json:
        - { path: status, equals: ok }
`

beforeAll(async () => {
  ;[canary, slowCanary, baseline] = await Promise.all([
    startService('canary'),
    startService('slow-canary', { latencyMs: 40 }),
    startService('baseline')
  ])
  prometheus = await startPrometheus([canary, slowCanary, baseline])
  // Comparisons need a window of history: wait until Prometheus has about 8 s of rates.
  await waitFor(
    '8 s of data in Prometheus',
    async () => {
      const v = await prometheus.value(`count_over_time((${MEAN_LATENCY('slow-canary')})[10s:1s])`)
      return v !== undefined && v >= 8 ? v : undefined
    },
    30_000,
    500
  )
}, 60_000)

afterAll(async () => {
  await Promise.all([prometheus?.stop(), canary?.stop(), slowCanary?.stop(), baseline?.stop()])
})

describe('canary rollout against a live service and Prometheus', () => {
  it('promotes a healthy service through every step', async () => {
    await canary.admin({ errorRate: 0, latencyMs: 0 })
    const dir = workspace({
      'probes.yml': probeFile(canary.url),
      'metrics.yml': `metrics:\n  - name: error-rate\n    query: '${ERROR_RATE('canary')}'\n    threshold: { max: 0.05 }\n    no-data: fail\n`
    })
    const r = await runInProcess(dir, {
      steps: '25,50,100',
      'step-duration': '1500ms',
      interval: '500ms',
      'probes-file': 'probes.yml',
      'metrics-file': 'metrics.yml',
      'prometheus-url': prometheus.url,
      ...platformCommands(dir)
    })
    expect(r.outputs.decision).toBe('promoted')
    expect(r.outputs['final-weight']).toBe('100')
    expect(r.outputs['failed-checks']).toBe('[]')
    expect(r.failed).toBe(false)
    expect(
      readFileSync(path.join(dir, 'weights.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ').slice(0, 2).join(' '))
    ).toEqual(['1 25', '2 50', '3 100'])
    expect(existsSync(path.join(dir, 'promote.log'))).toBe(true)
    expect(existsSync(path.join(dir, 'rollback.log'))).toBe(false)
    // The error-rate metric really was measured from Prometheus at every tick.
    const measurements = r.report.rollout.measurements as Array<{
      check: string
      phase: string
      value?: number
    }>
    const errorRate = measurements.filter((m) => m.check === 'error-rate')
    expect(errorRate.length).toBeGreaterThanOrEqual(9)
    expect(errorRate.every((m) => m.phase === 'Successful' && m.value === 0)).toBe(true)
    expect(r.report).toMatchObject({ kind: 'rollout', version: 1, verdict: 'passed' })
    expect(r.summary).toContain('xychart-beta')
    expect(r.summary).toMatch(/Canary rollout: ✅ promoted/)
  })

  it('rolls back errors injected at the second step within interval × failure-limit + one probe timeout', async () => {
    await canary.admin({ errorRate: 0, latencyMs: 0 })
    const dir = workspace({ 'probes.yml': probeFile(canary.url) })
    const inject = `if [ "$CANARY_STEP" = 2 ]; then node "${fixtures}/admin.mjs" ${canary.port} '{"errorRate":1}' "${dir}/injected.log"; fi`
    const intervalMs = 500
    const failureLimit = 1
    const probeTimeoutMs = 1000
    try {
      const r = await runInProcess(dir, {
        steps: '20,50,100',
        'step-duration': '2s',
        interval: `${intervalMs}ms`,
        'failure-limit': String(failureLimit),
        'probes-file': 'probes.yml',
        ...platformCommands(dir, inject)
      })
      expect(r.outputs.decision).toBe('rolled-back')
      expect(r.outputs['final-weight']).toBe('0')
      expect(JSON.parse(r.outputs['failed-checks'])).toEqual(['canary-home'])
      expect(r.failed).toBe(true)
      const injectedAt = Number(readFileSync(path.join(dir, 'injected.log'), 'utf8').trim())
      const rolledBackAt = Number(readFileSync(path.join(dir, 'rollback.log'), 'utf8').trim())
      const reaction = rolledBackAt - injectedAt
      const budget = intervalMs * failureLimit + probeTimeoutMs
      console.log(
        `canary: errors injected at step 2 were rolled back ${reaction} ms later (budget: interval ${intervalMs} ms × failure-limit ${failureLimit} + probe timeout ${probeTimeoutMs} ms = ${budget} ms)`
      )
      expect(reaction).toBeGreaterThan(0)
      expect(reaction).toBeLessThanOrEqual(budget)
      expect(existsSync(path.join(dir, 'promote.log'))).toBe(false)
      expect(r.summary).toMatch(/rolled back/)
    } finally {
      await canary.admin({ errorRate: 0 })
    }
  })

  it('catches a latency regression by canary-versus-baseline comparison while the thresholds alone pass', async () => {
    const dir = workspace({
      'metrics.yml': `metrics:
  - name: canary-error-rate
    query: '${ERROR_RATE('slow-canary')}'
    threshold: { max: 0.05 }
  - name: canary-p99-latency
    query: '${P99('slow-canary')}'
    threshold: { max: 0.5 }
  - name: mean-latency
    critical: true
    compare:
      canary: '${MEAN_LATENCY('slow-canary')}'
      baseline: '${MEAN_LATENCY('baseline')}'
      window: 8s
      step: 1s
      direction: increase
      min-samples: 5
      allowed-increase: 1.5
`
    })
    const r = await runInProcess(dir, {
      steps: '25,50,100',
      'step-duration': '1500ms',
      interval: '500ms',
      'metrics-file': 'metrics.yml',
      'prometheus-url': prometheus.url,
      ...platformCommands(dir)
    })
    expect(r.outputs.decision).toBe('rolled-back')
    expect(JSON.parse(r.outputs['failed-checks'])).toEqual(['canary-score'])
    const checks = r.report.rollout.checks as Array<{
      name: string
      counts: { successful: number; failed: number }
    }>
    for (const name of ['canary-error-rate', 'canary-p99-latency']) {
      const c = checks.find((x) => x.name === name)
      expect(c?.counts.failed).toBe(0)
      expect(c?.counts.successful).toBeGreaterThan(0)
    }
    const score = (
      r.report.rollout.measurements as Array<{
        check: string
        details?: Array<{ classification: string; meanRatio: number }>
      }>
    ).find((m) => m.check === 'canary-score')
    expect(score?.details?.[0].classification).toBe('High')
    expect(score?.details?.[0].meanRatio).toBeGreaterThan(1.5)
    expect(r.summary).toContain('Canary versus baseline')
  })

  describe('Prometheus stopped mid-rollout', () => {
    for (const [onError, expected] of [
      ['rollback', 'rolled-back'],
      ['inconclusive', 'inconclusive']
    ] as const) {
      it(`with on-error: ${onError} gives ${expected}, never a promotion`, async () => {
        const own = await startPrometheus([canary])
        try {
          await waitFor('error-rate data', () => own.value(ERROR_RATE('canary')), 20_000, 250)
          const dir = workspace({
            'metrics.yml': `metrics:\n  - name: error-rate\n    query: '${ERROR_RATE('canary')}'\n    threshold: { max: 0.05 }\n`
          })
          // Stop Prometheus once step 2 has started: the platform is fine, the observer is gone.
          const stopper = waitFor(
            'step 2',
            async () =>
              readIfExists(path.join(dir, 'weights.log')).includes('\n2 ') ? true : undefined,
            20_000,
            50
          ).then(() => own.stop('SIGKILL'))
          const r = await runInProcess(dir, {
            steps: '25,50,100',
            'step-duration': '2s',
            interval: '300ms',
            'consecutive-error-limit': '2',
            'on-error': onError,
            'metrics-file': 'metrics.yml',
            'prometheus-url': own.url,
            ...platformCommands(dir)
          })
          await stopper
          expect(r.outputs.decision).toBe(expected)
          expect(r.failed).toBe(true)
          expect(existsSync(path.join(dir, 'promote.log'))).toBe(false)
          expect(existsSync(path.join(dir, 'rollback.log'))).toBe(onError === 'rollback')
          const m = (
            r.report.rollout.measurements as Array<{ phase: string; message: string }>
          ).filter((x) => x.phase === 'Error')
          expect(m.length).toBe(3)
          expect(m[0].message).toMatch(/Prometheus is unreachable|did not answer/)
        } finally {
          await own.stop()
        }
      })
    }
  })

  it('retries a failing rollback command and then reports the traffic state unknown', async () => {
    const dir = workspace({
      'probes.yml': probeFile(`${canary.url.replace(/:\d+$/, ':1')}`, '300ms')
    })
    const r = await runInProcess(dir, {
      steps: '10,100',
      'step-duration': '1s',
      interval: '500ms',
      'probes-file': 'probes.yml',
      'rollback-attempts': '3',
      'rollback-backoff': '100ms',
      'set-weight-command': `echo "$CANARY_STEP $CANARY_WEIGHT" >> "${dir}/weights.log"`,
      'rollback-command': `echo attempt >> "${dir}/rollback.log"; echo "platform API said no" >&2; exit 7`
    })
    expect(readFileSync(path.join(dir, 'rollback.log'), 'utf8').trim().split('\n')).toHaveLength(3)
    expect(r.failed).toBe(true)
    expect(r.outputs.decision).toBe('rolled-back')
    expect(r.outputs['final-weight']).toBe('10')
    expect(r.summary).toContain('Traffic state unknown')
    expect(r.summary).toMatch(/last weight applied was \*\*10%\*\*/)
    expect(r.stdout).toMatch(/::error::canary-rollout: the rollback FAILED after 3 attempt\(s\)/)
    expect(r.state['canary-phase']).toBe('rollback-failed')
    expect(r.report.rollout).toMatchObject({
      trafficState: 'unknown',
      rollback: { ok: false, attempts: 3 }
    })
  })

  it('never executes shell syntax from URLs, queries or weights', async () => {
    const dir = workspace({})
    const marker = path.join(dir, 'pwned')
    const evil = `;touch ${marker};$(touch ${marker})\`touch ${marker}\``
    writeFileSync(
      path.join(dir, 'probes.yml'),
      `probes:\n  - name: "evil ${evil.replace(/"/g, '')}"\n    url: '${canary.url}/${encodeURI(evil)}'\n    headers: { x-evil: '${evil}' }\n`
    )
    writeFileSync(
      path.join(dir, 'metrics.yml'),
      `metrics:\n  - name: q\n    query: 'up${evil}'\n    threshold: { max: 1 }\n`
    )
    const r = await runInProcess(dir, {
      steps: '50,100',
      'step-duration': '1s',
      interval: '500ms',
      'probes-file': 'probes.yml',
      'metrics-file': 'metrics.yml',
      'prometheus-url': prometheus.url,
      'consecutive-error-limit': '0',
      ...platformCommands(dir)
    })
    expect(r.outputs.decision).toBe('rolled-back')
    const weights = await runInProcess(dir, {
      steps: `10;touch ${marker}`,
      'probes-file': 'probes.yml',
      ...platformCommands(dir)
    })
    expect(weights.failed).toBe(true)
    expect(weights.stdout).toMatch(/not a weight/)
    expect(existsSync(marker)).toBe(false)
    // User text reaches the summary escaped: every backtick and parenthesis from the probe name
    // is backslashed, so it can open no code span or link.
    expect(r.summary).not.toMatch(/[^\\]`touch/)
    expect(r.summary).toContain('evil ;touch')
    expect(r.summary).toContain('$\\(touch')
  })
})

function readIfExists(file: string): string {
  return existsSync(file) ? `\n${readFileSync(file, 'utf8')}` : ''
}
