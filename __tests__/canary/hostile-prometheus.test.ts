/**
 * A scripted 2-step, 4-measurement rollout (steps 50,100; 2 s steps measured every second) against
 * a local HTTP server that answers Prometheus queries badly. Each of these promoted before
 * (trust review F2, F4, F5); none may promote now, and the summary must say why.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runInProcess } from './support/in-process.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** A server on 127.0.0.1 (port 0) answering every request with answer(n), n counting from 0. */
async function prometheus(answer: (n: number) => { type: string; body: string }): Promise<string> {
  let n = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const a = answer(n++)
      res.writeHead(200, { 'content-type': a.type })
      res.end(a.body)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A port nothing listens on: bound, then closed. */
async function refusedUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

const vector = (value: unknown) => ({
  type: 'application/json',
  body: JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [1700000000, value] }] }
  })
})

/** The summary with markdown and HTML escapes removed, so reasons can be matched as written. */
const plain = (summary: string) =>
  summary
    .replace(/\\([\\`*_{}[\]()#+\-.!|~])/g, '$1')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')

async function rollout(url: string, metric: string, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'canary-hostile-'))
  writeFileSync(path.join(dir, 'metrics.yml'), `metrics:\n${metric}`)
  return runInProcess(dir, {
    steps: '50,100',
    'step-duration': '2s',
    interval: '1s',
    'dry-run': 'true',
    'metrics-file': 'metrics.yml',
    'prometheus-url': url,
    ...extra
  })
}

const ERROR_RATE =
  '  - name: error-rate\n    query: \'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))\'\n    threshold: { max: 0.01 }\n'
const P99 =
  "  - name: p99\n    query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m])))'\n    threshold: { max: 0.5 }\n"

describe('a rollout against a hostile Prometheus never promotes', () => {
  it('(a) connection refused: rolled back, the summary names ECONNREFUSED', async () => {
    const r = await rollout(await refusedUrl(), ERROR_RATE)
    expect(r.outputs.decision).not.toBe('promoted')
    expect(r.outputs.decision).toBe('rolled-back')
    expect(r.failed).toBe(true)
    const summary = plain(r.summary)
    expect(summary).toContain('Prometheus is unreachable: ECONNREFUSED')
    expect(summary).toContain('0 Successful measurement(s) in step 1, fewer than the 1 needed')
    expect(summary).not.toContain('every check passed')
  }, 30_000)

  it('(b) an HTML 200 page (an auth proxy): rolled back, the summary says the body is not JSON', async () => {
    const r = await rollout(
      await prometheus(() => ({
        type: 'text/html',
        body: '<!doctype html><html><body>Sign in</body></html>'
      })),
      ERROR_RATE
    )
    expect(r.outputs.decision).toBe('rolled-back')
    expect(plain(r.summary)).toContain('Prometheus answered HTTP 200 with a body that is not JSON')
  }, 30_000)

  it('(c) null sample values: errors, never 0; the summary names the value', async () => {
    const r = await rollout(await prometheus(() => vector(null)), ERROR_RATE)
    expect(r.outputs.decision).toBe('rolled-back')
    const summary = plain(r.summary)
    expect(summary).toContain(
      "the series has the value null, which is not a number in Prometheus' format"
    )
    expect(summary).not.toMatch(/error-rate: 0 vs/)
    const measured = r.report.rollout.measurements as Array<{ phase: string }>
    expect(measured.length).toBeGreaterThan(0)
    expect(measured.every((m) => m.phase === 'Error')).toBe(true)
  }, 30_000)

  it('(d) a +Inf p99 four answers in five, even with inconclusive-limit -1: rolled back as Failed', async () => {
    const r = await rollout(await prometheus((n) => vector(n % 5 === 4 ? '0.1' : '+Inf')), P99, {
      'inconclusive-limit': '-1'
    })
    expect(r.outputs.decision).toBe('rolled-back')
    expect(JSON.parse(r.outputs['failed-checks'])).toEqual(['p99'])
    const summary = plain(r.summary)
    expect(summary).toContain('+Inf (outside x ≤ 0.5)')
    expect(summary).toContain('p99 failed: failed (1) > failure-limit (0)')
  }, 30_000)
})
