import { errorMessage } from '../errors.js'

/** Prometheus could not answer: down, timed out, refused the query. A measurement error, never data. */
export class PrometheusError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PrometheusError'
  }
}

export type InstantResult = { kind: 'value'; value: number } | { kind: 'no-data'; reason: string }

export interface PrometheusClientOptions {
  baseUrl: string
  timeoutMs: number
  /** Sent as `Authorization: Bearer …`; never logged. */
  token?: string
  fetchImpl?: typeof fetch
}

/**
 * The two calls a canary judge needs from the Prometheus HTTP API: `/api/v1/query` for one
 * value and `/api/v1/query_range` for a series. An empty result or NaN (e.g. 0/0 with no
 * traffic) is "no data", which the caller judges; it is never read as zero.
 */
export class PrometheusClient {
  constructor(private readonly opts: PrometheusClientOptions) {}

  async instant(query: string, signal?: AbortSignal, time?: Date): Promise<InstantResult> {
    const params = new URLSearchParams({ query })
    if (time) params.set('time', (time.getTime() / 1000).toFixed(3))
    const data = await this.call('/api/v1/query', params, signal)
    if (data.resultType === 'scalar') return noDataIfNaN(sampleValue(data.result, 'the scalar'))
    if (data.resultType !== 'vector')
      throw new PrometheusError(
        `the query returned a ${describeJson(data.resultType)}; a threshold needs one number (an instant vector or scalar)`
      )
    if (!Array.isArray(data.result))
      throw new PrometheusError(
        `the vector's result is ${describeJson(data.result)}, not a list of series`
      )
    const result = data.result as unknown[]
    if (result.length === 0) return { kind: 'no-data', reason: 'the query returned no series' }
    if (result.length > 1)
      throw new PrometheusError(
        `the query returned ${result.length} series; aggregate it (e.g. with sum()) to one number`
      )
    return noDataIfNaN(sampleValue((result[0] as { value?: unknown } | null)?.value, 'the series'))
  }

  /**
   * Values of the single series over [start, end]. NaN points are dropped as missing; ±Inf points
   * are kept (a p99 beyond the top histogram bucket is +Inf: the worst value, never "no data").
   */
  async range(
    query: string,
    start: Date,
    end: Date,
    stepMs: number,
    signal?: AbortSignal
  ): Promise<number[]> {
    const params = new URLSearchParams({
      query,
      start: (start.getTime() / 1000).toFixed(3),
      end: (end.getTime() / 1000).toFixed(3),
      step: `${stepMs / 1000}s`
    })
    const data = await this.call('/api/v1/query_range', params, signal)
    if (data.resultType !== 'matrix')
      throw new PrometheusError(
        `query_range returned a ${describeJson(data.resultType)}, expected a matrix`
      )
    if (!Array.isArray(data.result))
      throw new PrometheusError(
        `the matrix's result is ${describeJson(data.result)}, not a list of series`
      )
    const result = data.result as unknown[]
    if (result.length === 0) return []
    if (result.length > 1)
      throw new PrometheusError(
        `the query returned ${result.length} series; aggregate it (e.g. with sum()) to one series`
      )
    const values = (result[0] as { values?: unknown } | null)?.values
    if (!Array.isArray(values))
      throw new PrometheusError(
        `the series has values ${describeJson(values)}, not a list of [time, value] samples`
      )
    return values
      .map((point, i) => sampleValue(point, `sample ${i + 1} of the series`))
      .filter((v) => !Number.isNaN(v))
  }

  private async call(
    endpoint: string,
    params: URLSearchParams,
    signal?: AbortSignal
  ): Promise<{ resultType: string; result: unknown }> {
    const url = new URL(this.opts.baseUrl.replace(/\/+$/, '') + endpoint)
    const controller = new AbortController()
    const onAbort = () => controller.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => controller.abort(new Error('timeout')), this.opts.timeoutMs)
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json'
    }
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`
    let response: Response
    let text: string
    try {
      // POST keeps long queries out of URLs and access logs; the API accepts both.
      response = await (this.opts.fetchImpl ?? fetch)(url, {
        method: 'POST',
        body: params.toString(),
        headers,
        signal: controller.signal
      })
      text = await response.text()
    } catch (error) {
      if (controller.signal.aborted && !signal?.aborted)
        throw new PrometheusError(`Prometheus did not answer within ${this.opts.timeoutMs} ms`)
      const cause = (error as { cause?: { code?: string } }).cause
      throw new PrometheusError(`Prometheus is unreachable: ${cause?.code ?? errorMessage(error)}`)
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    let body: {
      status?: string
      data?: { resultType: string; result: unknown }
      error?: string
      errorType?: string
    }
    try {
      body = JSON.parse(text)
    } catch {
      throw new PrometheusError(
        `Prometheus answered HTTP ${response.status} with a body that is not JSON`
      )
    }
    if (body.status !== 'success' || !body.data) {
      throw new PrometheusError(
        `Prometheus refused the query (HTTP ${response.status}, ${body.errorType ?? 'error'}): ${String(body.error ?? 'no message').slice(0, 300)}`
      )
    }
    return body.data
  }
}

function noDataIfNaN(value: number): InstantResult {
  if (Number.isNaN(value))
    return {
      kind: 'no-data',
      reason: 'the query returned NaN (no samples to divide, e.g. no traffic)'
    }
  return { kind: 'value', value }
}

/**
 * Prometheus writes sample values as strings in Go's float syntax: a decimal, optionally with an
 * exponent, or NaN, +Inf, -Inf. Only those are numbers; Number() would read null, "", " ", [] and
 * false as 0 (a healthy error rate) and "0x0" as hex.
 */
const PROMETHEUS_FLOAT = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]?Inf)$/

/** The value of a [time, "value"] sample, or a PrometheusError naming what came instead. */
export function sampleValue(sample: unknown, what: string): number {
  if (!Array.isArray(sample) || sample.length !== 2)
    throw new PrometheusError(`${what} is ${describeJson(sample)}, not a [time, "value"] sample`)
  const text = sample[1]
  if (typeof text !== 'string' || !PROMETHEUS_FLOAT.test(text)) {
    throw new PrometheusError(
      `${what} has the value ${describeJson(text)}, which is not a number in Prometheus' format (a decimal, NaN, +Inf or -Inf); it is a measurement error, not 0`
    )
  }
  if (text.endsWith('Inf'))
    return text.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  return Number(text)
}

/** A short, printable rendering of an unexpected JSON value for a message. */
function describeJson(value: unknown): string {
  if (value === undefined) return 'missing'
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}
