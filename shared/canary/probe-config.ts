import { ConfigurationError } from '../errors.js'
import type { LoadedYaml } from '../yaml.js'
import { parseJsonPath, type PathSegment } from './json-path.js'
import { YamlFields } from './yaml-fields.js'

export const PROBE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
export type ProbeMethod = (typeof PROBE_METHODS)[number]

export interface JsonCheck {
  path: string
  segments: PathSegment[]
  equals?: string | number | boolean | null
  min?: number
  max?: number
  /** true: the path must exist; false: it must not. */
  exists?: boolean
}

export interface ProbeSpec {
  name: string
  method: ProbeMethod
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  latencyBudgetMs?: number
  /** Accepted statuses: exact codes and classes such as 2xx. */
  expectStatus: Array<number | `${1 | 2 | 3 | 4 | 5}xx`>
  bodyContains?: string
  json: JsonCheck[]
}

export const DEFAULT_PROBE_TIMEOUT_MS = 5000

/**
 * Reads the probe file:
 *
 *   probes:
 *     - name: home
 *       url: https://canary.example.com/healthz
 *       method: GET
 *       timeout: 2s
 *       latency-budget: 300ms
 *       expect: { status: [200], body-contains: ok, json: [{ path: status, equals: up }] }
 */
export function readProbes(doc: LoadedYaml): ProbeSpec[] {
  const root = YamlFields.root(doc)
  root.allowOnly(['probes'])
  const items = root.list('probes')
  if (items.length === 0) throw root.fail('"probes" must list at least one probe')
  const names = new Set<string>()
  return items.map((p) => {
    p.allowOnly(['name', 'url', 'method', 'headers', 'body', 'timeout', 'latency-budget', 'expect'])
    const name = p.string('name', true)
    if (names.has(name)) throw p.fail(`the probe name "${name}" is used twice`, 'name')
    names.add(name)
    const url = p.string('url', true)
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw p.fail('"url" is not an absolute URL', 'url')
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw p.fail('"url" must use http or https', 'url')
    const method = (p.string('method') ?? 'GET').toUpperCase()
    if (!(PROBE_METHODS as readonly string[]).includes(method))
      throw p.fail(`"method" must be one of ${PROBE_METHODS.join(', ')}`, 'method')
    const expect = p.mapping('expect')
    expect?.allowOnly(['status', 'body-contains', 'json'])
    return {
      name,
      method: method as ProbeMethod,
      url,
      headers: p.stringMap('headers'),
      body: p.string('body'),
      timeoutMs: p.duration('timeout', { maxMs: 120_000 }) ?? DEFAULT_PROBE_TIMEOUT_MS,
      latencyBudgetMs: p.duration('latency-budget', { maxMs: 120_000 }),
      expectStatus: expect ? readStatuses(expect) : ['2xx'],
      bodyContains: expect?.string('body-contains'),
      json: expect ? expect.list('json').map(readJsonCheck) : []
    }
  })
}

function readStatuses(expect: YamlFields): ProbeSpec['expectStatus'] {
  const raw = expect.raw('status')
  if (raw === undefined) return ['2xx']
  const list = Array.isArray(raw) ? raw : [raw]
  if (list.length === 0) throw expect.fail('"status" must name at least one status', 'status')
  return list.map((s) => {
    if (typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599) return s
    if (typeof s === 'string' && /^[1-5]xx$/.test(s)) return s as `${1 | 2 | 3 | 4 | 5}xx`
    if (typeof s === 'string' && /^[1-5]\d\d$/.test(s)) return Number(s)
    throw expect.fail(
      `"status" entries must be codes such as 200 or classes such as 2xx, not ${JSON.stringify(s)}`,
      'status'
    )
  })
}

function readJsonCheck(c: YamlFields): JsonCheck {
  c.allowOnly(['path', 'equals', 'min', 'max', 'exists'])
  const path = c.string('path', true)
  let segments: PathSegment[]
  try {
    segments = parseJsonPath(path)
  } catch (error) {
    throw c.fail((error as Error).message, 'path')
  }
  const equals = c.raw('equals')
  if (equals !== undefined && typeof equals === 'object')
    throw c.fail('"equals" must be a string, number or boolean', 'equals')
  const check: JsonCheck = {
    path,
    segments,
    equals: equals as JsonCheck['equals'],
    min: c.number('min'),
    max: c.number('max'),
    exists: c.boolean('exists')
  }
  if (
    c.has('equals') === false &&
    check.min === undefined &&
    check.max === undefined &&
    check.exists === undefined
  ) {
    throw c.fail('give equals, min, max or exists')
  }
  return check
}

export function statusAccepted(status: number, expected: ProbeSpec['expectStatus']): boolean {
  return expected.some((e) =>
    typeof e === 'number' ? e === status : Math.floor(status / 100) === Number(e[0])
  )
}

export function assertProbeNamesDistinct(probes: ProbeSpec[], metricNames: string[]): void {
  for (const p of probes) {
    if (metricNames.includes(p.name)) {
      throw new ConfigurationError(
        `The name "${p.name}" is used by a probe and a metric; give each check its own name.`
      )
    }
  }
}
