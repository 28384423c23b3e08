import { errorMessage } from '../errors.js'
import { readJsonPath } from './json-path.js'
import type { Measurement } from './measurement.js'
import { statusAccepted, type JsonCheck, type ProbeSpec } from './probe-config.js'

/** Bodies are read up to this size: enough for any health document, bounded against a huge reply. */
const MAX_BODY_BYTES = 1024 * 1024

export type ProbeOutcome = Pick<
  Measurement,
  'phase' | 'latencyMs' | 'message' | 'value' | 'expected'
>

/**
 * Runs one synthetic request and judges it. An unreachable service, a timeout, a wrong status, a
 * failed body check or a blown latency budget are all Failed: a probe exists to see what users
 * would see, and they would see the failure. Redirects are not followed so the status judged is
 * the one the canary returned.
 */
export async function runProbe(
  probe: ProbeSpec,
  signal?: AbortSignal,
  fetchImpl: typeof fetch = fetch
): Promise<ProbeOutcome> {
  const controller = new AbortController()
  const onAbort = () => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const timer = setTimeout(() => controller.abort(new Error('timeout')), probe.timeoutMs)
  const started = performance.now()
  try {
    const response = await fetchImpl(probe.url, {
      method: probe.method,
      headers: probe.headers,
      body: probe.body,
      redirect: 'manual',
      signal: controller.signal
    })
    const body = await readBounded(response)
    const latencyMs = performance.now() - started
    const problems: string[] = []
    if (!statusAccepted(response.status, probe.expectStatus)) {
      problems.push(`status ${response.status}, expected ${probe.expectStatus.join(' or ')}`)
    }
    if (probe.bodyContains !== undefined && !body.includes(probe.bodyContains)) {
      problems.push(`the body does not contain ${JSON.stringify(probe.bodyContains)}`)
    }
    if (probe.json.length > 0) problems.push(...checkJson(body, probe.json))
    if (probe.latencyBudgetMs !== undefined && latencyMs > probe.latencyBudgetMs) {
      problems.push(
        `latency ${Math.round(latencyMs)} ms over the ${probe.latencyBudgetMs} ms budget`
      )
    }
    return {
      phase: problems.length === 0 ? 'Successful' : 'Failed',
      latencyMs,
      value: response.status,
      expected: `status ${probe.expectStatus.join('/')}`,
      message:
        problems.length === 0
          ? `status ${response.status} in ${Math.round(latencyMs)} ms`
          : problems.join('; ')
    }
  } catch (error) {
    const latencyMs = performance.now() - started
    const timedOut = controller.signal.aborted && !signal?.aborted
    return {
      phase: 'Failed',
      latencyMs,
      message: timedOut
        ? `no answer within ${probe.timeoutMs} ms`
        : `request failed: ${describeFetchError(error)}`
    }
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel()
      break
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function checkJson(body: string, checks: JsonCheck[]): string[] {
  let doc: unknown
  try {
    doc = JSON.parse(body)
  } catch {
    return ['the body is not JSON']
  }
  const problems: string[] = []
  for (const c of checks) {
    const found = readJsonPath(doc, c.segments)
    if (c.exists === false) {
      if (found.found) problems.push(`${c.path} exists but should not`)
      continue
    }
    if (!found.found) {
      problems.push(`${c.path} is missing`)
      continue
    }
    const v = found.value
    if (c.equals !== undefined && v !== c.equals)
      problems.push(
        `${c.path} is ${JSON.stringify(v)?.slice(0, 80)}, expected ${JSON.stringify(c.equals)}`
      )
    if (c.min !== undefined || c.max !== undefined) {
      if (typeof v !== 'number') problems.push(`${c.path} is not a number`)
      else if ((c.min !== undefined && v < c.min) || (c.max !== undefined && v > c.max)) {
        problems.push(`${c.path} is ${v}, outside ${c.min ?? '-∞'}..${c.max ?? '∞'}`)
      }
    }
  }
  return problems
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`
  return errorMessage(error)
}
