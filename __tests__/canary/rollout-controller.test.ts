import { describe, it, expect } from '@jest/globals'
import { ARGO_DEFAULT_LIMITS } from '../../shared/canary/argo-rules.js'
import type { CommandResult } from '../../shared/canary/platform-command.js'
import {
  runRollout,
  type Clock,
  type MeasuredCheck,
  type ProgressState,
  type RolloutDeps
} from '../../shared/canary/rollout-controller.js'
import type { RolloutSettings } from '../../shared/canary/settings.js'

/** A clock whose sleeps pass instantly, so a rollout of minutes runs in milliseconds. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let t = 1_000_000
  return {
    now: () => t,
    sleep: async (ms) => {
      t += Math.max(0, ms)
    },
    advance: (ms) => {
      t += ms
    }
  }
}

const baseSettings: RolloutSettings = {
  weights: [10, 50, 100],
  stepDurationMs: 3000,
  intervalMs: 1000,
  commands: { setWeight: 'set', promote: 'promote', rollback: 'rollback' },
  commandTimeoutMs: 5000,
  limits: ARGO_DEFAULT_LIMITS,
  onInconclusive: 'hold',
  onError: 'rollback',
  dryRun: false,
  rollbackAttempts: 3,
  rollbackBackoffMs: 100,
  probes: []
}

interface Harness {
  deps: RolloutDeps
  calls: Array<{ name: string; env: Record<string, string> }>
  progress: ProgressState[]
  cancel: AbortController
  clock: ReturnType<typeof fakeClock>
}

function harness(opts: {
  settings?: Partial<RolloutSettings>
  /** Phase of the single check "health" at tick n (0-based across the rollout). */
  tick: (n: number, step: number) => MeasuredCheck['phase']
  commandOk?: (name: string, attempt: number) => boolean
  critical?: boolean
}): Harness {
  const clock = fakeClock()
  const calls: Harness['calls'] = []
  const progress: ProgressState[] = []
  const cancel = new AbortController()
  let ticks = 0
  let step = 0
  const attempts = new Map<string, number>()
  const deps: RolloutDeps = {
    settings: { ...baseSettings, ...opts.settings },
    checks: [{ name: 'health', kind: 'probe', critical: opts.critical ?? false }],
    measure: async () => {
      clock.advance(10)
      const phase = opts.tick(ticks++, step)
      return [
        { check: 'health', kind: 'probe', phase, message: `tick ${ticks} ${phase}`, latencyMs: 10 }
      ]
    },
    runCommand: async (name, _command, env): Promise<CommandResult> => {
      calls.push({ name, env })
      if (name === 'set-weight') step = Number(env.CANARY_STEP)
      const n = (attempts.get(name) ?? 0) + 1
      attempts.set(name, n)
      const ok = opts.commandOk ? opts.commandOk(name, n) : true
      return {
        ok,
        exitCode: ok ? 0 : 1,
        signal: null,
        timedOut: false,
        aborted: false,
        durationMs: 5,
        tail: [],
        message: ok ? 'ok' : 'exited with code 1'
      }
    },
    clock,
    log: { info: () => undefined, warning: () => undefined },
    onProgress: (s) => progress.push(s),
    cancel: cancel.signal
  }
  return { deps, calls, progress, cancel, clock }
}

describe('rollout controller', () => {
  it('promotes through every step when all checks pass, passing weights only through the environment', async () => {
    const h = harness({ tick: () => 'Successful' })
    const outcome = await runRollout(h.deps)
    expect(outcome.decision).toBe('promoted')
    expect(outcome.finalWeight).toBe(100)
    expect(
      h.calls.map(
        (c) =>
          `${c.name}:${c.env.CANARY_WEIGHT}:${c.env.CANARY_STEP}:${c.env.CANARY_PREVIOUS_WEIGHT}`
      )
    ).toEqual([
      'set-weight:10:1:0',
      'set-weight:50:2:10',
      'set-weight:100:3:50',
      'promote:100:3:100'
    ])
    // 3 s steps measured every second: 3 measurements per step.
    expect(outcome.measurements.filter((m) => m.step === 2)).toHaveLength(3)
    expect(outcome.steps.map((s) => s.outcome)).toEqual(['passed', 'passed', 'passed'])
    expect(outcome.checks[0].phase).toBe('Successful')
    expect(h.progress[h.progress.length - 1]).toMatchObject({
      phase: 'finished',
      decision: 'promoted'
    })
  })

  it('rolls back at the first failure beyond failure-limit (Argo: failed > limit)', async () => {
    const h = harness({
      settings: { limits: { ...ARGO_DEFAULT_LIMITS, failureLimit: 1 } },
      tick: (_n, step) => (step >= 2 ? 'Failed' : 'Successful')
    })
    const outcome = await runRollout(h.deps)
    expect(outcome.decision).toBe('rolled-back')
    expect(outcome.finalWeight).toBe(0)
    expect(outcome.measurements.filter((m) => m.phase === 'Failed')).toHaveLength(2)
    expect(h.calls.map((c) => c.name)).toEqual(['set-weight', 'set-weight', 'rollback'])
    expect(h.calls[2].env).toMatchObject({ CANARY_WEIGHT: '0', CANARY_PREVIOUS_WEIGHT: '50' })
    expect(outcome.failedChecks).toEqual(['health'])
    expect(outcome.reason).toMatch(/failed \(2\) > failure-limit \(1\)/)
  })

  it('a critical check tolerates no failure whatever failure-limit says', async () => {
    const h = harness({
      critical: true,
      settings: { limits: { ...ARGO_DEFAULT_LIMITS, failureLimit: 5 } },
      tick: (n) => (n === 1 ? 'Failed' : 'Successful')
    })
    expect((await runRollout(h.deps)).decision).toBe('rolled-back')
  })

  it('holds on inconclusive without promoting, or rolls back by configuration', async () => {
    const hold = harness({ tick: (n) => (n === 4 ? 'Inconclusive' : 'Successful') })
    const held = await runRollout(hold.deps)
    expect(held.decision).toBe('inconclusive')
    expect(held.finalWeight).toBe(50)
    expect(hold.calls.map((c) => c.name)).toEqual(['set-weight', 'set-weight'])
    expect(hold.progress[hold.progress.length - 1].phase).toBe('finished')

    const rb = harness({
      settings: { onInconclusive: 'rollback' },
      tick: (n) => (n === 4 ? 'Inconclusive' : 'Successful')
    })
    const rolled = await runRollout(rb.deps)
    expect(rolled.decision).toBe('rolled-back')
    expect(rb.calls.map((c) => c.name)).toEqual(['set-weight', 'set-weight', 'rollback'])
  })

  it('errors: tolerated up to consecutive-error-limit, then rollback or inconclusive by configuration', async () => {
    // Ten ticks a step, so four errors in a row still leave most of the step Successful.
    const fourErrors = harness({
      settings: { stepDurationMs: 10_000 },
      tick: (n) => (n >= 1 && n <= 4 ? 'Error' : 'Successful')
    })
    expect((await runRollout(fourErrors.deps)).decision).toBe('promoted')
    const down = harness({
      settings: { stepDurationMs: 10_000 },
      tick: (n) => (n >= 2 ? 'Error' : 'Successful')
    })
    const o = await runRollout(down.deps)
    expect(o.decision).toBe('rolled-back')
    expect(o.reason).toMatch(/consecutive errors \(5\) > consecutive-error-limit \(4\)/)
    const asInconclusive = harness({
      settings: { onError: 'inconclusive' },
      tick: (n) => (n >= 2 ? 'Error' : 'Successful')
    })
    const i = await runRollout(asInconclusive.deps)
    expect(i.decision).toBe('inconclusive')
    expect(asInconclusive.calls.some((c) => c.name === 'rollback')).toBe(false)
  })

  it('retries a failing rollback with backoff, then reports the traffic state unknown', async () => {
    const h = harness({
      tick: (n) => (n === 3 ? 'Failed' : 'Successful'),
      commandOk: (name) => name !== 'rollback'
    })
    const t0 = h.clock.now()
    const outcome = await runRollout(h.deps)
    expect(h.calls.filter((c) => c.name === 'rollback')).toHaveLength(3)
    expect(outcome.rollback).toMatchObject({ ok: false, attempts: 3 })
    expect(outcome.trafficState).toBe('unknown')
    expect(outcome.finalWeight).toBe(50)
    expect(outcome.lastAppliedWeight).toBe(50)
    // Backoff 100 ms then 200 ms between the three attempts.
    expect(h.clock.now() - t0).toBeGreaterThanOrEqual(300)
    expect(h.progress[h.progress.length - 1].phase).toBe('rollback-failed')
  })

  it('rolls back when set-weight fails, and when promote fails', async () => {
    const setFails = harness({
      tick: () => 'Successful',
      commandOk: (name, n) => !(name === 'set-weight' && n === 2)
    })
    const a = await runRollout(setFails.deps)
    expect(a.decision).toBe('rolled-back')
    expect(a.reason).toMatch(/set-weight command failed at 50%/)
    const promoteFails = harness({
      tick: () => 'Successful',
      commandOk: (name) => name !== 'promote'
    })
    const b = await runRollout(promoteFails.deps)
    expect(b.decision).toBe('rolled-back')
    expect(promoteFails.calls.map((c) => c.name).slice(-2)).toEqual(['promote', 'rollback'])
  })

  it('aborts and rolls back when cancelled mid-step', async () => {
    const h = harness({ tick: () => 'Successful' })
    const measure = h.deps.measure
    let n = 0
    h.deps.measure = async (signal) => {
      if (++n === 5) h.cancel.abort('SIGTERM')
      return measure(signal)
    }
    const outcome = await runRollout(h.deps)
    expect(outcome.decision).toBe('aborted')
    expect(outcome.reason).toMatch(/SIGTERM/)
    expect(h.calls.map((c) => c.name)).toEqual(['set-weight', 'set-weight', 'rollback'])
    expect(outcome.finalWeight).toBe(0)
  })

  it('dry run judges and decides but runs no command', async () => {
    const h = harness({
      settings: { dryRun: true },
      tick: (_n, step) => (step === 2 ? 'Failed' : 'Successful')
    })
    // In a dry run set-weight never runs, so "step" stays 0: judge by tick number instead.
    h.deps.measure = (() => {
      let n = 0
      return async () => [
        {
          check: 'health',
          kind: 'probe' as const,
          phase: n++ >= 3 ? ('Failed' as const) : ('Successful' as const),
          message: ''
        }
      ]
    })()
    const outcome = await runRollout(h.deps)
    expect(h.calls).toHaveLength(0)
    expect(outcome.decision).toBe('rolled-back')
    expect(outcome.commands.every((c) => c.dryRun)).toBe(true)
    expect(outcome.commands.map((c) => c.name)).toEqual(['set-weight', 'set-weight', 'rollback'])
  })
})
