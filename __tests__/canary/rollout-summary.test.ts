import { describe, it, expect } from '@jest/globals'
import { emptyCounts } from '../../shared/canary/argo-rules.js'
import { buildRolloutReport } from '../../shared/canary/rollout-report.js'
import type { RolloutOutcome } from '../../shared/canary/rollout-record.js'
import { renderRolloutSummary } from '../../shared/canary/rollout-summary.js'
import { mermaidParse } from '../diagram/helpers.js'

const HOSTILE = '<img src=x onerror=alert(1)> @admin `code` | pipe [link](javascript:x)'

function outcome(): RolloutOutcome {
  const measurements: RolloutOutcome['measurements'] = []
  for (let i = 0; i < 80; i++) {
    const step = i < 40 ? 1 : 2
    measurements.push({
      check: HOSTILE,
      kind: 'probe',
      phase: i > 75 ? 'Failed' : 'Successful',
      at: i * 500,
      step,
      latencyMs: 10 + (i % 7),
      message: 'ok'
    })
    measurements.push({
      check: 'error-rate',
      kind: 'threshold',
      phase: 'Successful',
      at: i * 500,
      step,
      value: 0.001,
      expected: 'x ≤ 0.01',
      message: '0.001'
    })
  }
  return {
    decision: 'rolled-back',
    reason: `${HOSTILE} failed`,
    dryRun: false,
    finalWeight: 50,
    lastAppliedWeight: 50,
    trafficState: 'unknown',
    startedAt: Date.UTC(2026, 0, 1),
    durationMs: 40_000,
    steps: [
      { index: 1, weight: 10, startedAt: 0, endedAt: 20_000, outcome: 'passed' },
      { index: 2, weight: 50, startedAt: 20_000, endedAt: 40_000, outcome: 'failed' }
    ],
    checks: [
      {
        name: HOSTILE,
        kind: 'probe',
        critical: false,
        counts: { ...emptyCounts(), count: 80, successful: 76, failed: 4 },
        phase: 'Failed',
        message: 'failed (4) > failure-limit (3)'
      },
      {
        name: 'error-rate',
        kind: 'threshold',
        critical: true,
        counts: { ...emptyCounts(), count: 80, successful: 80 },
        phase: 'Running',
        message: ''
      }
    ],
    measurements,
    decisions: [{ at: 39_000, step: 2, weight: 50, action: 'rollback', reason: HOSTILE }],
    commands: [
      {
        name: 'set-weight',
        at: 0,
        step: 1,
        weight: 10,
        attempt: 1,
        ok: true,
        dryRun: false,
        durationMs: 5,
        message: 'ok',
        tail: []
      },
      {
        name: 'set-weight',
        at: 20_000,
        step: 2,
        weight: 50,
        attempt: 1,
        ok: true,
        dryRun: false,
        durationMs: 5,
        message: 'ok',
        tail: []
      },
      {
        name: 'rollback',
        at: 39_000,
        step: 2,
        weight: 0,
        attempt: 1,
        ok: false,
        dryRun: false,
        durationMs: 5,
        message: `exited with code 1 ${HOSTILE}`,
        tail: []
      }
    ],
    failedChecks: [HOSTILE],
    rollback: { attempts: 3, ok: false, message: 'exited with code 1', durationMs: 700 }
  }
}

describe('rollout summary', () => {
  it('shows the timeline, the unknown traffic state, and escapes all user text', () => {
    const md = renderRolloutSummary(outcome(), { reportPath: 'flow-rollout-report.json' })
    expect(md).toContain('Traffic state unknown')
    expect(md).toContain('The last weight applied was **50%** (set-weight at step 2')
    // Step 1 row: weight, time span, probe success, latency percentiles, metric vs threshold, outcome.
    expect(md).toMatch(
      /\| 1 \| 10% \| 0ms–20s \| 40\/40 \(100%\) \| 13 \/ 16 \/ 16 ms \| ✅ error\\-rate: 0\.001 vs x ≤ 0\\\.01 \| passed \|/
    )
    expect(md).toContain('| 2 | 50% | 20s–40s | 36/40 (90%) |')
    expect(md).not.toContain('<img')
    expect(md).not.toMatch(/@admin/)
    expect(md).not.toMatch(/[^\\]`code/)
    expect(md).not.toMatch(/[^\\]\| pipe/)
  })

  it('draws a weight and error-rate chart that the real mermaid parser accepts, capped at 60 points', () => {
    const md = renderRolloutSummary(outcome())
    const chart = /```mermaid\n([\s\S]*?)```/.exec(md)?.[1] as string
    expect(chart).toContain('xychart-beta')
    const line = /line \[([^\]]*)\]/.exec(chart)?.[1].split(', ') as string[]
    expect(line).toHaveLength(60)
    expect(line[0]).toBe('10')
    expect(line[59]).toBe('50')
    const [result] = mermaidParse([{ name: 'rollout chart', text: chart }])
    expect(result).toMatchObject({ ok: true })
  })

  it('joins the report family as kind rollout', () => {
    const o = outcome()
    const report = buildRolloutReport(
      o,
      {
        weights: [10, 50],
        stepDurationMs: 20_000,
        intervalMs: 500,
        commands: {},
        commandTimeoutMs: 1,
        limits: { failureLimit: 3, inconclusiveLimit: 0, consecutiveErrorLimit: 4 },
        onInconclusive: 'hold',
        onError: 'rollback',
        dryRun: false,
        rollbackAttempts: 3,
        rollbackBackoffMs: 1,
        probes: []
      },
      { time: '2026-01-01T00:00:00Z', tool: { name: 'x', version: '1' } }
    )
    expect(report).toMatchObject({
      kind: 'rollout',
      version: 1,
      verdict: 'failed',
      metrics: { 'rollout.promoted': 0, 'rollout.rolled_back': 0 }
    })
    expect((report.rollout as { appliedWeights: unknown[] }).appliedWeights).toEqual([
      { at: 0, step: 1, weight: 10, command: 'set-weight' },
      { at: 20_000, step: 2, weight: 50, command: 'set-weight' }
    ])
  })
})
