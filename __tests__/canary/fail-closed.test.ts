/**
 * Canary analysis fails closed (issue 13 item 11, trust review F2, F4, F5): a step passes only on
 * Successful measurements, sample values are read only in Prometheus' float format, and ±Inf is a
 * value (the worst one), never "no data".
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  ARGO_DEFAULT_LIMITS,
  assessCheck,
  emptyCounts,
  record
} from '../../shared/canary/argo-rules.js'
import { classifyComparison } from '../../shared/canary/kayenta-judge.js'
import type { ThresholdMetric } from '../../shared/canary/metric-config.js'
import { MetricRunner } from '../../shared/canary/metric-runner.js'
import {
  PrometheusClient,
  PrometheusError,
  sampleValue
} from '../../shared/canary/prometheus-client.js'
import {
  runRollout,
  type Clock,
  type MeasuredCheck,
  type RolloutDeps
} from '../../shared/canary/rollout-controller.js'
import type { RolloutSettings } from '../../shared/canary/settings.js'
import { readSettings } from '../../shared/canary/read-settings.js'
import { createRunnerIO, inputEnvName } from '../../shared/action.js'
import { ConfigurationError } from '../../shared/errors.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** A client whose Prometheus answers every query with this instant-vector sample value. */
function clientAnswering(value: unknown): PrometheusClient {
  const body = JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [1700000000, value] }] }
  })
  return new PrometheusClient({
    baseUrl: 'http://prometheus.test',
    timeoutMs: 1000,
    fetchImpl: async () => new Response(body, { status: 200 })
  })
}

const threshold = (range: ThresholdMetric['threshold']): ThresholdMetric => ({
  kind: 'threshold',
  name: 'p99',
  query: 'p99',
  threshold: range,
  critical: false,
  noData: 'inconclusive'
})
const measureWith = async (value: unknown, range: ThresholdMetric['threshold'] = { max: 0.5 }) => {
  const runner = new MetricRunner(
    {
      queryTimeoutMs: 1000,
      metrics: [threshold(range)],
      judgement: { passScore: 95, marginalScore: 75 }
    },
    clientAnswering(value)
  )
  return (await runner.measureAll())[0]
}

describe('Prometheus sample values', () => {
  it.each([null, '', ' ', [], false, true, 0, '0x0', ' 1', '1 ', 'Infinity', '1,5', '--1', {}])(
    '%j is a measurement error naming the value, never 0 (F4)',
    async (value) => {
      const m = await measureWith(value)
      expect(m.phase).toBe('Error')
      expect(m.message).toContain("not a number in Prometheus' format")
      expect(m.value).toBeUndefined()
    }
  )

  it('reads decimals, exponents, NaN (no data) and ±Inf', async () => {
    expect(sampleValue([0, '0.25'], 's')).toBe(0.25)
    expect(sampleValue([0, '-1.5e-3'], 's')).toBe(-0.0015)
    expect(sampleValue([0, '+Inf'], 's')).toBe(Number.POSITIVE_INFINITY)
    expect(sampleValue([0, '-Inf'], 's')).toBe(Number.NEGATIVE_INFINITY)
    expect(Number.isNaN(sampleValue([0, 'NaN'], 's'))).toBe(true)
    expect((await measureWith('NaN')).phase).toBe('Inconclusive')
    expect((await measureWith('0.1')).phase).toBe('Successful')
  })

  it('+Inf above a max fails, -Inf below a min fails: a value, not "no data" (F5)', async () => {
    const high = await measureWith('+Inf', { max: 0.5 })
    expect(high).toMatchObject({ phase: 'Failed', value: Number.POSITIVE_INFINITY })
    expect(high.message).toContain('+Inf (outside x ≤ 0.5)')
    expect(await measureWith('-Inf', { min: 0 })).toMatchObject({
      phase: 'Failed',
      value: Number.NEGATIVE_INFINITY
    })
  })

  it('property: any answer that is not a valid sample is a measurement error', async () => {
    const grammar = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]?Inf)$/
    const valid = fc.oneof(
      fc.double().map((d) => String(d)),
      fc.integer().map((i) => i.toExponential()),
      fc.constantFrom('NaN', '+Inf', '-Inf')
    )
    const invalid = fc.oneof(
      fc.anything().filter((v) => typeof v !== 'string'),
      fc.string().filter((s) => !grammar.test(s)),
      // a valid sample made invalid: padded, prefixed, or cut into parts
      fc
        .tuple(valid, fc.constantFrom(' ', '\t', '0x', '$', ',', '_', 'e'))
        .map(([v, junk]) => (junk === ' ' || junk === '\t' ? `${junk}${v}` : `${junk}${v}`)),
      valid.map((v) => [v])
    )
    await fc.assert(
      fc.asyncProperty(invalid, async (value) => {
        fc.pre(!(typeof value === 'string' && grammar.test(value)))
        expect(() => sampleValue([0, value], 'the series')).toThrow(PrometheusError)
        const m = await measureWith(value)
        expect(m.phase).toBe('Error')
      }),
      { numRuns: 300 }
    )
    // And every valid one is read as the number it spells.
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(sampleValue([0, String(d)], 's')).toBe(Number(String(d)))
      })
    )
  })

  it('an HTML page and a missing value shape are errors too', async () => {
    const html = new PrometheusClient({
      baseUrl: 'http://p.test',
      timeoutMs: 1000,
      fetchImpl: async () => new Response('<html>login</html>', { status: 200 })
    })
    await expect(html.instant('up')).rejects.toThrow(/HTTP 200 with a body that is not JSON/)
    const noValue = new PrometheusClient({
      baseUrl: 'http://p.test',
      timeoutMs: 1000,
      fetchImpl: async () =>
        new Response(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {} }] }
          }),
          { status: 200 }
        )
    })
    await expect(noValue.instant('up')).rejects.toThrow(
      /the series is missing, not a \[time, "value"\] sample/
    )
  })

  it('keeps +Inf points in a range and refuses a null one', async () => {
    const answer = (values: unknown[]) =>
      new PrometheusClient({
        baseUrl: 'http://p.test',
        timeoutMs: 1000,
        fetchImpl: async () =>
          new Response(
            JSON.stringify({
              status: 'success',
              data: { resultType: 'matrix', result: [{ metric: {}, values }] }
            }),
            { status: 200 }
          )
      })
    const start = new Date(0)
    expect(
      await answer([
        [1, '0.1'],
        [2, '+Inf'],
        [3, 'NaN']
      ]).range('q', start, start, 1000)
    ).toEqual([0.1, Number.POSITIVE_INFINITY])
    await expect(
      answer([
        [1, '0.1'],
        [2, null]
      ]).range('q', start, start, 1000)
    ).rejects.toThrow(/sample 2 of the series has the value null/)
  })
})

describe('comparisons keep infinite points as the worst values (F5)', () => {
  const settings = {
    name: 'p99',
    direction: 'increase' as const,
    tolerance: 0.25,
    confidence: 0.98,
    minSamples: 5,
    allowedIncrease: 1,
    allowedDecrease: 1,
    critical: false,
    noData: 'inconclusive' as const
  }
  const baseline = Array.from({ length: 60 }, (_, i) => 0.1 + (i % 5) * 0.001)

  it('a canary p99 that is +Inf at 48 of 60 points is High, not Pass', () => {
    const canary = Array.from({ length: 60 }, (_, i) =>
      i % 5 === 0 ? 0.1 : Number.POSITIVE_INFINITY
    )
    const d = classifyComparison(canary, baseline, settings)
    expect(d.classification).toBe('High')
    expect(d.canarySamples).toBe(60)
    expect(d.notes?.join(' ')).toContain('infinite points (canary 48, baseline 0)')
    expect(Number.isFinite(d.estimate as number)).toBe(true)
  })

  it('reports a canary/baseline sample-count mismatch over 10 %', () => {
    const d = classifyComparison(baseline.slice(0, 12), baseline, settings)
    expect(d.notes).toContain('sample counts differ by more than 10 %: canary 12, baseline 60')
    expect(classifyComparison(baseline.slice(0, 55), baseline, settings).notes).toBeUndefined()
  })
})

describe('a step passes only on Successful measurements (F2)', () => {
  const settings: RolloutSettings = {
    weights: [50, 100],
    stepDurationMs: 2000,
    intervalMs: 1000,
    commands: { setWeight: 'set', promote: 'promote', rollback: 'rollback' },
    commandTimeoutMs: 5000,
    limits: ARGO_DEFAULT_LIMITS,
    onInconclusive: 'hold',
    onError: 'rollback',
    dryRun: false,
    rollbackAttempts: 1,
    rollbackBackoffMs: 10,
    probes: []
  }
  function rollout(
    phaseAt: (tick: number) => MeasuredCheck['phase'],
    overrides: Partial<RolloutSettings> = {}
  ) {
    let t = 0
    let tick = 0
    const clock: Clock = { now: () => t, sleep: async (ms) => void (t += Math.max(0, ms)) }
    const commands: string[] = []
    const deps: RolloutDeps = {
      settings: { ...settings, ...overrides },
      checks: [{ name: 'error-rate', kind: 'threshold', critical: false }],
      measure: async () => {
        const phase = phaseAt(tick++)
        return [
          {
            check: 'error-rate',
            kind: 'threshold',
            phase,
            message:
              phase === 'Error'
                ? 'Prometheus is unreachable: ECONNREFUSED'
                : `tick ${tick} ${phase}`
          }
        ]
      },
      runCommand: async (name) => {
        commands.push(name)
        return {
          ok: true,
          exitCode: 0,
          signal: null,
          timedOut: false,
          aborted: false,
          durationMs: 1,
          tail: [],
          message: 'ok'
        }
      },
      clock,
      log: { info: () => undefined, warning: () => undefined },
      onProgress: () => undefined,
      cancel: new AbortController().signal
    }
    return { run: () => runRollout(deps), commands }
  }

  it('never promotes a 2-step, 4-measurement rollout measured only by errors (promoted before)', async () => {
    const r = rollout(() => 'Error')
    const outcome = await r.run()
    expect(outcome.decision).toBe('rolled-back')
    expect(r.commands).not.toContain('promote')
    expect(outcome.reason).toContain(
      'error-rate error: 0 Successful measurement(s) in step 1, fewer than the 1 needed'
    )
    expect(outcome.reason).toContain('ECONNREFUSED')
    expect(outcome.decisions.map((d) => d.reason).join('\n')).not.toContain('every check passed')
    expect(outcome.checks[0].phase).toBe('Error')
  })

  it('never promotes on inconclusives alone, even with inconclusive-limit -1 (promoted before)', async () => {
    const outcome = await rollout(() => 'Inconclusive', {
      limits: { ...ARGO_DEFAULT_LIMITS, inconclusiveLimit: -1 }
    }).run()
    expect(outcome.decision).toBe('inconclusive')
    expect(outcome.reason).toMatch(
      /error-rate inconclusive: 0 Successful measurement\(s\) in step 1/
    )
  })

  it('needs at least half of a step Successful, and min-measurements of them', async () => {
    // One success and one error per step: half, which is enough by default.
    const half = (tick: number) => (tick % 2 === 0 ? 'Successful' : 'Error')
    expect((await rollout(half).run()).decision).toBe('promoted')
    // min-measurements 2: one Successful measurement in a step is too few.
    const strict = await rollout(half, { minMeasurements: 2 }).run()
    expect(strict.decision).toBe('rolled-back')
    expect(strict.reason).toContain(
      '1 Successful measurement(s) in step 1, fewer than the 2 needed (min-measurements 2'
    )
    // Three ticks a step, one Successful: below half.
    const third = await rollout((tick) => (tick % 3 === 0 ? 'Successful' : 'Inconclusive'), {
      stepDurationMs: 3000,
      limits: { ...ARGO_DEFAULT_LIMITS, inconclusiveLimit: -1 }
    }).run()
    expect(third.decision).toBe('inconclusive')
    expect(third.reason).toContain('fewer than the 2 needed')
  })

  it("a check that ends without a Successful measurement is not Successful (Argo's terminating rule)", () => {
    const errors = [1, 2, 3].reduce((c) => record(c, 'Error'), emptyCounts())
    expect(assessCheck(errors, ARGO_DEFAULT_LIMITS, true)).toEqual({
      phase: 'Error',
      message:
        'no Successful measurement (3 measurement(s): 0 successful, 0 failed, 0 inconclusive, 3 error(s))'
    })
    expect(assessCheck(emptyCounts(), ARGO_DEFAULT_LIMITS, true).phase).toBe('Inconclusive')
    expect(assessCheck(record(errors, 'Successful'), ARGO_DEFAULT_LIMITS, true).phase).toBe(
      'Successful'
    )
  })
})

describe('the min-measurements input', () => {
  const settingsFrom = (inputs: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'canary-settings-'))
    writeFileSync(
      path.join(dir, 'metrics.yml'),
      "metrics:\n  - name: error-rate\n    query: 'up'\n    threshold: { max: 0.01 }\n"
    )
    const env: Record<string, string> = { GITHUB_EVENT_NAME: 'push' }
    for (const [k, v] of Object.entries({
      steps: '50,100',
      'dry-run': 'true',
      'metrics-file': 'metrics.yml',
      'prometheus-url': 'http://127.0.0.1:9',
      ...inputs
    }))
      env[inputEnvName(k)] = v
    return readSettings(
      createRunnerIO(env, () => undefined),
      dir
    )
  }

  it('defaults to 1 and reads a number', () => {
    expect(settingsFrom({}).minMeasurements).toBe(1)
    expect(settingsFrom({ 'min-measurements': '3' }).minMeasurements).toBe(3)
  })

  it('refuses more than a step can measure, naming both numbers', () => {
    expect(() =>
      settingsFrom({ 'step-duration': '2s', interval: '1s', 'min-measurements': '3' })
    ).toThrow(ConfigurationError)
    expect(() =>
      settingsFrom({ 'step-duration': '2s', interval: '1s', 'min-measurements': '3' })
    ).toThrow(
      /"min-measurements" is 3, but a step of 2s measured every 1s takes only 2 measurement/
    )
    expect(() => settingsFrom({ 'min-measurements': '0' })).toThrow(ConfigurationError)
  })
})
