import { describe, it, expect } from '@jest/globals'
import { ConfigurationError } from '../../shared/errors.js'
import { parseYaml } from '../../shared/yaml.js'
import { parseDuration } from '../../shared/canary/duration.js'
import { parseJsonPath, readJsonPath } from '../../shared/canary/json-path.js'
import { readMetrics } from '../../shared/canary/metric-config.js'
import { readProbes } from '../../shared/canary/probe-config.js'
import { parseWeights } from '../../shared/canary/read-settings.js'

const probes = (text: string) => readProbes(parseYaml(text, 'probes.yml'))
const metrics = (text: string) => readMetrics(parseYaml(text, 'metrics.yml'))

describe('weights', () => {
  it('parses rising percentages', () => {
    expect(parseWeights('10,25, 50 100%')).toEqual([10, 25, 50, 100])
  })
  it.each([
    '10;touch pwned',
    '$(touch pwned)',
    '`touch pwned`',
    '10,5',
    '0,10',
    '101',
    '',
    '10,,abc'
  ])('refuses %j', (text) => {
    expect(() => parseWeights(text)).toThrow(ConfigurationError)
  })
})

describe('durations', () => {
  it('reads units and bare seconds', () => {
    expect(parseDuration('500ms', 'x')).toBe(500)
    expect(parseDuration('1m30s', 'x')).toBe(90_000)
    expect(parseDuration('2', 'x')).toBe(2000)
    expect(() => parseDuration('2 days', 'x')).toThrow(/not a duration/)
    expect(() => parseDuration('0s', 'x')).toThrow(/longer than zero/)
  })
})

describe('probe YAML', () => {
  it('reads a full probe with defaults', () => {
    const [p] = probes(`probes:
  - name: home
    url: http://127.0.0.1:8080/health
    timeout: 2s
    latency-budget: 300ms
    expect:
      status: [200, 3xx]
      body-contains: ok
      json:
        - { path: 'data.items[0].id', equals: 7 }
        - { path: status, exists: true }
`)
    expect(p).toMatchObject({
      name: 'home',
      method: 'GET',
      timeoutMs: 2000,
      latencyBudgetMs: 300,
      expectStatus: [200, '3xx'],
      bodyContains: 'ok'
    })
    expect(p.json[0].segments).toEqual(['data', 'items', 0, 'id'])
  })
  it('names file, line and column for mistakes', () => {
    expect(() => probes('probes:\n  - name: a\n    url: http://x\n    timout: 2s\n')).toThrow(
      /probes.yml:4:5: unknown key "timout"/
    )
    expect(() => probes('probes:\n  - name: a\n    url: file:///etc/passwd\n')).toThrow(
      /probes.yml:3:10: .*http or https/
    )
    expect(() =>
      probes('probes:\n  - name: a\n    url: http://x\n  - name: a\n    url: http://y\n')
    ).toThrow(/used twice/)
    expect(() => probes('probes: []\n')).toThrow(/at least one probe/)
    expect(() =>
      probes(
        'probes:\n  - name: a\n    url: http://x\n    expect: { json: [{ path: "__proto__.x", equals: 1 }] }\n'
      )
    ).toThrow(ConfigurationError)
  })
})

describe('metric YAML', () => {
  it('reads the three kinds with Kayenta defaults', () => {
    const m = metrics(`prometheus: { url: 'http://127.0.0.1:9090', timeout: 3s }
metrics:
  - name: errors
    query: sum(rate(x[1m]))
    threshold: { max: 0.01 }
    fail-above: 0.05
    no-data: fail
  - name: latency
    critical: true
    compare: { canary: a, baseline: b, window: 30s, step: 1s, direction: increase }
  - name: budget
    burn-rate: { error-ratio: r, objective: 0.999, max: 14.4 }
`)
    expect(m.prometheusUrl).toBe('http://127.0.0.1:9090')
    expect(m.queryTimeoutMs).toBe(3000)
    expect(m.judgement).toEqual({ passScore: 95, marginalScore: 75 })
    expect(m.metrics[0]).toMatchObject({
      kind: 'threshold',
      threshold: { max: 0.01 },
      failAbove: 0.05,
      noData: 'fail',
      critical: false
    })
    expect(m.metrics[1]).toMatchObject({
      kind: 'comparison',
      tolerance: 0.25,
      confidence: 0.98,
      windowMs: 30_000,
      stepMs: 1000,
      critical: true,
      noData: 'inconclusive'
    })
    expect(m.metrics[2]).toMatchObject({ kind: 'burn-rate', objective: 0.999, maxBurnRate: 14.4 })
  })
  it('refuses ambiguous or empty metrics', () => {
    expect(() => metrics('metrics:\n  - name: a\n    query: q\n')).toThrow(/judges nothing/)
    expect(() =>
      metrics('metrics:\n  - name: a\n    query: q\n    compare: { canary: a, baseline: b }\n')
    ).toThrow(/exactly one of/)
    expect(() =>
      metrics('metrics:\n  - name: a\n    query: q\n    threshold: { min: 2, max: 1 }\n')
    ).toThrow(/min is greater than max/)
    expect(() =>
      metrics('metrics:\n  - name: a\n    burn-rate: { error-ratio: r, objective: 99.9, max: 2 }\n')
    ).toThrow(/objective/)
    expect(() =>
      metrics('metrics:\n  - name: a\n    query: q\n    threshold: { max: 1 }\n    no-data: pass\n')
    ).toThrow(/no-data/)
  })
  it('refuses unsafe YAML through the shared loader', () => {
    expect(() => metrics('a: &a [1]\nmetrics: *a\n<<: {x: 1}\n')).toThrow(ConfigurationError)
    expect(() => metrics('metrics: []\n---\nmetrics: []\n')).toThrow(/YAML document/)
  })
})

describe('safe JSON path', () => {
  it('walks own properties only', () => {
    const doc = JSON.parse('{"a":{"b":[{"c":1}]},"odd key":2}')
    expect(readJsonPath(doc, parseJsonPath('$.a.b[0].c'))).toEqual({ found: true, value: 1 })
    expect(readJsonPath(doc, parseJsonPath('["odd key"]'))).toEqual({ found: true, value: 2 })
    expect(readJsonPath(doc, parseJsonPath('a.toString'))).toEqual({ found: false })
    expect(readJsonPath(doc, parseJsonPath('a.b[3]'))).toEqual({ found: false })
    expect(() => parseJsonPath('a.constructor')).toThrow(/not allowed/)
    expect(() => parseJsonPath('a; process.exit()')).toThrow(/not a supported path/)
  })
})
